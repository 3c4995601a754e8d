"""The labelled-data loader: good rows, errors naming file and record, gzip, directories."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import zstandard

from linesift.model.segment import split_lines
from linesift.training.data import BLANK, DataError, LabelledPage, data_files, data_sha256, load_pages

GOOD = {
    "id": "p1",
    "source": "https://example.com/a",
    "domain": "example.com",
    "page_type": "article",
    "renderer": "resiliparse",
    "main_content": "Body text.",
    "lines": ["Menu", "", "Body text.", "   ", "Footer"],
    "labels": [0, None, 1, None, 0],
}


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows), encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(DataError) as error:
        load_pages([path])
    return str(error.value)


# --- good rows ----------------------------------------------------------------------------------


def test_good_rows(tmp_path: Path) -> None:
    minimal = {"id": "p2", "lines": ["Only line"], "labels": [1]}
    pages = load_pages([write_jsonl(tmp_path / "d.jsonl", [GOOD, minimal])])
    assert [page.id for page in pages] == ["p1", "p2"]
    first, second = pages
    assert first.lines == GOOD["lines"]
    assert first.labels.dtype == np.int8
    assert first.labels.tolist() == [0, BLANK, 1, BLANK, 0]
    assert (first.source, first.domain, first.page_type, first.renderer) == ("https://example.com/a", "example.com", "article", "resiliparse")
    assert first.main_content == "Body text."
    assert first.group == "example.com"
    assert (second.source, second.domain, second.main_content) == ("", "", None)
    assert second.group == "p2"  # without a domain a page is its own group


@pytest.mark.parametrize(("line", "label", "shown"), [("", 1, "1"), (" \t", 0, "0"), ("\u00a0", "anything", "'anything'")])
def test_a_blank_line_must_be_labelled_null(tmp_path: Path, line: str, label: object, shown: str) -> None:
    # A blank line only separates blocks: labelled content, it would be a line the model can never keep.
    path = write_jsonl(tmp_path / "d.jsonl", [GOOD, {"id": "p", "lines": ["x", line], "labels": [0, label]}])
    assert error_of(path) == (f"{path}: record 2: line 2 is blank, its label must be null "
                              f"(a blank line only separates blocks: it is neither content nor noise), got {shown}")


def test_empty_page_and_blank_rows_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text("\n" + json.dumps({"id": "empty", "lines": [], "labels": []}) + "\n   \n", encoding="utf-8")
    (page,) = load_pages([path])
    assert page.lines == [] and page.labels.tolist() == []


def test_the_seed_loads(seed_pages: list[LabelledPage], seed_text: str) -> None:
    (page,) = seed_pages
    assert page.id == "000_bbcd66fa357995a9"
    assert page.lines == split_lines(seed_text)
    assert len(page.lines) == 105
    assert int((page.labels != BLANK).sum()) == 68
    assert int((page.labels == 1).sum()) == 17  # the headline is noise (seeds/LABELING.md)
    assert ((page.labels == BLANK) == np.array([not line.strip() for line in page.lines])).all()


# --- errors name the file and the record --------------------------------------------------------


def test_bad_json(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", [GOOD, '{"id": "p2", "lines": ['])
    assert error_of(path).startswith(f"{path}: record 2: not valid JSON (")


def test_record_numbers_count_blank_rows(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(GOOD) + "\n\n" + "{oops}\n", encoding="utf-8")
    assert error_of(path).startswith(f"{path}: record 3: not valid JSON")


def test_labels_length_mismatch(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", [dict(GOOD, labels=[0, None, 1])])
    assert error_of(path) == f"{path}: record 1: 'labels' must be a list with one label per line (5)"
    path = write_jsonl(tmp_path / "e.jsonl", [dict(GOOD, labels="0,1")])
    assert error_of(path) == f"{path}: record 1: 'labels' must be a list with one label per line (5)"


@pytest.mark.parametrize(("label", "shown"), [(2, "2"), (-1, "-1"), ("1", "'1'"), (True, "True"), (None, "None"), (0.5, "0.5")])
def test_label_on_a_non_blank_line_must_be_0_or_1(tmp_path: Path, label: object, shown: str) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", [GOOD, {"id": "p2", "lines": ["a", "b"], "labels": [1, label]}])
    assert error_of(path) == f"{path}: record 2: line 2 is not blank, its label must be 0 or 1, got {shown}"


@pytest.mark.parametrize("page_id", ["missing", "", 7, None])
def test_id_must_be_a_non_empty_string(tmp_path: Path, page_id: object) -> None:
    row = {k: v for k, v in GOOD.items() if k != "id"}
    if page_id != "missing":
        row["id"] = page_id
    path = write_jsonl(tmp_path / "d.jsonl", [row])
    assert error_of(path) == f"{path}: record 1: 'id' must be a non-empty string"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ([1, 2], "a labelled page must be a JSON object"),
        ("not an object", "a labelled page must be a JSON object"),
        ({"id": "p", "lines": "a\nb", "labels": [1, 1]}, "'lines' must be a list of strings"),
        ({"id": "p", "lines": ["a", 3], "labels": [1, 1]}, "'lines' must be a list of strings"),
        ({"id": "p", "lines": ["a", "b\nc"], "labels": [1, 1]}, "line 2 holds a line break: give each line of the page as its own entry"),
        ({"id": "p", "lines": ["a\r"], "labels": [1]}, "line 1 holds a line break: give each line of the page as its own entry"),
        ({"id": "p", "lines": ["a"], "labels": [1], "domain": 5}, "'domain' must be a string, not int"),
        ({"id": "p", "lines": ["a"], "labels": [1], "page_type": ["x"]}, "'page_type' must be a string, not list"),
        # predict refuses such a page; training took 1.4 GB for one of 20 million characters.
        ({"id": "p", "lines": ["x" * 10_000_001], "labels": [1]},
         "page has 10,000,001 characters, more than the 10,000,000 linesift cleans at once (see docs/limits.md); split "
         "it into smaller documents"),
    ],
)
def test_other_malformed_rows(tmp_path: Path, row: object, message: str) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert error_of(path) == f"{path}: record 1: {message}"


def test_invalid_utf8_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n\xff\xfe\n")
    assert error_of(path).startswith(f"{path}: cannot read (")


# --- gzip ---------------------------------------------------------------------------------------


def test_gzip_file_loads_like_the_plain_one(tmp_path: Path, seed_labels_path: Path) -> None:
    compressed = tmp_path / "seed.jsonl.gz"
    compressed.write_bytes(gzip.compress(seed_labels_path.read_bytes()))
    (plain,) = load_pages([seed_labels_path])
    (unzipped,) = load_pages([compressed])
    assert unzipped.lines == plain.lines
    assert unzipped.labels.tolist() == plain.labels.tolist()


def test_gzip_errors_name_the_file_and_record(tmp_path: Path) -> None:
    bad_row = tmp_path / "rows.jsonl.gz"
    bad_row.write_bytes(gzip.compress((json.dumps(GOOD) + "\n" + json.dumps({"lines": []}) + "\n").encode()))
    assert error_of(bad_row) == f"{bad_row}: record 2: 'labels' must be a list with one label per line (0)"
    corrupt = tmp_path / "corrupt.jsonl.gz"
    corrupt.write_bytes(b"this is not gzip data")  # read as what its bytes are, as predict reads it
    assert error_of(corrupt).startswith(f"{corrupt}: record 1: not valid JSON")
    truncated = tmp_path / "truncated.jsonl.gz"
    truncated.write_bytes(gzip.compress(((json.dumps(GOOD) + "\n") * 50).encode())[:-20])
    assert error_of(truncated).startswith(f"{truncated}: cannot read (")


@pytest.mark.parametrize("name", ["seed.jsonl.zst", "seed.jsonl.gz"])
def test_compression_is_told_by_the_bytes_not_the_name(tmp_path: Path, seed_labels_path: Path, name: str) -> None:
    """A zstd file failed with "'utf-8' codec can't decode byte 0xb5", a plain one named .gz with "Not a gzipped
    file", where predict reads both."""
    path = tmp_path / name
    raw = seed_labels_path.read_bytes()
    path.write_bytes(zstandard.ZstdCompressor().compress(raw) if name.endswith(".zst") else raw)
    (plain,) = load_pages([seed_labels_path])
    (read,) = load_pages([path])
    assert (read.lines, read.labels.tolist()) == (plain.lines, plain.labels.tolist())
    assert data_files([tmp_path]) == [path]
    truncated = tmp_path / "truncated.jsonl.zst"
    truncated.write_bytes(zstandard.ZstdCompressor().compress(raw)[:-20])
    assert error_of(truncated) == f"{truncated}: cannot read (compressed data ends in the middle of a zstd frame)"


