"""How good is each Bob on its own? Per-Bob agreement with a target, and the scale check.

The one implementation of per-Bob quality, used by ``marketalign bobs quality`` and by every figure's
``bob_quality.csv``. Rank agreement (AUC for a binary target, Spearman) does not depend on the scale of a
Bob's scores. Squared error does: a Bob whose scores are not on the target's scale can look worse than a
constant even when it ranks well, and a weighted combination then "wins" only by rescaling. So squared error
is reported three ways on Alice's rows: raw scores, scores Platt-calibrated on the *population* rows (a
disjoint, seeded split; never on Alice's rows), and the constant population mean. This protocol is ours.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import roc_auc_score

from marketalign.bobs.calibration import platt_calibrate
from marketalign.errors import InputError
from marketalign.seeding import stream

AGREEMENT_COLUMNS: tuple[str, ...] = ("bob", "n", "missing", "mean", "std", "auc", "pearson", "spearman",
                                      "corr_with_other_bobs")
QUALITY_COLUMNS: tuple[str, ...] = (*AGREEMENT_COLUMNS, "mse_raw", "mse_calibrated", "mse_constant")
_SUMMARISED = ("auc", "pearson", "spearman", "corr_with_other_bobs", "mse_raw", "mse_calibrated", "mse_constant")


def split_population(n: int, population_fraction: float, seed: int) -> np.ndarray:
    """Boolean mask of the population rows (a seeded random subset); the rest are Alice's rows."""
    if not 0 < population_fraction < 1:
        raise InputError(f"population fraction must be strictly between 0 and 1; got {population_fraction}.")
    rng = stream(seed)
    mask = np.zeros(n, dtype=bool)
    mask[rng.permutation(n)[: int(round(population_fraction * n))]] = True
    return mask


def bob_agreement(scores: np.ndarray, target: np.ndarray, names: Sequence[str]) -> pd.DataFrame:
    """One row per Bob (columns ``AGREEMENT_COLUMNS``): rows with a score and a target (``n``), labelled rows
    without a score (``missing``), the score's mean and std, AUC (0/1 target only), Pearson and Spearman
    correlation with the target, and the Bob's mean correlation with the other Bobs (how alike the market is).

    NaN scores or targets leave those rows out of that Bob's numbers; a constant Bob has NaN correlations.

    Parameters
    ----------
    scores : array_like, shape (N, K)
        The Bobs' scores, NaN where missing.
    target : array_like, shape (N,)
        Alice's utility, NaN where unlabelled.
    names : sequence of str
        The K Bobs' names, for the ``bob`` column.

    Returns
    -------
    pandas.DataFrame
        K rows, columns ``AGREEMENT_COLUMNS``.

    Raises
    ------
    InputError
        When the shapes are not (N, K), (N,) and K names.
    """
    scores = np.asarray(scores, dtype=float)
    y = np.asarray(target, dtype=float)
    if scores.ndim != 2 or y.shape != (scores.shape[0],) or len(names) != scores.shape[1]:
        raise InputError(f"need scores (N, K), a target (N,) and K names; got {scores.shape}, {y.shape} and "
                         f"{len(names)} names.")
    labelled = np.isfinite(y)
    binary = set(np.unique(y[labelled])) <= {0.0, 1.0}
    alike = mean_correlation_with_others(scores)
    rows = []
    for j, name in enumerate(names):
        s = scores[:, j]
        ok = labelled & np.isfinite(s)
        varied = ok.sum() > 2 and np.ptp(s[ok]) > 0 and np.ptp(y[ok]) > 0
        rows.append({
            "bob": name, "n": int(ok.sum()), "missing": int((labelled & ~np.isfinite(s)).sum()),
            "mean": float(np.mean(s[ok])) if ok.any() else np.nan,
            "std": float(np.std(s[ok])) if ok.any() else np.nan,
            "auc": float(roc_auc_score(y[ok], s[ok])) if binary and len(np.unique(y[ok])) == 2 else np.nan,
            "pearson": float(pearsonr(s[ok], y[ok])[0]) if varied else np.nan,
            "spearman": float(spearmanr(s[ok], y[ok])[0]) if varied else np.nan,
            "corr_with_other_bobs": float(alike[j]),
        })
    return pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))


