"""Feature allocations: which features each agent observes (a dict node -> tuple of feature indices).

Agents are taken in the topological order that :func:`~marketalign.network.network.build_network` uses, so
"agent t" below means the t-th agent of that order.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import networkx as nx
import numpy as np

from marketalign.errors import InputError
from marketalign.network.network import Network, topological_nodes

FeatureMap = dict[Hashable, tuple[int, ...]]


def _check_count(name: str, value: int, n_features: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 1 <= value <= n_features:
        raise InputError(
            f"{name} must be an integer between 1 and the number of features ({n_features}); got {value!r}."
        )
    return int(value)


def one_feature_each(graph: nx.DiGraph, n_features: int, rng: np.random.Generator) -> FeatureMap:
    """Every agent observes one feature drawn uniformly at random."""
    _check_count("n_features", n_features, n_features)
    return {node: (int(rng.integers(n_features)),) for node in topological_nodes(graph)}


def cyclic(graph: nx.DiGraph, n_features: int, per_agent: int = 1, start: int = 0) -> FeatureMap:
    """Agent t observes features (start + t·k) .. (start + t·k + k − 1) modulo d, k = ``per_agent``:
    along a path the agents cycle through x_1..x_d, x_1, ... in turn (the cyclic-coverage path)."""
    per_agent = _check_count("per_agent", per_agent, n_features)
    return {
        node: tuple(sorted({(start + t * per_agent + j) % n_features for j in range(per_agent)}))
        for t, node in enumerate(topological_nodes(graph))
    }


def random_subsets(graph: nx.DiGraph, n_features: int, size: int, rng: np.random.Generator) -> FeatureMap:
    """Every agent observes ``size`` distinct features drawn uniformly at random."""
    size = _check_count("size", size, n_features)
    return {
        node: tuple(sorted(int(j) for j in rng.choice(n_features, size=size, replace=False)))
        for node in topological_nodes(graph)
    }


def by_importance(
    graph: nx.DiGraph, importance: Sequence[float], per_agent: int = 1, most_important: str = "last"
) -> FeatureMap:
    """Features ranked by ``importance`` (e.g. |w*_j|·sd(x_j)) are dealt to the agents in topological order,
    ``per_agent`` at a time, cycling; ``most_important="last"`` gives the most important ones to the deepest
    agents, ``"first"`` to the sources. Ties keep the lower index first."""
    importance = np.asarray(importance, dtype=float)
    if importance.ndim != 1 or importance.size == 0 or not np.isfinite(importance).all():
        raise InputError("importance must be a non-empty 1-D array of finite numbers, one per feature.")
    if most_important not in ("first", "last"):
        raise InputError(f'most_important must be "first" or "last"; got {most_important!r}.')
    d = importance.size
    per_agent = _check_count("per_agent", per_agent, d)
    ranking = np.argsort(-importance, kind="stable")
    nodes = topological_nodes(graph)
    if most_important == "last":
        ranking = ranking[::-1]
    return {
        node: tuple(sorted({int(ranking[(t * per_agent + j) % d]) for j in range(per_agent)}))
        for t, node in enumerate(nodes)
    }


def covered(
    graph: nx.DiGraph, n_features: int, window: int, rng: np.random.Generator, extra_prob: float = 0.0
) -> FeatureMap:
    """An M-covered allocation (M = ``window``): the features are split at random into M non-empty groups and
    agent t observes group t mod M, plus each other feature with probability ``extra_prob``. Along a path,
    every M consecutive agents then see all features together."""
    window = _check_count("window", window, n_features)
    if not 0.0 <= extra_prob <= 1.0:
        raise InputError(f"extra_prob must lie in [0, 1]; got {extra_prob!r}.")
    order = rng.permutation(n_features)
    groups = [order[g::window] for g in range(window)]
    allocation = {}
    for t, node in enumerate(topological_nodes(graph)):
        extras = np.flatnonzero(rng.random(n_features) < extra_prob) if extra_prob > 0 else []
        allocation[node] = tuple(sorted({int(j) for j in groups[t % window]} | {int(j) for j in extras}))
    return allocation


def coverage_window(network: Network) -> int | None:
    """The smallest M such that every M consecutive agents (in topological order) observe all features
    together; None when even all agents together miss a feature.

    Parameters
    ----------
    network : Network
        The agents, in topological order.

    Returns
    -------
    int or None
        M, the window of M-coverage (docs/theory.md §2.3), between 1 and the number of agents.
    """
    d, n = network.n_features, network.n_agents
    if set().union(*network.features) != set(range(d)):
        return None
    run = np.full(n, n + 1)  # run[s]: length of the shortest run from agent s that sees every feature
    counts = np.zeros(d, dtype=int)
    seen, end = 0, 0  # two pointers: features seen in agents s..end-1
    for start in range(n):
        while seen < d and end < n:
            for j in network.features[end]:
                seen += counts[j] == 0
                counts[j] += 1
            end += 1
        if seen == d:
            run[start] = end - start
        for j in network.features[start]:
            counts[j] -= 1
            seen -= counts[j] == 0
    worst_from = np.maximum.accumulate(run)  # worst_from[s] = max run over starts 0..s
    for window in range(1, n + 1):
        if worst_from[n - window] <= window:
            return window
    return n