# --- directories --------------------------------------------------------------------------------


def test_directory_takes_jsonl_and_jsonl_gz_files_in_sorted_order(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "b.jsonl", [dict(GOOD, id="b")])
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress((json.dumps(dict(GOOD, id="a")) + "\n").encode()))
    write_jsonl(tmp_path / "c.jsonl", [dict(GOOD, id="c1"), dict(GOOD, id="c2")])
    (tmp_path / "notes.txt").write_text("not data", encoding="utf-8")
    (tmp_path / "nested").mkdir()
    write_jsonl(tmp_path / "nested" / "d.jsonl", [dict(GOOD, id="d")])  # not searched: only the folder itself
    assert [f.name for f in data_files([tmp_path])] == ["a.jsonl.gz", "b.jsonl", "c.jsonl"]
    assert [page.id for page in load_pages([tmp_path])] == ["a", "b", "c1", "c2"]


def test_files_and_directories_mix_in_the_given_order(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    write_jsonl(folder / "x.jsonl", [dict(GOOD, id="x")])
    single = write_jsonl(tmp_path / "single.data", [dict(GOOD, id="s")])  # a named file is taken as given
    assert [page.id for page in load_pages([single, folder])] == ["s", "x"]


def test_a_file_named_twice_is_read_once(tmp_path: Path) -> None:
    """Named on its own and through its folder, a file's pages would count twice in training and in the folds."""
    folder = tmp_path / "folder"
    folder.mkdir()
    single = write_jsonl(folder / "x.jsonl", [dict(GOOD, id="x")])
    write_jsonl(folder / "y.jsonl", [dict(GOOD, id="y")])
    assert [page.id for page in load_pages([single, folder, tmp_path / "folder" / ".." / "folder" / "x.jsonl"])] == ["x", "y"]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_not_labelled_data() -> None:
    """Data is read twice (its pages, its hash), and /dev/zero never ends: it was read until memory ran out."""
    with pytest.raises(DataError, match=r"^/dev/zero: not a regular file: labelled data must be a file$"):
        data_files([Path("/dev/zero")])


def test_empty_directory_and_missing_path(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"^no labelled data \(\*\.jsonl, \*\.jsonl\.gz, \*\.jsonl\.zst\) in "):
        data_files([tmp_path])
    missing = tmp_path / "missing.jsonl"
    with pytest.raises(DataError) as error:
        data_files([missing])
    assert str(error.value) == f"{missing}: no such file or directory"


def test_data_sha256_covers_the_files_in_order(tmp_path: Path) -> None:
    a = write_jsonl(tmp_path / "a.jsonl", [dict(GOOD, id="a")])
    b = write_jsonl(tmp_path / "b.jsonl", [dict(GOOD, id="b")])
    assert data_sha256([a, b]) == hashlib.sha256(a.read_bytes() + b.read_bytes()).hexdigest()
    assert data_sha256([a]) == hashlib.sha256(a.read_bytes()).hexdigest()
    assert data_sha256([a, b]) != data_sha256([b, a])
