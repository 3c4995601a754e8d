"""scripts/unknown_words.py: pages rewritten in made-up words and in a script without spaces between words (the
figures are in docs/evaluation.md)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import script_module

from linesift.model.pagestats import PageStats
from linesift.model.segment import Page
from linesift.training.data import BLANK, LabelledPage


@pytest.fixture(scope="module")
def script():
    yield from script_module("unknown_words")


def test_words_become_ideographs_without_spaces_between_them(script) -> None:
    line = script.unspaced("The rain will last until Monday, forecasters say.")
    assert " " not in line
    assert line.endswith("。") and "，" in line
    assert all(0x4E00 <= ord(char) < 0x4E00 + 20_000 for char in line if char not in "。，")
    # One ideograph for every three letters of a word, at least one (the, rain, will, last, until, Monday,
    # forecasters, say), then the comma and the full stop.
    assert len(line) == (1 + 2 + 2 + 2 + 2 + 2 + 4 + 1) + 2


def test_a_word_becomes_the_same_ideographs_wherever_it_recurs(script) -> None:
    assert script.unspaced("Home") == script.unspaced("home") == script.unspaced("Home | News").split(" | ")[0]
    assert script.unspaced("Home") != script.unspaced("News")


def test_numbers_symbols_and_code_stay_as_they_are(script) -> None:
    assert script.unspaced("var x = {\"a\": 1};") == "var x = {\"a\": 1};"
    assert script.unspaced("See https://example.org/page") == "See https://example.org/page"
    menu = script.unspaced("Home | News | Sport")
    assert menu.count(" | ") == 2  # spaces around a symbol stay
    assert "2026" in script.unspaced("Posted on 12 March 2026")


def test_the_model_reads_each_ideograph_as_a_word(script) -> None:
    line = script.unspaced("forecasters say")
    assert PageStats(Page.from_lines([line])).words_per_line.tolist() == [len(line)]


def test_rewriting_keeps_every_line_its_label_and_blank_lines_blank(script) -> None:
    page = LabelledPage("p", ["Home", "", "It rained all day.", "  "],
                        np.array([0, BLANK, 1, BLANK], dtype=np.int8), main_content="It rained all day.")
    rewritten = script.rewritten(page, script.unspaced)
    assert len(rewritten.lines) == 4 and rewritten.labels.tolist() == page.labels.tolist()
    assert rewritten.lines[1:4:2] == ["", "  "] and rewritten.lines[2] != page.lines[2]
    assert rewritten.main_content == page.main_content  # scored on the page's own words


def test_made_up_words_keep_their_length_case_spaces_and_punctuation(script) -> None:
    line = "The rain will last until Monday, forecasters say."
    made_up = script.with_made_up_words(line)
    assert made_up != line
    assert [len(word) for word in made_up.split()] == [len(word) for word in line.split()]
    assert made_up[0].isupper() and made_up.split()[5][0].isupper() and made_up.endswith(".") and "," in made_up
    assert script.made_up("Home") == script.made_up("home").capitalize() and script.made_up("home").islower()
    assert script.with_made_up_words("var x = {\"a\": 1};") == "var x = {\"a\": 1};"
