"""Running chunks on this machine: in the calling process (one worker) or in a pool of worker processes.

Worker processes are forked from a clean server process that imported the package once (``forkserver``;
``spawn`` where that is unavailable), so they start in milliseconds and inherit no threads or locks. They are
pinned once and exit if the sweep's process dies. If a worker dies mid-chunk, the pool is restarted and only
the chunks not yet finished run again.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from marketalign.parallel.pinning import call_pinned, pin_process, pinned

MAX_POOL_RESTARTS = 3
_ORPHAN_POLL_SECONDS = 1.0


def run_in_process(
    func: Callable[[Any], Any], pending: Sequence[tuple[int, Any]], threads: int
) -> Iterator[tuple[int, Any]]:
    """Chunks one after the other in this process, threads pinned while each runs."""
    for index, chunk in pending:
        with pinned(threads):
            result = func(chunk)
        yield index, result


def run_in_pool(
    func: Callable[[Any], Any], pending: Sequence[tuple[int, Any]], workers: int, threads: int
) -> Iterator[tuple[int, Any]]:
    """Chunks on ``workers`` spawned processes; (index, result) pairs in order of completion."""
    remaining = dict(pending)
    restarts = 0
    while remaining:
        pool = ProcessPoolExecutor(
            max_workers=min(workers, len(remaining)),
            mp_context=_worker_context(),
            initializer=_start_worker,
            initargs=(threads, os.getpid()),
        )
        broken = False
        try:
            futures: dict[Future, int] = {
                pool.submit(call_pinned, func, chunk, threads): index for index, chunk in remaining.items()
            }
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
            pool.shutdown(wait=True, cancel_futures=True)
        if broken:
            restarts += 1
            if restarts > MAX_POOL_RESTARTS:
                raise RuntimeError(
                    f"worker processes died {restarts} times (killed, or out of memory?); "
                    f"{len(remaining)} chunks unfinished. Use fewer workers or smaller chunks."
                )


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
