"""A curve result's outputs: the table, a JSON summary, and the two figures with their numbers beside them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from marketalign.errors import InputError
from marketalign.hull.curves import CurveResult
from marketalign.report.plots import plot_mse_vs_k, plot_sparsity_vs_k

if TYPE_CHECKING:
    from marketalign.experiments.protocol import Outcome

_VALUES = ("mse_mean", "nnz_mean", "explained_mean", "weight_sum_mean")


def curve_frame(result: CurveResult) -> pd.DataFrame:
    """The numbers behind the plots.

    One target: its table (bands are ±1 std over orderings). Many targets (humans): per (K, method) the mean
    over targets of each target's curve, with the std and standard error over targets (Figure 4's band).
    """
    if len(result.targets) == 1:
        return result.table.drop(columns="target")
    return across_targets(result.table)


def across_targets(table: pd.DataFrame) -> pd.DataFrame:
    """Per (K, method): the mean over targets of each target's curve, ± std and s.e. over targets.

    ``table`` is a tidy curve table with a ``target`` column (one result's, or several results' tables
    stacked, e.g. one per human of :func:`marketalign.hull.curves.market_curves`).
    """
    grouped = table.groupby(["K", "method"], sort=False)
    frame = grouped[list(_VALUES)].mean()
    spread = grouped[["mse_mean", "nnz_mean"]].std(ddof=1).fillna(0.0)
    count = grouped["mse_mean"].count()
    frame["mse_std"] = spread["mse_mean"]
    frame["mse_se"] = spread["mse_mean"] / np.sqrt(count)
    frame["nnz_std"] = spread["nnz_mean"]
    frame["n_targets"] = count
    return frame.reset_index()


def stacked_tables(results: Sequence[CurveResult], names: Sequence[str]) -> pd.DataFrame:
    """The tables of single-target results (one per human) stacked, ``target`` set to each human's name."""
    if len(results) != len(names):
        raise InputError(f"{len(results)} results but {len(names)} names; give one name per result.")
    return pd.concat([r.table.assign(target=name) for r, name in zip(results, names, strict=True)],
                     ignore_index=True)


def curve_outcome(name: str, result: CurveResult, *, title: str, about: dict[str, Any],
                  lines: Sequence[str] = ()) -> Outcome:
    """The outputs of a curve result: ``curve.csv``, ``summary.json``, ``mse_vs_k.png`` and ``sparsity_vs_k.png``.

    Parameters
    ----------
    name : str
        The experiment's name.
    result : CurveResult
        The curves (:func:`marketalign.hull.curves.market_curve`).
    title : str
        The figures' title.
    about : dict
        What the data and the Bobs are (it goes into the summary and must be honest about synthetic Bobs).
    lines : sequence of str
        The headline the command prints.

    Returns
    -------
    Outcome
        Written by :func:`marketalign.experiments.protocol.write_outcome`. With many targets,
        ``curve_over_targets.csv`` holds the across-target numbers plotted.
    """
    from marketalign.experiments.protocol import Outcome, Verdict

    frame = curve_frame(result)
    many = len(result.targets) > 1
    tables = {"curve.csv": result.table} | ({"curve_over_targets.csv": frame} if many else {})
    band = "mse_se" if many else "mse_std"
    subtitle = f"{len(result.targets)} targets, ±1 s.e." if many else "±1 std over " + _curves_word(result)
    figures = {
        "mse_vs_k.png": lambda: plot_mse_vs_k(frame, spread=band, title=f"{title}\n{subtitle}"),
        "sparsity_vs_k.png": lambda: plot_sparsity_vs_k(frame, title=title),
    }
    summary = {**result.summary(), "about": about, "band": band}
    return Outcome(name, summary, tables, figures, verdict=Verdict("measured", tuple(lines)))


def headline(result: CurveResult) -> list[str]:
    """A few human lines: MSE per method at K_max and the gains of NNLS/simplex (first target, or the mean)."""
    frame = curve_frame(result)
    k_max = result.config.k_max
    at_k = frame[frame["K"] == k_max].set_index("method")
    lines = [f"K = {k_max}: held-out MSE (explained fraction of the constant's MSE)"]
    for method, row in at_k.iterrows():
        lines.append(f"  {method:<14} {row['mse_mean']:.6g}  ({row['explained_mean']:+.1%})")
    for method in ("nnls", "simplex"):
        for baseline in ("single", "average"):
            if method in at_k.index and baseline in at_k.index:
                ours, base = at_k.loc[method, "mse_mean"], at_k.loc[baseline, "mse_mean"]
                if base > 0 and math.isfinite(base):
                    lines.append(f"  {method} vs {baseline}: {100 * (ours - base) / base:+.1f}% MSE")
    return lines


def _curves_word(result: CurveResult) -> str:
    n = result.mse.shape[1]
    return f"{n} subsets" if result.config.subsets == "all" else f"{n} orderings"
