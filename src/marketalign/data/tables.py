"""The shared table layout: one row per instance, Alice's utility in a target column, Bobs in numeric columns.

Layout (a contract between the loaders, the Bob generators and the fitting code):

- ``instance``: a unique string id per row (e.g. ``"cm_test:17"``, ``"movie:318"``, ``"q:SAFECRIME_W26"``);
- ``text`` (optional): the string a language model would score;
- the target column (default ``alice``): Alice's utility for the instance;
- any number of numeric Bob columns: every numeric column other than the target is a Bob, so every other
  column a loader writes is non-numeric (strings).

Boolean columns are flags, not scores: they are never taken as Bobs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from marketalign.data.names import INSTANCE, TARGET, TEXT
from marketalign.errors import InputError

READ_SUFFIXES = (".csv", ".csv.gz", ".parquet")
WRITE_SUFFIXES = (".csv", ".parquet")

# Cells read as missing in numeric columns (pandas' usual set); ids and texts are kept verbatim.
_MISSING = [
    "",
    "NA",
    "N/A",
    "n/a",
    "NaN",
    "nan",
    "-NaN",
    "-nan",
    "NULL",
    "null",
    "None",
    "<NA>",
    "#N/A",
    "#NA",
]


def table_format(path: str | Path, *, writing: bool = False) -> str:
    """``"csv"`` or ``"parquet"`` from the file name; InputError for any other extension."""
    name = Path(path).name.lower()
    suffixes = WRITE_SUFFIXES if writing else READ_SUFFIXES
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith(tuple(s for s in suffixes if s.startswith(".csv"))):
        return "csv"
    raise InputError(f"{path}: unknown table format; use a file name ending in {', '.join(suffixes)}.")


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a layout table from CSV (``.csv``/``.csv.gz``) or Parquet (``.parquet``), ids as strings."""
    path = Path(path)
    kind = table_format(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file; pass the path of a CSV or Parquet table.")
    try:
        if kind == "parquet":
            table = pd.read_parquet(path)
        else:
            header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
            verbatim = {INSTANCE, TEXT}
            table = pd.read_csv(
                path,
                encoding="utf-8-sig",
                dtype={c: str for c in verbatim & set(header)},
                keep_default_na=False,
                na_values={c: _MISSING for c in header if c not in verbatim},
            )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError, ValueError) as err:
        raise InputError(f"{path}: cannot be read as a {kind} table ({err}); check the file.") from err
    if INSTANCE in table.columns and not pd.api.types.is_string_dtype(table[INSTANCE]):
        table[INSTANCE] = table[INSTANCE].astype(str)
    return table


def is_score_column(column: pd.Series) -> bool:
    """A column that can hold utilities: numeric and not boolean."""
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def bob_columns(table: pd.DataFrame, target: str = TARGET) -> list[str]:
    """The Bob columns of a layout table: every numeric, non-boolean column except the target and the id."""
    return [c for c in table.columns if c not in (INSTANCE, target) and is_score_column(table[c])]


def check_instances(table: pd.DataFrame, where: str = "table") -> None:
    """The ``instance`` column exists, has no missing ids and no duplicates."""
    if INSTANCE not in table.columns:
        raise InputError(
            f"{where} has no '{INSTANCE}' column; add one unique string id per row (columns found: "
            f"{_names(table.columns)})."
        )
    ids = table[INSTANCE]
    if ids.hasnans:
        missing = int(ids.isna().sum())
        raise InputError(f"{where}: {missing} rows have an empty '{INSTANCE}' id; give every row an id.")
    if not ids.is_unique:
        duplicated = ids[ids.duplicated(keep=False)]
        examples = ", ".join(repr(v) for v in pd.unique(duplicated)[:5])
        raise InputError(
            f"{where}: {len(duplicated)} rows share an '{INSTANCE}' id with another row (e.g. {examples}); "
            "ids must be unique, one row per instance."
        )


