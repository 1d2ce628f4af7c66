"""Experiment (e): general learners vs linear ones on non-linear data (Friedman #1), along paths and a hub.

Agents on a path observe ``per_agent`` features each, cycling through the d features; every learner sees the
same rows (paired). Benchmarks: each learner given all features, and the Bayes error (the noise variance).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor

from marketalign.errors import InputError
from marketalign.experiments.network_common import (
    ExperimentResult,
    annotate,
    base_summary,
    run_tasks,
    task_seeds,
)
from marketalign.network import allocations, graphs
from marketalign.network.distributions import friedman_sample
from marketalign.network.greedy import GreedyResidualRegressor
from marketalign.network.linear import LinearLearner
from marketalign.network.modes import aggregate_sample
from marketalign.network.network import build_network
from marketalign.parallel import ExecutionConfig

LEARNERS = ("linear", "greedy", "gbm", "forest")
TASKS_PER_CHUNK = 1  # one (draw, learner, topology) per chunk: seconds each at the default sizes


def make_learner(name: str):
    """The learner behind each name: OLS on moments, the greedy residual learner on depth-3 trees, gradient
    boosting (100 depth-3 trees), or a random forest (100 trees, leaves of at least 5 rows)."""
    if name == "linear":
        return LinearLearner()
    if name == "greedy":
        return GreedyResidualRegressor(n_rounds=40, tol=1e-3)
    if name == "gbm":
        return GradientBoostingRegressor(n_estimators=100, max_depth=3)
    if name == "forest":
        return RandomForestRegressor(n_estimators=100, min_samples_leaf=5, n_jobs=1)
    raise InputError(f"Unknown learner {name!r}; choose from {LEARNERS}.")


@dataclass(frozen=True)
class GeneralConfig:
    """Data size and noise, the learners, the path length and features per agent, and repetitions.

    The defaults are the full-scale experiment; :meth:`quick` is a run of seconds.
    """

    n_features: int = 10
    train_rows: int = 2000
    test_rows: int = 5000
    noise: float = 1.0
    learners: tuple[str, ...] = ("linear", "greedy", "gbm")
    max_depth: int = 20
    per_agent: int = 2
    instances: int = 3
    crossfit: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        unknown = set(self.learners) - set(LEARNERS)
        if unknown or not self.learners:
            raise InputError(f"learners must be a non-empty subset of {LEARNERS}; got {self.learners}.")
        if self.n_features < 5 or not 1 <= self.per_agent <= self.n_features:
            raise InputError("Friedman #1 needs n_features >= 5, and per_agent must lie in 1..n_features.")
        if self.max_depth < 1 or self.instances < 1 or self.train_rows < 10 or self.test_rows < 1:
            raise InputError("max_depth and instances must be >= 1, train_rows >= 10 and test_rows >= 1.")

    @classmethod
    def quick(cls, seed: int = 0, **choices: Any) -> GeneralConfig:
        """A run of seconds: 300 training rows, 600 test rows, paths of 6 agents, one draw."""
        return cls(train_rows=300, test_rows=600, max_depth=6, instances=1, seed=seed, **choices)


def about(config: GeneralConfig) -> dict[str, str]:
    """What the data and the agents of this run are, for the summary."""
    return {
        "data": f"Friedman #1 (scikit-learn's make_friedman1: non-linear, generated, not downloaded), "
        f"d = {config.n_features}, noise {config.noise:g}; {config.train_rows} training and {config.test_rows} "
        f"test rows per draw, {config.instances} draw(s), sample mode",
        "agents": f"learners {list(config.learners)} on a path of {config.max_depth} agents seeing "
        f"{config.per_agent} features each (cycling) and on hub-and-spokes; each agent also sees its parents' "
        "predictions",
    }


@dataclass(frozen=True)
class GeneralTask:
    instance: int
    data_seed: int
    learner: str
    topology: str  # "path" | "hub"
    config: GeneralConfig


def tasks(config: GeneralConfig) -> list[GeneralTask]:
    data_seeds = task_seeds(config.seed, config.instances)
    return [
        GeneralTask(i, data_seeds[i], learner, topology, config)
        for i in range(config.instances)
        for learner in config.learners
        for topology in ("path", "hub")
    ]


def run_task(task: GeneralTask) -> list[dict]:
    config = task.config
    rng = np.random.default_rng(task.data_seed)
    d = config.n_features
    X, y = friedman_sample(config.train_rows, d, config.noise, rng)
    Xt, yt = friedman_sample(config.test_rows, d, config.noise, rng)
    if task.topology == "path":
        graph = graphs.path(config.max_depth)
        allocation = allocations.cyclic(graph, d, per_agent=config.per_agent, start=int(rng.integers(d)))
    else:
        graph = graphs.hub_and_spokes(d)
        allocation = {s: (s,) for s in range(d)}
        allocation[d] = ()
    network = build_network(graph, allocation, d)
    result = aggregate_sample(
        network, X, y, Xt, yt, make_learner(task.learner), crossfit=config.crossfit, seed=task.data_seed
    )
    agents = range(network.n_agents) if task.topology == "path" else [network.n_agents - 1]
    depth = network.depths()
    return [
        {
            "instance": task.instance,
            "learner": task.learner,
            "topology": task.topology,
            "depth": int(depth[a]),
            "test_mse": float(result.mse[a]),
            "train_mse": float(result.train_mse[a]),
            "benchmark_mse": result.benchmark_mse,
            "bayes_mse": config.noise**2,
        }
        for a in agents
    ]


def run(config: GeneralConfig, *, quiet: bool = False, execution: ExecutionConfig | None = None) -> ExperimentResult:
    """Every (draw, learner, topology), in chunks where ``execution`` says; the table and the summary."""
    table = run_tasks(
        run_task, tasks(config), per_chunk=TASKS_PER_CHUNK, desc="general learners", quiet=quiet, execution=execution
    )
    summary = base_summary("general", config, about(config))
    path = table[table["topology"] == "path"]
    deepest = path[path["depth"] == path["depth"].max()]
    summary["last_agent_test_mse"] = deepest.groupby("learner")["test_mse"].mean().to_dict()
    summary["benchmark_test_mse"] = table.groupby("learner")["benchmark_mse"].mean().to_dict()
    summary["hub_test_mse"] = (
        table[table["topology"] == "hub"].groupby("learner")["test_mse"].mean().to_dict()
    )
    summary["bayes_mse"] = config.noise**2
    return ExperimentResult("general", table, summary)


def plot(result: ExperimentResult) -> plt.Figure:
    table, summary = result.table, result.summary
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    path = table[table["topology"] == "path"]
    for color, (learner, part) in zip(plt.cm.tab10.colors, path.groupby("learner", sort=False), strict=False):
        mean = part.groupby("depth")["test_mse"].mean()
        ax.plot(mean.index, mean.values, color=color, label=f"{learner}: agent at depth D")
        ax.axhline(summary["benchmark_test_mse"][learner], color=color, linestyle="--", linewidth=0.8)
        hub = summary["hub_test_mse"].get(learner)
        if hub is not None:
            ax.scatter([2], [hub], color=color, marker="s", zorder=3)
    ax.axhline(summary["bayes_mse"], color="k", linestyle=":", label="Bayes error (noise variance)")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="depth D along the path",
        ylabel="held-out MSE",
        title="Friedman #1: dashed = learner on all features, squares = hub-and-spokes",
    )
    ax.legend(fontsize=7, loc="upper right")
    annotate(
        ax,
        [
            f"{k}: last {v:.2f}, all-features {summary['benchmark_test_mse'][k]:.2f}"
            for k, v in summary["last_agent_test_mse"].items()
        ],
        corner="lower left",
    )
    fig.tight_layout()
    return fig
