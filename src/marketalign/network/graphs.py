"""DAG generators: path, hub-and-spokes, layered, random DAGs and trees (networkx graphs on 0..n-1).

Every generator numbers its nodes so that 0..n-1 is already a topological order. Random ones take an explicit
``numpy.random.Generator``.
"""

from __future__ import annotations

from typing import Literal

import networkx as nx
import numpy as np

from marketalign.errors import InputError

Direction = Literal["in", "out"]


def _positive(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise InputError(f"{name} must be a positive integer; got {value!r}.")
    return int(value)


def _probability(name: str, value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise InputError(f"{name} must lie in [0, 1]; got {value!r}.")
    return float(value)


def _empty(n_nodes: int) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n_nodes))
    return graph


def path(n_agents: int) -> nx.DiGraph:
    """The path 0 -> 1 -> ... -> n-1 (depth n)."""
    graph = _empty(_positive("n_agents", n_agents))
    graph.add_edges_from((t, t + 1) for t in range(n_agents - 1))
    return graph


def complete_dag(n_agents: int) -> nx.DiGraph:
    """Every agent is a parent of every later agent (depth n)."""
    graph = _empty(_positive("n_agents", n_agents))
    graph.add_edges_from((s, t) for t in range(n_agents) for s in range(t))
    return graph


def hub_and_spokes(n_spokes: int) -> nx.DiGraph:
    """Spokes 0..k-1 all point to the hub k (depth 2)."""
    graph = _empty(_positive("n_spokes", n_spokes) + 1)
    graph.add_edges_from((s, n_spokes) for s in range(n_spokes))
    return graph


def layered(width: int, depth: int, rng: np.random.Generator, edge_prob: float = 1.0) -> nx.DiGraph:
    """``depth`` layers of ``width`` agents; each agent links to each one of the previous layer with
    probability ``edge_prob`` and to at least one of them, so the DAG's depth is exactly ``depth``."""
    width, depth = _positive("width", width), _positive("depth", depth)
    edge_prob = _probability("edge_prob", edge_prob)
    graph = _empty(width * depth)
    for layer in range(1, depth):
        below = np.arange((layer - 1) * width, layer * width)
        for node in range(layer * width, (layer + 1) * width):
            chosen = below[rng.random(width) < edge_prob]
            if chosen.size == 0:
                chosen = below[[rng.integers(width)]]
            graph.add_edges_from((int(p), node) for p in chosen)
    return graph


def random_dag(
    n_agents: int,
    rng: np.random.Generator,
    *,
    edge_prob: float | None = None,
    in_degree: int | None = None,
) -> nx.DiGraph:
    """A random DAG on the order 0..n-1 (give exactly one option): each earlier agent is a parent with
    probability ``edge_prob``, or agent t draws ``min(in_degree, t)`` distinct earlier agents uniformly."""
    n_agents = _positive("n_agents", n_agents)
    if (edge_prob is None) == (in_degree is None):
        raise InputError("Give exactly one of edge_prob or in_degree for a random DAG.")
    graph = _empty(n_agents)
    if edge_prob is not None:
        edge_prob = _probability("edge_prob", edge_prob)
        for node in range(1, n_agents):
            parents = np.flatnonzero(rng.random(node) < edge_prob)
            graph.add_edges_from((int(p), node) for p in parents)
    else:
        if isinstance(in_degree, bool) or not isinstance(in_degree, (int, np.integer)) or in_degree < 0:
            raise InputError(f"in_degree must be an integer >= 0; got {in_degree!r}.")
        for node in range(1, n_agents):
            parents = rng.choice(node, size=min(int(in_degree), node), replace=False)
            graph.add_edges_from((int(p), node) for p in np.sort(parents))
    return graph


def _orient(edges: list[tuple[int, int]], n_nodes: int, direction: Direction) -> nx.DiGraph:
    """Tree edges (parent_in_tree, child_in_tree) with the root 0; "in" points them to the root."""
    if direction not in ("in", "out"):
        raise InputError(f'direction must be "in" (leaves to root) or "out" (root to leaves): {direction!r}.')
    if direction == "out":
        graph = _empty(n_nodes)
        graph.add_edges_from(edges)
        return graph
    graph = _empty(n_nodes)  # relabel so that 0..n-1 stays topological: the root becomes n-1
    graph.add_edges_from((n_nodes - 1 - child, n_nodes - 1 - parent) for parent, child in edges)
    return graph


def tree(branching: int, height: int, direction: Direction = "in") -> nx.DiGraph:
    """A complete ``branching``-ary tree with ``height`` levels of vertices; "in" = leaves feed the root."""
    branching, height = _positive("branching", branching), _positive("height", height)
    edges, level, next_id = [], [0], 1
    for _ in range(height - 1):
        new_level = []
        for parent in level:
            for _ in range(branching):
                edges.append((parent, next_id))
                new_level.append(next_id)
                next_id += 1
        level = new_level
    return _orient(edges, next_id, direction)


def random_tree(n_agents: int, rng: np.random.Generator, direction: Direction = "in") -> nx.DiGraph:
    """A random recursive tree (vertex t joins a uniform earlier vertex); "in" = leaves feed the root."""
    n_agents = _positive("n_agents", n_agents)
    edges = [(int(rng.integers(t)), t) for t in range(1, n_agents)]
    return _orient(edges, n_agents, direction)
