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
    read = _read_all(human, files, out_of_range)
    if read is None:  # something to report or an unusual layout: the per-file reader names the file and line
        read = _read_each(human, files, out_of_range)
    alice, wide, extra, report_range = read
    report: dict = {"human_file": human.name, "judge_files": len(files), "human_items": len(alice)}
    report["out_of_range"] = report_range
    report["items_not_in_human_file"] = {n: c for n, c in extra.items() if c}
    if report["items_not_in_human_file"] and missing == "error":
        raise InputError(f"{sum(extra.values())} judged items are not in {human.name} "
                         f"(judges {', '.join(report['items_not_in_human_file'])}); pass --missing with "
                         "drop-items, drop-judges or fill-mean to drop them and continue.")
    wide, report["missing"] = apply_missing(wide, list(wide.columns), missing)
    alice = alice.loc[wide.index]
    table = pd.DataFrame({INSTANCE: wide.index.to_numpy(), TARGET: alice.to_numpy(),
                          GROUP: [key.split(":", 1)[0] for key in wide.index]})
    table = pd.concat([table, wide.reset_index(drop=True)], axis=1)
    report.update(items=len(table), judges=wide.shape[1], queries=int(table[GROUP].nunique()))
    return table, report


def _read_each(human: Path, files: list[Path], out_of_range: str) -> tuple[pd.Series, pd.DataFrame, dict, dict]:
    """Every file through :func:`read_qrels`: the reference route, and the one whose errors name the line.

    Returns Alice's grades, the judges' grades on her items (NaN where missing), the count per judge of items
    not in the human file and the out-of-range report.
    """
    alice = read_qrels(human)
    _check_range({human.name: alice}, "error")
    judges = {f.stem: read_qrels(f) for f in files}
    report_range = _check_range(judges, out_of_range)
    extra = {name: int((~grades.index.isin(alice.index)).sum()) for name, grades in judges.items()}
    wide = pd.DataFrame({name: grades.reindex(alice.index) for name, grades in judges.items()})
    return alice, wide, extra, report_range


