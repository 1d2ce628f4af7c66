"""LLMBar (Zeng et al., Evaluating Large Language Models at Evaluating Instruction Following, ICLR 2024).

Each item is an instruction with two outputs, one of them better (``label``). Each evaluator, a
(base LLM, prompting strategy) pair, is one Bob; Alice is 1 when output 1 is the better one.
"""

from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from numba import njit

from marketalign.data._bytes import same_bytes
from marketalign.data.panels.missing import NA_WORDS, apply_missing, resolve_missing
from marketalign.data.tables import INSTANCE, TARGET, layout_table
from marketalign.errors import InputError

VERDICTS_FILE = "verdicts_long.csv.gz"
DEFAULT_SUBSETS = (
    "LLMBar/Natural",
    "LLMBar/Adversarial/GPTInst",
    "LLMBar/Adversarial/GPTOut",
    "LLMBar/Adversarial/Manual",
    "LLMBar/Adversarial/Neighbor",
)
VERDICT_COLUMNS = ["subset", "item", "label", "base_llm", "strategy", "winner_noswap", "winner_swap",
                   "score_1", "score_2"]
RATING_SCALE = 9.0
GROUP = "group"
IGNORED_COLUMNS = {"sample": "the sampled run of an evaluator; it labels the run, it is not a separate evaluator"}
_TEXTS = ("subset", "base_llm", "strategy")
_INTEGERS = ("item", "label")
_NUMBERS = ("winner_noswap", "winner_swap", "score_1", "score_2")
_DECIMAL = re.compile(r"\d+\.?\d*|\.\d+")
_MAX_DIGITS = 15  # fewer digits than a double holds exactly: every reader rounds such a decimal alike
_BOOLEAN_WORDS = ("True", "TRUE", "true", "False", "FALSE", "false")  # read as booleans by pandas
_MAX_DISTINCT = 256
_PLAIN, _COMMA, _NEWLINE, _RETURN, _REFUSED = range(5)
_ZERO_BYTE, _NEWLINE_BYTE = ord("0"), ord("\n")
_KINDS = np.full(256, _REFUSED, dtype=np.uint8)  # per byte value: what it is in a plain file
_KINDS[1:128] = _PLAIN
_KINDS[[ord(","), _NEWLINE_BYTE, ord("\r"), ord('"')]] = _COMMA, _NEWLINE, _RETURN, _REFUSED


@dataclass(frozen=True)
class LLMBarPanel:
    """The LLMBar market in the ``curve`` layout and what was done to the missing verdicts."""

    table: pd.DataFrame
    bobs: list[str]
    missing: dict
    ignored_columns: dict


def evaluator_scores(verdicts: pd.DataFrame) -> pd.Series:
    """Score each verdict row: the evaluator's belief that output 1 is better.

    Comparison strategies: the mean over the parseable presentation orders of ``winner == 1``.
    Rating strategies (``score_1``/``score_2`` present): ``(score_1 - score_2) / 9``. NaN when unparseable.
    """
    orders = verdicts[["winner_noswap", "winner_swap"]].apply(pd.to_numeric, errors="coerce")
    bad = orders.notna() & ~orders.isin([1, 2])
    if bad.to_numpy().any():
        raise InputError(f"{int(bad.to_numpy().sum())} winner cells are not 1, 2 or empty; fix the verdict table")
    choice = (orders == 1).astype(float).where(orders.notna()).mean(axis=1)
    rating = (verdicts["score_1"] - verdicts["score_2"]) / RATING_SCALE
    return rating.where(verdicts["score_1"].notna() & verdicts["score_2"].notna(), choice)


