"""Same input, same reading: stdin's kind is recognised, options that fit no input are refused,
and ``explain`` and ``--report`` read a page exactly as ``predict`` does.

Every command runs through the real entry point in a temporary directory; every input file must be
byte-for-byte unchanged afterwards.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from linesift.cli import app

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
    """A page, a JSONL shard of three pages (text under ``body``) and an HTML page; afterwards, checks none changed."""
    seed = SEED.read_text(encoding="utf-8")
    (tmp_path / "page.txt").write_text(seed, encoding="utf-8")
    (tmp_path / "shard.jsonl").write_text("".join(json.dumps({"id": i, "body": seed}) + "\n" for i in range(3)), encoding="utf-8")
    shutil.copy(WCXB_HTML, tmp_path / "page.html.gz")
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


def test_text_page_on_stdin_opening_with_a_json_object_is_still_text(inputs: Path) -> None:
    page = '{"@context": "https://schema.org", "@type": "NewsArticle"}\n' + (inputs / "page.txt").read_text(encoding="utf-8")
    (inputs / "json-ld.txt").write_text(page, encoding="utf-8")
    from_file = invoke("predict", str(inputs / "json-ld.txt"))
    from_stdin = invoke("predict", "-", stdin=page)
    assert from_stdin.exit_code == 0 and from_stdin.stdout == from_file.stdout and from_stdin.stdout


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
