"""Pinning BLAS/OpenMP and numba threads, so that workers × threads never oversubscribes the cores.

A worker process is pinned once for its whole life (:func:`pin_process`); numba's thread count is per calling
thread, so it is set again around every chunk (:func:`call_pinned`). Running in the caller's own process, the
limits are a context (:func:`pinned`) and are restored afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numba
from threadpoolctl import ThreadpoolController, threadpool_limits

_ENV_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
_process_threads: int | None = None


def numba_threads(threads: int) -> int:
    """The numba thread count for a budget of ``threads`` (numba cannot exceed its pool, NUMBA_NUM_THREADS)."""
    return max(1, min(threads, numba.config.NUMBA_NUM_THREADS))


def pin_process(threads: int) -> None:
    """Limit this worker process's BLAS/OpenMP pools to ``threads`` (once; child processes inherit it).

    numba's threading layer is started first: it may load an OpenMP runtime, which must exist to be limited.
    """
    global _process_threads
    if _process_threads == threads:
        return
    for name in _ENV_VARS:
        os.environ[name] = str(threads)
    numba.set_num_threads(numba_threads(threads))
    threadpool_limits(limits=threads)
    _process_threads = threads


def call_pinned(func: Callable[[Any], Any], chunk: Any, threads: int) -> Any:
    """Run ``func(chunk)`` in a worker with its threads pinned (the task every backend sends)."""
    pin_process(threads)
    numba.set_num_threads(numba_threads(threads))
    return func(chunk)


@contextmanager
def pinned(threads: int, controller: ThreadpoolController | None = None) -> Iterator[None]:
    """Pin BLAS and numba threads in the calling process for the duration of the block.

    Pass one ``controller`` for many blocks: finding the thread pools is the slow part (milliseconds).
    """
    previous = numba.get_num_threads()
    with (controller or ThreadpoolController()).limit(limits=threads):
        numba.set_num_threads(numba_threads(threads))
        try:
            yield
        finally:
            numba.set_num_threads(previous)
