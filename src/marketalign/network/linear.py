"""Linear agents on second moments: one small least-squares solve per agent, whatever the sample size.

Each agent's prediction is linear in x, so it is stored as a coefficient vector over (1, x_1..x_d). The
agent's regressors (own features and parents' predictions) are then vectors in that basis, and projecting Y on
their span (the linear population learner of docs/theory.md §2.2, [OURS]) needs only the moments of (x, y): one
m x m solve.
Collinear regressors (a parent prediction equal to an own feature, a parent that predicts a constant) are
handled by a rank-revealing solve, so the projection is always the well-defined one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from marketalign.errors import InputError, SolverError
from marketalign.network.moments import Moments
from marketalign.network.network import Network

# Numerical rules (see docs/network.md): a feature whose variance is below _CONSTANT_FEATURE of its raw
# second moment is constant; feature-correlation eigenvalues below _FEATURE_RANK_TOL of the top are dropped;
# a regressor below _ZERO_REGRESSOR of its rounding scale, or a parent prediction below _SILENT_PARENT of the
# size of Y's best linear predictor, is zero (its direction would be rounding noise); singular values of
# unit-norm regressors below _RCOND of the largest are dropped.
_CONSTANT_FEATURE = 1e-28
_FEATURE_RANK_TOL = 1e-13
_ZERO_REGRESSOR = 1e-12
_SILENT_PARENT = 1e-10
_RCOND = 1e-10


@dataclass(frozen=True)
class LinearLearner:
    """Least squares on own features and parents' predictions: OLS (``ridge = 0``) or ridge.

    ``ridge`` adds ``ridge * ||a||^2`` to the *mean* squared error (the intercept is not penalised), so on
    n rows it equals scikit-learn's ``Ridge(alpha=n * ridge)``; the same value means the same thing in
    population mode.

    Parameters
    ----------
    intercept : bool
        Fit an intercept.
    ridge : float
        The penalty on the mean squared error (0: OLS; docs/theory.md §2.2).

    Raises
    ------
    InputError
        A negative or non-finite ``ridge``.
    """

    intercept: bool = True
    ridge: float = 0.0

    def __post_init__(self) -> None:
        if not (isinstance(self.ridge, (int, float)) and math.isfinite(self.ridge) and self.ridge >= 0):
            raise InputError(f"ridge must be a finite number >= 0; got {self.ridge!r}.")


@dataclass(frozen=True)
class _Design:
    """A square root of the regressors' second moments: ``root`` (k x p) with rootᵀ root = Gram, and Y's
    best linear predictor in the same coordinates (``target``). Least squares on (root B, target) is then the
    projection of Y on the span of B's columns, with the conditioning of B itself, not of its Gram matrix."""

    root: np.ndarray
    abs_root: np.ndarray
    target: np.ndarray


def _design(moments: Moments, intercept: bool) -> _Design:
    cov, mean = moments.cov, moments.mean
    if intercept:  # centred moments of x; the intercept is refitted from the means afterwards
        gram, cross = cov[:-1, :-1], cov[:-1, -1]
        raw_diag = np.diag(gram) + mean[:-1] ** 2
    else:  # raw second moments of (1, x) and their products with y
        raw = cov + np.outer(mean, mean)
        gram = np.empty((raw.shape[0], raw.shape[0]))
        gram[0, 0] = 1.0
        gram[0, 1:] = gram[1:, 0] = mean[:-1]
        gram[1:, 1:] = raw[:-1, :-1]
        cross = np.concatenate([[mean[-1]], raw[:-1, -1]])
        raw_diag = np.diag(gram)
    spread = np.sqrt(np.clip(np.diag(gram), 0.0, None))
    live = spread**2 > _CONSTANT_FEATURE * raw_diag
    root = np.zeros((0, gram.shape[0]))
    target = np.zeros(0)
    if live.any():
        scale = spread[live]
        eigval, eigvec = np.linalg.eigh(gram[np.ix_(live, live)] / np.outer(scale, scale))
        keep = eigval > _FEATURE_RANK_TOL * eigval[-1]
        eigval, eigvec = eigval[keep], eigvec[:, keep]
        root = np.zeros((eigval.size, gram.shape[0]))
        root[:, live] = (np.sqrt(eigval)[:, None] * eigvec.T) * scale
        target = (eigvec.T @ (cross[live] / scale)) / np.sqrt(eigval)
    return _Design(root=root, abs_root=np.abs(root), target=target)


