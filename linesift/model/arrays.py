"""Array helpers the model's passes share: logarithms of counts, and shifting and sorting rows page by page."""

from __future__ import annotations

from itertools import pairwise

import numpy as np


def log1p_counts(counts: np.ndarray) -> np.ndarray:
    """``np.log1p`` of whole numbers from 0 up (an array of any shape), read from a table of its values below the
    table's size."""
    flat = counts.ravel()
    # ``take`` clips the counts past the table to its last entry as it reads; they are few, and mostly none.
    out = _LOG1P_TABLE.take(flat.astype(np.intp), mode="clip")
    beyond = (flat >= len(_LOG1P_TABLE)).nonzero()[0]
    if len(beyond):
        out[beyond] = np.log1p(flat[beyond])
    return out.reshape(counts.shape)


# Counts of lines, words, characters and repeats are mostly small; the logarithm is a table lookup for them.
_LOG1P_TABLE = np.log1p(np.arange(1 << 12, dtype=np.float64))


def shift_within_pages(rows: np.ndarray, pages: np.ndarray, offset: int, fill: float) -> np.ndarray:
    """``rows[i + offset]`` for every row ``i`` of ``rows`` (indexed along the first axis), or ``fill``
    where that row is past the ends or on another page (``pages`` gives each row's page)."""
    shifted = np.full_like(rows, fill)
    n = len(rows)
    if abs(offset) >= n:
        return shifted
    source, target = (slice(0, n + offset), slice(-offset, n)) if offset < 0 else (slice(offset, n), slice(0, n - offset))
    same_page = pages[source] == pages[target]
    # Copied where the pages match, without the copies a boolean index makes (for rows of many columns, several times
    # faster).
    np.copyto(shifted[target], rows[source], where=same_page.reshape(-1, *[1] * (rows.ndim - 1)))
    return shifted


def argsort_within_pages(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """The order that sorts each page's ``values`` stably, pages kept in order (page ``k`` is
    ``bounds[k]:bounds[k + 1]``): ``np.lexsort((values, page))``, in less time, one small sort per page."""
    order = np.empty(len(values), dtype=np.intp)
    for start, end in pairwise(bounds.tolist()):
        order[start:end] = np.argsort(values[start:end], kind="stable") + start
    return order


def max_within_pages(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """The largest of each page's ``values`` (page ``k`` is ``bounds[k]:bounds[k + 1]``), 0 for a page without lines."""
    out = np.zeros(len(bounds) - 1, dtype=values.dtype)
    filled = np.flatnonzero(np.diff(bounds))
    if len(filled):
        out[filled] = np.maximum.reduceat(values, bounds[:-1][filled])
    return out


def with_group_means(values: np.ndarray, groups: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``values`` with each group's entries (``groups``, -1 for none) given the group's mean, weighted by ``weights``:
    a fenced code block's lines share one P(content)."""
    inside = groups >= 0
    if not inside.any():
        return values
    ids = groups[inside]
    sums = np.bincount(ids, weights=values[inside] * weights[inside])
    totals = np.bincount(ids, weights=weights[inside])
    out = values.copy()
    out[inside] = sums[ids] / np.maximum(totals[ids], 1.0)
    return out