def llmbar_panel(verdicts: pd.DataFrame, *, subsets=DEFAULT_SUBSETS, missing: str = "error") -> LLMBarPanel:
    """Build the LLMBar market from the long verdict table.

    Parameters
    ----------
    verdicts : DataFrame
        One row per (subset, item, evaluator) with the :data:`VERDICT_COLUMNS`.
    subsets : sequence of str
        The subsets kept (default LLMBar Natural + Adversarial, 419 items).
    missing : str
        Policy for unparseable verdicts, see :func:`marketalign.data.panels.missing.apply_missing`.

    Returns
    -------
    LLMBarPanel
        Columns ``instance``, ``alice``, ``group`` (the subset), then one column per evaluator.

    Raises
    ------
    InputError
        On absent columns, unknown subsets, labels other than 1/2, or missing verdicts under ``error``.
    """
    absent = [name for name in VERDICT_COLUMNS if name not in verdicts.columns]
    if absent:
        raise InputError(f"LLMBar verdict table lacks columns {absent}; expected {VERDICT_COLUMNS}")
    unknown = sorted(set(subsets) - set(verdicts["subset"].unique()))  # unique: not a Python loop over rows
    if unknown:
        raise InputError(f"LLMBar subsets {unknown} are not in the verdict table")
    rows = verdicts[verdicts["subset"].isin(subsets)].copy()
    if not rows["label"].isin([1, 2]).all():
        raise InputError("LLMBar column 'label' must be 1 or 2 (the better output)")
    rows["bob"] = rows["base_llm"].astype(str) + "/" + rows["strategy"].astype(str)
    rows["score"] = evaluator_scores(rows)
    if rows.duplicated(["subset", "item", "bob"]).any():
        raise InputError("LLMBar verdict table has more than one row per (subset, item, evaluator)")
    wide = rows.pivot(index=["subset", "item"], columns="bob", values="score")
    labels = rows.drop_duplicates(["subset", "item"]).set_index(["subset", "item"])["label"]
    order = [(s, i) for s in subsets for i in sorted(rows.loc[rows["subset"] == s, "item"].unique())]
    wide = wide.reindex(order)
    bobs = list(wide.columns)
    wide = wide.reset_index()
    wide["alice"] = (labels.reindex(order).to_numpy() == 1).astype(float)
    wide, report = apply_missing(wide, bobs, missing)
    wide = wide.reset_index(drop=True)
    bobs = [name for name in bobs if name in wide.columns]
    instances = [f"{s}#{i}" for s, i in zip(wide["subset"], wide["item"], strict=True)]
    table = layout_table(instances, wide["alice"], group=wide["subset"])
    table = pd.concat([table, wide[bobs].reset_index(drop=True).astype(np.float64)], axis=1)
    return LLMBarPanel(table=table, bobs=bobs, missing=report, ignored_columns=dict(IGNORED_COLUMNS))


def load_llmbar(folder: str | Path, *, subsets=DEFAULT_SUBSETS, missing: str = "error") -> LLMBarPanel:
    """Read ``verdicts_long.csv.gz`` (or the embedded reduction) from ``folder`` and build the market.

    A plain file (see :func:`_plain_columns`) is built from its columns directly; any other, and any file the
    market cannot be built from, goes through ``pandas.read_csv`` and :func:`llmbar_panel`, which name the problem.

    Parameters
    ----------
    folder : str or Path
        The folder holding the file, or a data root holding ``panels/llmbar/``.
    subsets : sequence of str
        The subsets kept, as in :func:`llmbar_panel`.
    missing : str
        Policy for unparseable verdicts, as in :func:`llmbar_panel`.

    Returns
    -------
    LLMBarPanel
        The market, as :func:`llmbar_panel` builds it.

    Raises
    ------
    InputError
        If the file is absent, or as :func:`llmbar_panel`.
    """
    nested = Path(folder) / "panels" / "llmbar"
    path = (nested if nested.is_dir() else Path(folder)) / VERDICTS_FILE
    if not path.is_file():
        raise InputError(f"LLMBar: {path} not found; pass --data FOLDER holding {VERDICTS_FILE}")
    columns = _plain_columns(path)
    panel = None if columns is None else _plain_panel(columns, subsets, missing)
    if panel is None:
        return llmbar_panel(pd.read_csv(path), subsets=subsets, missing=missing)
    return panel


class _Columns(NamedTuple):
    """The verdict table's columns: per text column each row's code and the distinct texts the codes index; the
    integer columns; and the number columns, NaN where empty."""

    codes: dict[str, np.ndarray]
    texts: dict[str, list[str]]
    values: dict[str, np.ndarray]


def _plain_columns(path: Path) -> _Columns | None:
    """The :data:`VERDICT_COLUMNS` of the gzip CSV ``path`` as ``pandas.read_csv`` reads them, or None.

    Reads files of ASCII without quotes, NUL bytes, lone carriage returns or blank lines, whose header names each
    column once and whose every line has a field per column; whose items and labels are integers of at most
    fifteen digits; whose texts pandas reads as texts (no missing-value word, boolean or number); whose numbers
    are empty (or a missing-value word) or unsigned decimals of at most fifteen digits without an exponent; and
    whose text and number columns have at most :data:`_MAX_DISTINCT` distinct values each.
    """
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, zlib.error):
        return None
    scanned = _scanned(data)
    if scanned is None:
        return None
    columns, texts = scanned
    numbers = {name: _decimals(texts[name]) for name in _NUMBERS}
    if not all(_read_as_text(texts[name]) for name in _TEXTS) or any(v is None for v in numbers.values()):
        return None
    values = {name: columns[name] for name in _INTEGERS}
    values.update({name: numbers[name][columns[name]] for name in _NUMBERS})
    return _Columns({name: columns[name] for name in _TEXTS}, {name: texts[name] for name in _TEXTS}, values)


