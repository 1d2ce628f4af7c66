"""A network of learning agents: a DAG whose vertices each observe a subset of the features.

Following the paper, every agent sees its own features and its parents' predictions, and agents train in an
order consistent with a topological sort. :class:`Network` stores the agents already in such an order, so that
every parent index is smaller than its child's.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np

from marketalign.errors import InputError

Allocation = Mapping[Hashable, Iterable[int]]


@dataclass(frozen=True)
class Network:
    """Agents 0..n-1 in a topological order: each one's parents (earlier agents) and observed features.

    ``names`` are the node labels of the graph the network was built from, in the same order.

    Attributes
    ----------
    parents : tuple of tuple of int
        Each agent's parents (docs/theory.md §2.1).
    features : tuple of tuple of int
        Each agent's own features.
    n_features : int
        d.
    names : tuple
        The graph's node labels.
    """

    parents: tuple[tuple[int, ...], ...]
    features: tuple[tuple[int, ...], ...]
    n_features: int
    names: tuple[Hashable, ...]

    @property
    def n_agents(self) -> int:
        return len(self.parents)

    def depths(self) -> np.ndarray:
        """Depth of each agent: the number of vertices on the longest path ending at it (a source has 1)."""
        depth = np.ones(self.n_agents, dtype=int)
        for agent, parents in enumerate(self.parents):
            if parents:
                depth[agent] = 1 + max(depth[p] for p in parents)
        return depth

    def depth(self) -> int:
        """Depth of the DAG: the largest agent depth."""
        return int(self.depths().max())

    def sinks(self) -> np.ndarray:
        """Agents with no children."""
        has_child = np.zeros(self.n_agents, dtype=bool)
        for parents in self.parents:
            has_child[list(parents)] = True
        return np.flatnonzero(~has_child)

    def to_graph(self) -> nx.DiGraph:
        """The DAG as a networkx graph on the original names, with each node's ``features`` attribute."""
        graph = nx.DiGraph()
        for name, features in zip(self.names, self.features, strict=True):
            graph.add_node(name, features=features)
        graph.add_edges_from(
            (self.names[p], self.names[child]) for child, ps in enumerate(self.parents) for p in ps
        )
        return graph


def build_network(graph: nx.DiGraph, allocation: Allocation, n_features: int) -> Network:
    """Validate a DAG and a feature allocation (node -> feature indices) and order the agents topologically.

    Raises :class:`InputError` for a graph with a cycle, a node without an allocation (or an allocation for an
    unknown node), or a feature index outside ``0..n_features-1``. The order is the lexicographic topological
    sort keyed by the graph's node order, so the same graph always gives the same network.

    Parameters
    ----------
    graph : networkx.DiGraph
        The DAG (docs/theory.md §2.1).
    allocation : mapping
        Node -> the indices of the features it sees.
    n_features : int
        d, the number of features.

    Returns
    -------
    Network
        The validated network, agents in topological order.

    Raises
    ------
    InputError
        As above.
    """
    if not isinstance(graph, nx.DiGraph):
        raise InputError(f"The network must be a networkx.DiGraph; got {type(graph).__name__}.")
    if isinstance(n_features, bool) or not isinstance(n_features, (int, np.integer)) or n_features < 1:
        raise InputError(f"n_features must be a positive integer; got {n_features!r}.")
    if graph.number_of_nodes() == 0:
        raise InputError("The network has no agents; add at least one node.")
    if not nx.is_directed_acyclic_graph(graph):
        cycle = nx.find_cycle(graph)
        raise InputError(
            f"The network must be acyclic, but it has the cycle {' -> '.join(str(u) for u, _ in cycle)} -> "
            f"{cycle[0][0]}; remove one of its edges."
        )
    missing = [node for node in graph.nodes if node not in allocation]
    if missing:
        raise InputError(
            f"No feature allocation for agents {missing[:5]}; give every node a (possibly empty) list."
        )
    unknown = [node for node in allocation if node not in graph]
    if unknown:
        raise InputError(f"The feature allocation names agents {unknown[:5]} that are not in the graph.")
    order = topological_nodes(graph)
    index = {node: i for i, node in enumerate(order)}
    parents = tuple(tuple(sorted(index[p] for p in graph.predecessors(node))) for node in order)
    features = tuple(_checked_features(node, allocation[node], n_features) for node in order)
    return Network(parents=parents, features=features, n_features=int(n_features), names=tuple(order))


def _checked_features(node: Hashable, chosen: Iterable[int], n_features: int) -> tuple[int, ...]:
    try:
        values = [int(j) for j in chosen]
    except (TypeError, ValueError) as err:
        raise InputError(f"Agent {node!r}: features must be integer indices ({err}).") from err
    bad = [j for j in values if not 0 <= j < n_features]
    if bad:
        raise InputError(
            f"Agent {node!r} observes unknown feature index {bad[0]}; valid indices are 0..{n_features - 1}."
        )
    return tuple(sorted(set(values)))


def topological_nodes(graph: nx.DiGraph) -> list[Hashable]:
    """The graph's nodes in the order :func:`build_network` uses (lexicographic by the graph's node order)."""
    if not nx.is_directed_acyclic_graph(graph):
        raise InputError("The network must be acyclic; remove the edges that close a cycle.")
    position = {node: i for i, node in enumerate(graph.nodes)}
    return list(nx.lexicographical_topological_sort(graph, key=position.__getitem__))
