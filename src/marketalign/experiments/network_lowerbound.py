"""Experiment (b): on the chain-difference distribution, depth bounds aggregation from below.

Three families, all in population mode with one feature per agent: random DAGs (every agent of depth D < d
must have error ≥ 1/(D+1)); the ordering that attains the bound (agent t sees x_{d−t+1} and all earlier
predictions); and hub-and-spokes, whose hub stays at error 1/2 however many spokes see the features.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from marketalign.experiments.network_common import base_summary, network_outcome, run_tasks
from marketalign.experiments.network_configs import LowerBoundConfig
from marketalign.experiments.protocol import Outcome, RunContext, Verdict, sized_config
from marketalign.network import allocations, graphs
from marketalign.network.distributions import chain_difference
from marketalign.network.instances import hub_and_spokes_network, lower_bound_ordering
from marketalign.network.modes import aggregate_population
from marketalign.network.network import Network, build_network
from marketalign.report.network_figures import plot_lowerbound
from marketalign.seeding import integer_seeds, stream

TOLERANCE = 1e-9
TASKS_PER_CHUNK = 10  # networks per chunk: ~0.3 s at the default sizes


def about(config: LowerBoundConfig) -> dict[str, str]:
    """What the data and the agents of this run are, for the summary."""
    return {
        "data": "the chain-difference distribution (docs/theory.md §2.4 [OURS]), population mode (exact)",
        "agents": f"linear (OLS) agents seeing one feature each: {config.dags} random DAGs per (size in "
        f"{list(config.dag_sizes)}, edge probability in {list(config.edge_probs)}) on d = {config.n_features}; "
        f"the attaining ordering and hub-and-spokes for d in {list(config.hub_features)}",
    }


@dataclass(frozen=True)
class LowerBoundTask:
    family: str  # "random_dag" | "ordering" | "hub"
    n_features: int
    n_agents: int
    edge_prob: float
    instance: int
    seed: int


def tasks(config: LowerBoundConfig) -> list[LowerBoundTask]:
    keys = [
        ("random_dag", config.n_features, n, p, i)
        for n in config.dag_sizes
        for p in config.edge_probs
        for i in range(config.dags)
    ]
    keys += [
        (family, d, d + (family == "hub"), float("nan"), 0)
        for family in ("ordering", "hub")
        for d in config.hub_features
    ]
    seeds = integer_seeds(config.seed, len(keys))
    return [LowerBoundTask(*key, seed=s) for key, s in zip(keys, seeds, strict=True)]


def _network(task: LowerBoundTask) -> Network:
    if task.family == "ordering":
        return lower_bound_ordering(task.n_features)
    if task.family == "hub":
        return hub_and_spokes_network(task.n_features)
    rng = stream(task.seed)
    graph = graphs.random_dag(task.n_agents, rng, edge_prob=task.edge_prob)
    return build_network(graph, allocations.one_feature_each(graph, task.n_features, rng), task.n_features)


def run_task(task: LowerBoundTask) -> list[dict]:
    """One row per agent (per hub for hub-and-spokes): depth, error, error·(D+1)."""
    network = _network(task)
    result = aggregate_population(network, chain_difference(task.n_features).moments())
    depth = network.depths()
    agents = [network.n_agents - 1] if task.family == "hub" else range(network.n_agents)
    return [
        {
            "family": task.family,
            "n_features": task.n_features,
            "n_agents": task.n_agents,
            "edge_prob": task.edge_prob,
            "instance": task.instance,
            "agent": int(a),
            "depth": int(depth[a]),
            "error": float(result.excess[a]),
            "error_times_depth_plus_one": float(result.excess[a] * (depth[a] + 1)),
            "below_full_depth": bool(depth[a] < task.n_features),
        }
        for a in agents
    ]


def configure(*, quick: bool, seed: int, features: int | None, dag_sizes: tuple[int, ...] | None,
              edge_probs: tuple[float, ...] | None, dags: int | None,
              hub_features: tuple[int, ...] | None) -> LowerBoundConfig:
    """The config of ``marketalign network lowerbound``: the full-scale or ``quick`` sizes, with those given.

    Raises
    ------
    InputError
        When the config refuses a value (:class:`LowerBoundConfig`).
    """
    return sized_config(LowerBoundConfig, quick, seed, {"n_features": features, "dag_sizes": dag_sizes,
                                                        "edge_probs": edge_probs, "dags": dags,
                                                        "hub_features": hub_features})


def run(config: LowerBoundConfig, context: RunContext) -> Outcome:
    """Every network of the config, in chunks where ``context.execution`` says.

    Parameters
    ----------
    config : LowerBoundConfig
        The experiment.
    context : RunContext
        Where the tasks run and whether progress bars show.

    Returns
    -------
    Outcome
        ``results.csv`` (one row per agent, per hub for hub-and-spokes), the summary with the checks,
        ``lowerbound.png``, and the verdict on error >= 1/(D+1) and its attainment by the ordering
        (docs/theory.md §2.4).
    """
    table = run_tasks(
        run_task,
        tasks(config),
        per_chunk=TASKS_PER_CHUNK,
        desc="lower bound",
        quiet=context.quiet,
        execution=context.execution,
    )
    summary = base_summary("lowerbound", config, about(config))
    random_part = table[(table["family"] == "random_dag") & table["below_full_depth"]]
    ordering = table[(table["family"] == "ordering") & table["below_full_depth"]]
    hubs = table[table["family"] == "hub"]
    checks = summary["checks"] = {
        "random_dag_agents_checked": len(random_part),
        "min_error_times_depth_plus_one": float(random_part["error_times_depth_plus_one"].min())
        if len(random_part)
        else None,
        "violations": int((random_part["error_times_depth_plus_one"] < 1 - TOLERANCE).sum()),
        "ordering_max_gap_to_bound": float((ordering["error_times_depth_plus_one"] - 1).abs().max()),
        "ordering_attains_bound": bool((ordering["error_times_depth_plus_one"] - 1).abs().max() <= TOLERANCE),
        "hub_errors": {int(r.n_features): float(r.error) for r in hubs.itertuples()},
        "tolerance": TOLERANCE,
    }
    verdict = Verdict(
        "violated" if checks["violations"] or not checks["ordering_attains_bound"] else "held",
        (
            f"random-DAG agents with D < d: {checks['random_dag_agents_checked']}, "
            f"min error*(D+1) = {checks['min_error_times_depth_plus_one']}",
            f"attaining ordering: max |error*(D+1) - 1| = {checks['ordering_max_gap_to_bound']:.2e}",
            "hub-and-spokes error: " + ", ".join(f"d={d}: {e:.12g}" for d, e in checks["hub_errors"].items()),
        ),
        violation=(f"lower bound violated at {checks['violations']} agents or not attained by the ordering; see "
                   "results.csv") if checks["violations"] or not checks["ordering_attains_bound"] else "",
    )
    return network_outcome(summary, table, partial(plot_lowerbound, table, summary), verdict)
