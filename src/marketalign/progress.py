"""Progress bars shown only on a terminal (quiet in pipes, logs and tests)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")


def progress(items: Iterable[T], *, total: int | None = None, desc: str = "", quiet: bool = False) -> Iterator[T]:
    """Wrap ``items`` in a tqdm bar with an ETA; hidden when ``quiet`` or when stderr is not a terminal."""
    return iter(tqdm(items, total=total, desc=desc, disable=True if quiet else None, leave=False, dynamic_ncols=True))


def progress_bar(*, total: int, desc: str = "", quiet: bool = False) -> tqdm:
    """A manual bar (call ``update(n)``) with the same visibility rule as :func:`progress`."""
    return tqdm(total=total, desc=desc, disable=True if quiet else None, leave=False, dynamic_ncols=True)
