"""One policy for the missing cells of a wide panel table (items as rows, Bobs as columns), for every loader; and
the words pandas' CSV reader reads as a missing cell."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from marketalign.data.names import MISSING_POLICIES as POLICIES
from marketalign.errors import InputError

NA_WORDS = ("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A",
            "NA", "NULL", "NaN", "None", "n/a", "nan", "null")
"""The cells ``pandas.read_csv`` reads as missing by default."""


def apply_missing(wide: pd.DataFrame, bob_columns: list[str], policy: str = "error") -> tuple[pd.DataFrame, dict]:
    """Resolve the missing cells of ``wide[bob_columns]`` by ``policy``.

    Parameters
    ----------
    wide : DataFrame
        One row per item, one column per Bob (NaN where a verdict is missing).
    bob_columns : list of str
        The Bob columns to check.
    policy : {"error", "drop-items", "drop-judges", "fill-mean"}
        ``error`` raises if any cell is missing; ``drop-items`` drops rows with a missing cell;
        ``drop-judges`` drops Bobs with a missing cell; ``fill-mean`` fills a cell with its Bob's mean.

    Returns
    -------
    (DataFrame, dict)
        The resolved table (its index kept) and a report: policy, missing cells, affected Bobs, dropped items
        / Bobs.

    Raises
    ------
    InputError
        On an unknown policy, or on missing cells under ``error``, or if a policy leaves nothing.
    """
    _check_policy(policy)
    holes = wide[bob_columns].isna()
    per_bob = holes.sum()
    report = _report(policy, bob_columns, [per_bob[name] for name in bob_columns], int(holes.to_numpy().sum()))
    affected = report["judges_with_missing"]
    if not affected:
        return wide, report
    if policy == "drop-items":
        keep = ~holes.any(axis=1)
        report["dropped_items"] = int((~keep).sum())
        result = wide.loc[keep]
    elif policy == "drop-judges":
        report["dropped_judges"] = affected
        result = wide.drop(columns=affected)
    else:
        result = wide.copy()
        result[bob_columns] = result[bob_columns].fillna(result[bob_columns].mean())
    if result.empty or (policy == "drop-judges" and len(affected) == len(bob_columns)):
        raise _nothing_left(policy)
    return result, report


def resolve_missing(cells: np.ndarray, bobs: list[str], policy: str = "error"
                    ) -> tuple[np.ndarray, np.ndarray, list[str], dict]:
    """:func:`apply_missing` on an array of scores, one row per Bob.

    Parameters
    ----------
    cells : ndarray of float, shape (n_bobs, n_items)
        ``cells[b, i]`` is Bob ``bobs[b]``'s score of item ``i``, NaN where missing.
    bobs : list of str
        The Bobs' names (unique).
    policy : {"error", "drop-items", "drop-judges", "fill-mean"}
        As in :func:`apply_missing`; ``fill-mean`` gives the same means as it does.

    Returns
    -------
    (ndarray, ndarray, list of str, dict)
        The resolved cells (one row per Bob kept), the mask of the items kept, the Bobs kept and the report of
        :func:`apply_missing`.

    Raises
    ------
    InputError
        On an unknown policy, or on missing cells under ``error``, or if a policy leaves nothing.
    """
    _check_policy(policy)
    holes = np.isnan(cells)
    per_bob = holes.sum(axis=1)
    report = _report(policy, bobs, list(per_bob), int(per_bob.sum()))
    items = np.ones(cells.shape[1], dtype=bool)
    if not report["judges_with_missing"]:
        return cells, items, bobs, report
    if policy == "drop-items":
        items = ~holes.any(axis=0)
        report["dropped_items"] = int((~items).sum())
        cells = cells[:, items]
    elif policy == "drop-judges":
        report["dropped_judges"] = report["judges_with_missing"]
        complete = per_bob == 0
        cells, bobs = cells[complete], [name for name, kept in zip(bobs, complete, strict=True) if kept]
    else:
        cells = np.where(holes, _means(cells, holes)[:, None], cells)
    if not items.any() or not bobs:
        raise _nothing_left(policy)
    return cells, items, bobs, report


def _check_policy(policy: str) -> None:
    if policy not in POLICIES:
        raise InputError(f"unknown missing-value policy {policy!r}; use one of {', '.join(POLICIES)}")


def _report(policy: str, bobs: Sequence[str], per_bob: Sequence, cells: int) -> dict:
    """The report of a policy before it acts, given the missing cells of each Bob and in all; under ``error``,
    the error naming the Bobs with missing cells."""
    affected = [name for name, count in zip(bobs, per_bob, strict=True) if count > 0]
    report = {"policy": policy, "missing_cells": cells, "judges_with_missing": affected, "dropped_items": 0,
              "dropped_judges": []}
    if affected and policy == "error":
        counts = ", ".join(f"{name} ({count})" for name, count in zip(bobs, per_bob, strict=True) if count > 0)
        raise InputError(
            f"{cells} score cells are missing (no or unparseable verdict) for "
            f"{len(affected)} judges: {counts}; choose --missing drop-items, drop-judges or fill-mean"
        )
    return report


def _means(cells: np.ndarray, holes: np.ndarray) -> np.ndarray:
    """Each row's mean over its cells that are not holes (NaN if all are), summed as ``DataFrame.mean`` sums."""
    known = cells.copy()
    np.putmask(known, holes, 0.0)
    count = (holes.shape[1] - holes.sum(axis=1)).astype(np.float64)
    with np.errstate(all="ignore"):
        means = known.sum(axis=1) / count
    means[count == 0] = np.nan
    return means


def _nothing_left(policy: str) -> InputError:
    return InputError(f"missing policy {policy!r} leaves no data; choose another policy")
