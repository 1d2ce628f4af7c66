"""The networks that go with the chain-difference distribution (docs/theory.md §2.4–2.5, [OURS] constructions)."""

from __future__ import annotations

from marketalign.network import allocations, graphs
from marketalign.network.network import Network, build_network


def lower_bound_ordering(n_features: int) -> Network:
    """d agents; agent t (t = 1..d) observes x_{d−t+1} and the predictions of all earlier agents.

    On the chain-difference distribution the agent at depth D has error exactly 1/(D+1): the lower bound is
    attained (docs/theory.md §2.4). (A single-parent path does not attain it beyond depth 2.)

    Parameters
    ----------
    n_features : int
        d >= 1.

    Returns
    -------
    Network
        The complete DAG on d agents with that allocation.

    Raises
    ------
    InputError
        When ``n_features < 1``.
    """
    graph = graphs.complete_dag(n_features)
    return build_network(graph, {t: (n_features - 1 - t,) for t in graph.nodes}, n_features)


def hub_and_spokes_network(n_features: int) -> Network:
    """One spoke per feature, all feeding a hub that observes no feature itself: the spokes together see
    everything, yet on the chain-difference distribution the hub's error stays 1/2.

    Parameters
    ----------
    n_features : int
        d >= 1: agents 0..d−1 are the spokes (agent s sees x_{s+1}), agent d the hub.

    Returns
    -------
    Network
        The depth-2 network (docs/theory.md §2.4).

    Raises
    ------
    InputError
        When ``n_features < 1``.
    """
    graph = graphs.hub_and_spokes(n_features)
    allocation = {s: (s,) for s in range(n_features)}
    allocation[n_features] = ()
    return build_network(graph, allocation, n_features)


def cyclic_coverage_path(n_features: int, passes: int) -> Network:
    """A path of ``passes · d`` agents observing x_1..x_d, x_1, ... in turn, one feature each.

    The cyclic-coverage path of docs/theory.md §2.5.

    Parameters
    ----------
    n_features : int
        d >= 1.
    passes : int
        How many times the path cycles through the features, >= 1.

    Returns
    -------
    Network
        The path, M-covered with M = d.

    Raises
    ------
    InputError
        When ``n_features`` or ``passes`` is below 1.
    """
    graph = graphs.path(n_features * passes)
    return build_network(graph, allocations.cyclic(graph, n_features), n_features)
