"""``marketalign network path|lowerbound|cyclic|real|general --out DIR``: one command per experiment (built from
the registry, :mod:`marketalign.cli.experiments`), and ``network train`` for a network the user gives.

Each writes DIR/results.csv, DIR/summary.json (config, seed, checks) and DIR/<name>.png, and prints its verdict.
A violated bound or fixture exits with code 1 after the files are written; bad input exits with 2. The
experiments run in chunks through :mod:`marketalign.parallel` (``--workers``, ``--scheduler``, ``--checkpoint``);
``--quick`` gives the size options the experiment's quick values.
"""

from __future__ import annotations

from pathlib import Path

import click

from marketalign.cli.experiments import experiment_group, finish
from marketalign.cli.options import json_option
from marketalign.experiments.network_configs import LEARNERS, TrainConfig
from marketalign.experiments.protocol import RunContext
from marketalign.paths import prepare_dir

network_group = experiment_group(
    "network", "Networked information aggregation on DAGs: one command per experiment (a)-(e).",
    extra={"train": ("marketalign.cli.network:train_command",
                     "Train YOUR network (JSON) on your data: per-agent errors and the all-features benchmark.")})
_TRAIN = TrainConfig(network="")


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
    finish(network_train.run(config, RunContext()), out)
