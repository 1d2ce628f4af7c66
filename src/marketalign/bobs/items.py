"""The input table of a generation run: one row per instance, a string ``instance`` id and its ``text``."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from marketalign.errors import InputError

ITEM_COLUMNS: tuple[str, ...] = ("instance", "text")


def read_items(path: str | Path) -> pd.DataFrame:
    """Read a CSV or Parquet table; ``instance`` and ``text`` are read as strings (no NA guessing).

    Parameters
    ----------
    path : str or Path
        A ``.csv`` or ``.parquet`` file.

    Returns
    -------
    pandas.DataFrame
        The table, index reset, after :func:`validate_items`.

    Raises
    ------
    InputError
        When the file is missing, has another suffix or cannot be read, or its ``instance`` and ``text``
        columns are missing, not non-empty strings, or its ids repeat.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"The data table {path} does not exist.")
    try:
        if path.suffix == ".parquet":
            table = pd.read_parquet(path)
        elif path.suffix == ".csv":
            header = pd.read_csv(path, nrows=0).columns
            text_like = {c: str for c in ITEM_COLUMNS if c in header}
            missing = ["", "NA", "NaN", "nan", "null", "NULL", "N/A"]
            na_guess = {c: missing for c in header if c not in text_like}
            table = pd.read_csv(path, dtype=text_like, keep_default_na=False, na_values=na_guess)
        else:
            raise InputError(f"{path}: the data table must be a .csv or .parquet file.")
    except (ValueError, OSError) as err:
        if isinstance(err, InputError):
            raise
        raise InputError(f"Cannot read the data table {path}: {err}") from None
    return validate_items(table, str(path))


def validate_items(table: pd.DataFrame, name: str = "the data table") -> pd.DataFrame:
    """Check the ``instance`` and ``text`` columns: present, strings, ids unique, texts non-empty."""
    missing = [c for c in ITEM_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(
            f"{name} has no column(s) {missing}; it needs a string 'instance' id and the 'text' to score "
            f"(found columns {list(table.columns)})."
        )
    for column in ITEM_COLUMNS:
        bad = [i for i, v in enumerate(table[column]) if not isinstance(v, str) or not v.strip()]
        if bad:
            raise InputError(
                f"{name}: column {column!r} must hold non-empty strings; row(s) {bad[:5]} do not. "
                "Fill or drop those rows."
            )
    duplicated = table["instance"][table["instance"].duplicated()].unique().tolist()
    if duplicated:
        raise InputError(f"{name}: instance ids must be unique; repeated: {duplicated[:5]}.")
    return table.reset_index(drop=True)


def data_sha256(table: pd.DataFrame) -> str:
    """SHA-256 of the (instance, text) pairs in row order: identifies the data a run scored."""
    digest = hashlib.sha256()
    for instance, text in zip(table["instance"], table["text"], strict=True):
        digest.update(instance.encode("utf-8") + b"\x1f" + text.encode("utf-8") + b"\x1e")
    return digest.hexdigest()
