"""Train a user's network on a user's table: per-agent held-out errors beside the all-features benchmark."""

from __future__ import annotations

from functools import partial

from marketalign.experiments.network_common import base_summary, network_outcome
from marketalign.experiments.network_configs import TrainConfig
from marketalign.experiments.network_general import make_learner
from marketalign.experiments.protocol import Outcome, RunContext, Verdict
from marketalign.network.datasets import load_regression, load_table
from marketalign.network.modes import aggregate_sample
from marketalign.network.spec import read_network_spec
from marketalign.report.network_figures import plot_train
from marketalign.seeding import stream


def run(config: TrainConfig, context: RunContext) -> Outcome:
    """Train every agent of the user's network once, in topological order (a single run: ``context`` changes
    nothing).

    Parameters
    ----------
    config : TrainConfig
        The network, the data, the learner and the split.
    context : RunContext
        Taken for the one shape of every experiment.

    Returns
    -------
    Outcome
        ``results.csv`` (one row per agent), the summary with the benchmark and the best agent, ``train.png``,
        and the measured headline.

    Raises
    ------
    InputError
        When the network or the table cannot be read, the design is singular or the learner fails.
    """
    X, y, names = load_table(config.table, config.target) if config.table else load_regression(config.dataset)
    network = read_network_spec(config.network, X.shape[1])
    order = stream(config.seed).permutation(len(y))
    n_test = int(round(config.test_fraction * len(y)))
    test, train = order[:n_test], order[n_test:]
    held = (X[test], y[test]) if n_test else (None, None)
    result = aggregate_sample(
        network,
        X[train],
        y[train],
        *held,
        make_learner(config.learner),
        crossfit=config.crossfit,
        seed=config.seed,
    )
    table = result.to_frame()
    data = (
        f"the user's table {config.table} (label column {config.target!r})"
        if config.table
        else f"scikit-learn's bundled {config.dataset} data (nothing downloaded)"
    )
    about = {
        "data": f"{data}: {len(y)} rows, {X.shape[1]} features, {config.test_fraction:.0%} held out, sample mode",
        "agents": f"the user's network {config.network} ({network.n_agents} agents), every agent a "
        f"{config.learner} learner on its features and its parents' predictions",
    }
    summary = base_summary("train", config, about)
    summary.update(
        {
            "features": list(names),
            "train_rows": int(len(train)),
            "test_rows": int(n_test),
            "benchmark_mse": result.benchmark_mse,
            "depth": network.depth(),
            "best_agent": str(network.names[result.best_agent()]),
            "best_mse": float(result.mse.min()),
            "error": "held-out MSE" if n_test else "training MSE",
        }
    )
    headline = (
        f"{len(table)} agents, depth {summary['depth']}; best agent {summary['best_agent']}: "
        f"{summary['best_mse']:.6g} ({summary['error']}); benchmark {summary['benchmark_mse']:.6g}"
    )
    return network_outcome(summary, table, partial(plot_train, table, summary), Verdict("measured", (headline,)))
