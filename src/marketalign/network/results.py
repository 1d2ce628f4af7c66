"""The outcome of training one network: per-agent errors beside the all-features benchmark."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from marketalign.network.network import Network


@dataclass(frozen=True)
class AggregationResult:
    """Per-agent errors of a trained network (agents in the network's topological order).

    ``mse`` is the population MSE (population mode) or the held-out MSE (sample mode; the training MSE when no
    test set was given). ``benchmark_mse`` is the same learner trained on all features, the paper's
    information-aggregation benchmark. ``coef`` holds each linear agent's predictor over (1, x_1..x_d).

    Attributes
    ----------
    network : Network
        The trained network.
    mse : numpy.ndarray, shape (n_agents,)
        Each agent's error, as above.
    benchmark_mse : float
        The all-features benchmark's error.
    mode : {"population", "sample"}
        How the errors were computed (docs/theory.md §2.2).
    train_mse : numpy.ndarray or None
        Sample mode with a test set: each agent's training MSE.
    benchmark_train_mse : float or None
        The benchmark's training MSE, likewise.
    coef : numpy.ndarray or None
        Linear agents: their predictors over (1, x_1..x_d), one row per agent.
    """

    network: Network
    mse: np.ndarray
    benchmark_mse: float
    mode: str
    train_mse: np.ndarray | None = None
    benchmark_train_mse: float | None = None
    coef: np.ndarray | None = None

    @property
    def excess(self) -> np.ndarray:
        """Excess error of every agent over the benchmark, MSE(f_i) − MSE(f*)."""
        return self.mse - self.benchmark_mse

    def best_agent(self) -> int:
        """Index of the agent with the smallest error (the first one on ties)."""
        return int(np.argmin(self.mse))

    def to_frame(self) -> pd.DataFrame:
        """One row per agent: name, depth, number of parents and features, MSE and excess."""
        net = self.network
        frame = pd.DataFrame(
            {
                "agent": np.arange(net.n_agents),
                "name": [str(name) for name in net.names],
                "depth": net.depths(),
                "n_parents": [len(p) for p in net.parents],
                "n_features": [len(f) for f in net.features],
                "mse": self.mse,
                "excess": self.excess,
            }
        )
        if self.train_mse is not None:
            frame["train_mse"] = self.train_mse
        return frame
