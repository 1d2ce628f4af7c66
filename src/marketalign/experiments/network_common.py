"""Plumbing shared by the network experiments: seeds, the one loop over independent tasks, and the outputs.

Every experiment is: a frozen config -> a list of independent, picklable tasks (each with its own seed) -> a
pure task function giving rows -> a results table -> a plot. :func:`run_tasks` is the single place where tasks
run: consecutive tasks are grouped into chunks of a size fixed by the experiment (never by the machine), and
the chunks go through :mod:`marketalign.parallel` (local processes, a Dask cluster, a checkpoint folder).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from marketalign.parallel import ExecutionConfig, iter_chunks, split_range
from marketalign.report.outputs import prepare_dir, save_figure, versions, write_json, write_table

Task = TypeVar("Task")


@dataclass(frozen=True)
class ExperimentResult:
    """The results table (one row per measurement) and a JSON-ready summary (config, seed, checks)."""

    name: str
    table: pd.DataFrame
    summary: dict


def task_seeds(seed: int, count: int) -> list[int]:
    """``count`` independent 32-bit seeds derived from ``seed`` (numpy's SeedSequence)."""
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(count)]


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
    config (with its seed) and library versions."""
    return {
        "experiment": name,
        "about": about,
        "config": asdict(config),
        "seed": config.seed,
        "versions": versions(),
    }


def write_result(result: ExperimentResult, figure: plt.Figure, out: str | Path) -> dict[str, Path]:
    """Write DIR/results.csv, DIR/summary.json and DIR/<name>.png; return the paths."""
    folder = prepare_dir(out)
    return {
        "results": write_table(result.table, folder / "results.csv"),
        "summary": write_json(result.summary, folder / "summary.json"),
        "plot": save_figure(figure, folder / f"{result.name}.png"),
    }


def annotate(ax: plt.Axes, lines: Sequence[str], corner: str = "upper right") -> None:
    """Put the key numbers of a panel in a corner, so the figure can be read without the table."""
    box = {"boxstyle": "round", "facecolor": "white", "alpha": 0.85, "linewidth": 0.5}
    top = corner.startswith("upper")
    right = corner.endswith("right")
    ax.text(
        0.98 if right else 0.02,
        0.98 if top else 0.02,
        "\n".join(lines),
        transform=ax.transAxes,
        ha="right" if right else "left",
        va="top" if top else "bottom",
        fontsize=7,
        family="monospace",
        bbox=box,
    )
