"""Module-level task functions for the execution-layer tests (worker processes import them by name)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import numba
import numpy as np
from threadpoolctl import threadpool_info


def square(x: int) -> np.ndarray:
    return np.arange(x, dtype=float) ** 2


def record_call(folder: str, x: int) -> int:
    """x², leaving one file per computation so a test can count how often each chunk ran."""
    (Path(folder) / f"call-{x}-{uuid.uuid4().hex}").touch()
    return x * x


def fail_on(bad: int, x: int) -> int:
    if x == bad:
        raise ValueError(f"chunk {x} is bad")
    return x


def die_once(marker: str, x: int) -> int:
    """Kill the worker process the first time chunk 3 runs (a lost worker), then behave."""
    if x == 3 and not Path(marker).exists():
        Path(marker).touch()
        os._exit(1)
    return x


def thread_counts(_: object) -> tuple[int, int]:
    """(largest BLAS/OpenMP pool size, numba threads) as the task sees them."""
    return max(pool["num_threads"] for pool in threadpool_info()), numba.get_num_threads()


def die_once_recording(folder: str, x: int) -> int:
    """:func:`record_call`, but the worker running chunk 3 dies the first time."""
    record_call(folder, x)
    return die_once(str(Path(folder) / "died"), x)
