"""Result folders on disk, read for the HTML report.

A result folder is any folder holding at least one result file: ``summary.json`` (configuration, provenance,
headline numbers), tables (``*.csv``, ``*.parquet``), figures (``*.png``) or other ``*.json`` files. Folders
are found recursively under each given root, in sorted order, skipping hidden folders. A file that cannot be
read is reported beside the folder (a *problem*), never silently dropped.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marketalign.errors import InputError
from marketalign.report.table_preview import TablePreview, preview_table

SUMMARY = "summary.json"
TABLE_SUFFIXES = (".csv", ".parquet")
FIGURE_SUFFIX = ".png"
RESULT_SUFFIXES = (*TABLE_SUFFIXES, FIGURE_SUFFIX, ".json")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JSON_CHARS = 20_000


@dataclass(frozen=True)
class Figure:
    """A PNG figure, its pixel size, and the data files of the same name beside it (its numbers)."""

    name: str
    png: bytes
    width: int
    height: int
    numbers: tuple[str, ...]


@dataclass(frozen=True)
class JsonFile:
    """A JSON file other than the summary, pretty-printed (shortened past a size cap)."""

    name: str
    text: str


@dataclass(frozen=True, eq=False)
class ResultFolder:
    """Everything the report shows of one folder; ``label`` is its path from its root, as the user named it.

    Attributes
    ----------
    label : str
        The folder's path, starting with the root as the user named it.
    summary : dict or None
        The parsed ``summary.json``; None when there is none or it could not be read (then a problem says why).
    figures : tuple of Figure
        Every ``*.png``, with its pixel size and the tables or JSON files of the same stem (its numbers).
    tables : tuple of TablePreview
        The head and shape of every ``*.csv`` and ``*.parquet``.
    json_files : tuple of JsonFile
        Every other ``*.json``, pretty-printed and cut after 20,000 characters.
    other_files : tuple of (str, int)
        Name and size in bytes of every other file.
    problems : tuple of str
        ``"name: reason"`` for each file that could not be read, and for each file ``summary.json`` lists under
        ``files`` that is missing.
    """

    label: str
    summary: dict[str, Any] | None
    figures: tuple[Figure, ...]
    tables: tuple[TablePreview, ...]
    json_files: tuple[JsonFile, ...]
    other_files: tuple[tuple[str, int], ...]
    problems: tuple[str, ...]


def find_result_folders(root: Path) -> list[Path]:
    """Every result folder under ``root`` (itself included), sorted; InputError if there is none.

    Parameters
    ----------
    root : path-like
        The folder to search recursively; subfolders whose names start with ``.`` or ``__`` are skipped.

    Returns
    -------
    list of Path
        Each folder holding a result file (``*.json``, ``*.csv``, ``*.parquet``, ``*.png``), sorted by its path
        parts relative to ``root``.

    Raises
    ------
    InputError
        ``root`` does not exist, is a file, or holds no result file.
    """
    root = Path(root)
    if not root.exists():
        raise InputError(f"results folder {root} does not exist; pass a folder an experiment wrote into "
                         f"(e.g. results/demo).")
    if not root.is_dir():
        raise InputError(f"{root} is a file, not a results folder; pass the folder that holds it.")
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith((".", "__")))
        if any(_is_result_file(name) for name in files):
            found.append(Path(folder))
    if not found:
        raise InputError(f"no results in {root}: expected summary.json, *.csv, *.parquet or *.png files in it "
                         f"or its subfolders; run an experiment with --out {root} first.")
    return sorted(found, key=lambda p: p.relative_to(root).parts)


def read_result_folder(folder: Path, label: str, *, max_rows: int, max_columns: int) -> ResultFolder:
    """Read the summary, figures, table heads and other files of one folder (not its subfolders).

    Hidden files are skipped. A file that cannot be read (invalid JSON, a summary that is not an object, a
    broken PNG, an unreadable table) becomes a problem of the result instead of an error.

    Parameters
    ----------
    folder : Path
        The folder to read.
    label : str
        Its name in the report (:attr:`ResultFolder.label`).
    max_rows : int
        Rows shown of each table's head.
    max_columns : int
        Columns shown of each table.

    Returns
    -------
    ResultFolder
        What the report shows of the folder, with its problems.
    """
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    problems: list[str] = []
    summary = None
    figures, tables, json_files, others = [], [], [], []
    numbers: dict[str, list[str]] = {}
    for path in files:
        if path.suffix in (*TABLE_SUFFIXES, ".json"):
            numbers.setdefault(path.stem, []).append(path.name)
    for path in files:
        try:
            if path.name == SUMMARY:
                summary = _read_summary(path)
            elif path.suffix == FIGURE_SUFFIX:
                figures.append(_read_figure(path, tuple(numbers.get(path.stem, ()))))
            elif path.suffix in TABLE_SUFFIXES:
                tables.append(preview_table(path, max_rows=max_rows, max_columns=max_columns))
            elif path.suffix == ".json":
                json_files.append(JsonFile(path.name, _pretty_json(path)))
            else:
                others.append((path.name, path.stat().st_size))
        except (ValueError, OSError) as err:
            problems.append(f"{path.name}: {_one_line(err)}")
    if summary is not None:
        missing = [name for name in _listed_files(summary) if not (folder / name).exists()]
        problems.extend(f"{name}: listed in summary.json but missing" for name in missing)
    return ResultFolder(label, summary, tuple(figures), tuple(tables), tuple(json_files), tuple(others),
                        tuple(problems))


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header; ValueError if ``data`` is not a PNG."""
    if len(data) < 24 or not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image (bad signature or header); re-create the figure")
    width, height = struct.unpack(">II", data[16:24])
    if width == 0 or height == 0:
        raise ValueError("PNG image has zero size; re-create the figure")
    return width, height


def _is_result_file(name: str) -> bool:
    return not name.startswith(".") and name.endswith(RESULT_SUFFIXES)


def _read_summary(path: Path) -> dict[str, Any]:
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"not valid JSON ({err.msg} at line {err.lineno}); the summary is not shown") from err
    if not isinstance(summary, dict):
        raise ValueError("not a JSON object; the summary is not shown")
    return summary


def _read_figure(path: Path, numbers: tuple[str, ...]) -> Figure:
    data = path.read_bytes()
    width, height = png_size(data)
    return Figure(path.name, data, width, height, numbers)


def _pretty_json(path: Path) -> str:
    try:
        text = json.dumps(json.loads(path.read_text(encoding="utf-8")), indent=2, ensure_ascii=False)
    except json.JSONDecodeError as err:
        raise ValueError(f"not valid JSON ({err.msg} at line {err.lineno})") from err
    if len(text) > _JSON_CHARS:
        text = text[:_JSON_CHARS] + f"\n… ({len(text) - _JSON_CHARS} more characters in the file)"
    return text


def _listed_files(summary: dict[str, Any]) -> list[str]:
    files = summary.get("files")
    return [str(name) for name in files if isinstance(name, str)] if isinstance(files, list) else []


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())
