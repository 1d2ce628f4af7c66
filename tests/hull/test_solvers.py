"""Exact NNLS / simplex solvers against independent oracles: scipy's NNLS on rows, support enumeration."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reference import nnls_rows, simplex_rows
from scipy.optimize import nnls

from marketalign import InputError
from marketalign.hull.solvers import KKT_TOLERANCE, NearDuplicateWarning, kkt_violation, solve_gram, solve_paths


def _objective(gram, rhs, w):
    return 0.5 * w @ gram @ w - rhs @ w


def _problem(seed, n, k, kind):
    """Random centred least-squares problems, including the degenerate shapes users produce."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, k)) * rng.uniform(0.1, 10, k)
    y = x[:, : max(1, k // 2)].sum(1) * rng.normal() + rng.normal(size=n)
    if kind == "duplicated" and k >= 2:
        x[:, 1] = x[:, 0]
    if kind == "collinear" and k >= 3:
        x[:, 2] = 0.3 * x[:, 0] + 0.7 * x[:, 1]
    if kind == "constant" and k >= 2:
        x[:, 1] = 4.0
    if kind == "offset":
        x += 1e4
        y += 3e4
    if kind == "scales":  # Bobs on wildly different scales: every one must still be able to enter
        x *= np.logspace(-6, 6, k)
    xc, yc = x - x.mean(0), y - y.mean()
    return x, y, xc.T @ xc, xc.T @ yc


problems = st.tuples(
    st.integers(0, 2**31 - 1),
    st.integers(2, 40),
    st.integers(1, 7),
    st.sampled_from(["plain", "duplicated", "collinear", "constant", "offset", "scales"]),
)


@given(problems)
def test_nnls_matches_scipy_on_rows_and_satisfies_kkt(problem):
    x, y, gram, rhs = _problem(*problem)
    w = solve_gram(gram, rhs, "nonneg")
    oracle = nnls_rows(x, y)
    best = _objective(gram, rhs, oracle)
    assert _objective(gram, rhs, w) <= best + 1e-8 * max(1.0, abs(best))
    assert kkt_violation(gram, rhs, w, "nonneg") <= KKT_TOLERANCE
    assert (w >= 0).all()


@given(problems)
def test_simplex_matches_support_enumeration_and_satisfies_kkt(problem):
    x, y, gram, rhs = _problem(*problem)
    w = solve_gram(gram, rhs, "simplex")
    oracle = simplex_rows(x, y)
    ours, best = _objective(gram, rhs, w), _objective(gram, rhs, oracle)
    assert abs(ours - best) <= 1e-8 * max(1.0, abs(best))
    assert kkt_violation(gram, rhs, w, "simplex") <= KKT_TOLERANCE
    assert w.sum() == pytest.approx(1.0, abs=1e-12) and (w >= 0).all()


def test_simplex_is_not_normalised_nnls():
    """A case where dividing the NNLS weights by their sum is not the simplex optimum."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(200, 3))
    y = 2.0 * x[:, 0] + 0.5 * x[:, 1] + 0.1 * rng.normal(size=200)
    xc, yc = x - x.mean(0), y - y.mean()
    gram, rhs = xc.T @ xc, xc.T @ yc
    w_nnls = solve_gram(gram, rhs, "nonneg")
    w_simplex = solve_gram(gram, rhs, "simplex")
    normalised = w_nnls / w_nnls.sum()
    assert _objective(gram, rhs, w_simplex) < _objective(gram, rhs, normalised) - 1e-6


@pytest.mark.parametrize("distance", [1e-5, 1e-6, 1e-7, 1e-9])
def test_near_duplicate_bobs_keep_the_objective_optimal(distance):
    rng = np.random.default_rng(8)
    base = rng.normal(size=(400, 4))
    y = base @ [0.5, 0.3, 0.2, 0.0] + 0.1 * rng.normal(size=400)
    x = np.column_stack([base, base[:, 1] + distance * rng.normal(size=400)])
    xc, yc = x - x.mean(0), y - y.mean()
    gram, rhs = xc.T @ xc, xc.T @ yc
    for order in ([4, 0, 1, 2, 3], [0, 1, 2, 3, 4]):
        for constraint, oracle in (("nonneg", nnls_rows(x, y)), ("simplex", simplex_rows(x, y))):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", NearDuplicateWarning)
                result = solve_paths(gram[None], [0], rhs[None], np.array([order]), constraint)
            best = _objective(gram, rhs, oracle)
            assert _objective(gram, rhs, result.final[0]) <= best + 1e-8 * abs(best)  # the tolerance
            assert result.kkt[0] <= KKT_TOLERANCE


def test_more_bobs_than_rows():
    x, y, gram, rhs = _problem(11, 5, 12, "plain")
    for constraint in ("nonneg", "simplex"):
        w = solve_gram(gram, rhs, constraint)
        assert kkt_violation(gram, rhs, w, constraint) <= KKT_TOLERANCE
    assert np.sum(((y - y.mean()) - (x - x.mean(0)) @ solve_gram(gram, rhs, "nonneg")) ** 2) == pytest.approx(
        nnls(x - x.mean(0), y - y.mean())[1] ** 2, rel=1e-8, abs=1e-10
    )


def test_paths_equal_cold_solves_at_every_k():
    rng = np.random.default_rng(2)
    grams, rhss = [], []
    for seed in range(3):
        _, _, g, b = _problem(seed, 80, 12, "plain")
        grams.append(g)
        rhss.append(b)
    grams = np.array(grams)
    orders = np.array([rng.permutation(12) for _ in range(3)])
    for constraint in ("nonneg", "simplex"):
        for k in (1, 2, 5, 12):
            result = solve_paths(grams, np.arange(3), np.array(rhss), orders[:, :k], constraint)
            for p in range(3):
                idx = orders[p, :k]
                cold = np.zeros(12)
                cold[idx] = solve_gram(grams[p][np.ix_(idx, idx)], rhss[p][idx], constraint)
                assert _objective(grams[p], rhss[p], result.final[p]) == pytest.approx(
                    _objective(grams[p], rhss[p], cold), rel=1e-10, abs=1e-12
                )


def test_path_records_evaluation_form_and_sparsity():
    _, _, gram, rhs = _problem(3, 50, 6, "plain")
    e_gram, e_rhs, e_const = gram * 0.5, rhs * 0.2, 7.0
    order = np.arange(6)
    result = solve_paths(gram[None], [0], rhs[None], order[None], "nonneg", (e_gram[None], [0], e_rhs[None], [e_const]))
    w = result.final[0]
    assert result.value[0, -1] == pytest.approx(w @ e_gram @ w - 2 * e_rhs @ w + e_const, rel=1e-12)
    assert result.nonzero[0, -1] == (w > 1e-6).sum()
    assert result.weight_sum[0, -1] == pytest.approx(w.sum())


@pytest.mark.parametrize(
    ("gram", "rhs", "fragment"),
    [
        (np.zeros((2, 3)), np.zeros(2), "square"),
        (np.eye(2), np.zeros(3), "square"),
        (np.array([[np.nan]]), np.zeros(1), "NaN"),
    ],
)
def test_bad_inputs(gram, rhs, fragment):
    with pytest.raises(InputError, match=fragment):
        solve_gram(gram, rhs)


def test_unknown_constraint():
    with pytest.raises(InputError, match="constraint must be one of"):
        solve_gram(np.eye(1), np.ones(1), "positive")
