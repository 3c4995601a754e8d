"""Second-pass features: each line seen through the first pass's probabilities around it.

Whether a line is content depends mostly on where it sits: a short line inside a run of article
paragraphs is a subheading, the same line among menu entries is navigation. The first pass scores
lines on their own features; this pass gives every line its neighbours' scores, its block's, and its
place relative to the page's main run of content (the stretch of lines where content outweighs noise
the most), and a second logistic regression decides.
"""

from __future__ import annotations

import numpy as np

from linesift.model.features import PageStats, feature_names, page_features
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


def _shift(values: np.ndarray, offset: int, fill: float) -> np.ndarray:
    out = np.full_like(values, fill)
    if offset < 0 and len(values) > -offset:
        out[-offset:] = values[:offset]
    elif offset > 0 and len(values) > offset:
        out[:-offset] = values[offset:]
    return out


def _window_mean(values: np.ndarray, half_width: int) -> np.ndarray:
    padded = np.concatenate(([0.0], np.cumsum(values)))
    index = np.arange(len(values))
    low = np.maximum(index - half_width, 0)
    high = np.minimum(index + half_width + 1, len(values))
    return (padded[high] - padded[low]) / np.maximum(high - low, 1)


def _weighted_window_mean(values: np.ndarray, weights: np.ndarray, half_width: int) -> np.ndarray:
    """Mean of ``values`` weighted by ``weights`` over a window of non-blank lines around each line."""
    weighted = np.concatenate(([0.0], np.cumsum(values * weights)))
    total = np.concatenate(([0.0], np.cumsum(weights)))
    index = np.arange(len(values))
    low = np.maximum(index - half_width, 0)
    high = np.minimum(index + half_width + 1, len(values))
    return (weighted[high] - weighted[low]) / np.maximum(total[high] - total[low], 1e-9)


def _run_position(gain: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whether each line is inside the main run of ``gain``, before it, and its distance (in lines) from it."""
    start, end = _main_run(gain)
    index = np.arange(len(gain))
    distance = np.where(index < start, start - index, np.where(index >= end, index - end + 1, 0))
    return ((index >= start) & (index < end)).astype(np.float64), (index < start).astype(np.float64), distance


def _main_run(gain: np.ndarray) -> tuple[int, int]:
    """``(start, end)`` of the contiguous stretch with the largest total gain (maximum subarray)."""
    if len(gain) == 0:
        return 0, 0
    prefix = np.concatenate(([0.0], np.cumsum(gain)))
    lowest_before = np.minimum.accumulate(prefix[:-1])
    # Index of the minimum prefix so far, for every end position.
    is_new_low = prefix[:-1] <= lowest_before
    lowest_at = np.maximum.accumulate(np.where(is_new_low, np.arange(len(gain)), 0))
    totals = prefix[1:] - lowest_before
    end = int(np.argmax(totals))
    return int(lowest_at[end]), end + 1


def context_features(stats: PageStats, p_first: np.ndarray, dense: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """``(n_lines, k)`` second-pass features from first-pass probabilities ``p_first`` (blank lines ignored).

    ``dense`` holds the page's own features (columns named by :func:`feature_names`), some of which
    are smoothed over the lines around.
    """
    n = stats.n_lines
    rows = stats.nonblank
    names: list[str] = []
    columns: list[np.ndarray] = []
    p = p_first[rows]
    logits = _logit(p)
    words = stats.words_per_line[rows]
    index = np.arange(len(rows))

    def add(name: str, values: np.ndarray) -> None:
        full = np.zeros(n)
        full[rows] = values
        columns.append(full)
        names.append(name)

    add("p_logit", logits)
    for offset in NEIGHBOUR_OFFSETS:
        add(f"p_logit@{offset:+d}", _shift(logits, offset, fill=-_LOGIT_CLIP))
    for half_width in WINDOWS:
        add(f"p_mean_window{half_width}", _window_mean(p, half_width))
    for half_width in WORD_WINDOWS:
        add(f"p_word_mean_window{half_width}", _weighted_window_mean(p, words + 1, half_width))
    own = dense[rows]
    for feature in SMOOTHED_FEATURES:
        column = own[:, _DENSE_NAMES.index(feature)]
        for half_width in SMOOTHING_WINDOWS:
            add(f"{feature}_mean_window{half_width}", _window_mean(column, half_width))
    block_ids = stats.page.block_ids[rows]
    n_blocks = int(block_ids.max()) + 1 if len(rows) else 0
    block_size = np.bincount(block_ids, minlength=n_blocks)
    add("p_block_mean", (np.bincount(block_ids, weights=p, minlength=n_blocks) / np.maximum(block_size, 1))[block_ids])
    block_max = np.zeros(n_blocks)
    np.maximum.at(block_max, block_ids, p)
    add("p_block_max", block_max[block_ids])
    add("p_page_mean", np.full(len(rows), p.mean() if len(p) else 0.0))
    add("p_below_page_max", p - (p.max() if len(p) else 0.0))
    order = np.argsort(np.argsort(p, kind="stable"), kind="stable")
    add("p_page_rank", order / max(len(p) - 1, 1))
    # The main run weighs each line's evidence by its words so a long paragraph counts more than a link.
    evidence = np.log1p(words)
    inside, before, distance = _run_position((p - 0.5) * evidence)
    add("in_main_run", inside)
    add("before_main_run", before)
    add("after_main_run", 1.0 - inside - before)
    add("log_distance_to_main_run", np.log1p(distance))
    for cut in RUN_CUTS:
        inside, _, distance = _run_position((p - cut) * evidence)
        add(f"in_main_run_cut{cut}", inside)
        add(f"log_distance_to_main_run_cut{cut}", np.log1p(distance))
    # The page's most confident long line anchors the content; lines far from it rarely belong to it.
    anchor = int(np.argmax(p * evidence)) if len(p) else 0
    add("log_distance_to_anchor", np.log1p(np.abs(index - anchor)))
    content_words = words * p
    total = max(content_words.sum(), 1e-9)
    before = np.cumsum(content_words) - content_words
    add("content_words_before", before / total)
    add("content_words_outside", np.minimum(before, total - before - content_words).clip(min=0) / total)
    return np.column_stack(columns).reshape(n, len(names)), names


def context_feature_names() -> list[str]:
    """The names of the second-pass feature columns, in order (they are part of the model file)."""
    page = Page.from_text("x")
    return context_features(PageStats(page), np.array([0.5]), page_features(page)[0])[1]
