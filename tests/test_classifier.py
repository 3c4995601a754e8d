"""LineClassifier: scikit-learn's estimator contract, its threshold, and what it scales."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.utils.estimator_checks import parametrize_with_checks

from linesift.model.classifier import DEFAULT_THRESHOLD, LineClassifier, RowBlock, blocks_of
from linesift.model.linear import sigmoid


@parametrize_with_checks([LineClassifier()])
def test_scikit_learn_estimator_contract(estimator, check) -> None:
    check(estimator)


def separable_data(n: int = 80, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    return X, y


@pytest.fixture(scope="module")
def fitted() -> tuple[LineClassifier, np.ndarray, np.ndarray]:
    X, y = separable_data()
    return LineClassifier().fit(X, y), X, y


def test_init_stores_parameters_unchanged() -> None:
    weights = {0: 1.0, 1: 2.0}
    model = LineClassifier(C=0.5, threshold=0.7, n_scaled=3, max_iter=10, class_weight=weights, tol=1e-3)
    assert model.get_params() == {"C": 0.5, "threshold": 0.7, "n_scaled": 3, "max_iter": 10, "class_weight": weights, "tol": 1e-3}
    assert model.class_weight is weights
    assert LineClassifier().threshold == DEFAULT_THRESHOLD


def test_predict_proba_rows_sum_to_one_and_follow_classes(fitted) -> None:
    model, X, _ = fitted
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert model.classes_.tolist() == [0, 1]
    np.testing.assert_allclose(proba[:, 1], sigmoid(model.decision_function(X)))


def test_predict_keeps_the_positive_class_at_exactly_the_threshold(fitted) -> None:
    model, X, _ = fitted
    p = model.predict_proba(X)[:, 1]
    order = np.argsort(p)
    at = p[order[len(p) // 2]]
    at_threshold = LineClassifier(threshold=at)
    at_threshold.__dict__.update({k: v for k, v in model.__dict__.items() if k.endswith("_")})
    predicted = at_threshold.predict(X)
    assert predicted.tolist() == (p >= at).astype(int).tolist()
    assert predicted[order[len(p) // 2]] == 1  # p == threshold keeps the line
    just_above = np.nextafter(at, 1.0)
    at_threshold.threshold = just_above
    assert at_threshold.predict(X)[order[len(p) // 2]] == 0


def test_threshold_zero_and_one(fitted) -> None:
    model, X, _ = fitted
    params = {k: v for k, v in model.__dict__.items() if k.endswith("_")}
    everything, nothing = LineClassifier(threshold=0.0), LineClassifier(threshold=1.0)
    everything.__dict__.update(params)
    nothing.__dict__.update(params)
    assert everything.predict(X).tolist() == [1] * len(X)
    p = model.predict_proba(X)[:, 1]
    assert nothing.predict(X).tolist() == (p >= 1.0).astype(int).tolist()
    assert nothing.predict(X).sum() <= 1


def test_threshold_applies_to_the_second_class_of_string_labels() -> None:
    X, y = separable_data()
    labels = np.where(y == 1, "content", "noise")  # sorted: "content" < "noise", so "noise" is positive
    model = LineClassifier(threshold=0.0).fit(X, labels)
    assert model.classes_.tolist() == ["content", "noise"]
    assert set(model.predict(X).tolist()) == {"noise"}


def test_default_predict_agrees_with_half_probability(fitted) -> None:
    model, X, y = fitted
    assert model.predict(X).tolist() == (model.predict_proba(X)[:, 1] >= 0.5).astype(int).tolist()
    assert (model.predict(X) == y).mean() > 0.9


def test_one_class_is_refused() -> None:
    X, _ = separable_data()
    with pytest.raises(ValueError, match="needs 2"):
        LineClassifier().fit(X, np.ones(len(X), dtype=int))


def test_n_scaled_standardises_only_the_first_columns() -> None:
    rng = np.random.default_rng(1)
    dense = rng.normal(loc=[10.0, -3.0], scale=[5.0, 0.1], size=(60, 2))
    hashed = (rng.random((60, 3)) < 0.2).astype(float) * 0.5
    X = np.hstack([dense, hashed])
    y = (dense[:, 0] > 10).astype(int)
    model = LineClassifier(n_scaled=2).fit(X, y)
    assert model.n_scaled_ == 2
    np.testing.assert_allclose(model.mean_, dense.mean(axis=0))
    np.testing.assert_allclose(model.scale_, dense.std(axis=0))
    scaled = model._scaled(X)
    np.testing.assert_allclose(scaled[:, :2], (dense - dense.mean(axis=0)) / dense.std(axis=0))
    np.testing.assert_array_equal(scaled[:, 2:], hashed)  # passed through untouched
    # The same with sparse input: later columns stay as they are.
    sparse_scaled = model._scaled(sp.csr_matrix(X))
    assert sp.issparse(sparse_scaled)
    np.testing.assert_allclose(sparse_scaled.toarray(), scaled)
    np.testing.assert_allclose(model.predict_proba(sp.csr_matrix(X)), model.predict_proba(X), atol=1e-12)


def test_n_scaled_larger_than_the_columns_scales_them_all() -> None:
    X, y = separable_data()
    model = LineClassifier(n_scaled=10).fit(X, y)
    assert model.n_scaled_ == 3
    assert model.get_params()["n_scaled"] == 10  # the parameter itself is not changed


def test_constant_columns_do_not_blow_up() -> None:
    X, y = separable_data()
    constant = np.column_stack([X, np.full(len(X), 7.0), np.zeros(len(X)), np.full(len(X), 1e12 + 1e-3)])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        model = LineClassifier().fit(constant, y)
        np.testing.assert_array_equal(model.scale_[3:], [1.0, 1.0, 1.0])
        # At prediction time a constant column may take new values; they are not divided by ~0.
        shifted = constant.copy()
        shifted[:, 3:] += 1.0
        p_shifted = model.predict_proba(shifted)
    assert np.isfinite(model.coef_).all()
    # A constant column carries no signal (up to the rounding of the mean of 1e12 + 1e-3).
    np.testing.assert_allclose(model.coef_[3:], 0.0, atol=1e-3)
    np.testing.assert_allclose(p_shifted, model.predict_proba(constant), atol=1e-2)


def test_fit_is_deterministic() -> None:
    X, y = separable_data()
    a, b = LineClassifier().fit(X, y), LineClassifier().fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.intercept_ == b.intercept_


def test_sigmoid_handles_large_inputs_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = sigmoid(np.array([-1e6, -40.0, 0.0, 40.0, 1e6]))
    assert values[0] == 0.0 and values[-1] == 1.0 and values[2] == 0.5
    assert np.all(np.diff(values) >= 0)


def wide_data(n: int = 300, seed: int = 2) -> tuple[np.ndarray, sp.csr_matrix, np.ndarray, np.ndarray]:
    """Dense columns on very different scales, sparse n-gram-like columns, labels and weights."""
    rng = np.random.default_rng(seed)
    dense = rng.normal(loc=[5.0, -200.0, 0.0], scale=[2.0, 30.0, 1e-3], size=(n, 3))
    hashed = sp.random(n, 40, density=0.1, random_state=seed, format="csr")
    logit = (dense[:, 0] - 5.0) / 2.0 + hashed @ rng.normal(size=40)
    y = (logit + rng.logistic(size=n) > 0).astype(int)
    return dense, hashed, y, rng.uniform(0.5, 3.0, size=n)


@pytest.mark.parametrize("with_hashed", [False, True])
def test_fit_blocks_standardises_with_its_own_rows_whatever_the_blocks_hold(with_hashed: bool) -> None:
    dense, hashed, y, weight = wide_data()
    X = sp.hstack([sp.csr_matrix(dense), hashed], format="csr") if with_hashed else dense
    reference = LineClassifier(n_scaled=3, tol=1e-10).fit(X, y, sample_weight=weight)
    # The blocks store the dense columns standardised with other statistics, cut at arbitrary rows.
    mean, scale = np.array([4.0, -190.0, 1.0]), np.array([1.0, 10.0, 0.5])
    stored = (dense - mean) / scale
    cuts = [0, 7, 150, len(y)]
    blocks = [RowBlock(stored[a:b], hashed[a:b] if with_hashed else None, y[a:b].astype(float), weight[a:b])
              for a, b in itertools.pairwise(cuts)]
    model = LineClassifier(n_scaled=3, tol=1e-10).fit_blocks(blocks, np.array([0, 1]), mean, scale)
    np.testing.assert_allclose(model.mean_, reference.mean_, rtol=1e-10)
    np.testing.assert_allclose(model.scale_, reference.scale_, rtol=1e-10)
    np.testing.assert_allclose(model.decision_function(X), reference.decision_function(X), rtol=1e-5, atol=1e-6)


def test_fit_blocks_gives_the_same_coefficients_on_any_number_of_threads() -> None:
    dense, hashed, y, weight = wide_data(n=2000)
    blocks = blocks_of(((dense - dense.mean(axis=0)) / dense.std(axis=0)).astype(np.float32), hashed.astype(np.float32),
                       y.astype(float), weight, rows_per_block=128)
    args = (blocks, np.array([0, 1]), dense.mean(axis=0), dense.std(axis=0))
    one = LineClassifier(n_scaled=3, max_iter=15).fit_blocks(*args, n_threads=1)
    two = LineClassifier(n_scaled=3, max_iter=15).fit_blocks(*args, n_threads=2)
    np.testing.assert_array_equal(one.coef_, two.coef_)
    assert one.intercept_ == two.intercept_


def test_fit_blocks_starts_from_init() -> None:
    dense, hashed, y, weight = wide_data()
    X = sp.hstack([sp.csr_matrix(dense), hashed], format="csr")
    fitted = LineClassifier(n_scaled=3, tol=1e-8).fit(X, y, sample_weight=weight)
    blocks = blocks_of(dense, hashed, y.astype(float), weight)
    # Started at the optimum (given on another scale), L-BFGS has nothing left to do.
    again = LineClassifier(n_scaled=3, tol=1e-6).fit_blocks(blocks, np.array([0, 1]), np.zeros(3), np.ones(3), init=fitted)
    assert again.n_iter_[0] <= 1
    np.testing.assert_allclose(again.decision_function(X), fitted.decision_function(X), rtol=1e-6, atol=1e-6)
