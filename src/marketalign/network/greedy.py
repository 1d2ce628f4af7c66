"""A greedy, boosting-like learner for general hypothesis classes (docs/theory.md §2.6, [OURS] protocol).

The learner starts from least squares on all its inputs (own features and parents' predictions), then keeps
adding the function of its class (``base_estimator`` fitted to the current residual) that most reduces the
squared error, refitting every combination weight after each addition. It stops when the new function no
longer reduces the error on a held-out validation part of the rows by more than ``tol`` · Var(y) (in-sample
when ``validation_fraction`` is 0), then refits the weights on all rows. Its residual is then orthogonal to
its inputs (so to its parents' predictions) and to its own prediction, and no function its class finds has a
correlation with the residual that survives validation.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.tree import DecisionTreeRegressor
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from marketalign.errors import SolverError
from marketalign.network.threads import single_blas_thread
from marketalign.seeding import stream


def _least_squares(columns: np.ndarray, y: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.lstsq(columns, y, rcond=None)[0]
    except np.linalg.LinAlgError as err:  # the SVD did not converge
        raise SolverError(f"the greedy learner's least-squares refit failed: {err}.") from err


class GreedyResidualRegressor(RegressorMixin, BaseEstimator):
    """Least squares on all inputs plus greedily added, re-weighted functions of ``base_estimator``'s class.

    Parameters: ``base_estimator`` (default a depth-3 regression tree), ``n_rounds`` (most functions added),
    ``tol`` (stop when a new function lowers the validation MSE by less than ``tol`` · Var(y)),
    ``validation_fraction`` (share of rows held out to decide when to stop; 0 = in-sample), ``random_state``
    (the validation split and the base estimator's seed). Learned: ``estimators_``, ``coef_`` (over 1, the
    inputs and the added functions), ``last_gain_`` (the last candidate's relative MSE reduction).

    Parameters
    ----------
    base_estimator : scikit-learn regressor, optional
        The class of added functions (default: a depth-3 regression tree).
    n_rounds : int
        Most functions added.
    tol : float
        Relative validation gain below which it stops.
    validation_fraction : float
        Share of rows held out to decide when to stop.
    random_state : int, Generator or None
        Seed of the split and the base estimator.
    """

    def __init__(
        self,
        base_estimator=None,
        n_rounds: int = 50,
        tol: float = 1e-3,
        validation_fraction: float = 0.2,
        random_state=None,
    ):
        self.base_estimator = base_estimator
        self.n_rounds = n_rounds
        self.tol = tol
        self.validation_fraction = validation_fraction
        self.random_state = random_state

    def _base(self, seed: int):
        base = self.base_estimator if self.base_estimator is not None else DecisionTreeRegressor(max_depth=3)
        base = clone(base)
        if "random_state" in base.get_params(deep=False):
            base.set_params(random_state=seed)
        return base

    def _split(self, n_rows: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        n_held = int(round(self.validation_fraction * n_rows))
        if n_held < 1 or n_rows - n_held < 2:
            everything = np.arange(n_rows)
            return everything, everything
        order = rng.permutation(n_rows)
        return np.sort(order[n_held:]), np.sort(order[:n_held])

    @single_blas_thread
    def fit(self, X, y):
        X, y = validate_data(self, X, y, y_numeric=True)
        if not (isinstance(self.n_rounds, (int, np.integer)) and self.n_rounds >= 0):
            raise ValueError(f"n_rounds must be an integer >= 0; got {self.n_rounds!r}.")
        if not self.tol >= 0 or not 0 <= self.validation_fraction < 1:
            raise ValueError("tol must be >= 0 and validation_fraction must lie in [0, 1).")
        y = np.asarray(y, dtype=float)
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        fit_rows, held_rows = self._split(len(y), stream(seed))
        columns = np.column_stack([np.ones(len(y)), X])
        weights = _least_squares(columns[fit_rows], y[fit_rows])
        held_mse = float(np.mean((y[held_rows] - columns[held_rows] @ weights) ** 2))
        scale = max(float(np.var(y)), np.finfo(float).tiny)
        self.estimators_ = []
        self.last_gain_ = 0.0
        for _ in range(self.n_rounds):
            residual = y[fit_rows] - columns[fit_rows] @ weights
            candidate = self._base(seed).fit(X[fit_rows], residual)
            grown = np.column_stack([columns, candidate.predict(X)])
            grown_weights = _least_squares(grown[fit_rows], y[fit_rows])
            grown_mse = float(np.mean((y[held_rows] - grown[held_rows] @ grown_weights) ** 2))
            self.last_gain_ = (held_mse - grown_mse) / scale
            if self.last_gain_ <= self.tol:
                break
            self.estimators_.append(candidate)
            columns, weights, held_mse = grown, grown_weights, grown_mse
        self.coef_ = _least_squares(columns, y)
        return self

    @single_blas_thread
    def predict(self, X):
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False)
        columns = [np.ones(X.shape[0]), X] + [est.predict(X) for est in self.estimators_]
        return np.column_stack(columns) @ self.coef_
