"""The execution layer: scaling from 1 to 2 workers on a CPU-bound sweep, and the cost of a task, in one run.

- The sweep is real: curves over K for many humans (the chunks of :mod:`marketalign.hull.by_human`), each worker
  pinned to one thread. Local: 1 worker (this process) against 2 worker processes; Dask: a cluster of 1 against
  one of 2 worker processes (``distributed.LocalCluster``, started and warmed before timing). The ratio is the
  speed-up (ideal: 2x on 2 idle cores). Each row's note says how busy the workers' CPUs were (CPU seconds of
  the chunks / (wall time x workers)) and the load average: on a shared machine other work takes the rest.
- Per-task overhead: empty tasks (``int(i)``) through each route; the slope between a short and a long run of
  them, so that start-up is excluded. Baseline: the built-in ``map``.
- Checkpointing: the same sweep with and without a checkpoint folder.
"""

from __future__ import annotations

import functools
import os
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


@functools.lru_cache(maxsize=2)
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
    return f"{n_humans} humans, N={rows}, K={n_bobs}, P={orderings}", task, chunks


def _sweep(quick: bool, execution: ExecutionConfig, workers: int, checkpoints: str | None = None) -> tuple[float, str]:
    """Best wall time of two runs of the sweep on ``workers`` workers (each with a fresh checkpoint folder under
    ``checkpoints`` if given), and a note on how busy the workers were."""
    _, task, chunks = _workload(quick)
    best, busy = float("inf"), 0.0
    for repeat in range(2):
        start = time.perf_counter()
        cpu = sum(run_chunks(task, chunks, scheduler=execution.scheduler, workers=execution.workers,
                             checkpoint=f"{checkpoints}/{repeat}" if checkpoints else None))
        wall = time.perf_counter() - start
        if wall < best:
            best, busy = wall, cpu / (wall * workers)
    return best, f"workers' CPU busy {busy:.0%}, load average {os.getloadavg()[0]:.1f}"


def _overhead(execution: ExecutionConfig, short: int, long: int) -> tuple[float, float]:
    """(seconds per empty task, seconds for a run of ``short`` tasks) through ``execution``."""
    def timed(count: int) -> float:
        return best_time(lambda: run_chunks(int, range(count), scheduler=execution.scheduler,
                                            workers=execution.workers), repeat=3)

    few, many = timed(short), timed(long)
    return max(many - few, 0.0) / (long - short), few


def local_rows(quick: bool) -> list[BenchRow]:
    label, task, chunks = _workload(quick)
    close_pools()
    start = time.perf_counter()
    run_chunks(task, chunks[:2], workers=2)  # starts the pool: fork server, imports, compiled code
    cold = time.perf_counter() - start
    one, one_note = _sweep(quick, ExecutionConfig(workers=1), 1)
    two, two_note = _sweep(quick, ExecutionConfig(workers=2), 2)
    with tempfile.TemporaryDirectory() as folder:
        saved, _ = _sweep(quick, ExecutionConfig(workers=1), 1, checkpoints=folder)
    short, long = (20, 200) if quick else (50, 1000)
    per_task, _ = _overhead(ExecutionConfig(workers=2), short, long)
    builtin = best_time(lambda: list(map(int, range(long))), repeat=3) / long
    return [
        BenchRow(f"local sweep {label}: 2 workers vs 1", two, one, "1 worker (in process)",
                 f"< 2x on {available_cores()} cores", f"2 workers: {two_note}; 1 worker: {one_note}"),
        BenchRow("local sweep saving every chunk to a checkpoint vs not", saved, one, "no checkpoint",
                 "ratio near 1"),
        BenchRow("local per-task overhead, empty tasks, 2 workers", per_task, builtin, "built-in map", "reported",
                 f"slope between {short} and {long} tasks"),
        BenchRow("local pool cold start (2 workers) + first 2 chunks", cold, None, "-", "reported",
                 "once per process; later sweeps reuse the pool"),
    ]


def dask_rows(quick: bool) -> list[BenchRow]:
    try:
        from distributed import LocalCluster
    except ImportError:
        return []
    label, task, chunks = _workload(quick)
    short, long = (20, 200) if quick else (50, 1000)
    times, notes = {}, {}
    for n_workers in (1, 2):
        with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            execution = ExecutionConfig(scheduler=cluster.scheduler_address)
            run_chunks(task, chunks[:n_workers], scheduler=execution.scheduler)  # imports and compiled code
            times[n_workers], notes[n_workers] = _sweep(quick, execution, n_workers)
            if n_workers == 2:
                per_task, first = _overhead(execution, short, long)
    return [
        BenchRow(f"Dask sweep {label}: 2 workers vs 1", times[2], times[1], "Dask, 1 worker",
                 f"< 2x on {available_cores()} cores", f"2 workers: {notes[2]}; 1 worker: {notes[1]}"),
        BenchRow("Dask per-task overhead, empty tasks, 2 workers", per_task, None, "-", "reported",
                 f"slope between {short} and {long} tasks"),
        BenchRow(f"Dask connect + {short} empty tasks", first, None, "-", "reported"),
    ]


def run(quick: bool) -> list[BenchRow]:
    return [*local_rows(quick), *dask_rows(quick)]
