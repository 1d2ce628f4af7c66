"""``marketalign curve-by-human``: curves over K for every human of a long table, on local processes or a cluster."""

from __future__ import annotations

from pathlib import Path

import click

from marketalign.cli.execution import execution_options
from marketalign.cli.hull import bobs_option, curve_config, curve_options, target_option
from marketalign.cli.options import json_option, set_summary_result
from marketalign.errors import InputError

_TABLE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("curve-by-human")
@click.argument("input_path", metavar="TABLE", type=_TABLE)
@click.option("--scores", "scores_path", type=_TABLE,
              help="Bob scores per instance (instance + one numeric column per Bob), joined on instance")
@target_option
@bobs_option
@curve_options
@click.option("--groups", help="column of cluster labels (e.g. a question id): folds never split a group")
@click.option("--humans-per-task", type=click.IntRange(min=1),
              help="humans in one chunk of work (default: enough for at most 200 chunks)")
@execution_options
@click.option("--title", default="", help="figure title (default: the input file name)")
@click.option("--quiet", is_flag=True, help="no progress bar or summary lines")
@json_option
def curve_by_human_command(input_path, scores_path, target, bobs, out, kmax, orderings, all_subsets, folds, seed,
                           groups, humans_per_task, execution, title, quiet) -> None:
    """Curves over K for every human in TABLE (columns human, instance, target, Bobs), averaged over humans."""
    from marketalign.data.inputs import column_names, file_sha256, humans_from_table
    from marketalign.data.tables import read_table
    from marketalign.experiments.protocol import write_outcome
    from marketalign.hull.by_human import curves_by_human, merge_humans
    from marketalign.report.curves import curve_outcome, headline

    names = column_names(bobs or ())
    scores = read_table(scores_path) if scores_path is not None else None
    humans, datasets, bob_names, labels = humans_from_table(read_table(input_path), target, names, str(input_path),
                                                            scores, groups)
    short = [human for human, (s, _) in zip(humans, datasets, strict=True) if len(s) < folds]
    if short:
        raise InputError(
            f"{len(short)} humans have fewer rows than --folds {folds} (e.g. {short[:3]}); drop them (e.g. "
            "`marketalign data movielens --long --min-ratings N`) or use fewer folds."
        )
    config = curve_config(kmax, orderings, all_subsets, folds, seed)
    if not quiet:
        click.echo(f"{len(humans)} humans, {len(bob_names)} Bobs: {execution.describe()}")
    results = curves_by_human(datasets, config, humans_per_task=humans_per_task, execution=execution,
                              bob_names=bob_names, target_names=[target], quiet=quiet, groups=labels)
    merged = merge_humans(results, humans)
    about = {"input": str(input_path), "input_sha256": file_sha256(input_path), "target": target,
             "bobs": bob_names, "humans": len(humans)}
    if groups is not None:
        about["groups"] = groups
    if scores_path is not None:
        about.update(scores=str(scores_path), scores_sha256=file_sha256(scores_path))
    paths = write_outcome(curve_outcome("curve-by-human", merged, title=title or input_path.name, about=about), out)
    set_summary_result(paths["summary.json"])
    if not quiet:
        click.echo("\n".join(headline(merged)))
        click.echo(f"wrote {', '.join(str(p) for p in sorted(paths.values()))}")
