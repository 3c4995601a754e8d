"""Lines a page says twice: a content line equal to a content line above it is dropped.

Pages repeat whole paragraphs: a forum quotes the post it answers, a product page shows its description
twice (for small screens and large), an article's teaser comes back as its first paragraph. A reader, a
search index or a training corpus wants each once, and the benchmark counts words as a multiset, so a second
copy is all noise. Held out on the development sites, dropping them lifts word F1 by 0.001 to 0.004 in every
rendering and layout of text and by 0.003 on HTML pages: forums most, while documentation, whose parameter
lists and code samples do repeat, loses 0.002 to 0.007 (docs/evaluation.md, "Repeated lines"). A line counts
when it is long enough to be a sentence: a repeated "Reply" or "Read more" is a label, for the model to judge
in its place.

A line can also say its text twice itself: renderers write an image's alt text beside its caption, or a label
shown to screens beside the same label read to screen readers ("Apple AirPods Pro 2nd generation Apple AirPods
Pro 2nd generation", "Behind the scenes shot of a filming studioBehind the scenes shot of a filming studio").
Such a line, kept, is dropped as a copy of its own first half. In resiliparse's development text these lines
hold 21,430 words of noise against 975 of content, and dropping the kept ones lifts held-out word F1 by 0.001 to
0.002 there (docs/evaluation.md, "Lines saying their text twice").
"""

from __future__ import annotations

import numpy as np

from linesift.model.hashing import span_hashes
from linesift.model.pagestats import PageStats

# Characters (without surrounding spaces) from which equal lines are copies of one text.
MIN_REPEAT_CHARS = 40
# A line says its text twice when its two halves are the same text of at least this many characters (case aside),
# glued or up to ``MAX_TWICE_GAP`` characters apart: shorter, "Read moreRead more" is a label either way.
MIN_TWICE_CHARS = 12
MAX_TWICE_GAP = 4
# The group of a line that says its text twice (see repeat_groups): a copy of its own first half.
SAYS_TWICE = -2


def repeat_groups(stats: PageStats) -> np.ndarray:
    """Per line of ``stats``: the group shared by the equal lines of its page of at least ``MIN_REPEAT_CHARS``
    characters (case and surrounding spaces aside), ``SAYS_TWICE`` for a line saying its text twice (see
    :func:`says_twice`), -1 for a line with neither."""
    equal = stats.equal_lines
    groups = np.where((equal.copies > 1) & (equal.chars >= MIN_REPEAT_CHARS), equal.group, -1)
    groups[says_twice(stats)] = SAYS_TWICE
    return groups


def groups_of_lines(unit_groups: np.ndarray, unit_of_line: np.ndarray) -> np.ndarray:
    """The groups of lines read as units, several lines joined into one (see :meth:`Page.merged`), from the units'
    groups (``unit_groups``, see :func:`repeat_groups`) and each line's unit (``unit_of_line``, in order): a line
    takes its unit's group and its place in the unit, so that the lines of a repeated paragraph repeat the lines of
    the first copy one by one, and lines equal by chance in two different paragraphs repeat nothing."""
    group = unit_groups[unit_of_line]
    in_group = np.flatnonzero(group >= 0)
    if not len(in_group):
        return group
    place = np.arange(len(unit_of_line)) - np.searchsorted(unit_of_line, unit_of_line)
    keys = group[in_group] * (int(place.max()) + 1) + place[in_group]
    group[in_group] = np.unique(keys, return_inverse=True)[1]
    return group


def says_twice(stats: PageStats) -> np.ndarray:
    """Per line: whether, without its surrounding spaces, it is one text of ``MIN_TWICE_CHARS`` or more twice, the
    copies glued or at most ``MAX_TWICE_GAP`` characters apart (case aside), and it has two words or more."""
    start, end = stats.stripped_spans
    # One word or none: a run of one character, "xxxx" or "----", is no text twice.
    lines = np.flatnonzero((end - start >= 2 * MIN_TWICE_CHARS) & (stats.words_per_line >= 2))
    # Each line with each gap, where the gap leaves two halves of equal length (one row a pair).
    length = (end - start)[lines, None] - np.arange(MAX_TWICE_GAP + 1)
    row, gap = np.nonzero((length % 2 == 0) & (length >= 2 * MIN_TWICE_CHARS))
    starts, ends, halves = start[lines[row]], end[lines[row]], length[row, gap] // 2
    # The second copy begins with the line's first character: one read before hashing both halves.
    lowered = stats.lowered
    maybe = np.flatnonzero(lowered[ends - halves] == lowered[starts])
    starts, ends, halves = starts[maybe], ends[maybe], halves[maybe]
    same = span_hashes(stats.hash_sums, starts, starts + halves) == span_hashes(stats.hash_sums, ends - halves, ends)
    twice = np.zeros(stats.n_lines, dtype=bool)
    twice[lines[row[maybe[same]]]] = True
    return twice


def later_copies(kept: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ``kept`` lines equal to a kept line above them (the same ``groups`` entry) and those saying their text
    twice (``SAYS_TWICE``), in order, and for each the index of the line it copies: the first of its group, or
    itself."""
    rows = (kept & (groups != -1)).nonzero()[0]  # the method: numpy's function costs more, and this runs per page
    found = groups[rows]
    twice = rows[found == SAYS_TWICE]
    rows = rows[found >= 0]
    if len(rows) < 2:
        return twice, twice
    _, first, group_of_row = np.unique(groups[rows], return_index=True, return_inverse=True)
    firsts = rows[first][group_of_row]
    later = firsts != rows
    if not len(twice):  # most pages
        return rows[later], firsts[later]
    copies = np.concatenate((rows[later], twice))
    order = np.argsort(copies)
    return copies[order], np.concatenate((firsts[later], twice))[order]
