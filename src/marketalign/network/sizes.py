"""The memory a network takes, free of imports so that the experiments' configurations (and the command line's
help, which shows their defaults) refuse a size without loading networkx or numpy."""

from __future__ import annotations

NODE_BYTES = 1024  # a networkx node with its attribute dicts (measured: about 830)
EDGE_BYTES = 128  # a networkx edge (measured: about 90)


def network_bytes(n_agents: int, n_edges: int, n_features: int, max_inputs: int) -> int:
    """Estimated memory of building a network and training its linear agents in population mode.

    Counts the graph, the agents' predictors and a few (n_agents, d + 1) arrays, the (d + 1)² moments, and the
    basis of the agent with the most inputs (features plus parents, ``max_inputs``).
    """
    width = n_features + 1
    floats = 4 * n_agents * width + 8 * width * width + 4 * width * max_inputs
    return NODE_BYTES * n_agents + EDGE_BYTES * n_edges + 8 * floats
