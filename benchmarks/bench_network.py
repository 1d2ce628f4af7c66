"""Networked aggregation: sample mode on sufficient statistics vs scikit-learn per agent on the raw rows,
population mode on a 10,000-agent DAG (absolute target), and the covered-path experiment at full scale on two
local worker processes against the same run in one process (the same numbers; the ratio is the scaling).

Both sides run with one BLAS thread (the library does this for its small solves; the baseline gets the same
setting so that thread contention on a shared machine does not penalise it).
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.linear_model import LinearRegression
from threadpoolctl import threadpool_limits

from benchmarks import BenchRow, best_time
from marketalign.experiments import network_path
from marketalign.experiments.protocol import RunContext
from marketalign.network import (
    LinearLearner,
    aggregate_population,
    aggregate_sample,
    allocations,
    build_network,
    graphs,
    random_linear_gaussian,
)
from marketalign.parallel import ExecutionConfig


def _random_network(n_agents: int, d: int, rng: np.random.Generator, per_agent: int):
    graph = graphs.random_dag(n_agents, rng, in_degree=3)
    return build_network(graph, allocations.random_subsets(graph, d, per_agent, rng), d)


def _sklearn_agent(X, y, Xt, yt, features, parent_train, parent_test) -> float:
    """What fitting one agent on the raw rows costs: design, fit, predictions on train and test, errors."""
    design = np.column_stack([X[:, list(features)], *parent_train])
    design_t = np.column_stack([Xt[:, list(features)], *parent_test])
    model = LinearRegression().fit(design, y)
    train_pred, test_pred = model.predict(design), model.predict(design_t)
    return float(np.mean((y - train_pred) ** 2) + np.mean((yt - test_pred) ** 2))


def sample_mode(quick: bool) -> BenchRow:
    rng = np.random.default_rng(0)
    n, d, n_agents, timed = (10_000, 20, 200, 50) if quick else (100_000, 50, 1_000, 100)
    model = random_linear_gaussian(d, rng, weight_l1=2.0)
    X, y = model.sample(n, rng)
    Xt, yt = model.sample(n // 5, rng)
    network = _random_network(n_agents, d, rng, per_agent=3)
    ours = best_time(lambda: aggregate_sample(network, X, y, Xt, yt, LinearLearner()), repeat=3)
    coef = aggregate_sample(network, X, y, Xt, yt).coef  # parents' predictions, as the baseline needs them
    agents = np.linspace(0, n_agents - 1, timed).astype(int)
    with threadpool_limits(limits=1, user_api="blas"):
        start = time.perf_counter()
        for a in agents:
            parents = network.parents[a]
            parent_train = [coef[p, 0] + X @ coef[p, 1:] for p in parents]
            parent_test = [coef[p, 0] + Xt @ coef[p, 1:] for p in parents]
            _sklearn_agent(X, y, Xt, yt, network.features[a], parent_train, parent_test)
        per_agent = (time.perf_counter() - start) / timed
    return BenchRow(
        workload=f"sample mode n={n:,} d={d} {n_agents}-agent DAG",
        ours_s=ours,
        baseline_s=per_agent * n_agents,
        baseline="sklearn LinearRegression per agent on raw rows",
        target=">= 20x",
        note=f"baseline timed on {timed} agents, extrapolated to {n_agents}",
    )


def population_mode(quick: bool) -> BenchRow:
    rng = np.random.default_rng(1)
    n_agents, d = (2_000, 100) if quick else (10_000, 200)
    moments = random_linear_gaussian(d, rng, weight_l1=2.0).moments()
    start = time.perf_counter()
    network = _random_network(n_agents, d, rng, per_agent=5)
    build = time.perf_counter() - start
    ours = best_time(lambda: aggregate_population(network, moments), repeat=2)
    return BenchRow(
        workload=f"population mode {n_agents:,}-agent DAG d={d}",
        ours_s=ours,
        baseline_s=None,
        baseline="(absolute target)",
        target="< 30 s",
        note=f"graph generation + validation took {build:.2f} s more",
    )


def path_sweep(quick: bool) -> BenchRow:
    config = network_path.PathConfig.quick() if quick else network_path.PathConfig()
    network_path.run(network_path.PathConfig.quick(), RunContext(execution=ExecutionConfig(workers=2)))

    def timed(workers: int):
        start = time.perf_counter()
        result = network_path.run(config, RunContext(execution=ExecutionConfig(workers=workers))).tables
        return time.perf_counter() - start, result["results.csv"]

    ours_s, pool = timed(2)  # the pool was started above, as a command's first sweep would start it
    base_s, serial = timed(1)
    return BenchRow(
        workload=f"covered-path experiment, {'quick' if quick else 'full scale'} ({len(pool):,} rows), "
        "2 workers",
        ours_s=ours_s,
        baseline_s=base_s,
        baseline="the same run in one process",
        target="faster",
        note=f"identical results: {pool.equals(serial)}",
    )


def run(quick: bool) -> list[BenchRow]:
    return [sample_mode(quick), population_mode(quick), path_sweep(quick)]
