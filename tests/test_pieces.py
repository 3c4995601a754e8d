"""A line holding most of its page (a page on one line) is read as its pieces, each kept or dropped: real pages and
hostile ones."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from linesift import load_model
from linesift.cli import app
from linesift.explain import explain_lines, explanation_record
from linesift.io.cleaning import clean_texts
from linesift.io.render import render_html
from linesift.model.pieces import LONG_LINE_WORDS, MAX_PIECES, PIECE_WORDS, WHITE_SPACE, pieces_of
from linesift.model.segment import Page, split_lines
from linesift.training.data import LabelledPage
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
    line = f"  First sentence here. Second one?  {' '.join(items)}"
    pieces = pieces_of(line)
    assert pieces == ["  First sentence here.", "Second one? ", *runs]
    assert " ".join(pieces) == line  # pieces tile their line, one character apart
    assert pieces_of("第一句。第二句！ 第三句") == ["第一句。第二句！", "第三句"]  # a full stop with no space after it stays


def test_a_line_of_very_many_sentences_gives_at_most_max_pieces_holding_all_its_words() -> None:
    line = " ".join(f"Sentence {k}." for k in range(2 * MAX_PIECES + 1))
    pieces = pieces_of(line)
    assert len(pieces) <= MAX_PIECES
    assert " ".join(pieces) == line


def test_a_page_sized_line_is_cut_into_lines_that_continue_it_in_its_block() -> None:
    sentence = " ".join(["word"] * 9) + "."
    long = " ".join([sentence] * 40)  # 400 words
    text = f"Title\r\n\r\n{long}\r\nEnd"
    page = Page.from_text(text)
    assert page.lines == ["Title", "", *[sentence] * 40, "End"]
    assert page.continued.tolist() == [False, False, False, *[True] * 39, False]
    assert page.block_ids.tolist() == [0, -1, *[1] * 41]  # the pieces and the line after: one block
    assert all(page.text[start:end] == line for line, start, end in zip(page.lines, page.starts, page.ends))
    batch = Page.join([page, Page.from_text("a\nb")])
    assert batch.continued.tolist() == [*page.continued.tolist(), False, False]
    assert all(batch.text[start:end] == line for line, start, end in zip(batch.lines, batch.starts, batch.ends))
    labelled = LabelledPage("p", split_lines(text), np.array([0, -1, 1, 0], dtype=np.int8)).read_as_text()
    assert labelled.lines == page.lines and labelled.labels.tolist() == [0, -1, *[1] * 40, 0]
    assert labelled.text_page().block_ids.tolist() == page.block_ids.tolist()


def test_the_seed_page_on_one_line_keeps_its_article_and_drops_its_menus(seed_text: str, seed_pages) -> None:
    """Kept whole, the seed page on one line scores 0.57 against its labels; read piece by piece, over 0.8."""
    line = _one_line(seed_text)
    [page] = seed_pages
    gold = "\n".join(text for text, label in zip(page.lines, page.labels.tolist()) if label == 1)
    every_word = word_scores(line, gold).f1
    cleaned = MODEL.clean(line)
    assert word_scores(cleaned, gold).f1 > max(0.8, every_word + 0.1)
    assert "Bodies of baby and mother pulled out of rubble" not in cleaned.split("\n")[0]  # the headline menu is dropped
    lines = MODEL.predict_lines(line)
    assert {entry.number for entry in lines} == {1} and [entry.piece for entry in lines] == list(range(1, len(lines) + 1))
    assert {entry.label for entry in lines} == {"content", "noise"}
    explanations = explain_lines(MODEL, line)
    assert [explanation_record(e)["piece"] for e in explanations] == [entry.piece for entry in lines]


@pytest.mark.parametrize(("file_id", "floor"), [("0414", 0.7), ("4532", 0.85)])
def test_a_real_page_on_one_line_keeps_its_content(file_id: str, floor: float) -> None:
    """4532's menus hold two thirds of its words: kept whole, its line scores 0.47 (0.96 read piece by piece). 0414 is
    mostly content: 0.81 kept whole, 0.77 piece by piece."""
    text, gold = _rendered_with_gold(file_id)
    line = _one_line(text)
    assert len(line.split()) > LONG_LINE_WORDS
    assert word_scores(MODEL.clean(line), gold).f1 >= floor


def test_spans_of_pieces_point_into_the_text_as_given(seed_text: str) -> None:
    text = "Menu\r\n" + _one_line(seed_text) + "\r\n"
    [cleaned] = clean_texts(MODEL, [text], spans=True)
    spans = cleaned.spans
    assert spans is not None and len(spans) == len(Page.from_text(text).lines) > 2
    assert text[spans[0][0] : spans[0][1]] == "Menu"
    assert [text[start:end] for start, end, _ in spans[1:]] == Page.from_text(text).lines[1:]
    kept = [text[start:end] for start, end, p in spans if p >= cast_cut(cleaned.cut)]
    assert " ".join(kept).split() == cleaned.text.split()
    assert cleaned.text_lines == 2 and cleaned.kept_lines == 1  # counted in lines of the text


def cast_cut(cut: float | None) -> float:
    assert cut is not None
    return cut


@pytest.mark.parametrize(("page", "read_whole"), [
    # JSON-LD of a product list on one line: code.
    (json.dumps({"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "position": k, "url": f"https://shop.example/p/{k}"} for k in range(120)]}), True),
    # A script's leftovers, with fewer code characters: cut into pieces, 15 of which reach the cut (P 0.20 to 0.25),
    # but every piece reads as code, and a page of code alone keeps nothing (tests/test_code_pages.py).
    (" ".join(f"window.dataLayer.push({{event:'view_{k}',value:{k}}});" for k in range(320)), False),
], ids=["json-ld", "script"])
def test_a_long_line_of_script_alone_is_dropped(page: str, read_whole: bool) -> None:
    """Cut into pieces, the JSON-LD kept two of its 364 (15 of its 1,080 words): code is read whole."""
    assert len(page.split()) > LONG_LINE_WORDS
    assert (len(Page.from_text(page).lines) == 1) == read_whole
    assert MODEL.clean(page) == ""


def test_a_script_holding_an_article_escaped_is_read_whole() -> None:
    """A framework's state (Next.js's flight data) holds the article's text as escaped strings: cut into pieces, they
    read as prose and were kept, whole paragraphs of JSON with them."""
    sentences = [f"Sentence {k} of the story, told at some length for the reader." for k in range(40)]
    state = 'self.__next_f.push([1,"' + ",".join(
        f'[\\"$\\",\\"p\\",null,{{\\"className\\":\\"body\\",\\"children\\":\\"{sentence}\\"}}]'
        for sentence in sentences) + '"])'
    page = "\n".join(["A headline", " ".join(sentences[:4]), state])
    assert len(state.split()) > LONG_LINE_WORDS and len(state.split()) >= len(page.split()) / 2
    assert Page.from_text(page).lines == page.split("\n")
    assert MODEL.clean(page).split("\n") == [" ".join(sentences[:4])]


@pytest.mark.parametrize(("times", "read_as_pieces"), [(14, False), (60, True)])
def test_only_a_long_line_holding_most_of_its_page_is_read_as_pieces(seed_text: str, times: int, read_as_pieces: bool) -> None:
    """A long paragraph added to the seed page (line 28's sentence over and over) is read whole while it holds under
    half of the page's words (14 times, 350 words), and as its pieces once it holds more than half (60 times)."""
    lines = split_lines(seed_text)
    long = " ".join([lines[27]] * times)
    page = Page.from_text("\n".join([*lines, long]))
    assert len(long.split()) > LONG_LINE_WORDS
    assert page.lines[: len(lines)] == lines
    assert (len(page.lines) > len(lines) + 1) == read_as_pieces


def test_explain_and_the_report_name_each_piece_of_a_page_on_one_line(seed_text: str, tmp_path: Path) -> None:
    page = tmp_path / "one.txt"
    page.write_text(_one_line(seed_text) + "\n", encoding="utf-8")
    pieces = len(Page.from_text(page.read_text(encoding="utf-8")).lines)
    shown = CliRunner().invoke(app, ["explain", str(page), "--line", "1", "--format", "jsonl"])
    assert shown.exit_code == 0, shown.output
    records = [json.loads(line) for line in shown.output.splitlines()]
    assert [(record["line"], record["piece"]) for record in records] == [(1, k) for k in range(1, pieces + 1)]
    assert CliRunner().invoke(app, ["explain", str(page), "--line", "2"]).exit_code == 2  # the text has one line
    report = tmp_path / "report.html"
    written = CliRunner().invoke(app, ["predict", str(page), "--report", str(report)])
    assert written.exit_code == 0, written.output
    ids = re.findall(r'id="(w\d[^"]*)"', report.read_text(encoding="utf-8"))
    assert len(ids) == pieces and len(set(ids)) == pieces and ids[:2] == ["w1-1", "w1-2"]


def test_pieces_part_at_every_white_space_that_splits_words() -> None:
    """Pieces are cut between words as str.split finds them: a no-break space or an ideographic space parts them too."""
    assert set(WHITE_SPACE) == {chr(code) for code in range(0x110000) if chr(code).isspace()}
    line = "\u3000".join(["One sentence."] * 3) + "\xa0" + "\x1c".join(["word"] * (PIECE_WORDS + 1))
    assert pieces_of(line) == ["One sentence."] * 3 + ["\x1c".join(["word"] * PIECE_WORDS), "word"]


def test_a_short_page_on_one_line_is_read_as_pieces_whatever_blank_lines_surround_it() -> None:
    # 120 words, over LONG_LINE_WORDS: a page of menus and an article whose line breaks became spaces. Lines of white
    # space hold no word, so 50 of them after it do not make it less than half of its page.
    line = " ".join(["Home News Sport."] + ["The council met on Tuesday and approved the new budget for schools."] * 10)
    assert LONG_LINE_WORDS < len(line.split()) <= 3 * LONG_LINE_WORDS
    for text in (line, line + "\n   \n\t" * 50, line + "\nShare this article"):
        page = Page.from_text(text)
        assert page.continued.sum() == len(pieces_of(line)) - 1 > 0, repr(text[-30:])
    # Beside twice as many words in other lines, each line holds a third of the page: all are read whole.
    assert not Page.from_text("\n".join([line, line.replace("council", "board"), line.replace("council", "mayor")])).continued.any()
