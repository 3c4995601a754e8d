"""The commands that join library pieces: predict --report, corpus build, and page limits in predict."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linesift import cli
from linesift.limits import MAX_PAGE_CHARS

FIXTURES = Path(__file__).parent / "fixtures"
SEED = Path(__file__).parents[1] / "seeds" / "000_bbcd66fa357995a9.txt"


@pytest.mark.parametrize("compressed", [False, True], ids=["text", "gzip"])
def test_predict_report_writes_one_page_with_every_line(tmp_path: Path, compressed: bool) -> None:
    # A compressed page (page.txt.gz) is read as predict reads it, not refused as binary.
    page = tmp_path / "page.txt.gz" if compressed else SEED
    if compressed:
        page.write_bytes(gzip.compress(SEED.read_bytes()))
    report = tmp_path / "report.html"
    result = CliRunner().invoke(cli.app, ["predict", str(page), "--report", str(report)])
    assert result.exit_code == 0, result.output
    html = report.read_text(encoding="utf-8")
    # One element per line of the page: kept ("l k"), dropped ("l d") or blank ("l").
    assert len(re.findall(r'class="l(?: [kd])?"', html)) == len(SEED.read_text(encoding="utf-8").splitlines())
    assert "Bodies of baby and mother" in html
    assert "<script" not in html.lower()


def test_predict_report_needs_exactly_one_page(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.app, ["predict", str(SEED), str(SEED), "--report", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert "--report shows one page" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "r.html").exists()


def test_predict_refuses_a_page_over_the_limit_naming_it(tmp_path: Path) -> None:
    page = tmp_path / "huge.txt"
    page.write_text("x" * (MAX_PAGE_CHARS + 1), encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["predict", str(page)])
    assert result.exit_code == 1
    assert f"{page}" in result.output and "more than the 10,000,000" in result.output
    assert "Traceback" not in result.output


def test_corpus_build_writes_labelled_pages_and_counts_skips(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.app, ["corpus", "build", str(FIXTURES / "wcxb"), "--out", str(tmp_path), "--prefix", "fx"])
    assert result.exit_code == 0, result.output
    with gzip.open(tmp_path / "fx.resiliparse.jsonl.gz", "rt", encoding="utf-8") as corpus:
        rows = [json.loads(line) for line in corpus]
    gold = [json.loads(line) for line in (FIXTURES / "wcxb" / "ground-truth.jsonl").read_text(encoding="utf-8").splitlines()]
    assert f"resiliparse: {len(rows)} of {len(gold)} pages written" in result.output
    skipped = len(gold) - len(rows)
    if skipped:
        assert f"{skipped} page(s) skipped" in result.output
    for row in rows:
        assert len(row["labels"]) == len(row["lines"])
        assert any(label == 1 for label in row["labels"]) and any(label == 0 for label in row["labels"])


def test_corpus_build_that_labels_no_page_fails_and_writes_nothing(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.html").write_text("<html><body><p>The council met on Tuesday to discuss the budget.</p></body></html>")
    (pages / "a.txt").write_text("A gold text about something else entirely, with no word in common.\n")
    result = CliRunner().invoke(cli.app, ["corpus", "build", str(pages), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{pages}: no page could be labelled with resiliparse (1 page(s): 1 " in result.stderr
    assert not list((tmp_path / "out").iterdir())


def test_corpus_build_unknown_renderer_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.app, ["corpus", "build", str(FIXTURES / "wcxb"), "--out", str(tmp_path), "--renderer", "nope"])
    assert result.exit_code == 2
    assert "unknown renderer 'nope'" in result.output
    assert "Traceback" not in result.output
