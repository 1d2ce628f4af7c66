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

from marketalign.data._bytes import LOW_BYTES, same_bytes
from marketalign.data.names import MISSING_POLICIES, OUT_OF_RANGE_POLICIES
from marketalign.data.panels.missing import NA_WORDS, resolve_missing
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
    report: dict = {"human_file": human.name, "judge_files": len(files), "human_items": len(read.keys)}
    report["out_of_range"] = read.out_of_range
    report["items_not_in_human_file"] = {n: c for n, c in read.extra.items() if c}
    if report["items_not_in_human_file"] and missing == "error":
        raise InputError(f"{sum(read.extra.values())} judged items are not in {human.name} "
                         f"(judges {', '.join(report['items_not_in_human_file'])}); pass --missing with "
                         "drop-items, drop-judges or fill-mean to drop them and continue.")
    cells, items, judges, report["missing"] = resolve_missing(read.cells, read.judges, missing)
    head = pd.DataFrame({INSTANCE: read.keys[items], TARGET: read.alice[items], GROUP: read.groups[items]})
    table = pd.concat([head, pd.DataFrame(cells.T, columns=judges)], axis=1)
    report.update(items=len(table), judges=len(judges), queries=int(table[GROUP].nunique()))
    return table, report


class _Judged(NamedTuple):
    """Alice's items (``"qid:docid"`` keys, their queries and her grades), the judges' grades of them (one row per
    judge, NaN where missing), the judges' names, the count per judge of items not in the human file and the
    out-of-range report."""

    keys: np.ndarray
    groups: np.ndarray
    alice: np.ndarray
    cells: np.ndarray
    judges: list[str]
    extra: dict
    out_of_range: dict


def _read_each(human: Path, files: list[Path], out_of_range: str) -> _Judged:
    """Every file through :func:`read_qrels`: the reference route, and the one whose errors name the line."""
    alice = read_qrels(human)
    _check_range({human.name: alice}, "error")
    judges = {f.stem: read_qrels(f) for f in files}
    report_range = _check_range(judges, out_of_range)
    extra = {name: int((~grades.index.isin(alice.index)).sum()) for name, grades in judges.items()}
    cells = np.array([grades.reindex(alice.index).to_numpy(dtype=float) for grades in judges.values()])
    keys = alice.index.to_numpy()
    groups = np.array([key.split(":", 1)[0] for key in keys], dtype=object)
    return _Judged(keys, groups, alice.to_numpy(), cells, list(judges), extra, report_range)


def _word_rows(words: tuple[str, ...]) -> np.ndarray:
    """ASCII words of at most 8 bytes as rows of 9 bytes: the word, zero padded, then its length."""
    rows = np.zeros((len(words), 9), dtype=np.uint8)
    for row, word in enumerate(words):
        rows[row, : len(word)], rows[row, 8] = np.frombuffer(word.encode("ascii"), dtype=np.uint8), len(word)
    return rows


_NA_BYTES = _word_rows(NA_WORDS)
_SPACE, _NEWLINE, _QUOTE, _COLON, _ZERO, _LAST_PLAIN = 32, 10, 34, 58, 48, 126
_MAX_GRADE_DIGITS = 9
_SHORTEST_LINE = len("q 0 d 1\n")
_TABLE_FULL = -2
_EVERY_BYTE = np.uint64(0x0101010101010101)
_TOP = GRADES[1]


