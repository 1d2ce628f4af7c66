"""Many humans: every MovieLens user as Alice, one sweep over the users per K_max.

Each user gets the taste-community Bobs of :mod:`marketalign.bobs.communities` recomputed without her data
(same communities for everyone except where she was a member or an anchor), and her own rows and seeded
folds; the orderings are shared. The curves run in chunks of users through the execution layer
(:func:`marketalign.hull.by_human.curves_by_human`): on local processes or a Dask cluster, resumable from a
checkpoint folder, with the same numbers wherever they run. For each K_max the result is
the distribution over users of the change in held-out MSE of NNLS and simplex against the best single Bob and
the average (negative = the combination is better). A user enters a K_max run only when her training folds
have more rows than Bobs (n·(F−1)/F > K_max + 1); the summary says how many were left out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from marketalign.bobs.communities import CommunityBobs, bob_names, community_scores
from marketalign.errors import InputError
from marketalign.experiments.defaults import (
    HUMANS_PER_TASK,
    MANY_HUMANS_K,
    MANY_HUMANS_MIN_RATINGS,
    MANY_HUMANS_ORDERINGS,
)
from marketalign.experiments.figures import Loaded, min_ratings, movielens_data
from marketalign.hull.by_human import curves_by_human
from marketalign.hull.curves import CurveConfig
from marketalign.parallel import ExecutionConfig
from marketalign.report.outputs import prepare_dir, save_figure, versions, write_json, write_table

COMPARISONS = (("nnls", "single"), ("nnls", "average"), ("simplex", "single"), ("simplex", "average"))
_STYLE = {"nnls": "tab:green", "simplex": "tab:red"}


@dataclass(frozen=True)
class ManyHumansConfig:
    """The Bob family, the K_max values (one run each), orderings, folds and seed."""

    family: CommunityBobs = field(default_factory=lambda: CommunityBobs(prior="community"))
    k_values: tuple[int, ...] = MANY_HUMANS_K
    min_user_ratings: int = MANY_HUMANS_MIN_RATINGS  # leave out lighter users (for quick runs)
    orderings: int = MANY_HUMANS_ORDERINGS
    folds: int = 5
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.k_values or min(self.k_values) < 1 or max(self.k_values) > self.family.n_bobs:
            raise InputError(f"k_values must be between 1 and {self.family.n_bobs} Bobs; got {self.k_values}.")
        if self.orderings < 1 or self.folds < 2:
            raise InputError(f"need orderings >= 1 and folds >= 2; got {self.orderings} and {self.folds}.")


def run(out: str | Path, loaded: Loaded | None = None, config: ManyHumansConfig = ManyHumansConfig(),
        quiet: bool = True, *, execution: ExecutionConfig | None = None,
        humans_per_task: int = HUMANS_PER_TASK) -> dict:
    """Score every user, run the curves per K_max, write ``improvements.csv``, ``quantiles.csv``, the plot.

    ``execution`` says where the curves run (default: one local process per core); with a checkpoint folder,
    each K_max's sweep is saved in its subfolder ``K<k>`` and a rerun resumes it. The files are the same bytes
    wherever the chunks run; another ``humans_per_task`` (chunk size) can move numbers in their last bits.
    """
    out = prepare_dir(out)
    loaded = loaded or movielens_data(None)
    counts = loaded.data.rating_counts()
    alices = community_scores(loaded.data, counts.index[counts >= config.min_user_ratings], config.family)
    names = bob_names(config.family)
    rows, quantiles, runs = [], [], {}
    fig, axes = plt.subplots(1, len(config.k_values), figsize=(5.5 * len(config.k_values), 4.2), squeeze=False)
    for ax, k_max in zip(axes[0], config.k_values, strict=True):
        need = min_ratings(k_max, config.folds)
        chosen = [a for a in alices if len(a.ratings) >= need]
        if not chosen:
            raise InputError(f"no user has the {need} ratings that K_max = {k_max} needs; lower the K values.")
        curve = CurveConfig(k_max=k_max, orderings=config.orderings, folds=config.folds, seed=config.seed)
        results = curves_by_human([(a.scores, a.ratings) for a in chosen], curve, humans_per_task=humans_per_task,
                                  execution=_checkpoint_for(execution, f"K{k_max}"), bob_names=names,
                                  target_names=["alice"], quiet=quiet)
        frame = _improvements(chosen, results, k_max)
        rows.append(frame)
        quantiles.append(_quantiles(frame, k_max))
        _plot(ax, frame, k_max)
        runs[str(k_max)] = {"users": len(chosen), "left_out_too_few_ratings": len(alices) - len(chosen),
                            "min_ratings": need, "median_pct": _medians(frame),
                            "share_of_users_improved": _shares(frame)}
    fig.suptitle("Many humans: every MovieLens user vs taste-community Bobs (change in held-out MSE)", fontsize=11)
    table = pd.concat(rows, ignore_index=True)
    write_table(table, out / "improvements.csv")
    write_table(pd.concat(quantiles, ignore_index=True), out / "quantiles.csv")
    save_figure(fig, out / "improvements.png")
    summary = {
        "data": loaded.source, "users": len(alices), "runs": runs, "config": asdict(config),
        "alice": "each MovieLens user in turn: her own ratings",
        "bobs": f"{len(names)} taste-community recommenders recomputed without each user's data",
        "versions": versions(), "files": ["improvements.csv", "improvements.png", "quantiles.csv", "summary.json"],
    }
    write_json(summary, out / "summary.json")
    return summary


def _checkpoint_for(execution: ExecutionConfig | None, sweep: str) -> ExecutionConfig | None:
    """``execution`` with its checkpoint moved to the subfolder ``sweep``: one folder per sweep of a run that
    has several (a checkpoint folder holds one sweep)."""
    if execution is None or execution.checkpoint is None:
        return execution
    return replace(execution, checkpoint=Path(execution.checkpoint) / sweep)


def _improvements(alices, results, k_max: int) -> pd.DataFrame:
    """One row per user: MSE per method at K_max and the % change of each comparison."""
    records = []
    for alice, result in zip(alices, results, strict=True):
        at_k = result.table[result.table["K"] == k_max].set_index("method")["mse_mean"]
        record = {"user": alice.user, "K": k_max, "ratings": len(alice.ratings), **at_k.to_dict()}
        for method, baseline in COMPARISONS:
            base = at_k[baseline]
            record[f"{method}_vs_{baseline}_pct"] = 100.0 * (at_k[method] - base) / base if base > 0 else np.nan
        records.append(record)
    return pd.DataFrame(records)


def _columns() -> list[str]:
    return [f"{m}_vs_{b}_pct" for m, b in COMPARISONS]


def _quantiles(frame: pd.DataFrame, k_max: int) -> pd.DataFrame:
    levels = [0.1, 0.25, 0.5, 0.75, 0.9]
    table = frame[_columns()].quantile(levels).rename_axis("quantile").reset_index()
    return table.assign(K=k_max)


def _medians(frame: pd.DataFrame) -> dict:
    return {c: float(frame[c].median()) for c in _columns()}


def _shares(frame: pd.DataFrame) -> dict:
    return {c: float((frame[c] < 0).mean()) for c in _columns()}


def _plot(ax: plt.Axes, frame: pd.DataFrame, k_max: int) -> None:
    """ECDF over users of each comparison's % change (left of 0 = the combination is better).

    The x-axis spans the 2nd-98th percentiles of all comparisons (NNLS on a user with few ratings can
    overfit wildly); the title says how many values lie beyond it.
    """
    columns = _columns()
    values = frame[columns].to_numpy().ravel()
    values = values[np.isfinite(values)]
    low, high = np.percentile(values, [2, 98]) if len(values) else (-1.0, 1.0)
    pad = 0.05 * max(high - low, 1.0)
    outside = int(((values < low - pad) | (values > high + pad)).sum())
    for method, baseline in COMPARISONS:
        column = np.sort(frame[f"{method}_vs_{baseline}_pct"].dropna().to_numpy())
        share = np.arange(1, len(column) + 1) / len(column)
        ax.step(column, share, where="post", color=_STYLE[method],
                linestyle="-" if baseline == "single" else "--", label=f"{method} vs {baseline}")
    ax.set_xlim(low - pad, high + pad)
    ax.axvline(0.0, color="0.5", linewidth=0.8)
    ax.set_xlabel("change in held-out MSE (%)")
    ax.set_ylabel("share of users")
    beyond = f"; {outside} values beyond the axis" if outside else ""
    ax.set_title(f"K = {k_max}: {len(frame)} users{beyond}", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
