"""Second-pass features: each line seen through the first pass's probabilities around it.

Whether a line is content depends mostly on where it sits: a short line inside a run of article
paragraphs is a subheading, the same line among menu entries is navigation. The first pass scores
lines on their own features; this pass gives every line its neighbours' scores, its block's, and its
place relative to the page's main run of content (the stretch of lines where content outweighs noise
the most), and a second logistic regression decides.
"""

from __future__ import annotations

import numpy as np

from linesift.model.features import PageStats
from linesift.model.segment import Page

NEIGHBOUR_OFFSETS = (-3, -2, -1, 1, 2, 3)
WINDOWS = (2, 5, 15)  # half-widths, in non-blank lines, of the windows whose mean score is a feature
_LOGIT_CLIP = 8.0


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


def context_features(stats: PageStats, p_first: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """``(n_lines, k)`` second-pass features from first-pass probabilities ``p_first`` (blank lines ignored)."""
    n = stats.n_lines
    rows = stats.nonblank
    names: list[str] = []
    columns: list[np.ndarray] = []
    p = p_first[rows]
    logits = _logit(p)
    words = stats.words_per_line[rows]

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
    block_ids = stats.page.block_ids[rows]
    n_blocks = int(block_ids.max()) + 1 if len(rows) else 0
    block_size = np.bincount(block_ids, minlength=n_blocks)
    add("p_block_mean", (np.bincount(block_ids, weights=p, minlength=n_blocks) / np.maximum(block_size, 1))[block_ids])
    block_max = np.zeros(n_blocks)
    np.maximum.at(block_max, block_ids, p)
    add("p_block_max", block_max[block_ids])
    add("p_page_mean", np.full(len(rows), p.mean() if len(p) else 0.0))
    order = np.argsort(np.argsort(p, kind="stable"), kind="stable")
    add("p_page_rank", order / max(len(p) - 1, 1))
    # The main run weighs each line's evidence by its words so a long paragraph counts more than a link.
    start, end = _main_run((p - 0.5) * np.log1p(words))
    index = np.arange(len(rows))
    inside = (index >= start) & (index < end)
    distance = np.where(index < start, start - index, np.where(index >= end, index - end + 1, 0))
    add("in_main_run", inside.astype(np.float64))
    add("before_main_run", (index < start).astype(np.float64))
    add("after_main_run", (index >= end).astype(np.float64))
    add("log_distance_to_main_run", np.log1p(distance))
    content_words = words * p
    add("content_words_before", np.cumsum(content_words) / max(content_words.sum(), 1e-9) - content_words / max(content_words.sum(), 1e-9))
    return np.column_stack(columns).reshape(n, len(names)), names


def context_feature_names() -> list[str]:
    """The names of the second-pass feature columns, in order (they are part of the model file)."""
    return context_features(PageStats(Page.from_text("x")), np.array([0.5]))[1]
