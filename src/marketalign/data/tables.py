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

import re
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

_DECIMAL_COMMA = re.compile(r"[-+]?\d+,\d+")


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
    """Read a layout table from CSV (``.csv``/``.csv.gz``) or Parquet (``.parquet``), ids as strings.

    Parameters
    ----------
    path : str or Path
        The table's file.

    Returns
    -------
    pandas.DataFrame
        The table, ``instance`` ids as strings.

    Raises
    ------
    InputError
        A missing file, an unknown format, a file that cannot be parsed, a CSV header naming a column twice
        (pandas would rename the copy, e.g. ``alice.1``, and a copy of the target could become a Bob), or a CSV
        whose separator looks like ``;``.
    """
    path = Path(path)
    kind = table_format(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file; pass the path of a CSV or Parquet table.")
    try:
        if kind == "parquet":
            table = pd.read_parquet(path)
        else:
            header = _csv_header(path)
            verbatim = {INSTANCE, TEXT}
            table = pd.read_csv(
                path,
                encoding="utf-8-sig",
                dtype={c: str for c in verbatim & set(header)},
                keep_default_na=False,
                na_values={c: _MISSING for c in header if c not in verbatim},
            )
    except InputError:
        raise
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError, ValueError) as err:
        raise InputError(f"{path}: cannot be read as a {kind} table ({err}); check the file.") from err
    if INSTANCE in table.columns and not pd.api.types.is_string_dtype(table[INSTANCE]):
        table[INSTANCE] = table[INSTANCE].astype(str)
    return table


def _csv_header(path: Path) -> list[str]:
    """The header row as written, checked: no name twice, and a separator that is not ``;``.

    Raises
    ------
    InputError
        See :func:`read_table`.
    """
    row = pd.read_csv(path, nrows=1, header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    header = [str(name) for name in row.iloc[0]] if len(row) else []
    if len(header) == 1 and ";" in header[0]:
        raise InputError(
            f"{path}: the header is one column ({header[0][:60]!r}); the separator looks like ';', not ','. "
            "Save the file with ',' as separator and '.' as decimal point, e.g. "
            "pandas.read_csv(path, sep=';', decimal=',').to_csv(path, index=False)."
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise InputError(
            f"{path}: the header names column(s) {_names(repeated)} more than once; rename or drop the copies "
            "(a copy of the target must not become a Bob)."
        )
    return header


def is_score_column(column: pd.Series) -> bool:
    """A column that can hold utilities: numeric and not boolean."""
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def bob_columns(table: pd.DataFrame, target: str = TARGET) -> list[str]:
    """The Bob columns of a layout table: every numeric, non-boolean column except the target and the id.

    Parameters
    ----------
    table : pandas.DataFrame
        A layout table.
    target : str
        Alice's column (default ``"alice"``), left out.

    Returns
    -------
    list of str
        The Bob columns, in table order; ``instance`` and ``target`` are never among them.
    """
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

    ``bobs=None`` takes every numeric, non-boolean column other than ``target`` and ``instance``; the columns
    left out and why are :func:`unused_columns`.

    Parameters
    ----------
    table : pandas.DataFrame
        A layout table.
    target : str
        Alice's utility column.
    bobs : sequence of str, optional
        The Bob columns.
    where : str
        How messages name the table.

    Returns
    -------
    h : numpy.ndarray, shape (N,)
        Alice's utility.
    S : numpy.ndarray, shape (N, K)
        The Bob scores.
    names : list of str
        The Bob columns, in order.

    Raises
    ------
    InputError
        No rows, bad ids, a missing or non-numeric target or Bob, a Bob listed twice, NaN or inf values, or a
        column that holds numbers except in a few cells (it would otherwise be dropped silently as text).
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
    considered = [c for c in table.columns if c not in (INSTANCE, TEXT)] if bobs is None else [target, *bobs]
    for name in dict.fromkeys(c for c in considered if c in table.columns):
        _check_not_almost_numeric(table[name], name, where)
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


def _check_not_almost_numeric(column: pd.Series, name: str, where: str) -> None:
    """Refuse a text column most of whose cells are numbers: a score column with a few broken cells.

    Raises
    ------
    InputError
        Naming the column, the first bad rows (counted from 1 below the header) and their values.
    """
    if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
        return
    present = column.dropna()
    bad = pd.to_numeric(present, errors="coerce").isna().to_numpy()
    if not bad.any() or 2 * bad.sum() >= len(present):
        return
    rows = np.flatnonzero(column.notna().to_numpy())[bad]
    shown = ", ".join(f"row {r + 1}: {v!r}" for r, v in zip(rows[:5], present[bad].iloc[:5], strict=False))
    comma = any(_DECIMAL_COMMA.fullmatch(str(v).strip()) for v in present[bad])
    hint = " (a decimal comma? write '0.5', not '0,5')" if comma else ""
    raise InputError(
        f"{where}: column '{name}' holds numbers except in {int(bad.sum())} of {len(present)} rows ({shown}), so "
        f"it is not numeric and would be dropped; fix or empty those cells{hint}."
    )


def unused_columns(table: pd.DataFrame, target: str, bobs: Sequence[str]) -> dict[str, str]:
    """Every column of ``table`` that is neither the target nor one of ``bobs``, with why it is not used."""
    reasons = {INSTANCE: "row id", TEXT: "instance text"}
    unused = {}
    for name in table.columns:
        if name == target or name in bobs:
            continue
        if name in reasons:
            unused[name] = reasons[name]
        elif pd.api.types.is_bool_dtype(table[name]):
            unused[name] = "boolean (a flag, not a score)"
        elif not is_score_column(table[name]):
            unused[name] = f"not numeric ({table[name].dtype})"
        else:
            unused[name] = "numeric, but not among the Bobs asked for"
    return unused


def check_target_varies(h: np.ndarray, target: str, where: str) -> None:
    """Alice's utility must vary: a constant target leaves nothing to explain (every explained fraction is 0/0).

    Raises
    ------
    InputError
        When every row has the same target value.
    """
    if len(h) and np.all(h == h[0]):
        raise InputError(
            f"{where}: target column '{target}' is constant ({h[0]:.6g} in every row); there is nothing to explain. "
            "Pick a target that varies with --target."
        )


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
    """Write a layout table as CSV or Parquet (by extension), floats at full precision, folders created.

    Parameters
    ----------
    table : pandas.DataFrame
        The table; written without its index.
    path : str or Path
        A ``.csv`` or ``.parquet`` file name; its parent folders are created.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    InputError
        When ``path`` ends in neither ``.csv`` nor ``.parquet``.
    """
    from marketalign.report.outputs import write_table  # imported here: it sets matplotlib's backend

    path = Path(path)
    table_format(path, writing=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_table(table, path)
