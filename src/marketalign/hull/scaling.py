"""Exact rescaling by powers of two: every fit solves on data whose largest magnitude lies in [½, 1).

Multiplying by 2^-e changes no significand, so a fit of the rescaled data is the fit of the data in other
units, exactly: weights are unchanged, offsets and sup-norm errors scale back by 2^e and squared errors by 4^e
(``np.ldexp``, exact too). On that range no sum of squares can overflow. A column whose spread is so far below
the largest magnitude that its squares would underflow cannot be represented and is refused.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from marketalign.errors import InputError

SMALLEST = np.ldexp(1.0, -511)  # its square, 2^-1022, is the smallest normal double
LARGEST = np.ldexp(1.0, 511)  # its square, 2^1022, is near the largest double (~1.8e308)


def to_unit_range(
    scores: np.ndarray, targets: np.ndarray, names: Sequence[str] | None = None
) -> tuple[np.ndarray, np.ndarray, int]:
    """Scores (N, K) and targets (N, T) times 2^-e, one e for both, and e: their largest magnitude then lies
    in [½, 1).

    One exponent for Alice and the Bobs keeps every constraint (Σw = 1 too) and every weight unchanged.
    ``names`` (K + T, the Bobs then the targets) name a refused column.

    Parameters
    ----------
    scores : array_like, shape (N, K)
        Bob scores.
    targets : array_like, shape (N, T)
        Alice's utility per target.
    names : sequence of str, optional
        K + T column names used in the error message; default: the column's index.

    Returns
    -------
    scores : numpy.ndarray, shape (N, K)
        ``scores`` · 2^-e.
    targets : numpy.ndarray, shape (N, T)
        ``targets`` · 2^-e.
    exponent : int
        e, the binary exponent of the largest magnitude (0 when every value is 0): weights fitted on the
        rescaled data are those of the data, offsets scale back by 2^e and squared errors by 4^e.

    Raises
    ------
    InputError
        The values reach 2^511 (~6.7e153) or all stay below 2^-511 in magnitude (squared errors in these units
        overflow or underflow), or a column varies by less than 2^-511 of the largest magnitude (its centred
        squares would underflow).
    """
    scores, targets = np.asarray(scores, dtype=float), np.asarray(targets, dtype=float)
    extremes = _column_extremes(scores, targets)
    top = float(max(extremes[0].max(initial=0.0), -extremes[1].min(initial=0.0)))  # the largest magnitude
    if top >= LARGEST or 0 < top < SMALLEST:
        raise InputError(
            f"Alice's and the Bobs' values reach {top:.3g} in magnitude: their squared errors cannot be represented "
            "in double precision (magnitudes must lie between 1.5e-154 and 6.7e153); express Alice and the Bobs in "
            "other units (divide or multiply every column by the same power of ten)."
        )
    exponent = int(np.frexp(top)[1]) if top > 0 else 0
    # x * 2^-e is x scaled by ldexp: both are the correctly rounded x·2^-e, and 2^-e is exact here (|e| <= 511)
    factor = float(np.ldexp(1.0, -exponent))
    scores, targets = np.multiply(scores, factor, dtype=float), np.multiply(targets, factor, dtype=float)
    _check_spreads(np.multiply(extremes, factor), top, names)
    return scores, targets, exponent


def _column_extremes(scores: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """The largest and smallest value of each column of scores (N, K) then targets (N, T): shape (2, K + T)."""
    return np.stack([np.concatenate([scores.max(axis=0, initial=-np.inf), targets.max(axis=0, initial=-np.inf)]),
                     np.concatenate([scores.min(axis=0, initial=np.inf), targets.min(axis=0, initial=np.inf)])])


def _check_spreads(extremes: np.ndarray, top: float, names: Sequence[str] | None) -> None:
    """Refuse a column of the rescaled data that varies by less than 2^-511 (see :func:`to_unit_range`).

    ``extremes`` are the rescaled columns' largest and smallest values (:func:`_column_extremes` times the
    power of two: rounding is monotone, so these are the extremes of the rescaled columns exactly).
    """
    spread = extremes[0] - extremes[1]
    tiny = np.flatnonzero((spread > 0) & (spread < SMALLEST))
    if tiny.size:
        j = int(tiny[0])
        label = repr(names[j]) if names is not None else f"{j} (Bobs first, then targets)"
        raise InputError(
            f"column {label} varies by less than 1.5e-154 times the largest magnitude in the data ({top:.3g}): its "
            "squares would underflow; express it in other units (multiply it by a power of ten) before fitting."
        )
