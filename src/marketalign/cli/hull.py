"""Commands on market alignment: ``fit`` and ``curve`` on a data table, ``epsilon`` on utility tables.

The library (pandas, SciPy, scikit-learn, matplotlib) is imported inside the commands, so that their help is fast.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import click
import numpy as np

from marketalign.data.names import INSTANCE, TARGET
from marketalign.errors import InputError
from marketalign.hull.constraints import FIT_CONSTRAINTS, WEIGHT_KINDS

if TYPE_CHECKING:
    from marketalign.hull.curves import CurveConfig

_TABLE = click.Path(exists=True, dir_okay=False, path_type=Path)
LP_MAX_VALUE = 1e15  # HiGHS's large_matrix_value: a coefficient this large or larger is a model error


def read_utility_tables(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read ``{"alice": [[...]], "bobs": [[[...]]]}`` (shapes (A, Y) and (k, A, Y))."""
    try:
        payload = json.loads(Path(path).read_text())
    except json.JSONDecodeError as err:
        raise InputError(f"{path} is not valid JSON ({err.msg} at line {err.lineno}); fix the file.") from err
    if not isinstance(payload, dict) or not {"alice", "bobs"} <= payload.keys():
        raise InputError(f'{path} must be a JSON object with keys "alice" (A x Y) and "bobs" (k x A x Y).')
    try:
        return np.asarray(payload["alice"], dtype=float), np.asarray(payload["bobs"], dtype=float)
    except (TypeError, ValueError) as err:
        raise InputError(
            f'{path}: "alice" and "bobs" must be rectangular nested lists of numbers ({err}).'
        ) from err


class Scores(NamedTuple):
    """What :func:`load_scores` reads: Alice's utility, the Bob scores and names, the group labels (or None) and
    the columns left out with the reason."""

    h: np.ndarray
    scores: np.ndarray
    names: list[str]
    groups: np.ndarray | None
    unused: dict[str, str]


def load_scores(path: Path, target: str, bobs: tuple[str, ...], groups: str | None = None) -> Scores:
    """Alice's utility, the Bob scores, their names and the labels of the ``groups`` column (None without it)
    from a CSV/Parquet table (row ids optional); the group column is never a Bob (docs/theory.md §1.7, Definition G1).

    Raises
    ------
    InputError
        An unreadable or invalid table (see :func:`read_table`, :func:`validate_table`), a bad group column, or
        a constant target.
    """
    import pandas as pd

    from marketalign.data.tables import check_target_varies, read_table, unused_columns, validate_table

    table = read_table(path)
    numbered = INSTANCE not in table.columns
    if numbered:
        table.insert(0, INSTANCE, pd.RangeIndex(len(table)).astype(str))
    names = [name for item in bobs for name in item.split(",") if name] or None
    labels = None
    if groups is not None:
        if groups not in table.columns:
            raise InputError(f"{path} has no group column '{groups}' (columns: {', '.join(map(str, table.columns))}).")
        if groups in (target, INSTANCE) or (names is not None and groups in names):
            raise InputError(f"--groups column '{groups}' is also the target, the id or a Bob; pick another column.")
        labels = table.pop(groups).to_numpy(dtype=object)
        missing = pd.isna(labels)
        if missing.any():
            raise InputError(
                f"{path}: group column '{groups}' is empty in {int(missing.sum())} of {len(labels)} rows; give "
                "every row a group."
            )
        click.echo(f"column '{groups}' is used as groups for the folds, not as a Bob", err=True)
    h, scores, names = validate_table(table, target=target, bobs=names, where=str(path))
    check_target_varies(h, target, str(path))
    unused = unused_columns(table.drop(columns=INSTANCE) if numbered else table, target, names)
    return Scores(h, scores, names, labels, unused)


def echo_unused(unused: dict[str, str]) -> None:
    """One stderr line per column left out, saying why (printed once the command has succeeded, so that bad
    input still gets a one-line error)."""
    for name, why in unused.items():
        click.echo(f"column {name!r} not used: {why}", err=True)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


