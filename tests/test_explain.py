"""Explanations: the same decisions as prediction, exact additive reasons, readable names."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linesift.cli import app
from linesift.explain import (
    NGRAMS,
    LineExplanation,
    _ngram_buckets,
    describe,
    explain_lines,
)
from linesift.model.context import context_feature_names
from linesift.model.features import feature_names
from linesift.model.modelfile import load_model
from linesift.model.ngrams import ngram_features
from linesift.model.pagestats import PageStats
from linesift.model.segment import Page
from linesift.model.sifter import Sifter

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_bbcd66fa357995a9.txt"
ALL = 10**6  # a ``top`` that keeps every non-zero term


@pytest.fixture(scope="module")
def model() -> Sifter:
    return load_model()


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def test_same_labels_and_probabilities_as_prediction(model: Sifter, seed_text: str) -> None:
    explained = explain_lines(model, seed_text)
    predicted = model.predict_lines(seed_text)
    assert [(e.number, e.text, e.label, e.p_content) for e in explained] == [(p.number, p.text, p.label, p.p_content) for p in predicted]


def test_threshold_override_moves_labels(model: Sifter, seed_text: str) -> None:
    explained = explain_lines(model, seed_text, threshold=0.0)
    dropped = [not e.text.strip() or e.repeats_line is not None for e in explained]
    assert [e.label for e in explained] == ["noise" if d else "content" for d in dropped]
    # With every line above the cut, only the later copies of the seed's repeated lines are dropped, and the two
    # lines that say their text twice (related videos' titles glued to their images' alt text).
    repeats = [e for e in explained if e.repeats_line is not None and e.repeats_line != e.number]
    assert repeats and all(e.text.strip().lower() == explained[e.repeats_line - 1].text.strip().lower() for e in repeats)
    assert all(e.repeats_line < e.number for e in repeats)
    twice = [e for e in explained if e.repeats_line == e.number]
    assert [e.copy_note for e in twice] == ["says its text twice"] * 2
    assert all(e.text[: len(e.text) // 2] == e.text[len(e.text) // 2 :] for e in twice)


def _all_terms(reasons_for: tuple, reasons_against: tuple) -> float:
    return sum(r.contribution for r in (*reasons_for, *reasons_against))


def test_reasons_add_up_to_each_pass_score(model: Sifter, seed_text: str) -> None:
    """With every term kept, intercept + contributions is the log-odds the pass computed."""
    for e in explain_lines(model, seed_text, top=ALL):
        if e.first_pass is None:
            continue
        assert model.second.intercept_ + _all_terms(e.reasons_for, e.reasons_against) == pytest.approx(_logit(e.p_content), abs=1e-6)
        first = e.first_pass
        assert model.first.intercept_ + _all_terms(first.reasons_for, first.reasons_against) == pytest.approx(_logit(first.p_content), abs=1e-6)


def _check_order(e: LineExplanation, top: int) -> None:
    for reasons, sign in ((e.reasons_for, 1), (e.reasons_against, -1)):
        assert len(reasons) <= top
        weights = [sign * r.contribution for r in reasons]
        assert all(w > 0 for w in weights)
        assert weights == sorted(weights, reverse=True)


def test_reasons_are_the_strongest_each_way_in_order(model: Sifter, seed_text: str) -> None:
    short = explain_lines(model, seed_text, top=3)
    full = explain_lines(model, seed_text, top=ALL)
    for e, everything in zip(short, full):
        _check_order(e, 3)
        assert e.reasons_for == everything.reasons_for[:3]
        assert e.reasons_against == everything.reasons_against[:3]


def test_blank_lines_have_no_reasons(model: Sifter) -> None:
    blank = explain_lines(model, "Some text here.\n   \nMore text.")[1]
    assert (blank.label, blank.p_content, blank.reasons_for, blank.reasons_against, blank.first_pass) == ("noise", 0.0, (), (), None)


def test_top_zero_and_negative(model: Sifter) -> None:
    assert all(e.reasons_for == e.reasons_against == () for e in explain_lines(model, "a\nb", top=0))
    with pytest.raises(ValueError, match="top must be 0 or more"):
        explain_lines(model, "a", top=-1)


def test_empty_page(model: Sifter) -> None:
    assert explain_lines(model, "") == []


@pytest.mark.parametrize("name", feature_names() + context_feature_names())
def test_every_feature_has_words(name: str) -> None:
    for value in (0.0, 1.0):
        assert " = " not in describe(name, value)


def test_descriptions() -> None:
    assert describe("ends_terminal", 1.0) == "ends like a sentence"
    assert describe("ends_terminal", 0.0) == "does not end like a sentence"
    assert describe("p_logit@-1", 0.0) == "previous line: first-pass score 0.50"
    assert describe("p_logit@-1", -8.0, past_edge=True) == "previous line: none (start of the page)"
    assert describe("log_chars@+2", 0.0, past_edge=True) == "two lines after: none (end of the page)"
    assert describe("log_words", math.log1p(12)) == "12 words"
    assert describe("log_words", math.log1p(1)) == "1 word"
    assert describe("log_section_lines", math.log1p(1)) == "1 other line in its section"
    assert describe("emails", 1.0) == "1 e-mail address"
    assert describe("p_mean_window5", 0.25) == "mean first-pass score of the 11 lines around it 0.25"
    assert describe("ends_terminal_mean_window3", 0.5) == "50% of the 7 lines around it end like sentences"
    assert describe("in_main_run_cut0.7", 1.0) == "inside the page's main run of content (lines scoring above 0.7)"
    assert describe("new_feature@+1", 0.5) == "new_feature@+1 = 0.5"
    assert describe("log_steps_to_h1", 0.0) == "0 elements apart from the page's first <h1>"
    assert describe("log_steps_to_h1", 0.0, flags=lambda name: name == "no_h1") == "no <h1> on the page to count elements to"


def test_first_line_has_no_previous_line(model: Sifter) -> None:
    first = explain_lines(model, "Menu\nHome\nAbout us", top=ALL)[0]
    said = {r.name: r.description for r in (*first.reasons_for, *first.reasons_against)}
    assert all(text.endswith("none (start of the page)") for name, text in said.items() if name.endswith(("@-1", "@-2", "@-3")))


@pytest.mark.parametrize("line", [
    "Leave a reply: your email address will not be published.",
    "Share this article on Facebook, Twitter and WhatsApp",
    "x",
    "Ünïcödé ΚΕΦΑΛΑΙΑ 日本語のテキスト and مرحبا 123",
])
def test_every_hashed_bucket_of_a_line_gets_a_name(line: str) -> None:
    """The n-gram names cover exactly the buckets the model's n-gram code fills for the line."""
    filled = set(ngram_features(PageStats(Page.from_lines([line]))).indices.tolist())
    named = _ngram_buckets([line])[0]
    assert set(named) == filled
    assert all(names for names in named.values())


