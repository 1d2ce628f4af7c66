"""Sample mode: one pass over the rows into moments, then small solves, agrees with a row-by-row refit."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from network_oracle import oracle_predictions, sample_vectors
from sklearn.linear_model import LinearRegression, Ridge

from marketalign import InputError
from marketalign.network import (
    GreedyResidualRegressor,
    LinearLearner,
    aggregate_sample,
    allocations,
    build_network,
    graphs,
    moments_from_rows,
    random_linear_gaussian,
)


def sample_instance(seed: int, n_train: int = 300):
    rng = np.random.default_rng(seed)
    d = int(rng.integers(1, 8))
    model = random_linear_gaussian(d, rng, weight_l1=2.0, noise=0.5)
    X, y = model.sample(n_train, rng)
    Xt, yt = model.sample(200, rng)
    offset = rng.normal(scale=50, size=d)  # large offsets: the moments must not lose precision
    graph = graphs.random_dag(int(rng.integers(1, 20)), rng, in_degree=int(rng.integers(0, 4)))
    network = build_network(graph, allocations.random_subsets(graph, d, int(rng.integers(1, d + 1)), rng), d)
    return network, X + offset, y + 10.0, Xt + offset, yt + 10.0


def test_moments_from_rows_match_numpy_in_any_chunking():
    rng = np.random.default_rng(0)
    X, y = rng.normal(loc=1e3, size=(1001, 4)), rng.normal(size=1001)
    expected = np.cov(np.column_stack([X, y]), rowvar=False, bias=True)
    for chunk in (1, 7, 1000, 5000):
        moments = moments_from_rows(X, y, chunk_rows=chunk)
        np.testing.assert_allclose(moments.cov, expected, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(moments.mean[:-1], X.mean(axis=0), rtol=1e-14)
        assert moments.n_rows == 1001


@given(st.integers(0, 2**32 - 1), st.booleans(), st.sampled_from([0.0, 0.05]))
def test_sufficient_statistics_agree_with_a_row_by_row_refit(seed, intercept, ridge):
    network, X, y, Xt, yt = sample_instance(seed)
    result = aggregate_sample(network, X, y, Xt, yt, LinearLearner(intercept=intercept, ridge=ridge))
    xs, ys, const = sample_vectors(X, y)
    txs, _, tconst = sample_vectors(Xt, yt)
    preds, test_preds = oracle_predictions(network, xs, ys, const, intercept, ridge, extra=(txs, tconst))
    scale = np.sqrt(len(y)), np.sqrt(len(yt))
    train_mse = [np.mean((y - p * scale[0]) ** 2) for p in preds]
    test_mse = [np.mean((yt - p * scale[1]) ** 2) for p in test_preds]
    np.testing.assert_allclose(result.train_mse, train_mse, rtol=1e-8)
    np.testing.assert_allclose(result.mse, test_mse, rtol=1e-8)
    # the stored predictors reproduce the refit's predictions on the held-out rows
    direct = result.coef[:, 0][:, None] + result.coef[:, 1:] @ Xt.T
    expected = np.array(test_preds) * scale[1]
    np.testing.assert_allclose(direct, expected, rtol=1e-8, atol=1e-8 * np.abs(yt).max())


def test_linear_regression_on_rows_equals_the_moment_route():
    network, X, y, Xt, yt = sample_instance(11, n_train=500)
    fast = aggregate_sample(network, X, y, Xt, yt)
    rows = aggregate_sample(network, X, y, Xt, yt, LinearRegression())
    np.testing.assert_allclose(fast.mse, rows.mse, rtol=1e-8)
    np.testing.assert_allclose(fast.train_mse, rows.train_mse, rtol=1e-8)
    assert fast.benchmark_mse == pytest.approx(rows.benchmark_mse, rel=1e-8)


def test_ridge_matches_scikit_learn_with_alpha_times_n():
    network, X, y, Xt, yt = sample_instance(5)
    single = build_network(graphs.path(1), {0: range(X.shape[1])}, X.shape[1])
    ours = aggregate_sample(single, X, y, Xt, yt, LinearLearner(ridge=0.1))
    theirs = Ridge(alpha=0.1 * len(y)).fit(X, y)
    assert ours.mse[0] == pytest.approx(np.mean((yt - theirs.predict(Xt)) ** 2), rel=1e-9)


def test_crossfit_general_learner_runs_and_is_reproducible():
    network, X, y, Xt, yt = sample_instance(3)
    learner = GreedyResidualRegressor(n_rounds=5)
    first = aggregate_sample(network, X, y, Xt, yt, learner, crossfit=3, seed=4)
    again = aggregate_sample(network, X, y, Xt, yt, learner, crossfit=3, seed=4)
    np.testing.assert_array_equal(first.mse, again.mse)
    assert first.coef is None and np.isfinite(first.train_mse).all()


def test_without_test_set_the_training_error_is_reported():
    network, X, y, _, _ = sample_instance(2)
    result = aggregate_sample(network, X, y)
    np.testing.assert_array_equal(result.mse, result.train_mse)


def test_singular_design_is_refused_without_ridge():
    network = build_network(graphs.path(2), {0: [0], 1: [1, 2]}, 3)
    X, y = np.random.default_rng(0).normal(size=(4, 3)), np.arange(4.0)
    with pytest.raises(InputError, match="Singular design"):
        aggregate_sample(network, X, y)
    assert np.isfinite(aggregate_sample(network, X, y, learner=LinearLearner(ridge=0.1)).mse).all()


def test_collinear_training_columns_are_handled():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 2))
    X = np.column_stack([X, X[:, 0]])  # the third column duplicates the first
    y = X[:, 0] + 0.1 * rng.normal(size=50)
    network = build_network(graphs.path(2), {0: [0], 1: [2, 1]}, 3)
    result = aggregate_sample(network, X, y)
    assert np.isfinite(result.mse).all() and result.mse[1] <= result.mse[0] + 1e-12


class _Broken(LinearRegression):
    def fit(self, X, y):
        raise ValueError("cannot fit this")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"learner": _Broken()}, "failed to fit agent"),
        ({"learner": "ols"}, "not a scikit-learn regressor"),
        ({"crossfit": 1, "learner": LinearRegression()}, "crossfit"),
        ({"X_test": np.zeros((3, 2))}, "Give both"),
        ({"X_test": np.zeros((3, 2)), "y_test": np.zeros(3)}, "test data has 2 features"),
    ],
)
def test_bad_sample_inputs_are_rejected(kwargs, fragment):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 3)), rng.normal(size=30)
    network = build_network(graphs.path(2), {0: [0], 1: [1]}, 3)
    with pytest.raises(InputError, match=fragment):
        aggregate_sample(network, X, y, **kwargs)


def test_non_finite_rows_and_wrong_width_are_rejected():
    network = build_network(graphs.path(1), {0: [0]}, 2)
    with pytest.raises(InputError, match="NaN"):
        aggregate_sample(network, np.array([[np.nan, 1.0]] * 5), np.zeros(5))
    with pytest.raises(InputError, match="features but the data has"):
        aggregate_sample(network, np.zeros((5, 3)), np.zeros(5), learner=LinearRegression())
    with pytest.raises(InputError, match="one value per row"):
        aggregate_sample(network, np.zeros((5, 2)), np.zeros(4))
