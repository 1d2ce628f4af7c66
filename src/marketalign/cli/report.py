"""``marketalign report``: one self-contained HTML page of every figure, table and summary in result folders."""

from __future__ import annotations

from pathlib import Path

import click

from marketalign.cli.options import json_option, set_result
from marketalign.report.defaults import DEFAULT_MAX_ROWS, DEFAULT_TITLE


@click.command("report")
@click.argument("results_dirs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=Path("report.html"),
              show_default=True, help="the HTML file to write")
@click.option("--title", default=DEFAULT_TITLE, show_default=True, help="the page title")
@click.option("--max-rows", type=click.IntRange(min=1), default=DEFAULT_MAX_ROWS, show_default=True,
              help="rows shown of each table (the row count is always the full one)")
@click.option("--quiet", is_flag=True, help="print nothing but problems")
@json_option
def report_command(results_dirs: tuple[Path, ...], out: Path, title: str, max_rows: int, quiet: bool) -> None:
    """Render RESULTS_DIR... (searched recursively for result folders) into one HTML file."""
    from marketalign.report.html import build_report

    report = build_report(results_dirs, title=title, max_rows=max_rows)
    path = report.write(out)
    set_result({"report": str(path.resolve()), "problems": list(map(str, report.problems)),
                "description": report.describe()})
    for problem in report.problems:
        click.echo(f"warning: not shown: {problem}", err=True)
    if not quiet:
        click.echo(report.describe())
        click.echo(f"report: {path.resolve()}")
