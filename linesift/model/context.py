"""Second-pass features: each line seen through the first pass's probabilities around it.

Whether a line is content depends mostly on where it sits: a short line inside a run of article
paragraphs is a subheading, the same line among menu entries is navigation. The first pass scores
lines on their own features; this pass gives every line its neighbours' scores, its block's, and its
place relative to the page's main run of content (the stretch of lines where content outweighs noise
the most), and a second logistic regression decides.
"""

from __future__ import annotations

import numpy as np

from linesift.model.arrays import argsort_within_pages, log1p_counts, shift_within_pages
from linesift.model.features import feature_names, page_features
from linesift.model.pagestats import PageStats
from linesift.model.segment import Page

NEIGHBOUR_OFFSETS = (-3, -2, -1, 1, 2, 3)
WINDOWS = (2, 5, 15)  # half-widths, in non-blank lines, of the windows whose mean score is a feature
WORD_WINDOWS = (2, 5, 15, 40)  # the same, with each line's score weighted by its words
# Own features averaged over the lines around: a run of sentences is prose, a run of short lines a menu.
SMOOTHED_FEATURES = ("ends_terminal", "log_words", "stop_word_ratio")
SMOOTHING_WINDOWS = (3, 10)
# Main runs found with these score cuts too: a lenient and a strict view of where the content is.
RUN_CUTS = (0.3, 0.7)
_LOGIT_CLIP = 8.0
_DENSE_NAMES = feature_names()


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.clip(np.log(p / (1 - p)), -_LOGIT_CLIP, _LOGIT_CLIP)


NAMES = [
    "p_logit",
    *(f"p_logit@{offset:+d}" for offset in NEIGHBOUR_OFFSETS),
    *(f"p_mean_window{half_width}" for half_width in WINDOWS),
    *(f"p_word_mean_window{half_width}" for half_width in WORD_WINDOWS),
    *(f"{feature}_mean_window{half_width}" for feature in SMOOTHED_FEATURES for half_width in SMOOTHING_WINDOWS),
    "p_block_mean",
    "p_block_max",
    "p_page_mean",
    "p_below_page_max",
    "p_page_rank",
    "in_main_run",
    "before_main_run",
    "after_main_run",
    "log_distance_to_main_run",
    *(name for cut in RUN_CUTS for name in (f"in_main_run_cut{cut}", f"log_distance_to_main_run_cut{cut}")),
    "log_distance_to_anchor",
    "content_words_before",
    "content_words_outside",
]
# Columns of the page's own features read here: the smoothed ones, and log_words again as run evidence.
_OWN_COLUMNS = [_DENSE_NAMES.index(feature) for feature in SMOOTHED_FEATURES]
_LOG_WORDS = SMOOTHED_FEATURES.index("log_words")
# The default run cut first: its run also gives the before/after columns.
_CUTS = np.array([0.5, *RUN_CUTS])
# The columns from "in_main_run" on depend on the whole page: they are computed page by page.
_N_PLACE = len(NAMES) - NAMES.index("in_main_run")
_PADDING_GAIN = -1e30


