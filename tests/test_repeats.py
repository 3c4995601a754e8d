"""Repeated lines: a content line equal to a content line above it is dropped, with the line it repeats, and so is
a content line saying its text twice."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from linesift.cli import app
from linesift.explain import explain_lines
from linesift.model.modelfile import load_model
from linesift.model.pagestats import PageStats
from linesift.model.repeats import MIN_REPEAT_CHARS, SAYS_TWICE, later_copies, repeat_groups, says_twice
from linesift.model.segment import Page
from linesift.model.sifter import Sifter
from linesift.training.data import BLANK, LabelledPage
from linesift.training.evaluate import lines_kept

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_bbcd66fa357995a9.txt"
# The seed's line 30, a content paragraph, repeated after line 37 (its own line 39, after a blank line).
COPIED, COPY = 30, 39


@pytest.fixture(scope="module")
def model() -> Sifter:
    return load_model()


@pytest.fixture(scope="module")
def seed_with_copy() -> str:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    return "\n".join([*lines[:37], "", lines[COPIED - 1], *lines[37:]])


def test_equal_lines_share_a_group_whatever_their_case_and_surrounding_spaces() -> None:
    sentence = "The committee approved the budget after a long debate."
    short = "x" * (MIN_REPEAT_CHARS - 1)
    groups = repeat_groups(PageStats(Page.from_lines([sentence, "  " + sentence.upper() + " ", short, short, "Other text."])))
    assert groups[0] == groups[1] >= 0
    assert groups[2:].tolist() == [-1, -1, -1]  # too short to count, or no copy


def test_lines_of_pages_joined_for_scoring_are_never_copies_of_each_other() -> None:
    sentence = "The committee approved the budget after a long debate."
    joined = Page.join([Page.from_lines([sentence]), Page.from_lines([sentence, sentence])])
    groups = repeat_groups(PageStats(joined))
    assert groups[0] == -1 and groups[1] == groups[2] >= 0


def test_the_first_kept_copy_stays_and_copies_not_kept_do_not_count() -> None:
    groups = np.array([5, 5, -1, 5, 7, 7])
    kept = np.array([False, True, True, True, True, True])
    copies, firsts = later_copies(kept, groups)
    assert (copies.tolist(), firsts.tolist()) == ([3, 5], [1, 4])


def test_a_line_saying_its_text_twice_glued_or_a_few_characters_apart() -> None:
    lines = [
        "Apple AirPods Pro 2nd generation Apple AirPods Pro 2nd generation",  # alt text beside its caption
        "Behind the scenes shot of a filming studioBehind the scenes shot of a filming studio",  # glued
        "  Discover offers\t\tDISCOVER OFFERS ",  # case, tabs and surrounding spaces aside
        "Read moreRead more",  # too short to tell a doubled text from a label
        "Seller's other items | more | Seller's other items",  # copies too far apart
        "EUR 1,893.54 EUR 1,893 54",  # not the same text
        "## [Setting realistic goals](#setting-realistic-goals)",  # a Markdown heading's anchor
        "The committee approved the budget after a long debate.",
        "",
    ]
    assert says_twice(PageStats(Page.from_lines(lines))).tolist() == [True, True, True] + [False] * 6


def test_a_line_saying_its_text_twice_is_a_copy_of_itself() -> None:
    lines = ["Seller's other items Seller's other items", "The committee approved the budget after a long debate."]
    assert repeat_groups(PageStats(Page.from_lines(lines))).tolist() == [SAYS_TWICE, -1]
    groups = np.array([5, SAYS_TWICE, 5, SAYS_TWICE, -1])
    kept = np.array([True, True, True, False, True])
    copies, firsts = later_copies(kept, groups)
    assert (copies.tolist(), firsts.tolist()) == ([1, 2], [1, 0])


def test_a_content_line_saying_its_text_twice_is_dropped_and_says_why(model: Sifter, tmp_path: Path) -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    doubled = f"{lines[COPIED - 1]} {lines[COPIED - 1]}"
    text = "\n".join([*lines[:COPIED], doubled, *lines[COPIED:]])
    line = model.predict_lines(text)[COPIED]
    assert line.text == doubled and line.label == "noise" and line.repeats_line == line.number
    explained = explain_lines(model, text)[COPIED]
    assert explained.p_content >= explained.cut and explained.copy_note == "says its text twice"
    assert doubled not in model.clean(text) and doubled in model.keeping_repeats().clean(text)
    page = tmp_path / "page.txt"
    page.write_text(text, encoding="utf-8")
    shown = CliRunner().invoke(app, ["explain", str(page), "--line", str(line.number)])
    assert shown.exit_code == 0 and f"line {line.number}: noise" in shown.stdout and "says its text twice" in shown.stdout


def test_a_repeated_paragraph_is_cleaned_once_and_its_copy_names_the_line_it_repeats(
        model: Sifter, seed_with_copy: str) -> None:
    lines = model.predict_lines(seed_with_copy)
    first, copy = lines[COPIED - 1], lines[COPY - 1]
    assert copy.text == first.text and first.label == "content"
    cut = explain_lines(model, seed_with_copy)[0].cut
    assert copy.p_content >= cut and copy.label == "noise" and copy.repeats_line == COPIED
    assert model.clean(seed_with_copy).count(first.text) == 1
    # Without the copy, the rest of the page is cleaned as before.
    assert model.clean(seed_with_copy).replace("\n\n", "\n") == model.clean(SEED.read_text(encoding="utf-8")).replace("\n\n", "\n")


def test_explain_and_jsonl_output_give_the_repeated_line(model: Sifter, seed_with_copy: str, tmp_path: Path) -> None:
    explained = explain_lines(model, seed_with_copy)[COPY - 1]
    assert explained.label == "noise" and explained.repeats_line == COPIED
    page = tmp_path / "page.txt"
    page.write_text(seed_with_copy, encoding="utf-8")
    result = CliRunner().invoke(app, ["predict", str(page), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(row) for row in result.stdout.splitlines()]
    assert records[COPY - 1]["repeats_line"] == COPIED and records[COPY - 1]["label"] == "noise"
    assert sum("repeats_line" in record for record in records) == sum(line.repeats_line is not None
                                                                       for line in model.predict_lines(seed_with_copy))
    shown = CliRunner().invoke(app, ["explain", str(page), "--line", str(COPY)])
    assert f"repeats line {COPIED}" in shown.stdout


def test_an_html_page_showing_its_text_twice_is_cleaned_once() -> None:
    """A product description written once for small screens and once for large, as shops do."""
    description = ("This jacket is cut from a waxed cotton that keeps the rain out and softens with every wear, "
                   "with a corduroy collar and four pockets that close with brass snaps.")
    care = "Wipe clean with a damp cloth and re-wax once a year to keep it waterproof."
    html = (f"<html><body><nav><a href='/'>Home</a> <a href='/men'>Men</a></nav><main><h1>Waxed jacket</h1>"
            f"<div class='description mobile'><p>{description}</p><p>{care}</p></div>"
            f"<div class='description desktop'><p>{description}</p><p>{care}</p></div></main>"
            "<footer><p>© 2026 Example Outfitters</p></footer></body></html>")
    html_model = load_model(input="html")
    cleaned = html_model.clean_html(html)
    assert cleaned.count(description) == 1 and cleaned.count(care) == 1
    blocks = html_model.predict_html(html)
    copies = [line for line in blocks if line.repeats_line is not None]
    assert [line.text for line in copies] == [description, care]
    for line in copies:
        first = blocks[line.repeats_line - 1]
        assert first.number < line.number and first.text == line.text and first.label == "content"


def test_evaluation_keeps_what_predict_keeps_at_every_cut() -> None:
    """The held-out figures and the curve of ``linesift eval`` count a page's lines as predict keeps them."""
    sentence = "The committee approved the budget after a long debate on Tuesday."
    page = LabelledPage("copy", [sentence, "", sentence, "Reply"], np.array([1, BLANK, 0, 0], dtype=np.int8))
    p = np.array([0.9, 0.0, 0.8, 0.6])
    assert lines_kept([page], [p], 0.5)[0].tolist() == [True, False, False, True]
    assert not lines_kept([page], [p], None)[0][2]


