"""One execution layer for every sweep: chunks on local processes, or on a Dask cluster given its scheduler.

Usage: ``run_chunks(func, chunks, scheduler=None, workers=None, checkpoint=None)`` or, for experiments that take
a ``mapper``, ``chunk_mapper(ExecutionConfig(...))``. See ``docs/cluster.md``.
"""

from marketalign._lazy import attach

_PUBLIC = {
    "ExecutionConfig": "marketalign.parallel.config",
    "available_cores": "marketalign.parallel.config",
    "chunk_mapper": "marketalign.parallel.run",
    "iter_chunks": "marketalign.parallel.run",
    "normalise_address": "marketalign.parallel.config",
    "run_chunks": "marketalign.parallel.run",
    "split_range": "marketalign.parallel.run",
}

__getattr__, __dir__ = attach(__name__, _PUBLIC)

__all__ = [
    "ExecutionConfig",
    "available_cores",
    "chunk_mapper",
    "iter_chunks",
    "normalise_address",
    "run_chunks",
    "split_range",
]
