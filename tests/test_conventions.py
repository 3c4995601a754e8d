"""Text layouts made from labelled pages, the training mix, and the short pages cut for training."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from linesift.model.dom import parse_html_page
from linesift.training.conventions import (
    AS_RENDERED,
    CONVENTIONS,
    INDENT,
    INDENTED_COLUMNS,
    MIX,
    ONE_LINE,
    WRAP_COLUMNS,
    in_convention,
    mix_convention,
    training_mix,
    with_pieces_joined,
)
from linesift.training.data import BLANK, LabelledPage
from linesift.training.excerpts import MAX_LINES, PLAIN_PER_PAGE, excerpts, with_excerpts

LONG = ("Volunteers counted two hundred and fourteen swifts over the old mill on Saturday evening, the highest "
        "number since the survey began, and the group now plans a second count in early August.")


def _page(lines: list[str], labels: list[int | None], page_id: str = "p", domain: str = "example.org") -> LabelledPage:
    values = np.array([BLANK if label is None else label for label in labels], dtype=np.int8)
    return LabelledPage(page_id, lines, values, domain=domain, renderer="resiliparse", main_content="gold")


PAGE = _page(["Home | News | Contact", "", "Swifts return", LONG, "", "\tPrice\t12.50", "© 2026 Example"],
             [0, None, 1, 1, None, 1, 0])


def _words(lines: list[str]) -> list[str]:
    return " ".join(lines).split()


def test_as_rendered_is_the_page_itself() -> None:
    page = in_convention(PAGE, AS_RENDERED)
    assert page.lines == PAGE.lines and page.labels.tolist() == PAGE.labels.tolist()
    assert page.convention == AS_RENDERED


def test_no_blank_lines_drops_the_blank_lines_and_keeps_every_label() -> None:
    page = in_convention(PAGE, "no-blank-lines")
    assert page.lines == [line for line in PAGE.lines if line]
    assert page.labels.tolist() == [0, 1, 1, 1, 0]
    assert page.main_content == PAGE.main_content and page.domain == PAGE.domain


@pytest.mark.parametrize(("convention", "width", "indent"), [("wrapped", WRAP_COLUMNS, ""), ("indented", INDENTED_COLUMNS, INDENT)])
def test_wrapping_cuts_long_lines_only_and_each_piece_keeps_its_label(convention: str, width: int, indent: str) -> None:
    page = in_convention(PAGE, convention)
    assert all(len(line) <= width for line in page.lines)
    assert all(line.startswith(indent) for line in page.lines if line)
    assert _words(page.lines) == _words(PAGE.lines)  # nothing lost or reordered
    # The long paragraph becomes several lines, all content; the short lines stay whole (the tabs too).
    long_pieces = [label for line, label in zip(page.lines, page.labels.tolist()) if line.strip() and line.strip() in LONG]
    assert len(long_pieces) >= 3 and set(long_pieces) == {1}
    assert indent + "\tPrice\t12.50" in page.lines
    assert page.labels.tolist().count(BLANK) == 2


def test_double_spaced_puts_one_blank_line_after_every_line_but_the_last() -> None:
    page = in_convention(PAGE, "double-spaced")
    filled = [line for line in PAGE.lines if line]
    assert page.lines == [line for line in filled for line in (line, "")][:-1]
    assert page.labels.tolist() == [0, BLANK, 1, BLANK, 1, BLANK, 1, BLANK, 0]
    assert in_convention(_page(["", " "], [None, None]), "double-spaced").lines == []


def test_sentences_puts_each_sentence_on_a_line_of_its_own_with_its_line_label() -> None:
    story = ('The mill reopened in May. "It took two years!" said the owner (a baker). "Worth it." Was it? '
             "Yes: 3.5 tonnes of flour a week, at 1.20 a kilo.")
    page = in_convention(_page(["Home | News", "", story, "© 2026 Example"], [0, None, 1, 0]), "sentences")
    # A sentence ends before a capital or a digit only, and keeps the quote or bracket that closes it.
    assert page.lines == ["Home | News", "", "The mill reopened in May.", '"It took two years!" said the owner (a baker).',
                          '"Worth it."', "Was it?", "Yes: 3.5 tonnes of flour a week, at 1.20 a kilo.", "© 2026 Example"]
    assert page.labels.tolist() == [0, BLANK, 1, 1, 1, 1, 1, 0]


def test_a_word_longer_than_the_width_is_not_broken() -> None:
    word = "x" * (WRAP_COLUMNS + 20)
    page = in_convention(_page([f"see {word} here"], [1]), "wrapped")
    assert word in page.lines and page.labels.tolist() == [1] * len(page.lines)


@pytest.mark.parametrize("convention", ["wrapped", "indented"])
def test_wrapping_never_makes_a_blank_line_labelled_as_words(convention: str) -> None:
    # textwrap splits on ASCII spaces only: runs of no-break or ideographic spaces must not become lines.
    line = "Price list " + " ".join(["\xa0\xa0"] * 60) + " end " + "\u3000 " * 50 + "done"
    page = in_convention(_page([line], [1]), convention)
    assert all(piece.strip() for piece in page.lines) and set(page.labels.tolist()) == {1}
    assert _words(page.lines) == _words([line])


def test_the_mix_is_fixed_by_page_and_renderer_and_follows_the_shares() -> None:
    pages = [_page(["a line"], [1], page_id=f"page-{k}") for k in range(2000)]
    first, again = training_mix(pages), training_mix(pages)
    assert [p.convention for p in first] == [p.convention for p in again]
    counts = Counter(p.convention for p in first)
    assert set(counts) == set(MIX)
    for convention, share in MIX.items():
        assert counts[convention] / len(pages) == pytest.approx(share / sum(MIX.values()), abs=0.04)
    # A page already laid out keeps its layout.
    laid_out = in_convention(pages[0], "indented")
    assert training_mix([laid_out])[0] is laid_out
    assert mix_convention(pages[0]) == first[0].convention


def test_every_convention_but_one_line_keeps_the_labels_of_a_real_page(seed_pages) -> None:
    seed = seed_pages[0]
    for convention in set(CONVENTIONS) - {ONE_LINE}:
        page = in_convention(seed, convention)
        assert len(page.lines) == len(page.labels)
        assert _words([line for line, y in zip(page.lines, page.labels.tolist()) if y == 1]) == \
            _words([line for line, y in zip(seed.lines, seed.labels.tolist()) if y == 1])


def test_one_line_joins_the_page_and_labels_it_by_its_content_words(seed_pages) -> None:
    """A page on one line is read as its pieces when it holds enough words, each piece labelled by its lines' words;
    the pieces joined again are the line, labelled by the page's words."""
    seed = seed_pages[0]
    pieced = in_convention(seed, ONE_LINE)
    assert pieced.read_as_text() is pieced  # already read as cleaning reads it
    [line] = with_pieces_joined(pieced).lines
    assert line.split() == " ".join(seed.lines).split()
    assert pieced.continued is not None and pieced.continued.sum() == len(pieced.lines) - 1
    # Its pieces labelled content hold 439 of its 848 words a space apart: joined, the line is content.
    assert with_pieces_joined(pieced).labels.tolist() == [1]
    content_words = _words([piece for piece, y in zip(pieced.lines, pieced.labels.tolist()) if y == 1])
    gold_words = _words([text for text, y in zip(seed.lines, seed.labels.tolist()) if y == 1])
    assert abs(len(content_words) - len(gold_words)) < 0.1 * len(gold_words)
    menu = LabelledPage("menu", ["Home", "", "News and more news from town", LONG], np.array([0, BLANK, 0, 1], dtype=np.int8))
    assert in_convention(menu, ONE_LINE).labels.tolist() == [1]  # LONG's words are most of the page's
    mostly_menu = replace(menu, labels=np.array([0, BLANK, 0, 0], dtype=np.int8))
    assert in_convention(mostly_menu, ONE_LINE).labels.tolist() == [0]
    empty = LabelledPage("empty", ["", " "], np.array([BLANK, BLANK], dtype=np.int8))
    assert in_convention(empty, ONE_LINE).lines == ["", " "]


