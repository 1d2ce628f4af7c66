"""How good is each Bob on its own? Per-Bob agreement with a target, and the scale check.

Rank agreement (AUC for a binary target, Spearman) does not depend on the scale of a Bob's scores. Squared
error does: a Bob whose scores are not on the target's scale can look worse than a constant even when it
ranks well, and a weighted combination then "wins" only by rescaling. So squared error is reported three
ways on Alice's rows: raw scores, scores Platt-calibrated on the *population* rows (a disjoint, seeded
split; never on Alice's rows), and the constant population mean. This protocol is ours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import pearsonr, spearmanr
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from marketalign.errors import InputError

QUALITY_COLUMNS: tuple[str, ...] = ("bob", "n", "missing", "mean", "std", "auc", "pearson", "spearman",
                                    "mse_raw", "mse_calibrated", "mse_constant")


def split_population(n: int, population_fraction: float, seed: int) -> np.ndarray:
    """Boolean mask of the population rows (a seeded random subset); the rest are Alice's rows."""
    if not 0 < population_fraction < 1:
        raise InputError(f"population fraction must be strictly between 0 and 1; got {population_fraction}.")
    rng = np.random.default_rng(seed)
    mask = np.zeros(n, dtype=bool)
    mask[rng.permutation(n)[: int(round(population_fraction * n))]] = True
    return mask


def platt_calibrate(pop_scores: np.ndarray, pop_labels: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """P(label = 1 | score) fitted by logistic regression on the population rows, applied to ``scores``."""
    model = LogisticRegression(C=1e10, tol=1e-10, max_iter=10_000)
    model.fit(pop_scores.reshape(-1, 1), pop_labels)
    return model.predict_proba(scores.reshape(-1, 1))[:, 1]


def bob_quality(table: pd.DataFrame, target: str, bobs: list[str], *, population_fraction: float = 0.5,
                seed: int = 0) -> pd.DataFrame:
    """One row per Bob: coverage, spread, rank and linear agreement with ``target``, and the scale check.

    AUC and calibration need a 0/1 target; for other targets those columns are NaN and the squared errors
    compare raw scores with the constant only.
    """
    if target not in table.columns:
        raise InputError(f"The table has no target column {target!r}; columns are {list(table.columns)}.")
    missing_bobs = [b for b in bobs if b not in table.columns]
    if not bobs or missing_bobs:
        raise InputError(f"Bob columns {missing_bobs or bobs} are not in the table.")
    y = pd.to_numeric(table[target], errors="coerce").to_numpy(dtype=float)
    labelled = np.isfinite(y)
    if labelled.sum() < 4:
        raise InputError(f"Target column {target!r} has fewer than 4 numeric values.")
    binary = set(np.unique(y[labelled])) <= {0.0, 1.0}
    population = split_population(len(y), population_fraction, seed)
    rows = []
    for bob in bobs:
        s = pd.to_numeric(table[bob], errors="coerce").to_numpy(dtype=float)
        ok = labelled & np.isfinite(s)
        pop, alice = ok & population, ok & ~population
        row = {"bob": bob, "n": int(ok.sum()), "missing": int((labelled & ~np.isfinite(s)).sum()),
               "mean": float(np.mean(s[ok])) if ok.any() else np.nan,
               "std": float(np.std(s[ok])) if ok.any() else np.nan}
        varied = ok.sum() > 2 and np.ptp(s[ok]) > 0 and np.ptp(y[ok]) > 0
        two_classes = binary and len(np.unique(y[ok])) == 2
        row["auc"] = float(roc_auc_score(y[ok], s[ok])) if two_classes else np.nan
        row["pearson"] = float(pearsonr(s[ok], y[ok])[0]) if varied else np.nan
        row["spearman"] = float(spearmanr(s[ok], y[ok])[0]) if varied else np.nan
        row["mse_raw"] = float(np.mean((s[alice] - y[alice]) ** 2)) if alice.any() else np.nan
        row["mse_constant"] = float(np.mean((y[pop].mean() - y[alice]) ** 2)) if alice.any() and pop.any() \
            else np.nan
        calibratable = binary and alice.any() and len(np.unique(y[pop])) == 2
        row["mse_calibrated"] = float(np.mean((platt_calibrate(s[pop], y[pop], s[alice]) - y[alice]) ** 2)) \
            if calibratable else np.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=list(QUALITY_COLUMNS))


def summarise_quality(quality: pd.DataFrame) -> dict:
    """Median / min / max of each agreement column, and how many Bobs beat the constant (raw, calibrated)."""
    summary: dict = {"bobs": len(quality)}
    for column in ("auc", "pearson", "spearman", "mse_raw", "mse_calibrated", "mse_constant"):
        values = quality[column].dropna()
        if len(values):
            summary[column] = {"median": float(values.median()), "min": float(values.min()),
                               "max": float(values.max())}
    for kind in ("raw", "calibrated"):
        both = quality[[f"mse_{kind}", "mse_constant"]].dropna()
        summary[f"beat_constant_{kind}"] = int((both[f"mse_{kind}"] < both["mse_constant"]).sum())
    return summary
