"""Dask on a two-process LocalCluster cleans exactly like ``linesift predict``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.io.builders import page
from typer.testing import CliRunner

db = pytest.importorskip("dask.bag")
distributed = pytest.importorskip("dask.distributed")

from linesift.cli import app  # noqa: E402 - after the skip when dask is missing
from linesift.integrations.dask import clean_bag, clean_dataframe  # noqa: E402

N_PAGES = 12


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with (
        distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster,
        distributed.Client(cluster) as dask_client,
    ):
        yield dask_client


def _predict(tmp_path: Path, *args: str) -> list[dict]:
    records = [{"id": i, "text": page(i)} for i in range(N_PAGES)]
    (tmp_path / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    result = CliRunner().invoke(app, ["predict", str(tmp_path / "docs.jsonl"), *args])
    assert result.exit_code == 0
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_bag_of_dicts_matches_predict(client: object, tmp_path: Path) -> None:
    expected = _predict(tmp_path, "--spans")
    bag = db.from_sequence([{"id": i, "text": page(i)} for i in range(N_PAGES)], npartitions=4)
    got = clean_bag(bag, spans=True).compute()
    assert [json.loads(json.dumps(r)) for r in got] == expected


def test_bag_of_strings_matches_predict(client: object, tmp_path: Path) -> None:
    expected = [r["linesift_text"] for r in _predict(tmp_path)]
    assert clean_bag(db.from_sequence([page(i) for i in range(N_PAGES)], npartitions=3)).compute() == expected


def test_bag_read_from_files_and_mapped_matches_predict(client: object, tmp_path: Path) -> None:
    """As docs/scale.md reads a crawl: a bag of lines mapped to records, whose partitions are iterators."""
    expected = _predict(tmp_path, "--spans")
    records = db.read_text(str(tmp_path / "docs.jsonl")).map(json.loads).filter(lambda record: True)
    assert [json.loads(json.dumps(r)) for r in clean_bag(records, spans=True).compute()] == expected


def test_dataframe_column_matches_predict(client: object, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    expected = [r["linesift_text"] for r in _predict(tmp_path)]
    frame = dd.from_pandas(pd.DataFrame({"id": range(N_PAGES), "text": [page(i) for i in range(N_PAGES)]}), npartitions=3)
    out = clean_dataframe(frame).compute()
    assert list(out.columns) == ["id", "text", "linesift_text"]
    assert list(out["linesift_text"]) == expected and list(out["id"]) == list(range(N_PAGES))


def test_dataframe_written_to_parquet_as_the_docs_show(client: object, tmp_path: Path) -> None:
    """The added column was declared of type object, which pyarrow cannot write: "did not recognize Python value type"."""
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    pytest.importorskip("pyarrow")
    frame = dd.from_pandas(pd.DataFrame({"id": range(N_PAGES), "text": [page(i) for i in range(N_PAGES)]}), npartitions=3)
    clean_dataframe(frame, column="text").to_parquet(tmp_path / "clean")
    written = pd.read_parquet(tmp_path / "clean")
    assert list(written["linesift_text"]) == [r["linesift_text"] for r in _predict(tmp_path)]


def test_a_missing_column_or_field_is_named(client: object) -> None:
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    frame = dd.from_pandas(pd.DataFrame({"id": [1], "text": [page(1)]}), npartitions=1)
    with pytest.raises(ValueError, match=r"^no column 'body' to clean \(columns: id, text\)$"):
        clean_dataframe(frame, column="body")
    with pytest.raises(ValueError, match=r"^item 2 of the partition has no 'text' field$"):
        clean_bag(db.from_sequence([{"text": page(1)}, {"body": page(2)}], npartitions=1)).compute()


def test_bag_of_html_pages_matches_predict_on_html_files(client: object, tmp_path: Path) -> None:
    from fixtures.io.builders import html_page

    for i in range(4):
        (tmp_path / f"p{i}.html").write_text(html_page(i), encoding="utf-8")
    result = CliRunner().invoke(app, ["predict", *(str(tmp_path / f"p{i}.html") for i in range(4))])
    assert result.exit_code == 0
    expected = result.stdout.rstrip("\n").split("\n\f\n")  # pages on stdout are separated by a form-feed line
    got = clean_bag(db.from_sequence([html_page(i) for i in range(4)], npartitions=2), html=True).compute()
    assert got == expected and all(got)


def test_a_bad_text_names_its_item_or_row() -> None:
    """Checked before the partition is cleaned: None was cleaned to "", an int failed with "has no len()", and a page
    over the limits stopped the partition without saying which."""
    from linesift.integrations.dask import clean_partition, clean_records
    from linesift.limits import MAX_PAGE_CHARS, PageTooLargeError

    with pytest.raises(TypeError, match=r"^item 2 of the partition: the text is null, not a str$"):
        clean_records([{"text": page(1)}, {"text": None}])
    with pytest.raises(TypeError, match=r"^item 1 of the partition: the text is int, not a str$"):
        clean_records([7])
    with pytest.raises(PageTooLargeError, match=r"^item 2 of the partition: page has"):
        clean_records([page(1), "x" * (MAX_PAGE_CHARS + 1)])
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({"text": [page(1), None]}, index=["a", "b"])
    with pytest.raises(TypeError, match=r"^row 'b' of the partition: the text is null, not a str$"):
        clean_partition(frame, "text")