_PLAIN = bytes(range(32, 127)).replace(b'"', b"") + b"\n"  # bytes the one-read route accepts
_NA_WORDS = frozenset(("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                       "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"))  # pandas reads as missing


def _read_all(human: Path, files: list[Path], out_of_range: str) -> tuple[pd.Series, pd.DataFrame, dict, dict] | None:
    """What :func:`_read_each` returns, from one vectorised pass over all files at once, or None.

    Handles files of printable ASCII whose every line reads ``qid 0 docid grade`` with single spaces and a
    grade of digits, and whose grades are fine or, under ``out_of_range="missing"``, above the scale. Anything
    else (an error to report with its line, tabs, quotes, blank lines, a duplicate, a key pandas reads as
    missing) returns None, and the per-file reader decides. Each key is the bytes of ``qid 0 docid``, packed
    into 8-byte words; lines are matched by a hash of the words, and every match is then checked word by word.
    """
    try:
        blobs = [path.read_bytes() for path in (human, *files)]
    except OSError:
        return None
    blobs = [blob if blob.endswith(b"\n") else blob + b"\n" for blob in blobs]
    joined = b"".join(blobs)
    if joined.translate(None, _PLAIN) or any(len(blob) < 2 for blob in blobs):
        return None
    buf = np.frombuffer(joined, dtype=np.uint8)
    breaks = np.flatnonzero(buf <= 32)  # spaces and newlines, the only bytes below 33 left
    if len(breaks) % 4:
        return None
    breaks = breaks.reshape(-1, 4)
    spaces, ends = breaks[:, :3], breaks[:, 3]
    n_lines = len(ends)
    if not ((buf[ends] == 10).all() and (buf[spaces] == 32).all()):
        return None
    starts = np.empty(n_lines, dtype=np.int64)
    starts[0], starts[1:] = 0, ends[:-1] + 1
    # four non-empty fields per line, the second one "0": then the spaces fall inside their own line
    if not ((spaces[:, 0] > starts).all() and (spaces[:, 1] == spaces[:, 0] + 2).all()
            and (spaces[:, 2] > spaces[:, 1] + 1).all() and (ends > spaces[:, 2] + 1).all()
            and (buf[spaces[:, 0] + 1] == 48).all()):
        return None
    grade_at, grade_len = spaces[:, 2] + 1, ends - spaces[:, 2] - 1
    longest = int(grade_len.max())
    if longest > 9:
        return None
    grade = np.zeros(n_lines, dtype=np.int64)
    for j in range(longest):
        has = grade_len > j
        digit = buf[np.where(has, grade_at + j, grade_at)].astype(np.int64) - 48
        if ((digit < 0) | (digit > 9))[has].any():
            return None
        grade = np.where(has, grade * 10 + digit, grade)
    lines_per_file = np.diff(np.searchsorted(ends, np.cumsum([0, *map(len, blobs)])))
    codes, first = _key_codes(buf, starts, spaces[:, 2] - starts)
    if codes is None:
        return None
    n_human = int(lines_per_file[0])
    if len(np.unique(codes[:n_human])) != n_human or grade[:n_human].max() > GRADES[1]:
        return None
    human_text = blobs[0].decode("ascii").split("\n")
    spans = [line[: line.rindex(" ")].split(" ") for line in human_text if line]
    spans += [bytes(buf[starts[i] : spaces[i, 2]]).decode("ascii").split(" ") for i in first[first >= n_human]]
    if any(q in _NA_WORDS or d in _NA_WORDS or ":" in q for q, _, d in spans):
        return None  # pandas reads the field as missing, or "a:b"+"c" and "a"+"b:c" make the same key
    keys = [f"{q}:{d}" for q, _, d in spans[:n_human]]
    judge_of = np.repeat(np.arange(len(files)), lines_per_file[1:])
    j_codes, j_grade = codes[n_human:], grade[n_human:]
    n_codes = int(codes.max()) + 1
    if (np.bincount(judge_of * n_codes + j_codes, minlength=len(files) * n_codes) > 1).any():
        return None
    names = [f.stem for f in files]
    high = j_grade > GRADES[1]
    if high.any() and out_of_range == "error":
        return None
    dropped = np.bincount(judge_of[high], minlength=len(files))
    report_range = {"policy": out_of_range, "cells": {n: int(c) for n, c in zip(names, dropped, strict=True) if c}}
    keep = ~high
    outside = np.bincount(judge_of[keep & (j_codes >= n_human)], minlength=len(files))
    extra = {n: int(c) for n, c in zip(names, outside, strict=True)}
    inside = keep & (j_codes < n_human)
    cells = np.full((n_human, len(files)), np.nan)
    cells[j_codes[inside], judge_of[inside]] = j_grade[inside]
    index = pd.Index(keys, dtype=object, name=INSTANCE)  # as the per-file reader builds it
    alice = pd.Series(grade[:n_human].astype(float), index=index, name=human.stem)
    return alice, pd.DataFrame(cells, index=index, columns=names), extra, report_range


_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)  # the low n bytes of a word


def _key_codes(buf: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """A code per line, equal for lines with the same key bytes (in order of first appearance), and the first
    line of each code; (None, _) if two different keys share a hash (the caller then reads file by file)."""
    words = -(-int(lengths.max()) // 8)
    padded = np.concatenate([buf, np.zeros(8 * words, dtype=np.uint8)])
    at_byte = np.ndarray((len(buf),), dtype="<u8", buffer=padded, strides=(1,))  # the 8 bytes from each byte on
    packed = [at_byte[starts + 8 * w] & _MASKS[np.clip(lengths - 8 * w, 0, 8)] for w in range(words)]
    mixed = packed[0]
    for word in packed[1:]:
        mixed = mixed * np.uint64(0x9E3779B97F4A7C15) ^ word
    codes, _ = pd.factorize(mixed, sort=False)  # codes in order of first appearance
    new = np.empty(len(codes), dtype=bool)
    new[0], new[1:] = True, codes[1:] > np.maximum.accumulate(codes)[:-1]
    first = np.flatnonzero(new)
    if not all((word == word[first][codes]).all() for word in packed):
        return None, first
    return codes, first


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
