"""Curves over K against a naive implementation that refits every method from the rows."""

import numpy as np
import pandas as pd
import pytest
from reference import curve_rows

from marketalign import InputError
from marketalign.hull.curves import METHODS, CurveConfig, market_curve, market_curves


def _data(seed=0, n=60, k=6, targets=1):
    rng = np.random.default_rng(seed)
    h = rng.normal(size=(n, targets)) + 3
    s = h[:, :1] * rng.uniform(0.2, 1.5, k) + rng.normal(size=(n, k)) + 3
    return s, h


def _by_size(result):
    """The result's curves, grouped by length in the order they appear on its curve axis."""
    groups: dict[int, list] = {}
    for order in result.orders:
        groups.setdefault(len(order), []).append(order)
    return [np.array(group) for group in groups.values()]


def test_every_method_matches_refitting_from_rows():
    s, h = _data()
    result = market_curve(s, h[:, 0], CurveConfig(orderings=3, folds=3, seed=1))
    orders = np.array(result.orders)
    assert orders.shape == (3, 6) and all(sorted(order) == list(range(6)) for order in result.orders)
    reference = curve_rows(s, h[:, 0], result.folds, orders, METHODS)
    np.testing.assert_allclose(result.mse[0], reference, rtol=1e-9, atol=1e-12)


def test_many_targets_equal_one_at_a_time():
    s, h = _data(targets=3)
    config = CurveConfig(orderings=3, folds=4, seed=2)
    together = market_curve(s, h, config)
    for t in range(3):
        alone = market_curve(s, h[:, t], config)
        np.testing.assert_allclose(together.mse[t], alone.mse[0], rtol=1e-10)


def test_data_sets_with_their_own_rows_match_refits():
    """Many humans who each rated different items: one batch, each checked against refits from its rows."""
    datasets = [_data(seed=s, n=n, k=5) for s, n in ((1, 40), (2, 75), (3, 55))]
    results = market_curves([(s, h[:, 0]) for s, h in datasets], CurveConfig(orderings=2, folds=3, seed=4))
    orders = np.array(results[0].orders)
    assert all(result.orders == results[0].orders for result in results)
    for (s, h), result in zip(datasets, results, strict=True):
        assert result.n_rows == len(s)
        reference = curve_rows(s, h[:, 0], result.folds, orders, METHODS)
        np.testing.assert_allclose(result.mse[0], reference, rtol=1e-9, atol=1e-12)


def test_data_sets_must_share_the_bobs():
    with pytest.raises(InputError, match="same Bob columns"):
        market_curves([_data(k=3), _data(k=4)])


def test_all_subsets_mode_matches_rows():
    s, h = _data(k=4)
    result = market_curve(s, h[:, 0], CurveConfig(folds=3, seed=3, subsets="all"))
    assert result.mse.shape[1] == 15  # 4 + 6 + 4 + 1 subsets
    first = 0
    for orders in _by_size(result):
        k = orders.shape[1]
        reference = curve_rows(s, h[:, 0], result.folds, orders, METHODS)[:, -1]
        np.testing.assert_allclose(result.mse[0, first : first + len(orders), k - 1], reference, rtol=1e-9)
        first += len(orders)
    table = result.table
    assert (table.groupby("K")["n_curves"].first().to_numpy() == [4, 6, 4, 1]).all()


def test_table_and_summary_shape():
    s, h = _data()
    config = CurveConfig(orderings=5, folds=3)
    result = market_curve(s, h[:, 0], config, bob_names=list("abcdef"), target_names=["alice"])
    table = result.table
    assert set(table["method"]) == set(METHODS)
    assert {"K", "method", "mse_mean", "mse_std", "mse_se", "nnz_mean", "explained_mean"} <= set(table.columns)
    assert len(table) == 6 * len(METHODS)
    constant = table[table.method == "constant"]
    assert np.allclose(constant["explained_mean"], 0.0)
    assert (table[table.method == "average"]["nnz_mean"].to_numpy() == np.arange(1, 7)).all()
    summary = result.summary()
    assert "nnls_vs_single_pct" in summary["targets"]["alice"]