def _solve(design: _Design, basis: np.ndarray, n_own: int, ridge: float) -> np.ndarray:
    """Coefficients a of the projection of Y on the span of the columns of ``basis`` (p x m), whose first
    ``n_own`` columns are own features and the rest parents' predictions."""
    vectors = design.root @ basis
    size = np.linalg.norm(vectors, axis=0)
    rounding_scale = np.linalg.norm(design.abs_root @ np.abs(basis), axis=0)
    live = size > _ZERO_REGRESSOR * rounding_scale
    live[n_own:] &= size[n_own:] > _SILENT_PARENT * np.linalg.norm(design.target)
    coef = np.zeros(basis.shape[1])
    if not live.any():
        return coef
    unit = vectors[:, live] / size[live]
    target = design.target
    if ridge > 0:  # ridge * ||a||^2 with a = unit coefficients / size: extra rows sqrt(ridge) / size
        unit = np.vstack([unit, np.diag(np.sqrt(ridge) / size[live])])
        target = np.concatenate([target, np.zeros(int(live.sum()))])
    try:
        unit_coef = np.linalg.lstsq(unit, target, rcond=_RCOND)[0]
    except np.linalg.LinAlgError as err:  # the SVD did not converge
        raise SolverError(f"the least-squares fit of an agent failed: {err}.") from err
    coef[live] = unit_coef / size[live]
    return coef


def _agent_basis(coef: np.ndarray, features: tuple[int, ...], parents: tuple[int, ...]) -> np.ndarray:
    """Own features and parents' predictions as columns over (1, x_1..x_d)."""
    basis = np.zeros((coef.shape[1], len(features) + len(parents)))
    basis[[1 + j for j in features], np.arange(len(features))] = 1.0
    if parents:
        basis[:, len(features) :] = coef[list(parents)].T
    return basis


def _fit_one(
    design: _Design, moments: Moments, basis: np.ndarray, n_own: int, learner: LinearLearner
) -> np.ndarray:
    if learner.intercept:
        slopes = basis[1:] @ _solve(design, basis[1:], n_own, learner.ridge)
        offset = moments.mean[-1] - slopes @ moments.mean[:-1]
        return np.concatenate([[offset], slopes])
    return basis @ _solve(design, basis, n_own, learner.ridge)


def fit_linear_agents(network: Network, moments: Moments, learner: LinearLearner) -> np.ndarray:
    """Train every agent in topological order; return their predictors, shape (n_agents, d + 1)."""
    check_dimensions(network, moments)
    design = _design(moments, learner.intercept)
    coef = np.zeros((network.n_agents, network.n_features + 1))
    for agent, (features, parents) in enumerate(zip(network.features, network.parents, strict=True)):
        basis = _agent_basis(coef, features, parents)
        coef[agent] = _fit_one(design, moments, basis, len(features), learner)
    return coef


def fit_all_features(moments: Moments, learner: LinearLearner) -> np.ndarray:
    """The benchmark f*: the same learner given every feature; its predictor over (1, x_1..x_d)."""
    d = moments.n_features
    basis = np.zeros((d + 1, d))
    basis[1:, :] = np.eye(d)
    return _fit_one(_design(moments, learner.intercept), moments, basis, d, learner)


def prediction_mse(coef: np.ndarray, moments: Moments) -> np.ndarray:
    """E[(y − c_0 − c·x)^2] under ``moments`` for each predictor row of ``coef`` (n, d + 1)."""
    coef = np.atleast_2d(coef)
    residual = np.hstack([-coef[:, 1:], np.ones((coef.shape[0], 1))])
    variance = np.einsum("ij,ij->i", residual @ moments.cov, residual)
    bias = residual @ moments.mean - coef[:, 0]
    return np.maximum(variance, 0.0) + bias**2


def check_dimensions(network: Network, moments: Moments) -> None:
    """The moments must describe exactly the network's features plus the label."""
    if moments.n_features != network.n_features:
        raise InputError(
            f"The network has {network.n_features} features but the data has {moments.n_features}; "
            "build the network with n_features equal to the number of data columns."
        )
