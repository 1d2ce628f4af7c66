"""Small dense solves run fastest on one BLAS thread: on a busy machine, multi-threaded BLAS on matrices of a
few dozen columns spends its time waiting for threads (measured: 50x slower on 2 shared cores)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, wraps
from typing import TypeVar

from threadpoolctl import ThreadpoolController

F = TypeVar("F", bound=Callable)


@cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


def single_blas_thread(func: F) -> F:
    """Decorate ``func`` so that BLAS uses one thread while it runs (scikit-learn's threadpoolctl)."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        with _controller().limit(limits=1, user_api="blas"):
            return func(*args, **kwargs)

    return wrapper
