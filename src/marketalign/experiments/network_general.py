"""Experiment (e): general learners vs linear ones on non-linear data (Friedman #1), along paths and a hub.

Agents on a path observe ``per_agent`` features each, cycling through the d features; every learner sees the
same rows (paired). Benchmarks: each learner given all features, and the Bayes error (the noise variance).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor

from marketalign.errors import InputError
from marketalign.experiments.network_common import base_summary, network_outcome, run_tasks
from marketalign.experiments.network_configs import LEARNERS, GeneralConfig
from marketalign.experiments.protocol import Outcome, RunContext, Verdict, sized_config
from marketalign.network import allocations, graphs
from marketalign.network.distributions import friedman_sample
from marketalign.network.greedy import GreedyResidualRegressor
from marketalign.network.linear import LinearLearner
from marketalign.network.modes import aggregate_sample
from marketalign.network.network import build_network
from marketalign.report.network_figures import plot_general
from marketalign.seeding import integer_seeds, stream

TASKS_PER_CHUNK = 1  # one (draw, learner, topology) per chunk: seconds each at the default sizes


def make_learner(name: str):
    """The learner behind each name: OLS on moments, the greedy residual learner on depth-3 trees, gradient
    boosting (100 depth-3 trees), or a random forest (100 trees, leaves of at least 5 rows)."""
    if name == "linear":
        return LinearLearner()
    if name == "greedy":
        return GreedyResidualRegressor(n_rounds=40, tol=1e-3)
    if name == "gbm":
        return GradientBoostingRegressor(n_estimators=100, max_depth=3)
    if name == "forest":
        return RandomForestRegressor(n_estimators=100, min_samples_leaf=5, n_jobs=1)
    raise InputError(f"Unknown learner {name!r}; choose from {LEARNERS}.")


def about(config: GeneralConfig) -> dict[str, str]:
    """What the data and the agents of this run are, for the summary."""
    return {
        "data": f"Friedman #1 (scikit-learn's make_friedman1: non-linear, generated, not downloaded), "
        f"d = {config.n_features}, noise {config.noise:g}; {config.train_rows} training and {config.test_rows} "
        f"test rows per draw, {config.instances} draw(s), sample mode",
        "agents": f"learners {list(config.learners)} on a path of {config.max_depth} agents seeing "
        f"{config.per_agent} features each (cycling) and on hub-and-spokes; each agent also sees its parents' "
        "predictions",
    }


@dataclass(frozen=True)
class GeneralTask:
    instance: int
    data_seed: int
    learner: str
    topology: str  # "path" | "hub"
    config: GeneralConfig


def tasks(config: GeneralConfig) -> list[GeneralTask]:
    data_seeds = integer_seeds(config.seed, config.instances)
    return [
        GeneralTask(i, data_seeds[i], learner, topology, config)
        for i in range(config.instances)
        for learner in config.learners
        for topology in ("path", "hub")
    ]


def run_task(task: GeneralTask) -> list[dict]:
    config = task.config
    rng = stream(task.data_seed)
    d = config.n_features
    X, y = friedman_sample(config.train_rows, d, config.noise, rng)
    Xt, yt = friedman_sample(config.test_rows, d, config.noise, rng)
    if task.topology == "path":
        graph = graphs.path(config.max_depth)
        allocation = allocations.cyclic(graph, d, per_agent=config.per_agent, start=int(rng.integers(d)))
    else:
        graph = graphs.hub_and_spokes(d)
        allocation = {s: (s,) for s in range(d)}
        allocation[d] = ()
    network = build_network(graph, allocation, d)
    result = aggregate_sample(
        network, X, y, Xt, yt, make_learner(task.learner), crossfit=config.crossfit, seed=task.data_seed
    )
    agents = range(network.n_agents) if task.topology == "path" else [network.n_agents - 1]
    depth = network.depths()
    return [
        {
            "instance": task.instance,
            "learner": task.learner,
            "topology": task.topology,
            "depth": int(depth[a]),
            "test_mse": float(result.mse[a]),
            "train_mse": float(result.train_mse[a]),
            "benchmark_mse": result.benchmark_mse,
            "bayes_mse": config.noise**2,
        }
        for a in agents
    ]


def configure(*, quick: bool, seed: int, learners: tuple[str, ...], rows: int | None, max_depth: int | None,
              instances: int | None, crossfit: int) -> GeneralConfig:
    """The config of ``marketalign network general``: the full-scale or ``quick`` sizes, with those given
    (``rows`` training rows and 2.5 times as many test rows).

    Raises
    ------
    InputError
        When the config refuses a value (:class:`GeneralConfig`).
    """
    sizes = {"train_rows": rows, "test_rows": None if rows is None else int(2.5 * rows), "max_depth": max_depth,
             "instances": instances}
    return sized_config(GeneralConfig, quick, seed, sizes, learners=learners, crossfit=crossfit)


def run(config: GeneralConfig, context: RunContext) -> Outcome:
    """Every (draw, learner, topology), in chunks where ``context.execution`` says.

    Parameters
    ----------
    config : GeneralConfig
        The experiment.
    context : RunContext
        Where the tasks run and whether progress bars show.

    Returns
    -------
    Outcome
        ``results.csv`` (one row per (draw, learner, topology, agent)), the summary with the last agent's, the
        all-features and the hub's MSE per learner, ``general.png``, and the measured headline.
    """
    table = run_tasks(
        run_task,
        tasks(config),
        per_chunk=TASKS_PER_CHUNK,
        desc="general learners",
        quiet=context.quiet,
        execution=context.execution,
    )
    summary = base_summary("general", config, about(config))
    path = table[table["topology"] == "path"]
    deepest = path[path["depth"] == path["depth"].max()]
    summary["last_agent_test_mse"] = deepest.groupby("learner")["test_mse"].mean().to_dict()
    summary["benchmark_test_mse"] = table.groupby("learner")["benchmark_mse"].mean().to_dict()
    summary["hub_test_mse"] = (
        table[table["topology"] == "hub"].groupby("learner")["test_mse"].mean().to_dict()
    )
    summary["bayes_mse"] = config.noise**2
    lines = (
        *(
            f"{name}: last agent {summary['last_agent_test_mse'][name]:.3f}, all features "
            f"{summary['benchmark_test_mse'][name]:.3f}, hub {summary['hub_test_mse'][name]:.3f}"
            for name in summary["last_agent_test_mse"]
        ),
        f"Bayes error: {summary['bayes_mse']:.3f}",
    )
    headline = (f"test MSE of the last agent vs all features (Bayes {summary['bayes_mse']:.2f}): "
                + ", ".join(f"{name} {summary['last_agent_test_mse'][name]:.2f} vs "
                            f"{summary['benchmark_test_mse'][name]:.2f}" for name in summary["last_agent_test_mse"]))
    verdict = Verdict("measured", lines, headline)
    return network_outcome(summary, table, partial(plot_general, table, summary), verdict)
