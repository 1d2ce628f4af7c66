"""``marketalign network path|lowerbound|cyclic|real|general --out DIR``: one command per experiment.

Each writes DIR/results.csv, DIR/summary.json (config, seed, checks) and DIR/<name>.png, and prints a short
summary. A violated bound or fixture exits with code 1 after the files are written; bad input exits with 2.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

from marketalign.errors import BoundViolation, InputError
from marketalign.experiments import (
    network_cyclic,
    network_general,
    network_lowerbound,
    network_path,
    network_real,
    network_train,
)
from marketalign.experiments.network_common import ExperimentResult, write_result


def _ints(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError as err:
        raise InputError(f"Expected comma-separated integers, e.g. 1,2,5; got {text!r}.") from err


def _floats(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError as err:
        raise InputError(f"Expected comma-separated numbers, e.g. 0.1,0.5; got {text!r}.") from err


def _names(text: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in text.split(",") if v.strip())


def _common(func: Callable) -> Callable:
    options = [
        click.option(
            "--out",
            required=True,
            type=click.Path(file_okay=False, path_type=Path),
            help="Folder for results.csv, summary.json and the plot.",
        ),
        click.option("--seed", default=0, show_default=True, type=int, help="Seed of every random draw."),
        click.option("--quick", is_flag=True, help="A small version of the experiment (seconds)."),
        click.option("--quiet", is_flag=True, help="No progress bar."),
        click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _finish(result: ExperimentResult, module, out: Path, as_json: bool, lines: list[str]) -> None:
    paths = write_result(result, module.plot(result), out)
    if as_json:
        click.echo(
            json.dumps(
                {k: v for k, v in result.summary.items() if k != "versions"},
                default=str,
                indent=2,
                sort_keys=True,
            )
        )
    else:
        for line in lines:
            click.echo(line)
        click.echo(f"wrote {paths['results']}, {paths['summary']}, {paths['plot']}")


@click.group("network")
def network_group() -> None:
    """Networked information aggregation on DAGs: one command per experiment (a)-(e)."""


@network_group.command("path")
@_common
@click.option("--features", default=20, show_default=True, help="Number of features d.")
@click.option("--windows", default="1,2,5,10,20", show_default=True, help="Coverage windows M (comma list).")
@click.option("--max-depth", default=400, show_default=True, help="Longest path (agents).")
@click.option("--instances", default=10, show_default=True, help="Random draws per (distribution, M).")
def path_command(out, seed, quick, quiet, as_json, features, windows, max_depth, instances) -> None:
    """(a) Excess error vs depth on M-covered paths, with the O(M/sqrt(D)) bound."""
    config = network_path.PathConfig(
        n_features=features, windows=_ints(windows), max_depth=max_depth, instances=instances, seed=seed
    )
    if quick:
        config = network_path.PathConfig(
            n_features=6, windows=(1, 2, 6), max_depth=40, instances=2, seed=seed
        )
    result = network_path.run(config, quiet=quiet)
    checks = result.summary["checks"]
    _finish(
        result,
        network_path,
        out,
        as_json,
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


@network_group.command("lowerbound")
@_common
@click.option("--features", default=10, show_default=True, help="d for the random DAGs.")
@click.option("--dag-sizes", default="10,30,100", show_default=True, help="Agents per random DAG.")
@click.option("--edge-probs", default="0.05,0.2,0.5", show_default=True, help="Edge probabilities.")
@click.option("--dags", default=20, show_default=True, help="Random DAGs per (size, probability).")
@click.option(
    "--hub-features",
    default="3,10,50,100",
    show_default=True,
    help="d values for the attaining ordering and hub-and-spokes.",
)
def lowerbound_command(
    out, seed, quick, quiet, as_json, features, dag_sizes, edge_probs, dags, hub_features
) -> None:
    """(b) Error >= 1/(D+1) on random DAGs, attained by an ordering; hub-and-spokes stuck at 1/2."""
    config = network_lowerbound.LowerBoundConfig(
        n_features=features,
        dag_sizes=_ints(dag_sizes),
        edge_probs=_floats(edge_probs),
        dags=dags,
        hub_features=_ints(hub_features),
        seed=seed,
    )
    if quick:
        config = network_lowerbound.LowerBoundConfig(
            n_features=5, dag_sizes=(10, 20), edge_probs=(0.2, 0.5), dags=3, hub_features=(3, 10), seed=seed
        )
    result = network_lowerbound.run(config, quiet=quiet)
    checks = result.summary["checks"]
    _finish(
        result,
        network_lowerbound,
        out,
        as_json,
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


@network_group.command("cyclic")
@_common
@click.option("--features", default="5,10,20", show_default=True, help="d values (comma list).")
@click.option("--passes", default=60, show_default=True, help="Passes over the features along the path.")
def cyclic_command(out, seed, quick, quiet, as_json, features, passes) -> None:
    """(c) The cyclic-coverage path on the chain-difference distribution, with the d = 10 fixtures."""
    config = network_cyclic.CyclicConfig(n_features=_ints(features), passes=passes, seed=seed)
    if quick:
        config = network_cyclic.CyclicConfig(n_features=(10,), passes=20, seed=seed)
    result = network_cyclic.run(config, quiet=quiet)
    checks = result.summary["checks"]
    _finish(
        result,
        network_cyclic,
        out,
        as_json,
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


@network_group.command("real")
@_common
@click.option("--dataset", default="diabetes", show_default=True, help="A bundled data set (no download).")
@click.option(
    "--table",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Your own CSV/Parquet table of numeric columns (instead of --dataset).",
)
@click.option("--target", default=None, help="Label column of --table.")
@click.option("--splits", default=20, show_default=True, help="Random train/test splits.")
@click.option("--widths", default="1,2,4,8", show_default=True, help="Layer widths.")
@click.option("--depths", default="1,2,3,4,6,8,12,16", show_default=True, help="Numbers of layers.")
@click.option("--ridge", default=0.0, show_default=True, help="Ridge penalty on the mean squared error.")
def real_command(
    out, seed, quick, quiet, as_json, dataset, table, target, splits, widths, depths, ridge
) -> None:
    """(d) Real data: layered random DAGs of varying depth and width, error vs topology."""
    config = network_real.RealConfig(
        dataset=dataset,
        table=table,
        target=target,
        splits=splits,
        widths=_ints(widths),
        depths=_ints(depths),
        ridge=ridge,
        seed=seed,
    )
    if quick:
        config = network_real.RealConfig(
            dataset=dataset,
            table=table,
            target=target,
            splits=3,
            widths=(1, 4),
            depths=(1, 3, 8),
            ridge=ridge,
            seed=seed,
        )
    result = network_real.run(config, quiet=quiet)
    summary = result.summary
    lines = [f"{summary['data']['rows']} rows, {len(summary['data']['features'])} features"]
    for width, curve in summary["mean_relative_excess"].items():
        lines.append(
            f"{width}: excess/Var(y) by depth " + ", ".join(f"{d}: {v:+.3f}" for d, v in curve.items())
        )
    lines.append(f"hub-and-spokes: {summary['hub_mean_relative_excess']:+.3f}")
    _finish(result, network_real, out, as_json, lines)


@network_group.command("general")
@_common
@click.option(
    "--learners",
    default="linear,greedy,gbm",
    show_default=True,
    help=f"Comma list from {', '.join(network_general.LEARNERS)}.",
)
@click.option("--rows", default=2000, show_default=True, help="Training rows (test rows: 2.5x).")
@click.option("--max-depth", default=20, show_default=True, help="Path length.")
@click.option("--instances", default=3, show_default=True, help="Independent data draws.")
@click.option(
    "--crossfit",
    default=0,
    show_default=True,
    help="Folds for out-of-fold parent predictions during training (0 = off).",
)
def general_command(out, seed, quick, quiet, as_json, learners, rows, max_depth, instances, crossfit) -> None:
    """(e) General learners vs linear on non-linear data (Friedman #1), along a path and a hub."""
    config = network_general.GeneralConfig(
        learners=_names(learners),
        train_rows=rows,
        test_rows=int(2.5 * rows),
        max_depth=max_depth,
        instances=instances,
        crossfit=crossfit,
        seed=seed,
    )
    if quick:
        config = network_general.GeneralConfig(
            learners=_names(learners),
            train_rows=300,
            test_rows=600,
            max_depth=6,
            instances=1,
            crossfit=crossfit,
            seed=seed,
        )
    result = network_general.run(config, quiet=quiet)
    summary = result.summary
    _finish(
        result,
        network_general,
        out,
        as_json,
        [
            f"{name}: last agent {summary['last_agent_test_mse'][name]:.3f}, all features "
            f"{summary['benchmark_test_mse'][name]:.3f}, hub {summary['hub_test_mse'][name]:.3f}"
            for name in summary["last_agent_test_mse"]
        ]
        + [f"Bayes error: {summary['bayes_mse']:.3f}"],
    )


@network_group.command("train")
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
    default="linear",
    show_default=True,
    type=click.Choice(network_general.LEARNERS),
    help="Every agent's learner.",
)
@click.option("--test-fraction", default=0.3, show_default=True, help="Share of rows held out (0 = none).")
@click.option("--crossfit", default=0, show_default=True, help="Out-of-fold parent predictions (folds).")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def train_command(network_path, table, target, learner, test_fraction, crossfit, out, seed, as_json) -> None:
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
    result = network_train.run(config)
    s = result.summary
    _finish(
        result,
        network_train,
        out,
        as_json,
        [
            f"{len(result.table)} agents, depth {s['depth']}; best agent {s['best_agent']}: "
            f"{s['best_mse']:.6g} ({s['error']}); benchmark {s['benchmark_mse']:.6g}",
        ],
    )
