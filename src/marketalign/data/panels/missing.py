"""One policy for the missing cells of a wide panel table (items as rows, Bobs as columns), for every loader."""

from __future__ import annotations

import pandas as pd

from marketalign.data.names import MISSING_POLICIES as POLICIES
from marketalign.errors import InputError


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
    if policy not in POLICIES:
        raise InputError(f"unknown missing-value policy {policy!r}; use one of {', '.join(POLICIES)}")
    holes = wide[bob_columns].isna()
    per_bob = holes.sum()
    affected = [name for name in bob_columns if per_bob[name] > 0]
    report = {"policy": policy, "missing_cells": int(holes.to_numpy().sum()), "judges_with_missing": affected,
              "dropped_items": 0, "dropped_judges": []}
    if not affected:
        return wide, report
    if policy == "error":
        counts = ", ".join(f"{name} ({per_bob[name]})" for name in affected)
        raise InputError(
            f"{report['missing_cells']} score cells are missing (no or unparseable verdict) for "
            f"{len(affected)} judges: {counts}; choose --missing drop-items, drop-judges or fill-mean"
        )
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
        raise InputError(f"missing policy {policy!r} leaves no data; choose another policy")
    return result, report
