"""Experiment (b): on the chain-difference distribution, depth bounds aggregation from below.

Three families, all in population mode with one feature per agent: random DAGs (every agent of depth D < d
must have error ≥ 1/(D+1)); the ordering that attains the bound (agent t sees x_{d−t+1} and all earlier
predictions); and hub-and-spokes, whose hub stays at error 1/2 however many spokes see the features.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
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
from marketalign.limits import check_size
from marketalign.network import allocations, graphs
from marketalign.network.bounds import depth_lower_bound
from marketalign.network.distributions import chain_difference
from marketalign.network.instances import hub_and_spokes_network, lower_bound_ordering
from marketalign.network.modes import aggregate_population
from marketalign.network.network import Network, build_network
from marketalign.network.sizes import network_bytes
from marketalign.parallel import ExecutionConfig

TOLERANCE = 1e-9
TASKS_PER_CHUNK = 10  # networks per chunk: ~0.3 s at the default sizes


@dataclass(frozen=True)
class LowerBoundConfig:
    """Random DAGs: ``dags`` per (size, edge probability) on d = ``n_features``; the attaining ordering and
    hub-and-spokes for each d in ``hub_features``. The defaults are the full-scale experiment; :meth:`quick`
    is a run of seconds."""

    n_features: int = 10
    dag_sizes: tuple[int, ...] = (10, 30, 100)
    edge_probs: tuple[float, ...] = (0.05, 0.2, 0.5)
    dags: int = 20
    hub_features: tuple[int, ...] = (3, 10, 50, 100)
    seed: int = 0

    def __post_init__(self) -> None:
        if self.n_features < 2 or any(d < 2 for d in self.hub_features):
            raise InputError(
                f"d (--features) and every hub d (--hub-features) must be at least 2; got {self.n_features} and "
                f"{list(self.hub_features)}."
            )
        if self.dags < 1 or not self.dag_sizes or not self.edge_probs:
            raise InputError(
                f"The bound is checked on random DAGs: --dags must be at least 1 and --dag-sizes and --edge-probs "
                f"non-empty; got {self.dags} DAGs, sizes {list(self.dag_sizes)}, probabilities "
                f"{list(self.edge_probs)}."
            )
        if any(not 0 <= p <= 1 for p in self.edge_probs) or any(n < 1 for n in self.dag_sizes):
            raise InputError(
                f"Edge probabilities must lie in [0, 1] and DAG sizes be positive; got {list(self.edge_probs)} "
                f"and {list(self.dag_sizes)}."
            )
        n, p = max(self.dag_sizes), max(self.edge_probs)
        check_size(
            f"One random DAG of {n} agents with edge probability {p:g}",
            network_bytes(n, math.ceil(p * n * (n - 1) / 2), self.n_features, n + 1),
        )
        d = max(self.hub_features)
        check_size(f"The attaining ordering on d = {d} features", network_bytes(d + 1, d * d // 2, d, d + 1))

    @classmethod
    def quick(cls, seed: int = 0, **choices: Any) -> LowerBoundConfig:
        """A run of seconds: 3 random DAGs per (size in 10, 20; probability in 0.2, 0.5) on d = 5."""
        return cls(n_features=5, dag_sizes=(10, 20), edge_probs=(0.2, 0.5), dags=3, hub_features=(3, 10), seed=seed,
                   **choices)


def about(config: LowerBoundConfig) -> dict[str, str]:
    """What the data and the agents of this run are, for the summary."""
    return {
        "data": "the chain-difference distribution (docs/theory.md §2.4 [OURS]), population mode (exact)",
        "agents": f"linear (OLS) agents seeing one feature each: {config.dags} random DAGs per (size in "
        f"{list(config.dag_sizes)}, edge probability in {list(config.edge_probs)}) on d = {config.n_features}; "
        f"the attaining ordering and hub-and-spokes for d in {list(config.hub_features)}",
    }


@dataclass(frozen=True)
class LowerBoundTask:
    family: str  # "random_dag" | "ordering" | "hub"
    n_features: int
    n_agents: int
    edge_prob: float
    instance: int
    seed: int


def tasks(config: LowerBoundConfig) -> list[LowerBoundTask]:
    keys = [
        ("random_dag", config.n_features, n, p, i)
        for n in config.dag_sizes
        for p in config.edge_probs
        for i in range(config.dags)
    ]
    keys += [
        (family, d, d + (family == "hub"), float("nan"), 0)
        for family in ("ordering", "hub")
        for d in config.hub_features
    ]
    seeds = task_seeds(config.seed, len(keys))
    return [LowerBoundTask(*key, seed=s) for key, s in zip(keys, seeds, strict=True)]


def _network(task: LowerBoundTask) -> Network:
    if task.family == "ordering":
        return lower_bound_ordering(task.n_features)
    if task.family == "hub":
        return hub_and_spokes_network(task.n_features)
    rng = np.random.default_rng(task.seed)
    graph = graphs.random_dag(task.n_agents, rng, edge_prob=task.edge_prob)
    return build_network(graph, allocations.one_feature_each(graph, task.n_features, rng), task.n_features)


def run_task(task: LowerBoundTask) -> list[dict]:
    """One row per agent (per hub for hub-and-spokes): depth, error, error·(D+1)."""
    network = _network(task)
    result = aggregate_population(network, chain_difference(task.n_features).moments())
    depth = network.depths()
    agents = [network.n_agents - 1] if task.family == "hub" else range(network.n_agents)
    return [
        {
            "family": task.family,
            "n_features": task.n_features,
            "n_agents": task.n_agents,
            "edge_prob": task.edge_prob,
            "instance": task.instance,
            "agent": int(a),
            "depth": int(depth[a]),
            "error": float(result.excess[a]),
            "error_times_depth_plus_one": float(result.excess[a] * (depth[a] + 1)),
            "below_full_depth": bool(depth[a] < task.n_features),
        }
        for a in agents
    ]


def run(
    config: LowerBoundConfig, *, quiet: bool = False, execution: ExecutionConfig | None = None
) -> ExperimentResult:
    """Every network of the config, in chunks where ``execution`` says; the table and the checks."""
    table = run_tasks(
        run_task, tasks(config), per_chunk=TASKS_PER_CHUNK, desc="lower bound", quiet=quiet, execution=execution
    )
    summary = base_summary("lowerbound", config, about(config))
    random_part = table[(table["family"] == "random_dag") & table["below_full_depth"]]
    ordering = table[(table["family"] == "ordering") & table["below_full_depth"]]
    hubs = table[table["family"] == "hub"]
    summary["checks"] = {
        "random_dag_agents_checked": len(random_part),
        "min_error_times_depth_plus_one": float(random_part["error_times_depth_plus_one"].min())
        if len(random_part)
        else None,
        "violations": int((random_part["error_times_depth_plus_one"] < 1 - TOLERANCE).sum()),
        "ordering_max_gap_to_bound": float((ordering["error_times_depth_plus_one"] - 1).abs().max()),
        "ordering_attains_bound": bool((ordering["error_times_depth_plus_one"] - 1).abs().max() <= TOLERANCE),
        "hub_errors": {int(r.n_features): float(r.error) for r in hubs.itertuples()},
        "tolerance": TOLERANCE,
    }
    return ExperimentResult("lowerbound", table, summary)


def plot(result: ExperimentResult) -> plt.Figure:
    table, checks = result.table, result.summary["checks"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    random_part = table[table["family"] == "random_dag"]
    jitter = np.random.default_rng(0).uniform(-0.15, 0.15, len(random_part))
    floor = 1e-4  # an error of exactly 0 (depth >= d) is drawn at this floor of the log axis
    for shallow, color, label in (
        (True, "tab:blue", "random DAG agent, D < d"),
        (False, "0.6", "random DAG agent, D >= d"),
    ):
        part = (random_part["below_full_depth"] == shallow).to_numpy()
        left.scatter(
            random_part["depth"][part] + jitter[part],
            random_part["error"][part].clip(lower=floor),
            s=6,
            alpha=0.4,
            color=color,
            label=label,
        )
    ordering = table[table["family"] == "ordering"]
    for d, part in ordering.groupby("n_features"):
        left.plot(
            part["depth"],
            part["error"].clip(lower=floor),
            marker="o",
            markersize=3,
            linewidth=0.8,
            label=f"attaining ordering, d = {d}",
        )
    depth = np.arange(1, max(int(table["depth"].max()), 2) + 1)
    left.plot(depth, depth_lower_bound(depth), "r--", label="1/(D+1)")
    left.set(
        xscale="log",
        yscale="log",
        ylim=(floor / 2, 1.5),
        xlabel="agent depth D",
        ylabel=f"error (benchmark is 0; 0 drawn at {floor:g})",
        title="chain-difference: error vs depth",
    )
    left.legend(fontsize=7, loc="lower left")
    minimum = checks["min_error_times_depth_plus_one"]
    annotate(
        left,
        [
            f"min error*(D+1), D<d: {minimum:.12f}" if minimum is not None else "no random DAG",
            f"violations: {checks['violations']}",
            f"ordering gap: {checks['ordering_max_gap_to_bound']:.1e}",
        ],
        corner="lower right",
    )
    hubs = table[table["family"] == "hub"]
    right.plot(hubs["n_features"], hubs["error"], "o-", color="tab:green", label="hub error")
    right.axhline(0.5, color="r", linestyle="--", label="1/2")
    right.set(
        xscale="log",
        ylim=(0, 1),
        xlabel="number of spokes (= d)",
        ylabel="hub error",
        title="hub-and-spokes: spokes see all features",
    )
    annotate(right, [f"d={d}: {e:.12f}" for d, e in checks["hub_errors"].items()])
    right.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig
