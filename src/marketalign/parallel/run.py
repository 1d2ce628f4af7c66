"""Mapping a function over chunks, wherever they run, with results assembled in chunk order.

A sweep plugs in as ``func(chunk) -> result``: a module-level function (settings bound with
``functools.partial``) and picklable chunks. The contract that makes every way of running give the same numbers:
a chunk's result depends only on the function and the chunk (its randomness is derived from a seed and the
chunk's own ids, never from shared state or from which worker runs it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from marketalign.errors import InputError
from marketalign.parallel.checkpoint import open_checkpoint
from marketalign.parallel.cluster import run_on_cluster
from marketalign.parallel.config import ExecutionConfig
from marketalign.parallel.local import run_in_pool, run_in_process
from marketalign.progress import progress_bar

C = TypeVar("C")
R = TypeVar("R")


def iter_chunks(
    func: Callable[[C], R],
    chunks: Iterable[C],
    execution: ExecutionConfig | None = None,
    *,
    desc: str = "chunks",
    quiet: bool = True,
) -> Iterator[R]:
    """Yield ``func(chunk)`` for every chunk, in chunk order, as soon as each is ready (see :func:`run_chunks`).

    ``execution`` says where (default: one local worker process per core, no checkpoint).

    Parameters
    ----------
    func : callable
        Applied to each chunk; picklable (a module-level function) unless it runs in this process.
    chunks : iterable
        The chunks.
    execution : ExecutionConfig or None
        Where to run; None for ``ExecutionConfig()``.
    desc : str
        The progress bar's label.
    quiet : bool
        Hide the progress bar.

    Returns
    -------
    iterator
        ``func(chunk)`` in chunk order; chunks found in the checkpoint are not run again. A generator: the
        settings are checked and the chunks read at the first ``next``.

    Raises
    ------
    InputError
        Invalid settings (:meth:`ExecutionConfig.validated`), a checkpoint folder holding another sweep, or a
        cluster that cannot be reached or runs another marketalign version.
    RuntimeError
        Local worker processes died repeatedly.
    """
    chunks = list(chunks)
    execution = (execution or ExecutionConfig()).validated()
    store = open_checkpoint(execution.checkpoint, func, chunks) if execution.checkpoint is not None else None
    done = store.load() if store is not None else {}
    pending = [(index, chunk) for index, chunk in enumerate(chunks) if index not in done]
    if done:
        desc = f"{desc} ({len(done)}/{len(chunks)} from checkpoint)"
    completions = _backend(func, pending, execution)
    bar = progress_bar(total=len(pending), desc=desc, quiet=quiet)
    upcoming = 0
    try:
        for index, result in completions:
            if store is not None:
                store.save(index, result)
            done[index] = result
            bar.update()
            while upcoming in done:
                yield done.pop(upcoming)
                upcoming += 1
        while upcoming < len(chunks):
            yield done.pop(upcoming)
            upcoming += 1
    finally:
        bar.close()
        completions.close()


def run_chunks(
    func: Callable[[C], R],
    chunks: Iterable[C],
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    threads: int = 1,
    checkpoint: str | Path | None = None,
    quiet: bool = True,
    desc: str = "chunks",
) -> list[R]:
    """``[func(c) for c in chunks]``, run on local processes or on the Dask cluster at ``scheduler``.

    ``workers`` local processes (default: one per core; 1 runs in this process), each with ``threads`` BLAS and
    numba threads. With ``checkpoint`` (a folder), every finished chunk is saved as it completes and chunks
    already saved there by an earlier run of the same sweep are not run again. Results are in chunk order and
    do not depend on where or in which order the chunks ran.

    Parameters
    ----------
    func : callable
        Applied to each chunk; picklable (a module-level function) unless it runs in this process.
    chunks : iterable
        The chunks.
    scheduler, workers, threads, checkpoint
        As the fields of :class:`ExecutionConfig`.
    quiet : bool
        Hide the progress bar.
    desc : str
        The progress bar's label.

    Returns
    -------
    list
        ``func(chunk)`` for every chunk, in chunk order.

    Raises
    ------
    InputError, RuntimeError
        As :func:`iter_chunks`; an exception raised by ``func`` propagates.
    """
    execution = ExecutionConfig(scheduler=scheduler, workers=workers, threads=threads, checkpoint=checkpoint)
    return list(iter_chunks(func, chunks, execution, desc=desc, quiet=quiet))


def chunk_mapper(
    execution: ExecutionConfig | None = None, *, desc: str = "chunks", quiet: bool = True
) -> Callable[[Callable[[C], R], Iterable[C]], Iterator[R]]:
    """A drop-in for the built-in ``map(func, tasks)`` that runs the tasks through this layer.

    For experiments written as ``(mapper or map)(task_fn, tasks)``: pass ``mapper=chunk_mapper(execution)``.

    Parameters
    ----------
    execution : ExecutionConfig or None
        Where the tasks run; None for ``ExecutionConfig()``.
    desc : str
        The progress bar's label.
    quiet : bool
        Hide the progress bar.

    Returns
    -------
    callable
        ``mapper(func, chunks)``, which returns :func:`iter_chunks` ``(func, chunks, execution)``.
    """

    def mapper(func: Callable[[C], R], chunks: Iterable[C]) -> Iterator[R]:
        return iter_chunks(func, chunks, execution, desc=desc, quiet=quiet)

    return mapper


def split_range(count: int, per_chunk: int) -> list[range]:
    """``range(count)`` cut into consecutive chunks of ``per_chunk`` items (the last may be shorter).

    Parameters
    ----------
    count : int
        Items in all, >= 0.
    per_chunk : int
        Items per chunk, >= 1.

    Returns
    -------
    list of range
        ⌈count / per_chunk⌉ ranges; empty for ``count = 0``.

    Raises
    ------
    InputError
        When ``count < 0`` or ``per_chunk < 1``.
    """
    if count < 0 or per_chunk < 1:
        raise InputError(f"need count >= 0 and per_chunk >= 1; got count={count}, per_chunk={per_chunk}.")
    return [range(lo, min(lo + per_chunk, count)) for lo in range(0, count, per_chunk)]


def _backend(func, pending, execution: ExecutionConfig) -> Iterator[tuple[int, Any]]:
    if not pending:
        return (item for item in ())
    if execution.scheduler is not None:
        return run_on_cluster(func, pending, execution.scheduler, execution.threads)
    if execution.workers == 1:
        return run_in_process(func, pending, execution.threads)
    return run_in_pool(func, pending, execution.workers, execution.threads)
