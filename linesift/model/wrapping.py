"""Hard-wrapped paragraphs: a paragraph broken into lines at a fixed width is scored as the one line it was.

Terminal browsers, text dumps and mail break each paragraph into lines of at most some width (80 columns, or 76
indented by three, as ``lynx -dump`` writes). The model scores each line by its own words, so the lines of one
paragraph scored unevenly (0.02 to 0.49 on one held-out page), and a paragraph's pieces lack what tells a paragraph
apart: its length, its sentences. So the lines of a wrapped paragraph are joined again, a space apart, and scored as
one line (:func:`linesift.model.reading.read_lines`); each of them takes its P(content), and they repeat a paragraph
above only when the whole paragraph does.

A line was wrapped into the next when the next line's first word, up to a space or tab, would not have fitted after it:
its length plus a space plus that word's passes the page's width, and the line fills at least ``MIN_WRAPPED_SHARE``
of that width. The width is the page's longest line that holds a space or tab: a wrapper leaves a word longer than the
width (a URL, a script's blob) on a line of its own, longer than the rest. Lines with a blank line between them, or
on different pages of a batch, are never one paragraph. A page is read as wrapped only when many of its lines wrap
so (``MIN_WRAPPED_PAIRS``, ``MIN_WRAPPED_PAIR_SHARE``): text with a paragraph a line has one longest line, and the
test holds for it and the line after. Nor is a page whose width is under ``MIN_WRAP_WIDTH`` characters.
"""

from __future__ import annotations

import numpy as np

from linesift.model.arrays import max_within_pages
from linesift.model.pagestats import PageStats

# The shortest line that a wrapped line fills, as a share of its page's width: a short line ends a paragraph.
MIN_WRAPPED_SHARE = 0.75
# Pages narrower than this are lists and menus, not text wrapped at a width.
MIN_WRAP_WIDTH = 40
# A page is read as wrapped when at least this many of its lines, and this share of its lines of two words or more,
# are wrapped into the next.
MIN_WRAPPED_PAIRS = 3
MIN_WRAPPED_PAIR_SHARE = 0.1
BREAKING_SPACES = (ord(" "), ord("\t"))  # where a wrapper may break a line


def wrapped_paragraphs(stats: PageStats, rows: np.ndarray) -> np.ndarray:
    """Per line of ``stats.page`` (a page's non-blank lines, ``rows`` their indexes in it): the number of the wrapped
    paragraph it is in (that of its first line), -1 for a line that is none."""
    page = stats.page
    n_lines = len(page)
    paragraphs = np.full(n_lines, -1, dtype=np.int64)
    if n_lines < 2:
        return paragraphs
    start, end = stats.stripped_spans
    length = end - page.starts  # indentation counts: a wrapped page's width holds it
    # The first space or tab after each line's first visible character, or its end: the line's first word ends
    # there, as wrappers see words (a no-break space joins two words into one).
    spaces = np.flatnonzero((stats.codes == BREAKING_SPACES[0]) | (stats.codes == BREAKING_SPACES[1]))
    first_space = end.copy()
    if len(spaces):
        at = np.minimum(np.searchsorted(spaces, start), len(spaces) - 1)
        first_space = np.minimum(np.where(spaces[at] >= start, spaces[at], end), end)
    first_word = first_space - start
    holds_space = first_space < end
    line_width = max_within_pages(np.where(holds_space, length, 0), page.bounds)[stats.page_of_line]
    words = stats.words_per_line
    page_of_line = stats.page_of_line
    wraps = ((length[:-1] >= MIN_WRAPPED_SHARE * line_width[:-1]) & (line_width[:-1] >= MIN_WRAP_WIDTH)
             & (length[:-1] + 1 + first_word[1:] > line_width[:-1])
             & (rows[1:] == rows[:-1] + 1) & (page_of_line[1:] == page_of_line[:-1]))
    # A page that is not wrapped has a few such pairs too, its longest line and the next: a wrapped page has many.
    n_pages = len(page.bounds) - 1
    pairs = np.bincount(page_of_line[:-1][wraps], minlength=n_pages)
    lines_of_words = np.bincount(page_of_line, weights=words >= 2, minlength=n_pages)
    wrapped_page = pairs >= np.maximum(MIN_WRAPPED_PAIRS, MIN_WRAPPED_PAIR_SHARE * lines_of_words)
    wraps &= wrapped_page[page_of_line[:-1]]
    # A paragraph is a run of lines each wrapped into the next: numbered by its first line.
    in_paragraph = np.zeros(n_lines, dtype=bool)
    in_paragraph[:-1] |= wraps
    in_paragraph[1:] |= wraps
    opens = np.ones(n_lines, dtype=bool)
    opens[1:] = ~wraps
    first_line = np.maximum.accumulate(np.where(opens, np.arange(n_lines), 0))
    paragraphs[in_paragraph] = first_line[in_paragraph]
    return paragraphs
