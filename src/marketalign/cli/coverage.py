"""``marketalign coverage TABLE --item COL --target COL --out DIR``: coverage per item (docs/theory.md §3.1–3.4)."""

from __future__ import annotations

from pathlib import Path

import click

from marketalign.cli.hull import bobs_option, target_option
from marketalign.cli.options import json_option, list_option, set_result
from marketalign.experiments.defaults import COVERAGE_SAMPLES


@click.command("coverage")
@click.argument("table_path", metavar="TABLE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--item", required=True, help="column naming each row's item (one row per item and answer)")
@click.option("--answer", default=None, help="column naming the answer (never a Bob)")
@target_option
@bobs_option
@list_option("--robust", item=int, minimum=1, help="k values for k-robust coverage, e.g. 1,5")
@click.option("--samples", default=COVERAGE_SAMPLES, show_default=True,
              help="sampled removals per k beyond the exact limit")
@click.option("--seed", default=0, show_default=True, help="seed for the sampled removals")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="output folder")
@json_option
def coverage_command(table_path, item, answer, target, bobs, robust, samples, seed, out) -> None:
    """Per item: is Alice's centred utility a non-negative combination of the Bobs'? (coverage.csv, summary.json)"""
    from marketalign.data.inputs import column_names, coverage_unused, file_sha256
    from marketalign.data.tables import read_table
    from marketalign.hull.coverage import item_coverage
    from marketalign.report.outputs import prepare_dir, write_json, write_table

    table = read_table(table_path)
    result = item_coverage(table, item=item, answer=answer, target=target, bobs=column_names(bobs or ()),
                           robust=robust or (), samples=samples, seed=seed, where=str(table_path))
    unused = coverage_unused(table.columns, {item, answer, target, *result.bob_names})
    summary = result.summary() | {
        "input": str(table_path), "input_sha256": file_sha256(table_path),
        "columns": {"item": item, "answer": answer, "target": target, "bobs": result.bob_names, "not_used": unused},
    }
    folder = prepare_dir(out)
    write_table(result.table, folder / "coverage.csv")
    write_json(summary, folder / "summary.json")
    for name, why in unused.items():
        click.echo(f"column '{name}' not used: {why}", err=True)
    set_result(summary)
    robust_text = "".join(f", {v['fraction']:.1%} {k}-robust ({v['method']})" for k, v in summary["robust"].items())
    click.echo(f"{summary['covered_fraction']:.1%} of {summary['items']} items covered{robust_text}; "
               f"median closest angle {summary['median_closest_angle_deg']:.2f} deg; wrote {folder}")
