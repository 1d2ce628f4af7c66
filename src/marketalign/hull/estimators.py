"""A scikit-learn regressor for Alice's utility as a constrained combination of Bob scores plus an offset.

On data, Definition 1's market alignment asks how well h ≈ Σ_i w_i U_i + c with w ≥ 0 (``"nonneg"``) or w in
the simplex (``"simplex"``, the convex hull). The baselines of docs/theory.md §1.3 are available as constraints too:
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
from marketalign.hull.scaling import to_unit_range
from marketalign.hull.solvers import solve_gram, solve_grams

CONTRIBUTION_THRESHOLD = 1e-3  # a Bob carries weight when w_i sd(U_i) / sd(h) exceeds this (docs/theory.md, G2)


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
        Indices of the Bobs that carry weight: contribution w_i sd(U_i) / sd(y) above 1e-3, whatever the units
        (docs/theory.md §1.8, Definition G2).
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
        """Fit the weights and offset exactly (KKT conditions to 1e-9 relative for simplex and nonneg).

        The fit runs on X and y rescaled exactly by one power of two, so weights do not depend on the units
        X and y share; the intercept and MSE come back in the original units.

        Raises
        ------
        InputError
            An unknown constraint, or a column too small to represent next to the others.
        """
        if self.constraint not in FIT_CONSTRAINTS:
            raise InputError(f"constraint must be one of {FIT_CONSTRAINTS}; got {self.constraint!r}.")
        X, y = validate_data(self, X, y, y_numeric=True, dtype=np.float64)
        X, y, exponent = to_unit_range(X, y[:, None])
        y = y[:, 0]
        x_mean, y_mean = X.mean(axis=0), y.mean()
        xc, yc = X - x_mean, y - y_mean
        gram, rhs, sq = xc.T @ xc, xc.T @ yc, float(yc @ yc)
        self.coef_ = constrained_weights(self.constraint, gram, rhs, sq)
        self.intercept_ = float(np.ldexp(y_mean - x_mean @ self.coef_, exponent))
        self.used_ = np.flatnonzero(contributions(self.coef_, gram, sq) > CONTRIBUTION_THRESHOLD)
        self.training_mse_ = float(np.ldexp(np.mean((yc - xc @ self.coef_) ** 2), 2 * exponent))
        return self

    def predict(self, X):
        """Σ_i w_i U_i + c for each row of X."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X @ self.coef_ + self.intercept_


def constrained_weights(constraint: str, gram: np.ndarray, rhs: np.ndarray, sq: float) -> np.ndarray:
    """Weights for one constraint, from centred statistics G = X'X, b = X'y, q = y'y (docs/theory.md §1.3).

    Parameters
    ----------
    constraint : {"simplex", "nonneg", "single", "single_scaled", "average"}
        The exact simplex or NNLS minimiser; the best single Bob with weight 1 (least Σ(y − x_i)²); equal
        weights 1/K; ``"single_scaled"``: the Bob whose fitted scale max(b_i, 0)/G_ii leaves the least error
        (scale 0 for a constant Bob). Ties go to the lowest index.
    gram : numpy.ndarray, shape (K, K)
        G of the centred scores.
    rhs : numpy.ndarray, shape (K,)
        b of the centred scores and target.
    sq : float
        q, the centred target's sum of squares.

    Returns
    -------
    numpy.ndarray, shape (K,)
        The weights w (the offset is not part of them; it follows from the means).

    Raises
    ------
    InputError
        An unknown ``constraint``; for ``"simplex"`` and ``"nonneg"``: a G or b of bad shape or with non-finite
        values (from :func:`marketalign.hull.solvers.solve_gram`).
    SolverError
        For ``"simplex"`` and ``"nonneg"``: the active-set solver failed.
    """
    k = len(rhs)
    if constraint in ("simplex", "nonneg"):
        return solve_gram(gram, rhs, constraint)
    if constraint not in FIT_CONSTRAINTS:
        raise InputError(f"constraint must be one of {', '.join(FIT_CONSTRAINTS)}; got {constraint!r}.")
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


def constrained_weights_many(constraint: str, grams: np.ndarray, rhs: np.ndarray, sqs: np.ndarray) -> np.ndarray:
    """:func:`constrained_weights` for a stack of problems (P, K, K), (P, K), (P,): one batched exact solve for
    ``simplex`` and ``nonneg`` (the same weights, problem by problem), a loop otherwise."""
    if constraint in ("simplex", "nonneg"):
        return solve_grams(grams, rhs, constraint)
    return np.stack([constrained_weights(constraint, g, b, float(q)) for g, b, q in zip(grams, rhs, sqs, strict=True)])


def contributions(weights: np.ndarray, gram: np.ndarray, h_sq: float) -> np.ndarray:
    """w_i sd(U_i) / sd(h) from the centred Gram matrix and Alice's centred sum of squares (0 if h is constant).

    Each Bob's weight in units of Alice's spread (docs/theory.md §1.8, Definition G2); a Bob carries weight when
    it exceeds ``CONTRIBUTION_THRESHOLD`` (1e-3).

    Parameters
    ----------
    weights : numpy.ndarray, shape (K,)
        The fitted weights w.
    gram : numpy.ndarray, shape (K, K)
        Centred Gram matrix of the scores over the same rows (only its diagonal is used; negative rounding
        is clipped to 0).
    h_sq : float
        Alice's centred sum of squares over those rows.

    Returns
    -------
    numpy.ndarray, shape (K,)
        The contribution of each Bob; all 0 when ``h_sq`` is not positive.
    """
    if not h_sq > 0:
        return np.zeros(len(weights))
    return weights * np.sqrt(np.clip(np.diag(gram), 0.0, None) / h_sq)
