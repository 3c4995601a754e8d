"""Turn page text into lines and blocks.

A page is split on ``\\n``, ``\\r\\n`` and lone ``\\r``; nothing else ends a line, so form feeds,
tabs and NUL stay inside their line. A final line terminator does not open an extra empty line.
Blank lines (only whitespace) separate blocks and are kept, so output keeps the page's structure. A page
that hardly uses blank lines (WET records, many scrapers: one block per line) has each line as a block:
there, a run of lines says nothing about blocks, and a page-long "block" would make every line look alike.
A line holding most of its page (a page whose line breaks became spaces) is cut into its sentences, each a line of
the page continuing the line before it in the text (see :mod:`linesift.model.pieces`). Several pages can be joined
into one :class:`Page` and scored at once (see :meth:`Page.join`): the per-call cost of the vectorised features is
then paid once per batch instead of once per page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain, compress

import numpy as np

from linesift.model.pieces import page_sized_lines, pieces_of

_LINE_BREAK = re.compile(r"\r\n?")
# A page separates its blocks with blank lines when it has at least one blank line per this many non-blank
# ones. Rendered pages have about one per two; pages without blank lines have none, and one stray blank
# line in a long page separates nothing.
NONBLANK_PER_BLANK = 20


def normalize_newlines(text: str) -> str:
    """Return ``text`` with every line terminator turned into ``\\n``."""
    if "\r" not in text:
        return text
    return _LINE_BREAK.sub("\n", text)


def _body(text: str) -> str | None:
    """The page's lines joined by ``\\n`` (the final terminator dropped); ``None`` for a page without lines."""
    text = normalize_newlines(text)
    if not text:
        return None
    return text.removesuffix("\n")


def split_lines(text: str) -> list[str]:
    """Split a page into lines; ``""`` gives ``[]`` and a trailing terminator adds no line."""
    body = _body(text)
    return [] if body is None else body.split("\n")


@dataclass(frozen=True, slots=True)
class Page:
    """A page as lines, with the offsets that let features run over the whole text at once.

    ``text`` is the lines joined by ``\\n``, but for a ``continued`` line (a piece of a line of the text, see
    :mod:`linesift.model.pieces`), which follows the line before after a white space character of it; line ``i`` spans
    ``text[starts[i]:ends[i]]``. A page joined from several (:meth:`join`) holds the lines ``bounds[k]:bounds[k + 1]``
    of the ``k``-th; features that look at neighbours or at the whole page stay within those bounds.
    """

    lines: list[str]
    text: str
    starts: np.ndarray
    ends: np.ndarray
    blank: np.ndarray
    block_ids: np.ndarray
    bounds: np.ndarray
    continued: np.ndarray  # per line: it continues the line before in the text, of which it is a piece

    @classmethod
    def from_lines(cls, lines: list[str], continued: np.ndarray | None = None) -> Page:
        """The page of ``lines``, each on a line of its own but those ``continued`` (pieces, as :meth:`from_text`
        cuts them), which follow the line before a space apart."""
        if continued is None or not continued.any():
            return cls._of(lines, "\n".join(lines))
        text = "".join(chain.from_iterable((" " if joined else "\n", line) for line, joined in zip(lines, continued.tolist())))
        return cls._of(lines, text[1:], continued=continued)

    @classmethod
    def from_text(cls, text: str) -> Page:
        """The lines of ``text``, those holding most of the page cut into their pieces (see :mod:`linesift.model.pieces`)."""
        # The page text is the input itself (newlines normalised), so it is not joined again.
        body = _body(text)
        if body is None:
            return cls._of([], "")
        page = cls._of(body.split("\n"), body)
        pieced = laid_out(page.lines, page.ends - page.starts, page.blank)
        if pieced is None:
            return page
        lines, line_of = pieced
        return cls._of(lines, body, continued=continues(line_of))

    @classmethod
    def join(cls, pages: list[Page]) -> Page:
        """One page holding every line of ``pages`` in order, each within its own ``bounds``."""
        filled = [page for page in pages if len(page)]
        lines = list(chain.from_iterable(page.lines for page in filled))
        sizes = np.array([len(page) for page in pages], dtype=np.int64)
        if not filled:
            return cls._of(lines, "", np.concatenate(([0], np.cumsum(sizes))))
        lengths = np.concatenate([page.ends - page.starts for page in filled])
        blank = np.concatenate([page.blank for page in filled])
        continued = np.concatenate([page.continued for page in filled])
        return cls._of(lines, "\n".join(page.text for page in filled), np.concatenate(([0], np.cumsum(sizes))), lengths, blank,
                       continued=continued)

    @classmethod
    def _of(cls, lines: list[str], text: str, bounds: np.ndarray | None = None, lengths: np.ndarray | None = None,
            blank: np.ndarray | None = None, block_ids: np.ndarray | None = None,
            continued: np.ndarray | None = None) -> Page:
        """The page of ``lines``, given ``text`` (see :class:`Page`), the ``bounds`` of the pages joined in it, and the
        lines' ``lengths``, ``blank`` flags, ``block_ids`` and ``continued`` flags when they are known already."""
        n = len(lines)
        bounds = np.array([0, n], dtype=np.int64) if bounds is None else bounds
        if lengths is None or blank is None:
            lengths = np.fromiter(map(len, lines), dtype=np.int64, count=n)
            # A line is blank when it is empty or all whitespace: what ``not line.strip()`` says, mapped in C.
            blank = (lengths == 0) | np.fromiter(map(str.isspace, lines), dtype=bool, count=n)
        continued = np.zeros(n, dtype=bool) if continued is None else continued
        ends = (lengths + 1).cumsum()
        ends -= 1
        starts = ends - lengths
        if block_ids is None:
            block_ids = _block_ids(blank, bounds, continued)
        return cls(lines, text, starts, ends, blank, block_ids, bounds, continued)

    def non_blank(self) -> tuple[Page, np.ndarray]:
        """The non-blank lines alone, as a page joined from the same pages (its ``bounds``) with the same
        ``block_ids``, and their indices in this one.

        Blank lines are never content, and every feature of a non-blank line reads the non-blank lines
        only: scoring this page gives the same scores in less time (a third of rendered lines are blank).
        """
        rows = np.flatnonzero(~self.blank)
        lines = list(compress(self.lines, ~self.blank))
        page = Page._of(lines, "\n".join(lines), np.searchsorted(rows, self.bounds), (self.ends - self.starts)[rows],
                        np.zeros(len(rows), dtype=bool), self.block_ids[rows], self.continued[rows])
        return page, rows

    def merged(self, groups: np.ndarray) -> tuple[Page, np.ndarray]:
        """This page with each run of adjacent lines of one group (``groups``, one per line, -1 for a line of its own)
        joined into one line, a space apart and each part without its surrounding spaces; and the index in it of each
        line here. A run never crosses the pages joined in this one: each keeps its ``bounds``."""
        n = len(self)
        opens = np.ones(n, dtype=bool)
        opens[1:] = (groups[1:] < 0) | (groups[1:] != groups[:-1])
        opens[self.bounds[:-1][self.bounds[:-1] < n]] = True
        firsts = np.flatnonzero(opens)
        lines = [self.lines[first] if last - first == 1 else " ".join(line.strip() for line in self.lines[first:last])
                 for first, last in zip(firsts.tolist(), [*firsts[1:].tolist(), n])]
        # Blocks stay numbered in order from 0: a block whose lines were each a block of their own loses numbers.
        block_ids = self.block_ids[firsts]
        in_block = block_ids >= 0
        block_ids[in_block] = np.unique(block_ids[in_block], return_inverse=True)[1]
        merged = Page._of(lines, "\n".join(lines), np.searchsorted(firsts, self.bounds), block_ids=block_ids,
                          continued=self.continued[firsts])
        return merged, np.cumsum(opens) - 1

    def line_of_text(self) -> np.ndarray:
        """Per line: the index, from 0, of the line of the text it is or is a piece of (see :meth:`from_text`)."""
        return np.cumsum(~self.continued) - 1

    def is_piece(self) -> np.ndarray:
        """Per line: whether it is a piece of a line of the text cut into several (see :mod:`linesift.model.pieces`)."""
        pieces = self.continued.copy()
        pieces[:-1] |= self.continued[1:]
        return pieces

    def split(self, values: np.ndarray) -> list[np.ndarray]:
        """``values``, one per line, cut into one array per page joined in this one."""
        return np.split(values, self.bounds[1:-1])

    def __len__(self) -> int:
        return len(self.lines)


