"""A logistic-regression line classifier that follows scikit-learn's estimator contract.

The fit minimises what scikit-learn's ``LogisticRegression`` does, ``C`` times the sum of the
weighted log-losses plus half the squared norm of the coefficients (the intercept is not
penalised), but reads the rows in blocks it is given rather than one matrix: the standardised
columns as a dense array, the other columns (hashed n-grams) as a sparse one. Cross-validation then
fits every fold on the same blocks without copying them, and the blocks are scored on several
threads, in single precision when they are stored so.

With n-gram columns the solver is L-BFGS over coefficients rescaled by the loss's curvature at the
start: the standardised columns and the intercept whitened together, each n-gram on its own, so
that rare and frequent n-grams and correlated dense columns converge at the same pace. Without them
it is Newton's method, which solves each step with the exact curvature and converges in a few steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.linalg import cholesky, solve_triangular
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from linesift.model.linear import LinearScorer, dense_part

DEFAULT_THRESHOLD = 0.5  # keep a line when P(content) reaches this
DEFAULT_C = 1.0
DEFAULT_MAX_ITER = 2000
# Stop when no gradient component of the mean loss (rescaled, for L-BFGS) exceeds this: scikit-learn's default.
DEFAULT_TOL = 1e-4
_CONSTANT_TOLERANCE = 1e-9
_MAX_LINE_SEARCH = 50  # L-BFGS line-search steps per iteration, as scikit-learn allows
_FTOL = 64 * np.finfo(float).eps  # relative decrease of the loss under which L-BFGS stops (scikit-learn's)
_ROWS_PER_BLOCK = 1 << 15  # rows of ``fit``'s input read per block


@dataclass(frozen=True, eq=False)
class RowBlock:
    """Rows to fit on: the first columns standardised and dense, the others (or None) as they are.

    ``dense`` holds ``(raw - mean) / scale`` for the ``mean`` and ``scale`` given with the blocks to
    :meth:`LineClassifier.fit_blocks`; ``dense`` and ``rest`` share one floating-point type. A block's
    statistics are computed once, however many fits read it.
    """

    dense: np.ndarray
    rest: sp.csr_matrix | np.ndarray | None
    y: np.ndarray  # 1.0 for the positive class, 0.0 for the other
    weight: np.ndarray
    _cache: dict = field(default_factory=dict, repr=False)

    def moments(self) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """Total weight, weighted mean of ``dense`` and weighted sum of squared deviations from it (float64),
        and the weighted sum of squares of every ``rest`` column."""
        if "moments" not in self._cache:
            total = float(self.weight.sum())
            mean = self.weight @ self.dense / total if total > 0 else np.zeros(self.dense.shape[1])
            squares = self.weight @ (self.dense - mean) ** 2
            if self.rest is None:
                rest_squares = np.zeros(0)
            elif isinstance(self.rest, np.ndarray):
                rest_squares = self.weight @ np.asarray(self.rest, dtype=np.float64) ** 2
            else:
                rest_squares = self.rest.T.multiply(self.rest.T) @ self.weight
            self._cache["moments"] = (total, mean, squares, np.asarray(rest_squares, dtype=np.float64).ravel())
        return self._cache["moments"]

    def products(self) -> np.ndarray:
        """Weighted cross-products of ``dense``'s deviations from its mean, in ``dense``'s precision."""
        if "products" not in self._cache:
            deviations = self.dense - self.moments()[1].astype(self.dense.dtype)
            self._cache["products"] = np.asarray((deviations.T * self.weight.astype(self.dense.dtype)) @ deviations,
                                                 dtype=np.float64)
        return self._cache["products"]


def blocks_of(dense: np.ndarray, rest: sp.csr_matrix | np.ndarray | None, y: np.ndarray, weight: np.ndarray,
              rows_per_block: int = _ROWS_PER_BLOCK) -> list[RowBlock]:
    """``dense``, ``rest``, ``y`` and ``weight`` cut into blocks of at most ``rows_per_block`` rows."""
    n = len(y)
    starts = range(0, max(n, 1), rows_per_block)
    return [RowBlock(dense[s : s + rows_per_block], None if rest is None else rest[s : s + rows_per_block],
                     y[s : s + rows_per_block], weight[s : s + rows_per_block]) for s in starts]


class LineClassifier(ClassifierMixin, BaseEstimator, LinearScorer):
    """Standardise the first ``n_scaled`` columns, then fit a binary logistic regression.

    Columns after ``n_scaled`` (hashed n-gram weights, already in [0, 1]) pass through unscaled so
    that rare n-grams are not blown up by a tiny standard deviation. ``predict`` keeps the positive
    class when its probability reaches ``threshold``, a parameter stored with the model. The fit
    stops after ``max_iter`` iterations or when no gradient component of the mean loss exceeds
    ``tol``. With ``class_weight`` the standardisation weighs the rows by their class weight too.
    """

    def __init__(self, C: float = DEFAULT_C, threshold: float = DEFAULT_THRESHOLD, n_scaled: int | None = None,
                 max_iter: int = DEFAULT_MAX_ITER, class_weight: dict | str | None = None, tol: float = DEFAULT_TOL) -> None:
        self.C = C
        self.threshold = threshold
        self.n_scaled = n_scaled
        self.max_iter = max_iter
        self.class_weight = class_weight
        self.tol = tol

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.sparse = True
        return tags

    def fit(self, X, y, sample_weight=None):
        """Fit; ``sample_weight`` lets long lines count for more."""
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64)
        check_classification_targets(y)
        classes = np.unique(y)
        if len(classes) != 2:
            raise ValueError(f"Only binary classification is supported: y has {len(classes)} class(es), it needs 2")
        weights = _sample_weights(sample_weight, len(y))
        n_scaled = X.shape[1] if self.n_scaled is None else min(self.n_scaled, X.shape[1])
        dense = dense_part(X, n_scaled)
        mean = np.average(dense, axis=0, weights=weights)
        scale = _nonzero_scale(mean, np.sqrt(np.average((dense - mean) ** 2, axis=0, weights=weights)))
        rest = X[:, n_scaled:] if n_scaled < X.shape[1] else None
        if self.class_weight is not None:
            per_class = compute_class_weight(self.class_weight, classes=classes, y=y, sample_weight=weights)
            weights = weights * per_class[np.searchsorted(classes, y)]
        blocks = blocks_of((dense - mean) / scale, rest, (y == classes[1]).astype(np.float64), weights)
        return self.fit_blocks(blocks, classes, mean, scale)

    def fit_blocks(self, blocks: Sequence[RowBlock], classes: np.ndarray, mean: np.ndarray, scale: np.ndarray,
                   init: LineClassifier | None = None, n_threads: int = 1) -> LineClassifier:
        """Fit on the rows of ``blocks``, whose dense part is ``(raw - mean) / scale``.

        The model standardises with the weighted mean and deviation of the rows it is fitted on, which
        need not be ``mean`` and ``scale``: many fits can share the same blocks. ``init``, a fitted
        model over the same columns, is where L-BFGS starts (its decision function, whatever its own
        scaling). ``n_threads`` threads score the blocks; the result does not depend on their number.
        Class weights are the caller's: multiply them into the blocks' weights.
        """
        blocks = [block for block in blocks if len(block.y)]
        if not blocks or not any(block.weight.any() for block in blocks):
            raise ValueError("no rows to fit on: no row, or every sample weight is zero")
        self.classes_ = np.asarray(classes)
        n_dense = blocks[0].dense.shape[1]
        n_rest = 0 if blocks[0].rest is None else blocks[0].rest.shape[1]
        self.n_features_in_ = n_dense + n_rest
        self.n_scaled_ = n_dense
        # One BLAS thread per block: how a sum is split between threads changes its last bits, and the
        # result must not depend on the machine's number of cores.
        with ThreadPoolExecutor(n_threads) if n_threads > 1 else _Serial() as pool, threadpool_limits(1):
            total, block_mean, squares, rest_squares = _combine(list(pool.map(RowBlock.moments, blocks)))
            # The model's own standardisation, from the rows it is fitted on (constant columns left as they are).
            own_mean = mean + scale * block_mean
            own_scale = _nonzero_scale(own_mean, scale * np.sqrt(squares / total))
            factor = scale / own_scale
            problem = _Problem(blocks, pool, total, self.C, factor, (mean - own_mean) / own_scale)
            # The loss's curvature where every probability is 1/2, plus the penalty's: over the standardised
            # columns and the intercept together (they are correlated), and along each other column.
            start = np.zeros(n_dense + n_rest + 1) if init is None else init.parameters_for(own_mean, own_scale)
            if n_rest:
                dense_curvature = np.zeros((n_dense + 1, n_dense + 1))
                dense_curvature[:-1, :-1] = 0.25 * _pooled_products(blocks, pool) / total * np.outer(factor, factor)
                dense_curvature[:-1, :-1] += problem.penalty * np.eye(n_dense)
                dense_curvature[-1, -1] = 0.25
                rest_curvature = 0.25 * rest_squares / total + problem.penalty
                theta, n_iter = problem.minimise(start, dense_curvature, rest_curvature, self.max_iter, self.tol)
            else:  # few columns: Newton's method, whose steps solve with the exact curvature
                theta, n_iter = problem.newton(start, self.max_iter, self.tol)
        self.mean_, self.scale_ = own_mean, own_scale
        self.coef_ = theta[:-1].copy()
        self.intercept_ = float(theta[-1])
        self.n_iter_ = np.array([n_iter], dtype=np.int32)
        return self

    def decision_function(self, X):
        check_is_fitted(self)
        return super().decision_function(validate_data(self, X, accept_sparse="csr", dtype=np.float64, reset=False))

    def predict(self, X):
        check_is_fitted(self)
        return self.classes_[(self.predict_proba(X)[:, 1] >= self.threshold).astype(int)]


class _Problem:
    """The penalised mean log-loss over ``blocks`` and its gradient, for coefficients on the model's scale.

    The model reads a dense column as ``stored * factor + shift``, where ``stored`` is what the blocks hold.
    """

    def __init__(self, blocks: Sequence[RowBlock], pool, total: float, C: float, factor: np.ndarray, shift: np.ndarray) -> None:
        self.blocks, self.pool, self.total = blocks, pool, total
        self.factor, self.shift = factor, shift
        self.n_dense = len(factor)
        self.dtype = blocks[0].dense.dtype
        # scikit-learn's scaling: the objective divided by C times the total weight.
        self.penalty = 1.0 / (C * total)

    def _weights(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        """What the blocks' stored columns are multiplied by, and the offset added, for coefficients ``theta``."""
        k = self.n_dense
        return (theta[:k] * self.factor).astype(self.dtype), theta[k:-1].astype(self.dtype), float(theta[-1] + theta[:k] @ self.shift)

    @staticmethod
    def _decision(block: RowBlock, weights: tuple[np.ndarray, np.ndarray, float]) -> np.ndarray:
        dense_weights, rest_weights, offset = weights
        z = np.asarray(block.dense @ dense_weights, dtype=np.float64)
        if block.rest is not None:
            z += block.rest @ rest_weights
        z += offset
        return z

    def _block(self, block: RowBlock, weights: tuple[np.ndarray, np.ndarray, float]):
        z = self._decision(block, weights)
        loss = block.weight @ (np.logaddexp(0.0, z) - block.y * z)
        residual = block.weight * (expit(z) - block.y)
        stored = residual.astype(self.dtype, copy=False)
        rest = np.zeros(0) if block.rest is None else np.asarray(block.rest.T @ stored, dtype=np.float64).ravel()
        return loss, float(residual.sum()), np.asarray(block.dense.T @ stored, dtype=np.float64), rest

    def loss_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        k = self.n_dense
        coef_rest = theta[k:-1]
        weights = self._weights(theta)
        parts = list(self.pool.map(lambda block: self._block(block, weights), self.blocks))
        loss = sum(part[0] for part in parts) / self.total
        residual = sum(part[1] for part in parts) / self.total
        gradient = np.empty_like(theta)
        gradient[:k] = self.factor * (_sum(part[2] for part in parts) / self.total) + self.shift * residual
        if len(coef_rest):
            gradient[k:-1] = _sum(part[3] for part in parts) / self.total
        gradient[:-1] += self.penalty * theta[:-1]
        gradient[-1] = residual
        loss += 0.5 * self.penalty * float(theta[:-1] @ theta[:-1])
        return loss, gradient

    def minimise(self, start: np.ndarray, dense_curvature: np.ndarray, rest_curvature: np.ndarray,
                 max_iter: int, tol: float) -> tuple[np.ndarray, int]:
        """L-BFGS over coefficients changed so that the loss curves alike along each of them at the start.

        The standardised columns and the intercept are whitened together by the Cholesky factor ``L`` of
        their curvature (``theta = L^-T v``); every other column is divided by its curvature's square root.
        """
        k = self.n_dense
        joint = np.r_[0:k, len(start) - 1]
        factor = cholesky(dense_curvature, lower=True)
        step = 1.0 / np.sqrt(rest_curvature)

        def theta_of(v: np.ndarray) -> np.ndarray:
            theta = np.empty_like(v)
            theta[joint] = solve_triangular(factor, v[joint], lower=True, trans="T")
            theta[k:-1] = v[k:-1] * step
            return theta

        def scaled(v: np.ndarray) -> tuple[float, np.ndarray]:
            loss, gradient = self.loss_gradient(theta_of(v))
            gradient[joint] = solve_triangular(factor, gradient[joint], lower=True)
            gradient[k:-1] *= step
            return loss, gradient

        v0 = np.empty_like(start)
        v0[joint] = factor.T @ start[joint]
        v0[k:-1] = start[k:-1] / step
        result = minimize(scaled, v0, jac=True, method="L-BFGS-B",
                          options={"maxiter": max_iter, "maxls": _MAX_LINE_SEARCH, "gtol": tol, "ftol": _FTOL})
        return theta_of(result.x), int(result.nit)

    def _block_curvature(self, block: RowBlock, weights: tuple[np.ndarray, np.ndarray, float]):
        """A dense-only block's loss, residual sum, gradient part, and its rows' curvature ``sum s x x^T``, ``sum s x``, ``sum s``."""
        z = self._decision(block, weights)
        loss = block.weight @ (np.logaddexp(0.0, z) - block.y * z)
        p = expit(z)
        residual = block.weight * (p - block.y)
        curvature = block.weight * p * (1.0 - p)
        stored = curvature.astype(self.dtype, copy=False)
        products = np.asarray((block.dense.T * stored) @ block.dense, dtype=np.float64)
        return (loss, float(residual.sum()), np.asarray(block.dense.T @ residual.astype(self.dtype, copy=False), dtype=np.float64),
                products, np.asarray(block.dense.T @ stored, dtype=np.float64), float(curvature.sum()))

    def _loss(self, theta: np.ndarray) -> float:
        k = self.n_dense
        weights = self._weights(theta)

        def block_loss(block: RowBlock) -> float:
            z = self._decision(block, weights)
            return float(block.weight @ (np.logaddexp(0.0, z) - block.y * z))

        return sum(self.pool.map(block_loss, self.blocks)) / self.total + 0.5 * self.penalty * float(theta[:k] @ theta[:k])

    def _newton_terms(self, theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """Loss, gradient and Hessian at ``theta`` (standardised columns, then the intercept)."""
        k = self.n_dense
        weights = self._weights(theta)
        parts = list(self.pool.map(lambda block: self._block_curvature(block, weights), self.blocks))
        loss = sum(part[0] for part in parts) / self.total + 0.5 * self.penalty * float(theta[:k] @ theta[:k])
        residual = sum(part[1] for part in parts) / self.total
        gradient = np.empty_like(theta)
        gradient[:k] = self.factor * (_sum(part[2] for part in parts) / self.total) + self.shift * residual + self.penalty * theta[:k]
        gradient[-1] = residual
        # The model reads a column as stored * factor + shift: the curvature of the stored sums mapped to it.
        products = _sum(part[3] for part in parts) / self.total
        sums = _sum(part[4] for part in parts) / self.total
        weight = sum(part[5] for part in parts) / self.total
        column_sums = self.factor * sums + self.shift * weight
        hessian = np.empty((k + 1, k + 1))
        hessian[:k, :k] = (np.outer(self.factor, self.factor) * products + np.outer(self.factor * sums, self.shift)
                           + np.outer(self.shift, self.factor * sums) + weight * np.outer(self.shift, self.shift))
        hessian[:k, :k] += self.penalty * np.eye(k)
        hessian[:k, -1] = hessian[-1, :k] = column_sums
        hessian[-1, -1] = weight
        return loss, gradient, hessian

    def newton(self, start: np.ndarray, max_iter: int, tol: float) -> tuple[np.ndarray, int]:
        """Newton's method with a backtracking line search, until no gradient component exceeds ``tol``."""
        theta = start.copy()
        loss, gradient, hessian = self._newton_terms(theta)
        n_iter = 0
        while n_iter < max_iter and np.abs(gradient).max() > tol:
            n_iter += 1
            try:
                direction = -solve_triangular(
                    (factor := cholesky(hessian, lower=True)).T, solve_triangular(factor, gradient, lower=True), lower=False)
            except np.linalg.LinAlgError:  # curvature lost to rounding: a gradient step instead
                direction = -gradient
            slope = float(gradient @ direction)
            step = 1.0
            for _ in range(_MAX_LINE_SEARCH):
                trial = theta + step * direction
                if self._loss(trial) <= loss + 1e-4 * step * slope:
                    break
                step *= 0.5
            else:
                break  # no decrease left to find: as close as rounding allows
            theta = trial
            loss, gradient, hessian = self._newton_terms(theta)
        return theta, n_iter


class _Serial:
    """A stand-in for a thread pool that maps in the calling thread."""

    def __enter__(self) -> _Serial:
        return self

    def __exit__(self, *exc) -> None:
        return None

    @staticmethod
    def map(function, items):
        return map(function, items)


def _sum(arrays) -> np.ndarray:
    """The sum of ``arrays`` in order (so that it does not depend on which thread finished first)."""
    iterator = iter(arrays)
    total = np.array(next(iterator), dtype=np.float64)
    for array in iterator:
        total += array
    return total


def _combine(moments) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """Total weight, mean and squared deviations of blocks pooled (Chan et al.'s update), and summed squares."""
    blocks = iter(moments)
    total, first_mean, first_squares, first_rest = next(blocks)
    mean, squares, rest_squares = first_mean.copy(), first_squares.copy(), first_rest.copy()
    for block_total, block_mean, block_squares, block_rest in blocks:
        pooled = total + block_total
        if block_total > 0:
            delta = block_mean - mean
            squares += block_squares + delta**2 * (total * block_total / pooled)
            mean += delta * (block_total / pooled)
        total = pooled
        rest_squares += block_rest
    return total, mean, squares, rest_squares


def _pooled_products(blocks: Sequence[RowBlock], pool) -> np.ndarray:
    """Weighted cross-products of the deviations of the blocks' dense rows from their pooled mean."""
    _, mean, _, _ = _combine(block.moments() for block in blocks)
    products = _sum(pool.map(RowBlock.products, blocks))
    for block in blocks:
        block_total, block_mean, _, _ = block.moments()
        products += block_total * np.outer(block_mean - mean, block_mean - mean)
    return products


def _nonzero_scale(mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """A column constant in training (up to rounding) is left unscaled rather than divided by ~0."""
    constant = scale <= _CONSTANT_TOLERANCE * np.maximum(np.abs(mean), 1.0)
    return np.where(constant, 1.0, scale)


def _sample_weights(sample_weight, n: int) -> np.ndarray:
    if sample_weight is None:
        return np.ones(n)
    weights = np.asarray(sample_weight, dtype=np.float64)
    if weights.ndim == 0:
        return np.full(n, float(weights))
    if weights.shape != (n,):
        raise ValueError(f"sample_weight.shape == {weights.shape}, expected {(n,)}")
    if not np.isfinite(weights).all():
        raise ValueError("sample_weight must be finite")
    if (weights < 0).any():
        raise ValueError("sample_weight must not be negative")
    if not weights.any():
        raise ValueError("Sample weights must contain at least one non-zero number")
    return weights


