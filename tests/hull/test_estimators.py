"""The scikit-learn regressor: estimator checks for every constraint, and agreement with the row oracles."""

import numpy as np
import pytest
from reference import nnls_rows, simplex_rows
from sklearn.utils.estimator_checks import parametrize_with_checks

from marketalign import InputError
from marketalign.hull.estimators import FIT_CONSTRAINTS, MarketAlignmentRegressor
from marketalign.hull.fit import fit_with_cv


@parametrize_with_checks([MarketAlignmentRegressor(constraint=c) for c in FIT_CONSTRAINTS])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def _data(seed=0, n=120, k=5):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, k)) + 2.0
    y = 0.6 * x[:, 0] + 0.4 * x[:, 3] + 0.1 * rng.normal(size=n) - 1.0
    return x, y


@pytest.mark.parametrize("constraint", ["nonneg", "simplex"])
def test_weights_and_offset_match_row_oracles(constraint):
    x, y = _data()
    model = MarketAlignmentRegressor(constraint=constraint).fit(x, y)
    oracle = nnls_rows(x, y) if constraint == "nonneg" else simplex_rows(x, y)
    np.testing.assert_allclose(model.coef_, oracle, atol=1e-8)
    assert model.intercept_ == pytest.approx((y - x @ oracle).mean(), abs=1e-8)
    assert set(model.used_) == set(np.flatnonzero(oracle > 1e-6)) and {0, 3} <= set(model.used_)


def test_baseline_constraints():
    x, y = _data()
    assert np.allclose(MarketAlignmentRegressor("average").fit(x, y).coef_, 0.2)
    single = MarketAlignmentRegressor("single").fit(x, y).coef_
    assert sorted(single) == [0, 0, 0, 0, 1.0]
    scaled = MarketAlignmentRegressor("single_scaled").fit(x, y)
    assert len(scaled.used_) == 1 and scaled.training_mse_ <= MarketAlignmentRegressor("single").fit(x, y).training_mse_


def test_unknown_constraint_is_an_input_error():
    with pytest.raises(InputError, match="constraint must be one of"):
        MarketAlignmentRegressor(constraint="convex").fit(*_data())


def test_fit_with_cv_agrees_with_estimator_and_refits():
    x, y = _data(n=200)
    report = fit_with_cv(x, y, "simplex", folds=4, seed=3, bob_names=list("abcde"))
    model = MarketAlignmentRegressor("simplex").fit(x, y)
    np.testing.assert_allclose(list(report.weights.values()), model.coef_, atol=1e-10)
    assert report.offset == pytest.approx(model.intercept_, abs=1e-9)
    assert report.training_mse == pytest.approx(model.training_mse_, rel=1e-9)
    from marketalign.hull.suffstats import assign_folds

    labels = assign_folds(200, 4, 3)
    errors = []
    for f in range(4):
        fold_model = MarketAlignmentRegressor("simplex").fit(x[labels != f], y[labels != f])
        errors.append(np.mean((fold_model.predict(x[labels == f]) - y[labels == f]) ** 2))
    assert report.cv_mse == pytest.approx(np.mean(errors), rel=1e-9)
    assert report.used == ["abcde"[i] for i in model.used_]  # unit-scale Bobs: contribution and 1e-6 agree