def validate_table(
    table: pd.DataFrame, target: str = TARGET, bobs: Sequence[str] | None = None, where: str = "table"
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Check a layout table and return Alice's utility ``h`` (N,), the Bob scores ``S`` (N, K) and Bob names.

    ``bobs=None`` takes every numeric, non-boolean column other than ``target`` and ``instance``.
    """
    if not isinstance(table, pd.DataFrame):
        raise InputError(f"{where} must be a pandas DataFrame; got {type(table).__name__}.")
    if len(table) == 0:
        raise InputError(f"{where} has no rows; pass at least one instance.")
    check_instances(table, where)
    if target not in table.columns:
        raise InputError(
            f"{where} has no target column '{target}' (columns: {_names(table.columns)}); name Alice's "
            "utility column with --target or rename it."
        )
    if not is_score_column(table[target]):
        raise InputError(f"{where}: target column '{target}' is {table[target].dtype}, not numeric.")
    names = bob_columns(table, target) if bobs is None else list(bobs)
    _check_bob_names(table, target, names, auto=bobs is None, where=where)
    h = _finite_column(table, target, where)
    scores = np.empty((len(table), len(names)), dtype=np.float64)
    for j, name in enumerate(names):
        scores[:, j] = _finite_column(table, name, where)
    return h, scores, names


def _check_bob_names(table: pd.DataFrame, target: str, names: list[str], *, auto: bool, where: str) -> None:
    if not names:
        hint = "add numeric Bob columns" if auto else "name at least one Bob column"
        raise InputError(f"{where} has no Bob columns besides '{target}'; {hint}.")
    missing = [n for n in names if n not in table.columns]
    if missing:
        raise InputError(
            f"{where} has no Bob column(s) {_names(missing)} (columns: {_names(table.columns)})."
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(f"Bob column(s) {_names(repeated)} are listed more than once; list each Bob once.")
    if target in names or INSTANCE in names:
        raise InputError(f"The target '{target}' and '{INSTANCE}' cannot be Bob columns.")
    bad = [n for n in names if not is_score_column(table[n])]
    if bad:
        kinds = ", ".join(f"'{n}' ({table[n].dtype})" for n in bad[:5])
        raise InputError(f"{where}: Bob column(s) {kinds} are not numeric; Bob scores must be numbers.")


def _finite_column(table: pd.DataFrame, name: str, where: str) -> np.ndarray:
    values = table[name].to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(values)
    if bad.any():
        examples = ", ".join(repr(v) for v in table[INSTANCE].to_numpy()[bad][:3])
        raise InputError(
            f"{where}: column '{name}' has {int(bad.sum())} of {len(values)} rows with NaN or inf "
            f"(e.g. instances {examples}); drop those rows or fill them."
        )
    return values


def _names(columns) -> str:
    shown = [repr(str(c)) for c in list(columns)[:12]]
    more = len(columns) - len(shown)
    return ", ".join(shown) + (f", ... ({more} more)" if more > 0 else "")


def layout_table(
    instances: Sequence[str] | pd.Series,
    alice: Sequence[float] | pd.Series | None,
    text: Sequence[str] | pd.Series | None = None,
    target: str = TARGET,
    **labels: Sequence[str] | pd.Series,
) -> pd.DataFrame:
    """Assemble a layout table: ``instance``, ``text``, the target, then string label columns."""
    columns: dict[str, object] = {INSTANCE: _values(instances, str)}
    if text is not None:
        columns[TEXT] = _values(text, str)
    if alice is not None:
        columns[target] = _values(alice, np.float64)
    for name, values in labels.items():
        columns[name] = _values(values, str)
    table = pd.DataFrame(columns)
    check_instances(table)
    return table


def _values(values, dtype) -> np.ndarray:
    array = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    return array.astype(dtype, copy=False) if dtype is np.float64 else array.astype(object).astype(str)


def write_layout_table(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a layout table as CSV or Parquet (by extension), floats at full precision, folders created."""
    from marketalign.report.outputs import write_table  # imported here: it sets matplotlib's backend

    path = Path(path)
    table_format(path, writing=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_table(table, path)
