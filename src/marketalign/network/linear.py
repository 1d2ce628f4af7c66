"""Linear agents on second moments: one small least-squares solve per agent, whatever the sample size.

Each agent's prediction is linear in x, so it is stored as a coefficient vector over (1, x_1..x_d). The
agent's regressors (own features and parents' predictions) are then vectors in that basis, and projecting Y on
their span (the linear population learner of THEORY.md Part 2, [OURS]) needs only the moments of (x, y): one
m x m solve.
Collinear regressors (a parent prediction equal to an own feature, a parent that predicts a constant) are
handled by a rank-revealing solve, so the projection is always the well-defined one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import cho_factor, cho_solve

from marketalign.errors import InputError
from marketalign.network.moments import Moments
from marketalign.network.network import Network

_ZERO_VARIANCE = 1e-13  # a regressor whose variance is below this share of its rounding scale is constant
_RANK_TOL = 1e-12  # eigenvalues of the unit-diagonal Gram matrix below this share of the largest are dropped


@dataclass(frozen=True)
class LinearLearner:
    """Least squares on own features and parents' predictions: OLS (``ridge = 0``) or ridge.

    ``ridge`` adds ``ridge * ||a||^2`` to the *mean* squared error (the intercept is not penalised), so on
    n rows it equals scikit-learn's ``Ridge(alpha=n * ridge)``; the same value means the same thing in
    population mode.
    """

    intercept: bool = True
    ridge: float = 0.0

    def __post_init__(self) -> None:
        if not (isinstance(self.ridge, (int, float)) and math.isfinite(self.ridge) and self.ridge >= 0):
            raise InputError(f"ridge must be a finite number >= 0; got {self.ridge!r}.")


@dataclass(frozen=True)
class _Design:
    """The second moments one learner needs: regressor vectors live in R^p, Y's cross-moments in ``cross``."""

    gram: np.ndarray
    cross: np.ndarray
    abs_gram: np.ndarray


def _design(moments: Moments, intercept: bool) -> _Design:
    cov = moments.cov
    if intercept:  # centred moments of x; the intercept is refitted from the means afterwards
        gram, cross = cov[:-1, :-1], cov[:-1, -1]
    else:  # raw second moments of (1, x) and their products with y
        raw = cov + np.outer(moments.mean, moments.mean)
        gram = np.empty((raw.shape[0], raw.shape[0]))
        gram[0, 0] = 1.0
        gram[0, 1:] = gram[1:, 0] = moments.mean[:-1]
        gram[1:, 1:] = raw[:-1, :-1]
        cross = np.concatenate([[moments.mean[-1]], raw[:-1, -1]])
    return _Design(gram=gram, cross=cross, abs_gram=np.abs(gram))


def _solve(design: _Design, basis: np.ndarray, ridge: float) -> np.ndarray:
    """Coefficients a of the projection of Y on the span of the columns of ``basis`` (p x m)."""
    gram_basis = design.gram @ basis
    gram = basis.T @ gram_basis
    target = basis.T @ design.cross
    variance = np.diag(gram).copy()
    rounding_scale = np.einsum("ij,ij->j", np.abs(basis), design.abs_gram @ np.abs(basis))
    live = variance > _ZERO_VARIANCE * rounding_scale
    coef = np.zeros(basis.shape[1])
    if not live.any():
        return coef
    scale = 1.0 / np.sqrt(variance[live])
    unit_gram = gram[np.ix_(live, live)] * np.outer(scale, scale)
    unit_target = target[live] * scale
    if ridge > 0:
        unit_coef = cho_solve(cho_factor(unit_gram + np.diag(ridge * scale**2)), unit_target)
    else:
        eigval, eigvec = np.linalg.eigh(unit_gram)
        keep = eigval > _RANK_TOL * eigval[-1]
        unit_coef = eigvec[:, keep] @ ((eigvec[:, keep].T @ unit_target) / eigval[keep])
    coef[live] = unit_coef * scale
    return coef


def _agent_basis(coef: np.ndarray, features: tuple[int, ...], parents: tuple[int, ...]) -> np.ndarray:
    """Own features and parents' predictions as columns over (1, x_1..x_d)."""
    basis = np.zeros((coef.shape[1], len(features) + len(parents)))
    basis[[1 + j for j in features], np.arange(len(features))] = 1.0
    if parents:
        basis[:, len(features):] = coef[list(parents)].T
    return basis


def _fit_one(design: _Design, moments: Moments, basis: np.ndarray, learner: LinearLearner) -> np.ndarray:
    if learner.intercept:
        slopes = basis[1:] @ _solve(design, basis[1:], learner.ridge)
        offset = moments.mean[-1] - slopes @ moments.mean[:-1]
        return np.concatenate([[offset], slopes])
    return basis @ _solve(design, basis, learner.ridge)


def fit_linear_agents(network: Network, moments: Moments, learner: LinearLearner) -> np.ndarray:
    """Train every agent in topological order; return their predictors, shape (n_agents, d + 1)."""
    check_dimensions(network, moments)
    design = _design(moments, learner.intercept)
    coef = np.zeros((network.n_agents, network.n_features + 1))
    for agent, (features, parents) in enumerate(zip(network.features, network.parents, strict=True)):
        coef[agent] = _fit_one(design, moments, _agent_basis(coef, features, parents), learner)
    return coef


def fit_all_features(moments: Moments, learner: LinearLearner) -> np.ndarray:
    """The benchmark f*: the same learner given every feature; its predictor over (1, x_1..x_d)."""
    d = moments.n_features
    basis = np.zeros((d + 1, d))
    basis[1:, :] = np.eye(d)
    return _fit_one(_design(moments, learner.intercept), moments, basis, learner)


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
