"""Platt scaling: a score turned into P(label = 1 | score) by a logistic fit on population rows ([OURS]).

Used where a Bob's scores must be put on Alice's 0/1 scale without her labels: the classifier Bobs are
calibrated on the population pool, and the quality check calibrates each Bob on the population split.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression


def platt_calibrate(pop_scores: np.ndarray, pop_labels: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """P(label = 1 | score) fitted by (practically unregularised) logistic regression on the population rows
    ``pop_scores``/``pop_labels``, applied to ``scores``.

    Parameters
    ----------
    pop_scores : array_like, shape (n,)
        The population rows' scores.
    pop_labels : array_like, shape (n,)
        Their 0/1 labels; both classes must occur.
    scores : array_like, shape (m,)
        The scores to calibrate.

    Returns
    -------
    numpy.ndarray, shape (m,)
        P(label = 1 | score) for each of ``scores``.
    """
    model = LogisticRegression(C=1e10, tol=1e-10, max_iter=10_000)
    model.fit(np.asarray(pop_scores, dtype=float).reshape(-1, 1), pop_labels)
    return model.predict_proba(np.asarray(scores, dtype=float).reshape(-1, 1))[:, 1]
