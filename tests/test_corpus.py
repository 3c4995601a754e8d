"""Corpus build on the WCXB fixtures and on a directory of pages."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import encoded_twice

from linesift.model.segment import split_lines
from linesift.training.align import align_lines
from linesift.training.corpus import CorpusOptionError, Skipped, SourceError, build_corpus, iter_source, label_page

WCXB = Path(__file__).parent / "fixtures" / "wcxb"
SHARED = Path(__file__).parents[2] / "shared" / "wcxb-dev"
PAGE = "<html><body><nav>Home</nav><p>The quick brown fox jumps over the lazy dog near the bank.</p></body></html>"


def _rows(path: Path) -> dict[str, dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return {row["id"]: row for row in map(json.loads, fh)}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("corpus")
    summary = build_corpus(WCXB, out, ["resiliparse", "html-text"], prefix="wcxb-fixtures")
    return summary, out


def test_summary_counts_written_and_skipped(built) -> None:
    summary, out = built
    assert summary.pages == 4
    assert summary.written == {"resiliparse": 3, "html-text": 3}
    # 4147's fetched HTML lacks the forum post: its gold is not in the rendering.
    assert summary.skip_counts() == {
        ("resiliparse", "gold not in rendering"): 1,
        ("html-text", "gold not in rendering"): 1,
    }
    assert {s.page_id for s in summary.skipped} == {"wcxb-4147"}
    assert summary.files["resiliparse"] == out / "wcxb-fixtures.resiliparse.jsonl.gz"


def test_rows_have_the_documented_fields(built) -> None:
    _, out = built
    row = _rows(out / "wcxb-fixtures.resiliparse.jsonl.gz")["wcxb-0541"]
    assert set(row) == {
        "id", "source", "renderer", "lines", "labels", "page_type", "domain", "url", "title", "main_content",
    }
    assert row["source"] == "wcxb/html/0541.html.gz"
    assert row["renderer"] == "resiliparse"
    assert row["page_type"] == "forum"
    assert len(row["lines"]) == len(row["labels"])
    assert all((label is None) == (not line.strip()) for line, label in zip(row["lines"], row["labels"]))


def test_lines_are_split_lines_of_the_rendering(built) -> None:
    _, out = built
    for row in _rows(out / "wcxb-fixtures.html-text.jsonl.gz").values():
        assert split_lines("\n".join(row["lines"])) == row["lines"]


def test_labels_checked_by_eye(built) -> None:
    _, out = built
    rows = _rows(out / "wcxb-fixtures.resiliparse.jsonl.gz")
    forum = dict(zip(rows["wcxb-0541"]["lines"], rows["wcxb-0541"]["labels"]))
    assert forum["  • Packages"] == 0  # site navigation
    assert forum["Powered by FluxBB"] == 0  # footer
    assert forum["Last edited by chunix64 (2025-11-01 15:15:18)"] == 1  # in the gold post
    article = dict(zip(rows["wcxb-0414"]["lines"], rows["wcxb-0414"]["labels"]))
    assert article["Sam Bossleythoughtsstreamsportfoliomiscrecs"] == 0  # site header
    assert article["Zig has the syntax of Rust"] == 1
    assert article["Table of Contents"] == 0  # the gold leaves the table of contents out
    listing = dict(zip(rows["wcxb-4532"]["lines"], rows["wcxb-4532"]["labels"]))
    assert listing["    • Supplier Discovery"] == 0
    assert listing["Fasteners & Hardware Categories"] == 1


def _write_page(root: Path, name: str, html: str, gold: str | None, meta: dict | None = None) -> None:
    (root / f"{name}.html").write_text(html, encoding="utf-8")
    if gold is not None:
        (root / f"{name}.txt").write_text(gold, encoding="utf-8")
    if meta is not None:
        (root / f"{name}.json").write_text(json.dumps(meta), encoding="utf-8")


def test_soup_corpus_of_the_fixture_pages(tmp_path: Path) -> None:
    summary = build_corpus(WCXB, tmp_path, ["soup"], prefix="wcxb-fixtures")
    # 4147's fetched HTML lacks the forum post, as in every other rendering.
    assert summary.written == {"soup": 3}
    assert summary.skip_counts() == {("soup", "gold not in rendering"): 1}
    rows = _rows(tmp_path / "wcxb-fixtures.soup.jsonl.gz")
    for row in rows.values():
        assert row["renderer"] == "soup"
        assert set(row["labels"]) - {None} == {0, 1}
    # One text node a line: a blank line only inside a node, as in a <pre>'s code.
    lines = [line for row in rows.values() for line in row["lines"]]
    assert 0 < lines.count("") < 0.01 * len(lines)
    # A link inside a sentence is a line of its own, and the sentence goes on on the next one, all content.
    arch = rows["wcxb-0541"]
    at = arch["lines"].index("https://archlinux.org/releng/releases/")
    assert arch["lines"][at - 1] == "According to"
    assert arch["lines"][at + 1].startswith(", why did the ISO size increase")
    assert arch["labels"][at - 1 : at + 2] == [1, 1, 1]


def test_directory_layout_with_every_skip_reason(tmp_path: Path) -> None:
    pages = tmp_path / "mypages"
    pages.mkdir()
    gold = "The quick brown fox jumps over the lazy dog near the bank."
    _write_page(pages, "good", PAGE, gold, {"title": "Fox", "url": "https://example.org/fox"})
    _write_page(pages, "empty", PAGE, "  \n")
    _write_page(pages, "elsewhere", PAGE, "A completely different text about cooking pasta at home.")
    _write_page(pages, "nogold", PAGE, None)
    (pages / "binary.htm").write_bytes(bytes(range(256)) * 4)
    (pages / "binary.txt").write_text(gold, encoding="utf-8")
    summary = build_corpus(pages, tmp_path / "out", ["resiliparse"])
    assert summary.pages == 5
    assert summary.written == {"resiliparse": 1}
    assert sorted((s.page_id, s.reason) for s in summary.skipped) == [
        ("binary", "render error"),
        ("elsewhere", "gold not in rendering"),
        ("empty", "empty gold"),
        ("nogold", "no gold file"),
    ]
    row = _rows(tmp_path / "out" / "mypages.resiliparse.jsonl.gz")["good"]
    assert row["lines"] == ["Home", "", "The quick brown fox jumps over the lazy dog near the bank."]
    assert row["labels"] == [0, None, 1]
    assert row["title"] == "Fox"
    assert row["page_type"] is None
    assert row["source"] == "mypages/good.html"


@pytest.mark.parametrize("gold_as_shown", [False, True])
def test_a_page_encoded_twice_is_labelled_against_its_gold_repaired(tmp_path: Path, gold_as_shown: bool) -> None:
    """The page's UTF-8 was encoded twice; its gold is either the text itself or, as on some WCXB pages, the
    broken text the page showed. Either way the lines are the repaired text and the paragraph is content."""
    paragraph = "Zoë’s café served crème brûlée, piña colada and jalapeño crêpes: “délicieux”, said Renée."
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "cafe.html").write_bytes(encoded_twice(f"<html><body><nav>Menü</nav><p>{paragraph}</p></body></html>"))
    gold = encoded_twice(paragraph).decode("utf-8") if gold_as_shown else paragraph
    (pages / "cafe.txt").write_text(gold, encoding="utf-8")
    build_corpus(pages, tmp_path / "out", ["resiliparse"])
    row = _rows(tmp_path / "out" / "pages.resiliparse.jsonl.gz")["cafe"]
    assert row["lines"] == ["Menü", "", paragraph]
    assert row["labels"] == [0, None, 1]
    assert row["main_content"] == gold  # scored as the benchmark gives it


def test_empty_gold_in_wcxb_layout_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "0001.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    (tmp_path / "ground-truth.jsonl").write_text(json.dumps({"file_id": "0001", "main_content": ""}) + "\n")
    (page,) = iter_source(tmp_path)
    assert label_page(page) == Skipped("wcxb-0001", "resiliparse", "empty gold")


def test_unknown_renderer_fails_before_writing(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="unknown renderer"):
        build_corpus(WCXB, tmp_path / "out", ["nope"])
    assert not (tmp_path / "out").exists()


def test_an_html_file_that_does_not_unpack_is_skipped(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "good.html").write_text(PAGE, encoding="utf-8")
    (pages / "good.txt").write_text("The quick brown fox jumps over the lazy dog near the bank.", encoding="utf-8")
    (pages / "cut.html.gz").write_bytes(gzip.compress(PAGE.encode())[:20])
    (pages / "cut.txt").write_text("The quick brown fox.", encoding="utf-8")
    (pages / "plain.html.gz").write_bytes(PAGE.encode())  # named .gz, not gzip
    (pages / "plain.txt").write_text("The quick brown fox.", encoding="utf-8")
    summary = build_corpus(pages, tmp_path / "out", ["resiliparse"])
    assert summary.written == {"resiliparse": 1}
    assert sorted((s.page_id, s.reason) for s in summary.skipped) == [("cut", "unreadable html"), ("plain", "unreadable html")]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("a.json", b"{bad", "a.json: not a readable JSON object of the page's metadata"),
    ("a.json", b"[1, 2]", "a.json: the page's metadata must be a JSON object"),
    # Built without a word, the corpus was then refused by train: "... must be strings".
    ("a.json", b'{"domain": 5}', "a.json: 'domain' must be a string, not int"),
    ("a.json", b'{"page_type": ["article"]}', "a.json: 'page_type' must be a string, not list"),
    ("a.txt", b"The strike hit \xff\xfe the port.", "a.txt: cannot read the gold text as UTF-8"),
])
def test_a_pages_unreadable_side_file_is_named(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    _write_page(pages, "a", PAGE, "The quick brown fox jumps over the lazy dog near the bank.")
    (pages / name).write_bytes(data)
    with pytest.raises(SourceError) as error:
        build_corpus(pages, tmp_path / "out", ["resiliparse"])
    assert str(error.value).startswith(f"{pages / name}: ") and message in str(error.value)


def test_two_html_files_of_one_page_are_refused(tmp_path: Path) -> None:
    """x.html and x.htm beside one x.txt gave two rows with id "x", without a word."""
    _write_page(tmp_path, "x", PAGE, "The quick brown fox jumps over the lazy dog near the bank.")
    (tmp_path / "x.htm").write_text(PAGE, encoding="utf-8")
    with pytest.raises(SourceError) as error:
        build_corpus(tmp_path, tmp_path / "out", ["resiliparse"])
    assert str(error.value) == (f"{tmp_path / 'x.html'} and {tmp_path / 'x.htm'} are both page 'x' (one gold text, x.txt): "
                                "keep one")


@pytest.mark.parametrize(("record", "message"), [
    ("{bad", "line 2: not valid JSON"),
    ("[1]", "line 2: a record must be a JSON object"),
    (json.dumps({"main_content": "y"}), "line 2: 'file_id' must be a file name without '/', got None"),
    (json.dumps({"file_id": "../../etc/hostname", "main_content": "y"}), "'file_id' must be a file name without '/'"),
    (json.dumps({"file_id": "0002", "main_content": 5}), "line 2: 'main_content' must be a string"),
    (json.dumps({"file_id": "0002", "main_content": "y", "domain": 7}), "line 2: 'domain' must be a string, not int"),
])
def test_a_bad_ground_truth_record_is_named(tmp_path: Path, record: str, message: str) -> None:
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "0001.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    good = json.dumps({"file_id": "0001", "main_content": "The quick brown fox jumps over the lazy dog near the bank."})
    (tmp_path / "ground-truth.jsonl").write_text(f"{good}\n{record}\n")
    with pytest.raises(SourceError, match=r"ground-truth\.jsonl, line 2: ") as error:
        build_corpus(tmp_path, tmp_path / "out", ["resiliparse"])
    assert message in str(error.value)


@pytest.mark.parametrize("prefix", ["../escaped", "/tmp/elsewhere", "..", "a/b"])
def test_a_prefix_that_is_a_path_is_refused(tmp_path: Path, prefix: str) -> None:
    with pytest.raises(CorpusOptionError, match="the prefix must be a file name"):
        build_corpus(WCXB, tmp_path / "out", ["resiliparse"], prefix=prefix)
    assert not (tmp_path / "out").exists()


def test_shared_dataset_reads_all_pages() -> None:
    if not (SHARED / "ground-truth.jsonl.gz").is_file():
        pytest.skip("the WCXB development pages (../shared/wcxb-dev) are not on this machine")
    assert sum(1 for _ in iter_source(SHARED)) == 1356


def test_markdown_is_labelled_as_a_reader_reads_it() -> None:
    """A heading written as a link to its anchor is the gold's heading once its target is left out (0414, an article)."""
    page = next(page for page in iter_source(WCXB) if page.id == "wcxb-0414")
    row = label_page(page, "markdown")
    assert not isinstance(row, Skipped)
    labels = dict(zip(row["lines"], row["labels"]))
    assert labels["## [The Good](#the-good)"] == labels["### [Comptime](#comptime)"] == 1
    assert align_lines(["## [The Good](#the-good)"], "The Good\nZig is a language.").labels == [0]
    assert all((label is None) == (not line.strip()) for line, label in zip(row["lines"], row["labels"]))
