"""Reading source files with errors that name the file, what was wrong and how to fix it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from marketalign.errors import InputError


def require_dir(path: str | Path, what: str) -> Path:
    """``path`` as a Path if it is an existing folder, else InputError naming ``what`` was expected."""
    path = Path(path)
    if not path.is_dir():
        state = "is a file, not a folder" if path.exists() else "does not exist"
        raise InputError(f"{path} {state}; pass the folder of {what}.")
    return path


def first_existing(folder: Path, names: Iterable[str]) -> Path | None:
    """The first of ``names`` (tried in order) that is a file in ``folder``, or None."""
    for name in names:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def text_encoding(path: Path) -> str:
    """``"utf-8"`` if the file decodes as UTF-8, else ``"latin-1"`` (older releases; it decodes any bytes)."""
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return "latin-1"
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err}).") from err
    return "utf-8"


def read_csv(path: Path, **options) -> pd.DataFrame:
    """``pandas.read_csv`` with parse and decode failures turned into InputError naming the file."""
    try:
        return pd.read_csv(path, **options)
    except FileNotFoundError as err:
        raise InputError(f"{path}: no such file.") from err
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as err:
        raise InputError(
            f"{path}: malformed file ({_first_line(err)}); check it is the original download."
        ) from err


def require_columns(frame: pd.DataFrame, columns: Iterable[str], path: Path, layout: str) -> None:
    """InputError unless ``frame`` has every column in ``columns``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {missing} of the {layout} layout (found {list(frame.columns)[:10]})."
        )


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__