def test_a_model_keeping_repeats_keeps_the_copy_and_shares_its_weights(model: Sifter, seed_with_copy: str) -> None:
    keeping = model.keeping_repeats()
    assert keeping.first is model.first and keeping.second is model.second
    kept = keeping.predict_lines(seed_with_copy)
    assert kept[COPY - 1].label == "content" and kept[COPY - 1].repeats_line is None
    assert keeping.clean(seed_with_copy).count(kept[COPIED - 1].text) == 2
    assert model.clean(seed_with_copy).count(kept[COPIED - 1].text) == 1  # the model it came from still drops it
    assert [line.label for line in kept if line.number != COPY] == [
        line.label for line in model.predict_lines(seed_with_copy) if line.number != COPY]


def test_an_html_model_keeping_repeats_keeps_them_in_its_model_of_text_too() -> None:
    keeping = load_model(input="html").keeping_repeats()
    assert keeping.text_model is not None and not keeping.text_model.drop_repeats and not keeping.drop_repeats


def test_the_command_and_the_integrations_keep_repeats_when_asked(seed_with_copy: str, tmp_path: Path) -> None:
    copied = SEED.read_text(encoding="utf-8").split("\n")[COPIED - 1]
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("a.txt", "b.txt"):
        (pages / name).write_text(seed_with_copy, encoding="utf-8")
    runner = CliRunner()
    one = runner.invoke(app, ["predict", str(pages / "a.txt"), "--keep-repeats"])
    assert one.exit_code == 0, one.output
    assert one.stdout.count(copied) == 2 and runner.invoke(app, ["predict", str(pages / "a.txt")]).stdout.count(copied) == 1
    # Worker processes load the model themselves: the option reaches them.
    out = tmp_path / "out"
    many = runner.invoke(app, ["predict", str(pages), "--output-dir", str(out), "--jobs", "2", "--keep-repeats"])
    assert many.exit_code == 0, many.output
    assert [(out / name).read_text(encoding="utf-8").count(copied) for name in ("a.txt", "b.txt")] == [2, 2]
    explained = runner.invoke(app, ["explain", str(pages / "a.txt"), "--line", str(COPY), "--keep-repeats"])
    assert f"line {COPY}: content" in explained.stdout
    from linesift.integrations.dask import clean_records

    assert clean_records([seed_with_copy], keep_repeats=True)[0].count(copied) == 2
    assert clean_records([seed_with_copy])[0].count(copied) == 1


