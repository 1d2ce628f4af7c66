"""Reading and checking the files a command is given: a score table (with optional group labels), a long table
of many humans, the utility tables of ``epsilon``, and the columns a command leaves out (with the reason).

The command line (:mod:`marketalign.cli`) only parses options and prints; everything that opens a file and
decides whether its contents are valid is here, usable from Python as well.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from marketalign.data.names import INSTANCE
from marketalign.errors import InputError
from marketalign.seeding import stream

if TYPE_CHECKING:
    import pandas as pd

HUMAN = "human"
"""The column naming each row's human in a long table (one row per human and instance)."""


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes (recorded beside results as the input's fingerprint)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def column_names(entries: Iterable[str]) -> list[str] | None:
    """Column names from repeated and/or comma-separated option values (None when there are none)."""
    return [name for entry in entries for name in str(entry).split(",") if name] or None


def read_utility_tables(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Read ``{"alice": [[...]], "bobs": [[[...]]]}`` (shapes (A, Y) and (k, A, Y)).

    Raises
    ------
    InputError
        Invalid JSON, missing keys, or entries that are not rectangular lists of numbers.
    """
    try:
        payload = json.loads(Path(path).read_text())
    except json.JSONDecodeError as err:
        raise InputError(f"{path} is not valid JSON ({err.msg} at line {err.lineno}); fix the file.") from err
    if not isinstance(payload, dict) or not {"alice", "bobs"} <= payload.keys():
        raise InputError(f'{path} must be a JSON object with keys "alice" (A x Y) and "bobs" (k x A x Y).')
    try:
        return np.asarray(payload["alice"], dtype=float), np.asarray(payload["bobs"], dtype=float)
    except (TypeError, ValueError) as err:
        raise InputError(
            f'{path}: "alice" and "bobs" must be rectangular nested lists of numbers ({err}).'
        ) from err


class Scores(NamedTuple):
    """What :func:`load_scores` reads: Alice's utility, the Bob scores and names, the group labels (or None) and
    the columns left out with the reason."""

    h: np.ndarray
    scores: np.ndarray
    names: list[str]
    groups: np.ndarray | None
    unused: dict[str, str]


def load_scores(path: str | Path, target: str, bobs: Sequence[str] | None, groups: str | None = None) -> Scores:
    """Alice's utility, the Bob scores, their names and the labels of the ``groups`` column (None without it)
    from a CSV/Parquet table (row ids optional); the group column is never a Bob (docs/theory.md §1.7, Definition G1).

    ``bobs`` lists the Bob columns (each entry may be a comma-separated list); None or empty: every other numeric
    column.

    Raises
    ------
    InputError
        An unreadable or invalid table (see :func:`read_table`, :func:`validate_table`), a bad group column, or
        a constant target.
    """
    import pandas as pd

    from marketalign.data.tables import check_target_varies, read_table, unused_columns, validate_table

    table = read_table(path)
    numbered = INSTANCE not in table.columns
    if numbered:
        table.insert(0, INSTANCE, pd.RangeIndex(len(table)).astype(str))
    names = column_names(bobs or ())
    labels = None
    if groups is not None:
        if groups not in table.columns:
            raise InputError(f"{path} has no group column '{groups}' (columns: {', '.join(map(str, table.columns))}).")
        if groups in (target, INSTANCE) or (names is not None and groups in names):
            raise InputError(f"--groups column '{groups}' is also the target, the id or a Bob; pick another column.")
        labels = table.pop(groups).to_numpy(dtype=object)
        missing = pd.isna(labels)
        if missing.any():
            raise InputError(
                f"{path}: group column '{groups}' is empty in {int(missing.sum())} of {len(labels)} rows; give "
                "every row a group."
            )
    h, scores, names = validate_table(table, target=target, bobs=names, where=str(path))
    check_target_varies(h, target, str(path))
    unused = unused_columns(table.drop(columns=INSTANCE) if numbered else table, target, names)
    return Scores(h, scores, names, labels, unused)


def check_scores_table(path: str | Path, target: str, bobs: Sequence[str] | None = None) -> dict:
    """What ``marketalign data check`` reports about a table of one's own: instances, the target's range, the
    Bobs and every column left out with the reason.

    Raises
    ------
    InputError
        As :func:`validate_table` and :func:`check_target_varies`.
    """
    from marketalign.data.tables import check_target_varies, read_table, unused_columns, validate_table

    frame = read_table(path)
    h, scores, names = validate_table(frame, target, column_names(bobs or ()), where=str(path))
    check_target_varies(h, target, str(path))
    return {"table": str(path), "instances": len(h), "target": target,
            "target_min": float(h.min()), "target_max": float(h.max()), "bobs": list(names),
            "not_used": unused_columns(frame, target, names)}


def coverage_unused(columns: Iterable[str], used: Iterable[str | None]) -> dict[str, str]:
    """The columns of a coverage table that are neither item, answer, target nor a Bob, with the reason."""
    taken = set(used)
    return {c: "not numeric (labels or text)" if c != INSTANCE else "row id" for c in columns if c not in taken}


def humans_from_table(
    table: pd.DataFrame, target: str, bobs: list[str] | None, where: str, scores: pd.DataFrame | None = None,
    groups: str | None = None,
) -> tuple[list[str], list[tuple[np.ndarray, np.ndarray]], list[str], list[np.ndarray] | None]:
    """Human names, their (scores, utility) data sets, the Bob names and each human's group labels.

    The table has a ``human`` column, ``instance`` and the target; the Bob scores are its other numeric
    columns, or those of ``scores`` (one row per instance) joined on ``instance``. ``groups`` names a column of
    cluster labels (folds never split one, docs/theory.md §1.7, Definition G1); it is never a Bob. Humans keep the
    order in which they first appear, and each her rows' order.

    Raises
    ------
    InputError
        A missing ``human``, ``instance`` or ``groups`` column, unscored instances, or bad Bob columns.
    """
    from marketalign.data.tables import bob_columns, check_instances, validate_table

    if HUMAN not in table.columns:
        raise InputError(f"{where} has no '{HUMAN}' column; a long table has one row per (human, instance).")
    if INSTANCE not in table.columns:
        raise InputError(f"{where} has no '{INSTANCE}' column; give every row the id of the instance rated.")
    if groups is not None and groups not in table.columns:
        raise InputError(f"--groups {groups!r}: {where} has no such column; name the column of cluster labels.")
    if groups is not None and groups in (target, INSTANCE, HUMAN):
        raise InputError(f"--groups {groups!r} is also the target, instance or human column; name another column.")
    table = table.assign(**{HUMAN: table[HUMAN].astype(str), INSTANCE: table[INSTANCE].astype(str)})
    labels = table.pop(groups) if groups is not None else None
    if scores is not None:
        check_instances(scores, "the scores table")
        names = bobs or bob_columns(scores, target)
        unknown = sorted(set(table[INSTANCE]) - set(scores[INSTANCE]))
        if unknown:
            raise InputError(
                f"{len(unknown)} instances of {where} have no row in the scores table (e.g. {unknown[:3]}); "
                "score every instance, or drop those rows."
            )
        table = table[[HUMAN, INSTANCE, target]].merge(scores[[INSTANCE, *names]], on=INSTANCE, how="left",
                                                        validate="many_to_one")
    names = bobs or bob_columns(table.drop(columns=HUMAN), target)
    humans, datasets, group_labels = [], [], []
    for human, rows in table.groupby(HUMAN, sort=False):
        h, s, _ = validate_table(rows.drop(columns=HUMAN), target, names, where=f"{where}, human {human!r}")
        humans.append(human)
        datasets.append((s, h))
        if labels is not None:
            group_labels.append(labels.loc[rows.index].to_numpy())
    return humans, datasets, names, (group_labels if labels is not None else None)


def sample_rows(table: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """``n`` rows drawn without replacement by ``numpy.random.default_rng(seed)``, kept in table order.

    Raises
    ------
    InputError
        When the table has fewer than ``n`` rows.
    """
    if n > len(table):
        raise InputError(f"--sample {n} but the selection has only {len(table)} rows; ask for fewer.")
    keep = np.sort(stream(seed).choice(len(table), size=n, replace=False))
    return table.iloc[keep].reset_index(drop=True)
