"""Fits do not depend on units: Alice and the Bobs scaled together leave every weight unchanged, Alice scaled by
a and the Bobs by b scale NNLS weights by a/b, and MSEs scale by Alice's factor squared — from 1e-150 to 1e150."""

import warnings

import numpy as np
import pytest

from marketalign.errors import InputError
from marketalign.hull.curves import CurveConfig, market_curve
from marketalign.hull.epsilon import epsilon_sup
from marketalign.hull.estimators import MarketAlignmentRegressor
from marketalign.hull.fit import fit_with_cv

FACTORS = [1e-150, 1e-100, 1e-13, 1e-12, 1e-6, 3.7e-3, 1e6, 1e10, 1e100, 1e150]
RTOL = 1e-9


@pytest.fixture(scope="module")
def data():
    """Four Bobs, one with a small weight (0.0225) that unit-dependent tolerances used to drop."""
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(200, 4))
    alice = scores @ np.array([0.5, 0.3, 0.0225, 0.0]) + 0.5 * rng.normal(size=200)
    return scores, alice




@pytest.mark.parametrize("constraint", ["nonneg", "simplex"])
@pytest.mark.parametrize("factor", FACTORS)
def test_fit_scaled_together_keeps_weights_and_scales_mse(data, constraint, factor):
    scores, alice = data
    plain = fit_with_cv(scores, alice, constraint)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scaled = fit_with_cv(scores * factor, alice * factor, constraint)
    np.testing.assert_allclose(list(scaled.weights.values()), list(plain.weights.values()), rtol=RTOL, atol=1e-15)
    assert scaled.cv_mse == pytest.approx(plain.cv_mse * factor**2, rel=RTOL)
    assert scaled.offset == pytest.approx(plain.offset * factor, rel=RTOL, abs=1e-12 * factor)
    assert scaled.used == plain.used and "bob_2" in plain.used


@pytest.mark.parametrize("factor", FACTORS)
@pytest.mark.parametrize("scaled_side", ["alice", "bobs"])
def test_nnls_weights_scale_by_a_over_b(data, factor, scaled_side):
    scores, alice = data
    a, b = (factor, 1.0) if scaled_side == "alice" else (1.0, factor)
    plain = fit_with_cv(scores, alice, "nonneg")
    scaled = fit_with_cv(scores * b, alice * a, "nonneg")
    expected = np.array(list(plain.weights.values())) * (a / b)
    np.testing.assert_allclose(list(scaled.weights.values()), expected, rtol=RTOL, atol=1e-15 * a / b)
    assert scaled.cv_mse == pytest.approx(plain.cv_mse * a**2, rel=RTOL)
    assert scaled.used == plain.used  # judged by contribution, whatever the units


@pytest.mark.parametrize("factor", FACTORS)
def test_estimator_scaled_together_and_apart(data, factor):
    scores, alice = data
    plain = MarketAlignmentRegressor("nonneg").fit(scores, alice)
    together = MarketAlignmentRegressor("nonneg").fit(scores * factor, alice * factor)
    np.testing.assert_allclose(together.coef_, plain.coef_, rtol=RTOL, atol=1e-15)
    assert together.training_mse_ == pytest.approx(plain.training_mse_ * factor**2, rel=RTOL)
    apart = MarketAlignmentRegressor("nonneg").fit(scores * factor, alice)
    np.testing.assert_allclose(apart.coef_, plain.coef_ / factor, rtol=RTOL, atol=1e-15 / factor)
    assert list(together.used_) == list(apart.used_) == list(plain.used_) == [0, 1, 2]
    simplex = MarketAlignmentRegressor("simplex")
    np.testing.assert_allclose(simplex.fit(scores * factor, alice * factor).coef_,
                               MarketAlignmentRegressor("simplex").fit(scores, alice).coef_, rtol=RTOL, atol=1e-15)


@pytest.mark.parametrize("factor", [1e-150, 1e-12, 1e10, 1e150])
def test_curve_scaled_together_keeps_sparsity_and_scales_mse(data, factor):
    scores, alice = data
    config = CurveConfig(orderings=4, folds=4)
    plain = market_curve(scores, alice, config)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scaled = market_curve(scores * factor, alice * factor, config)
    np.testing.assert_allclose(scaled.mse, plain.mse * factor**2, rtol=RTOL)
    np.testing.assert_array_equal(scaled.nonzero, plain.nonzero)
    columns = ["nnz_mean", "weight_sum_mean", "explained_mean"]
    np.testing.assert_allclose(scaled.table[columns], plain.table[columns], rtol=RTOL, atol=1e-12)


def test_power_of_two_scaling_is_exact(data):
    scores, alice = data
    plain = fit_with_cv(scores, alice, "simplex")
    scaled = fit_with_cv(np.ldexp(scores, 400), np.ldexp(alice, 400), "simplex")
    assert scaled.weights == plain.weights and scaled.cv_mse == np.ldexp(plain.cv_mse, 800)


@pytest.mark.parametrize("kind", ["nonneg", "simplex"])
@pytest.mark.parametrize("factor", [1e-150, 1e-12, 1e10, 1e150])
def test_epsilon_scaled_together(kind, factor):
    rng = np.random.default_rng(2)
    alice, bobs = rng.normal(size=(4, 5)), rng.normal(size=(3, 4, 5))
    plain = epsilon_sup(alice, bobs, kind)
    scaled = epsilon_sup(alice * factor, bobs * factor, kind)
    assert scaled.epsilon == pytest.approx(plain.epsilon * factor, rel=RTOL)
    np.testing.assert_allclose(scaled.weights, plain.weights, rtol=1e-7, atol=1e-9)
    assert scaled.binding == plain.binding


@pytest.mark.parametrize("factor", [1e160, 1e300, 1e-160])
def test_unrepresentable_scales_are_refused_without_warnings(data, factor):
    scores, alice = data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(InputError, match="cannot be represented"):
            fit_with_cv(scores * factor, alice * factor)
        with pytest.raises(InputError, match="cannot be represented"):
            market_curve(scores * factor, alice * factor, CurveConfig(orderings=2))


def test_a_column_too_small_next_to_the_others_is_named(data):
    scores, alice = data
    tiny = scores.copy()
    tiny[:, 2] *= 1e-160
    with pytest.raises(InputError, match="column 'c'.*underflow"):
        fit_with_cv(tiny, alice, "nonneg", bob_names=list("abcd"))
