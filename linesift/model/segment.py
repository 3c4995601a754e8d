"""Turn page text into lines and blocks.

A page is split on ``\\n``, ``\\r\\n`` and lone ``\\r``; nothing else ends a line, so form feeds,
tabs and NUL stay inside their line. A final line terminator does not open an extra empty line.
Blank lines (only whitespace) separate blocks and are kept, so output keeps the page's structure. A page
that hardly uses blank lines (WET records, many scrapers: one block per line) has each line as a block:
there, a run of lines says nothing about blocks, and a page-long "block" would make every line look alike.
Several pages can be joined into one :class:`Page` and scored at once (see :meth:`Page.join`): the
per-call cost of the vectorised features is then paid once per batch instead of once per page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain, compress

import numpy as np

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

    ``text`` is the lines joined by ``\\n``; line ``i`` spans ``text[starts[i]:ends[i]]``. A page joined
    from several (:meth:`join`) holds the lines ``bounds[k]:bounds[k + 1]`` of the ``k``-th; features
    that look at neighbours or at the whole page stay within those bounds.
    """

    lines: list[str]
    text: str
    starts: np.ndarray
    ends: np.ndarray
    blank: np.ndarray
    block_ids: np.ndarray
    bounds: np.ndarray

    @classmethod
    def from_lines(cls, lines: list[str]) -> Page:
        return cls._of(lines, "\n".join(lines))

    @classmethod
    def from_text(cls, text: str) -> Page:
        # The page text is the input itself (newlines normalised), so it is not joined again.
        body = _body(text)
        return cls._of([], "") if body is None else cls._of(body.split("\n"), body)

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
        return cls._of(lines, "\n".join(page.text for page in filled), np.concatenate(([0], np.cumsum(sizes))), lengths, blank)

    @classmethod
    def _of(cls, lines: list[str], text: str, bounds: np.ndarray | None = None, lengths: np.ndarray | None = None,
            blank: np.ndarray | None = None, block_ids: np.ndarray | None = None) -> Page:
        """The page of ``lines``, given ``text``, their join by ``\\n``, the ``bounds`` of the pages joined in
        it, and the lines' ``lengths``, ``blank`` flags and ``block_ids`` when they are known already."""
        n = len(lines)
        bounds = np.array([0, n], dtype=np.int64) if bounds is None else bounds
        if lengths is None or blank is None:
            lengths = np.fromiter(map(len, lines), dtype=np.int64, count=n)
            # A line is blank when it is empty or all whitespace: what ``not line.strip()`` says, mapped in C.
            blank = (lengths == 0) | np.fromiter(map(str.isspace, lines), dtype=bool, count=n)
        ends = np.cumsum(lengths + 1) - 1
        starts = ends - lengths
        if block_ids is None:
            block_ids = _block_ids(blank, bounds)
        return cls(lines, text, starts, ends, blank, block_ids, bounds)

    def non_blank(self) -> tuple[Page, np.ndarray]:
        """The non-blank lines alone, as a page joined from the same pages (its ``bounds``) with the same
        ``block_ids``, and their indices in this one.

        Blank lines are never content, and every feature of a non-blank line reads the non-blank lines
        only: scoring this page gives the same scores in less time (a third of rendered lines are blank).
        """
        rows = np.flatnonzero(~self.blank)
        lines = list(compress(self.lines, ~self.blank))
        page = Page._of(lines, "\n".join(lines), np.searchsorted(rows, self.bounds), (self.ends - self.starts)[rows],
                        np.zeros(len(rows), dtype=bool), self.block_ids[rows])
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
        merged = Page._of(lines, "\n".join(lines), np.searchsorted(firsts, self.bounds), block_ids=block_ids)
        return merged, np.cumsum(opens) - 1

    def expanded(self, parts: dict[int, list[str]]) -> tuple[Page, np.ndarray]:
        """This page with each line numbered in ``parts`` replaced by its lines there, in its block; and the index
        here of each line of the new page. Each page joined in this one keeps its lines apart (its ``bounds``)."""
        counts = np.ones(len(self), dtype=np.int64)
        for line, lines in parts.items():
            counts[line] = len(lines)
        lines = [part for number, line in enumerate(self.lines) for part in parts.get(number, (line,))]
        starts = np.concatenate(([0], np.cumsum(counts)))
        expanded = Page._of(lines, "\n".join(lines), starts[self.bounds], block_ids=np.repeat(self.block_ids, counts))
        return expanded, np.repeat(np.arange(len(self)), counts)

    def split(self, values: np.ndarray) -> list[np.ndarray]:
        """``values``, one per line, cut into one array per page joined in this one."""
        return np.split(values, self.bounds[1:-1])

    def __len__(self) -> int:
        return len(self.lines)


def _block_ids(blank: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """The block of each line: a run of non-blank lines within one page, or each line alone on a page that
    does not separate blocks with blank lines (see :data:`NONBLANK_PER_BLANK`); a blank line is in none (-1)."""
    n = len(blank)
    if not n:
        return np.zeros(0, dtype=np.int64)
    opens = ~blank & np.concatenate(([True], blank[:-1]))
    first_lines = bounds[:-1][bounds[:-1] < n]
    opens[first_lines] = ~blank[first_lines]
    blanks = np.add.reduceat(blank.astype(np.int64), first_lines)
    sizes = np.diff(np.append(first_lines, n))
    unseparated = blanks * NONBLANK_PER_BLANK < sizes - blanks
    opens |= ~blank & np.repeat(unseparated, sizes)
    return np.where(blank, -1, np.cumsum(opens) - 1)