def _read_all(human: Path, files: list[Path], out_of_range: str) -> _Judged | None:
    """What :func:`_read_each` returns, from one compiled pass over all files at once, or None.

    Handles files of printable ASCII whose every line reads ``qid 0 docid grade`` with single spaces and a
    grade of at most nine digits, and whose grades are fine or, under ``out_of_range="missing"``, above the
    scale. Anything else (an error to report with its line, tabs, quotes, blank lines, a duplicate, a key pandas
    reads as missing) returns None, and the per-file reader decides. Each key is the bytes of ``qid 0 docid``;
    keys are matched in a hash table and every match is checked word by word.
    """
    joined = _joined([human, *files])
    if joined is None:
        return None
    padded, file_ends = joined
    buf, words = padded[: file_ends[-1]], _words_at(padded, file_ends[-1])
    if len(buf) // _SHORTEST_LINE > np.iinfo(np.int32).max:  # more lines than the codes and grades can count
        return None
    lines, n_codes = _coded_lines(buf, words, file_ends, int(np.count_nonzero(buf[: file_ends[0]] == _NEWLINE)))
    if n_codes < 0:
        return None
    n_human = int(lines.per_file[0])
    cells = np.full((len(files), n_human), np.nan)
    counts = np.zeros((2, len(files)), dtype=np.int64)  # per judge: grades above the scale, items not Alice's
    if not _scatter(lines.codes, lines.grades, lines.per_file, n_human, n_codes, out_of_range == "missing", cells,
                    counts):
        return None
    names = [f.stem for f in files]
    report_range = {"policy": out_of_range, "cells": {n: int(c) for n, c in zip(names, counts[0], strict=True) if c}}
    extra = {n: int(c) for n, c in zip(names, counts[1], strict=True)}
    keys, groups = _human_keys(buf[: file_ends[0]], lines.starts, lines.qid_ends, lines.key_ends)
    return _Judged(keys, groups, lines.grades[:n_human].astype(float), cells, names, extra, report_range)


def _joined(paths: list[Path]) -> tuple[np.ndarray, np.ndarray] | None:
    """The bytes of the files one after another, each ending in a newline (one is added where it lacks one), then
    zero bytes (eight or more); and where each file ends. None if a file cannot be read, is empty or a single
    newline, or grows while it is read."""
    try:
        sizes = [path.stat().st_size for path in paths]
        padded = np.zeros(sum(sizes) + len(paths) + 8, dtype=np.uint8)
        ends = []
        for path, size in zip(paths, sizes, strict=True):
            start = ends[-1] if ends else 0
            with open(path, "rb") as handle:
                if handle.readinto(padded[start : start + size]) != size or handle.read(1):
                    return None
            end = start + size + (not size or padded[start + size - 1] != _NEWLINE)
            padded[end - 1] = _NEWLINE
            if end - start < 2:
                return None
            ends.append(end)
    except OSError:
        return None
    return padded, np.array(ends, dtype=np.int64)


def _words_at(padded: np.ndarray, size: int) -> np.ndarray:
    """The little-endian 8-byte word starting at each of the first ``size`` bytes of ``padded`` (which has eight
    more), as a view."""
    return np.ndarray((size,), dtype="<u8", buffer=padded, strides=(1,))


