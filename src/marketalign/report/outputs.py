"""Writing results the same way everywhere: a CSV table, a JSON summary, figures with their numbers beside.

Outputs are byte-for-byte reproducible for a given seed: JSON keys are sorted, floats are written by
``repr`` (round-trip exact), and figures carry no timestamps.
"""

from __future__ import annotations

import io
import platform
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from marketalign.jsonable import dumps
from marketalign.paths import prepare_dir

__all__ = ["parquet_bytes", "prepare_dir", "save_figure", "versions", "write_json", "write_table"]

_VERSIONED = ("marketalign", "numpy", "scipy", "pandas", "scikit-learn", "matplotlib", "networkx")


def versions() -> dict[str, str]:
    """Versions of Python and of the libraries that can change a number."""
    found = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def write_json(data: Mapping[str, Any], path: str | Path) -> Path:
    """Write ``data`` as sorted, indented JSON (NaN/inf become null); return the path.

    Parameters
    ----------
    data : mapping
        JSON-ready values; numpy scalars and arrays, tuples and paths are converted
        (:func:`marketalign.jsonable.to_jsonable`).
    path : path-like
        The file to write (UTF-8 text ending in a newline; its folder must exist).

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    path.write_text(dumps(data) + "\n")
    return path


def parquet_bytes(table: pd.DataFrame) -> bytes:
    """The exact bytes :func:`write_table` writes for ``table`` into a ``.parquet`` file (hash them for a summary)."""
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False)
    return buffer.getvalue()


def write_table(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a results table as CSV (``.csv``) or Parquet (``.parquet``, :func:`parquet_bytes`), floats at full
    precision.

    Parameters
    ----------
    table : pandas.DataFrame
        The table; its index is not written.
    path : path-like
        The file to write: Parquet when it ends in ``.parquet``, otherwise CSV (floats as ``%.17g``, ``\\n``
        line ends). Its folder must exist.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    if path.suffix == ".parquet":
        path.write_bytes(parquet_bytes(table))
    else:
        table.to_csv(path, index=False, float_format="%.17g", lineterminator="\n")
    return path


def save_figure(fig: plt.Figure, path: str | Path) -> Path:
    """Save a figure as PNG (or PDF) without timestamps, then close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, closed after saving.
    path : path-like
        The file to write; its suffix picks the format (150 dpi, tight bounding box). Its folder must exist.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    metadata_keys = {"Software": None} if path.suffix == ".png" else {"Creator": None, "CreationDate": None}
    fig.savefig(path, dpi=150, bbox_inches="tight", metadata=metadata_keys)
    plt.close(fig)
    return path
