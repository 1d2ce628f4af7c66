"""A user's network as JSON: ``{"agents": {"name": {"features": [0, 2], "parents": ["other"]}, ...}}``.

Feature indices refer to the data's feature columns in order (0-based). Validation (acyclicity, known
parents and feature indices) happens in :func:`~marketalign.network.network.build_network`.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from marketalign.errors import InputError
from marketalign.network.network import Network, build_network


def read_network_spec(path: str | Path, n_features: int) -> Network:
    """Read and validate a network description from JSON."""
    try:
        payload = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise InputError(f"Cannot read the network description {path}: {err}.") from err
    agents = payload.get("agents") if isinstance(payload, dict) else None
    if not isinstance(agents, dict) or not agents:
        raise InputError(f'{path} must hold {{"agents": {{name: {{"features": [...], "parents": [...]}}}}}}.')
    graph = nx.DiGraph()
    graph.add_nodes_from(agents)
    allocation = {}
    for name, agent in agents.items():
        if not isinstance(agent, dict):
            raise InputError(f"{path}: agent {name!r} must be an object with 'features' and 'parents'.")
        for parent in agent.get("parents", []):
            if parent not in agents:
                raise InputError(f"{path}: agent {name!r} names an unknown parent {parent!r}.")
            graph.add_edge(parent, name)
        allocation[name] = agent.get("features", [])
    return build_network(graph, allocation, n_features)
