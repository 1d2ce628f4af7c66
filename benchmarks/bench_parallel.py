"""The execution layer: scaling from 1 to 2 workers on a CPU-bound sweep, and the cost of a task, in one run.

- The sweep is real: curves over K for many humans (the chunks of :mod:`marketalign.hull.by_human`), each worker
  pinned to one thread. Routes: 1 worker (this process), 2 local worker processes, a Dask cluster of 1 and one
  of 2 worker processes (``distributed.LocalCluster``), plus 1 worker saving a checkpoint. All are started and
  warmed first, then timed in interleaved rounds (medians), so that a change in the machine's load hits every
  route alike. Each scaling row's note gives the CPU seconds the chunks took (the same on 1 or 2 workers when the
  layer adds no work) and how busy the workers were (those CPU seconds / (wall time x workers)): a worker that
  waits for a core shows a low figure.
- What the machine gives two processes at the moment: a pure-Python loop, serial against the standard
  library's ``multiprocessing.Pool(2)`` (no marketalign involved), timed in the same rounds. Read the sweeps'
  2-vs-1 ratios against this one: on a shared machine other work takes the second core.
- Per-task overhead: empty tasks (``int(i)``); the slope between a short and a long run, so that start-up is
  excluded. Baseline: the built-in ``map``.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import statistics
import tempfile
import time

import numpy as np

from benchmarks import BenchRow, best_time
from marketalign.bobs.synthetic import SyntheticBobs, synthetic_bobs
from marketalign.hull.by_human import HumanChunk, chunk_curves
from marketalign.hull.curves import CurveConfig
from marketalign.parallel import ExecutionConfig, available_cores, run_chunks, split_range
from marketalign.parallel.local import close_pools


def _cpu_seconds(func, chunk) -> float:
    """Run one chunk and return the CPU time it took in its worker."""
    start = time.process_time()
    func(chunk)
    return time.process_time() - start


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def _workload(quick: bool):
    n_humans, n_bobs, rows, orderings = (16, 20, 200, 20) if quick else (48, 40, 400, 50)
    rng = np.random.default_rng(0)
    humans = []
    for i in range(n_humans):
        alice = rng.normal(size=rows)
        humans.append((synthetic_bobs(alice, SyntheticBobs(n_bobs=n_bobs, misalignment=1.0, seed=i)), alice))
    config = CurveConfig(orderings=orderings, folds=5, seed=0).validated(n_bobs, rows)
    chunks = [HumanChunk(part.start, tuple(humans[part.start : part.stop])) for part in split_range(n_humans, 2)]
    task = functools.partial(_cpu_seconds, functools.partial(chunk_curves, config, None, None))
    label = f"{n_humans} humans, N={rows}, K={n_bobs}, P={orderings}, {len(chunks)} chunks"
    return label, task, chunks


def scaling_rows(quick: bool) -> list[BenchRow]:
    try:
        from distributed import LocalCluster
    except ImportError:
        LocalCluster = None  # noqa: N806
    label, task, chunks = _workload(quick)
    burn = [500_000 if quick else 3_000_000] * 8
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        pool = stack.enter_context(multiprocessing.get_context("fork").Pool(2))
        routes = {"local 1": (ExecutionConfig(workers=1), 1), "local 2": (ExecutionConfig(workers=2), 2)}
        if LocalCluster is not None:
            for n in (1, 2):
                cluster = stack.enter_context(LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                                           dashboard_address=":0"))
                routes[f"dask {n}"] = (ExecutionConfig(scheduler=cluster.scheduler_address), n)
        close_pools()
        start = time.perf_counter()
        run_chunks(task, chunks[:2], workers=2)  # the local pool's cold start
        cold = time.perf_counter() - start
        for execution, n in routes.values():
            run_chunks(task, chunks[:n], scheduler=execution.scheduler, workers=execution.workers)
        pool.map(_burn, [10, 10])
        walls = {name: [] for name in [*routes, "checkpoint", "serial loop", "Pool(2) loop"]}
        busy = {name: [] for name in routes}
        cpu_seconds = {name: [] for name in routes}
        loads = []
        for repeat in range(3 if quick else 5):
            for name, (execution, n) in routes.items():
                start = time.perf_counter()
                cpu = sum(run_chunks(task, chunks, scheduler=execution.scheduler, workers=execution.workers))
                walls[name].append(time.perf_counter() - start)
                busy[name].append(cpu / (walls[name][-1] * n))
                cpu_seconds[name].append(cpu)
            start = time.perf_counter()
            run_chunks(task, chunks, workers=1, checkpoint=f"{folder}/{repeat}")
            walls["checkpoint"].append(time.perf_counter() - start)
            walls["serial loop"].append(best_time(lambda: [_burn(n) for n in burn], repeat=1))
            walls["Pool(2) loop"].append(best_time(lambda: pool.map(_burn, burn, chunksize=1), repeat=1))
            loads.append(os.getloadavg()[0])
    median = {name: statistics.median(values) for name, values in walls.items()}
    note = {
        name: f"{name}: {statistics.median(cpu_seconds[name]):.2f} CPU s, CPU busy {statistics.median(values):.0%}"
        for name, values in busy.items()
    }
    load = f"load average {min(loads):.1f}-{max(loads):.1f}"
    rows = [
        BenchRow("machine: pure-Python loop, multiprocessing.Pool(2) vs serial", median["Pool(2) loop"],
                 median["serial loop"], "serial loop", "reference for the 2-vs-1 ratios", load),
        BenchRow(f"local sweep {label}: 2 workers vs 1", median["local 2"], median["local 1"],
                 "1 worker (in process)", f"< 2x on {available_cores()} cores",
                 f"{note['local 2']}; {note['local 1']}; {load}"),
        BenchRow("local sweep saving every chunk to a checkpoint vs not", median["checkpoint"], median["local 1"],
                 "no checkpoint", "ratio near 1"),
        BenchRow("local pool cold start (2 workers) + first 2 chunks", cold, None, "-", "reported",
                 "once per process; later sweeps reuse the pool"),
    ]
    if "dask 2" in median:
        rows.append(BenchRow(f"Dask sweep {label}: 2 workers vs 1", median["dask 2"], median["dask 1"],
                             "Dask, 1 worker", f"< 2x on {available_cores()} cores",
                             f"{note['dask 2']}; {note['dask 1']}; {load}"))
    return rows


def _overhead(execution: ExecutionConfig, short: int, long: int) -> tuple[float, float]:
    """(seconds per empty task, seconds for a run of ``short`` tasks) through ``execution``."""

    def timed(count: int) -> float:
        return best_time(lambda: run_chunks(int, range(count), scheduler=execution.scheduler,
                                            workers=execution.workers), repeat=3)

    few, many = timed(short), timed(long)
    return max(many - few, 0.0) / (long - short), few


def overhead_rows(quick: bool) -> list[BenchRow]:
    short, long = (20, 200) if quick else (50, 1000)
    per_task, _ = _overhead(ExecutionConfig(workers=2), short, long)
    builtin = best_time(lambda: list(map(int, range(long))), repeat=3) / long
    rows = [BenchRow("local per-task overhead, empty tasks, 2 workers", per_task, builtin, "built-in map",
                     "reported", f"slope between {short} and {long} tasks")]
    try:
        from distributed import LocalCluster
    except ImportError:
        return rows
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        execution = ExecutionConfig(scheduler=cluster.scheduler_address)
        run_chunks(int, range(4), scheduler=execution.scheduler)
        per_task, first = _overhead(execution, short, long)
    return [
        *rows,
        BenchRow("Dask per-task overhead, empty tasks, 2 workers", per_task, None, "-", "reported",
                 f"slope between {short} and {long} tasks"),
        BenchRow(f"Dask connect + {short} empty tasks", first, None, "-", "reported"),
    ]


def run(quick: bool) -> list[BenchRow]:
    return [*scaling_rows(quick), *overhead_rows(quick)]