def laid_out(lines: list[str], lengths: np.ndarray, blank: np.ndarray | None = None) -> tuple[list[str], np.ndarray] | None:
    """``lines``, one page's, with each line holding most of the page cut into its pieces (see
    :mod:`linesift.model.pieces`), and the index in ``lines`` of each line of the result; None when no line is.
    ``blank``: which lines are empty or white space, when known."""
    long = page_sized_lines(lines, lengths, blank)
    if not long:
        return None
    counts = np.ones(len(lines), dtype=np.int64)
    cut = {index: pieces_of(lines[index]) for index in long}
    for index, pieces in cut.items():
        counts[index] = len(pieces)
    return [piece for index, line in enumerate(lines) for piece in cut.get(index, (line,))], np.repeat(np.arange(len(lines)), counts)


def continues(line_of: np.ndarray) -> np.ndarray:
    """Per line of a page laid out by :func:`laid_out` (``line_of``, the line of the text each comes from): whether
    it continues the line before, a piece of the same line."""
    return np.concatenate(([False], line_of[1:] == line_of[:-1])) if len(line_of) else np.zeros(0, dtype=bool)


def _block_ids(blank: np.ndarray, bounds: np.ndarray, continued: np.ndarray) -> np.ndarray:
    """The block of each line: a run of non-blank lines within one page, or each line alone on a page that
    does not separate blocks with blank lines (see :data:`NONBLANK_PER_BLANK`); a blank line is in none (-1). The
    pieces of a line of the text are in its block, and count as that one line."""
    n = len(blank)
    if not n:
        return np.zeros(0, dtype=np.int64)
    # Array methods rather than numpy's functions, which cost more per call: a page is segmented alone, before it is
    # joined to others, and most pages are short.
    filled = ~blank
    first_lines = bounds[:-1][bounds[:-1] < n]
    opens = filled.copy()  # a non-blank line after a blank line, or first in its page
    opens[1:] &= blank[:-1]
    opens[first_lines] = filled[first_lines]
    blanks = np.add.reduceat(blank.astype(np.int64), first_lines)
    text_lines = np.add.reduceat((~continued).astype(np.int64), first_lines)
    sizes = np.concatenate((first_lines[1:], [n])) - first_lines
    unseparated = blanks * NONBLANK_PER_BLANK < text_lines - blanks
    opens |= filled & ~continued & unseparated.repeat(sizes)
    ids = opens.cumsum()
    ids -= 1
    ids[blank] = -1
    return ids
