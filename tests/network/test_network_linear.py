"""Linear agents from moments against explicit least squares, and the issue's invariants (hypothesis)."""

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from network_oracle import mse, oracle_predictions, population_vectors

from marketalign import InputError
from marketalign.network import (
    LinearLearner,
    aggregate_population,
    allocations,
    build_network,
    graphs,
    moments_from_covariance,
    random_linear_gaussian,
)

seeds = st.integers(0, 2**32 - 1)


def random_instance(seed: int, intercept_mean: bool = True):
    """A random model (with a non-zero mean), DAG and allocation; small enough for exhaustive oracles."""
    rng = np.random.default_rng(seed)
    d = int(rng.integers(1, 7))
    model = random_linear_gaussian(
        d, rng, weight_l1=rng.uniform(0.1, 3), noise=rng.uniform(0, 1), correlation=rng.uniform(0, 0.9)
    )
    moments = model.moments()
    mean = rng.normal(size=d + 1) if intercept_mean else np.zeros(d + 1)
    moments = moments_from_covariance(moments.cov, mean)
    graph = graphs.random_dag(int(rng.integers(1, 15)), rng, edge_prob=rng.uniform(0, 0.7))
    allocation = allocations.random_subsets(graph, d, int(rng.integers(1, d + 1)), rng)
    for node in graph.nodes:  # some agents see nothing of their own
        if rng.random() < 0.2:
            allocation[node] = ()
    return build_network(graph, allocation, d), moments, rng


@given(seeds, st.booleans(), st.sampled_from([0.0, 0.3]))
def test_population_mode_matches_explicit_least_squares(seed, intercept, ridge):
    network, moments, _ = random_instance(seed)
    result = aggregate_population(network, moments, LinearLearner(intercept=intercept, ridge=ridge))
    xs, y, const = population_vectors(moments.cov, moments.mean)
    preds, _ = oracle_predictions(network, xs, y, const, intercept=intercept, ridge=ridge)
    expected = np.array([mse(y, p) for p in preds])
    np.testing.assert_allclose(result.mse, expected, rtol=1e-8, atol=1e-10)


@given(seeds)
def test_error_never_increases_along_an_edge(seed):
    network, moments, _ = random_instance(seed)
    result = aggregate_population(network, moments, LinearLearner())
    for child, parents in enumerate(network.parents):
        for parent in parents:
            assert result.mse[child] <= result.mse[parent] + 1e-10


@given(seeds)
def test_adding_a_parent_never_hurts_the_agent_that_gets_it(seed):
    network, moments, rng = random_instance(seed)
    if network.n_agents < 2:
        return
    graph = network.to_graph()
    names = network.names
    child = int(rng.integers(1, network.n_agents))
    parent = int(rng.integers(child))
    before = aggregate_population(network, moments).mse[child]
    graph.add_edge(names[parent], names[child])
    allocation = {node: graph.nodes[node]["features"] for node in graph.nodes}
    richer = build_network(graph, allocation, network.n_features)
    after = aggregate_population(richer, moments).mse[richer.names.index(names[child])]
    assert after <= before + 1e-10


@given(seeds, st.booleans())
def test_one_agent_with_all_features_reaches_the_benchmark(seed, intercept):
    _, moments, _ = random_instance(seed)
    d = moments.n_features
    single = build_network(graphs.path(1), {0: range(d)}, d)
    result = aggregate_population(single, moments, LinearLearner(intercept=intercept))
    assert result.excess[0] == pytest.approx(0.0, abs=1e-10)


def test_benchmark_is_the_best_linear_predictor_and_never_beaten():
    rng = np.random.default_rng(7)
    model = random_linear_gaussian(5, rng, weight_l1=2.0, noise=0.3)
    graph = graphs.random_dag(40, rng, in_degree=3)
    network = build_network(graph, allocations.random_subsets(graph, 5, 2, rng), 5)
    result = aggregate_population(network, model.moments())
    assert result.benchmark_mse == pytest.approx(0.09, rel=1e-12)  # noise variance: w* is the truth
    assert (result.excess >= -1e-12).all()


def test_collinear_regressors_give_the_well_defined_projection():
    """A parent prediction equal to the child's own feature, a duplicated feature, and a silent parent."""
    x = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, 0.0], [0.0, 0.0, 1.0]])
    cov = np.zeros((5, 5))  # features x0, x1, x2 and x3 = x0 (a duplicate), then y
    cov[:3, :3] = x
    cov[3, :3] = cov[:3, 3] = x[0]
    cov[3, 3] = x[0, 0]
    cov[4, :4] = cov[:4, 4] = [1.0, 0.3, 0.0, 1.0]
    cov[4, 4] = 3.0
    moments = moments_from_covariance(cov)
    graph = nx.DiGraph([(0, 2), (1, 2), (2, 3)])
    # agent 0 sees x0 (prediction collinear with x0 and x3); agent 1 sees x2 (uncorrelated: predicts 0)
    network = build_network(graph, {0: [0], 1: [2], 2: [0, 3], 3: [3, 1]}, 4)
    result = aggregate_population(network, moments, LinearLearner(intercept=False))
    xs, y, const = population_vectors(moments.cov, moments.mean)
    preds, _ = oracle_predictions(network, xs, y, const, intercept=False)
    np.testing.assert_allclose(result.mse, [mse(y, p) for p in preds], rtol=1e-10)
    assert np.isfinite(result.coef).all()
    assert result.mse[2] == pytest.approx(result.mse[0])  # x3 and agent 0's prediction add nothing to x0


@pytest.mark.parametrize(
    ("cov", "fragment"),
    [
        (np.eye(3)[:2], "square"),
        (np.array([[1.0, 2.0], [0.0, 1.0]]), "symmetric"),
        (np.array([[1.0, 2.0], [2.0, 1.0]]), "positive semi-definite"),
        (np.array([[np.nan, 0.0], [0.0, 1.0]]), "NaN"),
    ],
)
def test_invalid_covariances_are_rejected(cov, fragment):
    with pytest.raises(InputError, match=fragment):
        moments_from_covariance(cov)


def test_dimension_mismatch_and_non_linear_population_learner_are_rejected():
    network = build_network(graphs.path(2), {0: [0], 1: [1]}, 2)
    with pytest.raises(InputError, match="features but the data has"):
        aggregate_population(network, moments_from_covariance(np.eye(4)))
    with pytest.raises(InputError, match="LinearLearner"):
        aggregate_population(network, moments_from_covariance(np.eye(3)), learner=object())
    with pytest.raises(InputError, match="ridge"):
        LinearLearner(ridge=-1.0)
