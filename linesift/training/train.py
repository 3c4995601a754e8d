"""Fit the two-pass page model on labelled pages.

The second pass learns from first-pass scores, so those scores must look like the ones it will see
on new pages: every training line gets its first-pass score from a model that did not see its fold
(out-of-fold stacking). Folds hold out whole sites when the data has several; a single page is cut
into contiguous stretches of blocks instead.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.exceptions import ConvergenceWarning

from linesift.model.classifier import LineClassifier
from linesift.model.features import feature_names
from linesift.model.segment import Page
from linesift.model.sifter import PageMatrices, Sifter
from linesift.training.data import BLANK, LabelledPage

N_FOLDS = 5
FIRST_C = 1.0
SECOND_C = 1.0
# Word F1 counts words, not lines: a line's weight grows with its length, but only as the square
# root so that headings and list items still count.
WEIGHT_POWER = 0.5
# Chosen on domain-held-out WCXB pages, where word F1 peaked at 0.30-0.35 (see docs/evaluation.md).
TRAINED_THRESHOLD = 0.35
# The hashed n-grams make the first pass slow to converge fully; past this many iterations its
# held-out scores no longer improve, and training stays within minutes on the whole corpus.
FIRST_MAX_ITER = 300


@dataclass(frozen=True, slots=True)
class TrainingParams:
    first_c: float = FIRST_C
    second_c: float = SECOND_C
    n_folds: int = N_FOLDS
    threshold: float = TRAINED_THRESHOLD

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


def line_weights(ex: Example, rows: np.ndarray) -> np.ndarray:
    return (ex.matrices.stats.words_per_line[rows] + 1.0) ** WEIGHT_POWER


def _fit_rows(X: sp.csr_matrix, y: np.ndarray, weights: np.ndarray, rows: np.ndarray, c: float) -> LineClassifier:
    with warnings.catch_warnings():
        # FIRST_MAX_ITER stops the solver on purpose, before it reports convergence.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return LineClassifier(C=c, n_scaled=len(feature_names()), max_iter=FIRST_MAX_ITER).fit(
            X[rows], y[rows], sample_weight=weights[rows])


def fit_sifter(examples: Sequence[Example], train_lines: Sequence[np.ndarray], params: TrainingParams,
               n_jobs: int = 1) -> Sifter:
    """Fit on the lines marked in ``train_lines`` (one boolean mask per example)."""
    labelled = [mask & (ex.labels != BLANK) for ex, mask in zip(examples, train_lines)]
    scored = [ex.labels != BLANK for ex in examples]  # every line that needs a first-pass score
    X = sp.vstack([ex.matrices.first[rows] for ex, rows in zip(examples, scored)], format="csr")
    y = np.concatenate([ex.labels[rows] for ex, rows in zip(examples, scored)])
    weights = np.concatenate([line_weights(ex, rows) for ex, rows in zip(examples, scored)])
    fold = np.concatenate([ex.folds[rows] for ex, rows in zip(examples, scored)])
    train = np.concatenate([mask[rows] for mask, rows in zip(labelled, scored)])
    folds = sorted({int(f) for f in np.unique(fold[train])})
    held_out = folds if len(folds) > 1 else []

    # One first pass per held-out fold, and the final one on everything, side by side.
    subsets = [train & (fold != f) for f in held_out] + [train]
    *inner, first = Parallel(n_jobs=n_jobs)(delayed(_fit_rows)(X, y, weights, rows, params.first_c) for rows in subsets)
    # Training lines get held-out scores; other lines (a single fold, or lines outside the
    # training set that sit next to training lines) get the full first pass's score, as on a new page.
    p = first.predict_proba(X)[:, 1]
    for f, model in zip(held_out, inner):
        rows = train & (fold == f)
        p[rows] = model.predict_proba(X[rows])[:, 1]
    p_first = [np.zeros(len(ex.labels)) for ex in examples]
    offsets = np.cumsum([0] + [int(rows.sum()) for rows in scored])
    for page_p, rows, start, end in zip(p_first, scored, offsets[:-1], offsets[1:]):
        page_p[rows] = p[start:end]
    X2 = np.vstack([ex.matrices.second(page_p)[mask] for ex, mask, page_p in zip(examples, labelled, p_first)])
    second = LineClassifier(C=params.second_c).fit(X2, y[train], sample_weight=weights[train])
    return Sifter(first, second, params.threshold)


def train(pages: Sequence[LabelledPage], params: TrainingParams = TrainingParams(), n_jobs: int = 1) -> Sifter:
    """Fit the page model on every labelled line of ``pages``."""
    examples = prepare(pages, params.n_folds, n_jobs)
    return fit_sifter(examples, [np.ones(len(ex.labels), dtype=bool) for ex in examples], params, n_jobs)
