"""Sizes refused before anything is allocated: an estimate of the bytes a run needs against a memory limit.

The limit is 8 GiB unless the environment variable ``MARKETALIGN_MEMORY_LIMIT`` says otherwise (bytes, or a
number with a unit: ``512M``, ``16G``, ``1T``). A fixed default keeps a run's refusals the same on every machine.
"""

from __future__ import annotations

import math
import os
import re

from marketalign.errors import InputError

MEMORY_LIMIT_ENV = "MARKETALIGN_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = 8 * 2**30
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
_LIMIT_PATTERN = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*", re.IGNORECASE)


def memory_limit() -> int:
    """The memory limit in bytes: ``$MARKETALIGN_MEMORY_LIMIT`` if set, else 8 GiB.

    Raises
    ------
    InputError
        When the variable is set but is not a size such as ``16G``.
    """
    text = os.environ.get(MEMORY_LIMIT_ENV)
    if not text:
        return DEFAULT_MEMORY_LIMIT
    match = _LIMIT_PATTERN.fullmatch(text)
    if match is None:
        raise InputError(f"${MEMORY_LIMIT_ENV} = {text!r} is not a size; set it to bytes or e.g. 512M, 16G, 1T.")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def format_bytes(n_bytes: float) -> str:
    """``n_bytes`` in binary units (``7.5 GiB``), or as a power of ten when astronomically large."""
    if n_bytes >= 2**60 * 1024:
        return f"about 10^{math.log10(n_bytes):.0f} bytes"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n_bytes < 1024 or unit == "PiB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.3g} {unit}"
        n_bytes /= 1024
    raise AssertionError("unreachable")


def check_size(what: str, n_bytes: float, limit: int | None = None) -> None:
    """Refuse a run whose estimated memory ``n_bytes`` exceeds ``limit`` (default: :func:`memory_limit`).

    Parameters
    ----------
    what
        What needs the memory, e.g. ``"one selection game with k = 10 Bobs"`` (starts the message).
    n_bytes
        The estimate; a Python int may be arbitrarily large.
    limit
        Bytes allowed; None reads :func:`memory_limit`.

    Raises
    ------
    InputError
        When ``n_bytes > limit``; the message gives both numbers and how to raise the limit.
    """
    limit = memory_limit() if limit is None else limit
    if n_bytes > limit:
        raise InputError(
            f"{what} needs about {format_bytes(n_bytes)} of memory, more than the limit {format_bytes(limit)}; "
            f"use smaller sizes, or raise the limit with {MEMORY_LIMIT_ENV}=32G if the machine has the memory."
        )
