"""Experiment (a): excess error vs depth on M-covered paths, with the O(M/√D) upper bound drawn.

Every M consecutive agents of the path together observe all d features (a random split of the features into M
groups, taken in turn). Population mode, so the curves are exact. The bound's constant is ours (docs/theory.md §2.3).
"""

from __future__ import annotations

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
from marketalign.network.bounds import covered_path_bound
from marketalign.network.distributions import chain_difference, random_linear_gaussian
from marketalign.network.modes import aggregate_population
from marketalign.network.network import build_network
from marketalign.network.sizes import network_bytes
from marketalign.parallel import ExecutionConfig

DISTRIBUTIONS = ("random", "chain")
TASKS_PER_CHUNK = 5  # paths per chunk: ~0.4 s at the default 400 agents


@dataclass(frozen=True)
class PathConfig:
    """d features; windows M; paths of up to ``max_depth`` agents; ``instances`` draws per (distribution, M).

    "random" is a Gaussian linear model with unit feature scale, ‖w*‖₁ = ``weight_l1`` and noise ``noise``;
    "chain" is the chain-difference distribution (the same for every draw; only the feature split varies).
    The defaults are the full-scale experiment; :meth:`quick` is a run of seconds.
    """

    n_features: int = 20
    windows: tuple[int, ...] = (1, 2, 5, 10, 20)
    max_depth: int = 400
    instances: int = 10
    distributions: tuple[str, ...] = DISTRIBUTIONS
    weight_l1: float = 2.0
    noise: float = 0.5
    correlation: float = 0.3
    seed: int = 0

    def __post_init__(self) -> None:
        if self.n_features < 1 or self.max_depth < 1 or self.instances < 1:
            raise InputError(
                "The number of features (--features), the longest path (--max-depth) and the draws per "
                f"(distribution, M) (--instances) must be at least 1; got {self.n_features}, {self.max_depth} "
                f"and {self.instances}."
            )
        if not self.windows or any(not 1 <= m <= self.n_features for m in self.windows):
            raise InputError(
                f"Every coverage window M (--windows) must lie in 1..d = {self.n_features} (the features); got "
                f"{self.windows}. With fewer features than the default windows, give --windows too, e.g. "
                f"--windows 1,{self.n_features}."
            )
        check_size(
            f"One covered path of {self.max_depth} agents on {self.n_features} features",
            network_bytes(self.max_depth, self.max_depth - 1, self.n_features, self.n_features + 1),
        )
        unknown = set(self.distributions) - set(DISTRIBUTIONS)
        if unknown or not self.distributions:
            raise InputError(
                f"distributions must be a non-empty subset of {DISTRIBUTIONS}; got {self.distributions}."
            )

    @classmethod
    def quick(cls, seed: int = 0, **choices: Any) -> PathConfig:
        """A run of seconds: d = 6, M in (1, 2, 6), paths of 40 agents, 2 draws."""
        return cls(n_features=6, windows=(1, 2, 6), max_depth=40, instances=2, seed=seed, **choices)


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
    seeds = task_seeds(config.seed, len(keys))
    return [PathTask(*key, seed=s, config=config) for key, s in zip(keys, seeds, strict=True)]


def _depth_grid(max_depth: int) -> np.ndarray:
    return np.unique(np.round(np.geomspace(1, max_depth, 60)).astype(int))


def run_task(task: PathTask) -> list[dict]:
    """Train one M-covered path in population mode; one row per depth on a log grid."""
    config, rng = task.config, np.random.default_rng(task.seed)
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


def run(config: PathConfig, *, quiet: bool = False, execution: ExecutionConfig | None = None) -> ExperimentResult:
    """Every covered path of the config, in chunks where ``execution`` says; the table and the checks."""
    table = run_tasks(
        run_task, tasks(config), per_chunk=TASKS_PER_CHUNK, desc="covered paths", quiet=quiet, execution=execution
    )
    worst = table.loc[table["ratio"].idxmax()]
    summary = base_summary("path", config, about(config))
    summary["checks"] = {
        "max_excess_over_bound": float(worst["ratio"]),
        "worst_case": {k: worst[k] for k in ("distribution", "window", "instance", "depth")},
        "violations": int((table["ratio"] > 1.0).sum()),
    }
    summary["decay_slope"] = _decay_slopes(table)
    return ExperimentResult("path", table, summary)


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


def plot(result: ExperimentResult) -> plt.Figure:
    table = result.table
    dists = list(dict.fromkeys(table["distribution"]))
    fig, axes = plt.subplots(1, len(dists), figsize=(6 * len(dists), 4.5), squeeze=False)
    for ax, dist in zip(axes[0], dists, strict=True):
        part = table[table["distribution"] == dist]
        for color, (window, curve) in zip(
            plt.cm.viridis(np.linspace(0, 0.9, part["window"].nunique())), part.groupby("window"), strict=True
        ):
            stats = curve.groupby("depth").agg(
                median=("excess", "median"),
                low=("excess", "min"),
                high=("excess", "max"),
                bound=("bound", "median"),
            )
            floor = 1e-16
            ax.plot(stats.index, stats["median"].clip(lower=floor), color=color, label=f"M = {window}")
            ax.fill_between(
                stats.index,
                stats["low"].clip(lower=floor),
                stats["high"].clip(lower=floor),
                color=color,
                alpha=0.2,
            )
            ax.plot(stats.index, stats["bound"], color=color, linestyle="--", linewidth=0.8)
        ax.set(
            xscale="log",
            yscale="log",
            xlabel="depth D (path length)",
            ylabel="excess error of agent D",
            title=f"{dist}: median (band: min-max), dashed: bound",
        )
        ax.set_ylim(bottom=1e-12)
        part_max = part["ratio"].max()
        annotate(ax, [f"max excess/bound = {part_max:.3g}", f"instances = {part['instance'].nunique()}"])
        ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig
