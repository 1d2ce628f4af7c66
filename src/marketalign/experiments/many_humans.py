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

import numpy as np
import pandas as pd

from marketalign.bobs.communities import CommunityBobs, bob_names, community_scores
from marketalign.data.location import data_root
from marketalign.data.sources import movielens_data
from marketalign.errors import InputError
from marketalign.experiments.defaults import (
    HUMANS_PER_TASK,
    MANY_HUMANS_K,
    MANY_HUMANS_MIN_RATINGS,
    MANY_HUMANS_ORDERINGS,
)
from marketalign.experiments.figures import min_ratings
from marketalign.experiments.protocol import Outcome, RunContext, Verdict
from marketalign.hull.by_human import curves_by_human
from marketalign.hull.curves import CurveConfig
from marketalign.parallel import ExecutionConfig
from marketalign.report.figure_plots import plot_improvements

COMPARISONS = (("nnls", "single"), ("nnls", "average"), ("simplex", "single"), ("simplex", "average"))
TITLE = "Many humans: every MovieLens user vs taste-community Bobs (change in held-out MSE)"


@dataclass(frozen=True)
class ManyHumansConfig:
    """The Bob family, the K_max values (one run each), orderings, folds, seed, and the users per chunk of work
    (another chunking can move numbers in their last bits; a checkpoint resumes only with its own).

    Attributes
    ----------
    family : CommunityBobs
        The taste-community Bobs, recomputed without each user (Figure 3's family: 100 Bobs, community prior).
    k_values : tuple of int
        The K_max of each run, one sweep over the users each (default 12 and 100).
    min_user_ratings : int
        Users with fewer ratings are left out (1: none; raise it for quick runs). A user also needs more
        training rows than K_max + 1 to enter a run.
    orderings : int
        Random orderings of the Bobs, shared by every user (20, fewer than the paper's 100 per figure).
    folds : int
        Cross-validation folds per user (5, as the paper's).
    seed : int
        Seeds the orderings and every user's folds.
    humans_per_task : int
        Users per chunk of work (25); another chunking can move numbers in their last bits.

    Raises
    ------
    InputError
        A K_max outside 1..``family.n_bobs`` (or none), no ordering, fewer than 2 folds, or ``humans_per_task``
        below 1.
    """

    family: CommunityBobs = field(default_factory=lambda: CommunityBobs(prior="community"))
    k_values: tuple[int, ...] = MANY_HUMANS_K
    min_user_ratings: int = MANY_HUMANS_MIN_RATINGS  # leave out lighter users (for quick runs)
    orderings: int = MANY_HUMANS_ORDERINGS
    folds: int = 5
    seed: int = 0
    humans_per_task: int = HUMANS_PER_TASK

    def __post_init__(self) -> None:
        if not self.k_values or min(self.k_values) < 1 or max(self.k_values) > self.family.n_bobs:
            raise InputError(f"k_values must be between 1 and {self.family.n_bobs} Bobs; got {self.k_values}.")
        if self.orderings < 1 or self.folds < 2:
            raise InputError(f"need orderings >= 1 and folds >= 2; got {self.orderings} and {self.folds}.")
        if self.humans_per_task < 1:
            raise InputError(f"humans_per_task must be at least 1; got {self.humans_per_task}.")


def configure(*, k_values: tuple[int, ...], orderings: int, min_ratings: int, humans_per_task: int,
              seed: int) -> ManyHumansConfig:
    """The config of ``marketalign reproduce many-humans``: the seed of the Bobs, folds and orderings."""
    return ManyHumansConfig(family=replace(ManyHumansConfig().family, seed=seed), k_values=k_values,
                            min_user_ratings=min_ratings, orderings=orderings, seed=seed,
                            humans_per_task=humans_per_task)


def run(config: ManyHumansConfig, context: RunContext) -> Outcome:
    """Score every user of the MovieLens release of ``context.data`` and run the curves per K_max; write nothing.

    ``context.execution`` says where the curves run (default: one local process per core); with a checkpoint
    folder, each K_max's sweep is saved in its subfolder ``K<k>`` and a rerun resumes it. The tables are the
    same wherever the chunks run.

    Parameters
    ----------
    config : ManyHumansConfig
        The Bobs, the K_max values and the curve protocol.
    context : RunContext
        Where the data are and where the chunks run.

    Returns
    -------
    Outcome
        ``improvements.csv``, ``quantiles.csv``, ``summary.json`` and ``improvements.png``; the headline gives
        each K_max's median changes.

    Raises
    ------
    InputError
        When no user has the ratings a K_max needs.
    """
    loaded = movielens_data(data_root(context.data))
    counts = loaded.data.rating_counts()
    alices = community_scores(loaded.data, counts.index[counts >= config.min_user_ratings], config.family)
    names = bob_names(config.family)
    execution = context.execution or ExecutionConfig()
    rows, quantiles, runs = [], [], {}
    for k_max in config.k_values:
        need = min_ratings(k_max, config.folds)
        chosen = [a for a in alices if len(a.ratings) >= need]
        if not chosen:
            raise InputError(f"no user has the {need} ratings that K_max = {k_max} needs; lower the K values.")
        curve = CurveConfig(k_max=k_max, orderings=config.orderings, folds=config.folds, seed=config.seed)
        results = curves_by_human([(a.scores, a.ratings) for a in chosen], curve,
                                  humans_per_task=config.humans_per_task,
                                  execution=_checkpoint_for(execution, f"K{k_max}"), bob_names=names,
                                  target_names=["alice"], quiet=context.quiet)
        frame = _improvements(chosen, results, k_max)
        rows.append(frame)
        quantiles.append(_quantiles(frame, k_max))
        runs[str(k_max)] = {"users": len(chosen), "left_out_too_few_ratings": len(alices) - len(chosen),
                            "min_ratings": need, "median_pct": _medians(frame),
                            "share_of_users_improved": _shares(frame)}
    improvements = pd.concat(rows, ignore_index=True)
    # the chunk size says how the work was cut, not what was measured: the protocol is the rest
    protocol = {name: value for name, value in asdict(config).items() if name != "humans_per_task"}
    summary = {
        "about": {"data": loaded.source, "alice": "each MovieLens user in turn: her own ratings",
                  "bobs": f"{len(names)} taste-community recommenders recomputed without each user's data"},
        "users": len(alices), "runs": runs, "config": protocol,
    }
    lines = [f"every user of the {loaded.source}"]  # not where it ran: the summary is the same wherever it runs
    for k, entry in runs.items():
        medians = ", ".join(f"{name} {value:+.1f}%" for name, value in entry["median_pct"].items())
        lines.append(f"  K = {k}: {entry['users']} users (median change) {medians}")
    return Outcome("many_humans", summary,
                   tables={"improvements.csv": improvements, "quantiles.csv": pd.concat(quantiles, ignore_index=True)},
                   figures={"improvements.png": lambda: plot_improvements(improvements, title=TITLE)},
                   verdict=Verdict("measured", tuple(lines)))


def _checkpoint_for(execution: ExecutionConfig, sweep: str) -> ExecutionConfig:
    """``execution`` with its checkpoint moved to the subfolder ``sweep``: one folder per sweep of a run that
    has several (a checkpoint folder holds one sweep)."""
    if execution.checkpoint is None:
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