def test_weight_sums_per_method():
    s, h = _data(n=300, k=8)
    result = market_curve(s, h[:, 0], CurveConfig(orderings=4, folds=5))
    sums = result.table.pivot(index="K", columns="method", values="weight_sum_mean")
    assert np.allclose(sums["simplex"], 1.0) and np.allclose(sums["single"], 1.0)
    assert np.allclose(sums["constant"], 0.0) and (sums["nnls"] >= 0).all()


def test_same_seed_same_numbers():
    s, h = _data()
    a = market_curve(s, h[:, 0], CurveConfig(orderings=4, folds=3, seed=9))
    b = market_curve(s, h[:, 0], CurveConfig(orderings=4, folds=3, seed=9))
    assert a.table.equals(b.table)


@pytest.mark.parametrize(
    ("scores", "target", "config", "fragment"),
    [
        (np.zeros((10, 2)), np.zeros(9), CurveConfig(), "one row per instance"),
        (np.array([[np.nan, 1.0]] * 10), np.zeros(10), CurveConfig(), "NaN"),
        (np.zeros((4, 2)), np.zeros(4), CurveConfig(folds=5), "folds"),
        (np.zeros((10, 2)), np.zeros(10), CurveConfig(k_max=3), "k_max"),
        (np.zeros((10, 0)), np.zeros(10), CurveConfig(), "non-empty"),
        (np.zeros((10, 2)), np.zeros(10), CurveConfig(methods=("best",)), "unknown methods"),
    ],
)
def test_bad_input(scores, target, config, fragment):
    with pytest.raises(InputError, match=fragment):
        market_curve(scores, target, config)


@pytest.mark.parametrize("subsets", ["orderings", "all"])
def test_refitting_with_the_stored_orders_reproduces_the_curves(subsets):
    """A user reproduces a curve from the result alone: its orders, given back, give the same numbers."""
    s, h = _data(seed=5, k=5)
    config = CurveConfig(orderings=4, folds=3, seed=8, subsets=subsets, k_max=4)
    result = market_curve(s, h[:, 0], config)
    again = market_curve(s, h[:, 0], CurveConfig(orderings=1, folds=3, seed=8, subsets=subsets, k_max=4),
                         orders=result.orders)
    assert again.orders == result.orders
    np.testing.assert_array_equal(again.mse, result.mse)
    np.testing.assert_array_equal(again.nonzero, result.nonzero)
    pd.testing.assert_frame_equal(again.table, result.table)  # the 4 given curves, not the 1 the config asks for


def test_the_stored_orders_are_the_markets_behind_each_curve():
    """NNLS at K on the first K Bobs of a stored ordering, refitted from the rows with the stored folds."""
    s, h = _data(seed=6, k=5)
    result = market_curve(s, h[:, 0], CurveConfig(orderings=2, folds=3, seed=9, methods=("nnls",)))
    for c, order in enumerate(result.orders):
        for k in (1, 3, 5):
            reference = curve_rows(s, h[:, 0], result.folds, np.array([order[:k]]), ("nnls",))
            np.testing.assert_allclose(result.mse[0, c, k - 1, 0], reference[0, -1, 0], rtol=1e-9)


def test_given_orders_are_a_shuffled_curve_set_in_all_subsets_mode():
    s, h = _data(seed=7, k=4)
    config = CurveConfig(folds=3, seed=1, subsets="all", k_max=2)
    result = market_curve(s, h[:, 0], config)
    again = market_curve(s, h[:, 0], config, orders=list(reversed(result.orders)))
    assert sorted(again.orders) == sorted(result.orders)
    np.testing.assert_allclose(again.table["mse_mean"], result.table["mse_mean"], rtol=1e-12)


@pytest.mark.parametrize(("orders", "fragment"), [
    ([], "orders is empty"),
    ([[0, 1, 9]], "distinct Bob indices in 0..5"),
    ([[0, 0, 1]], "distinct Bob indices"),
    ([[0, 1]], "has 2 Bobs but config asks for 3 Bobs"),
])
def test_bad_orders_are_refused(orders, fragment):
    s, h = _data()
    with pytest.raises(InputError, match=fragment):
        market_curve(s, h[:, 0], CurveConfig(k_max=3, folds=3), orders=orders)
