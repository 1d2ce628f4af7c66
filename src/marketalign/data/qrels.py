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
from typing import NamedTuple

import numpy as np
import pandas as pd
from numba import njit

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


_NA_WORDS = ("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>",
             "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null")  # the words pandas reads as missing


def _word_rows(words: tuple[str, ...]) -> np.ndarray:
    """ASCII words of at most 8 bytes as rows of 9 bytes: the word, zero padded, then its length."""
    rows = np.zeros((len(words), 9), dtype=np.uint8)
    for row, word in enumerate(words):
        rows[row, : len(word)], rows[row, 8] = np.frombuffer(word.encode("ascii"), dtype=np.uint8), len(word)
    return rows


_NA_BYTES = _word_rows(_NA_WORDS)
_SPACE, _NEWLINE, _QUOTE, _COLON, _ZERO, _LAST_PLAIN = 32, 10, 34, 58, 48, 126
_MAX_GRADE_DIGITS = 9
_TOP = GRADES[1]
_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [(1 << 64) - 1], dtype=np.uint64)  # low n bytes


def _read_all(human: Path, files: list[Path], out_of_range: str) -> tuple[pd.Series, pd.DataFrame, dict, dict] | None:
    """What :func:`_read_each` returns, from one compiled pass over all files at once, or None.

    Handles files of printable ASCII whose every line reads ``qid 0 docid grade`` with single spaces and a
    grade of at most nine digits, and whose grades are fine or, under ``out_of_range="missing"``, above the
    scale. Anything else (an error to report with its line, tabs, quotes, blank lines, a duplicate, a key pandas
    reads as missing) returns None, and the per-file reader decides. Each key is the bytes of ``qid 0 docid``;
    keys are matched in a hash table and every match is checked word by word.
    """
    try:
        blobs = [path.read_bytes() for path in (human, *files)]
    except OSError:
        return None
    blobs = [blob if blob.endswith(b"\n") else blob + b"\n" for blob in blobs]
    if any(len(blob) < 2 for blob in blobs):
        return None
    buf = np.frombuffer(b"".join(blobs), dtype=np.uint8)
    if (buf > _LAST_PLAIN).any() or (buf == _QUOTE).any():
        return None
    breaks = np.flatnonzero(buf <= _SPACE)  # the spaces and newlines, if the other bytes are plain
    if len(breaks) % 4:
        return None
    lines = _Lines(*(np.empty(len(breaks) // 4, dtype=np.int64) for _ in range(5)), np.zeros(len(blobs), np.int64))
    file_ends = np.cumsum([len(blob) for blob in blobs], dtype=np.int64)
    n_codes = _code_lines(buf, _words_at(buf), breaks, file_ends, *lines)
    n_human = int(lines.per_file[0])
    if n_codes < 0 or not _plain_keys(buf, lines.starts, lines.qid_ends, lines.key_ends, lines.codes, n_human,
                                      _NA_BYTES):
        return None
    cells = np.full((n_human, len(files)), np.nan)
    counts = np.zeros((2, len(files)), dtype=np.int64)  # per judge: grades above the scale, items not Alice's
    if not _scatter(lines.codes, lines.grades, lines.per_file, n_human, n_codes, out_of_range == "missing", cells,
                    counts):
        return None
    names = [f.stem for f in files]
    report_range = {"policy": out_of_range, "cells": {n: int(c) for n, c in zip(names, counts[0], strict=True) if c}}
    extra = {n: int(c) for n, c in zip(names, counts[1], strict=True)}
    index = pd.Index(_human_keys(blobs[0], n_human), dtype=object, name=INSTANCE)  # as the per-file reader has it
    alice = pd.Series(lines.grades[:n_human].astype(float), index=index, name=human.stem)
    return alice, pd.DataFrame(cells, index=index, columns=names), extra, report_range


def _human_keys(blob: bytes, n_lines: int) -> list[str]:
    """The ``"qid:docid"`` keys of the first ``n_lines`` lines ``qid 0 docid grade`` of ``blob``."""
    lines = blob.decode("ascii").split("\n", n_lines)[:n_lines]
    return [line[: line.rindex(" ")].replace(" 0 ", ":", 1) for line in lines]


def _words_at(buf: np.ndarray) -> np.ndarray:
    """The little-endian 8-byte word starting at each byte of ``buf`` (zeros past its end), as a view."""
    padded = np.concatenate([buf, np.zeros(8, dtype=np.uint8)])
    return np.ndarray((len(buf),), dtype="<u8", buffer=padded, strides=(1,))


class _Lines(NamedTuple):
    """Per line of the joined files: where it starts, where its qid and its key ``qid 0 docid`` end, its grade
    and the code of its key; and the number of lines of each file."""

    starts: np.ndarray
    qid_ends: np.ndarray
    key_ends: np.ndarray
    grades: np.ndarray
    codes: np.ndarray
    per_file: np.ndarray


@njit(cache=True, nogil=True)
def _code_lines(buf, words, breaks, file_ends, starts, qid_ends, key_ends, grades, codes, per_file):
    """Fill the :class:`_Lines` arrays from the bytes of the joined files (each ending in a newline), their
    words (:func:`_words_at`) and the positions of their spaces and newlines, four per line.

    Keys with equal bytes get equal codes, numbered in order of first appearance. A judge's line is first
    compared with the human's line at the same position (judges usually list the items in the human's order),
    and looked up in the hash table only when they differ.

    Returns
    -------
    int
        The number of distinct keys, or −1 unless every line is ``qid 0 docid grade`` with single spaces,
        non-empty fields and a grade of 1-9 digits.
    """
    table = _KeyTable(np.zeros(1024, dtype=np.uint64), np.full((1024, 3), -1, dtype=np.int64))
    n_codes = 0
    start = 0
    file = 0
    first_line = 0  # of the current file
    n_first = len(starts)  # lines of the first file (the human's), known once it ends
    for line in range(len(starts)):
        while start >= file_ends[file]:
            file += 1
            if file == 1:
                n_first = line
            first_line = line
        per_file[file] += 1
        first, second, third, end = breaks[4 * line], breaks[4 * line + 1], breaks[4 * line + 2], breaks[4 * line + 3]
        if not (buf[first] == _SPACE and buf[second] == _SPACE and buf[third] == _SPACE and buf[end] == _NEWLINE
                and first > start and second == first + 2 and buf[first + 1] == _ZERO and third > second + 1
                and 1 <= end - third - 1 <= _MAX_GRADE_DIGITS):
            return -1
        grade = 0
        for j in range(third + 1, end):
            digit = np.int64(buf[j]) - _ZERO
            if digit < 0 or digit > 9:
                return -1
            grade = grade * 10 + digit
        starts[line], qid_ends[line], key_ends[line], grades[line] = start, first, third, grade
        twin = line - first_line  # judges usually list the human's items in the human's order: try that line first
        if (file > 0 and twin < n_first and key_ends[twin] - starts[twin] == third - start
                and _same_key(words, starts[twin], start, third - start)):
            codes[line] = codes[twin]
            start = end + 1
            continue
        codes[line] = _code_of(table, words, start, third - start, n_codes)
        if codes[line] == n_codes:
            n_codes += 1
            if 2 * n_codes > len(table.hashes):
                table = _grown(table)
        start = end + 1
    return n_codes


class _KeyTable(NamedTuple):
    """Open addressing on key hashes: per slot the hash and (code, first byte, length) of a key, or code −1."""

    hashes: np.ndarray
    entries: np.ndarray


@njit(cache=True, nogil=True)
def _hash(words, start, length):
    """A 64-bit hash of the ``length`` bytes from ``start``, eight at a time."""
    h = np.uint64(length) * np.uint64(0x9E3779B97F4A7C15)
    for at in range(start, start + length, 8):
        h = (h ^ (words[at] & _MASKS[min(start + length - at, 8)])) * np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(31)
    return h


@njit(cache=True, nogil=True)
def _same_key(words, start, other, length):
    """Whether the ``length`` bytes from ``start`` and from ``other`` are the same."""
    for at in range(0, length, 8):
        if (words[start + at] ^ words[other + at]) & _MASKS[min(length - at, 8)]:
            return False
    return True


@njit(cache=True, nogil=True)
def _code_of(table, words, start, length, new_code):
    """The code of the key of ``length`` bytes from ``start``; an unseen key is entered with ``new_code``."""
    h = _hash(words, start, length)
    mask = np.uint64(len(table.hashes) - 1)
    slot = h & mask
    while True:
        code, seen, seen_length = table.entries[slot, 0], table.entries[slot, 1], table.entries[slot, 2]
        if code < 0:
            table.hashes[slot] = h
            table.entries[slot, 0], table.entries[slot, 1], table.entries[slot, 2] = new_code, start, length
            return new_code
        if table.hashes[slot] == h and seen_length == length and _same_key(words, seen, start, length):
            return code
        slot = (slot + np.uint64(1)) & mask


@njit(cache=True, nogil=True)
def _grown(table):
    """``table`` with twice the slots, holding the same keys."""
    size = 2 * len(table.hashes)
    grown = _KeyTable(np.zeros(size, dtype=np.uint64), np.full((size, 3), -1, dtype=np.int64))
    mask = np.uint64(size - 1)
    for old in range(len(table.hashes)):
        if table.entries[old, 0] >= 0:
            slot = table.hashes[old] & mask
            while grown.entries[slot, 0] >= 0:
                slot = (slot + np.uint64(1)) & mask
            grown.hashes[slot] = table.hashes[old]
            grown.entries[slot] = table.entries[old]
    return grown


@njit(cache=True, nogil=True)
def _is_na_word(buf, lo, hi, na_bytes):
    """Whether ``buf[lo:hi]`` is one of the words pandas reads as missing (rows of ``na_bytes``)."""
    for row in range(na_bytes.shape[0]):
        if na_bytes[row, 8] == hi - lo:
            same = True
            for j in range(hi - lo):
                same = same and buf[lo + j] == na_bytes[row, j]
            if same:
                return True
    return False


@njit(cache=True, nogil=True)
def _plain_keys(buf, starts, qid_ends, key_ends, codes, n_human, na_bytes):
    """Whether every key that becomes a ``"qid:docid"`` string (the human file's, and each other key where it
    first appears) is read as the per-file reader reads it: no field pandas reads as missing and no ``:`` in the
    qid (else ``"a:b"+"c"`` and ``"a"+"b:c"`` would make the same key)."""
    checked = np.zeros(len(starts), dtype=np.bool_)
    for line in range(len(starts)):
        code = codes[line]
        if line >= n_human and (code < n_human or checked[code]):
            continue
        checked[code] = True
        for j in range(starts[line], qid_ends[line]):
            if buf[j] == _COLON:
                return False
        if (_is_na_word(buf, starts[line], qid_ends[line], na_bytes)
                or _is_na_word(buf, qid_ends[line] + 3, key_ends[line], na_bytes)):
            return False
    return True


@njit(cache=True, nogil=True)
def _scatter(codes, grades, per_file, n_human, n_codes, drop_high, cells, counts):
    """Put each judge's grade of a human item into ``cells`` (item, judge); count per judge the grades above
    the scale (``counts[0]``, dropped when ``drop_high``) and the items not in the human file (``counts[1]``).

    Returns
    -------
    bool
        False if the human file repeats a key or grades above the scale, a judge file repeats a key, or a
        judge grades above the scale and not ``drop_high``.
    """
    for line in range(n_human):
        if codes[line] != line or grades[line] > _TOP:
            return False
    last_judge = np.full(n_codes, -1, dtype=np.int64)  # per key: the last judge file that graded it
    line = n_human
    for judge in range(len(per_file) - 1):
        for _ in range(per_file[judge + 1]):
            code, grade = codes[line], grades[line]
            line += 1
            if last_judge[code] == judge:
                return False
            last_judge[code] = judge
            if grade > _TOP:
                if not drop_high:
                    return False
                counts[0, judge] += 1
            elif code >= n_human:
                counts[1, judge] += 1
            else:
                cells[code, judge] = grade
    return True


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
