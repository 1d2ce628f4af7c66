"""Commands on market alignment: ``fit`` and ``curve`` on a data table, ``epsilon`` on utility tables.

The library (pandas, SciPy, scikit-learn, matplotlib) is imported inside the commands, so that their help is fast;
the tables are read and checked by :mod:`marketalign.data.inputs`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
import numpy as np

from marketalign.cli.options import echo_json, json_option, list_option, set_result, set_summary_result
from marketalign.data.names import TARGET
from marketalign.errors import InputError
from marketalign.hull.constraints import CURVE_FOLDS, CURVE_ORDERINGS, CURVE_SEED, FIT_CONSTRAINTS, WEIGHT_KINDS

if TYPE_CHECKING:
    from marketalign.hull.curves import CurveConfig

_TABLE = click.Path(exists=True, dir_okay=False, path_type=Path)
LP_MAX_VALUE = 1e15  # HiGHS's large_matrix_value: a coefficient this large or larger is a model error


def echo_groups(groups: str | None) -> None:
    """Say on stderr that the ``--groups`` column labels the folds and is not a Bob."""
    if groups is not None:
        click.echo(f"column '{groups}' is used as groups for the folds, not as a Bob", err=True)


def echo_unused(unused: dict[str, str]) -> None:
    """One stderr line per column left out, saying why (printed once the command has succeeded, so that bad
    input still gets a one-line error)."""
    for name, why in unused.items():
        click.echo(f"column {name!r} not used: {why}", err=True)


target_option = click.option("--target", default=TARGET, show_default=True, help="column holding Alice's utility")
bobs_option = list_option(
    "--bobs", repeatable=True, help="Bob columns, comma-separated (or repeat --bobs); default: every other numeric "
    "column"
)
folds_option = click.option("--folds", default=CURVE_FOLDS, show_default=True, help="cross-validation folds")
seed_option = click.option("--seed", default=CURVE_SEED, show_default=True, help="seed for folds and orderings")
groups_option = click.option(
    "--groups", "groups_column", help="column of group labels: folds never split a group (not a Bob)"
)


def curve_options(command):
    """The options every curve command shares: where to write, K range, orderings or subsets, folds, seed."""
    for option in reversed([
        click.option("--out", type=click.Path(path_type=Path), required=True, help="output folder"),
        click.option("--kmax", type=int, help="largest number of Bobs (default: all)"),
        click.option("--orderings", default=CURVE_ORDERINGS, show_default=True, help="random orderings of the Bobs"),
        click.option("--all-subsets", is_flag=True, help="use every K-subset instead of random orderings"),
        folds_option,
        seed_option,
    ]):
        command = option(command)
    return command


def curve_config(kmax: int | None, orderings: int, all_subsets: bool, folds: int, seed: int) -> CurveConfig:
    """The curve protocol the shared options describe."""
    from marketalign.hull.curves import CurveConfig

    return CurveConfig(k_max=kmax, orderings=orderings, folds=folds, seed=seed,
                       subsets="all" if all_subsets else "orderings")


@click.command("epsilon")
@click.argument("table", type=_TABLE)
@click.option("--weights", type=click.Choice(WEIGHT_KINDS), default="nonneg", show_default=True,
              help="nonneg: market alignment (w >= 0); simplex: convex hull (w >= 0, sum w = 1).")
@json_option
def epsilon_command(table: Path, weights: str) -> None:
    """Exact sup-norm epsilon of Definition 1 for the utility tables in TABLE.json."""
    from marketalign.data.inputs import read_utility_tables
    from marketalign.hull.epsilon import epsilon_sup

    alice, bobs = read_utility_tables(table)
    largest = max(np.abs(alice).max(initial=0.0), np.abs(bobs).max(initial=0.0))
    if largest >= LP_MAX_VALUE:  # also refuses inf; NaN is refused by epsilon_sup
        raise InputError(
            f"{table}: utilities reach {largest:.3g} in absolute value; the LP solver (HiGHS) refuses entries of "
            f"{LP_MAX_VALUE:g} or more. Divide every table by one common factor: epsilon and the offset scale with "
            "it, the weights do not change."
        )
    result = epsilon_sup(alice, bobs, weights=weights).to_dict()
    set_result(result)
    echo_json(result)


@click.command("fit")
@click.argument("input_path", metavar="INPUT", type=_TABLE)
@target_option
@bobs_option
@click.option("--constraint", type=click.Choice(FIT_CONSTRAINTS), default="simplex", show_default=True)
@folds_option
@seed_option
@groups_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="write the report as JSON here")
@json_option
def fit_command(input_path, target, bobs, constraint, folds, seed, groups_column, out) -> None:
    """Fit Alice's utility as a constrained combination of the Bobs: weights, offset, training and CV MSE."""
    from marketalign.data.inputs import file_sha256, load_scores
    from marketalign.hull.fit import fit_with_cv
    from marketalign.report.outputs import write_json

    h, scores, names, groups, unused = load_scores(input_path, target, bobs, groups_column)
    echo_groups(groups_column)
    report = fit_with_cv(scores, h, constraint, folds=folds, seed=seed, bob_names=names, groups=groups).to_dict()
    echo_unused(unused)
    report["input"] = {"path": str(input_path), "sha256": file_sha256(input_path), "target": target}
    if groups_column is not None:
        report["input"]["groups"] = groups_column
    if out is not None:
        write_json(report, out)
    set_result(report)
    echo_json(report)


@click.command("curve")
@click.argument("input_path", metavar="INPUT", type=_TABLE)
@target_option
@bobs_option
@curve_options
@groups_option
@click.option("--title", default="", help="figure title (default: the input file name)")
@click.option("--quiet", is_flag=True, help="no progress bar or summary lines")
@json_option
def curve_command(
    input_path, target, bobs, out, kmax, orderings, all_subsets, folds, seed, groups_column, title, quiet
) -> None:
    """Held-out MSE and sparsity vs the number of Bobs K for every method (Figures 1-4)."""
    from marketalign.data.inputs import file_sha256, load_scores
    from marketalign.experiments.protocol import write_outcome
    from marketalign.hull.curves import market_curve
    from marketalign.hull.market_weights import market_weights
    from marketalign.report.curves import curve_outcome, headline

    h, scores, names, groups, unused = load_scores(input_path, target, bobs, groups_column)
    echo_groups(groups_column)
    config = curve_config(kmax, orderings, all_subsets, folds, seed)
    result = market_curve(scores, h, config, groups=groups, bob_names=names, target_names=[target], quiet=quiet)
    echo_unused(unused)
    about = {"input": str(input_path), "input_sha256": file_sha256(input_path), "target": target, "bobs": names,
             "weights_all_bobs": market_weights(scores, h, names)}
    if groups_column is not None:
        about["groups"] = groups_column
    paths = write_outcome(curve_outcome("curve", result, title=title or input_path.name, about=about), out)
    set_summary_result(paths["summary.json"])
    if not quiet:
        click.echo("\n".join(headline(result)))
        click.echo(f"wrote {', '.join(str(p) for p in sorted(paths.values()))}")
