"""Plumbing shared by the network experiments: the one loop over independent tasks, the summary and the
outcome.

Every experiment is: a frozen config -> a list of independent, picklable tasks (each with its own seed,
:mod:`marketalign.seeding`) -> a pure task function giving rows -> a results table, a summary and a figure, in an
:class:`~marketalign.experiments.protocol.Outcome`. :func:`run_tasks` is the single place where tasks run:
consecutive tasks are grouped into chunks of a size fixed by the experiment (never by the machine), and the
chunks go through :mod:`marketalign.parallel` (local processes, a Dask cluster, a checkpoint folder).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from marketalign.experiments.protocol import Outcome, Verdict
from marketalign.parallel import ExecutionConfig, iter_chunks, split_range

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Task = TypeVar("Task")
RESULTS = "results.csv"


def run_tasks(
    task_fn: Callable[[Task], list[dict]],
    tasks: Sequence[Task],
    *,
    per_chunk: int,
    desc: str,
    quiet: bool = False,
    execution: ExecutionConfig | None = None,
) -> pd.DataFrame:
    """Run every task in chunks of ``per_chunk`` consecutive tasks, where ``execution`` says (default: one
    local process per core), with a progress bar; stack their rows, in task order, into one table."""
    chunks = [tuple(tasks[part.start : part.stop]) for part in split_range(len(tasks), per_chunk)]
    rows = []
    for chunk_rows in iter_chunks(partial(run_chunk, task_fn), chunks, execution, desc=desc, quiet=quiet):
        rows.extend(chunk_rows)
    return pd.DataFrame(rows)


def run_chunk(task_fn: Callable[[Task], list[dict]], tasks: Sequence[Task]) -> list[dict]:
    """The rows of consecutive tasks, in order: the unit of work the execution layer sends to a worker."""
    return [row for task in tasks for row in task_fn(task)]


def base_summary(name: str, config: Any, about: dict[str, str]) -> dict:
    """The part every summary shares: experiment name, what the data and agents are (``about``), the full
    config and its seed."""
    return {
        "experiment": name,
        "about": about,
        "config": asdict(config),
        "seed": config.seed,
    }


def network_outcome(summary: dict[str, Any], table: pd.DataFrame, figure: Callable[[], Figure],
                    verdict: Verdict) -> Outcome:
    """What a network experiment produces: DIR/results.csv (``table``), DIR/summary.json and the figure
    DIR/<experiment>.png, with the verdict."""
    name = summary["experiment"]
    return Outcome(name, summary, tables={RESULTS: table}, figures={f"{name}.png": figure}, verdict=verdict)
