"""Short pages cut from labelled pages, so that a model learns what a page of one to five lines looks like.

Users clean short texts too: a lone paragraph, a snippet a scraper kept, a record holding one script.
The labelled pages are long, so a model that learns from them alone takes "first line of the page" and
"last line of the page" for navigation and footers, and drops a page's only paragraph. Each excerpt is a
run of one to :data:`MAX_LINES` non-blank lines of a page (with the blank lines between them), labelled
as in the page: a paragraph alone is still content, a menu line alone still noise. An excerpt keeps its
page's site, so it is held out with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from linesift.model.structure import LEVEL, Structure
from linesift.training.data import BLANK, LabelledPage

MAX_LINES = 5
PER_PAGE = 3
# Excerpts starting on a content line, out of all: pages are mostly noise, and short texts users clean are
# often one piece of content.
CONTENT_START_SHARE = 0.3
# Excerpts of a page parsed from HTML that keep only each block's own tag, in a bare <body>: hand-written and
# simple pages say little in their markup, and a block there must be judged by its text.
PLAIN_PER_PAGE = 3


def _rng(page: LabelledPage) -> np.random.Generator:
    """Random numbers fixed by the page's id, renderer and layout: every run cuts the same excerpts."""
    digest = hashlib.sha256(f"{page.id}\0{page.renderer}\0{page.convention}\0excerpt".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def excerpts(page: LabelledPage, count: int = PER_PAGE) -> list[LabelledPage]:
    """Up to ``count`` short pages cut from ``page``; none from a page without a labelled line."""
    labelled = np.flatnonzero(page.labels != BLANK)
    if not len(labelled):
        return []
    content = np.flatnonzero(page.labels == 1)
    rng = _rng(page)
    cut: list[LabelledPage] = []
    plain = PLAIN_PER_PAGE if page.structure is not None else 0
    for number in range(count + plain):
        starts = content if len(content) and rng.random() < CONTENT_START_SHARE else labelled
        first = int(np.searchsorted(labelled, starts[rng.integers(len(starts))]))
        last = min(first + int(rng.integers(1, MAX_LINES + 1)), len(labelled)) - 1
        lines = slice(int(labelled[first]), int(labelled[last]) + 1)
        # No gold text: the page's gold is the whole page's content, not the excerpt's. The page's site
        # (its id when it names none) stays the excerpt's, so that the two are held out together.
        structure = None if page.structure is None else page.structure.take(np.arange(lines.start, lines.stop))
        if structure is not None and number >= count:
            structure = plain_markup(structure)
        # The pieces of a page on one line: the excerpt's first line starts its text, whatever it continued.
        continued = None if page.continued is None else np.concatenate(([False], page.continued[lines][1:]))
        cut.append(replace(page, id=f"{page.id}#excerpt{number}", domain=page.group, lines=page.lines[lines],
                           labels=page.labels[lines], main_content=None, structure=structure, continued=continued))
    return cut


def plain_markup(structure: Structure) -> Structure:
    """``structure`` with each block's own tag alone in a bare ``<body>``: no classes, ids or roles, nothing
    hidden; a block's look-alike siblings are the other blocks of its tag."""
    own = [tags.split(LEVEL, 1)[0] for tags in structure.tags]
    counts = {tag: own.count(tag) for tag in set(own)}
    return Structure([f"{tag}{LEVEL}body{LEVEL}html" if tag else "" for tag in own],
                     [LEVEL * 2 if tag else "" for tag in own], structure.link_chars, structure.links,
                     np.array([counts[tag] - 1 if tag else 0 for tag in own], dtype=structure.alike.dtype),
                     np.zeros(len(own), dtype=bool))


def with_excerpts(pages: Sequence[LabelledPage], count: int = PER_PAGE) -> list[LabelledPage]:
    """``pages``, then the excerpts of each."""
    return [*pages, *(cut for page in pages for cut in excerpts(page, count))]
