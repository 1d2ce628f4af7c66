"""Second moments of (x, y): the only thing a linear agent needs, in population and in sample mode.

Population mode takes the exact covariance of (x_1..x_d, y); sample mode reads the rows once (in chunks,
merging means and centred co-moments so that large offsets lose no precision) and never touches them again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marketalign.errors import InputError

_SYMMETRY_TOL = 1e-10
_PSD_TOL = 1e-10


@dataclass(frozen=True)
class Moments:
    """Mean and covariance of z = (x_1..x_d, y), the label last; ``n_rows`` is None for a population.

    The covariance is the population one (divided by n, not n - 1), so least squares on these moments is
    exactly least squares on the rows they came from.

    Attributes
    ----------
    mean : numpy.ndarray, shape (d + 1,)
        E[z].
    cov : numpy.ndarray, shape (d + 1, d + 1)
        Cov(z), symmetric positive semi-definite.
    n_rows : int or None
        The rows the moments came from (sample mode); None for population moments (docs/theory.md §2.2).
    """

    mean: np.ndarray
    cov: np.ndarray
    n_rows: int | None = None

    @property
    def n_features(self) -> int:
        return self.cov.shape[0] - 1


def moments_from_covariance(cov: np.ndarray, mean: np.ndarray | None = None) -> Moments:
    """Population moments from the covariance of (x, y) (label last) and an optional mean (default zero).

    Parameters
    ----------
    cov : array_like, shape (d + 1, d + 1)
        The covariance, label last; symmetrised before use.
    mean : array_like, shape (d + 1,), optional
        The mean; None for zero.

    Returns
    -------
    Moments
        With ``n_rows`` None.

    Raises
    ------
    InputError
        When ``cov`` is not square of size >= 2, not finite, not symmetric or not positive semi-definite (to
        a tolerance relative to its largest entry), or ``mean`` has the wrong length or is not finite.
    """
    cov = np.asarray(cov, dtype=float)
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1] or cov.shape[0] < 2:
        raise InputError(
            f"The covariance of (x, y) must be a square matrix of size d + 1 >= 2 with the label last; got "
            f"shape {cov.shape}."
        )
    if not np.isfinite(cov).all():
        raise InputError("The covariance of (x, y) contains NaN or infinite entries.")
    scale = max(float(np.abs(cov).max()), np.finfo(float).tiny)
    if np.abs(cov - cov.T).max() > _SYMMETRY_TOL * scale:
        raise InputError("The covariance of (x, y) is not symmetric; pass a symmetric matrix.")
    cov = 0.5 * (cov + cov.T)
    smallest = float(np.linalg.eigvalsh(cov)[0])
    if smallest < -_PSD_TOL * scale:
        raise InputError(
            f"The covariance of (x, y) is not positive semi-definite (smallest eigenvalue {smallest:.3g}); "
            "it cannot be the covariance of any distribution."
        )
    if mean is None:
        mean = np.zeros(cov.shape[0])
    mean = np.asarray(mean, dtype=float)
    if mean.shape != (cov.shape[0],) or not np.isfinite(mean).all():
        raise InputError(
            f"The mean of (x, y) must be a finite vector of length {cov.shape[0]}; got shape {mean.shape}."
        )
    return Moments(mean=mean, cov=cov, n_rows=None)


def validate_rows(X: np.ndarray, y: np.ndarray, what: str = "data") -> tuple[np.ndarray, np.ndarray]:
    """Check features (n, d) and labels (n,) for shape and finiteness; return float64 arrays."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise InputError(f"The {what} features must be a non-empty 2-D array (rows, features): {X.shape}.")
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise InputError(
            f"The {what} labels must be a 1-D array with one value per row ({X.shape[0]} rows): {y.shape}."
        )
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise InputError(f"The {what} contain NaN or infinite values; drop or impute them first.")
    return X, y


def moments_from_rows(X: np.ndarray, y: np.ndarray, chunk_rows: int = 65_536) -> Moments:
    """Sample moments of (x, y) in one chunked pass over the rows (Chan et al.'s pairwise merge).

    Parameters
    ----------
    X : array_like, shape (n, d)
        The features.
    y : array_like, shape (n,)
        The labels.
    chunk_rows : int
        Rows per chunk.

    Returns
    -------
    Moments
        The sample mean and the covariance divided by n, with ``n_rows`` = n.

    Raises
    ------
    InputError
        When ``X`` is not a non-empty 2-D array, ``y`` does not have one value per row, or either is not
        finite.
    """
    X, y = validate_rows(X, y)
    d = X.shape[1]
    count = 0
    mean = np.zeros(d + 1)
    comoment = np.zeros((d + 1, d + 1))
    for start in range(0, X.shape[0], chunk_rows):
        block = np.column_stack([X[start : start + chunk_rows], y[start : start + chunk_rows]])
        size = block.shape[0]
        block_mean = block.mean(axis=0)
        centred = block - block_mean
        delta = block_mean - mean
        total = count + size
        comoment += centred.T @ centred + np.outer(delta, delta) * (count * size / total)
        mean += delta * (size / total)
        count = total
    return Moments(mean=mean, cov=comoment / count, n_rows=count)
