"""Synthetic Bobs with a controlled misalignment (our design, [OURS]; docs/theory.md §1.3).

Each Bob's score is Alice's utility plus a misalignment, on its own scale:

    U_i = a_i · (h + σ·m·δ_i + σ·ν·ε_i) + o_i,

where σ = std(h), m = ``misalignment``, ν = ``noise``, ε_i is independent noise, and δ_i (unit variance per
instance) mixes a bias *shared* by every Bob with an idiosyncratic one drawn from a few hidden "value
directions" Z (N × r):

    δ_i = √s · d_0 + √(1 − s) · Z β_i / ‖β_i‖,     s = ``shared``.

With s = 0 and many Bobs, the idiosyncratic biases can cancel in a convex combination, so Alice lies near
the hull of the Bobs (small ε); with s → 1 every Bob carries the same bias and no combination removes it —
the case where competition cannot help. ``scale_spread`` puts the Bobs on mismatched scales and offsets
(a_i = exp(spread·g_i), o_i = spread·σ·g'_i), the situation in which a weight-1 best single Bob can be worse
than a constant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marketalign.errors import InputError
from marketalign.seeding import stream


@dataclass(frozen=True)
class SyntheticBobs:
    """Parameters of a synthetic Bob family (all sizes relative to the standard deviation of Alice's utility).

    The symbols are those of the module docstring (docs/theory.md §1.3 for the protocol they exercise).

    Attributes
    ----------
    n_bobs : int
        How many Bobs, at least 1.
    misalignment : float
        m >= 0, the size of each Bob's bias δ_i.
    shared : float
        s in [0, 1], the share of the bias's variance common to every Bob.
    latent_dim : int
        r >= 1, the number of hidden value directions the idiosyncratic biases mix.
    noise : float
        ν >= 0, the size of each Bob's independent noise.
    scale_spread : float
        >= 0, the spread of the Bobs' scales a_i and offsets o_i (0: every Bob on Alice's scale).
    seed : int
        Seed of every draw.

    Raises
    ------
    InputError
        When a value is outside the ranges above.
    """

    n_bobs: int = 100
    misalignment: float = 1.0
    shared: float = 0.0
    latent_dim: int = 8
    noise: float = 0.25
    scale_spread: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.n_bobs < 1:
            raise InputError(f"n_bobs must be at least 1; got {self.n_bobs}.")
        if not 0.0 <= self.shared <= 1.0:
            raise InputError(f"shared must be in [0, 1]; got {self.shared}.")
        if self.latent_dim < 1:
            raise InputError(f"latent_dim must be at least 1; got {self.latent_dim}.")
        if min(self.misalignment, self.noise, self.scale_spread) < 0:
            raise InputError("misalignment, noise and scale_spread must be non-negative.")


def synthetic_bobs(alice: np.ndarray, family: SyntheticBobs = SyntheticBobs()) -> np.ndarray:
    """Scores (N, n_bobs) of a synthetic Bob family for Alice's utilities ``alice`` (N,).

    Parameters
    ----------
    alice : array_like, shape (N,)
        Alice's utilities h, N >= 2; σ = std(h), or 1 when h is constant.
    family : SyntheticBobs
        The family's parameters.

    Returns
    -------
    numpy.ndarray, shape (N, n_bobs)
        U_i = a_i · (h + σ·m·δ_i + σ·ν·ε_i) + o_i for each Bob i, one column each; fixed by ``family.seed``.

    Raises
    ------
    InputError
        When ``alice`` is not 1-D, has fewer than two values, or is not finite.
    """
    alice = np.asarray(alice, dtype=float)
    if alice.ndim != 1 or alice.size < 2 or not np.isfinite(alice).all():
        raise InputError("alice must be a 1-D array of at least two finite utilities.")
    rng = stream(family.seed)
    n, k = alice.size, family.n_bobs
    sigma = float(alice.std()) or 1.0
    directions = _standardise(rng.normal(size=(n, family.latent_dim)))
    shared_bias = _standardise(directions @ rng.normal(size=family.latent_dim))
    mixes = rng.normal(size=(family.latent_dim, k))
    own_bias = _standardise(directions @ (mixes / np.linalg.norm(mixes, axis=0)))
    bias = np.sqrt(family.shared) * shared_bias[:, None] + np.sqrt(1.0 - family.shared) * own_bias
    noise = rng.normal(size=(n, k))
    utility = alice[:, None] + sigma * (family.misalignment * bias + family.noise * noise)
    scales = np.exp(family.scale_spread * rng.normal(size=k))
    offsets = family.scale_spread * sigma * rng.normal(size=k)
    return utility * scales + offsets


def _standardise(x: np.ndarray) -> np.ndarray:
    x = x - x.mean(axis=0)
    std = x.std(axis=0)
    return x / np.where(std > 0, std, 1.0)
