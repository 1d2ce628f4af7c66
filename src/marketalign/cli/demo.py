"""``marketalign demo``: the main job on the embedded data, results in one folder."""

from __future__ import annotations

from pathlib import Path

import click

from marketalign.experiments import synthetic_curve
from marketalign.hull.curves import CurveConfig
from marketalign.report.curves import headline
from marketalign.report.html import write_report


@click.command("demo")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("results/demo"),
              show_default=True, help="folder for every result of the demo")
@click.option("--quick", is_flag=True, help="fewer orderings, for a smoke run")
def demo_command(out: Path, quick: bool) -> None:
    """Run the embedded demonstrations and say where the results are."""
    orderings = 10 if quick else 100
    config = synthetic_curve.SyntheticCurveConfig(curve=CurveConfig(orderings=orderings))
    click.echo("ETHICS labels vs 100 SYNTHETIC Bobs (not language models): curves over K ...")
    result = synthetic_curve.run(out / "synthetic_ethics", config, quiet=False)
    click.echo("\n".join(headline(result)))
    report = write_report([out], out / "report.html")
    click.echo(f"\nresults: {out.resolve()}\nreport:  {report.resolve()}")
