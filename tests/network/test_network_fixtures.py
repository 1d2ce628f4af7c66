"""docs/theory.md §2.4–2.5 fixtures in population mode: the lower bound 1/(D+1), hub-and-spokes 1/2, cyclic path."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketalign.network import (
    LinearLearner,
    aggregate_population,
    allocations,
    build_network,
    chain_difference,
    cyclic_coverage_path,
    graphs,
    hub_and_spokes_network,
    lower_bound_ordering,
)

CYCLIC_D10 = {1: 0.5, 2: 0.3333, 3: 0.2549, 5: 0.1837, 10: 0.1213, 20: 0.0581, 40: 0.00275, 60: 2.8e-5}


@given(st.integers(0, 2**32 - 1), st.booleans())
def test_every_agent_of_depth_below_d_has_error_at_least_one_over_depth_plus_one(seed, intercept):
    rng = np.random.default_rng(seed)
    d = int(rng.integers(2, 12))
    graph = graphs.random_dag(int(rng.integers(2, 40)), rng, edge_prob=rng.uniform(0.05, 0.9))
    network = build_network(graph, allocations.one_feature_each(graph, d, rng), d)
    result = aggregate_population(network, chain_difference(d).moments(), LinearLearner(intercept=intercept))
    depth = network.depths()
    shallow = depth < d
    assert result.benchmark_mse == pytest.approx(0.0, abs=1e-12)
    assert (result.mse[shallow] * (depth[shallow] + 1) >= 1 - 1e-9).all()


@pytest.mark.parametrize("d", [2, 3, 10, 50])
def test_the_lower_bound_is_attained_by_the_stated_ordering(d):
    network = lower_bound_ordering(d)
    result = aggregate_population(network, chain_difference(d).moments(), LinearLearner(intercept=False))
    depth = network.depths()
    np.testing.assert_array_equal(depth, np.arange(1, d + 1))
    np.testing.assert_allclose(result.mse[:-1], 1.0 / (depth[:-1] + 1), atol=1e-9)
    assert result.mse[-1] == pytest.approx(0.0, abs=1e-9)  # depth d: all features, aggregation succeeds


def test_a_single_parent_path_does_not_attain_the_bound_beyond_depth_two():
    d = 6
    graph = graphs.path(d)
    network = build_network(graph, {t: (d - 1 - t,) for t in range(d)}, d)
    result = aggregate_population(network, chain_difference(d).moments())
    np.testing.assert_allclose(result.mse[:2], [1 / 2, 1 / 3], atol=1e-12)
    assert (result.mse[2:-1] > 1.0 / (np.arange(3, d) + 1) + 1e-3).all()


@pytest.mark.parametrize("d", [3, 10, 50])
def test_hub_and_spokes_stays_at_one_half(d):
    network = hub_and_spokes_network(d)
    result = aggregate_population(network, chain_difference(d).moments())
    assert network.depth() == 2
    assert result.mse[-1] == pytest.approx(0.5, abs=1e-12)


def test_cyclic_coverage_path_reproduces_the_population_fixtures():
    d, passes = 10, max(CYCLIC_D10)
    result = aggregate_population(cyclic_coverage_path(d, passes), chain_difference(d).moments())
    for p, expected in CYCLIC_D10.items():
        got = result.excess[p * d - 1]
        assert got == pytest.approx(expected, abs=1e-4, rel=5e-2 if expected < 1e-3 else 0)
    assert np.all(np.diff(result.mse) <= 1e-12)  # a path never loses accuracy