target_option = click.option("--target", default=TARGET, show_default=True, help="column holding Alice's utility")
bobs_option = click.option(
    "--bobs", multiple=True, help="Bob columns (repeat or comma-separate); default: every other numeric column"
)
folds_option = click.option("--folds", default=5, show_default=True, help="cross-validation folds")
seed_option = click.option("--seed", default=0, show_default=True, help="seed for folds and orderings")
groups_option = click.option(
    "--groups", "groups_column", help="column of group labels: folds never split a group (not a Bob)"
)


def curve_options(command):
    """The options every curve command shares: where to write, K range, orderings or subsets, folds, seed."""
    for option in reversed([
        click.option("--out", type=click.Path(path_type=Path), required=True, help="output folder"),
        click.option("--kmax", type=int, help="largest number of Bobs (default: all)"),
        click.option("--orderings", default=100, show_default=True, help="random orderings of the Bobs"),
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
def epsilon_command(table: Path, weights: str) -> None:
    """Exact sup-norm epsilon of Definition 1 for the utility tables in TABLE.json."""
    from marketalign.hull.epsilon import epsilon_sup

    alice, bobs = read_utility_tables(table)
    largest = max(np.abs(alice).max(initial=0.0), np.abs(bobs).max(initial=0.0))
    if largest >= LP_MAX_VALUE:  # also refuses inf; NaN is refused by epsilon_sup
        raise InputError(
            f"{table}: utilities reach {largest:.3g} in absolute value; the LP solver (HiGHS) refuses entries of "
            f"{LP_MAX_VALUE:g} or more. Divide every table by one common factor: epsilon and the offset scale with "
            "it, the weights do not change."
        )
    result = epsilon_sup(alice, bobs, weights=weights)
    click.echo(json.dumps(result.to_dict(), indent=2))


@click.command("fit")
@click.argument("input_path", metavar="INPUT", type=_TABLE)
@target_option
@bobs_option
@click.option("--constraint", type=click.Choice(FIT_CONSTRAINTS), default="simplex", show_default=True)
@folds_option
@seed_option
@groups_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="write the report as JSON here")
def fit_command(input_path, target, bobs, constraint, folds, seed, groups_column, out) -> None:
    """Fit Alice's utility as a constrained combination of the Bobs: weights, offset, training and CV MSE."""
    from marketalign.hull.fit import fit_with_cv
    from marketalign.report.outputs import write_json

    h, scores, names, groups, unused = load_scores(input_path, target, bobs, groups_column)
    report = fit_with_cv(scores, h, constraint, folds=folds, seed=seed, bob_names=names, groups=groups).to_dict()
    echo_unused(unused)
    report["input"] = {"path": str(input_path), "sha256": file_sha256(input_path), "target": target}
    if groups_column is not None:
        report["input"]["groups"] = groups_column
    if out is not None:
        write_json(report, out)
    click.echo(json.dumps(report, indent=2, sort_keys=True))


@click.command("curve")
@click.argument("input_path", metavar="INPUT", type=_TABLE)
@target_option
@bobs_option
@curve_options
@groups_option
@click.option("--title", default="", help="figure title (default: the input file name)")
@click.option("--quiet", is_flag=True, help="no progress bar or summary lines")
def curve_command(
    input_path, target, bobs, out, kmax, orderings, all_subsets, folds, seed, groups_column, title, quiet
) -> None:
    """Held-out MSE and sparsity vs the number of Bobs K for every method (Figures 1-4)."""
    from marketalign.hull.curves import market_curve
    from marketalign.hull.market_weights import market_weights
    from marketalign.report.curves import headline, write_curve_outputs

    h, scores, names, groups, unused = load_scores(input_path, target, bobs, groups_column)
    config = curve_config(kmax, orderings, all_subsets, folds, seed)
    result = market_curve(scores, h, config, groups=groups, bob_names=names, target_names=[target], quiet=quiet)
    echo_unused(unused)
    about = {"input": str(input_path), "input_sha256": file_sha256(input_path), "target": target, "bobs": names,
             "weights_all_bobs": market_weights(scores, h, names)}
    if groups_column is not None:
        about["groups"] = groups_column
    paths = write_curve_outputs(result, out, title=title or input_path.name, about=about)
    if not quiet:
        click.echo("\n".join(headline(result)))
        click.echo(f"wrote {', '.join(str(p) for p in paths.values())}")
