"""``marketalign demo``: every figure and experiment of both papers on the embedded data, results in one folder.

The steps are those of ``marketalign reproduce all`` (:mod:`.catalogue`) at the demo's sizes, always on the
embedded data: the synthetic-Bob curve (labelled synthetic), Figures 1-3 and the many-humans run with honest
offline Bobs, Figure 4 on its labelled MovieLens substitute (OpinionQA is never embedded), the Bob-family
screen, Figure 5, and the quick runs of the other game and network experiments. It ends with the HTML report.
"""

from __future__ import annotations

from pathlib import Path

import click

from marketalign.cli.catalogue import run_steps
from marketalign.cli.options import json_option, set_steps_result
from marketalign.data.location import EMBEDDED
from marketalign.experiments.registry import STEPS


@click.command("demo")
@click.option("--out", type=click.Path(path_type=Path), default=Path("results/demo"),
              show_default=True, help="folder for every result of the demo")
@click.option("--quick", is_flag=True, help="every step at its smoke-run size (seconds each)")
@json_option
def demo_command(out: Path, quick: bool) -> None:
    """Run the embedded demonstrations, write the report and say where the results are."""
    code = run_steps(STEPS, "quick" if quick else "demo", out, data=EMBEDDED)
    set_steps_result(out, code)
    if code:
        click.get_current_context().exit(code)
