"""What a fit tells about the market: the coefficient budget Σw, the effective number of Bobs (Σw)² / Σw², and
the Bobs that carry weight, for NNLS and simplex fitted on every row (docs/theory.md §1.8, Definition G2)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from marketalign.hull.fit import fit_with_cv

CONSTRAINTS = {"nnls": "nonneg", "simplex": "simplex"}


def market_weights(scores: np.ndarray, target: np.ndarray, bob_names: Sequence[str], *, top: int = 10) -> dict:
    """Per method (``nnls``, ``simplex``): Σw, the effective number of Bobs, how many carry weight and the
    ``top`` of them with their weights (largest contribution first).

    Each method is one :func:`marketalign.hull.fit.fit_with_cv` fit on all rows (its 2-fold held-out errors are
    not used); a Bob carries weight when its contribution exceeds 1e-3 (docs/theory.md §1.8, Definition G2).

    Parameters
    ----------
    scores : numpy.ndarray, shape (N, K)
        One column per Bob.
    target : numpy.ndarray, shape (N,)
        Alice's utility h.
    bob_names : sequence of str
        One name per Bob.
    top : int
        How many of the Bobs carrying weight to list.

    Returns
    -------
    dict
        ``{"nnls": ..., "simplex": ...}``, each ``{"weight_sum": Σw, "effective_bobs": (Σw)²/Σw²,
        "bobs_carrying_weight": int, "top": {name: weight}}``.

    Raises
    ------
    InputError
        On arrays :func:`marketalign.hull.fit.fit_with_cv` refuses (shapes, names, non-finite values, fewer than
        2 rows, a column too small to represent next to the others).
    SolverError
        The active-set solver failed.
    """
    found = {}
    for method, constraint in CONSTRAINTS.items():
        report = fit_with_cv(scores, target, constraint, bob_names=bob_names, folds=2)
        contributions = report.contributions or {}
        carrying = sorted(report.used, key=lambda name: -contributions[name])
        found[method] = {
            "weight_sum": report.weight_sum,
            "effective_bobs": report.effective_bobs,
            "bobs_carrying_weight": len(carrying),
            "top": {name: report.weights[name] for name in carrying[:top]},
        }
    return found
