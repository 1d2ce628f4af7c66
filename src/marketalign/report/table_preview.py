"""The first rows of a results table and its exact row count, without loading a large file into memory.

A CSV's rows are counted by pandas' own parser reading only the first column in chunks: the count is what
``len(pandas.read_csv(f))`` gives (quoted newlines, blank lines and CRLF included), memory stays bounded, and
it is no slower than parsing the table whole (benchmarks/bench_report.py).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

_CHUNK_ROWS = 1_000_000


@dataclass(frozen=True, eq=False)
class TablePreview:
    """A table's head (at most ``max_rows`` rows and ``max_columns`` columns) and its full shape."""

    name: str
    head: pd.DataFrame
    n_rows: int
    n_columns: int


def preview_table(path: Path, *, max_rows: int, max_columns: int) -> TablePreview:
    """Read the head and the shape of a ``.csv`` or ``.parquet`` table.

    Raises ``ValueError`` (or a pandas/pyarrow parser error, a subclass of it or of ``OSError``) on an
    unreadable file; the caller reports it beside the table.
    """
    if path.suffix == ".parquet":
        head, n_rows, n_columns = _parquet_head(path, max_rows)
    else:
        head, n_rows, n_columns = _csv_head(path, max_rows)
    return TablePreview(path.name, head.iloc[:, :max_columns], n_rows, n_columns)


def count_csv_rows(path: Path) -> int:
    """The number of data rows (after the header) that ``pandas.read_csv`` finds in ``path``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.DtypeWarning)  # a mixed-type first column is still counted
        return sum(len(chunk) for chunk in pd.read_csv(path, usecols=[0], chunksize=_CHUNK_ROWS))


def _csv_head(path: Path, max_rows: int) -> tuple[pd.DataFrame, int, int]:
    if path.stat().st_size == 0:
        raise ValueError("the file is empty")
    head = pd.read_csv(path, nrows=max_rows)
    return head, count_csv_rows(path), head.shape[1]


def _parquet_head(path: Path, max_rows: int) -> tuple[pd.DataFrame, int, int]:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    n_rows = parquet.metadata.num_rows
    n_columns = len(parquet.schema_arrow.names)
    batch = next(parquet.iter_batches(batch_size=max(max_rows, 1)), None)
    head = batch.to_pandas() if batch is not None else parquet.schema_arrow.empty_table().to_pandas()
    return head.iloc[:max_rows], n_rows, n_columns