def test_excerpts_are_short_runs_of_the_page_with_its_labels_and_site(seed_pages) -> None:
    seed = seed_pages[0]
    cut = excerpts(seed, 20)
    again = excerpts(seed, 20)  # the same on every run
    assert [(page.lines, page.labels.tolist()) for page in cut] == [(page.lines, page.labels.tolist()) for page in again]
    text = "\n".join(seed.lines)
    for page in cut:
        labelled = page.labels != BLANK
        assert 1 <= labelled.sum() <= MAX_LINES
        assert labelled[0] and labelled[-1]  # no blank line at either end
        assert "\n".join(page.lines) in text
        assert page.group == seed.group and page.main_content is None
        assert re.fullmatch(rf"{re.escape(seed.id)}#excerpt\d+", page.id)
    assert any(page.labels[0] == 1 for page in cut) and any(page.labels[0] == 0 for page in cut)


def test_excerpts_of_a_page_on_one_line_are_pieces_that_start_their_text(seed_pages) -> None:
    pieced = in_convention(seed_pages[0], ONE_LINE)
    assert pieced.continued is not None
    for page in excerpts(pieced, 20):
        assert page.continued is not None and len(page.continued) == len(page.lines)
        assert not page.continued[0] and page.continued[1:].all()  # the rest continue the excerpt's first piece
        assert page.text_page().block_ids.tolist() == [0] * len(page.lines)  # one line of the text: one block