def test_ngram_reason_names_phrases_of_the_line(model: Sifter) -> None:
    line = "Leave a reply: your email address will not be published."
    first = explain_lines(model, line, top=ALL)[0].first_pass
    assert first is not None
    ngram = [r for r in (*first.reasons_for, *first.reasons_against) if r.name == NGRAMS]
    assert len(ngram) == 1
    quoted = ngram[0].description.split("\u201c")[1:]
    assert quoted and all(q.split("\u201d")[0].split(" / ")[0].lower() in line.lower() for q in quoted)


runner = CliRunner()


def test_cli_jsonl_one_record_per_line(seed_text: str) -> None:
    result = runner.invoke(app, ["explain", str(SEED), "--format", "jsonl", "--top", "2"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == list(range(1, len(Page.from_text(seed_text)) + 1))
    assert all(len(r["reasons_for"]) <= 2 and len(r["reasons_against"]) <= 2 for r in records)


def test_cli_top_zero_shows_the_labels_without_empty_reason_columns() -> None:
    table = runner.invoke(app, ["explain", str(SEED), "--top", "0"], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "each line's label, kept from P" in table.stdout
    assert "against" not in table.stdout and "for and against" not in table.stdout
    one = runner.invoke(app, ["explain", str(SEED), "--top", "0", "--line", "28"])
    assert one.exit_code == 0 and one.stdout.startswith("line 28: content") and "first pass" not in one.stdout


def test_cli_one_line_table(seed_text: str) -> None:
    number = next(i for i, line in enumerate(seed_text.splitlines(), 1) if line.strip())
    result = runner.invoke(app, ["explain", str(SEED), "--line", str(number)])
    assert result.exit_code == 0, result.output
    assert f"line {number}:" in result.stdout
    assert "first pass" in result.stdout


def test_cli_table_does_not_interpret_markup(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("[bold red]not markup[/] stays as typed.\n", encoding="utf-8")
    result = runner.invoke(app, ["explain", str(page), "--line", "1"])
    assert result.exit_code == 0, result.output
    assert "[bold red]not markup[/]" in result.stdout


def test_each_drop_reason_is_named_once() -> None:
    # "markup" was listed twice (the family of HTML tags in text, and the markup of HTML pages): a line could be
    # given to the second, and its count overwrote the first's in the per-page counts.
    from linesift.explain import DROP_REASONS

    assert len(DROP_REASONS) == len(set(DROP_REASONS))
