"""Hard-wrapped paragraphs: the lines of a paragraph wrapped at a width are scored as the one line they were."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from linesift.cli import app
from linesift.explain import drop_reasons, explain_lines
from linesift.model.modelfile import load_model
from linesift.model.pagestats import PageStats
from linesift.model.segment import Page
from linesift.model.sifter import Sifter
from linesift.model.wrapping import wrapped_paragraphs
from linesift.training.data import LabelledPage
from linesift.training.evaluate import page_views

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_bbcd66fa357995a9.txt"
PARAGRAPHS = [
    "The river rose three metres overnight, flooding the lower streets of the old town and closing the two "
    "bridges that link it to the station, the market and the school on the far bank.",
    "Shopkeepers began pumping out their cellars as soon as the level dropped, counting the cost of ruined stock "
    "and damaged floors, while volunteers carried sandbags to the houses nearest the water.",
    "The council said the new flood wall, finished last spring, had held along its whole length, and that the "
    "water had come in through drains that will now be fitted with valves before the winter storms.",
]
MENU = ["Home | News | Sport | Weather", "Sign in   Subscribe"]


@pytest.fixture(scope="module")
def model() -> Sifter:
    return load_model()


def _paragraphs_of(text: str) -> np.ndarray:
    page = Page.from_text(text)
    filled, rows = page.non_blank()
    return wrapped_paragraphs(PageStats(filled), rows)


def _wrapped(paragraphs: list[str], width: int = 80, indent: str = "") -> str:
    return "\n\n".join(textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent) for text in paragraphs)


def test_the_lines_of_each_wrapped_paragraph_are_found() -> None:
    text = "\n".join(MENU) + "\n\n" + _wrapped(PARAGRAPHS)
    found = _paragraphs_of(text)
    sizes = [len(textwrap.wrap(paragraph, 80)) for paragraph in PARAGRAPHS]
    expected = [-1, -1]
    for first, size in zip(np.cumsum([2, *sizes[:-1]]).tolist(), sizes):
        expected += [first] * size
    assert found.tolist() == expected


def test_indented_wrapping_is_found_too() -> None:
    found = _paragraphs_of(_wrapped(PARAGRAPHS, 76, "   "))
    assert (found >= 0).all() and len(set(found.tolist())) == len(PARAGRAPHS)


def test_a_paragraph_a_line_is_not_read_as_wrapped() -> None:
    """Text with one paragraph a line and no blank line between: its longest line and the next look wrapped."""
    assert (_paragraphs_of("\n".join([*MENU, *PARAGRAPHS, *MENU])) == -1).all()
    assert (_paragraphs_of("\n\n".join([*MENU, *PARAGRAPHS])) == -1).all()


def test_a_paragraph_never_crosses_a_blank_line_or_the_pages_of_a_batch() -> None:
    one = _wrapped(PARAGRAPHS)
    page = Page.join([Page.from_text(one), Page.from_text(one)])
    filled, rows = page.non_blank()
    found = wrapped_paragraphs(PageStats(filled), rows)
    halves = np.split(found, [len(found) // 2])
    assert halves[0].tolist() == (halves[1] - len(found) // 2).tolist()
    assert len(set(found.tolist())) == 2 * len(PARAGRAPHS)


def test_the_wrapped_seed_keeps_or_drops_each_paragraph_whole(model: Sifter) -> None:
    """The seed page, each of its lines wrapped at 80 columns with a blank line between them."""
    lines = [line for line in SEED.read_text(encoding="utf-8").split("\n") if line.strip()]
    text = _wrapped(lines)
    scored = model.scored(Page.from_text(text))
    assert (scored.paragraphs >= 0).sum() > 40
    labels = [line.label for line in model.predict_lines(text)]
    for paragraph in set(scored.paragraphs.tolist()) - {-1}:
        inside = np.flatnonzero(scored.paragraphs == paragraph)
        assert len({labels[i] for i in inside}) == 1 and len(set(scored.p[inside].round(12).tolist())) == 1
    # Lines too short to wrap stay as the model scores them.
    unwrapped = Page.from_text("\n\n".join(lines))
    assert set(model.scored(unwrapped).paragraphs.tolist()) == {-1}


def test_explain_names_the_paragraph(model: Sifter, tmp_path: Path) -> None:
    text = "\n".join(MENU) + "\n\n" + _wrapped(PARAGRAPHS)
    explained = explain_lines(model, text)
    first = len(textwrap.wrap(PARAGRAPHS[0], 80))
    assert explained[3].paragraph == (4, 3 + first) and explained[0].paragraph is None
    page = tmp_path / "page.txt"
    page.write_text(text, encoding="utf-8")
    runner = CliRunner()
    shown = runner.invoke(app, ["explain", str(page), "--line", "4"])
    assert shown.exit_code == 0 and f"lines 4 to {3 + first}: the paragraph is read as one line" in shown.stdout
    records = [json.loads(row) for row in runner.invoke(app, ["explain", str(page), "--format", "jsonl"]).stdout.splitlines()]
    assert records[3]["paragraph"] == [4, 3 + first] and "paragraph" not in records[0]
    report = tmp_path / "report.html"
    assert runner.invoke(app, ["predict", str(page), "--report", str(report)]).exit_code == 0
    assert report.read_text(encoding="utf-8").count(f"paragraph 4\u2013{3 + first}, read as one line") == first


@pytest.mark.parametrize("width, indent", [(80, ""), (76, "   ")])
@pytest.mark.parametrize("between", ["\n\n", "\n"])
def test_a_wrapped_paragraph_scores_as_the_line_it_was(model: Sifter, width: int, indent: str, between: str) -> None:
    """With or without blank lines between blocks, as written or as lynx indents it: each line of a wrapped
    paragraph gets the P(content) its paragraph gets on one line, and so do the lines around it."""
    menu = "\n".join(MENU)
    as_written = model.probabilities(Page.from_text(menu + between + between.join(PARAGRAPHS)))
    wrapped_text = menu + between + between.join(textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent)
                                                 for text in PARAGRAPHS)
    page = Page.from_text(wrapped_text)
    line_of = np.concatenate([[0, 1], *[[2 + k] * len(textwrap.wrap(text, width - len(indent)))
                                        for k, text in enumerate(PARAGRAPHS)]])
    filled_written = as_written[~Page.from_text(menu + between + between.join(PARAGRAPHS)).blank]
    np.testing.assert_allclose(model.probabilities(page)[~page.blank], filled_written[line_of], rtol=0, atol=1e-12)


def test_the_next_lines_first_word_runs_to_a_space() -> None:
    """A wrapper moves "(“Gift”)" whole to the next line: its closing quote and bracket count, though they are not
    letters (72 characters, a space and the word's 8 pass 80; its letters up to "Gift" alone would have fitted)."""
    first = "Receive a small small cleanser with any purchase of forty pounds or more (“Gift”) after discounts"
    lines = textwrap.wrap(first, 80)
    assert len(lines[0]) == 72 and lines[1].startswith("(“Gift”)")
    found = _paragraphs_of(_wrapped(PARAGRAPHS) + "\n\n" + "\n".join(lines))
    assert found[-2] == found[-1] >= 0


def test_a_word_longer_than_the_width_does_not_widen_the_page() -> None:
    """A wrapper leaves a word longer than the width on a line of its own (a URL, a script's blob): the page's width
    is its longest line holding a space."""
    url = "https://example.com/" + "a" * 300
    text = _wrapped(PARAGRAPHS[:1]) + "\n\n" + url + "\n\n" + _wrapped(PARAGRAPHS[1:])
    found = _paragraphs_of(text)
    assert found[len(textwrap.wrap(PARAGRAPHS[0], 80))] == -1  # the URL's line
    assert len(set(found.tolist()) - {-1}) == len(PARAGRAPHS)


def test_drop_reasons_count_each_line_of_a_wrapped_paragraph(model: Sifter) -> None:
    lines = [line for line in SEED.read_text(encoding="utf-8").split("\n") if line.strip()]
    page = Page.from_text(_wrapped(lines))
    scored = model.scored(page)
    keep = scored.decisions()[0].keep(page)
    assert sum(drop_reasons(model, scored, [keep])[0].values()) == int((~keep & ~page.blank).sum())


def test_a_wrapped_paragraph_repeats_only_when_the_whole_paragraph_does(model: Sifter) -> None:
    """Two paragraphs opening with the same 80 columns differ after them: their first lines are equal, and neither
    repeats the other. A paragraph printed twice repeats line by line: each line of the copy names its twin."""
    opening = "Receive a fifth off three to five skincare products when you build a set of your own, "
    first, second = opening + PARAGRAPHS[0], opening + PARAGRAPHS[1]
    assert textwrap.wrap(first, 80)[0] == textwrap.wrap(second, 80)[0]
    lines = model.predict_lines(_wrapped([first, second]))
    assert all(line.label == "content" and line.repeats_line is None for line in lines if line.text)
    twice = model.predict_lines(_wrapped([first, PARAGRAPHS[2], first]))
    size = len(textwrap.wrap(first, 80))
    copy = twice[-size:]
    assert [line.repeats_line for line in copy] == list(range(1, size + 1))
    assert all(line.label == "noise" for line in copy) and twice[0].label == "content"


def test_evaluation_reads_repeats_as_scoring_does(model: Sifter) -> None:
    lines = [line for line in SEED.read_text(encoding="utf-8").split("\n") if line.strip()]
    opening = "Receive a fifth off three to five skincare products when you build a set of your own, "
    for text in (_wrapped(lines), _wrapped([opening + PARAGRAPHS[0], opening + PARAGRAPHS[1], opening + PARAGRAPHS[0]])):
        page = Page.from_text(text)
        labelled = LabelledPage("page", page.lines, np.zeros(len(page), dtype=np.int8))
        assert page_views([labelled])[0].repeats.tolist() == model.scored(page).repeats.tolist()
