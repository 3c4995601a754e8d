"""Turn page text into lines and blocks.

A page is split on ``\\n``, ``\\r\\n`` and lone ``\\r``; nothing else ends a line, so form feeds,
tabs and NUL stay inside their line. A final line terminator does not open an extra empty line.
Blank lines (only whitespace) separate blocks and are kept, so output keeps the page's structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

_LINE_BREAK = re.compile(r"\r\n?")


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

    ``text`` is the lines joined by ``\\n``; line ``i`` spans ``text[starts[i]:ends[i]]``.
    """

    lines: list[str]
    text: str
    starts: np.ndarray
    ends: np.ndarray
    blank: np.ndarray
    block_ids: np.ndarray

    @classmethod
    def from_lines(cls, lines: list[str]) -> Page:
        return cls._of(lines, "\n".join(lines))

    @classmethod
    def from_text(cls, text: str) -> Page:
        # The page text is the input itself (newlines normalised), so it is not joined again.
        body = _body(text)
        return cls._of([], "") if body is None else cls._of(body.split("\n"), body)

    @classmethod
    def _of(cls, lines: list[str], text: str) -> Page:
        """The page of ``lines``, given ``text``, their join by ``\\n``."""
        n = len(lines)
        lengths = np.fromiter(map(len, lines), dtype=np.int64, count=n)
        ends = np.cumsum(lengths + 1) - 1
        starts = ends - lengths
        # A line is blank when it is empty or all whitespace: what ``not line.strip()`` says, mapped in C.
        blank = (lengths == 0) | np.fromiter(map(str.isspace, lines), dtype=bool, count=n)
        # A block is a run of non-blank lines; a blank line belongs to no block (-1).
        opens = ~blank & np.concatenate(([True], blank[:-1])) if n else blank
        block_ids = np.where(blank, -1, np.cumsum(opens) - 1)
        return cls(lines, text, starts, ends, blank, block_ids)

    def __len__(self) -> int:
        return len(self.lines)
