"""Experiment (c): the cyclic-coverage path on the chain-difference distribution.

Agents on a path observe x_1..x_d, x_1, ... in turn (one feature each); the excess error after p full passes
is exact in population mode. For d = 10 docs/theory.md §2.5 lists our population numbers, which this run reproduces.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from marketalign.errors import InputError
from marketalign.experiments.network_common import ExperimentResult, annotate, base_summary, run_tasks
from marketalign.network.distributions import chain_difference
from marketalign.network.instances import cyclic_coverage_path
from marketalign.network.modes import aggregate_population
from marketalign.parallel import ExecutionConfig

FIXTURES_D10 = {1: 0.5, 2: 0.3333, 3: 0.2549, 5: 0.1837, 10: 0.1213, 20: 0.0581, 40: 0.00275, 60: 2.8e-5}
FIXTURE_TOLERANCE = 1e-4
TASKS_PER_CHUNK = 1  # one path per chunk: d x passes agents, up to a second each at the default sizes


@dataclass(frozen=True)
class CyclicConfig:
    """Numbers of features d to run, and the number of passes over the features along the path.

    The defaults are the full-scale experiment; :meth:`quick` is a run of seconds.
    """

    n_features: tuple[int, ...] = (5, 10, 20)
    passes: int = 60
    seed: int = 0  # the experiment is deterministic; the seed is recorded for uniformity

    def __post_init__(self) -> None:
        if not self.n_features or any(d < 1 for d in self.n_features) or self.passes < 1:
            raise InputError("n_features must be positive integers and passes at least 1.")

    @classmethod
    def quick(cls, seed: int = 0, **choices: Any) -> CyclicConfig:
        """A run of seconds: d = 10 for 20 passes (the fixtures up to p = 20)."""
        return cls(n_features=(10,), passes=20, seed=seed, **choices)


def about(config: CyclicConfig) -> dict[str, str]:
    """What the data and the agents of this run are, for the summary."""
    return {
        "data": "the chain-difference distribution (docs/theory.md §2.4 [OURS]), population mode (exact)",
        "agents": f"linear (OLS) agents on a path observing x_1..x_d, x_1, ... in turn, one feature each, for "
        f"{config.passes} passes; d in {list(config.n_features)}",
    }


@dataclass(frozen=True)
class CyclicTask:
    n_features: int
    passes: int


def tasks(config: CyclicConfig) -> list[CyclicTask]:
    return [CyclicTask(d, config.passes) for d in config.n_features]


def run_task(task: CyclicTask) -> list[dict]:
    """One row per agent: its pass, position in the pass, and excess error."""
    d = task.n_features
    result = aggregate_population(cyclic_coverage_path(d, task.passes), chain_difference(d).moments())
    return [
        {
            "n_features": d,
            "agent": t,
            "depth": t + 1,
            "pass": t // d + 1,
            "feature": t % d,
            "end_of_pass": (t + 1) % d == 0,
            "excess": float(e),
        }
        for t, e in enumerate(result.excess)
    ]


def fixture_comparison(table) -> list[dict]:
    """Our d = 10 numbers at the end of each listed pass, beside the fixtures of docs/theory.md §2.5."""
    ends = table[(table["n_features"] == 10) & table["end_of_pass"]].set_index("pass")["excess"]
    return [
        {"pass": p, "expected": v, "computed": float(ends[p]), "abs_diff": abs(float(ends[p]) - v)}
        for p, v in FIXTURES_D10.items()
        if p in ends.index
    ]


def run(config: CyclicConfig, *, quiet: bool = False, execution: ExecutionConfig | None = None) -> ExperimentResult:
    """One cyclic path per d, in chunks where ``execution`` says; the table and the fixture checks."""
    table = run_tasks(
        run_task, tasks(config), per_chunk=TASKS_PER_CHUNK, desc="cyclic paths", quiet=quiet, execution=execution
    )
    summary = base_summary("cyclic", config, about(config))
    fixtures = fixture_comparison(table)
    ends = table[table["end_of_pass"]]
    summary["excess_after_pass"] = {
        int(d): {int(p): float(e) for p, e in zip(part["pass"], part["excess"], strict=True)}
        for d, part in ends.groupby("n_features")
    }
    summary["checks"] = {
        "fixtures": fixtures,
        "fixtures_match": bool(fixtures) and all(f["abs_diff"] <= FIXTURE_TOLERANCE for f in fixtures),
        "fixture_tolerance": FIXTURE_TOLERANCE,
        "monotone": bool(
            all(np.all(np.diff(part["excess"]) <= 1e-12) for _, part in table.groupby("n_features"))
        ),
    }
    return ExperimentResult("cyclic", table, summary)


def plot(result: ExperimentResult) -> plt.Figure:
    table, checks = result.table, result.summary["checks"]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for d, part in table.groupby("n_features"):
        ends = part[part["end_of_pass"]]
        ax.plot(ends["pass"], ends["excess"].clip(lower=1e-16), marker=".", label=f"d = {d}")
    if checks["fixtures"]:
        ax.scatter(
            [f["pass"] for f in checks["fixtures"]],
            [f["expected"] for f in checks["fixtures"]],
            marker="x",
            color="k",
            zorder=3,
            label="fixtures (d = 10, docs/theory.md §2.5)",
        )
    ax.set(
        yscale="log",
        xlabel="passes p over the features",
        ylabel="excess error after p passes",
        title="cyclic-coverage path, chain-difference distribution",
    )
    ax.legend(fontsize=8, loc="lower left")
    annotate(
        ax, [f"p={f['pass']:>2}: {f['computed']:.4g} (fixture {f['expected']:g})" for f in checks["fixtures"]]
    )
    fig.tight_layout()
    return fig