class _Windows:
    """Window bounds per half-width, shared by every column averaged over the same window on a page.

    A window never reaches past its line's page: ``first`` and ``last`` bound each row's page.
    """

    def __init__(self, first: np.ndarray, last: np.ndarray) -> None:
        self.index = np.arange(len(first))
        self.first = first
        self.last = last
        self._bounds: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def bounds(self, half_width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(low, high, high - low)`` of the window around each line."""
        if half_width not in self._bounds:
            low = np.maximum(self.index - half_width, self.first)
            high = np.minimum(self.index + half_width + 1, self.last)
            self._bounds[half_width] = low, high, np.maximum(high - low, 1).astype(np.float64)
        return self._bounds[half_width]


def _prefix(values: np.ndarray) -> np.ndarray:
    """Cumulative sums with a leading zero, so a window's sum is ``prefix[high] - prefix[low]``."""
    out = np.empty(len(values) + 1)
    out[0] = 0.0
    np.cumsum(values, out=out[1:])
    return out


def _main_runs(gains: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(starts, ends)`` of the contiguous stretch with the largest total gain (maximum subarray) of each row."""
    rows, n = gains.shape
    prefix = np.zeros((rows, n + 1))
    np.cumsum(gains, axis=1, out=prefix[:, 1:])
    lowest_before = np.minimum.accumulate(prefix[:, :-1], axis=1)
    ends = np.argmax(prefix[:, 1:] - lowest_before, axis=1)
    # A run starts at the last prefix, up to its end, that is the lowest one before its end.
    at_lowest = prefix[:, :-1] == lowest_before[np.arange(rows), ends][:, None]
    at_lowest &= np.arange(n) <= ends[:, None]
    return n - 1 - np.argmax(at_lowest[:, ::-1], axis=1), ends + 1


def context_features(stats: PageStats, p_first: np.ndarray, dense: np.ndarray,
                     out: np.ndarray | None = None) -> tuple[np.ndarray, list[str]]:
    """``(n_lines, k)`` second-pass features from first-pass probabilities ``p_first`` (blank lines ignored),
    written to ``out`` when it is given (it may be a view of a wider array).

    ``dense`` holds the page's own features (columns named by :func:`feature_names`), some of which
    are smoothed over the lines around. Of a page joined from several, each line only sees its own page.
    """
    n = stats.n_lines
    rows = stats.nonblank
    m = len(rows)
    if out is None:
        out = np.zeros((n, len(NAMES)))
    else:
        out[stats.page.blank] = 0.0
    if m == 0:
        return out, list(NAMES)
    # One row per name, filled in the order of ``NAMES``, then scattered to the non-blank lines at once.
    columns = np.empty((len(NAMES), m))
    column = iter(columns)
    p = p_first[rows]
    words = stats.words_per_line[rows]
    # Each page's non-blank lines are rows ``page_rows[k]:page_rows[k + 1]``.
    page_rows = np.searchsorted(rows, stats.page.bounds)
    page_of_row = stats.page_of_line[rows]
    windows = _Windows(page_rows[page_of_row], page_rows[page_of_row + 1])
    index = windows.index

    logits = next(column)
    logits[:] = _logit(p)
    for offset in NEIGHBOUR_OFFSETS:
        next(column)[:] = shift_within_pages(logits, page_of_row, offset, -_LOGIT_CLIP)
    prefix = _prefix(p)
    for half_width in WINDOWS:
        low, high, count = windows.bounds(half_width)
        np.divide(prefix[high] - prefix[low], count, out=next(column))
    weights = words + 1
    weighted, total = _prefix(p * weights), _prefix(weights)
    for half_width in WORD_WINDOWS:
        low, high, _ = windows.bounds(half_width)
        np.divide(weighted[high] - weighted[low], np.maximum(total[high] - total[low], 1e-9), out=next(column))
    own = dense.take(_OWN_COLUMNS, axis=1).take(rows, axis=0)  # two takes: faster than one np.ix_ index
    for feature in range(len(SMOOTHED_FEATURES)):
        prefix = _prefix(own[:, feature])
        for half_width in SMOOTHING_WINDOWS:
            low, high, count = windows.bounds(half_width)
            np.divide(prefix[high] - prefix[low], count, out=next(column))
    # Non-blank lines of a block are consecutive, so each block is one run of ``p``.
    block_ids = stats.page.block_ids[rows]
    starts = np.flatnonzero(np.concatenate(([True], block_ids[1:] != block_ids[:-1])))
    sizes = np.diff(np.append(starts, m))
    next(column)[:] = np.repeat(np.add.reduceat(p, starts) / sizes, sizes)
    next(column)[:] = np.repeat(np.maximum.reduceat(p, starts), sizes)
    # The same for pages: each page with non-blank lines is one run.
    filled = np.flatnonzero(np.diff(page_rows))
    starts, sizes = page_rows[filled], np.diff(page_rows)[filled]
    next(column)[:] = np.repeat(np.add.reduceat(p, starts) / sizes, sizes)
    np.subtract(p, np.repeat(np.maximum.reduceat(p, starts), sizes), out=next(column))
    # The inverse of the stable sort order within each page: the rank that sorting the sort order would give.
    rank = next(column)
    order = argsort_within_pages(p, page_rows)
    rank[order] = (index - windows.first) / np.maximum(windows.last - windows.first - 1, 1)
    # The main run weighs each line's evidence by its words so a long paragraph counts more than a link.
    evidence = own[:, _LOG_WORDS]
    _fill_place(p, evidence, words, starts, sizes, columns[len(NAMES) - _N_PLACE :])
    out[rows] = columns.T
    return out, list(NAMES)


def _fill_place(p: np.ndarray, evidence: np.ndarray, words: np.ndarray, starts: np.ndarray, sizes: np.ndarray,
                place: np.ndarray) -> None:
    """Fill ``place`` (the last ``_N_PLACE`` columns) with where each line sits relative to its page's main
    runs, its anchor line and its content words; page ``k``'s lines are rows ``starts[k]`` on, ``sizes[k]`` of them.

    Each page's lines are laid out on one row of a grid, so that running sums and maxima stay within a page.
    """
    n_pages, width = len(sizes), int(sizes.max())
    grid_row = np.repeat(np.arange(n_pages), sizes)
    local = np.arange(len(p)) - np.repeat(starts, sizes)  # index of each line among its page's lines
    cell = grid_row * width + local  # each line's place in a flattened ``(n_pages, width)`` grid
    # One grid per cut; gains past a page's end are so negative that no run reaches into them.
    gains = np.full((len(_CUTS), n_pages * width), _PADDING_GAIN)
    for cut, grid in zip(_CUTS.tolist(), gains):
        grid[cell] = (p - cut) * evidence
    found_starts, found_ends = _main_runs(gains.reshape(-1, width))
    run_starts = found_starts.reshape(len(_CUTS), n_pages)[:, grid_row]
    run_ends = found_ends.reshape(len(_CUTS), n_pages)[:, grid_row]
    distance = np.maximum(run_starts - local, 0) + np.maximum(local - run_ends + 1, 0)
    log_distance = log1p_counts(distance)
    inside = distance == 0
    column = iter(place)
    next(column)[:] = inside[0]
    before = next(column)
    before[:] = local < run_starts[0]
    np.subtract(1.0 - inside[0], before, out=next(column))
    next(column)[:] = log_distance[0]
    for cut in range(1, len(_CUTS)):
        next(column)[:] = inside[cut]
        next(column)[:] = log_distance[cut]
    # The page's most confident long line anchors the content; lines far from it rarely belong to it.
    strength = p * evidence
    strongest = np.flatnonzero(strength == np.maximum.reduceat(strength, starts)[grid_row])
    anchor = strongest[np.searchsorted(strongest, starts)] - starts  # the first of them on each page
    next(column)[:] = log1p_counts(np.abs(local - anchor[grid_row]))
    content_words = words * p
    laid_out = np.zeros((n_pages, width))
    laid_out.ravel()[cell] = content_words
    # Totals summed over the grid's rows: numpy's pairwise sum rounds by the row's length, padding included.
    total_words = np.maximum(laid_out.sum(axis=1), 1e-9)[grid_row]
    before = np.cumsum(laid_out, axis=1).ravel()[cell] - content_words
    np.divide(before, total_words, out=next(column))
    np.divide(np.minimum(before, total_words - before - content_words).clip(min=0), total_words, out=next(column))


def context_feature_names() -> list[str]:
    """The names of the second-pass feature columns, in order (they are part of the model file)."""
    page = Page.from_text("x")
    return context_features(PageStats(page), np.array([0.5]), page_features(page)[0])[1]
