"""Distributions over (x, y) with exact population moments and exact samplers.

A :class:`LinearGaussianModel` writes (x_1..x_d, y) = L g with g ~ N(0, I): its covariance is L Lᵀ exactly,
and its samples come from the same L, so population mode and sample mode describe one distribution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.datasets import make_friedman1

from marketalign.errors import InputError
from marketalign.network.moments import Moments, moments_from_covariance


@dataclass(frozen=True)
class LinearGaussianModel:
    """(x_1..x_d, y) = ``loading`` @ g, g ~ N(0, I_r); the label is the last row of ``loading``.

    Attributes
    ----------
    loading : numpy.ndarray, shape (d + 1, r)
        L: rows x_1..x_d then y, one column per independent standard normal factor; the covariance is L Lᵀ.
    """

    loading: np.ndarray

    @property
    def n_features(self) -> int:
        return self.loading.shape[0] - 1

    def moments(self) -> Moments:
        """Exact population moments (mean zero, covariance L Lᵀ)."""
        return moments_from_covariance(self.loading @ self.loading.T)

    def sample(self, n_rows: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``n_rows`` independent draws (X of shape (n, d), y of shape (n,))."""
        if n_rows < 1:
            raise InputError(f"n_rows must be at least 1; got {n_rows}.")
        rows = rng.standard_normal((n_rows, self.loading.shape[1])) @ self.loading.T
        return rows[:, :-1], rows[:, -1]


def chain_difference(n_features: int) -> LinearGaussianModel:
    """The hard distribution of docs/theory.md §2.4 [OURS]: x_1 = Z_1, x_i = Z_i − Z_{i−1}, Y = Z_d, Z ~ N(0, I).

    Every feature but x_d is uncorrelated with Y on its own, yet all d together determine Y exactly.

    Parameters
    ----------
    n_features : int
        d >= 1.

    Returns
    -------
    LinearGaussianModel
        Loading of shape (d + 1, d); Var(Y) = 1 and the best linear predictor on all features has MSE 0.

    Raises
    ------
    InputError
        When ``n_features < 1``.
    """
    if n_features < 1:
        raise InputError(f"The chain-difference distribution needs at least one feature; got {n_features}.")
    loading = np.zeros((n_features + 1, n_features))
    loading[np.arange(n_features), np.arange(n_features)] = 1.0
    loading[np.arange(1, n_features), np.arange(n_features - 1)] = -1.0
    loading[-1, -1] = 1.0
    return LinearGaussianModel(loading)


def random_linear_gaussian(
    n_features: int,
    rng: np.random.Generator,
    *,
    weight_l1: float = 1.0,
    feature_scale: float = 1.0,
    noise: float = 0.5,
    correlation: float = 0.3,
) -> LinearGaussianModel:
    """A random Gaussian linear model y = w*·x + noise·ε with chosen norms.

    Every feature has E[x_l^2] = ``feature_scale``^2 exactly, ‖w*‖₁ = ``weight_l1`` exactly (random signs,
    Dirichlet(1) magnitudes), and ``correlation`` in [0, 1) mixes a shared random factor structure into x.

    Parameters
    ----------
    n_features : int
        d >= 1.
    rng : numpy.random.Generator
        The source of every draw.
    weight_l1 : float
        ‖w*‖₁ >= 0.
    feature_scale : float
        B_X > 0, the root mean square of every feature (docs/theory.md §2.3).
    noise : float
        The label noise's standard deviation, >= 0.
    correlation : float
        In [0, 1); 0 gives independent features.

    Returns
    -------
    LinearGaussianModel
        Loading of shape (d + 1, d + 1), the last factor the label noise.

    Raises
    ------
    InputError
        When a value is outside the ranges above.
    """
    if n_features < 1:
        raise InputError(f"n_features must be at least 1; got {n_features}.")
    if not 0 <= correlation < 1:
        raise InputError(f"correlation must lie in [0, 1); got {correlation}.")
    if weight_l1 < 0 or feature_scale <= 0 or noise < 0:
        raise InputError("weight_l1 and noise must be >= 0 and feature_scale > 0.")
    d = n_features
    mix = np.sqrt(1 - correlation) * np.eye(d) + np.sqrt(correlation / d) * rng.standard_normal((d, d))
    mix *= feature_scale / np.linalg.norm(mix, axis=1, keepdims=True)
    weights = rng.choice([-1.0, 1.0], size=d) * rng.dirichlet(np.ones(d)) * weight_l1
    loading = np.zeros((d + 1, d + 1))
    loading[:d, :d] = mix
    loading[d, :d] = weights @ mix
    loading[d, d] = noise
    return LinearGaussianModel(loading)


def friedman_sample(
    n_rows: int, n_features: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Friedman's non-linear regression problem #1 (x uniform on [0, 1]^d; only x_1..x_5 matter).

    y = 10 sin(π x_1 x_2) + 20 (x_3 − 1/2)^2 + 10 x_4 + 5 x_5 + noise·ε, so the Bayes MSE is ``noise``^2.

    Parameters
    ----------
    n_rows : int
        How many rows.
    n_features : int
        d >= 5; features beyond x_5 are pure noise inputs.
    noise : float
        Standard deviation of the Gaussian noise ε.
    rng : numpy.random.Generator
        Seeds scikit-learn's ``make_friedman1``.

    Returns
    -------
    X : numpy.ndarray, shape (n_rows, n_features)
        The features.
    y : numpy.ndarray, shape (n_rows,)
        The labels.

    Raises
    ------
    InputError
        When ``n_features < 5``.
    """
    if n_features < 5:
        raise InputError(f"Friedman #1 needs at least 5 features; got {n_features}.")
    seed = int(rng.integers(2**31 - 1))
    return make_friedman1(n_samples=n_rows, n_features=n_features, noise=noise, random_state=seed)
