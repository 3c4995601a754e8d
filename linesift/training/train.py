"""Fit the two-pass page model on labelled pages.

The second pass learns from first-pass scores, so those scores must look like the ones it will see
on new pages: every training line gets its first-pass score from a model that did not see its fold
(out-of-fold stacking). Folds hold out whole sites when the data has several; a single page is cut
into contiguous stretches of blocks instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed

from linesift.model.classifier import DEFAULT_THRESHOLD, LineClassifier
from linesift.model.features import feature_names
from linesift.model.sifter import PageMatrices, Sifter
from linesift.model.segment import Page
from linesift.training.data import BLANK, LabelledPage

N_FOLDS = 5
FIRST_C = 1.0
SECOND_C = 1.0


@dataclass(frozen=True, slots=True)
class TrainingParams:
    first_c: float = FIRST_C
    second_c: float = SECOND_C
    n_folds: int = N_FOLDS
    threshold: float = DEFAULT_THRESHOLD

    def as_dict(self) -> dict[str, float]:
        return {"first_c": self.first_c, "second_c": self.second_c, "n_folds": self.n_folds}


@dataclass(frozen=True, slots=True)
class Example:
    """A page ready to learn from: its matrices, labels and the fold of each of its lines."""

    matrices: PageMatrices
    labels: np.ndarray
    folds: np.ndarray


def line_folds(pages: Sequence[LabelledPage], n_folds: int = N_FOLDS) -> list[np.ndarray]:
    """The fold of every line: by site when there are several sites, by stretches of blocks otherwise."""
    groups = sorted({page.group for page in pages})
    if len(groups) > 1:
        # Sites are dealt to folds in a fixed order so that a run is repeatable.
        fold_of_group = {group: index % min(n_folds, len(groups)) for index, group in enumerate(groups)}
        return [np.full(len(page.lines), fold_of_group[page.group]) for page in pages]
    return [_block_stretches(page, n_folds) for page in pages]


def _block_stretches(page: LabelledPage, n_folds: int) -> np.ndarray:
    """Cut one page into ``n_folds`` contiguous stretches of blocks; blank lines carry no label and get fold 0."""
    block_ids = Page.from_lines(page.lines).block_ids
    n_blocks = int(block_ids.max()) + 1 if len(block_ids) else 0
    if n_blocks == 0:
        return np.zeros(len(page.lines), dtype=np.int64)
    stretch_of_block = np.arange(n_blocks) * min(n_folds, n_blocks) // n_blocks
    return np.where(block_ids >= 0, stretch_of_block[np.maximum(block_ids, 0)], 0)


def prepare(pages: Sequence[LabelledPage], n_folds: int = N_FOLDS, n_jobs: int = 1) -> list[Example]:
    """Compute every page's matrices once; they are reused by every fold."""
    folds = line_folds(pages, n_folds)
    matrices = Parallel(n_jobs=n_jobs)(delayed(PageMatrices.of)(Page.from_lines(page.lines)) for page in pages)
    return [Example(m, page.labels, f) for m, page, f in zip(matrices, pages, folds)]


def _first_rows(examples: Sequence[Example], select: Sequence[np.ndarray]) -> tuple[sp.csr_matrix, np.ndarray]:
    return (
        sp.vstack([ex.matrices.first[rows] for ex, rows in zip(examples, select)], format="csr"),
        np.concatenate([ex.labels[rows] for ex, rows in zip(examples, select)]),
    )


def _fit_first(examples: Sequence[Example], select: Sequence[np.ndarray], c: float) -> LineClassifier:
    X, y = _first_rows(examples, select)
    return LineClassifier(C=c, n_scaled=len(feature_names())).fit(X, y)


def fit_sifter(examples: Sequence[Example], train_lines: Sequence[np.ndarray], params: TrainingParams,
               n_jobs: int = 1) -> Sifter:
    """Fit on the lines marked in ``train_lines`` (one boolean mask per example)."""
    labelled = [mask & (ex.labels != BLANK) for ex, mask in zip(examples, train_lines)]
    folds = sorted({int(f) for ex, mask in zip(examples, labelled) for f in np.unique(ex.folds[mask])})
    p_first = [np.zeros(len(ex.labels)) for ex in examples]

    def out_of_fold(fold: int) -> LineClassifier:
        return _fit_first(examples, [mask & (ex.folds != fold) for ex, mask in zip(examples, labelled)], params.first_c)

    inner = Parallel(n_jobs=n_jobs)(delayed(out_of_fold)(fold) for fold in folds) if len(folds) > 1 else []
    for fold, model in zip(folds, inner):
        for ex, mask, p in zip(examples, labelled, p_first):
            rows = mask & (ex.folds == fold)
            if rows.any():
                p[rows] = model.predict_proba(ex.matrices.first[rows])[:, 1]
    first = _fit_first(examples, labelled, params.first_c)
    for ex, mask, p in zip(examples, labelled, p_first):
        # Lines with no held-out score (a single fold, or lines outside the training set that sit
        # next to training lines) get the full first pass's score, as they would on a new page.
        unscored = (ex.labels != BLANK) & ~(mask if inner else np.zeros_like(mask))
        if unscored.any():
            p[unscored] = first.predict_proba(ex.matrices.first[unscored])[:, 1]
    X2 = np.vstack([ex.matrices.second(p)[mask] for ex, mask, p in zip(examples, labelled, p_first)])
    y2 = np.concatenate([ex.labels[mask] for ex, mask in zip(examples, labelled)])
    second = LineClassifier(C=params.second_c).fit(X2, y2)
    return Sifter(first, second, params.threshold)


def train(pages: Sequence[LabelledPage], params: TrainingParams = TrainingParams(), n_jobs: int = 1) -> Sifter:
    """Fit the page model on every labelled line of ``pages``."""
    examples = prepare(pages, params.n_folds, n_jobs)
    return fit_sifter(examples, [np.ones(len(ex.labels), dtype=bool) for ex in examples], params, n_jobs)
