"""Experiment (d): real tabular data; random layered DAGs of varying depth and width; error vs topology.

Sample mode with OLS agents on sufficient statistics, one feature per agent (random). Each split shares its
train/test rows across topologies (paired comparisons). The reported agent is the one with the lowest
*training* error (an honest choice); the best test error over agents is also recorded (optimistic).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from marketalign.errors import InputError
from marketalign.experiments.network_common import (
    ExperimentResult,
    annotate,
    base_summary,
    run_tasks,
    task_seeds,
)
from marketalign.network import allocations, graphs
from marketalign.network.datasets import load_regression, load_table
from marketalign.network.linear import LinearLearner
from marketalign.network.modes import aggregate_sample
from marketalign.network.network import build_network
from marketalign.parallel import ExecutionConfig

TASKS_PER_CHUNK = 32  # DAGs per chunk: ~0.2 s (each is one pass over the rows and small solves)


@dataclass(frozen=True)
class RealConfig:
    """Data (a bundled set, or ``table`` + ``target``), the split protocol, and the topology grid.

    The defaults are the full-scale experiment; :meth:`quick` is a run of seconds on the same data.
    """

    dataset: str = "diabetes"
    table: str | None = None
    target: str | None = None
    test_fraction: float = 0.3
    splits: int = 20
    widths: tuple[int, ...] = (1, 2, 4, 8)
    depths: tuple[int, ...] = (1, 2, 3, 4, 6, 8, 12, 16)
    edge_prob: float = 0.5
    features_per_agent: int = 1
    ridge: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.test_fraction < 1:
            raise InputError(f"test_fraction must lie in (0, 1); got {self.test_fraction}.")
        if self.splits < 1 or not self.widths or not self.depths:
            raise InputError("splits must be >= 1 and widths/depths non-empty.")
        if (self.table is None) != (self.target is None):
            raise InputError("Give both a data table and its target column, or neither (bundled data).")

    @classmethod
    def quick(cls, seed: int = 0, **choices: Any) -> RealConfig:
        """A run of seconds: 3 splits, widths 1 and 4, depths 1, 3 and 8."""
        return cls(splits=3, widths=(1, 4), depths=(1, 3, 8), seed=seed, **choices)


def about(config: RealConfig, n_rows: int, n_features: int) -> dict[str, str]:
    """What the data and the agents of this run are, for the summary."""
    data = (
        f"the user's table {config.table} (label column {config.target!r})"
        if config.table is not None
        else "scikit-learn's bundled diabetes data (Efron et al. 2004; nothing downloaded)"
    )
    return {
        "data": f"{data}: {n_rows} rows, {n_features} features; {config.splits} random "
        f"{1 - config.test_fraction:.0%}/{config.test_fraction:.0%} train/test splits, sample mode",
        "agents": f"linear agents (OLS{f', ridge {config.ridge:g}' if config.ridge else ''}) seeing "
        f"{config.features_per_agent} random feature(s) each and their parents' predictions, on layered random "
        f"DAGs (widths {list(config.widths)}, depths {list(config.depths)}, edge probability {config.edge_prob:g}) "
        "and hub-and-spokes",
    }


def load(config: RealConfig) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    if config.table is not None:
        return load_table(str(config.table), config.target)
    return load_regression(config.dataset)


@dataclass(frozen=True)
class RealTask:
    split: int
    split_seed: int
    topology: str  # "layered" | "hub"
    width: int
    depth: int
    seed: int
    config: RealConfig


def tasks(config: RealConfig) -> list[RealTask]:
    split_seeds = task_seeds(config.seed, config.splits)
    keys = [(s, "layered", w, D) for s in range(config.splits) for w in config.widths for D in config.depths]
    keys += [(s, "hub", 0, 2) for s in range(config.splits)]
    seeds = task_seeds(config.seed + 1, len(keys))
    return [
        RealTask(s, split_seeds[s], topo, w, D, seed=t, config=config)
        for (s, topo, w, D), t in zip(keys, seeds, strict=True)
    ]


def _split(n_rows: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(seed).permutation(n_rows)
    n_test = max(1, int(round(fraction * n_rows)))
    return order[n_test:], order[:n_test]


def run_task(data: tuple[np.ndarray, np.ndarray], task: RealTask) -> list[dict]:
    """Train one DAG on its split of the rows ``data`` = (X, y); one row of errors."""
    config = task.config
    X, y = data
    d = X.shape[1]
    train, test = _split(len(y), config.test_fraction, task.split_seed)
    rng = np.random.default_rng(task.seed)
    if task.topology == "hub":
        graph = graphs.hub_and_spokes(d)
        allocation = {s: (s,) for s in range(d)}
        allocation[d] = ()
    else:
        graph = graphs.layered(task.width, task.depth, rng, edge_prob=config.edge_prob)
        allocation = allocations.random_subsets(graph, d, config.features_per_agent, rng)
    network = build_network(graph, allocation, d)
    learner = LinearLearner(ridge=config.ridge)
    result = aggregate_sample(network, X[train], y[train], X[test], y[test], learner)
    chosen = int(np.argmin(result.train_mse))
    last_layer = network.depths() == network.depth()
    variance = float(np.var(y[test]))
    return [
        {
            "split": task.split,
            "topology": task.topology,
            "width": task.width if task.topology != "hub" else d,
            "depth": network.depth(),
            "n_agents": network.n_agents,
            "selected_mse": float(result.mse[chosen]),
            "best_test_mse": float(result.mse.min()),
            "last_layer_mse": float(result.mse[last_layer].mean()),
            "benchmark_mse": result.benchmark_mse,
            "test_variance": variance,
            "excess": float(result.mse[chosen] - result.benchmark_mse),
            "relative_excess": float((result.mse[chosen] - result.benchmark_mse) / variance),
        }
    ]


def run(config: RealConfig, *, quiet: bool = False, execution: ExecutionConfig | None = None) -> ExperimentResult:
    """Every (split, DAG) of the config, in chunks where ``execution`` says (each chunk carries the rows, so
    workers need no access to the data file); the table and the summary."""
    X, y, names = load(config)
    if config.features_per_agent > X.shape[1]:
        raise InputError(f"features_per_agent={config.features_per_agent} exceeds the {X.shape[1]} features.")
    table = run_tasks(
        partial(run_task, (X, y)),
        tasks(config),
        per_chunk=TASKS_PER_CHUNK,
        desc="real-data DAGs",
        quiet=quiet,
        execution=execution,
    )
    summary = base_summary("real", config, about(config, len(y), X.shape[1]))
    summary["data"] = {"rows": int(len(y)), "features": list(names), "label_variance": float(np.var(y))}
    layered = table[table["topology"] == "layered"]
    summary["mean_relative_excess"] = {
        f"width={w}": {int(D): float(v) for D, v in part.groupby("depth")["relative_excess"].mean().items()}
        for w, part in layered.groupby("width")
    }
    summary["hub_mean_relative_excess"] = float(table[table["topology"] == "hub"]["relative_excess"].mean())
    summary["benchmark_mean_mse"] = float(table["benchmark_mse"].mean())
    return ExperimentResult("real", table, summary)


def plot(result: ExperimentResult) -> plt.Figure:
    table, summary = result.table, result.summary
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    layered = table[table["topology"] == "layered"]
    for width, part in layered.groupby("width"):
        stats = part.groupby("depth")["relative_excess"].agg(["mean", "sem"])
        ax.errorbar(
            stats.index,
            stats["mean"],
            yerr=stats["sem"].fillna(0),
            marker="o",
            markersize=3,
            capsize=2,
            label=f"layered, width {width}",
        )
    hub = table[table["topology"] == "hub"]["relative_excess"]
    ax.errorbar(
        [2],
        [hub.mean()],
        yerr=[hub.sem() if len(hub) > 1 else 0],
        marker="s",
        color="k",
        linestyle="none",
        capsize=2,
        label="hub-and-spokes (one spoke per feature)",
    )
    ax.axhline(0, color="0.5", linewidth=0.8)
    ax.set(
        xscale="log",
        xlabel="DAG depth (layers)",
        ylabel="(MSE − benchmark MSE) / Var(y), held out",
        title=f"{summary['config']['table'] or summary['config']['dataset']}: "
        f"{summary['config']['splits']} random splits, mean ± s.e.",
    )
    ax.legend(fontsize=7)
    deepest = max(int(D) for D in layered["depth"])
    annotate(
        ax,
        [f"benchmark MSE/Var = {summary['benchmark_mean_mse'] / table['test_variance'].mean():.3f}"]
        + [
            f"width {w}, depth {deepest}: {v[deepest]:+.3f}"
            for w, v in ((k.split("=")[1], v) for k, v in summary["mean_relative_excess"].items())
            if deepest in v
        ],
    )
    fig.tight_layout()
    return fig
