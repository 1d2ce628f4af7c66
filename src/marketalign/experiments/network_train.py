"""Train a user's network on a user's table: per-agent held-out errors beside the all-features benchmark."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from marketalign.errors import InputError
from marketalign.experiments.network_common import ExperimentResult, annotate, base_summary
from marketalign.experiments.network_general import LEARNERS, make_learner
from marketalign.network.datasets import load_regression, load_table
from marketalign.network.modes import aggregate_sample
from marketalign.network.spec import read_network_spec


@dataclass(frozen=True)
class TrainConfig:
    """The network JSON, the data (a table + target, or a bundled set), the learner and the split."""

    network: str
    table: str | None = None
    target: str | None = None
    dataset: str = "diabetes"
    learner: str = "linear"
    test_fraction: float = 0.3
    crossfit: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.learner not in LEARNERS:
            raise InputError(f"Unknown learner {self.learner!r}; choose from {LEARNERS}.")
        if not 0 <= self.test_fraction < 1:
            raise InputError(f"test_fraction must lie in [0, 1); got {self.test_fraction}.")
        if (self.table is None) != (self.target is None):
            raise InputError("Give both a data table and its target column, or neither (bundled data).")


def run(config: TrainConfig, *, quiet: bool = False) -> ExperimentResult:
    X, y, names = load_table(config.table, config.target) if config.table else load_regression(config.dataset)
    network = read_network_spec(config.network, X.shape[1])
    order = np.random.default_rng(config.seed).permutation(len(y))
    n_test = int(round(config.test_fraction * len(y)))
    test, train = order[:n_test], order[n_test:]
    held = (X[test], y[test]) if n_test else (None, None)
    result = aggregate_sample(
        network,
        X[train],
        y[train],
        *held,
        make_learner(config.learner),
        crossfit=config.crossfit,
        seed=config.seed,
    )
    table = result.to_frame()
    data = (
        f"the user's table {config.table} (label column {config.target!r})"
        if config.table
        else f"scikit-learn's bundled {config.dataset} data (nothing downloaded)"
    )
    about = {
        "data": f"{data}: {len(y)} rows, {X.shape[1]} features, {config.test_fraction:.0%} held out, sample mode",
        "agents": f"the user's network {config.network} ({network.n_agents} agents), every agent a "
        f"{config.learner} learner on its features and its parents' predictions",
    }
    summary = base_summary("train", config, about)
    summary.update(
        {
            "features": list(names),
            "train_rows": int(len(train)),
            "test_rows": int(n_test),
            "benchmark_mse": result.benchmark_mse,
            "depth": network.depth(),
            "best_agent": str(network.names[result.best_agent()]),
            "best_mse": float(result.mse.min()),
            "error": "held-out MSE" if n_test else "training MSE",
        }
    )
    return ExperimentResult("train", table, summary)


def plot(result: ExperimentResult) -> plt.Figure:
    table, summary = result.table, result.summary
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.scatter(table["depth"], table["mse"], s=12, alpha=0.7, label="agent")
    ax.axhline(summary["benchmark_mse"], color="r", linestyle="--", label="benchmark: all features")
    ax.set(xlabel="agent depth", ylabel=summary["error"], title=f"{summary['config']['learner']} agents")
    ax.legend(fontsize=8)
    annotate(
        ax,
        [
            f"best agent {summary['best_agent']}: {summary['best_mse']:.4g}",
            f"benchmark: {summary['benchmark_mse']:.4g}",
        ],
    )
    fig.tight_layout()
    return fig
