"""What the paper's data figures share: where the data come from, writing a curve figure, the honest comparison.

Data: ``--data PATH`` (or ``$MARKETALIGN_SHARED_DATA``, else ``../shared/data`` from the working directory)
holding ``ethics/``, ``movielens/ml-latest-small/`` and ``opinionqa/human_resp/`` as in the project's data
README. A domain whose folder is missing falls back to the embedded subset, and every output says which was
used. OpinionQA is never embedded.
"""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from marketalign.bobs.quality import summarise_quality
from marketalign.data.embedded import load_embedded_ethics, load_embedded_movielens
from marketalign.data.ethics import load_ethics
from marketalign.data.movielens import load_movielens
from marketalign.errors import InputError
from marketalign.experiments.defaults import DATA_ENV, EMBEDDED
from marketalign.hull.curves import CurveResult
from marketalign.report.curves import write_curve_outputs
from marketalign.report.outputs import write_table

DEFAULT_DATA = Path("..") / "shared" / "data"
SCORES_FILE = "scores.parquet"
SCORES_TARGET = "alice"
PAPER_EFFECT = (
    "paper [SEED]: weighted combinations (NNLS, simplex) beat the best single Bob and the average, error "
    "dropping by 50-70% at K = 100, on the paper's synthetically generated LLM Bobs"
)
MOVIELENS_RELEASES = ("ml-latest-small", "ml-latest", "ml-25m", "ml-20m", "ml-1m", "ml-100k")


def data_root(path: str | Path | None) -> Path | None:
    """The folder of the full data sets: ``path``, else $MARKETALIGN_SHARED_DATA, else ../shared/data if any.

    ``path == "embedded"`` means the package's embedded subsets, whatever is on disk (None).
    """
    if path is not None and str(path) == EMBEDDED:
        return None
    if path is not None:
        root = Path(path)
        if not root.is_dir():
            raise InputError(f"--data {root}: no such folder; pass the folder that holds ethics/, movielens/ ...")
        return root.resolve()
    candidate = Path(os.environ.get(DATA_ENV, DEFAULT_DATA))
    return candidate.resolve() if candidate.is_dir() else None


@dataclass(frozen=True)
class Loaded:
    """A loaded data set and a sentence saying where it came from (written into every summary)."""

    data: object
    source: str
    full: bool


def ethics_data(root: Path | None) -> Loaded:
    """ETHICS from ``root/ethics`` when present, else the embedded subset."""
    if root is not None and (root / "ethics").is_dir():
        return Loaded(load_ethics(root / "ethics"), f"full ETHICS data at {root / 'ethics'}", True)
    return Loaded(load_embedded_ethics(), "embedded ETHICS subset (commonsense short items, subset samples)", False)


def movielens_data(root: Path | None) -> Loaded:
    """MovieLens from the first release folder under ``root/movielens``, else the embedded latest-small."""
    if root is not None:
        for name in MOVIELENS_RELEASES:
            folder = root / "movielens" / name
            if folder.is_dir():
                return Loaded(load_movielens(folder), f"full MovieLens data at {folder}", True)
    return Loaded(load_embedded_movielens(), "embedded MovieLens latest-small (a copy of the full release)", False)


def opinionqa_folder(root: Path | None) -> Path | None:
    """``root/opinionqa/human_resp`` when present (OpinionQA is never embedded)."""
    if root is None:
        return None
    folder = root / "opinionqa" / "human_resp"
    return folder if folder.is_dir() else None


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


def write_figure(computed: Computed, out: str | Path, *, title: str) -> dict:
    """Curve outputs (table, summary.json, plots) plus ``bob_quality.csv``, the scores behind the curves
    (``scores.parquet``, its SHA-256 in the summary) and the paper comparison (returned)."""
    result, quality = computed.result, summarise_quality(computed.quality)
    comparison = paper_comparison(effect_at_kmax(result.table, result.config.k_max), quality)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    computed.scores.to_parquet(out / SCORES_FILE, index=False)
    config = result.config
    scores = {
        "file": SCORES_FILE,
        "sha256": hashlib.sha256((out / SCORES_FILE).read_bytes()).hexdigest(),
        "rows": len(computed.scores),
        "same_curves": f"marketalign curve {SCORES_FILE} --target {SCORES_TARGET} --out DIR --kmax {config.k_max} "
        f"--orderings {config.orderings} --folds {config.folds} --seed {config.seed}",
    }
    about = {**computed.about, "bob_quality": quality, "comparison_with_paper": comparison, "scores": scores}
    write_curve_outputs(result, out, title=title, about=about)
    write_table(computed.quality, out / "bob_quality.csv")
    return comparison
