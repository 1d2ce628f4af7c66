"""Where a sweep runs: local processes (the default) or a Dask cluster named by its scheduler address."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from marketalign.errors import InputError

_ADDRESS = re.compile(r"^(?:(?P<scheme>[a-z]+)://)?(?P<host>\[[0-9a-fA-F:]+\]|[^\s:/\[\]]+):(?P<port>\d{1,5})$")
_SCHEMES = ("tcp", "tls", "ucx", "ws", "wss")


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS reports it).

    Returns
    -------
    int
        At least 1; ``os.cpu_count()`` where the OS reports no affinity.
    """
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class ExecutionConfig:
    """How to run a list of chunks.

    The settings are checked by :meth:`validated` (which every run calls), not on construction.

    Attributes
    ----------
    scheduler : str or None
        A Dask scheduler address (``tcp://HOST:PORT``; ``HOST:PORT`` means TCP); None runs on this machine.
    workers : int or None
        Local worker processes (None: one per available core; 1 runs in this process). Only for local runs: on
        a cluster, the workers started with ``dask worker`` run the chunks.
    threads : int
        BLAS and numba threads per worker (pinned; 1 keeps results independent of the machine load).
    checkpoint : Path or None
        A folder where every finished chunk is saved, so a killed sweep resumes where it stopped; None saves
        nothing.
    """

    scheduler: str | None = None
    workers: int | None = None
    threads: int = 1
    checkpoint: Path | None = None

    def validated(self) -> ExecutionConfig:
        """Check the settings; normalise the scheduler address, fill in the number of workers.

        Raises
        ------
        InputError
            A malformed scheduler address, ``workers`` given with a scheduler, ``workers`` or ``threads``
            below 1, or a ``checkpoint`` that is an existing file.
        """
        scheduler = normalise_address(self.scheduler) if self.scheduler is not None else None
        if scheduler is not None and self.workers is not None:
            raise InputError(
                "workers applies to local runs only; on a Dask cluster the workers are the processes started "
                "with `dask worker SCHEDULER --nworkers N --nthreads 1`. Drop workers or the scheduler."
            )
        workers = self.workers if self.workers is not None else available_cores()
        if not isinstance(workers, int) or workers < 1:
            raise InputError(f"workers must be a whole number >= 1; got {self.workers!r}.")
        if not isinstance(self.threads, int) or self.threads < 1:
            raise InputError(f"threads must be a whole number >= 1; got {self.threads!r}.")
        checkpoint = Path(self.checkpoint) if self.checkpoint is not None else None
        if checkpoint is not None and checkpoint.exists() and not checkpoint.is_dir():
            raise InputError(f"checkpoint {checkpoint} is a file; pass a folder (it is created if missing).")
        return ExecutionConfig(scheduler, None if scheduler else workers, self.threads, checkpoint)

    def describe(self) -> str:
        """One line for logs and summaries: where the chunks run."""
        where = f"Dask scheduler {self.scheduler}" if self.scheduler else f"{self.workers or 'all'} local workers"
        return f"{where}, {self.threads} thread(s) per worker"


def normalise_address(address: str) -> str:
    """``tcp://HOST:PORT`` from a scheduler address (``HOST:PORT`` means TCP); InputError if malformed.

    Parameters
    ----------
    address : str
        ``[SCHEME://]HOST:PORT``, SCHEME one of tcp, tls, ucx, ws, wss; HOST may be a bracketed IPv6 address.

    Returns
    -------
    str
        ``SCHEME://HOST:PORT``, surrounding spaces removed.

    Raises
    ------
    InputError
        When the address is not of that form, or the port is not in 1..65535.
    """
    match = _ADDRESS.match(str(address).strip())
    scheme = (match.group("scheme") or "tcp") if match else None
    if match is None or scheme not in _SCHEMES or not 0 < int(match.group("port")) < 65536:
        raise InputError(
            f"scheduler address {address!r} is not of the form tcp://HOST:PORT (the address `dask scheduler` "
            f"prints, e.g. tcp://10.0.0.5:8786); schemes: {', '.join(_SCHEMES)}."
        )
    return f"{scheme}://{match.group('host')}:{match.group('port')}"
