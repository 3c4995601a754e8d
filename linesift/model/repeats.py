"""Lines a page says twice: a content line equal to a content line above it is dropped.

Pages repeat whole paragraphs: a forum quotes the post it answers, a product page shows its description
twice (for small screens and large), an article's teaser comes back as its first paragraph. A reader, a
search index or a training corpus wants each once, and the benchmark counts words as a multiset, so a second
copy is all noise. Held out on the development sites, dropping them lifts word F1 by 0.001 to 0.004 in every
rendering and layout of text and by 0.003 on HTML pages: forums most, while documentation, whose parameter
lists and code samples do repeat, loses 0.002 to 0.007 (docs/evaluation.md, "Repeated lines"). A line counts
when it is long enough to be a sentence: a repeated "Reply" or "Read more" is a label, for the model to judge
in its place.
"""

from __future__ import annotations

import numpy as np

from linesift.model.pagestats import PageStats

# Characters (without surrounding spaces) from which equal lines are copies of one text.
MIN_REPEAT_CHARS = 40


def repeat_groups(stats: PageStats) -> np.ndarray:
    """Per line of ``stats``: the group shared by the equal lines of its page of at least ``MIN_REPEAT_CHARS``
    characters (case and surrounding spaces aside), -1 for a line with no such copy."""
    equal = stats.equal_lines
    return np.where((equal.copies > 1) & (equal.chars >= MIN_REPEAT_CHARS), equal.group, -1)


def later_copies(kept: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ``kept`` lines equal to a kept line above them (the same ``groups`` entry), in order, and for each the
    index of the first such line."""
    rows = np.flatnonzero(kept & (groups >= 0))
    if len(rows) < 2:
        return rows[:0], rows[:0]
    _, first, group_of_row = np.unique(groups[rows], return_index=True, return_inverse=True)
    firsts = rows[first][group_of_row]
    later = firsts != rows
    return rows[later], firsts[later]
