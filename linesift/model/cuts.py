"""Each page's cut: the P(content) a line of that page must reach to be kept.

One threshold for every page keeps too much of a page that is mostly boilerplate and too little of
one that is mostly content. What users of clean text measure is word F1 per page, so each page gets
the cut that maximises its expected word F1 under the model's probabilities (``p`` for a line of
``w`` words counts ``p * w`` expected content words). Keeping a line raises the expected word F1
``F`` exactly when its ``p`` exceeds ``F / 2``, so the best set keeps the most probable lines and
the best cut is half the best expected word F1: always at most 0.5, and higher on pages whose
content the model is sure of.
"""

from __future__ import annotations

from numbers import Real
from typing import cast

import numpy as np

from linesift.model.arrays import argsort_within_pages, max_within_pages

# Lines below this are never kept, whatever the page: a page the model finds no content in keeps nothing.
MIN_PAGE_CUT = 0.2
# A line counts at most this many words toward its page's cut: about the longest paragraph. A page-sized line of a
# framework's state or a style sheet (50,000 words at P 0.27) otherwise weighed more than the rest of the page
# together, pulled the cut down to MIN_PAGE_CUT and was kept.
MAX_CUT_WORDS = 256


def page_cuts(p: np.ndarray, words: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """The cut of every page whose lines are ``bounds[k]:bounds[k + 1]``, from each line's ``p`` and ``words``.

    Half the highest expected word F1 that keeping a page's most probable lines reaches, and at least
    ``MIN_PAGE_CUT``; each line's words count up to ``MAX_CUT_WORDS``.
    """
    words = np.minimum(words, MAX_CUT_WORDS)
    n_pages = len(bounds) - 1
    page = np.repeat(np.arange(n_pages), np.diff(bounds))
    order = argsort_within_pages(-p, bounds)  # each page's lines, most probable first
    expected = np.concatenate(([0.0], np.cumsum(p[order] * words[order])))
    kept = np.concatenate(([0.0], np.cumsum(words[order], dtype=np.float64)))
    first = bounds[:-1][page]
    # Keeping the page's lines down to each one: expected content words kept, words kept, content words in all.
    gained = expected[1:] - expected[first]
    total = (expected[bounds[1:]] - expected[bounds[:-1]])[page]
    denominator = kept[1:] - kept[first] + total
    f1 = np.divide(2 * gained, denominator, out=np.zeros_like(gained), where=denominator > 0)
    best = max_within_pages(f1, bounds)
    # An F1 is at most 1, but the running sums span the batch and their differences round: a page after
    # another can reach 1 plus a rounding error, which would cut above 0.5.
    return np.clip(best / 2, MIN_PAGE_CUT, 0.5)


THRESHOLD_RULE = "threshold must be a number between 0 and 1, or None for a cut per page"


def check_threshold(threshold: object) -> None:
    """Refuse a threshold that is not None or a number from 0 to 1 (nan included): above 1 a page keeps
    nothing, below 0 everything. Raises TypeError for what is not a number, ValueError for the rest."""
    if threshold is None:
        return
    if isinstance(threshold, bool) or not isinstance(threshold, Real):
        raise TypeError(f"{THRESHOLD_RULE}, not {type(threshold).__name__}")
    # nan fails both comparisons; compared as it is, an int too large for a float is out rather than an OverflowError
    if not 0 <= cast(float, threshold) <= 1:
        raise ValueError(f"{THRESHOLD_RULE}, not {threshold!r}")


def cuts(p: np.ndarray, words: np.ndarray, bounds: np.ndarray, threshold: float | None) -> np.ndarray:
    """``threshold`` for every page, or each page's own cut (:func:`page_cuts`) when it is None."""
    return page_cuts(p, words, bounds) if threshold is None else np.full(len(bounds) - 1, float(threshold))
