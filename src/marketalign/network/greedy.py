"""A greedy, boosting-like learner for general hypothesis classes (THEORY.md Part 2, [OURS] protocol).

The learner starts from least squares on all its inputs (own features and parents' predictions), then keeps
adding the function of its class (``base_estimator`` fitted to the current residual) that most reduces the
squared error, refitting every combination weight after each addition. It stops when no function found reduces
the MSE by more than ``tol`` · Var(y). Its residual is then orthogonal to its inputs (so to its parents'
predictions), to its own prediction, and, up to ``tol``, to every function its class finds.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.tree import DecisionTreeRegressor
from sklearn.utils.validation import check_is_fitted, validate_data


def _least_squares(columns: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(columns, y, rcond=None)[0]


class GreedyResidualRegressor(RegressorMixin, BaseEstimator):
    """Least squares on all inputs plus greedily added, re-weighted functions of ``base_estimator``'s class.

    Parameters: ``base_estimator`` (default a depth-3 regression tree), ``n_rounds`` (most functions added),
    ``tol`` (stop when the best new function's MSE reduction is below ``tol`` · Var(y)), ``random_state``
    (given to the base estimator when it takes one). Learned: ``estimators_``, ``coef_`` (over 1, inputs, the
    added functions), ``last_gain_`` (the last candidate's relative MSE reduction: the residual's remaining
    correlation with the class).
    """

    def __init__(self, base_estimator=None, n_rounds: int = 50, tol: float = 1e-3, random_state=None):
        self.base_estimator = base_estimator
        self.n_rounds = n_rounds
        self.tol = tol
        self.random_state = random_state

    def _base(self):
        base = self.base_estimator if self.base_estimator is not None else DecisionTreeRegressor(max_depth=3)
        base = clone(base)
        if "random_state" in base.get_params(deep=False):
            base.set_params(random_state=self.random_state)
        return base

    def fit(self, X, y):
        X, y = validate_data(self, X, y, y_numeric=True)
        if not (isinstance(self.n_rounds, (int, np.integer)) and self.n_rounds >= 0):
            raise ValueError(f"n_rounds must be an integer >= 0; got {self.n_rounds!r}.")
        if not self.tol >= 0:
            raise ValueError(f"tol must be >= 0; got {self.tol!r}.")
        y = np.asarray(y, dtype=float)
        columns = np.column_stack([np.ones(X.shape[0]), X])
        coef = _least_squares(columns, y)
        scale = max(float(np.var(y)), np.finfo(float).tiny)
        self.estimators_ = []
        self.last_gain_ = 0.0
        for _ in range(self.n_rounds):
            residual = y - columns @ coef
            candidate = self._base().fit(X, residual)
            values = candidate.predict(X)
            energy = float(values @ values)
            self.last_gain_ = (float(residual @ values) ** 2 / energy / len(y) / scale) if energy > 0 else 0.0
            if self.last_gain_ <= self.tol:
                break
            self.estimators_.append(candidate)
            columns = np.column_stack([columns, values])
            coef = _least_squares(columns, y)
        self.coef_ = coef
        return self

    def predict(self, X):
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False)
        columns = [np.ones(X.shape[0]), X] + [est.predict(X) for est in self.estimators_]
        return np.column_stack(columns) @ self.coef_
