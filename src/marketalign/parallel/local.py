"""Running chunks on this machine: in the calling process (one worker) or in a pool of worker processes.

Worker processes are forked from a clean server process that imported the package once (``forkserver``;
``spawn`` where that is unavailable), so they start quickly and inherit no threads or locks. They are pinned
once, kept for later sweeps of the same process, and exit if that process dies. If a worker dies mid-chunk,
the pool is replaced and the chunks not yet finished run again (those in flight on the other workers too).
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import numba
from threadpoolctl import ThreadpoolController

from marketalign.parallel.pinning import call_pinned, pin_process, pinned

MAX_POOL_RESTARTS = 3
_ORPHAN_POLL_SECONDS = 1.0
_pools: dict[tuple[int, int, int], ProcessPoolExecutor] = {}  # (owner pid, workers, threads) -> pool


def run_in_process(
    func: Callable[[Any], Any], pending: Sequence[tuple[int, Any]], threads: int
) -> Iterator[tuple[int, Any]]:
    """Chunks one after the other in this process, threads pinned while each runs."""
    numba.get_num_threads()  # starts numba's threading layer (it may load an OpenMP runtime) before the search
    controller = ThreadpoolController()
    for index, chunk in pending:
        with pinned(threads, controller):
            result = func(chunk)
        yield index, result


def run_in_pool(
    func: Callable[[Any], Any], pending: Sequence[tuple[int, Any]], workers: int, threads: int
) -> Iterator[tuple[int, Any]]:
    """Chunks on ``workers`` worker processes; (index, result) pairs in order of completion."""
    remaining = dict(pending)
    restarts = 0
    while remaining:
        pool = worker_pool(workers, threads)
        futures: dict[Future, int] = {
            pool.submit(call_pinned, func, chunk, threads): index for index, chunk in remaining.items()
        }
        broken = False
        try:
            while futures and not broken:
                finished, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in sorted(finished, key=futures.__getitem__):
                    index = futures.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        broken = True
                        continue
                    del remaining[index]
                    yield index, result
        finally:
            for future in futures:
                future.cancel()
        if broken:
            _discard_pool(workers, threads)
            restarts += 1
            if restarts > MAX_POOL_RESTARTS:
                raise RuntimeError(
                    f"worker processes died {restarts} times (killed, or out of memory?); "
                    f"{len(remaining)} chunks unfinished. Use fewer workers or smaller chunks."
                )


def worker_pool(workers: int, threads: int) -> ProcessPoolExecutor:
    """This process's pool of ``workers`` processes pinned to ``threads`` threads: started on first use and
    kept for later sweeps (a warm worker has the package imported and the compiled solvers loaded)."""
    key = (os.getpid(), workers, threads)
    if key not in _pools:
        _pools[key] = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_worker_context(),
            initializer=_start_worker,
            initargs=(threads, os.getpid()),
        )
    return _pools[key]


def close_pools() -> None:
    """Stop every worker pool of this process (also done at exit)."""
    for key in [key for key in _pools if key[0] == os.getpid()]:
        _pools.pop(key).shutdown(wait=True, cancel_futures=True)


def _discard_pool(workers: int, threads: int) -> None:
    pool = _pools.pop((os.getpid(), workers, threads), None)
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


def _worker_context() -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["marketalign.parallel.pinning"])
    return context


def _start_worker(threads: int, sweep_pid: int) -> None:
    """Worker start-up: pin threads, and exit once the sweep's process is gone (a killed sweep leaves no
    orphans)."""
    pin_process(threads)
    threading.Thread(target=_exit_when_gone, args=(sweep_pid,), daemon=True).start()


def _exit_when_gone(pid: int) -> None:
    while _alive(pid):
        time.sleep(_ORPHAN_POLL_SECONDS)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


atexit.register(close_pools)
