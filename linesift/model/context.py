"""Second-pass features: each line seen through the first pass's probabilities around it.

Whether a line is content depends mostly on where it sits: a short line inside a run of article
paragraphs is a subheading, the same line among menu entries is navigation. The first pass scores
lines on their own features; this pass gives every line its neighbours' scores, its block's, and its
place relative to the page's main run of content (the stretch of lines where content outweighs noise
the most), and a second logistic regression decides.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from linesift.model.arrays import argsort_within_pages, log1p_counts, shift_within_pages
from linesift.model.columns import Column, Wording, from_log1p, from_logit
from linesift.model.features import feature_names
from linesift.model.linear import LOGIT_CLIP, logit
from linesift.model.pagestats import PageStats

NEIGHBOUR_OFFSETS = (-3, -2, -1, 1, 2, 3)
WINDOWS = (2, 5, 15)  # half-widths, in non-blank lines, of the windows whose mean score is a feature
WORD_WINDOWS = (2, 5, 15, 40)  # the same, with each line's score weighted by its words
# Own features averaged over the lines around: a run of sentences is prose, a run of short lines a menu. Each
# with how its mean is said ({lines}: the window's size).
SMOOTHED_FEATURES = {
    "ends_terminal": Wording("{value:.0%} of the {lines} lines around it end like sentences"),
    "log_words": Wording("about {value:.0f} words a line over the {lines} lines around it", transform=from_log1p),
    "stop_word_ratio": Wording("{value:.0%} function words over the {lines} lines around it"),
}
SMOOTHING_WINDOWS = (3, 10)
# Main runs found with these score cuts too: a lenient and a strict view of where the content is.
RUN_CUTS = (0.3, 0.7)
# A page of this many non-blank lines or fewer is short: too few lines for the page-wide columns to say much.
SHORT_PAGE_LINES = 5
_DENSE_NAMES = feature_names()


def _over_window(wording: Wording, half_width: int) -> Wording:
    """``wording`` of a mean over the window of ``half_width`` lines each side of a line."""
    return dataclasses.replace(wording, text=wording.text.replace("{lines}", str(2 * half_width + 1)))


_P_LOGIT = Wording("first-pass score {value:.2f}", transform=from_logit)
_P_MEAN = Wording("mean first-pass score of the {lines} lines around it {value:.2f}")
_P_WORD_MEAN = Wording("word-weighted mean first-pass score of the {lines} lines around it {value:.2f}")
_IN_MAIN_RUN = Wording("inside the page's main run of content", "outside the page's main run of content")
_DISTANCE_TO_MAIN_RUN = Wording("{value:.0f} lines from the main run of content", transform=from_log1p)
COLUMNS = (
    Column("p_logit", _P_LOGIT),
    *(Column(f"p_logit@{offset:+d}", _P_LOGIT) for offset in NEIGHBOUR_OFFSETS),
    *(Column(f"p_mean_window{half_width}", _over_window(_P_MEAN, half_width)) for half_width in WINDOWS),
    *(Column(f"p_word_mean_window{half_width}", _over_window(_P_WORD_MEAN, half_width)) for half_width in WORD_WINDOWS),
    *(Column(f"{feature}_mean_window{half_width}", _over_window(wording, half_width))
      for feature, wording in SMOOTHED_FEATURES.items() for half_width in SMOOTHING_WINDOWS),
    Column("p_block_mean", Wording("mean first-pass score of its block {value:.2f}")),
    Column("p_block_max", Wording("best first-pass score in its block {value:.2f}")),
    Column("p_page_mean", Wording("mean first-pass score of the page {value:.2f}")),
    Column("p_below_page_max", Wording("first-pass score {value:+.2f} from the page's best")),
    Column("p_page_rank", Wording("first-pass score above {value:.0%} of the page's lines")),
    # On a page of a few lines the page's best line is not content by being the best: these let the second pass
    # weigh a short page's scores on their own.
    Column("short_page", Wording(f"on a page of {SHORT_PAGE_LINES} lines or fewer", f"on a page of over {SHORT_PAGE_LINES} lines")),
    Column("p_logit_short_page", Wording("first-pass score {value:.2f}, on a short page", transform=from_logit)),
    Column("in_main_run", _IN_MAIN_RUN),
    Column("before_main_run", Wording("before the page's main run of content", "not before the main run of content")),
    Column("after_main_run", Wording("after the page's main run of content", "not after the main run of content")),
    Column("log_distance_to_main_run", _DISTANCE_TO_MAIN_RUN),
    *(column for cut in RUN_CUTS for column in (
        Column(f"in_main_run_cut{cut}", _IN_MAIN_RUN.with_suffix(f" (lines scoring above {cut})")),
        Column(f"log_distance_to_main_run_cut{cut}", _DISTANCE_TO_MAIN_RUN.with_suffix(f" (lines scoring above {cut})")),
    )),
    Column("log_distance_to_anchor", Wording("{value:.0f} lines from the page's most confident long line", transform=from_log1p)),
    Column("content_words_before", Wording("{value:.0%} of the page's content words come before it")),
    Column("content_words_outside", Wording("{value:.0%} of the page's content words lie on its lighter side")),
)
NAMES = [column.name for column in COLUMNS]
# Columns of the page's own features read here: the smoothed ones, and log_words again as run evidence.
_SMOOTHED_INDICES = [_DENSE_NAMES.index(feature) for feature in SMOOTHED_FEATURES]
_LOG_WORDS = list(SMOOTHED_FEATURES).index("log_words")
# The default run cut first: its run also gives the before/after columns.
_CUTS = np.array([0.5, *RUN_CUTS])
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
    # One row per column, written by name, then scattered to the non-blank lines at once.
    columns = np.empty((len(NAMES), m))
    column = dict(zip(NAMES, columns))
    p = p_first[rows]
    words = stats.words_per_line[rows]
    # Each page's non-blank lines are rows ``page_rows[k]:page_rows[k + 1]``.
    page_rows = np.searchsorted(rows, stats.page.bounds)
    page_of_row = stats.page_of_line[rows]
    windows = _Windows(page_rows[page_of_row], page_rows[page_of_row + 1])
    index = windows.index

    logits = column["p_logit"]
    logits[:] = logit(p)
    for offset in NEIGHBOUR_OFFSETS:
        column[f"p_logit@{offset:+d}"][:] = shift_within_pages(logits, page_of_row, offset, -LOGIT_CLIP)
    prefix = _prefix(p)
    for half_width in WINDOWS:
        low, high, count = windows.bounds(half_width)
        np.divide(prefix[high] - prefix[low], count, out=column[f"p_mean_window{half_width}"])
    weights = words + 1
    weighted, total = _prefix(p * weights), _prefix(weights)
    for half_width in WORD_WINDOWS:
        low, high, _ = windows.bounds(half_width)
        np.divide(weighted[high] - weighted[low], np.maximum(total[high] - total[low], 1e-9),
                  out=column[f"p_word_mean_window{half_width}"])
    own = dense.take(_SMOOTHED_INDICES, axis=1).take(rows, axis=0)  # two takes: faster than one np.ix_ index
    for k, feature in enumerate(SMOOTHED_FEATURES):
        prefix = _prefix(own[:, k])
        for half_width in SMOOTHING_WINDOWS:
            low, high, count = windows.bounds(half_width)
            np.divide(prefix[high] - prefix[low], count, out=column[f"{feature}_mean_window{half_width}"])
    # Non-blank lines of a block are consecutive, so each block is one run of ``p``.
    block_ids = stats.page.block_ids[rows]
    starts = np.flatnonzero(np.concatenate(([True], block_ids[1:] != block_ids[:-1])))
    sizes = np.diff(np.append(starts, m))
    column["p_block_mean"][:] = np.repeat(np.add.reduceat(p, starts) / sizes, sizes)
    column["p_block_max"][:] = np.repeat(np.maximum.reduceat(p, starts), sizes)
    # The same for pages: each page with non-blank lines is one run.
    filled = np.flatnonzero(np.diff(page_rows))
    starts, sizes = page_rows[filled], np.diff(page_rows)[filled]
    column["p_page_mean"][:] = np.repeat(np.add.reduceat(p, starts) / sizes, sizes)
    np.subtract(p, np.repeat(np.maximum.reduceat(p, starts), sizes), out=column["p_below_page_max"])
    # The inverse of the stable sort order within each page: the rank that sorting the sort order would give.
    rank = column["p_page_rank"]
    order = argsort_within_pages(p, page_rows)
    rank[order] = (index - windows.first) / np.maximum(windows.last - windows.first - 1, 1)
    short = column["short_page"]
    short[:] = windows.last - windows.first <= SHORT_PAGE_LINES
    np.multiply(logits, short, out=column["p_logit_short_page"])
    # The main run weighs each line's evidence by its words so a long paragraph counts more than a link.
    evidence = own[:, _LOG_WORDS]
    _fill_place(p, evidence, words, starts, sizes, column)
    out[rows] = columns.T
    return out, list(NAMES)


def _fill_place(p: np.ndarray, evidence: np.ndarray, words: np.ndarray, starts: np.ndarray, sizes: np.ndarray,
                column: dict[str, np.ndarray]) -> None:
    """Fill the place columns (from "in_main_run" on, by name in ``column``) with where each line sits relative to its page's main
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
    column["in_main_run"][:] = inside[0]
    before = column["before_main_run"]
    before[:] = local < run_starts[0]
    np.subtract(1.0 - inside[0], before, out=column["after_main_run"])
    column["log_distance_to_main_run"][:] = log_distance[0]
    for index, cut in enumerate(RUN_CUTS, start=1):
        column[f"in_main_run_cut{cut}"][:] = inside[index]
        column[f"log_distance_to_main_run_cut{cut}"][:] = log_distance[index]
    # The page's most confident long line anchors the content; lines far from it rarely belong to it.
    strength = p * evidence
    strongest = np.flatnonzero(strength == np.maximum.reduceat(strength, starts)[grid_row])
    anchor = strongest[np.searchsorted(strongest, starts)] - starts  # the first of them on each page
    column["log_distance_to_anchor"][:] = log1p_counts(np.abs(local - anchor[grid_row]))
    content_words = words * p
    laid_out = np.zeros((n_pages, width))
    laid_out.ravel()[cell] = content_words
    # Totals summed over the grid's rows: numpy's pairwise sum rounds by the row's length, padding included.
    total_words = np.maximum(laid_out.sum(axis=1), 1e-9)[grid_row]
    before = np.cumsum(laid_out, axis=1).ravel()[cell] - content_words
    np.divide(before, total_words, out=column["content_words_before"])
    np.divide(np.minimum(before, total_words - before - content_words).clip(min=0), total_words,
              out=column["content_words_outside"])


def context_feature_names() -> list[str]:
    """The names of the second-pass feature columns, in order (they are part of the model file)."""
    return list(NAMES)
