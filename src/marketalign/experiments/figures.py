"""What the paper's data figures share: the honest comparison with the paper and a curve figure's outputs.

Where the data come from is :mod:`marketalign.data.sources`; every output says which data were used.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from marketalign.bobs.quality import summarise_quality
from marketalign.experiments.protocol import Outcome
from marketalign.hull.curves import CurveResult
from marketalign.hull.market_weights import market_weights
from marketalign.report.curves import curve_outcome, headline
from marketalign.report.outputs import parquet_bytes

SCORES_FILE = "scores.parquet"
SCORES_TARGET = "alice"
PAPER_EFFECT = (
    "paper [SEED]: weighted combinations (NNLS, simplex) beat the best single Bob and the average, error "
    "dropping by 50-70% at K = 100, on the paper's synthetically generated LLM Bobs"
)


def min_ratings(k_max: int, folds: int) -> int:
    """Fewest rows whose smallest training set has more rows than K_max + 1 (Bobs plus the offset)."""
    return math.ceil((k_max + 2) * folds / (folds - 1)) + 1


def effect_at_kmax(table: pd.DataFrame, k: int) -> dict:
    """MSE per method at K and the relative change (%) of NNLS / simplex vs each baseline."""
    rows = table[table["K"] == k]
    mse = dict(zip(rows["method"], rows["mse_mean"], strict=True))
    effect = {"K": k, "mse": mse}
    for method in ("nnls", "simplex"):
        for baseline in ("single", "average", "constant", "single_scaled"):
            if method in mse and baseline in mse and mse[baseline] > 0:
                effect[f"{method}_vs_{baseline}_pct"] = 100.0 * (mse[method] - mse[baseline]) / mse[baseline]
    return effect


def paper_comparison(effect: dict, quality: dict) -> dict:
    """Our effect beside the paper's, and why it differs, in measured numbers."""
    pct = {k: effect.get(k, float("nan")) for k in ("nnls_vs_single_pct", "nnls_vs_average_pct",
                                                     "simplex_vs_single_pct", "nnls_vs_constant_pct")}
    best = min(pct["nnls_vs_single_pct"], pct["simplex_vs_single_pct"])
    reproduced = bool(np.isfinite(best) and best <= -50.0)
    kind = "auc" if "auc" in quality else "pearson"
    signal = quality.get(kind, {})
    alike = quality.get("corr_with_other_bobs", {}).get("median", float("nan"))
    mse = effect["mse"]
    constant = mse.get("constant", np.nan)
    single_explains = 100.0 * (1 - mse.get("single", np.nan) / constant) if constant > 0 else np.nan
    needed = 100.0 - 0.5 * (100.0 - single_explains)  # NNLS at half the best single's error
    why = (
        f"At K = {effect['K']} NNLS is {pct['nnls_vs_single_pct']:+.1f}% vs the best single Bob and "
        f"{pct['nnls_vs_average_pct']:+.1f}% vs the average (simplex {pct['simplex_vs_single_pct']:+.1f}% vs "
        f"the best single). Per-Bob {kind.upper() if kind == 'auc' else 'correlation'} with Alice: median "
        f"{signal.get('median', float('nan')):.3f}, best {signal.get('max', float('nan')):.3f}; median "
        f"correlation between Bobs {alike:.2f}. The best single Bob removes {single_explains:.1f}% of the "
        f"constant predictor's error and NNLS {-pct['nnls_vs_constant_pct']:.1f}%; a 50% drop below the best "
        f"single Bob would need NNLS to remove {needed:.1f}%. Together these Bobs hold too little "
        "information about Alice beyond what the best of them has, so the paper's size is out of reach here."
    )
    return {"paper": PAPER_EFFECT, "reproduced_50_70_pct": reproduced,
            "ours": {k: v for k, v in effect.items() if k != "mse"}, "why": None if reproduced else why}


@dataclass(frozen=True)
class Computed:
    """A curve figure's result before it is written: the curves, what the outputs say about them (``about``),
    the per-Bob quality table (:func:`marketalign.bobs.quality.bob_agreement`) and the scores behind the curves
    (one row per instance: ``alice``, then one column per Bob, the ``marketalign curve`` input layout)."""

    result: CurveResult
    about: dict
    quality: pd.DataFrame
    scores: pd.DataFrame


def scores_table(alice: np.ndarray, scores: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Alice's utility and the Bobs' scores as one table in the ``marketalign curve`` input layout."""
    return pd.concat([pd.DataFrame({SCORES_TARGET: alice}), pd.DataFrame(scores, columns=names)], axis=1)


def figure_outcome(name: str, computed: Computed, *, title: str, intro: str,
                   notes: Sequence[str] = ()) -> Outcome:
    """A curve figure's outputs: the curve outputs (:func:`marketalign.report.curves.curve_outcome`) plus
    ``bob_quality.csv``, the scores behind the curves (``scores.parquet``, its SHA-256 in the summary), the
    weights on all Bobs and the paper comparison.

    Parameters
    ----------
    name : str
        The experiment's name.
    computed : Computed
        The curves, what they are about, the per-Bob quality and the scores.
    title : str
        The figures' title.
    intro : str
        The headline's first line: what ran on which data.
    notes : sequence of str
        Lines printed after the curve headline, before the comparison with the paper.

    Returns
    -------
    Outcome
        Status ``measured``; its lines are ``intro``, the curve headline, ``notes`` and, when the paper's effect
        is not reproduced, why.
    """
    result, quality = computed.result, summarise_quality(computed.quality)
    comparison = paper_comparison(effect_at_kmax(result.table, result.config.k_max), quality)
    config = result.config
    scores = {
        "file": SCORES_FILE,
        "sha256": hashlib.sha256(parquet_bytes(computed.scores)).hexdigest(),
        "rows": len(computed.scores),
        "same_curves": f"marketalign curve {SCORES_FILE} --target {SCORES_TARGET} --out DIR --kmax {config.k_max} "
        f"--orderings {config.orderings} --folds {config.folds} --seed {config.seed}",
    }
    names = [c for c in computed.scores.columns if c != SCORES_TARGET]
    weights = market_weights(computed.scores[names].to_numpy(dtype=float),
                             computed.scores[SCORES_TARGET].to_numpy(dtype=float), names)
    about = {**computed.about, "bob_quality": quality, "comparison_with_paper": comparison, "scores": scores,
             "weights_all_bobs": weights}
    why = [f"vs the paper: {comparison['why']}"] if comparison["why"] else []
    outcome = curve_outcome(name, result, title=title, about=about, lines=[intro, *headline(result), *notes, *why])
    return replace(outcome, tables={**outcome.tables, SCORES_FILE: computed.scores,
                                    "bob_quality.csv": computed.quality})
