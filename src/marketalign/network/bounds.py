"""The depth bounds of docs/theory.md §2.3–2.4 as functions, for checks and for drawing.

Both constants are ours ([OURS]): the paper's seeds state only the rates (O(M/√D) on M-covered paths, and a
1/(D+1)-type lower bound for DAGs of depth D < d).
"""

from __future__ import annotations

import numpy as np

from marketalign.network.linear import LinearLearner, fit_all_features
from marketalign.network.moments import Moments


def covered_path_bound(moments: Moments, window: int, depth: np.ndarray | int) -> np.ndarray:
    """Upper bound on the excess error of the last agent of an M-covered path of depth D (our derivation):
    √2 · M · ‖w*‖₁ · B_X · ‖Y‖ / √D, with w* the best linear predictor on all features, B_X² = max_l E[x_l²]
    and ‖Y‖² = E[Y²]."""
    slopes = fit_all_features(moments, LinearLearner())[1:]
    second = np.diag(moments.cov) + moments.mean**2
    b_x, y_norm = np.sqrt(second[:-1].max()), np.sqrt(second[-1])
    depth = np.asarray(depth, dtype=float)
    return np.sqrt(2.0) * window * np.abs(slopes).sum() * b_x * y_norm / np.sqrt(depth)


def depth_lower_bound(depth: np.ndarray | int) -> np.ndarray:
    """Excess error that no agent of depth D < d can beat on the chain-difference distribution: 1/(D+1)."""
    return 1.0 / (np.asarray(depth, dtype=float) + 1.0)
