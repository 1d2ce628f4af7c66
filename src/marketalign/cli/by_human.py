"""``marketalign curve-by-human``: curves over K for every human of a long table, on local processes or a cluster."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from marketalign.cli.execution import execution_options
from marketalign.cli.hull import bobs_option, curve_config, curve_options, file_sha256, target_option
from marketalign.data.names import INSTANCE
from marketalign.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

HUMAN = "human"
_TABLE = click.Path(exists=True, dir_okay=False, path_type=Path)


def humans_from_table(
    table: pd.DataFrame, target: str, bobs: list[str] | None, where: str, scores: pd.DataFrame | None = None,
    groups: str | None = None,
) -> tuple[list[str], list[tuple[np.ndarray, np.ndarray]], list[str], list[np.ndarray] | None]:
    """Human names, their (scores, utility) data sets, the Bob names and each human's group labels.

    The table has a ``human`` column, ``instance`` and the target; the Bob scores are its other numeric
    columns, or those of ``scores`` (one row per instance) joined on ``instance``. ``groups`` names a column of
    cluster labels (folds never split one, docs/theory.md §1.7, Definition G1); it is never a Bob. Humans keep the
    order in which they first appear, and each her rows' order.

    Raises
    ------
    InputError
        A missing ``human``, ``instance`` or ``groups`` column, unscored instances, or bad Bob columns.
    """
    from marketalign.data.tables import bob_columns, check_instances, validate_table

    if HUMAN not in table.columns:
        raise InputError(f"{where} has no '{HUMAN}' column; a long table has one row per (human, instance).")
    if INSTANCE not in table.columns:
        raise InputError(f"{where} has no '{INSTANCE}' column; give every row the id of the instance rated.")
    if groups is not None and groups not in table.columns:
        raise InputError(f"--groups {groups!r}: {where} has no such column; name the column of cluster labels.")
    if groups is not None and groups in (target, INSTANCE, HUMAN):
        raise InputError(f"--groups {groups!r} is also the target, instance or human column; name another column.")
    table = table.assign(**{HUMAN: table[HUMAN].astype(str), INSTANCE: table[INSTANCE].astype(str)})
    labels = table.pop(groups) if groups is not None else None
    if scores is not None:
        check_instances(scores, "the scores table")
        names = bobs or bob_columns(scores, target)
        unknown = sorted(set(table[INSTANCE]) - set(scores[INSTANCE]))
        if unknown:
            raise InputError(
                f"{len(unknown)} instances of {where} have no row in the scores table (e.g. {unknown[:3]}); "
                "score every instance, or drop those rows."
            )
        table = table[[HUMAN, INSTANCE, target]].merge(scores[[INSTANCE, *names]], on=INSTANCE, how="left",
                                                        validate="many_to_one")
    names = bobs or bob_columns(table.drop(columns=HUMAN), target)
    humans, datasets, group_labels = [], [], []
    for human, rows in table.groupby(HUMAN, sort=False):
        h, s, _ = validate_table(rows.drop(columns=HUMAN), target, names, where=f"{where}, human {human!r}")
        humans.append(human)
        datasets.append((s, h))
        if labels is not None:
            group_labels.append(labels.loc[rows.index].to_numpy())
    return humans, datasets, names, (group_labels if labels is not None else None)


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
def curve_by_human_command(input_path, scores_path, target, bobs, out, kmax, orderings, all_subsets, folds, seed,
                           groups, humans_per_task, execution, title, quiet) -> None:
    """Curves over K for every human in TABLE (columns human, instance, target, Bobs), averaged over humans."""
    from marketalign.data.tables import read_table
    from marketalign.hull.by_human import curves_by_human, merge_humans
    from marketalign.report.curves import headline, write_curve_outputs

    names = [name for item in bobs for name in item.split(",") if name] or None
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
    paths = write_curve_outputs(merged, out, title=title or input_path.name, about=about)
    if not quiet:
        click.echo("\n".join(headline(merged)))
        click.echo(f"wrote {', '.join(str(p) for p in paths.values())}")