def test_the_datatrove_step_keeps_repeats_when_asked(seed_with_copy: str) -> None:
    pytest.importorskip("datatrove", reason="the datatrove step needs linesift[datatrove]")
    from linesift.integrations.datatrove import LinesiftFormatter

    copied = SEED.read_text(encoding="utf-8").split("\n")[COPIED - 1]
    assert LinesiftFormatter(keep_repeats=True).format(seed_with_copy).count(copied) == 2
    assert LinesiftFormatter().format(seed_with_copy).count(copied) == 1


def test_spans_and_cut_give_the_kept_lines_once_repeats_are_taken_out(seed_with_copy: str, tmp_path: Path) -> None:
    """As docs/scale.md says: kept when p_content >= linesift_cut, unless it repeats a line kept above it."""
    shard = tmp_path / "shard.jsonl"
    shard.write_text(json.dumps({"text": seed_with_copy}) + "\n", encoding="utf-8")
    for extra, copies in (([], 1), (["--keep-repeats"], 2)):
        result = CliRunner().invoke(app, ["predict", str(shard), "--spans", *extra])
        assert result.exit_code == 0, result.output
        record = json.loads(result.stdout)
        kept, seen = [], set()
        for start, end, p in record["linesift_spans"]:
            line = seed_with_copy[start:end]
            key = line.strip().lower()
            if p < record["linesift_cut"] or not key or (not extra and len(key) >= MIN_REPEAT_CHARS and key in seen):
                continue
            kept.append(line)
            seen.add(key)
        assert [line for line in record["linesift_text"].split("\n") if line] == kept
        assert record["linesift_text"].count(seed_with_copy.split("\n")[COPIED - 1]) == copies
