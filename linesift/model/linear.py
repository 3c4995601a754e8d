"""A fitted linear line scorer: what a model file holds for each pass, and all that scoring needs.

It is kept apart from the estimator that fits it (:mod:`linesift.model.classifier`, built on
scikit-learn), so that loading a model and cleaning pages import neither scikit-learn nor the
optimiser: a command that only cleans text starts about a second sooner. Scoring a page needs no
sparse matrix either (:meth:`LinearScorer.decision_from_parts`), so scipy is imported only where
training and explanations hand one in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from linesift.model.features import DenseFeatures


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, without overflow warnings for large ``|z|``."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))


# Scores past these logits say no more: a score of 1e-9 against 1e-6 must not sway a mean of logits.
LOGIT_CLIP = 8.0


def logit(p: np.ndarray) -> np.ndarray:
    """The log-odds of probabilities ``p``, clipped to ±:data:`LOGIT_CLIP`."""
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.clip(np.log(p / (1 - p)), -LOGIT_CLIP, LOGIT_CLIP)


class LinearScorer:
    """Scores rows from fitted coefficients: the first ``n_scaled_`` columns are standardised with
    ``mean_`` and ``scale_``, the others (hashed n-grams) are used as they are.

    Fitted attributes, scikit-learn style: ``coef_``, ``intercept_``, ``mean_``, ``scale_``,
    ``n_scaled_``, ``n_features_in_``, ``classes_``; ``C`` is the penalty it was fitted with.
    """

    C: float
    coef_: np.ndarray
    intercept_: float
    mean_: np.ndarray
    scale_: np.ndarray
    n_scaled_: int
    n_features_in_: int
    classes_: np.ndarray

    @classmethod
    def of(cls, C: float, coef: np.ndarray, intercept: float, mean: np.ndarray, scale: np.ndarray) -> LinearScorer:
        """A scorer of rows whose first ``len(mean)`` columns are standardised."""
        scorer = cls()
        scorer.C, scorer.coef_, scorer.intercept_ = C, coef, float(intercept)
        scorer.mean_, scorer.scale_, scorer.n_scaled_ = mean, scale, len(mean)
        scorer.n_features_in_, scorer.classes_ = len(coef), np.array([0, 1])
        return scorer

    def _scaled(self, X):
        dense = (dense_part(X, self.n_scaled_) - self.mean_) / self.scale_
        if self.n_scaled_ == X.shape[1]:
            return dense
        rest = X[:, self.n_scaled_ :]
        if isinstance(X, np.ndarray):
            return np.hstack([dense, rest])
        import scipy.sparse as sp  # loading it costs a command that only cleans text about 0.15 s

        return sp.hstack([sp.csr_matrix(dense), rest], format="csr")

    def decision_function(self, X):
        return np.asarray(self._scaled(X) @ self.coef_).ravel() + self.intercept_

    def decision_from_parts(self, dense: np.ndarray | DenseFeatures, rest: np.ndarray | float = 0.0) -> np.ndarray:
        """``decision_function`` of rows given as their first ``n_scaled_`` columns and ``rest``, the dot
        product of their other columns with ``coef_[n_scaled_:]``, computed by the caller.

        No sparse matrix: scoring one page this way costs less than building one. The standardisation is
        folded into the weights, so no array the size of ``dense`` is made.
        """
        weights = self.coef_[: self.n_scaled_] / self.scale_
        return dense @ weights + (self.intercept_ - self.mean_ @ weights) + rest

    def parameters_for(self, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
        """The coefficients, then the intercept, that give the same decisions on columns standardised with
        ``mean`` and ``scale`` instead of the model's own."""
        raw = self.coef_[: self.n_scaled_] / self.scale_
        intercept = self.intercept_ - self.mean_ @ raw + mean @ raw
        return np.concatenate([raw * scale, self.coef_[self.n_scaled_ :], [intercept]])

    def predict_proba(self, X):
        positive = sigmoid(self.decision_function(X))
        return np.column_stack([1.0 - positive, positive])


def dense_part(X, n_columns: int) -> np.ndarray:
    """The first ``n_columns`` columns of ``X`` (an array or a sparse matrix) as a dense array."""
    part = X[:, :n_columns]
    return np.asarray(part) if isinstance(part, np.ndarray) else part.toarray()
