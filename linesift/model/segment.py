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


def split_lines(text: str) -> list[str]:
    """Split a page into lines; ``""`` gives ``[]`` and a trailing terminator adds no line."""
    text = normalize_newlines(text)
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


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
        lengths = np.fromiter((len(line) for line in lines), dtype=np.int64, count=len(lines))
        ends = np.cumsum(lengths + 1) - 1
        starts = ends - lengths
        blank = np.fromiter((not line.strip() for line in lines), dtype=bool, count=len(lines))
        # A block is a run of non-blank lines; a blank line belongs to no block (-1).
        opens = ~blank & np.concatenate(([True], blank[:-1])) if len(lines) else blank
        block_ids = np.where(blank, -1, np.cumsum(opens) - 1)
        return cls(lines, "\n".join(lines), starts, ends, blank, block_ids)

    @classmethod
    def from_text(cls, text: str) -> Page:
        return cls.from_lines(split_lines(text))

    def __len__(self) -> int:
        return len(self.lines)
