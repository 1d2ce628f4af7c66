"""A scikit-learn regressor for Alice's utility as a constrained combination of Bob scores plus an offset.

On data, Definition 1's market alignment asks how well h ≈ Σ_i w_i U_i + c with w ≥ 0 (``"nonneg"``) or w in
the simplex (``"simplex"``, the convex hull). The baselines of THEORY.md 1.3 are available as constraints too:
``"single"`` (the best single Bob, weight 1), ``"single_scaled"`` (best single Bob with a fitted scale ≥ 0) and
``"average"`` (equal weights). Every variant fits a free offset; the fits are exact (see
:mod:`marketalign.hull.solvers`).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from marketalign.errors import InputError
from marketalign.hull.constraints import FIT_CONSTRAINTS
from marketalign.hull.solvers import solve_gram

WEIGHT_THRESHOLD = 1e-6


class MarketAlignmentRegressor(RegressorMixin, BaseEstimator):
    """Fit h ≈ Σ_i w_i U_i + c over Bob scores U (columns of X) under a weight constraint.

    Parameters
    ----------
    constraint : {"simplex", "nonneg", "single", "single_scaled", "average"}, default="simplex"
        The set the weights live in: the simplex (convex hull), the non-negative cone (market alignment), one
        Bob with weight 1, one Bob with a fitted scale ≥ 0, or equal weights 1/K.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The weights w.
    intercept_ : float
        The offset c.
    used_ : ndarray of int
        Indices of the Bobs with weight above 1e-6.
    training_mse_ : float
        Mean squared error on the training data.
    """

    def __init__(self, constraint: str = "simplex"):
        self.constraint = constraint

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = self.constraint == "average"  # equal weights: nothing is fitted but c
        return tags

    def fit(self, X, y):
        """Fit the weights and offset exactly (KKT conditions to 1e-9 relative for simplex and nonneg)."""
        if self.constraint not in FIT_CONSTRAINTS:
            raise InputError(f"constraint must be one of {FIT_CONSTRAINTS}; got {self.constraint!r}.")
        X, y = validate_data(self, X, y, y_numeric=True, dtype=np.float64)
        x_mean, y_mean = X.mean(axis=0), y.mean()
        xc, yc = X - x_mean, y - y_mean
        gram, rhs = xc.T @ xc, xc.T @ yc
        self.coef_ = constrained_weights(self.constraint, gram, rhs, float(yc @ yc))
        self.intercept_ = float(y_mean - x_mean @ self.coef_)
        self.used_ = np.flatnonzero(self.coef_ > WEIGHT_THRESHOLD)
        self.training_mse_ = float(np.mean((yc - xc @ self.coef_) ** 2))
        return self

    def predict(self, X):
        """Σ_i w_i U_i + c for each row of X."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X @ self.coef_ + self.intercept_


def constrained_weights(constraint: str, gram: np.ndarray, rhs: np.ndarray, sq: float) -> np.ndarray:
    """Weights for one constraint, from centred statistics G = X'X, b = X'y, q = y'y."""
    k = len(rhs)
    if constraint in ("simplex", "nonneg"):
        return solve_gram(gram, rhs, constraint)
    if constraint == "average":
        return np.full(k, 1.0 / k)
    diag = np.diag(gram)
    if constraint == "single":
        errors = sq - 2.0 * rhs + diag
        scale = np.ones(k)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(diag > 0, np.maximum(rhs, 0.0) / diag, 0.0)
        errors = sq - scale * rhs
    best = int(np.argmin(errors))
    weights = np.zeros(k)
    weights[best] = scale[best]
    return weights
