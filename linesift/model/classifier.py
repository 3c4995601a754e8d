"""A logistic-regression line classifier that follows scikit-learn's estimator contract."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

DEFAULT_THRESHOLD = 0.5  # keep a line when P(content) reaches this
DEFAULT_C = 1.0
DEFAULT_MAX_ITER = 2000
_CONSTANT_TOLERANCE = 1e-9


class LineClassifier(ClassifierMixin, BaseEstimator):
    """Standardise the first ``n_scaled`` columns, then fit a binary logistic regression.

    Columns after ``n_scaled`` (hashed n-gram weights, already in [0, 1]) pass through unscaled so
    that rare n-grams are not blown up by a tiny standard deviation. ``predict`` keeps the positive
    class when its probability reaches ``threshold``, a parameter stored with the model.
    """

    def __init__(self, C: float = DEFAULT_C, threshold: float = DEFAULT_THRESHOLD, n_scaled: int | None = None,
                 max_iter: int = DEFAULT_MAX_ITER, class_weight: dict | str | None = None) -> None:
        self.C = C
        self.threshold = threshold
        self.n_scaled = n_scaled
        self.max_iter = max_iter
        self.class_weight = class_weight

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.sparse = True
        return tags

    def fit(self, X, y, sample_weight=None):
        """Fit; ``sample_weight`` (validated by LogisticRegression) lets long lines count for more."""
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError(f"Only binary classification is supported: y has {len(self.classes_)} class(es), it needs 2")
        n_scaled = X.shape[1] if self.n_scaled is None else min(self.n_scaled, X.shape[1])
        dense = _dense_part(X, n_scaled)
        weights = np.ones(len(dense)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        if len(dense) and weights.sum() > 0:
            self.mean_ = np.average(dense, axis=0, weights=weights)
            scale = np.sqrt(np.average((dense - self.mean_) ** 2, axis=0, weights=weights))
        else:
            self.mean_, scale = np.zeros(n_scaled), np.ones(n_scaled)
        # A column constant in training (up to rounding) is left unscaled rather than divided by ~0.
        constant = scale <= _CONSTANT_TOLERANCE * np.maximum(np.abs(self.mean_), 1.0)
        self.scale_ = np.where(constant, 1.0, scale)
        self.n_scaled_ = n_scaled
        model = LogisticRegression(C=self.C, max_iter=self.max_iter, class_weight=self.class_weight, solver="lbfgs")
        model.fit(self._scaled(X), y, sample_weight=sample_weight)
        self.coef_ = model.coef_.ravel().copy()
        self.intercept_ = float(model.intercept_[0])
        self.n_iter_ = model.n_iter_.copy()
        return self

    def _scaled(self, X):
        dense = (_dense_part(X, self.n_scaled_) - self.mean_) / self.scale_
        if self.n_scaled_ == X.shape[1]:
            return dense
        rest = X[:, self.n_scaled_ :]
        if sp.issparse(X):
            return sp.hstack([sp.csr_matrix(dense), rest], format="csr")
        return np.hstack([dense, rest])

    def decision_function(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", dtype=np.float64, reset=False)
        return np.asarray(self._scaled(X) @ self.coef_).ravel() + self.intercept_

    def decision_from_parts(self, dense: np.ndarray, rest: np.ndarray | float = 0.0) -> np.ndarray:
        """``decision_function`` of rows given as their first ``n_scaled_`` columns and ``rest``, the dot
        product of their other columns with ``coef_[n_scaled_:]``, computed by the caller.

        No input validation and no sparse matrix: scoring one page this way costs less than checking it.
        The standardisation is folded into the weights, so no array the size of ``dense`` is made.
        """
        check_is_fitted(self)
        weights = self.coef_[: self.n_scaled_] / self.scale_
        return dense @ weights + (self.intercept_ - self.mean_ @ weights) + rest

    def predict_proba(self, X):
        positive = sigmoid(self.decision_function(X))
        return np.column_stack([1.0 - positive, positive])

    def predict(self, X):
        check_is_fitted(self)
        return self.classes_[(self.predict_proba(X)[:, 1] >= self.threshold).astype(int)]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, without overflow warnings for large ``|z|``."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))


def _dense_part(X, n_columns: int) -> np.ndarray:
    part = X[:, :n_columns]
    return part.toarray() if sp.issparse(part) else np.asarray(part)
