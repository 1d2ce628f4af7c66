"""``marketalign reproduce``: the papers' data figures and real-market experiments, one command each (built from
the registry, :mod:`marketalign.cli.experiments`), and ``reproduce all``, every figure and experiment of both
papers (:mod:`.catalogue`).

Each command imports its experiment when it runs, so that the help loads none of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from marketalign.cli.execution import execution_options
from marketalign.cli.experiments import experiment_group
from marketalign.cli.options import json_option, list_option, set_steps_result
from marketalign.data.location import DATA_ENV, EMBEDDED
from marketalign.experiments.registry import STEP_NAMES

if TYPE_CHECKING:
    from marketalign.parallel import ExecutionConfig

reproduce_group = experiment_group(
    "reproduce", "The papers' figures: the data figures one command each (honest offline Bobs; docs/figures.md), "
    "and ``all``, every figure and experiment of both papers at full scale with one report.")


@reproduce_group.command("all")
@json_option
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="folder for every step's folder, steps.csv and report.html")
@click.option("--data", "data", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=f"data root (default: ${DATA_ENV}; embedded subsets when absent, or always with --data {EMBEDDED})")
@list_option("--only", choices=STEP_NAMES, help="run these steps only, comma-separated")
@click.option("--quick", is_flag=True, help="every step at its smoke-run size (seconds each), for a check")
@click.option("--fresh", is_flag=True, help="run every step again, even those finished in an earlier run")
@execution_options
def all_command(out: Path, data: Path | None, only: tuple[str, ...] | None, quick: bool, fresh: bool,
                execution: ExecutionConfig) -> None:
    """Every figure and experiment of both papers at full scale, then one HTML report (OUT/report.html).

    Uses the full data sets (--data, else $MARKETALIGN_DATA) where present and the
    embedded subsets otherwise. Prints each step's command and time; OUT/steps.csv keeps them. Killed and run
    again with the same --out, it skips the finished steps and resumes the sweeps from their checkpoints.
    Exits 1 if a bound was violated, 2 if a step had bad input, after running the others.
    """
    from marketalign.cli.catalogue import run_steps, select_steps

    code = run_steps(select_steps(None if only is None else ",".join(only)), "quick" if quick else "full", out,
                     data=None if data is None else str(data), execution=execution, resume=not fresh)
    set_steps_result(out, code)
    if code:
        click.get_current_context().exit(code)
