"""``marketalign network path|lowerbound|cyclic|real|general --out DIR``: one command per experiment.

Each writes DIR/results.csv, DIR/summary.json (config, seed, checks) and DIR/<name>.png, and prints a short
summary. A violated bound or fixture exits with code 1 after the files are written; bad input exits with 2.
The experiments run in chunks through :mod:`marketalign.parallel` (``--workers``, ``--scheduler``,
``--checkpoint``); ``--quick`` gives the size options the experiment's quick values.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from marketalign.cli.execution import execution_options
from marketalign.cli.games import quick_option, sized_config
from marketalign.cli.options import json_option, list_option, set_summary_result
from marketalign.errors import BoundViolation
from marketalign.experiments.network_configs import (
    LEARNERS,
    CyclicConfig,
    GeneralConfig,
    LowerBoundConfig,
    PathConfig,
    RealConfig,
    TrainConfig,
)
from marketalign.experiments.protocol import SUMMARY_FILE, Outcome, RunContext, write_outcome
from marketalign.parallel import ExecutionConfig
from marketalign.paths import prepare_dir


def _sizes(full, quick, field: str) -> str:
    """``[default: X; --quick: Y]`` for a size option's help, read from the experiment's two configs."""

    def shown(value) -> str:
        return ",".join(map(str, value)) if isinstance(value, tuple) else str(value)

    return f"[default: {shown(getattr(full, field))}; --quick: {shown(getattr(quick, field))}]"


def _common(func: Callable) -> Callable:
    options = [
        click.option(
            "--out",
            required=True,
            type=click.Path(path_type=Path),
            help="Folder for results.csv, summary.json and the plot.",
        ),
        click.option("--seed", default=_PATH.seed, show_default=True, type=int, help="Seed of every random draw."),
        quick_option,
        click.option("--quiet", is_flag=True, help="No progress bar."),
        json_option,
        execution_options,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _finish(outcome: Outcome, out: Path) -> bool:
    """Write the outcome into ``out`` and print its headline and the paths written; whether a bound or fixture
    it checks was violated (the command then exits 1 with its own message)."""
    written = write_outcome(outcome, out)
    set_summary_result(written[SUMMARY_FILE])
    for line in outcome.verdict.lines:
        click.echo(line)
    click.echo(f"wrote {', '.join(str(path) for path in written.values())}")
    return outcome.verdict.status == "violated"


_PATH, _PATH_QUICK = PathConfig(), PathConfig.quick()
_LOW, _LOW_QUICK = LowerBoundConfig(), LowerBoundConfig.quick()
_CYCLIC, _CYCLIC_QUICK = CyclicConfig(), CyclicConfig.quick()
_REAL, _REAL_QUICK = RealConfig(), RealConfig.quick()
_GENERAL, _GENERAL_QUICK = GeneralConfig(), GeneralConfig.quick()
_TRAIN = TrainConfig(network="")


@click.command("path")
@_common
@click.option("--features", type=int, help="Number of features d. " + _sizes(_PATH, _PATH_QUICK, "n_features"))
@list_option("--windows", item=int, minimum=1, help="Coverage windows M. " + _sizes(_PATH, _PATH_QUICK, "windows"))
@click.option("--max-depth", type=int, help="Longest path (agents). " + _sizes(_PATH, _PATH_QUICK, "max_depth"))
@click.option(
    "--instances", type=int, help="Random draws per (distribution, M). " + _sizes(_PATH, _PATH_QUICK, "instances")
)
def path_command(
    out, seed, quick, quiet, execution: ExecutionConfig, features, windows, max_depth, instances
) -> None:
    """(a) Excess error vs depth on M-covered paths, with the O(M/sqrt(D)) bound."""
    from marketalign.experiments import network_path

    sizes = {"n_features": features, "windows": windows, "max_depth": max_depth, "instances": instances}
    config = sized_config(PathConfig, quick, seed, sizes)
    prepare_dir(out)
    outcome = network_path.run(config, RunContext(quiet=quiet, execution=execution))
    if _finish(outcome, out):
        checks = outcome.summary["checks"]
        raise BoundViolation(
            f"{checks['violations']} (path, depth) points exceed the covered-path bound; "
            f"worst case {checks['worst_case']}; see {out / 'results.csv'}."
        )


@click.command("lowerbound")
@_common
@click.option("--features", type=int, help="d for the random DAGs. " + _sizes(_LOW, _LOW_QUICK, "n_features"))
@list_option("--dag-sizes", item=int, minimum=1,
             help="Agents per random DAG. " + _sizes(_LOW, _LOW_QUICK, "dag_sizes"))
@list_option("--edge-probs", item=float, minimum=0,
             help="Edge probabilities. " + _sizes(_LOW, _LOW_QUICK, "edge_probs"))
@click.option("--dags", type=int, help="Random DAGs per (size, probability). " + _sizes(_LOW, _LOW_QUICK, "dags"))
@list_option(
    "--hub-features",
    item=int,
    minimum=1,
    help="d values for the attaining ordering and hub-and-spokes. " + _sizes(_LOW, _LOW_QUICK, "hub_features"),
)
def lowerbound_command(
    out, seed, quick, quiet, execution: ExecutionConfig, features, dag_sizes, edge_probs, dags, hub_features
) -> None:
    """(b) Error >= 1/(D+1) on random DAGs, attained by an ordering; hub-and-spokes stuck at 1/2."""
    from marketalign.experiments import network_lowerbound

    sizes = {
        "n_features": features,
        "dag_sizes": dag_sizes,
        "edge_probs": edge_probs,
        "dags": dags,
        "hub_features": hub_features,
    }
    config = sized_config(LowerBoundConfig, quick, seed, sizes)
    prepare_dir(out)
    outcome = network_lowerbound.run(config, RunContext(quiet=quiet, execution=execution))
    if _finish(outcome, out):
        raise BoundViolation(
            f"lower bound violated at {outcome.summary['checks']['violations']} agents or not attained by the "
            f"ordering; see {out / 'results.csv'}."
        )


@click.command("cyclic")
@_common
@list_option("--features", item=int, minimum=1, help="d values. " + _sizes(_CYCLIC, _CYCLIC_QUICK, "n_features"))
@click.option(
    "--passes", type=int, help="Passes over the features along the path. " + _sizes(_CYCLIC, _CYCLIC_QUICK, "passes")
)
def cyclic_command(out, seed, quick, quiet, execution: ExecutionConfig, features, passes) -> None:
    """(c) The cyclic-coverage path on the chain-difference distribution, with the d = 10 fixtures."""
    from marketalign.experiments import network_cyclic

    sizes = {"n_features": features, "passes": passes}
    config = sized_config(CyclicConfig, quick, seed, sizes)
    prepare_dir(out)
    if _finish(network_cyclic.run(config, RunContext(quiet=quiet, execution=execution)), out):
        raise BoundViolation(f"the cyclic-path fixtures were not reproduced; see {out / 'summary.json'}.")


@click.command("real")
@_common
@click.option("--dataset", default=_REAL.dataset, show_default=True, help="A bundled data set (no download).")
@click.option(
    "--table",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Your own CSV/Parquet table of numeric columns (instead of --dataset).",
)
@click.option("--target", default=None, help="Label column of --table.")
@click.option("--splits", type=int, help="Random train/test splits. " + _sizes(_REAL, _REAL_QUICK, "splits"))
@list_option("--widths", item=int, minimum=1, help="Layer widths. " + _sizes(_REAL, _REAL_QUICK, "widths"))
@list_option("--depths", item=int, minimum=1, help="Numbers of layers. " + _sizes(_REAL, _REAL_QUICK, "depths"))
@click.option("--ridge", default=_REAL.ridge, show_default=True, help="Ridge penalty on the mean squared error.")
def real_command(
    out, seed, quick, quiet, execution: ExecutionConfig, dataset, table, target, splits, widths, depths, ridge
) -> None:
    """(d) Real data: layered random DAGs of varying depth and width, error vs topology."""
    from marketalign.experiments import network_real

    sizes = {"splits": splits, "widths": widths, "depths": depths}
    config = sized_config(RealConfig, quick, seed, sizes, dataset=dataset, table=table, target=target, ridge=ridge)
    prepare_dir(out)
    _finish(network_real.run(config, RunContext(quiet=quiet, execution=execution)), out)


@click.command("general")
@_common
@list_option(
    "--learners",
    item=str,
    choices=LEARNERS,
    default=_GENERAL.learners,
    help=f"Learners, of {', '.join(LEARNERS)}.",
)
@click.option(
    "--rows", type=int, help="Training rows (test rows: 2.5x). " + _sizes(_GENERAL, _GENERAL_QUICK, "train_rows")
)
@click.option("--max-depth", type=int, help="Path length. " + _sizes(_GENERAL, _GENERAL_QUICK, "max_depth"))
@click.option("--instances", type=int, help="Independent data draws. " + _sizes(_GENERAL, _GENERAL_QUICK, "instances"))
@click.option(
    "--crossfit",
    default=_GENERAL.crossfit,
    show_default=True,
    help="Folds for out-of-fold parent predictions during training (0 = off).",
)
def general_command(
    out, seed, quick, quiet, execution: ExecutionConfig, learners, rows, max_depth, instances, crossfit
) -> None:
    """(e) General learners vs linear on non-linear data (Friedman #1), along a path and a hub."""
    from marketalign.experiments import network_general

    sizes = {
        "train_rows": rows,
        "test_rows": None if rows is None else int(2.5 * rows),
        "max_depth": max_depth,
        "instances": instances,
    }
    config = sized_config(GeneralConfig, quick, seed, sizes, learners=learners, crossfit=crossfit)
    prepare_dir(out)
    _finish(network_general.run(config, RunContext(quiet=quiet, execution=execution)), out)


@click.command("train")
@click.option(
    "--network",
    "network_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help='JSON: {"agents": {name: {"features": [0, 2], "parents": [...]}}}.',
)
@click.option(
    "--table",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="CSV/Parquet table of numeric columns (default: the bundled diabetes data).",
)
@click.option("--target", default=None, help="Label column of --table.")
@click.option(
    "--learner",
    default=_TRAIN.learner,
    show_default=True,
    type=click.Choice(LEARNERS),
    help="Every agent's learner.",
)
@click.option("--test-fraction", default=_TRAIN.test_fraction, show_default=True,
              help="Share of rows held out (0 = none).")
@click.option("--crossfit", default=_TRAIN.crossfit, show_default=True, help="Out-of-fold parent predictions (folds).")
@click.option("--out", required=True, type=click.Path(path_type=Path))
@click.option("--seed", default=_TRAIN.seed, show_default=True, type=int)
@json_option
def train_command(network_path, table, target, learner, test_fraction, crossfit, out, seed) -> None:
    """Train YOUR network (JSON) on your data: per-agent errors and the all-features benchmark."""
    from marketalign.experiments import network_train

    config = TrainConfig(
        network=str(network_path),
        table=table,
        target=target,
        learner=learner,
        test_fraction=test_fraction,
        crossfit=crossfit,
        seed=seed,
    )
    prepare_dir(out)
    _finish(network_train.run(config, RunContext()), out)
