"""Options every sweep command shares: where its chunks run (``--scheduler``, ``--workers``) and ``--checkpoint``.

Each option can also come from the environment (``MARKETALIGN_SCHEDULER``, ``MARKETALIGN_WORKERS``,
``MARKETALIGN_THREADS_PER_WORKER``), so a cluster is configured once per shell or job script.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import click

from marketalign.parallel import ExecutionConfig

_OPTIONS = (
    click.option("--scheduler", envvar="MARKETALIGN_SCHEDULER", metavar="tcp://HOST:PORT",
                 help="run the chunks on this Dask scheduler's workers (default: on this machine)"),
    click.option("--workers", type=click.IntRange(min=1), envvar="MARKETALIGN_WORKERS",
                 help="local worker processes (default: one per core; 1 runs in this process)"),
    click.option("--threads-per-worker", type=click.IntRange(min=1), default=1, show_default=True,
                 envvar="MARKETALIGN_THREADS_PER_WORKER", help="BLAS and numba threads pinned in each worker"),
    click.option("--checkpoint", type=click.Path(file_okay=False, path_type=Path),
                 help="folder where finished chunks are saved; rerun with the same folder to resume"),
)


def execution_options(command: Callable) -> Callable:
    """Add the execution options to a click command; it receives them as one ``execution`` argument."""

    @functools.wraps(command)
    def wrapper(*args, scheduler, workers, threads_per_worker, checkpoint, **kwargs):
        execution = ExecutionConfig(scheduler, workers, threads_per_worker, checkpoint).validated()
        return command(*args, execution=execution, **kwargs)

    for option in reversed(_OPTIONS):
        wrapper = option(wrapper)
    return wrapper
