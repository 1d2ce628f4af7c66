"""A panel as most users have it: one row per (item, judge) with a score, and a table of the human labels.

``scores``: columns ``item``, ``judge``, ``score`` (names given by the caller), one row per pair; ``labels``:
``item``, ``label`` and optionally a ``group`` column (items that cluster: a query, a question). The result is
the ``curve`` layout: ``instance`` (the item), ``alice`` (the label), ``group`` when given, then one column per
judge in order of first appearance. Every input column is used or named in the report with the reason; a score
that is not a number, a duplicated pair or an item without a label is an error naming it; missing cells (a judge
that skipped an item) are resolved by :func:`marketalign.data.panels.missing.apply_missing` and counted.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from marketalign.data.panels.missing import apply_missing
from marketalign.data.tables import INSTANCE, TARGET, read_table
from marketalign.errors import InputError

GROUP = "group"


def load_long_panel(
    scores_path: str | Path,
    labels_path: str | Path,
    *,
    item: str = "item",
    judge: str = "judge",
    score: str = "score",
    label: str = "label",
    group: str | None = None,
    missing: str = "error",
) -> tuple[pd.DataFrame, dict]:
    """Pivot a long score table against its labels into the ``curve`` layout; return it and a report.

    Raises
    ------
    InputError
        When a named column is absent, a score or label is not a number, an (item, judge) pair occurs twice, an
        item has two labels or an empty one, a scored item has no label, or missing cells remain under
        ``missing="error"``.
    """
    scores = read_table(scores_path)
    labels = read_table(labels_path)
    _require(scores, [item, judge, score], scores_path)
    _require(labels, [item, label, *([group] if group else [])], labels_path)
    scores = scores.assign(**{item: scores[item].astype(str), judge: scores[judge].astype(str)})
    labels = labels.assign(**{item: labels[item].astype(str)})
    _numeric(scores, score, scores_path)
    _numeric(labels, label, labels_path)
    pairs = scores.duplicated([item, judge])
    if pairs.any():
        first = scores.loc[pairs, [item, judge]].iloc[0]
        raise InputError(f"{scores_path}: {int(pairs.sum())} (item, judge) pairs occur twice, first ({first[item]}, "
                         f"{first[judge]}); keep one score per pair.")
    twice = labels[item].duplicated()
    if twice.any():
        raise InputError(f"{labels_path}: {int(twice.sum())} items have more than one row, first "
                         f"{labels.loc[twice, item].iloc[0]!r}; give one label per item.")
    unlabelled = sorted(set(scores[item]) - set(labels[item]))
    if unlabelled:
        raise InputError(f"{len(unlabelled)} scored items have no label in {labels_path}, first {unlabelled[:3]}; "
                         "add their labels or remove their scores.")
    unset = labels[label].isna()
    if unset.any():
        raise InputError(f"{labels_path}: {int(unset.sum())} items have an empty label, first "
                         f"{labels.loc[unset, item].iloc[0]!r}; label them or remove them.")
    judges = list(dict.fromkeys(scores[judge]))
    scored = labels[item][labels[item].isin(scores[item])]
    wide = scores.pivot(index=item, columns=judge, values=score).reindex(index=scored, columns=judges)
    wide, report = apply_missing(wide, judges, missing)
    kept = labels.set_index(item).loc[wide.index]
    table = pd.DataFrame({INSTANCE: wide.index.to_numpy(), TARGET: kept[label].to_numpy(dtype=float)})
    if group:
        table[GROUP] = kept[group].astype(str).to_numpy()
    table = pd.concat([table, wide.reset_index(drop=True)], axis=1)
    not_used = {
        **{c: "not a column of the layout" for c in scores.columns if c not in (item, judge, score)},
        **{c: "not a column of the layout" for c in labels.columns if c not in (item, label, group)},
    }
    return table, {"items": len(table), "judges": len(wide.columns), "labels_without_scores":
                   len(labels) - len(scored), "missing": report, "columns_not_used": not_used}


def _require(frame: pd.DataFrame, columns: list[str], path: str | Path) -> None:
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise InputError(f"{path} has no column {absent} (columns: {list(frame.columns)}); name yours with --item, "
                         "--judge, --score, --label or --group.")


def _numeric(frame: pd.DataFrame, column: str, path: str | Path) -> None:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any():
        rows = list(frame.index[bad][:3] + 2)  # file lines: the header is line 1
        raise InputError(f"{path}: column {column!r} has {int(bad.sum())} cells that are not numbers (lines {rows}, "
                         f"e.g. {frame.loc[bad, column].iloc[0]!r}); fix or remove them.")
    frame[column] = values
