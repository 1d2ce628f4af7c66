"""Grouped folds (docs/theory.md §1.7, Definition G1) against a naive refit per fold on the raw rows."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize, nnls

from marketalign.errors import InputError
from marketalign.hull.curves import CurveConfig, market_curve, market_curves
from marketalign.hull.fit import fit_with_cv
from marketalign.hull.suffstats import assign_group_folds


def _grouped_data(seed: int = 0, n: int = 300, k: int = 4, n_groups: int = 25):
    rng = np.random.default_rng(seed)
    groups = np.array([f"user{g}" for g in rng.integers(0, n_groups, n)], dtype=object)
    codes = np.unique(groups, return_inverse=True)[1]
    shared = rng.normal(size=n_groups)[codes]  # a per-group effect a row split would leak
    scores = rng.normal(size=(n, k)) + 3.0 + shared[:, None]
    target = scores @ rng.uniform(0, 1, k) + shared + rng.normal(size=n)
    return scores, target, groups


def _naive_fold_mse(scores, target, folds, constraint):
    """Held-out MSE per fold from a refit on that fold's raw training rows (free offset)."""
    out = []
    for f in range(folds.max() + 1):
        train, test = folds != f, folds == f
        s_mean, h_mean = scores[train].mean(0), target[train].mean()
        centred, y = scores[train] - s_mean, target[train] - h_mean
        if constraint == "nonneg":
            w = nnls(centred, y)[0]
        else:
            k = scores.shape[1]
            res = minimize(lambda v, a=centred, b=y: np.sum((a @ v - b) ** 2), np.full(k, 1 / k), method="SLSQP",
                           bounds=[(0, None)] * k, constraints=[{"type": "eq", "fun": lambda v: v.sum() - 1}],
                           options={"ftol": 1e-15, "maxiter": 1000})
            w = res.x
        pred = (scores[test] - s_mean) @ w + h_mean
        out.append(np.mean((pred - target[test]) ** 2))
    return np.array(out)


def test_fit_matches_naive_refit_per_fold_nonneg():
    scores, target, groups = _grouped_data()
    report = fit_with_cv(scores, target, "nonneg", groups=groups, seed=3)
    folds, n_groups = assign_group_folds(groups, 5, 3)
    assert report.n_groups == n_groups == 25
    np.testing.assert_allclose(report.cv_mse_per_fold, _naive_fold_mse(scores, target, folds, "nonneg"),
                               rtol=0, atol=1e-10)
    assert report.to_dict()["folds_by"] == "group"


def test_fit_matches_generic_qp_simplex():
    scores, target, groups = _grouped_data(seed=1)
    report = fit_with_cv(scores, target, "simplex", groups=groups, seed=0)
    folds, _ = assign_group_folds(groups, 5, 0)
    np.testing.assert_allclose(report.cv_mse_per_fold, _naive_fold_mse(scores, target, folds, "simplex"),
                               rtol=0, atol=1e-7)


def test_curve_at_kmax_matches_naive_refit_on_the_result_folds():
    scores, target, groups = _grouped_data(seed=2)
    result = market_curve(scores, target, CurveConfig(orderings=3, seed=5), groups=groups)
    for g in np.unique(groups):
        assert len(set(result.folds[groups == g])) == 1
    row = result.table[(result.table["K"] == 4) & (result.table["method"] == "nnls")]
    expected = _naive_fold_mse(scores, target, result.folds, "nonneg").mean()
    np.testing.assert_allclose(row["mse_mean"].to_numpy(), expected, rtol=0, atol=1e-10)
    summary = result.summary()
    assert summary["folds_by"] == "group" and summary["n_groups"] == 25


def test_grouped_folds_differ_from_row_folds_and_ungrouped_summary_is_unchanged():
    scores, target, groups = _grouped_data(seed=4)
    plain = market_curve(scores, target, CurveConfig(orderings=2))
    grouped = market_curve(scores, target, CurveConfig(orderings=2), groups=groups)
    assert "folds_by" not in plain.summary() and plain.n_groups is None
    assert not np.array_equal(plain.folds, grouped.folds)


