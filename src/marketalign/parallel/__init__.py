"""One execution layer for every sweep: chunks on local processes, or on a Dask cluster given its scheduler.

Usage: ``run_chunks(func, chunks, scheduler=None, workers=None, checkpoint=None)`` or, for experiments that take
a ``mapper``, ``chunk_mapper(ExecutionConfig(...))``. See ``docs/cluster.md``.
"""

from marketalign.parallel.config import ExecutionConfig, available_cores, normalise_address
from marketalign.parallel.run import chunk_mapper, iter_chunks, run_chunks, split_range

__all__ = [
    "ExecutionConfig",
    "available_cores",
    "chunk_mapper",
    "iter_chunks",
    "normalise_address",
    "run_chunks",
    "split_range",
]