def _scanned(data: bytes) -> tuple[dict[str, np.ndarray], dict[str, list[str]]] | None:
    """The :data:`VERDICT_COLUMNS` of the CSV ``data`` as read by :func:`_scan`: the integers of the integer
    columns and the codes of the others, and the texts the codes index; None unless the header names each column
    once and :func:`_scan` reads every line."""
    first = data.find(b"\n") + 1
    header = data[:first].removesuffix(b"\n").removesuffix(b"\r")
    names = header.split(b",")
    wanted = {name.encode(): column for column, name in enumerate(VERDICT_COLUMNS)}
    if (not first or not np.isin(_KINDS[np.frombuffer(header, dtype=np.uint8)], (_PLAIN, _COMMA)).all()
            or len(set(names)) < len(names) or not set(wanted) <= set(names)):
        return None
    text = data if data.endswith(b"\n") else data + b"\n"
    chars = np.frombuffer(text + bytes(8), dtype=np.uint8)
    words = np.ndarray((len(text),), dtype="<u8", buffer=chars, strides=(1,))
    integer = np.array([name in _INTEGERS for name in VERDICT_COLUMNS])
    values = np.empty((len(text) // len(names) + 1, len(VERDICT_COLUMNS)), dtype=np.int64)
    firsts = np.zeros((len(VERDICT_COLUMNS), _MAX_DISTINCT, 2), dtype=np.int64)
    counts = np.zeros(len(VERDICT_COLUMNS), dtype=np.int64)
    lines = _scan(chars, words, first, len(text), _KINDS, np.array([wanted.get(name, -1) for name in names]),
                  integer, values, firsts, counts)
    if lines <= 0:
        return None
    texts = {name: [text[at : at + length].decode("ascii") for at, length in firsts[column, : counts[column]]]
             for column, name in enumerate(VERDICT_COLUMNS) if not integer[column]}
    return dict(zip(VERDICT_COLUMNS, values[:lines].T, strict=True)), texts


@njit(cache=True, nogil=True)
def _scan(chars, words, start, end, kinds, field_of, integer, values, firsts, counts):
    """Split the lines of ``chars[start:end]`` (ending in a newline, eight more bytes after it) into fields and
    read the wanted ones: ``values[line, j]`` is the integer of wanted column ``j`` where ``integer[j]``, else the
    code of its text, numbered per column in order of first appearance, ``firsts[j, code]`` the start and length
    of that text's first appearance and ``counts[j]`` the number of codes. ``field_of`` gives each field's wanted
    column (−1: not wanted) and ``kinds`` each byte value's kind; ``words`` is the 8-byte word at each byte.

    A field is first compared with the previous line's text in its column (files list runs of equal texts).

    Returns
    -------
    int
        The number of lines, or −1 if a byte is refused, a carriage return is not followed by a newline, a line
        has another number of fields, an integer field is not 1-15 digits or a column has too many texts.
    """
    previous = np.full(len(integer), -1, dtype=np.int64)  # per column: the previous line's code, where it starts
    starts = np.zeros(len(integer), dtype=np.int64)  # and its length
    lengths = np.zeros(len(integer), dtype=np.int64)
    line = 0
    pos = start
    while pos < end:
        for field in range(len(field_of)):
            at = pos
            column = field_of[field]
            code = previous[column] if column >= 0 else -1
            if code >= 0:
                if at + lengths[column] < end and same_bytes(words, starts[column], at, lengths[column]):
                    pos = at + lengths[column]  # bytes already read as plain
                else:
                    code = -1
            while kinds[chars[pos]] == _PLAIN:
                pos += 1
            stop = pos
            kind = kinds[chars[pos]]
            if kind == _RETURN:
                pos += 1
                kind = _NEWLINE if chars[pos] == _NEWLINE_BYTE else _REFUSED
            if kind == _REFUSED or (kind == _NEWLINE) != (field == len(field_of) - 1):
                return -1
            pos += 1
            if column < 0:
                continue
            if integer[column]:
                if not 1 <= stop - at <= _MAX_DIGITS:
                    return -1
                number = 0
                for j in range(at, stop):
                    digit = np.int64(chars[j]) - _ZERO_BYTE
                    if digit < 0 or digit > 9:
                        return -1
                    number = number * 10 + digit
                values[line, column] = number
                continue
            if code < 0 or lengths[column] != stop - at:
                code = _code_of(words, at, stop - at, firsts[column], counts, column)
                if code < 0:
                    return -1
                previous[column] = code
                starts[column], lengths[column] = firsts[column, code, 0], firsts[column, code, 1]
            values[line, column] = code
        line += 1
    return line


@njit(cache=True, nogil=True, inline="always")
def _code_of(words, at, length, firsts, counts, column):
    """The code of the ``length`` bytes from ``at`` among the texts ``firsts`` of ``column``; an unseen text is
    entered with the next code (−1 if the column has :data:`_MAX_DISTINCT` already)."""
    for code in range(counts[column]):
        if firsts[code, 1] == length and same_bytes(words, firsts[code, 0], at, length):
            return code
    if counts[column] == _MAX_DISTINCT:
        return -1
    code = counts[column]
    firsts[code, 0], firsts[code, 1] = at, length
    counts[column] += 1
    return code



def _read_as_text(texts: list[str]) -> bool:
    """Whether pandas reads a column of these texts as text, whichever of them each chunk it reads holds: none is
    missing, a boolean or a number."""
    for text in texts:
        try:
            float(text)
        except ValueError:
            continue
        return False
    return not set(texts) & set(NA_WORDS + _BOOLEAN_WORDS)


def _decimals(texts: list[str]) -> np.ndarray | None:
    """The values of the texts (NaN for a missing-value word) if each is a missing-value word or an unsigned
    decimal of at most :data:`_MAX_DIGITS` digits, else None."""
    values = []
    for text in texts:
        if text in NA_WORDS:
            values.append(np.nan)
        elif _DECIMAL.fullmatch(text) and sum(c.isdigit() for c in text) <= _MAX_DIGITS:
            values.append(float(text))
        else:
            return None
    return np.array(values, dtype=np.float64)


def _plain_panel(verdicts: _Columns, subsets, missing: str) -> LLMBarPanel | None:
    """What :func:`llmbar_panel` builds from the plain columns, or None where it would raise before resolving the
    missing verdicts (a subset not in the table, a label or winner other than 1 or 2, a repeated row), where an
    item's rows disagree on its label or where ``subsets`` is not a list of distinct names."""
    if (not isinstance(subsets, list | tuple) or not subsets or not all(isinstance(s, str) for s in subsets)
            or len(set(subsets)) < len(subsets) or not set(subsets) <= set(verdicts.texts["subset"])):
        return None
    position = np.array([subsets.index(s) if s in subsets else -1 for s in verdicts.texts["subset"]])
    subset = position[verdicts.codes["subset"]]  # each row's place in ``subsets``, -1 if not kept
    rows = np.flatnonzero(subset >= 0)
    label = verdicts.values["label"][rows]
    score = _scores({name: verdicts.values[name][rows] for name in _NUMBERS})
    if not np.isin(label, (1, 2)).all() or score is None:
        return None
    bobs, bob = _bobs(verdicts, rows)
    item, items = pd.factorize(verdicts.values["item"][rows], sort=True)
    row, keys = pd.factorize(subset[rows] * len(items) + item, sort=True)
    labels = np.zeros(len(keys), dtype=label.dtype)
    labels[row] = label
    if (labels[row] != label).any() or np.bincount(row * len(bobs) + bob).max() > 1:
        return None
    cells = np.full((len(bobs), len(keys)), np.nan)
    cells[bob, row] = score
    cells, kept, bobs, report = resolve_missing(cells, bobs, missing)
    keys = keys[kept]
    groups = [subsets[key // len(items)] for key in keys]
    instances = [f"{group}#{items[key % len(items)]}" for group, key in zip(groups, keys, strict=True)]
    head = pd.DataFrame({INSTANCE: instances, TARGET: (labels[kept] == 1).astype(float), GROUP: groups})
    table = pd.concat([head, pd.DataFrame(cells.T, columns=bobs)], axis=1)
    return LLMBarPanel(table=table, bobs=bobs, missing=report, ignored_columns=dict(IGNORED_COLUMNS))


def _scores(numbers: dict[str, np.ndarray]) -> np.ndarray | None:
    """:func:`evaluator_scores` of the rows' number columns, or None if a winner is not 1, 2 or empty."""
    winners = np.stack([numbers["winner_noswap"], numbers["winner_swap"]])
    given = ~np.isnan(winners)
    if (given & (winners != 1) & (winners != 2)).any():
        return None
    orders = given.sum(axis=0)
    choice = np.where(orders > 0, (winners == 1).sum(axis=0) / np.maximum(orders, 1), np.nan)
    rating = (numbers["score_1"] - numbers["score_2"]) / RATING_SCALE
    return np.where(np.isnan(numbers["score_1"]) | np.isnan(numbers["score_2"]), choice, rating)


def _bobs(verdicts: _Columns, rows: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The evaluators ``base_llm/strategy`` of the rows, sorted, and each row's index into them."""
    llms, strategies = verdicts.texts["base_llm"], verdicts.texts["strategy"]
    pair, pairs = pd.factorize(verdicts.codes["base_llm"][rows] * len(strategies) + verdicts.codes["strategy"][rows])
    names = [f"{llms[p // len(strategies)]}/{strategies[p % len(strategies)]}" for p in pairs]
    bob, bobs = pd.factorize(np.array(names, dtype=object), sort=True)
    return bobs.tolist(), bob[pair]
