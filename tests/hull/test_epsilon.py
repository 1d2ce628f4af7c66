"""The sup-norm ε LP against an independent LP formulation (half-range with free bounds) and by hand."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linprog

from marketalign import InputError, epsilon_sup


def _oracle_epsilon(alice: np.ndarray, bobs: np.ndarray, simplex: bool) -> float:
    """Independent formulation: minimise (hi - lo)/2 s.t. lo <= u - U w <= hi, solved by interior point."""
    k = bobs.shape[0]
    u = alice.ravel()
    U = bobs.reshape(k, -1).T
    n = u.size
    # variables: w (k), lo, hi
    a_hi = np.hstack([-U, np.zeros((n, 1)), -np.ones((n, 1))])  # u - Uw <= hi
    a_lo = np.hstack([U, np.ones((n, 1)), np.zeros((n, 1))])  # lo <= u - Uw
    res = linprog(
        np.concatenate([np.zeros(k), [-0.5, 0.5]]),
        A_ub=np.vstack([a_hi, a_lo]),
        b_ub=np.concatenate([-u, u]),
        A_eq=np.concatenate([np.ones(k), [0, 0]])[None] if simplex else None,
        b_eq=[1.0] if simplex else None,
        bounds=[(0, None)] * k + [(None, None)] * 2,
        method="highs-ipm",
    )
    assert res.status == 0
    return float(res.fun)


tables = st.tuples(st.integers(1, 4), st.integers(1, 5), st.integers(1, 5), st.integers(0, 2**31 - 1))


@given(tables)
def test_matches_independent_lp_and_is_attained(shape):
    k, A, Y, seed = shape
    rng = np.random.default_rng(seed)
    alice, bobs = rng.random((A, Y)), rng.random((k, A, Y))
    for kind in ("simplex", "nonneg"):
        res = epsilon_sup(alice, bobs, weights=kind)
        assert res.epsilon == pytest.approx(_oracle_epsilon(alice, bobs, kind == "simplex"), abs=1e-8)
        # the reported weights and offset attain the reported epsilon
        fit = np.tensordot(res.weights, bobs, axes=1) + res.offset
        assert np.abs(fit - alice).max() == pytest.approx(res.epsilon, abs=1e-12)
        assert (res.weights >= 0).all()
        if kind == "simplex":
            assert res.weights.sum() == pytest.approx(1.0, abs=1e-12)
        assert res.binding, "an optimum always has a binding cell"
    assert epsilon_sup(alice, bobs, "nonneg").epsilon <= epsilon_sup(alice, bobs, "simplex").epsilon + 1e-9


def test_worked_example_two_indicator_bobs():
    alice = np.eye(2)
    bobs = np.array([[[1, 0], [0, 0]], [[0, 0], [0, 1]]], dtype=float)
    simplex = epsilon_sup(alice, bobs, "simplex")
    assert simplex.epsilon == pytest.approx(0.25)
    np.testing.assert_allclose(simplex.weights, [0.5, 0.5])
    assert epsilon_sup(alice, bobs, "nonneg").epsilon == pytest.approx(0.0, abs=1e-12)


def test_single_bob_simplex_is_half_range_of_difference():
    rng = np.random.default_rng(3)
    alice, bob = rng.random((3, 4)), rng.random((3, 4))
    diff = alice - bob
    assert epsilon_sup(alice, bob[None], "simplex").epsilon == pytest.approx((diff.max() - diff.min()) / 2)


def test_alice_in_cone_plus_offset_has_zero_epsilon():
    rng = np.random.default_rng(4)
    bobs = rng.random((3, 4, 5))
    alice = 0.3 * bobs[0] + 1.7 * bobs[2] - 0.4
    res = epsilon_sup(alice, bobs, "nonneg")
    assert res.epsilon == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(
    ("alice", "bobs", "fragment"),
    [
        (np.zeros(3), np.zeros((1, 3)), "2-D"),
        (np.zeros((2, 3)), np.zeros((2, 3)), "3-D"),
        (np.zeros((2, 3)), np.zeros((1, 3, 2)), "same actions"),
        (np.full((2, 2), np.nan), np.zeros((1, 2, 2)), "NaN"),
    ],
)
def test_bad_tables_are_rejected(alice, bobs, fragment):
    with pytest.raises(InputError, match=fragment):
        epsilon_sup(alice, bobs)


def test_unknown_weight_kind():
    with pytest.raises(InputError, match="weights must be one of"):
        epsilon_sup(np.zeros((1, 1)), np.zeros((1, 1, 1)), weights="positive")