def test_market_curves_takes_one_group_array_per_data_set():
    a, b = _grouped_data(seed=5), _grouped_data(seed=6, n=200)
    results = market_curves([a[:2], b[:2]], CurveConfig(orderings=2), groups=[a[2], b[2]])
    assert [r.n_groups for r in results] == [25, 25]
    for (_, _, groups), result in zip((a, b), results, strict=True):
        for g in np.unique(groups):
            assert len(set(result.folds[groups == g])) == 1
    with pytest.raises(InputError, match="one array per data set"):
        market_curves([a[:2], b[:2]], CurveConfig(), groups=[a[2]])


@settings(max_examples=60, deadline=None)
@given(labels=st.lists(st.integers(0, 30), min_size=5, max_size=120), folds=st.integers(2, 5),
       seed=st.integers(0, 2**32 - 1))
def test_folds_never_split_a_group_and_are_size_balanced(labels, folds, seed):
    labels = np.array(labels)
    n_groups = len(set(labels.tolist()))
    if n_groups < folds:
        with pytest.raises(InputError, match="cannot be split"):
            assign_group_folds(labels, folds, seed)
        return
    fold_of_row, counted = assign_group_folds(labels, folds, seed)
    assert counted == n_groups
    for g in np.unique(labels):
        assert len(set(fold_of_row[labels == g].tolist())) == 1
    sizes = np.bincount(fold_of_row, minlength=folds)
    assert sizes.min() > 0
    assert sizes.max() - sizes.min() <= np.bincount(labels).max()  # greedy: within one largest group
    np.testing.assert_array_equal(fold_of_row, assign_group_folds(labels, folds, seed)[0])


def test_same_seed_same_folds_other_seed_other_folds():
    _, _, groups = _grouped_data()
    first = assign_group_folds(groups, 5, 0)[0]
    np.testing.assert_array_equal(first, assign_group_folds(groups, 5, 0)[0])
    assert not np.array_equal(first, assign_group_folds(groups, 5, 1)[0])


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        (np.zeros(300), "1 groups cannot be split into 5 folds"),
        (np.arange(300) % 3, "3 groups cannot be split into 5 folds"),
        (np.where(np.arange(300) == 7, np.nan, np.arange(300) % 10), "missing in 1 of 300 rows"),
        (np.arange(299) % 10, "groups of data set 0 have shape"),
    ],
)
def test_bad_groups_raise_input_error(groups, message):
    scores, target, _ = _grouped_data()
    with pytest.raises(InputError, match=message):
        market_curve(scores, target, CurveConfig(orderings=1), groups=groups)


def test_fit_rejects_a_groups_length_mismatch():
    scores, target, groups = _grouped_data()
    with pytest.raises(InputError, match="one label per row"):
        fit_with_cv(scores, target, groups=groups[:-1])


def test_fit_judges_carrying_weight_by_contribution_not_units():
    scores, target, _ = _grouped_data(seed=7)
    plain = fit_with_cv(scores, target, "nonneg")
    micro = fit_with_cv(scores * 1e6, target, "nonneg")  # the same Bobs scored in micro-units
    assert plain.used and micro.used == plain.used
    np.testing.assert_allclose(list(micro.contributions.values()), list(plain.contributions.values()), rtol=1e-6)
    weights = np.array(list(plain.weights.values()))
    expected = weights * scores.std(0) / target.std()
    np.testing.assert_allclose(list(plain.contributions.values()), expected, rtol=1e-9)
    assert plain.effective_bobs == pytest.approx(weights.sum() ** 2 / (weights**2).sum(), rel=1e-12)
    assert plain.to_dict()["weight_sum"] == pytest.approx(weights.sum(), rel=1e-12)
    assert fit_with_cv(scores, target, "simplex").weight_sum == pytest.approx(1.0, abs=1e-9)


def test_curves_by_human_with_groups_matches_market_curves():
    from marketalign.hull.by_human import curves_by_human
    from marketalign.parallel import ExecutionConfig

    humans = [_grouped_data(seed=s, n=120, n_groups=10) for s in range(3)]
    config = CurveConfig(orderings=2)
    together = market_curves([h[:2] for h in humans], config, groups=[h[2] for h in humans])
    chunked = curves_by_human([h[:2] for h in humans], config, humans_per_task=2, groups=[h[2] for h in humans],
                              execution=ExecutionConfig(workers=1))
    for a, b in zip(together, chunked, strict=True):
        np.testing.assert_array_equal(a.folds, b.folds)
        np.testing.assert_array_equal(a.mse, b.mse)
        assert b.n_groups == 10
