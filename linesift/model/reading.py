"""How the passes read a page's lines: fenced code blocks, hard-wrapped paragraphs joined into one line, repeats, and
whether the page is code alone.

Scoring (:meth:`linesift.model.sifter.Sifter.scored`) and evaluation (:func:`linesift.training.evaluate.page_views`)
both read a page through :func:`read_lines`, so that a line's P(content), whether it repeats a line above and whether
its page is code alone come from the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linesift.model.codepages import code_pages
from linesift.model.fences import fenced_blocks
from linesift.model.pagestats import PageStats
from linesift.model.repeats import groups_of_lines, repeat_groups
from linesift.model.segment import Page
from linesift.model.wrapping import wrapped_paragraphs


@dataclass(frozen=True, slots=True)
class ReadLines:
    """A page's non-blank lines as the passes read them; every array has one entry per non-blank line."""

    stats: PageStats  # of the non-blank lines as they are
    units: PageStats  # of the lines the passes read: ``stats`` itself, or with each wrapped paragraph joined
    unit_of_row: np.ndarray  # the row in ``units`` of each non-blank line
    code_blocks: np.ndarray  # its fenced code block (see :mod:`linesift.model.fences`), -1 for none
    paragraphs: np.ndarray  # its hard-wrapped paragraph (see :mod:`linesift.model.wrapping`), -1 for none
    text: bool  # False for an HTML page's blocks

    def repeats(self) -> np.ndarray:
        """Its group of equal lines, or ``SAYS_TWICE`` (see :func:`repeat_groups`), -1 for neither. Lines repeat as
        the passes read them: the lines of a wrapped paragraph repeat when the whole paragraph does."""
        if self.units is self.stats:
            return repeat_groups(self.stats)
        return groups_of_lines(repeat_groups(self.units), self.unit_of_row)

    def code_pages(self) -> np.ndarray:
        """Per page joined in the lines: whether it is code alone (see :mod:`linesift.model.codepages`). Never for an
        HTML page's blocks: its code is in <pre> elements, which say what they hold."""
        if self.text:
            return code_pages(self.stats)
        return np.zeros(len(self.stats.page.bounds) - 1, dtype=bool)


def read_lines(filled: Page, rows: np.ndarray, text: bool) -> ReadLines:
    """How the passes read ``filled``, a page's non-blank lines (``rows``, their indexes in the page).
    ``text``: False for an HTML page's blocks, lines never hard-wrapped at a width. The pieces of a line
    holding most of its page (see :mod:`linesift.model.pieces`) are never read as wrapped: they were one line."""
    stats = PageStats(filled)
    blocks = fenced_blocks(stats)
    wrapped = np.full(len(rows), -1, dtype=np.int64)
    if text:
        wrapped = wrapped_paragraphs(stats, rows)
        wrapped[blocks >= 0] = -1  # a code block's lines are its own
        wrapped[filled.is_piece()] = -1
    if (wrapped < 0).all():
        return ReadLines(stats, stats, np.arange(len(rows)), blocks, wrapped, text)
    # The passes read a wrapped paragraph as the one line it was, the lines the model learnt paragraphs from.
    merged, unit_of_row = filled.merged(wrapped)
    return ReadLines(stats, PageStats(merged), unit_of_row, blocks, wrapped, text)
