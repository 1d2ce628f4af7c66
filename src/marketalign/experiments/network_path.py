"""Experiment (a): excess error vs depth on M-covered paths, with the O(M/√D) upper bound drawn.

Every M consecutive agents of the path together observe all d features (a random split of the features into M
groups, taken in turn). Population mode, so the curves are exact. The bound's constant is ours (docs/theory.md §2.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from marketalign.experiments.network_common import base_summary, network_outcome, run_tasks
from marketalign.experiments.network_configs import PathConfig
from marketalign.experiments.protocol import Outcome, RunContext, Verdict, sized_config
from marketalign.network import allocations, graphs
from marketalign.network.bounds import covered_path_bound
from marketalign.network.distributions import chain_difference, random_linear_gaussian
from marketalign.network.modes import aggregate_population
from marketalign.network.network import build_network
from marketalign.report.network_figures import plot_path
from marketalign.seeding import integer_seeds, stream

TASKS_PER_CHUNK = 5  # paths per chunk: ~0.4 s at the default 400 agents


def about(config: PathConfig) -> dict[str, str]:
    """What the data and the agents of this run are, for the summary."""
    models = {
        "random": f"random Gaussian linear models (unit feature scale, ||w*||_1 = {config.weight_l1:g}, noise "
        f"{config.noise:g}, correlation {config.correlation:g})",
        "chain": "the chain-difference distribution (docs/theory.md §2.4 [OURS])",
    }
    return {
        "data": f"{' and '.join(models[d] for d in config.distributions)} on d = {config.n_features} features; "
        "population mode (exact moments, no samples; synthetic)",
        "agents": f"linear (OLS) agents on paths of up to {config.max_depth} agents, each seeing its own features "
        f"and its parent's prediction; every M consecutive agents together see all features (M-covered, "
        f"M in {list(config.windows)}), {config.instances} random feature splits per (distribution, M)",
    }


@dataclass(frozen=True)
class PathTask:
    distribution: str
    window: int
    instance: int
    seed: int
    config: PathConfig


def tasks(config: PathConfig) -> list[PathTask]:
    """One task per (distribution, window, instance), each with its own seed."""
    keys = [
        (dist, m, i) for dist in config.distributions for m in config.windows for i in range(config.instances)
    ]
    seeds = integer_seeds(config.seed, len(keys))
    return [PathTask(*key, seed=s, config=config) for key, s in zip(keys, seeds, strict=True)]


def _depth_grid(max_depth: int) -> np.ndarray:
    return np.unique(np.round(np.geomspace(1, max_depth, 60)).astype(int))


def run_task(task: PathTask) -> list[dict]:
    """Train one M-covered path in population mode; one row per depth on a log grid."""
    config, rng = task.config, stream(task.seed)
    d = config.n_features
    if task.distribution == "random":
        model = random_linear_gaussian(
            d, rng, weight_l1=config.weight_l1, noise=config.noise, correlation=config.correlation
        )
    else:
        model = chain_difference(d)
    moments = model.moments()
    graph = graphs.path(config.max_depth)
    network = build_network(graph, allocations.covered(graph, d, task.window, rng), d)
    result = aggregate_population(network, moments)
    depth = _depth_grid(config.max_depth)
    bound = covered_path_bound(moments, task.window, depth)
    excess = np.maximum(result.excess[depth - 1], 0.0)
    return [
        {
            "distribution": task.distribution,
            "window": task.window,
            "instance": task.instance,
            "depth": int(D),
            "excess": float(e),
            "bound": float(b),
            "ratio": float(e / b),
        }
        for D, e, b in zip(depth, excess, bound, strict=True)
    ]


def configure(*, quick: bool, seed: int, features: int | None, windows: tuple[int, ...] | None,
              max_depth: int | None, instances: int | None) -> PathConfig:
    """The config of ``marketalign network path``: the full-scale or ``quick`` sizes, with those given.

    Raises
    ------
    InputError
        When the config refuses a value (:class:`PathConfig`).
    """
    return sized_config(PathConfig, quick, seed, {"n_features": features, "windows": windows,
                                                  "max_depth": max_depth, "instances": instances})


def run(config: PathConfig, context: RunContext) -> Outcome:
    """Every covered path of the config, in chunks where ``context.execution`` says.

    Parameters
    ----------
    config : PathConfig
        The experiment.
    context : RunContext
        Where the tasks run and whether progress bars show.

    Returns
    -------
    Outcome
        ``results.csv`` (one row per (path, depth)), the summary with the checks and decay slopes, ``path.png``,
        and the verdict on the covered-path bound (docs/theory.md §2.3).
    """
    table = run_tasks(
        run_task,
        tasks(config),
        per_chunk=TASKS_PER_CHUNK,
        desc="covered paths",
        quiet=context.quiet,
        execution=context.execution,
    )
    worst = table.loc[table["ratio"].idxmax()]
    summary = base_summary("path", config, about(config))
    checks = summary["checks"] = {
        "max_excess_over_bound": float(worst["ratio"]),
        "worst_case": {k: worst[k] for k in ("distribution", "window", "instance", "depth")},
        "violations": int((table["ratio"] > 1.0).sum()),
    }
    summary["decay_slope"] = _decay_slopes(table)
    verdict = Verdict(
        "violated" if checks["violations"] else "held",
        (
            f"largest excess/bound over all paths and depths: {checks['max_excess_over_bound']:.4g}",
            f"bound violations: {checks['violations']}",
        ),
        violation=(f"{checks['violations']} (path, depth) points exceed the covered-path bound; worst case "
                   f"{checks['worst_case']}; see results.csv") if checks["violations"] else "",
    )
    return network_outcome(summary, table, partial(plot_path, table), verdict)


def _decay_slopes(table) -> dict:
    """Log-log slope of the median excess vs depth over the second half of the depth range (per curve)."""
    slopes = {}
    for (dist, window), part in table.groupby(["distribution", "window"]):
        median = part.groupby("depth")["excess"].median()
        tail = median[median.index >= median.index.max() / 2]
        tail = tail[tail > 1e-14]
        key = f"{dist}/M={window}"
        fit = np.polyfit(np.log(tail.index), np.log(tail.values), 1) if len(tail) > 2 else None
        slopes[key] = None if fit is None else float(fit[0])
    return slopes
