"""Experiment (d): real tabular data; random layered DAGs of varying depth and width; error vs topology.

Sample mode with OLS agents on sufficient statistics, one feature per agent (random). Each split shares its
train/test rows across topologies (paired comparisons). The reported agent is the one with the lowest
*training* error (an honest choice); the best test error over agents is also recorded (optimistic).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from marketalign.errors import InputError
from marketalign.experiments.network_common import base_summary, network_outcome, run_tasks
from marketalign.experiments.network_configs import RealConfig
from marketalign.experiments.protocol import Outcome, RunContext, Verdict, sized_config
from marketalign.network import allocations, graphs
from marketalign.network.datasets import load_regression, load_table
from marketalign.network.linear import LinearLearner
from marketalign.network.modes import aggregate_sample
from marketalign.network.network import build_network
from marketalign.report.network_figures import plot_real
from marketalign.seeding import integer_seeds, stream

TASKS_PER_CHUNK = 32  # DAGs per chunk: ~0.2 s (each is one pass over the rows and small solves)


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
    split_seeds = integer_seeds(config.seed, config.splits)
    keys = [(s, "layered", w, D) for s in range(config.splits) for w in config.widths for D in config.depths]
    keys += [(s, "hub", 0, 2) for s in range(config.splits)]
    seeds = integer_seeds(config.seed + 1, len(keys))
    return [
        RealTask(s, split_seeds[s], topo, w, D, seed=t, config=config)
        for (s, topo, w, D), t in zip(keys, seeds, strict=True)
    ]


def _split(n_rows: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    order = stream(seed).permutation(n_rows)
    n_test = max(1, int(round(fraction * n_rows)))
    return order[n_test:], order[:n_test]


def run_task(data: tuple[np.ndarray, np.ndarray], task: RealTask) -> list[dict]:
    """Train one DAG on its split of the rows ``data`` = (X, y); one row of errors."""
    config = task.config
    X, y = data
    d = X.shape[1]
    train, test = _split(len(y), config.test_fraction, task.split_seed)
    rng = stream(task.seed)
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


def configure(*, quick: bool, seed: int, dataset: str, table: str | None, target: str | None,
              splits: int | None, widths: tuple[int, ...] | None, depths: tuple[int, ...] | None,
              ridge: float) -> RealConfig:
    """The config of ``marketalign network real``: the full-scale or ``quick`` sizes, with those given.

    Raises
    ------
    InputError
        When the config refuses a value (:class:`RealConfig`).
    """
    return sized_config(RealConfig, quick, seed, {"splits": splits, "widths": widths, "depths": depths},
                        dataset=dataset, table=table, target=target, ridge=ridge)


def run(config: RealConfig, context: RunContext) -> Outcome:
    """Every (split, DAG) of the config, in chunks where ``context.execution`` says (each chunk carries the rows,
    so workers need no access to the data file).

    Parameters
    ----------
    config : RealConfig
        The experiment.
    context : RunContext
        Where the tasks run and whether progress bars show.

    Returns
    -------
    Outcome
        ``results.csv`` (one row per (split, DAG)), the summary with the mean relative excess per width and
        depth, ``real.png``, and the measured headline.

    Raises
    ------
    InputError
        When the table cannot be read or an agent would see more features than it has.
    """
    X, y, names = load(config)
    if config.features_per_agent > X.shape[1]:
        raise InputError(f"features_per_agent={config.features_per_agent} exceeds the {X.shape[1]} features.")
    table = run_tasks(
        partial(run_task, (X, y)),
        tasks(config),
        per_chunk=TASKS_PER_CHUNK,
        desc="real-data DAGs",
        quiet=context.quiet,
        execution=context.execution,
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
    lines = (
        f"{summary['data']['rows']} rows, {len(summary['data']['features'])} features",
        *(
            f"{width}: excess/Var(y) by depth " + ", ".join(f"{d}: {v:+.3f}" for d, v in curve.items())
            for width, curve in summary["mean_relative_excess"].items()
        ),
        f"hub-and-spokes: {summary['hub_mean_relative_excess']:+.3f}",
    )
    deepest = {width: curve[max(curve)] for width, curve in summary["mean_relative_excess"].items()}
    headline = (f"excess error / Var(y) at depth {max(next(iter(summary['mean_relative_excess'].values())))}: "
                + ", ".join(f"{width} {value:.3f}" for width, value in deepest.items())
                + f" · hub-and-spokes {summary['hub_mean_relative_excess']:.3f}")
    return network_outcome(summary, table, partial(plot_real, table, summary), Verdict("measured", lines, headline))
