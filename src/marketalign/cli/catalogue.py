"""The runner that plays the registry of every figure and experiment (:mod:`marketalign.experiments.registry`):
``marketalign demo`` (embedded data, a few minutes) and ``marketalign reproduce all`` (full scale).

Each step's command line is printed before it runs. The runner times each step, keeps going after a step that
failed (and says so at the end), writes ``steps.csv`` (command, status, seconds) and the HTML report of
everything. With ``resume=True`` a step that finished in an earlier run into the same folder is not run again,
and the sweeps checkpoint their chunks in ``OUT/.checkpoints/STEP``, so a killed run loses at most the chunks in
flight.
"""

from __future__ import annotations

import shlex
import shutil
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from marketalign.errors import InputError
from marketalign.experiments.registry import SCALES, STEP_NAMES, STEPS, Step
from marketalign.parallel import ExecutionConfig
from marketalign.paths import prepare_dir

if TYPE_CHECKING:
    import pandas as pd

STEPS_FILE = "steps.csv"


def select_steps(only: str | None) -> tuple[Step, ...]:
    """The steps named in the comma-separated ``only`` (all steps when None), in catalogue order."""
    if only is None:
        return STEPS
    wanted = {name.strip() for name in only.split(",") if name.strip()}
    unknown = sorted(wanted - set(STEP_NAMES))
    if unknown or not wanted:
        raise InputError(f"--only {only!r}: unknown step(s) {unknown}; choose among {', '.join(STEP_NAMES)}.")
    return tuple(step for step in STEPS if step.name in wanted)


def _finished_earlier(out: Path, step: Step, command: str) -> float | None:
    """Seconds of an earlier run of exactly this command into ``out`` that finished and whose folder is still
    there, else None."""
    import pandas as pd

    path = out / STEPS_FILE
    if not path.exists() or not (out / step.name).is_dir():
        return None
    done = pd.read_csv(path)
    match = done[(done["command"] == command) & (done["status"] == "done")]
    return float(match["seconds"].iloc[-1]) if len(match) else None


def _has_needed_data(step: Step, data: str | None) -> bool:
    """Whether the data root (``data``, else the environment) holds the folder ``step`` needs (True if none)."""
    if step.needs is None:
        return True
    from marketalign.data.location import data_root

    try:
        root = data_root(data)
    except InputError:
        return True  # the step itself reports the bad --data
    return root is not None and (root / step.needs).is_dir()


def run_steps(steps: Sequence[Step], scale: str, out: Path, *, data: str | None = None,
              execution: ExecutionConfig | None = None, resume: bool = False) -> int:
    """Run ``steps`` at ``scale`` into subfolders of ``out``, then write ``steps.csv`` and ``report.html``.

    Returns the worst exit code of the steps (0 all done, 1 a bound was violated, 2 bad input or missing data).
    """
    import pandas as pd

    from marketalign.report.html import write_report

    if scale not in SCALES:
        raise InputError(f"scale {scale!r} is not one of {SCALES}.")
    root = click.get_current_context().find_root().command
    prepare_dir(out)
    if not resume:
        (out / STEPS_FILE).unlink(missing_ok=True)
    if resume and execution is not None and execution.checkpoint is None:
        execution = replace(execution, checkpoint=out / ".checkpoints")
    rows = []
    for number, step in enumerate(steps, 1):
        argv = step.argv(scale, out, data, execution)
        command = shlex.join(["marketalign", *argv])
        click.secho(f"\n[{number}/{len(steps)}] {step.title}", bold=True)
        click.echo(f"$ {command}")
        earlier = _finished_earlier(out, step, command) if resume else None
        if earlier is not None:
            click.echo(f"      done in an earlier run ({earlier:.1f} s); delete {out / step.name} to run it again")
            rows.append({"step": step.name, "command": command, "status": "done", "exit_code": 0,
                         "seconds": earlier})
            continue
        if not _has_needed_data(step, data):
            click.echo(f"      skipped: needs {step.needs} under --data or $MARKETALIGN_DATA")
            rows.append({"step": step.name, "command": command, "status": "skipped: needs data", "exit_code": 0,
                         "seconds": 0.0})
            continue
        start = time.perf_counter()
        code = root.main(argv, prog_name="marketalign", standalone_mode=False) or 0
        seconds = time.perf_counter() - start
        status = {0: "done", 1: "bound violated"}.get(code, "failed")
        click.echo(f"      {status} in {seconds:.1f} s")
        rows.append({"step": step.name, "command": command, "status": status, "exit_code": code,
                     "seconds": round(seconds, 2)})
        _write_steps(out, rows)
        if code == 0 and execution is not None and execution.checkpoint is not None:
            shutil.rmtree(Path(execution.checkpoint) / step.name, ignore_errors=True)
    _write_steps(out, rows)
    table = pd.DataFrame(rows)
    _print_timings(table)
    click.echo(f"\nresults: {out.resolve()}")
    if (table["status"] != "failed").any():
        click.echo(f"report:  {write_report([out], out / 'report.html').resolve()}")
    return int(table["exit_code"].max()) if len(table) else 0


def _write_steps(out: Path, rows: list[dict]) -> None:
    """``steps.csv``: the earlier runs' rows of other commands, then this run's rows."""
    import pandas as pd

    table = pd.DataFrame(rows, columns=["step", "command", "status", "exit_code", "seconds"])
    path = out / STEPS_FILE
    if path.exists():
        earlier = pd.read_csv(path)
        table = pd.concat([earlier[~earlier["command"].isin(table["command"])], table], ignore_index=True)
    table.to_csv(path, index=False)


def _print_timings(table: pd.DataFrame) -> None:
    click.echo("\nstep                 status            seconds")
    for row in table.itertuples():
        click.echo(f"{row.step:<20} {row.status:<16} {row.seconds:8.1f}")
    click.echo(f"{'total':<20} {'':<16} {table['seconds'].sum():8.1f}")
    failed = table[table["exit_code"] != 0]
    if len(failed):
        click.secho(f"{len(failed)} step(s) did not finish cleanly: {', '.join(failed['step'])} "
                    "(their messages are above)", fg="red")
