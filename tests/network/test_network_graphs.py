"""Generators, allocations, depth and validation of the network structure."""

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketalign import InputError
from marketalign.network import allocations, build_network, coverage_window, graphs


def brute_force_window(features, d):
    n = len(features)
    for window in range(1, n + 1):
        if all(set().union(*features[s : s + window]) == set(range(d)) for s in range(n - window + 1)):
            return window
    return None


@given(st.integers(0, 2**32 - 1))
def test_coverage_window_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    d, n = int(rng.integers(1, 6)), int(rng.integers(1, 25))
    graph = graphs.path(n)
    allocation = {t: tuple(np.flatnonzero(rng.random(d) < 0.3)) for t in range(n)}
    network = build_network(graph, allocation, d)
    assert coverage_window(network) == brute_force_window(list(network.features), d)


@given(st.integers(0, 2**32 - 1), st.integers(1, 8))
def test_covered_allocation_is_window_covered(seed, window):
    rng = np.random.default_rng(seed)
    d = int(rng.integers(window, 12))
    graph = graphs.path(int(rng.integers(window, 40)))
    network = build_network(graph, allocations.covered(graph, d, window, rng, extra_prob=0.1), d)
    assert coverage_window(network) <= window


def test_depths_of_the_generators():
    rng = np.random.default_rng(0)
    assert build_network(graphs.path(7), {t: () for t in range(7)}, 1).depth() == 7
    hub = graphs.hub_and_spokes(5)
    assert build_network(hub, {t: () for t in hub}, 1).depth() == 2
    for width, depth in [(1, 4), (3, 5), (6, 2)]:
        g = graphs.layered(width, depth, rng, edge_prob=0.2)
        assert build_network(g, {t: () for t in g}, 1).depth() == depth
    t = graphs.tree(2, 4)
    net = build_network(t, {v: () for v in t}, 1)
    assert net.n_agents == 15 and net.depth() == 4 and list(net.sinks()) == [14]
    out = graphs.tree(3, 3, direction="out")
    assert out.number_of_nodes() == 13 and dict(out.in_degree())[0] == 0
    rt = graphs.random_tree(30, rng)
    assert nx.is_arborescence(rt.reverse())


@given(st.integers(0, 2**32 - 1))
def test_generators_number_nodes_in_topological_order(seed):
    rng = np.random.default_rng(seed)
    for graph in (
        graphs.random_dag(20, rng, edge_prob=0.3),
        graphs.random_dag(20, rng, in_degree=3),
        graphs.layered(3, 4, rng, 0.5),
        graphs.random_tree(15, rng),
        graphs.complete_dag(6),
    ):
        assert all(u < v for u, v in graph.edges)
        network = build_network(graph, {v: () for v in graph}, 1)
        assert list(network.names) == sorted(graph.nodes)
        assert all(all(p < child for p in ps) for child, ps in enumerate(network.parents))


def test_in_degree_dag_has_the_requested_in_degrees():
    graph = graphs.random_dag(50, np.random.default_rng(2), in_degree=3)
    assert [graph.in_degree(v) for v in range(5)] == [0, 1, 2, 3, 3]
    assert all(graph.in_degree(v) == 3 for v in range(3, 50))


def test_allocations():
    graph = graphs.path(5)
    assert allocations.cyclic(graph, 3) == {0: (0,), 1: (1,), 2: (2,), 3: (0,), 4: (1,)}
    assert allocations.cyclic(graph, 4, per_agent=2)[1] == (2, 3)
    by_imp = allocations.by_importance(graph, [0.1, 5.0, 1.0], most_important="last")
    assert by_imp[2] == (1,) and by_imp[0] == (0,)
    assert allocations.by_importance(graph, [0.1, 5.0, 1.0], most_important="first")[0] == (1,)
    rng = np.random.default_rng(0)
    assert all(len(f) == 2 for f in allocations.random_subsets(graph, 4, 2, rng).values())
    assert all(0 <= f[0] < 4 for f in allocations.one_feature_each(graph, 4, rng).values())


def test_network_round_trips_through_networkx():
    graph = nx.DiGraph([("a", "c"), ("b", "c"), ("c", "d")])
    network = build_network(graph, {"a": [1], "b": [0], "c": [], "d": [2, 0, 2]}, 3)
    assert network.features[network.names.index("d")] == (0, 2)
    back = network.to_graph()
    assert set(back.edges) == set(graph.edges) and back.nodes["a"]["features"] == (1,)


@pytest.mark.parametrize(
    ("graph", "allocation", "fragment"),
    [
        (nx.DiGraph([(0, 1), (1, 2), (2, 0)]), {0: [0], 1: [0], 2: [0]}, "cycle 0 -> 1 -> 2 -> 0"),
        (nx.DiGraph([(0, 1)]), {0: [0], 1: [3]}, "unknown feature index 3"),
        (nx.DiGraph([(0, 1)]), {0: [0], 1: [-1]}, "unknown feature index -1"),
        (nx.DiGraph([(0, 1)]), {0: [0]}, "No feature allocation"),
        (nx.DiGraph([(0, 1)]), {0: [0], 1: [1], 7: [0]}, "not in the graph"),
        (nx.DiGraph([(0, 1)]), {0: [0], 1: ["x"]}, "integer indices"),
        (nx.Graph([(0, 1)]), {0: [0], 1: [1]}, "DiGraph"),
        (nx.DiGraph(), {}, "no agents"),
    ],
)
def test_bad_networks_are_rejected(graph, allocation, fragment):
    with pytest.raises(InputError, match=fragment):
        build_network(graph, allocation, 2)


@pytest.mark.parametrize(
    "call",
    [
        lambda rng: graphs.path(0),
        lambda rng: graphs.random_dag(5, rng),
        lambda rng: graphs.random_dag(5, rng, edge_prob=0.2, in_degree=2),
        lambda rng: graphs.random_dag(5, rng, edge_prob=1.5),
        lambda rng: graphs.layered(2, 0, rng),
        lambda rng: graphs.tree(2, 2, direction="sideways"),
        lambda rng: allocations.covered(graphs.path(3), 2, 3, rng),
        lambda rng: allocations.random_subsets(graphs.path(3), 2, 0, rng),
        lambda rng: allocations.by_importance(graphs.path(3), [], 1),
    ],
)
def test_bad_generator_arguments_are_rejected(call):
    with pytest.raises(InputError):
        call(np.random.default_rng(0))


def test_same_seed_same_graph():
    make = lambda: sorted(graphs.random_dag(30, np.random.default_rng(9), edge_prob=0.2).edges)  # noqa: E731
    assert make() == make()
    assert list(itertools.islice(make(), 3)) != []
