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
from marketalign.cli.options import json_option, list_option, set_result
from marketalign.errors import BoundViolation
from marketalign.experiments import (
    network_cyclic,
    network_general,
    network_lowerbound,
    network_path,
    network_real,
    network_train,
)
from marketalign.experiments.network_common import ExperimentResult, write_result
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


def _finish(result: ExperimentResult, module, out: Path, lines: list[str]) -> None:
    paths = write_result(result, module.plot(result), out)
    set_result({k: v for k, v in result.summary.items() if k != "versions"})
    for line in lines:
        click.echo(line)
    click.echo(f"wrote {paths['results']}, {paths['summary']}, {paths['plot']}")


_PATH, _PATH_QUICK = network_path.PathConfig(), network_path.PathConfig.quick()
_LOW, _LOW_QUICK = network_lowerbound.LowerBoundConfig(), network_lowerbound.LowerBoundConfig.quick()
_CYCLIC, _CYCLIC_QUICK = network_cyclic.CyclicConfig(), network_cyclic.CyclicConfig.quick()
_REAL, _REAL_QUICK = network_real.RealConfig(), network_real.RealConfig.quick()
_GENERAL, _GENERAL_QUICK = network_general.GeneralConfig(), network_general.GeneralConfig.quick()
_TRAIN = network_train.TrainConfig(network="")


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
    sizes = {"n_features": features, "windows": windows, "max_depth": max_depth, "instances": instances}
    config = sized_config(network_path.PathConfig, quick, seed, sizes)
    prepare_dir(out)
    result = network_path.run(config, quiet=quiet, execution=execution)
    checks = result.summary["checks"]
    _finish(
        result,
        network_path,
        out,
        [
            f"largest excess/bound over all paths and depths: {checks['max_excess_over_bound']:.4g}",
            f"bound violations: {checks['violations']}",
        ],
    )
    if checks["violations"]:
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
    sizes = {
        "n_features": features,
        "dag_sizes": dag_sizes,
        "edge_probs": edge_probs,
        "dags": dags,
        "hub_features": hub_features,
    }
    config = sized_config(network_lowerbound.LowerBoundConfig, quick, seed, sizes)
    prepare_dir(out)
    result = network_lowerbound.run(config, quiet=quiet, execution=execution)
    checks = result.summary["checks"]
    _finish(
        result,
        network_lowerbound,
        out,
        [
            f"random-DAG agents with D < d: {checks['random_dag_agents_checked']}, "
            f"min error*(D+1) = {checks['min_error_times_depth_plus_one']}",
            f"attaining ordering: max |error*(D+1) - 1| = {checks['ordering_max_gap_to_bound']:.2e}",
            "hub-and-spokes error: " + ", ".join(f"d={d}: {e:.12g}" for d, e in checks["hub_errors"].items()),
        ],
    )
    if checks["violations"] or not checks["ordering_attains_bound"]:
        raise BoundViolation(
            f"lower bound violated at {checks['violations']} agents or not attained by the "
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
    sizes = {"n_features": features, "passes": passes}
    config = sized_config(network_cyclic.CyclicConfig, quick, seed, sizes)
    prepare_dir(out)
    result = network_cyclic.run(config, quiet=quiet, execution=execution)
    checks = result.summary["checks"]
    _finish(
        result,
        network_cyclic,
        out,
        [
            *(
                f"d=10 after {f['pass']:>2} passes: {f['computed']:.6g} (fixture {f['expected']:g})"
                for f in checks["fixtures"]
            ),
            f"fixtures reproduced to {checks['fixture_tolerance']:g}: {checks['fixtures_match']}",
        ],
    )
    if checks["fixtures"] and not checks["fixtures_match"]:
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
    sizes = {"splits": splits, "widths": widths, "depths": depths}
    config = sized_config(
        network_real.RealConfig, quick, seed, sizes, dataset=dataset, table=table, target=target, ridge=ridge
    )
    prepare_dir(out)
    result = network_real.run(config, quiet=quiet, execution=execution)
    summary = result.summary
    lines = [f"{summary['data']['rows']} rows, {len(summary['data']['features'])} features"]
    for width, curve in summary["mean_relative_excess"].items():
        lines.append(
            f"{width}: excess/Var(y) by depth " + ", ".join(f"{d}: {v:+.3f}" for d, v in curve.items())
        )
    lines.append(f"hub-and-spokes: {summary['hub_mean_relative_excess']:+.3f}")
    _finish(result, network_real, out, lines)


@click.command("general")
@_common
@list_option(
    "--learners",
    item=str,
    choices=network_general.LEARNERS,
    default=_GENERAL.learners,
    help=f"Learners, of {', '.join(network_general.LEARNERS)}.",
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
    sizes = {
        "train_rows": rows,
        "test_rows": None if rows is None else int(2.5 * rows),
        "max_depth": max_depth,
        "instances": instances,
    }
    config = sized_config(
        network_general.GeneralConfig, quick, seed, sizes, learners=learners, crossfit=crossfit
    )
    prepare_dir(out)
    result = network_general.run(config, quiet=quiet, execution=execution)
    summary = result.summary
    _finish(
        result,
        network_general,
        out,
        [
            f"{name}: last agent {summary['last_agent_test_mse'][name]:.3f}, all features "
            f"{summary['benchmark_test_mse'][name]:.3f}, hub {summary['hub_test_mse'][name]:.3f}"
            for name in summary["last_agent_test_mse"]
        ]
        + [f"Bayes error: {summary['bayes_mse']:.3f}"],
    )


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
    type=click.Choice(network_general.LEARNERS),
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
    config = network_train.TrainConfig(
        network=str(network_path),
        table=table,
        target=target,
        learner=learner,
        test_fraction=test_fraction,
        crossfit=crossfit,
        seed=seed,
    )
    prepare_dir(out)
    result = network_train.run(config)
    s = result.summary
    _finish(
        result,
        network_train,
        out,
        [
            f"{len(result.table)} agents, depth {s['depth']}; best agent {s['best_agent']}: "
            f"{s['best_mse']:.6g} ({s['error']}); benchmark {s['benchmark_mse']:.6g}",
        ],
    )
