"""TREC relevance judgements (qrels) as a table in the shared layout: NIST's grades as Alice, judges as Bobs.

A qrels file has one judgement per line, ``qid 0 docid grade`` (whitespace separated, grade an integer 0-3).
A judges folder holds one file per judge (``<team>-<run>.txt``); the judge is named by the file stem. The table
has one row per (query, passage) of the human file: ``instance`` = ``"qid:docid"``, ``alice`` = the human grade,
``group`` = the query (for folds that never split a query, docs/theory.md §1.7, Definition G1), then one column per
judge.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from marketalign.data.names import MISSING_POLICIES, OUT_OF_RANGE_POLICIES
from marketalign.data.panels.missing import apply_missing
from marketalign.data.tables import INSTANCE, TARGET
from marketalign.errors import InputError

GROUP = "group"
GRADES = (0, 3)


def read_qrels(path: str | Path) -> pd.Series:
    """One qrels file as grades indexed by ``"qid:docid"``, in file order.

    Raises
    ------
    InputError
        A line without exactly four fields or with a non-integer grade, or a (qid, docid) given twice; the
        message names the file and the line number.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, sep=r"\s+", header=None, dtype=object, engine="c", on_bad_lines="error",
                          skip_blank_lines=True)
    except pd.errors.EmptyDataError as err:
        raise InputError(f"{path}: empty qrels file; expected lines 'qid 0 docid grade'.") from err
    except pd.errors.ParserError as err:
        found = re.search(r"line (\d+), saw (\d+)", str(err))
        where = f"line {found[1]}: expected 4 fields, found {found[2]}" if found else f"{err}".strip()
        raise InputError(f"{path}, {where}; each line must be 'qid 0 docid grade'.") from err
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err}).") from err
    if raw.shape[1] != 4 or raw.isna().any().any():
        wrong = raw[4].notna() if raw.shape[1] > 4 else raw.isna().any(axis=1)
        row = int(np.flatnonzero(wrong.to_numpy())[0])
        fields = int(raw.iloc[row].notna().sum())
        raise InputError(f"{path}, line {_line(path, row)}: expected 4 fields 'qid 0 docid grade', found "
                         f"{fields}; fix that line.")
    grade = pd.to_numeric(raw[3], errors="coerce")
    bad = ~grade.notna() | (grade != np.floor(grade.fillna(0)))
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"{path}, line {_line(path, row)}: grade {raw.iat[row, 3]!r} is not an integer; "
                         "grades are integers 0-3.")
    keys = raw[0] + ":" + raw[2]
    twice = keys.duplicated()
    if twice.any():
        row = int(np.flatnonzero(twice.to_numpy())[0])
        raise InputError(f"{path}, line {_line(path, row)}: (qid, docid) {keys.iat[row]} judged twice "
                         f"({int(twice.sum())} duplicates in the file); keep one line per pair.")
    return pd.Series(grade.to_numpy(dtype=float), index=pd.Index(keys, name=INSTANCE), name=path.stem)


def _line(path: Path, row: int) -> int:
    """The 1-based line number of the ``row``-th non-blank line of ``path`` (only called on errors)."""
    seen = -1
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, text in enumerate(handle, 1):
            seen += bool(text.strip())
            if seen == row:
                return number
    return row + 1


def load_qrels_panel(judges_dir: str | Path, human: str | Path, *, missing: str = "error",
                     out_of_range: str = "error") -> tuple[pd.DataFrame, dict]:
    """The judges of ``judges_dir`` (one qrels file each) against the human qrels file, as one table.

    Parameters
    ----------
    judges_dir
        Folder of ``*.txt`` qrels files, one judge each.
    human
        The human (NIST) qrels file; its grades are Alice's utility.
    missing
        What to do with cells a judge lacks (or items a judge has that the human file lacks, which are always
        dropped and counted): ``error`` (default), ``drop-items``, ``drop-judges`` or ``fill-mean`` (the
        judge's mean grade).
    out_of_range
        Grades outside 0-3: ``error`` (default, naming them) or ``missing`` (those cells become missing).

    Returns
    -------
    table, report
        The table (``instance``, ``alice``, ``group``, one column per judge) and the counts of every choice.

    Raises
    ------
    InputError
        Bad files (see :func:`read_qrels`), grades out of range or missing cells under ``error``.
    """
    if missing not in MISSING_POLICIES:
        raise InputError(f"missing={missing!r}: choose one of {', '.join(MISSING_POLICIES)}.")
    if out_of_range not in OUT_OF_RANGE_POLICIES:
        raise InputError(f"out_of_range={out_of_range!r}: choose one of {', '.join(OUT_OF_RANGE_POLICIES)}.")
    judges_dir, human = Path(judges_dir), Path(human)
    files = sorted(judges_dir.glob("*.txt")) if judges_dir.is_dir() else []
    if not files:
        raise InputError(f"{judges_dir}: no judge files (*.txt) found; pass the folder of qrels files.")
    alice = read_qrels(human)
    _check_range({human.name: alice}, "error")
    judges = {f.stem: read_qrels(f) for f in files}
    report: dict = {"human_file": human.name, "judge_files": len(files), "human_items": len(alice)}
    report["out_of_range"] = _check_range(judges, out_of_range)
    extra = {name: int((~grades.index.isin(alice.index)).sum()) for name, grades in judges.items()}
    report["items_not_in_human_file"] = {n: c for n, c in extra.items() if c}
    if report["items_not_in_human_file"] and missing == "error":
        raise InputError(f"{sum(extra.values())} judged items are not in {human.name} "
                         f"(judges {', '.join(report['items_not_in_human_file'])}); pass --missing with "
                         "drop-items, drop-judges or fill-mean to drop them and continue.")
    wide = pd.DataFrame({name: grades.reindex(alice.index) for name, grades in judges.items()})
    wide, report["missing"] = apply_missing(wide, list(wide.columns), missing)
    alice = alice.loc[wide.index]
    table = pd.DataFrame({INSTANCE: wide.index.to_numpy(), TARGET: alice.to_numpy(),
                          GROUP: [key.split(":", 1)[0] for key in wide.index]})
    table = pd.concat([table, wide.reset_index(drop=True)], axis=1)
    report.update(items=len(table), judges=wide.shape[1], queries=int(table[GROUP].nunique()))
    return table, report


def _check_range(judges: dict[str, pd.Series], policy: str) -> dict:
    """Grades outside 0-3: an error naming them, or missing cells (counted per judge)."""
    low, high = GRADES
    found = {name: grades[(grades < low) | (grades > high)] for name, grades in judges.items()}
    found = {name: cells for name, cells in found.items() if len(cells)}
    if found and policy == "error":
        cells = "; ".join(f"{name}: {key} = {value:g}" for name, s in found.items() for key, value in s.items())
        raise InputError(f"{sum(map(len, found.values()))} grades outside {low}-{high} ({cells}); fix them or "
                         "pass --out-of-range missing to treat them as missing cells.")
    for name, cells in found.items():
        judges[name] = judges[name].drop(cells.index)
    return {"policy": policy, "cells": {name: len(cells) for name, cells in found.items()}}
