"""Segmentation: line terminators, blank lines, blocks and the offsets features rely on."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from linesift.model.pieces import MAX_PIECES
from linesift.model.segment import NONBLANK_PER_BLANK, Page, normalize_newlines, split_lines


def assert_offsets_hold(page: Page) -> None:
    assert len(page.starts) == len(page.ends) == len(page.blank) == len(page.block_ids) == len(page.lines)
    for i, line in enumerate(page.lines):
        assert page.text[page.starts[i] : page.ends[i]] == line
    assert page.text == "\n".join(page.lines)


# --- line terminators -------------------------------------------------------------------------


def test_crlf_ends_a_line() -> None:
    assert split_lines("one\r\ntwo\r\nthree") == ["one", "two", "three"]


def test_lone_cr_ends_a_line() -> None:
    assert split_lines("one\rtwo\rthree\r") == ["one", "two", "three"]


def test_mixed_terminators() -> None:
    assert split_lines("a\nb\r\nc\rd") == ["a", "b", "c", "d"]


def test_cr_followed_by_lf_is_one_terminator_not_two() -> None:
    assert split_lines("a\r\n\r\nb") == ["a", "", "b"]
    assert split_lines("a\n\rb") == ["a", "", "b"]  # LF then a lone CR: two terminators


def test_form_feed_tab_nul_and_other_unicode_breaks_stay_inside_lines() -> None:
    text = "page\x0cbreak\tand\x00nul\x0bvt\x1cfs\x85nel\u2028ls\u2029ps"
    assert split_lines(text) == [text]


def test_missing_final_newline_keeps_the_last_line() -> None:
    assert split_lines("a\nb") == ["a", "b"]
    assert split_lines("a\nb\n") == ["a", "b"]


def test_only_one_final_terminator_is_dropped() -> None:
    assert split_lines("a\n\n") == ["a", ""]
    assert split_lines("\n") == [""]
    assert split_lines("\r\n") == [""]


def test_empty_page_has_no_lines() -> None:
    assert split_lines("") == []
    page = Page.from_text("")
    assert len(page) == 0
    assert page.text == ""
    assert page.starts.shape == page.ends.shape == page.blank.shape == page.block_ids.shape == (0,)


def test_normalize_newlines() -> None:
    assert normalize_newlines("a\r\nb\rc\n") == "a\nb\nc\n"
    text = "no carriage returns"
    assert normalize_newlines(text) is text


# --- blank lines and blocks -------------------------------------------------------------------


def test_blank_only_page() -> None:
    page = Page.from_text("\n  \n\t\n\x0c\n\u3000\n")
    assert page.lines == ["", "  ", "\t", "\x0c", "\u3000"]
    assert page.blank.tolist() == [True] * 5
    assert page.block_ids.tolist() == [-1] * 5
    assert_offsets_hold(page)


def test_nul_is_not_whitespace() -> None:
    page = Page.from_text("\x00\n ")
    assert page.blank.tolist() == [False, True]
    assert page.block_ids.tolist() == [0, -1]


def test_blocks_are_runs_of_non_blank_lines() -> None:
    page = Page.from_text("Title\n\nPara one\ncontinues\n \n\nPara two\n\nEnd")
    assert page.blank.tolist() == [False, True, False, False, True, True, False, True, False]
    assert page.block_ids.tolist() == [0, -1, 1, 1, -1, -1, 2, -1, 3]


def test_blocks_when_page_starts_and_ends_with_blank_lines() -> None:
    page = Page.from_text("\n\na\nb\n\n")
    assert page.lines == ["", "", "a", "b", ""]
    assert page.block_ids.tolist() == [-1, -1, 0, 0, -1]


def test_single_line_page() -> None:
    page = Page.from_text("only")
    assert page.block_ids.tolist() == [0]
    assert page.starts.tolist() == [0]
    assert page.ends.tolist() == [4]


# --- offsets ------------------------------------------------------------------------------------


def test_offsets_on_a_hand_made_page() -> None:
    page = Page.from_text("ab\r\n\r\ncde\rf")
    assert page.lines == ["ab", "", "cde", "f"]
    assert page.starts.tolist() == [0, 3, 4, 8]
    assert page.ends.tolist() == [2, 3, 7, 9]
    assert page.text == "ab\n\ncde\nf"
    assert_offsets_hold(page)


def test_offsets_count_code_points_beyond_the_bmp_and_lone_surrogates() -> None:
    page = Page.from_lines(["😀x", "\ud800y", "日本語"])
    assert page.starts.tolist() == [0, 3, 6]
    assert_offsets_hold(page)


def test_offsets_on_the_seed(seed_text: str, seed_pages) -> None:
    page = Page.from_text(seed_text)
    assert page.lines == seed_pages[0].lines  # the labels were made against this segmentation
    assert_offsets_hold(page)
    assert page.block_ids.max() + 1 == len({b for b in page.block_ids.tolist() if b >= 0})


def test_a_ten_megabyte_line() -> None:
    """A line holding its page is cut into pieces (linesift.model.pieces): at most MAX_PIECES, in its block."""
    line = "word " * (2 * 1024 * 1024)  # 10 MiB, no terminator
    page = Page.from_text("head\r\n" + line + "\rtail")
    assert page.lines[0] == "head" and page.lines[-1] == "tail"
    pieces = len(page.lines) - 2
    assert " ".join(page.lines[1:-1]) == line and MAX_PIECES // 2 < pieces <= MAX_PIECES
    assert page.starts[1] == 5 and page.starts[-1] == 5 + len(line) + 1
    assert page.text[page.starts[1] : page.ends[-2]] == line
    assert page.block_ids.tolist() == [0, *[1] * pieces, 2]  # no blank line: each line is a block, its pieces in it
    assert page.continued.sum() == pieces - 1


# --- invariants ---------------------------------------------------------------------------------

line_text = st.text(st.characters(blacklist_characters="\r\n"), max_size=20)


@given(st.lists(line_text, max_size=12))
def test_split_lines_inverts_terminated_lines(lines: list[str]) -> None:
    assert split_lines("".join(line + "\n" for line in lines)) == lines
    assert split_lines("".join(line + "\r\n" for line in lines)) == lines
    # Without a final terminator, a last empty line is indistinguishable from a terminator.
    unterminated = lines[:-1] if lines and lines[-1] == "" else lines
    assert split_lines("\n".join(lines)) == unterminated


@given(st.text(st.characters(), max_size=60))
def test_any_text_gives_consistent_page(text: str) -> None:
    page = Page.from_text(text)
    assert_offsets_hold(page)
    assert "\r" not in page.text
    assert page.blank.tolist() == [not line.strip() for line in page.lines]
    ids = page.block_ids
    assert np.all((ids == -1) == page.blank)
    # Block ids count up by one at every non-blank line that follows a blank line (or starts the page), and
    # at every non-blank line of a page with fewer than one blank line per NONBLANK_PER_BLANK non-blank ones.
    n_blank = int(page.blank.sum())
    separated = n_blank * NONBLANK_PER_BLANK >= len(page) - n_blank
    expected, current, previous_blank = [], -1, True
    for blank in page.blank.tolist():
        if blank:
            expected.append(-1)
        else:
            current += previous_blank or not separated
            expected.append(current)
        previous_blank = blank
    assert ids.tolist() == expected


def test_joined_pages_keep_their_lines_blocks_and_bounds() -> None:
    pages = [Page.from_text("a\nb\n\nc"), Page.from_text(""), Page.from_text("d\ne"), Page.from_text("\n\nf")]
    joined = Page.join(pages)
    assert joined.lines == ["a", "b", "", "c", "d", "e", "", "", "f"]
    assert joined.text == "\n".join(joined.lines)
    np.testing.assert_array_equal(joined.bounds, [0, 4, 4, 6, 9])
    # A block never runs from one page into the next, though "c" and "d" are neighbours; "d" and "e" are two
    # blocks, since their page has no blank line to separate blocks with.
    np.testing.assert_array_equal(joined.block_ids, [0, 0, -1, 1, 2, 3, -1, -1, 4])
    assert [part.tolist() for part in joined.split(np.arange(9))] == [[0, 1, 2, 3], [], [4, 5], [6, 7, 8]]
    for name in ("starts", "ends", "blank"):
        np.testing.assert_array_equal(getattr(joined, name), getattr(Page.from_lines(joined.lines), name))


def test_non_blank_lines_keep_their_pages_and_blocks() -> None:
    pages = [Page.from_text(text) for text in ("a\nb\n\nc", "", "  \n\t", "d\n \ne", "\n\nf")]
    joined = Page.join(pages)
    filled, rows = joined.non_blank()
    assert filled.lines == ["a", "b", "c", "d", "e", "f"]
    assert filled.text == "\n".join(filled.lines)
    assert_offsets_hold(filled)
    np.testing.assert_array_equal(rows, [0, 1, 3, 6, 8, 11])
    np.testing.assert_array_equal(filled.bounds, [0, 3, 3, 3, 5, 6])
    np.testing.assert_array_equal(filled.block_ids, [0, 0, 1, 2, 3, 4])
    assert not filled.blank.any()
    empty, none = Page.from_text(" \n\n").non_blank()
    assert len(empty) == 0 and len(none) == 0
    np.testing.assert_array_equal(empty.bounds, [0, 0])


def test_a_page_is_its_own_only_part() -> None:
    page = Page.from_text("a\n\nb")
    np.testing.assert_array_equal(page.bounds, [0, 3])
    assert [part.tolist() for part in page.split(np.arange(3))] == [[0, 1, 2]]
    np.testing.assert_array_equal(Page.join([]).bounds, [0])
