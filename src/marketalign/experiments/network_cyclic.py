"""Experiment (c): the cyclic-coverage path on the chain-difference distribution.

Agents on a path observe x_1..x_d, x_1, ... in turn (one feature each); the excess error after p full passes
is exact in population mode. For d = 10 docs/theory.md §2.5 lists our population numbers, which this run reproduces.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from marketalign.experiments.network_common import base_summary, network_outcome, run_tasks
from marketalign.experiments.network_configs import CyclicConfig
from marketalign.experiments.protocol import Outcome, RunContext, Verdict, sized_config
from marketalign.network.distributions import chain_difference
from marketalign.network.instances import cyclic_coverage_path
from marketalign.network.modes import aggregate_population
from marketalign.report.network_figures import plot_cyclic

FIXTURES_D10 = {1: 0.5, 2: 0.3333, 3: 0.2549, 5: 0.1837, 10: 0.1213, 20: 0.0581, 40: 0.00275, 60: 2.8e-5}
FIXTURE_TOLERANCE = 1e-4
TASKS_PER_CHUNK = 1  # one path per chunk: d x passes agents, up to a second each at the default sizes


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


def configure(*, quick: bool, seed: int, features: tuple[int, ...] | None, passes: int | None) -> CyclicConfig:
    """The config of ``marketalign network cyclic``: the full-scale or ``quick`` sizes, with those given.

    Raises
    ------
    InputError
        When the config refuses a value (:class:`CyclicConfig`).
    """
    return sized_config(CyclicConfig, quick, seed, {"n_features": features, "passes": passes})


def run(config: CyclicConfig, context: RunContext) -> Outcome:
    """One cyclic path per d, in chunks where ``context.execution`` says.

    Parameters
    ----------
    config : CyclicConfig
        The experiment.
    context : RunContext
        Where the tasks run and whether progress bars show.

    Returns
    -------
    Outcome
        ``results.csv`` (one row per agent), the summary with the excess after each pass and the fixture checks,
        ``cyclic.png``, and the verdict on the d = 10 fixtures of docs/theory.md §2.5 (``measured`` when no
        d = 10 path was run).
    """
    table = run_tasks(
        run_task,
        tasks(config),
        per_chunk=TASKS_PER_CHUNK,
        desc="cyclic paths",
        quiet=context.quiet,
        execution=context.execution,
    )
    summary = base_summary("cyclic", config, about(config))
    fixtures = fixture_comparison(table)
    ends = table[table["end_of_pass"]]
    summary["excess_after_pass"] = {
        int(d): {int(p): float(e) for p, e in zip(part["pass"], part["excess"], strict=True)}
        for d, part in ends.groupby("n_features")
    }
    checks = summary["checks"] = {
        "fixtures": fixtures,
        "fixtures_match": bool(fixtures) and all(f["abs_diff"] <= FIXTURE_TOLERANCE for f in fixtures),
        "fixture_tolerance": FIXTURE_TOLERANCE,
        "monotone": bool(
            all(np.all(np.diff(part["excess"]) <= 1e-12) for _, part in table.groupby("n_features"))
        ),
    }
    verdict = Verdict(
        ("held" if checks["fixtures_match"] else "violated") if fixtures else "measured",
        (
            *(
                f"d=10 after {f['pass']:>2} passes: {f['computed']:.6g} (fixture {f['expected']:g})"
                for f in fixtures
            ),
            f"fixtures reproduced to {FIXTURE_TOLERANCE:g}: {checks['fixtures_match']}",
        ),
        violation="" if checks["fixtures_match"] or not fixtures else
        "the cyclic-path fixtures were not reproduced; see summary.json",
    )
    return network_outcome(summary, table, partial(plot_cyclic, table, summary), verdict)
