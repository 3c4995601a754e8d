"""Fenced code blocks: a Markdown code block is kept or dropped whole.

Markdown-flavoured text opens a code block with a fence, a line of three or more backticks or tildes indented by
at most three spaces, and closes it with a line holding only a fence of the same character, at least as long
(CommonMark). The lines of one code block score unevenly, a function's signature like prose and a lone call like
a script's leftover, and a block cut in pieces is broken code: so every line of a closed block, its fences
included, takes the block's mean P(content), weighted by characters, and the block is kept or dropped whole. An
unclosed fence opens no block, so that a stray line of backticks cannot swallow the rest of a page; nor does a
line of more than :data:`MAX_FENCE` of them, which in plain text is a divider between sections, not a fence.
"""

from __future__ import annotations

import re

import numpy as np

from linesift.model.pagestats import PageStats

# Markdown writers fence code with three backticks, four or five to fence a block that shows a fence; plain text
# draws lines of ten or more tildes or backticks between sections, in pairs that must not make a block.
MAX_FENCE = 8
_FENCE = re.compile(rf" {{0,3}}(`{{3,{MAX_FENCE}}}|~{{3,{MAX_FENCE}}})(?![`~])(.*)")
_FENCE_CHARS = (ord("`"), ord("~"))


def fenced_blocks(stats: PageStats) -> np.ndarray:
    """Per line of ``stats.page``, the number of the fenced code block it is in (its fences included), -1 for none.
    A block never crosses the bounds of the pages joined in the page."""
    page = stats.page
    blocks = np.full(len(page), -1, dtype=np.int64)
    first = stats.first_visible  # the features read it too: most pages have no line opening with a fence character
    candidates = np.flatnonzero((first == _FENCE_CHARS[0]) | (first == _FENCE_CHARS[1]))
    if not len(candidates):
        return blocks
    of_page = np.searchsorted(page.bounds, candidates, side="right") - 1
    opened: tuple[int, int, str] | None = None  # the open block's first line, its page and its fence
    for line, in_page in zip(candidates.tolist(), of_page.tolist()):
        match = _FENCE.fullmatch(page.lines[line])
        if match is None:
            continue
        fence, rest = match.group(1), match.group(2)
        if opened is not None and in_page == opened[1] and fence[0] == opened[2][0] and len(fence) >= len(opened[2]) \
                and not rest.strip():
            blocks[opened[0] : line + 1] = opened[0]
            opened = None
        elif opened is None or in_page != opened[1]:
            # A backtick fence's info string holds no backtick (CommonMark): "```a```" is inline code.
            opened = None if fence[0] == "`" and "`" in rest else (line, in_page, fence)
    return blocks

