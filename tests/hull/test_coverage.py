"""Coverage per item against independent oracles: an LP feasibility test (HiGHS) and brute force over removals."""

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from marketalign.errors import InputError
from marketalign.hull.coverage import item_coverage


def _lp_covered(u, V):
    """Oracle: is centred u = centred V w for some w >= 0 (LP feasibility on unit-scaled vectors)?"""
    uc = u - u.mean()
    Vc = V - V.mean(axis=0)
    if not np.any(uc):
        return True
    norms = np.linalg.norm(Vc, axis=0)
    keep = norms > 0
    if not keep.any():
        return False
    A = Vc[:, keep] / norms[keep]
    res = linprog(np.zeros(A.shape[1]), A_eq=A, b_eq=uc / np.linalg.norm(uc), bounds=(0, None), method="highs")
    return res.status == 0


def _support_covered(u, V):
    """Oracle by Carathéodory: covered iff some set of <= rank Bobs solves Ṽ_S w = ũ exactly with w >= 0."""
    uc, Vc = u - u.mean(), V - V.mean(axis=0)
    if not np.any(uc):
        return True
    rank = np.linalg.matrix_rank(Vc)
    scale = np.linalg.norm(uc)
    for size in range(1, rank + 1):
        for subset in combinations(range(V.shape[1]), size):
            A = Vc[:, subset]
            if np.linalg.matrix_rank(A) < size:
                continue
            w = np.linalg.lstsq(A, uc, rcond=None)[0]
            if w.min() >= -1e-12 * np.abs(w).max() and np.linalg.norm(A @ w - uc) <= 1e-9 * scale:
                return True
    return False


def _long(items):
    """Long table from [(alice (m,), bobs (m, K)), ...]."""
    rows = []
    for q, (u, V) in enumerate(items):
        for a in range(len(u)):
            rows.append({"question": f"q{q:03d}", "alice": u[a], **{f"b{j}": V[a, j] for j in range(V.shape[1])}})
    return pd.DataFrame(rows)


def _random_items(seed, n=30, k=6):
    rng = np.random.default_rng(seed)
    items = []
    for _ in range(n):
        m = int(rng.integers(2, 6))
        items.append((rng.normal(size=m), rng.normal(size=(m, k))))
    return items


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_covered_matches_lp_oracle(seed):
    items = _random_items(seed)
    result = item_coverage(_long(items), item="question")
    expected = [_lp_covered(u, V) for u, V in items]
    assert result.table["covered"].tolist() == expected
    assert 0 < sum(expected) < len(expected)  # the fixture has both kinds


@pytest.mark.parametrize("seed", [5, 6])
def test_covered_matches_caratheodory_supports(seed):
    items = _random_items(seed, n=20, k=5)
    result = item_coverage(_long(items), item="question")
    assert result.table["covered"].tolist() == [_support_covered(u, V) for u, V in items]


def test_robust_matches_brute_force_enumeration():
    items = _random_items(3, n=25, k=7)
    result = item_coverage(_long(items), item="question", robust=(1, 2, 3))
    for k in (1, 2, 3):
        assert result.robust_method[k] == "exact"
        expected = [all(_lp_covered(u, np.delete(V, list(r), axis=1)) for r in combinations(range(7), k))
                    for u, V in items]
        assert result.table[f"robust_{k}"].tolist() == expected


def test_sampled_robustness_is_an_upper_bound_and_reproducible():
    items = _random_items(4, n=25, k=7)
    exact = item_coverage(_long(items), item="question", robust=(2,))
    sampled = item_coverage(_long(items), item="question", robust=(2,), samples=5, seed=1, exact_limit=1)
    assert sampled.robust_method[2] == "sampled"
    assert (sampled.table["robust_2"] >= exact.table["robust_2"]).all()
    again = item_coverage(_long(items), item="question", robust=(2,), samples=5, seed=1, exact_limit=1)
    pd.testing.assert_frame_equal(sampled.table, again.table)


def test_closest_angle():
    u = np.array([1.0, 0.0, -1.0])
    V = np.column_stack([[1.0, 0.0, -1.0], [0.0, 1.0, 0.0]])  # b0 parallel to Alice's centred vector
    row = item_coverage(_long([(u, V)]), item="question").table.iloc[0]
    assert row["covered"] and row["closest_bob"] == "b0"
    assert row["closest_angle_deg"] == pytest.approx(0.0, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 8), st.integers(1, 12))
def test_nonnegative_combination_is_covered(seed, m, k):
    rng = np.random.default_rng(seed)
    V = rng.normal(size=(m, k))
    u = V @ rng.random(k) + 3.0
    assert item_coverage(_long([(u, V)]), item="question").table["covered"].item()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(3, 8), st.integers(1, 10))
def test_minus_a_bob_with_others_in_its_half_space_is_not_covered(seed, m, k):
    rng = np.random.default_rng(seed)
    first = rng.normal(size=m)
    first -= first.mean()
    others = rng.normal(size=(m, k))
    others -= others.mean(axis=0)
    others += np.outer(first, np.abs(others.T @ first) / (first @ first) + 0.1)  # others · first > 0
    V = np.column_stack([first, others])
    assert not item_coverage(_long([(-first, V)]), item="question").table["covered"].item()


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([1e-100, 1e-30, 1.0, 1e30, 1e100]),
       st.sampled_from([1e-100, 1.0, 1e100]))
def test_scaling_and_permutation_invariance(seed, alice_scale, bob_scale):
    items = _random_items(seed, n=8, k=5)
    base = item_coverage(_long(items), item="question", robust=(1,)).table
    scaled = item_coverage(_long([(u * alice_scale, V * bob_scale) for u, V in items]), item="question",
                           robust=(1,)).table
    assert scaled["covered"].tolist() == base["covered"].tolist()
    assert scaled["robust_1"].tolist() == base["robust_1"].tolist()
    rng = np.random.default_rng(seed)
    shuffled = [(u[p], V[p][:, rng.permutation(5)]) for u, V in items for p in [rng.permutation(len(u))]]
    permuted = item_coverage(_long(shuffled), item="question", robust=(1,)).table
    assert permuted["covered"].tolist() == base["covered"].tolist()
    assert permuted["robust_1"].tolist() == base["robust_1"].tolist()


def test_edge_cases_constant_alice_constant_bob_single_answer():
    table = _long([(np.array([2.0, 2.0, 2.0]), np.random.default_rng(0).normal(size=(3, 2))),
                   (np.array([1.0, 0.0]), np.array([[5.0, 1.0], [5.0, 0.0]])),
                   (np.array([1.0]), np.array([[1.0, 2.0]]))])
    result = item_coverage(table, item="question")
    t = result.table
    assert t["alice_constant"].tolist() == [True, False]
    assert t["covered"].tolist() == [True, True]
    assert np.isnan(t["closest_angle_deg"].iloc[0])
    assert t["closest_bob"].iloc[1] == "b1"
    summary = result.summary()
    assert summary["skipped_single_answer_items"] == 1
    assert summary["alice_constant_count"] == 1
    assert summary["constant_bob_items"] == {"b0": 1}


def test_bad_input_names_the_problem():
    table = _long(_random_items(0, n=3, k=2))
    table.loc[1, "b1"] = np.nan
    with pytest.raises(InputError, match="'b1' has 1 of"):
        item_coverage(table, item="question")
    with pytest.raises(InputError, match="no item column 'nope'"):
        item_coverage(table, item="nope")
    with pytest.raises(InputError, match="out of range"):
        item_coverage(_long(_random_items(0, n=3, k=2)), item="question", robust=(2,))