def test_excerpts_of_a_page_without_a_site_stay_with_it() -> None:
    page = _page(["one", "two"], [1, 0], page_id="alone", domain="")
    assert {cut.group for cut in excerpts(page)} == {"alone"}


def test_excerpts_of_an_html_page_keep_its_markup_and_some_keep_only_each_blocks_tag() -> None:
    parsed = parse_html_page(
        '<!doctype html><html><body><nav class="site-menu" hidden><ul><li><a href="/">Home</a></li>'
        '<li><a href="/news">News</a></li></ul></nav><main id="story"><h1>Swifts return</h1>'
        f'<p>{LONG}</p><p class="lead">{LONG.upper()}</p></main><footer><p>© 2026 Example</p></footer></body></html>')
    page = replace(_page(parsed.lines, [0, 0, 1, 1, 1, 0]), renderer="blocks", structure=parsed.structure)
    cut = excerpts(page, 2)
    assert len(cut) == 2 + PLAIN_PER_PAGE
    for excerpt in cut[:2]:  # as on the page
        first = page.lines.index(excerpt.lines[0])
        assert excerpt.structure.to_dict() == page.structure.take(np.arange(first, first + len(excerpt.lines))).to_dict()
    for excerpt in cut[2:]:
        structure = excerpt.structure
        own = [page.structure.tags[page.lines.index(line)].split("|")[0] for line in excerpt.lines]
        assert structure.tags == [f"{tag}|body|html" for tag in own] and set(structure.names) == {"||"}
        assert structure.alike.tolist() == [own.count(tag) - 1 for tag in own] and not structure.hidden.any()
        rows = [page.lines.index(line) for line in excerpt.lines]
        assert excerpt.labels.tolist() == page.labels[rows].tolist()
        assert structure.links.tolist() == page.structure.links[rows].tolist()  # link text is still link text


def test_a_page_without_labelled_lines_gives_no_excerpt() -> None:
    assert excerpts(_page(["", " "], [None, None])) == []
    assert with_excerpts([PAGE], 2)[:1] == [PAGE] and len(with_excerpts([PAGE], 2)) == 3
