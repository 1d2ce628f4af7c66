"""The first rows of a results table and its exact row count, without loading a large file into memory.

CSV row counts take a fast route (counting newlines in binary blocks) when the file has no quotes, no carriage
returns and no blank lines, where that count is exact; otherwise the pandas parser counts them in chunks, so
the count always agrees with what ``pandas.read_csv`` would return.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

_BLOCK = 1 << 20
_CHUNK_ROWS = 200_000


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
    simple, newlines, ends_with_newline, size = _scan_newlines(path)
    if size == 0:
        return 0
    if simple:
        lines = newlines + (0 if ends_with_newline else 1)
        return max(lines - 1, 0)
    chunks = pd.read_csv(path, usecols=[0], dtype=str, chunksize=_CHUNK_ROWS, keep_default_na=False)
    return sum(len(chunk) for chunk in chunks)


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


def _scan_newlines(path: Path) -> tuple[bool, int, bool, int]:
    """(no quote/CR/blank line seen, newline count, ends with a newline, size) in one binary pass."""
    newlines = size = 0
    simple = True
    previous = b"\n"
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            size += len(block)
            newlines += block.count(b"\n")
            if simple and (b'"' in block or b"\r" in block or b"\n\n" in previous[-1:] + block):
                simple = False
            previous = block
    return simple, newlines, previous.endswith(b"\n"), size