def mean_correlation_with_others(scores: np.ndarray) -> np.ndarray:
    """Per Bob, the mean Pearson correlation with every other non-constant Bob (pairwise complete rows);
    NaN for a constant Bob or when no other Bob varies."""
    between = pd.DataFrame(scores).corr().to_numpy(copy=True)
    np.fill_diagonal(between, np.nan)
    others = np.isfinite(between).sum(axis=1)
    with np.errstate(invalid="ignore"):
        return np.where(others > 0, np.nansum(between, axis=1) / np.maximum(others, 1), np.nan)


def bob_quality(table: pd.DataFrame, target: str, bobs: list[str], *, population_fraction: float = 0.5,
                seed: int = 0) -> pd.DataFrame:
    """:func:`bob_agreement` on every row of ``table``, plus the scale check on Alice's rows (``mse_raw``,
    ``mse_calibrated``, ``mse_constant``; see the module docstring).

    AUC and calibration need a 0/1 target; for other targets those columns are NaN and the squared errors
    compare raw scores with the constant only.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per instance; non-numeric cells of the target and Bob columns count as missing.
    target : str
        The column of Alice's utility.
    bobs : list of str
        The Bobs' columns, at least one.
    population_fraction : float
        Share of the rows, in (0, 1), drawn as the population split; the rest are Alice's rows.
    seed : int
        Seed of the population split.

    Returns
    -------
    pandas.DataFrame
        One row per Bob, columns ``QUALITY_COLUMNS``.

    Raises
    ------
    InputError
        When the target or a Bob column is missing, no Bob is given, the target has fewer than 4 numeric
        values, or ``population_fraction`` is not in (0, 1).
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
    scores = np.column_stack([pd.to_numeric(table[bob], errors="coerce").to_numpy(dtype=float) for bob in bobs])
    quality = bob_agreement(scores, y, bobs)
    binary = set(np.unique(y[labelled])) <= {0.0, 1.0}
    population = split_population(len(y), population_fraction, seed)
    checks = []
    for s in scores.T:
        ok = labelled & np.isfinite(s)
        pop, alice = ok & population, ok & ~population
        calibratable = binary and alice.any() and len(np.unique(y[pop])) == 2
        checks.append({
            "mse_raw": float(np.mean((s[alice] - y[alice]) ** 2)) if alice.any() else np.nan,
            "mse_calibrated": float(np.mean((platt_calibrate(s[pop], y[pop], s[alice]) - y[alice]) ** 2))
            if calibratable else np.nan,
            "mse_constant": float(np.mean((y[pop].mean() - y[alice]) ** 2)) if alice.any() and pop.any() else np.nan,
        })
    return pd.concat([quality, pd.DataFrame(checks, index=quality.index)], axis=1)[list(QUALITY_COLUMNS)]


def summarise_quality(quality: pd.DataFrame) -> dict:
    """Median / min / max of each quality column present, and how many Bobs beat the constant (raw, calibrated)
    when the scale check was made."""
    summary: dict = {"bobs": len(quality)}
    for column in _SUMMARISED:
        values = quality[column].dropna() if column in quality else ()
        if len(values):
            summary[column] = {"median": float(values.median()), "min": float(values.min()),
                               "max": float(values.max())}
    for kind in ("raw", "calibrated"):
        if f"mse_{kind}" in quality:
            both = quality[[f"mse_{kind}", "mse_constant"]].dropna()
            summary[f"beat_constant_{kind}"] = int((both[f"mse_{kind}"] < both["mse_constant"]).sum())
    return summary
