"""The page model: two logistic regressions that label every line of a page content or noise.

The first pass scores each line from its own features, its neighbours' and hashed n-grams of its
start; the second pass rescores it from its own features and the first pass's scores around it
(see :mod:`linesift.model.context`). Blank lines are never content: they only carry structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import scipy.sparse as sp

from linesift.limits import check_page_size
from linesift.model.classifier import LineClassifier, sigmoid
from linesift.model.context import context_features
from linesift.model.features import PageStats, page_features
from linesift.model.ngrams import ngram_features, ngram_scores
from linesift.model.segment import Page

Label = Literal["content", "noise"]


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a page with its decision: ``number`` is 1-based."""

    number: int
    text: str
    label: Label
    p_content: float


@dataclass(frozen=True, slots=True)
class PageMatrices:
    """What the two passes read for one page; the second pass's columns need first-pass scores."""

    stats: PageStats
    dense: np.ndarray
    first: sp.csr_matrix | None  # None when a page is only scored: see ``Sifter.probabilities``

    @classmethod
    def of(cls, page: Page) -> PageMatrices:
        stats = PageStats(page)
        dense, _ = page_features(page, stats)
        first = sp.hstack([sp.csr_matrix(dense), ngram_features(stats)], format="csr")
        return cls(stats, dense, first)

    def second(self, p_first: np.ndarray) -> np.ndarray:
        context, _ = context_features(self.stats, p_first, self.dense)
        return np.hstack([context, self.dense])


@dataclass
class Sifter:
    """A trained page model. Build one with :func:`linesift.load_model` or :func:`linesift.training.train.train`."""

    first: LineClassifier
    second: LineClassifier
    threshold: float
    metadata: dict = field(default_factory=dict)

    def probabilities(self, page: Page) -> np.ndarray:
        """P(content) of every line of ``page``; 0.0 for blank lines."""
        if len(page) == 0:
            return np.zeros(0)
        # What ``score`` gives, without the first pass's sparse matrix: its n-gram part is a sum of coefficients.
        stats = PageStats(page)
        dense, _ = page_features(page, stats)
        hashed = ngram_scores(stats, self.first.coef_[self.first.n_scaled_ :])
        p_first = sigmoid(self.first.decision_from_parts(dense, hashed))
        return self._rescore(PageMatrices(stats, dense, None), p_first, page.blank)

    def score(self, matrices: PageMatrices, blank: np.ndarray) -> np.ndarray:
        """P(content) of every line from a page's precomputed matrices; 0.0 where ``blank``."""
        return self._rescore(matrices, self.first.predict_proba(matrices.first)[:, 1], blank)

    def _rescore(self, matrices: PageMatrices, p_first: np.ndarray, blank: np.ndarray) -> np.ndarray:
        """The second pass over the first pass's scores ``p_first``; 0.0 where ``blank``."""
        p_first = np.where(blank, 0.0, p_first)
        p_second = sigmoid(self.second.decision_from_parts(matrices.second(p_first)))
        return np.where(blank, 0.0, p_second)

    def predict_lines(self, text: str, threshold: float | None = None) -> list[Line]:
        """One :class:`Line` per line of ``text`` (blank lines included, labelled noise)."""
        page = _checked_page(text)
        cut = self.threshold if threshold is None else threshold
        p = self.probabilities(page)
        keep = (p >= cut) & ~page.blank
        return [
            Line(i + 1, line, "content" if kept else "noise", float(prob))
            for i, (line, kept, prob) in enumerate(zip(page.lines, keep.tolist(), p.tolist()))
        ]

    def clean(self, text: str, threshold: float | None = None) -> str:
        """The content lines of ``text``; kept lines from different blocks are separated by one blank line."""
        page = _checked_page(text)
        cut = self.threshold if threshold is None else threshold
        keep = (self.probabilities(page) >= cut) & ~page.blank
        return join_kept(page, keep)


def _checked_page(text: str) -> Page:
    """Segment ``text`` after checking it is within the size limits (see :mod:`linesift.limits`)."""
    check_page_size(text)
    return Page.from_text(text)


def join_kept(page: Page, keep: np.ndarray) -> str:
    """Join the kept lines, with a blank line wherever the kept lines change block."""
    kept = np.flatnonzero(keep)
    if len(kept) == 0:
        return ""
    blocks = page.block_ids[kept]
    lines = np.array(page.lines, dtype=object)[kept]
    opens = np.flatnonzero(blocks[1:] != blocks[:-1]) + 1
    lines[opens] = "\n" + lines[opens]  # elementwise: the blank line before each new block
    return "\n".join(lines.tolist())
