"""Lines holding most of their page (a page on one line) are scored from their pieces: real pages and hostile ones."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from linesift import load_model
from linesift.explain import explain_lines, explanation_record
from linesift.io.render import render_html
from linesift.model.pieces import LONG_LINE_WORDS, MAX_PIECES, PIECE_WORDS, pieces_of, with_pieces
from linesift.model.segment import Page, split_lines
from linesift.training.metrics import word_scores

WCXB = Path(__file__).parent / "fixtures" / "wcxb"
MODEL = load_model()


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in split_lines(text) if line.strip())


def _rendered_with_gold(file_id: str) -> tuple[str, str]:
    """A fixture page's text as rendered, and its gold."""
    with (WCXB / "ground-truth.jsonl").open(encoding="utf-8") as fh:
        row = next(row for row in map(json.loads, fh) if row["file_id"] == file_id)
    return render_html(gzip.decompress((WCXB / "html" / f"{file_id}.html.gz").read_bytes())), row["main_content"]


def test_a_sentence_is_a_piece_and_a_run_without_one_is_cut_every_few_words() -> None:
    items = [f"Item{k}" for k in range(2 * PIECE_WORDS + 5)]
    runs = [" ".join(items[start : start + PIECE_WORDS]) for start in range(0, len(items), PIECE_WORDS)]
    pieces, words = pieces_of(f"  First sentence here. Second one?  {' '.join(items)}")
    assert pieces == ["First sentence here.", "Second one?", *runs]
    assert words == [3, 2, PIECE_WORDS, PIECE_WORDS, 5]
    assert pieces_of("第一句。第二句！ 第三句")[0] == ["第一句。第二句！", "第三句"]  # a full stop with no space after it stays


def test_a_line_of_very_many_sentences_gives_at_most_max_pieces_holding_all_its_words() -> None:
    line = " ".join(f"Sentence {k}." for k in range(2 * MAX_PIECES + 1))
    pieces, words = pieces_of(line)
    assert len(pieces) <= MAX_PIECES
    assert " ".join(pieces).split() == line.split()
    assert words == [len(piece.split()) for piece in pieces]


def test_pieces_stay_in_their_page_of_a_batch() -> None:
    words = " ".join(["word"] * 10)
    batch = Page.join([Page.from_lines(["a", f"{words}. {words}"]), Page.from_lines(["b"])])
    pieced, line_of, piece_words = with_pieces(batch, np.array([1]))
    assert pieced.lines == ["a", f"{words}.", words, "b"]
    assert line_of.tolist() == [0, 1, 1, 2]
    assert pieced.bounds.tolist() == [0, 3, 4]
    assert piece_words.tolist() == [0, 10, 10, 0]  # the pieces' words; the other lines' are never read


def test_the_seed_page_on_one_line_is_kept_with_its_pieces_named(seed_text: str, seed_pages) -> None:
    """Read by its own words, the seed page on one line scored P 0.000 and was dropped whole; from its pieces it
    scores 0.355, over its cut of 0.262."""
    line = _one_line(seed_text)
    [explanation] = explain_lines(MODEL, line)
    record = explanation_record(explanation)
    assert record["label"] == "content" and record["pieces"] == len(pieces_of(line)[0])
    [page] = seed_pages
    gold = "\n".join(text for text, label in zip(page.lines, page.labels.tolist()) if label == 1)
    assert word_scores(MODEL.clean(line), gold).f1 > 0.5


@pytest.mark.parametrize(("file_id", "floor"), [("0414", 0.8), ("4532", 0.45)])
def test_a_real_page_on_one_line_is_kept(file_id: str, floor: float) -> None:
    """Keeping the whole line is the best a line can do: 4532's menus hold two thirds of its words."""
    text, gold = _rendered_with_gold(file_id)
    line = _one_line(text)
    assert len(line.split()) > LONG_LINE_WORDS
    [scored] = MODEL.predict_lines(line)
    assert scored.label == "content"
    assert word_scores(MODEL.clean(line), gold).f1 >= floor


@pytest.mark.parametrize("page", [
    # JSON-LD of a product list on one line.
    json.dumps({"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "position": k, "url": f"https://shop.example/p/{k}"} for k in range(120)]}),
    # A script's leftovers.
    " ".join(f"window.dataLayer.push({{event:'view_{k}',value:{k}}});" for k in range(160)),
], ids=["json-ld", "script"])
def test_a_long_line_of_script_alone_is_still_dropped(page: str) -> None:
    assert len(Page.from_text(page).lines) == 1
    scored = MODEL.scored(Page.from_text(page))
    assert scored.pieces[0] > 1
    [line] = MODEL.predict_lines(page)
    assert line.label == "noise", line.p_content


@pytest.mark.parametrize(("times", "read_as_pieces"), [(14, False), (60, True)])
def test_only_a_long_line_holding_most_of_its_page_is_read_as_pieces(seed_text: str, times: int, read_as_pieces: bool) -> None:
    """A long paragraph added to the seed page (line 28's sentence over and over) is scored by the page around it
    while it holds under half of the page's words (14 times, 350 words), and from its pieces once it holds more than half (60 times)."""
    lines = split_lines(seed_text)
    long = " ".join([lines[27]] * times)
    page = Page.from_lines([*lines, long])
    assert len(long.split()) > LONG_LINE_WORDS
    pieces = MODEL.scored(page).pieces
    assert pieces[:-1].tolist() == [0] * len(lines)
    assert (pieces[-1] > 0) == read_as_pieces
