"""Same input, same reading: stdin's kind is recognised, options that fit no input are refused,
and ``explain`` and ``--report`` read a page exactly as ``predict`` does.

Every command runs through the real entry point in a temporary directory; every input file must be
byte-for-byte unchanged afterwards.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from linesift.cli import app
from linesift.limits import MAX_PAGE_LINES, MAX_REPORT_LINES

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_bbcd66fa357995a9.txt"
WCXB_HTML = REPO / "tests" / "fixtures" / "wcxb" / "html" / "0414.html.gz"
USAGE = 2

runner = CliRunner()


def invoke(*args: str, stdin: str | bytes | None = None) -> Result:
    result = runner.invoke(app, list(args), input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def refused(*args: str, stdin: str | bytes | None = None) -> str:
    """The one-line message of a command refused with exit code 2 before it wrote anything."""
    result = invoke(*args, stdin=stdin)
    assert result.exit_code == USAGE, result.output
    assert result.stdout == ""
    return " ".join(result.stderr.split())


@pytest.fixture
def inputs(tmp_path: Path):
    """A page (plain and gzipped), a JSONL shard of three pages (text under ``body``) and a gzipped HTML page;
    afterwards, checks that none changed."""
    seed = SEED.read_text(encoding="utf-8")
    (tmp_path / "page.txt").write_text(seed, encoding="utf-8")
    (tmp_path / "shard.jsonl").write_text("".join(json.dumps({"id": i, "body": seed}) + "\n" for i in range(3)), encoding="utf-8")
    shutil.copy(WCXB_HTML, tmp_path / "page.html.gz")
    (tmp_path / "page.txt.gz").write_bytes(gzip.compress(SEED.read_bytes()))
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    yield tmp_path
    assert {name: (tmp_path / name).read_bytes() for name in before} == before


def test_jsonl_on_stdin_is_recognised_plain_and_compressed(inputs: Path) -> None:
    shard = (inputs / "shard.jsonl").read_bytes()
    forced = invoke("predict", "-", "--input-format", "jsonl", "--text-field", "body", stdin=shard)
    assert forced.exit_code == 0 and len(forced.stdout.splitlines()) == 3
    for body in (shard, gzip.compress(shard)):
        result = invoke("predict", "-", "--text-field", "body", stdin=body)
        assert (result.exit_code, result.stdout) == (0, forced.stdout)


@pytest.mark.parametrize("opening", ["<head><title>Council news</title></head><body>", "<body>", '<meta charset="utf-8">',
                                     "<title>Council news</title>"])
def test_a_page_without_doctype_or_html_tag_is_read_as_html(opening: str) -> None:
    """HTML lets a page leave out <html> and <head>: read as text, its one line of markup was a page of code alone,
    which kept nothing and exited 0."""
    article = ("The city council voted on Tuesday to approve the new budget for schools and roads across the county "
               "after a long debate.")
    result = invoke("predict", "-", stdin=f"{opening}<p>{article}</p></body>".encode())
    assert (result.exit_code, result.stdout) == (0, article + "\n")


def test_text_page_on_stdin_opening_with_a_json_object_is_still_text(inputs: Path) -> None:
    page = '{"@context": "https://schema.org", "@type": "NewsArticle"}\n' + (inputs / "page.txt").read_text(encoding="utf-8")
    (inputs / "json-ld.txt").write_text(page, encoding="utf-8")
    from_file = invoke("predict", str(inputs / "json-ld.txt"))
    from_stdin = invoke("predict", "-", stdin=page)
    assert from_stdin.exit_code == 0 and from_stdin.stdout == from_file.stdout and from_stdin.stdout


def test_an_html_page_on_stdin_or_in_a_file_named_otherwise_is_read_as_html(inputs: Path) -> None:
    # What `curl -s URL | linesift predict -` gives, and a page a crawler saved as index.php.
    page = gzip.decompress((inputs / "page.html.gz").read_bytes())
    as_html = invoke("predict", str(inputs / "page.html.gz"))
    assert as_html.exit_code == 0 and as_html.stdout
    (inputs / "index.php").write_bytes(page)
    for result in (invoke("predict", "-", stdin=page), invoke("predict", "-", stdin=gzip.compress(page)),
                   invoke("predict", str(inputs / "index.php"))):
        assert (result.exit_code, result.stdout) == (0, as_html.stdout)
    # A comment and a byte order mark before the doctype do not hide it.
    commented = b"\xef\xbb\xbf<!-- saved by a crawler -->\n" + page
    assert invoke("predict", "-", stdin=commented).stdout == as_html.stdout
    # Nor does an XHTML page's XML declaration: it was read as text, its style sheet kept as lines.
    xhtml = b'<?xml version="1.0" encoding="UTF-8"?>\n' + page
    assert invoke("predict", "-", stdin=xhtml).stdout == as_html.stdout
    # Forced to text, the same bytes are a text page: its lines keep their tags.
    forced = invoke("predict", "-", "--input-format", "text", stdin=page)
    assert forced.exit_code == 0 and forced.stdout != as_html.stdout


def test_text_opening_with_a_tag_that_is_not_a_page_is_still_text(inputs: Path) -> None:
    note = "<b>Note:</b> the meeting moved to Tuesday, and the agenda stays as it was sent last week.\n"
    result = invoke("predict", "-", "--format", "jsonl", stdin=note)
    assert result.exit_code == 0 and json.loads(result.stdout)["text"] == note.strip()


def test_text_field_on_a_text_page_is_refused(inputs: Path) -> None:
    message = refused("predict", str(inputs / "page.txt"), "--text-field", "body")
    assert message == (f"error: --text-field body names the text field of JSONL or Parquet records, but {inputs / 'page.txt'} is a text page")
    message = refused("predict", "-", "--text-field", "body", stdin=(inputs / "page.txt").read_bytes())
    assert message == ("error: --text-field body names the text field of JSONL or Parquet records, but <stdin> is a text page; "
                       "stdin is read as JSONL when its first lines are JSON objects: if it is JSONL, give --input-format jsonl")


def test_spans_on_a_page_is_refused(inputs: Path) -> None:
    message = refused("predict", str(inputs / "page.txt"), str(inputs / "page.html.gz"), "--spans")
    assert message == ("error: --spans adds each line's span to JSONL, WARC and Parquet records, but none of the inputs can use it: "
                       f"{inputs / 'page.txt'} is a text page, {inputs / 'page.html.gz'} is an HTML page; "
                       "for the lines of a page, use --format jsonl")


def test_per_line_format_on_jsonl_is_refused(inputs: Path) -> None:
    message = refused("predict", "-", "--format", "jsonl", "--text-field", "body", stdin=(inputs / "shard.jsonl").read_bytes())
    assert message == ("error: --format jsonl writes a text or HTML page as one record per line, but <stdin> is JSONL; "
                       "records are written as JSONL already; for their lines, use --spans")


def test_strict_on_records_only_is_refused(inputs: Path) -> None:
    message = refused("predict", str(inputs / "shard.jsonl"), "--strict", "--text-field", "body")
    assert message == (f"error: --strict refuses text pages that are not valid UTF-8, but {inputs / 'shard.jsonl'} is JSONL; "
                       "records and HTML are decoded as their formats say")
    assert invoke("predict", str(inputs / "page.txt"), "--strict").exit_code == 0


def test_html_options_on_text_pages_only_are_refused(inputs: Path) -> None:
    page = inputs / "page.txt"
    html_model = REPO / "linesift" / "model" / "html_model.json"
    for command in ("predict", "explain"):
        assert refused(command, str(page), "--html-as-text") == (
            f"error: --html-as-text reads HTML pages and records as text, but {page} is a text page")
        assert refused(command, str(page), "--html-model", str(html_model)) == (
            f"error: --html-model {html_model} cleans HTML pages and records, but {page} is a text page")
        assert "--html-as-text reads HTML as text, with the model of text (--model): give one of them" in refused(
            command, str(inputs / "page.html.gz"), "--html-as-text", "--html-model", str(html_model))
    for option in (["--html-as-text"], ["--html-model", str(html_model)]):  # a JSONL field may hold a page
        assert invoke("predict", str(page), str(inputs / "shard.jsonl"), "--text-field", "body", *option).exit_code == 0


def test_glob_without_a_directory_is_refused(inputs: Path) -> None:
    assert refused("predict", str(inputs / "page.txt"), "--glob", "*.md") == (
        "error: --glob *.md chooses the files taken from directories, but no input is a directory")
    (inputs / "only").mkdir()
    shutil.copy(inputs / "page.txt", inputs / "only" / "page.txt")
    assert invoke("predict", str(inputs / "page.txt"), str(inputs / "only"), "--glob", "*.txt").exit_code == 0


def test_parquet_on_stdin_is_refused(inputs: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({"text": ["A paragraph of prose."]}), inputs / "docs.parquet")
    for command in ("predict", "explain"):  # it was read as a file that is not Parquet: exit 1, "(seek)"
        assert refused(command, "-", stdin=(inputs / "docs.parquet").read_bytes()) == (
            "error: <stdin>: Parquet cannot be read from stdin: give the file's path")


def test_stdin_named_twice_is_refused(inputs: Path) -> None:
    assert refused("predict", "-", "-", stdin=(inputs / "page.txt").read_bytes()) == (
        "error: <stdin> ('-') is named 2 times: it can be read once")


def test_an_input_named_twice_is_refused(inputs: Path) -> None:
    """A directory named twice was refused as two inputs writing one output ("d/a.txt and d/a.txt would both be
    written"); a file named twice was cleaned twice."""
    (inputs / "only").mkdir()
    shutil.copy(inputs / "page.txt", inputs / "only" / "page.txt")
    only = str(inputs / "only")
    assert refused("predict", only, only, "--output-dir", str(inputs / "out")) == (
        f"error: {only} is named 2 times (or by another path): name each input once")
    page = str(inputs / "page.txt")
    assert refused("predict", page, str(inputs / "only" / ".." / "page.txt")) == (
        f"error: {page} is named 2 times (or by another path): name each input once")


def test_options_that_fit_some_of_mixed_inputs_stand(inputs: Path) -> None:
    result = invoke("predict", str(inputs / "page.txt"), str(inputs / "shard.jsonl"), "--spans", "--format", "jsonl", "--text-field", "body")
    assert result.exit_code == 0, result.output
    page_lines = [json.loads(line) for line in result.stdout.splitlines()[:-3]]
    records = [json.loads(line) for line in result.stdout.splitlines()[-3:]]
    assert page_lines[0]["line"] == 1 and all("linesift_spans" in record for record in records)


def test_a_directory_may_hold_any_kind(inputs: Path) -> None:
    (inputs / "only").mkdir()
    shutil.copy(inputs / "shard.jsonl", inputs / "only" / "shard.jsonl")
    result = invoke("predict", str(inputs / "only"), "--format", "jsonl", "--text-field", "body")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 3


def jsonl(result: Result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.parametrize("name", ["page.txt", "page.txt.gz", "page.html.gz"])
def test_explain_numbers_lines_as_predict_does(inputs: Path, name: str) -> None:
    predicted = jsonl(invoke("predict", str(inputs / name), "--format", "jsonl"))
    explained = jsonl(invoke("explain", str(inputs / name), "--format", "jsonl"))
    assert [(e["line"], e["text"], e["label"]) for e in explained] == [(p["line"], p["text"], p["label"]) for p in predicted]
    assert [e["p_content"] for e in explained] == pytest.approx([p["p_content"] for p in predicted], abs=1e-6)
    (fifth,) = jsonl(invoke("explain", str(inputs / name), "--line", "5", "--format", "jsonl"))
    assert fifth["text"] == predicted[4]["text"]


def test_explain_a_record_numbers_lines_as_predict_spans_do(inputs: Path) -> None:
    *_, record = jsonl(invoke("predict", str(inputs / "shard.jsonl"), "--text-field", "body", "--spans"))
    explained = jsonl(invoke("explain", str(inputs / "shard.jsonl"), "--record", "3", "--text-field", "body", "--format", "jsonl"))
    spans = record["linesift_spans"]
    assert [e["line"] for e in explained] == list(range(1, len(spans) + 1))
    assert [e["text"] for e in explained] == [record["body"][start:end] for start, end, _ in spans]
    assert [e["p_content"] for e in explained] == pytest.approx([p for _, _, p in spans], abs=1e-6)
    assert [e["cut"] for e in explained] == pytest.approx([record["linesift_cut"]] * len(spans), abs=1e-6)


def test_explain_takes_a_files_only_record_without_being_told(inputs: Path) -> None:
    one = inputs / "one.jsonl"
    one.write_text((inputs / "shard.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    alone = invoke("explain", str(one), "--text-field", "body", "--format", "jsonl")
    assert alone.exit_code == 0 and alone.stdout == invoke(
        "explain", str(one), "--text-field", "body", "--format", "jsonl", "--record", "1").stdout


def test_explain_refuses_a_record_it_cannot_pick(inputs: Path) -> None:
    shard, page = inputs / "shard.jsonl", inputs / "page.txt"
    assert refused("explain", str(shard), "--text-field", "body") == (
        f"error: {shard} is JSONL of several records, one page per record: choose one with --record N")
    assert refused("explain", str(shard), "--text-field", "body", "--record", "4") == f"error: --record 4 is out of range: {shard} has 3 record(s)"
    assert refused("explain", str(shard), "--record", "2") == f"error: {shard}: record 2: no 'text' field"
    assert refused("explain", str(page), "--record", "1") == f"error: --record 1: {page} is a text page, not a file of records"
    assert refused("explain", str(shard), "--record", "1", "--text-field", "body", "--line", "500") == \
        f"error: --line 500 is out of range: {shard}: record 1 has 105 line(s)"


def test_explain_refuses_a_page_over_the_limits_at_once(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x\n" * (MAX_PAGE_LINES + 1))
    started = time.monotonic()
    message = refused("explain", str(big), "--line", "5")
    assert message == (f"error: {big}: page has about 200,001 lines, more than the 200,000 linesift cleans at once "
                       "(see docs/limits.md); split it into smaller documents")
    assert time.monotonic() - started < 5  # explaining it would take half a minute and 2 GB


def test_report_reads_a_page_as_predict_does(inputs: Path) -> None:
    report = inputs / "out" / "report.html"
    result = invoke("predict", str(inputs / "page.html.gz"), "--report", str(report))
    assert result.exit_code == 0, result.output
    shown = [html.unescape(text) for text in re.findall(r'<span class="t" dir="auto">(.*?)</span>', report.read_text(encoding="utf-8"))]
    assert shown == [line["text"] for line in jsonl(invoke("predict", str(inputs / "page.html.gz"), "--format", "jsonl"))]


def test_a_run_that_fails_writes_no_report(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = invoke("predict", str(tmp_path / "empty.txt"), "--report", str(tmp_path / "report.html"))
    assert result.exit_code == 1 and "empty, nothing to clean" in result.stderr
    assert not (tmp_path / "report.html").exists()


def test_report_of_a_page_past_the_report_limit_is_refused_at_once(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x\n" * (MAX_REPORT_LINES + 1))
    report = tmp_path / "report.html"
    started = time.monotonic()
    message = refused("predict", str(big), "--report", str(report))
    assert message == (f"error: {big}: page has about 20,001 lines, more than the 20,000 a report shows (see docs/limits.md); "
                       "explain single lines with linesift explain FILE --line N, or split the page")
    assert time.monotonic() - started < 5 and not report.exists()
    assert big.read_bytes() == b"x\n" * (MAX_REPORT_LINES + 1)