def _human_keys(human: np.ndarray, starts: np.ndarray, qid_ends: np.ndarray, key_ends: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """The ``"qid:docid"`` keys and the qids of the lines ``qid 0 docid grade`` of the human file's bytes, given
    where each line starts and where its qid and its key ``qid 0 docid`` end; as object arrays of str."""
    keys, qids = np.empty_like(human), np.empty_like(human)
    key_bytes, qid_bytes = _key_lines(human, starts, qid_ends, key_ends, keys, qids)
    return _split_lines(keys[:key_bytes]), _split_lines(qids[:qid_bytes])


@njit(cache=True, nogil=True)
def _key_lines(buf, starts, qid_ends, key_ends, keys, qids):
    """Write each line's key as ``qid:docid`` into ``keys`` and its qid into ``qids``, each then a newline;
    return how many bytes each holds."""
    at_key = at_qid = 0
    for line in range(len(starts)):
        for j in range(starts[line], qid_ends[line]):
            keys[at_key], qids[at_qid] = buf[j], buf[j]
            at_key, at_qid = at_key + 1, at_qid + 1
        keys[at_key] = _COLON
        at_key += 1
        for j in range(qid_ends[line] + 3, key_ends[line]):
            keys[at_key] = buf[j]
            at_key += 1
        keys[at_key], qids[at_qid] = _NEWLINE, _NEWLINE
        at_key, at_qid = at_key + 1, at_qid + 1
    return at_key, at_qid


def _split_lines(text: np.ndarray) -> np.ndarray:
    """The lines of ASCII bytes that end in a newline, as an object array of str."""
    return np.array(text.tobytes().decode("ascii").split("\n")[:-1], dtype=object)


class _Lines(NamedTuple):
    """Per line of the human file: where it starts and where its qid and its key ``qid 0 docid`` end; per line of
    the joined files: its grade and the code of its key; and the number of lines of each file."""

    starts: np.ndarray
    qid_ends: np.ndarray
    key_ends: np.ndarray
    grades: np.ndarray
    codes: np.ndarray
    per_file: np.ndarray


def _coded_lines(buf: np.ndarray, words: np.ndarray, file_ends: np.ndarray, human_lines: int
                 ) -> tuple[_Lines, int]:
    """:func:`_code_lines` of the joined files, whose first (the human's) has ``human_lines`` lines, with a hash
    table for twice as many keys, made larger until the keys fit; the lines read and the number of keys."""
    lines = _Lines(*(np.empty(human_lines, dtype=np.int64) for _ in range(3)),
                   *(np.empty(len(buf) // _SHORTEST_LINE, dtype=np.int32) for _ in range(2)),
                   np.zeros(len(file_ends), dtype=np.int64))
    slots = 1 << (2 * human_lines).bit_length()
    while True:
        lines.per_file[:] = 0
        n_codes = _code_lines(buf, words, file_ends, *lines, np.zeros(slots, dtype=np.uint64),
                              np.empty((slots, 3), dtype=np.int64), _NA_BYTES)
        if n_codes != _TABLE_FULL:
            n_human, n_lines = lines.per_file[0], lines.per_file.sum()
            return _Lines(*(column[:n_human] for column in lines[:3]), *(column[:n_lines] for column in lines[3:5]),
                          lines.per_file), n_codes
        slots *= 4


@njit(cache=True, nogil=True)
def _code_lines(buf, words, file_ends, starts, qid_ends, key_ends, grades, codes, per_file, hashes, entries,
                na_bytes):
    """Fill the :class:`_Lines` arrays (room for every line) from the bytes of the joined files (each ending in
    a newline) and their words (:func:`_words_at`), with the empty :class:`_KeyTable` ``hashes``, ``entries``.

    Keys with equal bytes get equal codes, numbered in order of first appearance. A judge's line is first
    compared with the human's line at the same position (judges usually list the items in the human's order):
    when it starts with that line's key and a space, only its grade is read; else its fields are read byte by
    byte and its key is looked up in the hash table. Each key of the human file and each other key where it
    first appears is checked with :func:`_plain_key` (``na_bytes``: :func:`_word_rows` of the missing words).

    Returns
    -------
    int
        The number of distinct keys; −1 unless every line is ``qid 0 docid grade`` of printable ASCII without
        quotes, with single spaces, non-empty fields and a grade of 1-9 digits, and every key checked is plain;
        or ``_TABLE_FULL`` once the keys fill half the table.
    """
    table = _KeyTable(hashes, entries)
    n_codes = 0
    start = 0
    file = 0
    first_line = 0  # of the current file
    n_first = len(starts)  # lines of the first file (the human's), known once it ends
    line = 0
    while start < len(buf):
        while start >= file_ends[file]:
            file += 1
            if file == 1:
                n_first = line
            first_line = line
        per_file[file] += 1
        twin = line - first_line
        length = key_ends[twin] - starts[twin] if file > 0 and twin < n_first else len(buf)
        if start + length < len(buf) and buf[start + length] == _SPACE and same_bytes(words, starts[twin], start,
                                                                                       length):
            qid_end, key_end, code = start + qid_ends[twin] - starts[twin], start + length, codes[twin]
        else:
            qid_end = _field_end(buf, words, start)
            if qid_end <= start or buf[qid_end] != _SPACE or buf[qid_end + 1] != _ZERO or buf[qid_end + 2] != _SPACE:
                return -1
            key_end = _field_end(buf, words, qid_end + 3)
            if key_end <= qid_end + 3 or buf[key_end] != _SPACE:
                return -1
            code = -1
        grade = 0
        end = key_end + 1
        while _ZERO <= buf[end] <= _ZERO + 9:
            grade = grade * 10 + np.int64(buf[end]) - _ZERO
            end += 1
        if buf[end] != _NEWLINE or not 1 <= end - key_end - 1 <= _MAX_GRADE_DIGITS:
            return -1
        if file == 0:
            starts[line], qid_ends[line], key_ends[line] = start, qid_end, key_end
        grades[line] = grade
        if code < 0:
            code = _code_of(table, words, start, key_end - start, n_codes)
            if (file == 0 or code == n_codes) and not _plain_key(buf, start, qid_end, key_end, na_bytes):
                return -1
            if code == n_codes:
                n_codes += 1
                if 2 * n_codes > len(hashes):
                    return _TABLE_FULL
        codes[line] = code
        start = end + 1
        line += 1
    return n_codes


@njit(cache=True, nogil=True, inline="always")
def _field_end(buf, words, at):
    """Where the field from ``at`` ends (its first byte at most a space), or −1 at a byte past ``~`` or a quote.
    Eight bytes at a time while none of them ends the field (:func:`_plain_word`)."""
    while _plain_word(words[at]):
        at += 8
    while buf[at] > _SPACE:
        if buf[at] > _LAST_PLAIN or buf[at] == _QUOTE:
            return -1
        at += 1
    return at


@njit(cache=True, nogil=True, inline="always")
def _plain_word(word):
    """Whether each of the 8 bytes of ``word`` is printable ASCII past the space, and not a quote (exact tests
    on all bytes at once: a byte below 0x21, equal to 0x22 or 0x7F, or with its high bit set fails)."""
    quote, delete = word ^ _EVERY_BYTE * np.uint64(_QUOTE), word ^ _EVERY_BYTE * np.uint64(_LAST_PLAIN + 1)
    low = word - _EVERY_BYTE * np.uint64(_SPACE + 1)
    failing = (low & ~word) | ((quote - _EVERY_BYTE) & ~quote) | ((delete - _EVERY_BYTE) & ~delete) | word
    return (failing & (_EVERY_BYTE * np.uint64(0x80))) == 0


class _KeyTable(NamedTuple):
    """Open addressing on key hashes: per slot the hash of a key, made odd (0: an empty slot), and its (code,
    first byte, length)."""

    hashes: np.ndarray
    entries: np.ndarray


@njit(cache=True, nogil=True, inline="always")
def _hash(words, start, length):
    """A 64-bit hash of the ``length`` bytes from ``start``, eight at a time."""
    h = np.uint64(length) * np.uint64(0x9E3779B97F4A7C15)
    for at in range(start, start + length, 8):
        h = (h ^ (words[at] & LOW_BYTES[min(start + length - at, 8)])) * np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(31)
    return h



@njit(cache=True, nogil=True, inline="always")
def _code_of(table, words, start, length, new_code):
    """The code of the key of ``length`` bytes from ``start``; an unseen key is entered with ``new_code``."""
    h = _hash(words, start, length)
    odd = h | np.uint64(1)
    mask = np.uint64(len(table.hashes) - 1)
    slot = h & mask
    while True:
        seen = table.hashes[slot]
        if seen == 0:
            table.hashes[slot] = odd
            table.entries[slot, 0], table.entries[slot, 1], table.entries[slot, 2] = new_code, start, length
            return new_code
        if seen == odd and table.entries[slot, 2] == length and same_bytes(words, table.entries[slot, 1], start,
                                                                          length):
            return table.entries[slot, 0]
        slot = (slot + np.uint64(1)) & mask


@njit(cache=True, nogil=True, inline="always")
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


@njit(cache=True, nogil=True, inline="always")
def _plain_key(buf, start, qid_end, key_end, na_bytes):
    """Whether the key ``qid 0 docid`` of ``buf[start:key_end]`` becomes the ``"qid:docid"`` string the per-file
    reader makes of it: no field pandas reads as missing and no ``:`` in the qid (else ``"a:b"+"c"`` and
    ``"a"+"b:c"`` would make the same key)."""
    for j in range(start, qid_end):
        if buf[j] == _COLON:
            return False
    return not (_is_na_word(buf, start, qid_end, na_bytes) or _is_na_word(buf, qid_end + 3, key_end, na_bytes))


@njit(cache=True, nogil=True)
def _scatter(codes, grades, per_file, n_human, n_codes, drop_high, cells, counts):
    """Put each judge's grade of a human item into ``cells`` (judge, item); count per judge the grades above
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
                cells[judge, code] = grade
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
