"""Exact least squares on Gram matrices: non-negative (NNLS) and simplex-constrained, one or many at once.

Every fit in this package is ``min_w ½ w'Gw − b'w`` over ``w ≥ 0`` (NNLS) or over the simplex
``w ≥ 0, Σ w = 1``, where G = S'S and b = S'h come from centred data (the offset c is eliminated by
centring, docs/theory.md §1.3). The solver is the Lawson–Hanson active-set method written on the Gram matrix, with
the simplex handled through the multiplier of Σw = 1. It is exact: it stops only when the KKT conditions hold
(see :func:`kkt_violation`), not after a fixed number of gradient steps, and it is not "NNLS, then divide by
the sum" (which is not the simplex solution).

:func:`solve_paths` walks K = 1..K_max for a batch of problems — each with its own ordering of the Bobs and
right-hand side, sharing a few Gram matrices — warm-starting each K from K − 1, which makes a whole curve over
K cost little more than one fit. The compiled loops live in :mod:`marketalign.hull._kernels`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np

from marketalign.errors import InputError, SolverError
from marketalign.hull import _kernels

Constraint = Literal["nonneg", "simplex"]
CONSTRAINTS: tuple[str, ...] = ("nonneg", "simplex")
KKT_TOLERANCE = 1e-9  # relative; see kkt_violation
DEPENDENT_LIMIT = 1e-6  # a left-out near-duplicate may violate KKT by rounding (≲ 1e-9 seen), never by more
# Batches of at most this many (problem, K) steps run on one thread: starting the parallel workers costs more
# (about 7 ms a call on the shared 2 cores, where one step of a 9-12 Bob problem costs about 0.4 µs).
SERIAL_WORK = 16_384


def column_scales(grams: np.ndarray) -> np.ndarray:
    """d_i = 1/√G_ii per Gram matrix (1 for a constant Bob, whose centred G_ii may round to a tiny negative),
    so that D G D has a unit diagonal."""
    diag = np.diagonal(np.asarray(grams, dtype=float), axis1=-2, axis2=-1)
    positive = diag > 0
    return np.where(positive, 1.0 / np.sqrt(np.where(positive, diag, 1.0)), 1.0)


def kkt_violation(gram: np.ndarray, rhs: np.ndarray, w: np.ndarray, constraint: Constraint) -> float:
    """Largest relative violation of the KKT conditions of ``min ½w'Gw − b'w`` at ``w``.

    Conditions: primal feasibility (w ≥ 0, and Σw = 1 for the simplex); with g = Gw − b and ν the simplex
    multiplier (ν = 0 for NNLS): stationarity g_i + ν = 0 where w_i > 0, dual feasibility g_i + ν ≥ 0 where
    w_i = 0. Measured in diagonally scaled variables (unit-diagonal Gram, so every Bob counts alike, whatever
    its scale) and divided by max|b'| + max|G'|·‖w'‖₁, the size of the terms in the scaled gradient — in
    Alice's units, so the measure does not change when Alice and the Bobs are scaled together.

    Parameters
    ----------
    gram : array_like, shape (K, K)
        G, symmetric positive semi-definite.
    rhs : array_like, shape (K,)
        b.
    w : array_like, shape (K,)
        The candidate solution.
    constraint : {"nonneg", "simplex"}
        The feasible set.

    Returns
    -------
    float
        The largest relative violation (0 at an exact optimum).
    """
    gram, rhs, w = (np.asarray(a, dtype=float) for a in (gram, rhs, w))
    d = column_scales(gram)
    grad = gram @ w - rhs
    positive = w > 0
    nu = 0.0
    if constraint == "simplex":  # least-squares multiplier of the scaled stationarity d_i (g_i + ν) = 0 on w > 0
        nu = -float(np.sum(d[positive] ** 2 * grad[positive]) / np.sum(d[positive] ** 2)) if positive.any() else 0.0
    price = d * (grad + nu)  # the scaled prices
    scaled_w = w / d
    scale = np.abs(d * rhs).max(initial=0.0) + np.abs(gram * np.outer(d, d)).max(initial=0.0) * np.abs(scaled_w).sum()
    scale = scale if scale > 0 else 1.0
    violations = [
        max(0.0, -float(scaled_w.min(initial=0.0))) * scale,
        float(np.abs(price[positive]).max(initial=0.0)),
        max(0.0, -float(price[~positive].min(initial=0.0))),
    ]
    if constraint == "simplex":
        violations.append(abs(float(w.sum()) - 1.0) * scale)
    return max(violations) / scale


class NearDuplicateWarning(UserWarning):
    """Some Bob is numerically a combination of others; it was left out where it could not help."""


@dataclass(frozen=True)
class PathSolutions:
    """What :func:`solve_paths` records for problem p at step K (arrays indexed [p, K − 1]).

    Attributes
    ----------
    value : numpy.ndarray, shape (P, K_max)
        The evaluation form w'Ew − 2e'w + c at the solution (e.g. a held-out sum of squared errors); just c_p
        for a problem without one (``eval_of[p] < 0``), 0 when no ``evaluation`` is given.
    nonzero : numpy.ndarray of int64, shape (P, K_max)
        Number of weights above 1e-6.
    weight_sum : numpy.ndarray, shape (P, K_max)
        Σw.
    final : numpy.ndarray, shape (P, K)
        The solutions at K_max, indexed by Bob (0 for every Bob the solution does not use).
    kkt : numpy.ndarray, shape (P,)
        The largest relative KKT violation met along each problem's path (see :func:`kkt_violation`).
    dependent : numpy.ndarray, shape (P,)
        The largest one at Bobs left out because they are numerically a combination of the Bobs in use
        (near-duplicates).
    """

    value: np.ndarray
    nonzero: np.ndarray
    weight_sum: np.ndarray
    final: np.ndarray
    kkt: np.ndarray
    dependent: np.ndarray


def solve_paths(
    grams: np.ndarray,
    gram_of: np.ndarray,
    rhs: np.ndarray,
    orders: np.ndarray,
    constraint: Constraint,
    evaluation: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> PathSolutions:
    """Exact solutions along K = 1..K_max for a batch of problems, warm-started from K − 1.

    Problem p minimises ``½w'Gw − b_p'w`` with G = ``grams[gram_of[p]]`` (D, K, K) and b_p = ``rhs[p]``,
    over the variables ``orders[p, :K]`` (the first K Bobs of its ordering). ``evaluation`` =
    (E (D', K, K), eval_of (P,), e (P, K), c (P,)) gives the quadratic form recorded at each K
    (``eval_of[p] < 0``: none). Problems run in parallel across cores, small batches on one thread.

    Bobs that are numerically a combination of the Bobs already in use (their Schur complement is below 1e-14
    of their norm) are left out at that step; a warning says how often that mattered.

    Parameters
    ----------
    grams : array_like, shape (D, K, K)
        The Gram matrices the problems share.
    gram_of : array_like of int, shape (P,)
        Which Gram matrix problem p uses.
    rhs : array_like, shape (P, K)
        b_p.
    orders : array_like of int, shape (P, K_max)
        The order in which each problem's variables join.
    constraint : {"nonneg", "simplex"}
        w ≥ 0 or w in the simplex.
    evaluation : tuple of arrays, optional
        (E, eval_of, e, c) as above.

    Returns
    -------
    PathSolutions
        Values, sparsity and Σw at every K; the solutions at K_max; KKT violations.

    Raises
    ------
    InputError
        An unknown ``constraint``.
    SolverError
        The active-set solver hit an iteration limit in some problem (the others are never left half-solved
        in silence), stopped above :data:`KKT_TOLERANCE`, or left out a Bob whose KKT violation exceeds
        :data:`DEPENDENT_LIMIT`.
    """
    if constraint not in CONSTRAINTS:
        raise InputError(f"constraint must be one of {CONSTRAINTS}; got {constraint!r}.")
    grams = np.asarray(grams, dtype=float)
    gram_of = np.ascontiguousarray(gram_of, dtype=np.int64)
    orders = np.ascontiguousarray(orders, dtype=np.int64)
    n_problems, k_max = orders.shape
    scales = column_scales(grams)
    scaled = grams * scales[:, :, None] * scales[:, None, :]
    rhs = np.ascontiguousarray(np.asarray(rhs, dtype=float) * scales[gram_of])
    if evaluation is None:
        ev_grams = np.zeros((1, 1, 1))
        ev_of = np.full(n_problems, -1, dtype=np.int64)
        ev_rhs = np.zeros_like(rhs)
        ev_const = np.zeros(n_problems)
    else:
        ev_grams, ev_of, ev_rhs, ev_const = evaluation
        ev_grams = np.ascontiguousarray(ev_grams, dtype=float)
        ev_of = np.ascontiguousarray(ev_of, dtype=np.int64)
        ev_rhs = np.ascontiguousarray(ev_rhs, dtype=float)
        ev_const = np.ascontiguousarray(ev_const, dtype=float)
    value = np.zeros((n_problems, k_max))
    nonzero = np.zeros((n_problems, k_max), dtype=np.int64)
    weight_sum = np.zeros((n_problems, k_max))
    final = np.zeros(rhs.shape)
    kkt = np.zeros((n_problems, 3))
    kkt[:, 2] = _kernels.NOT_RUN  # a problem the kernel never finishes keeps this status
    kernel_args = (np.ascontiguousarray(scaled), np.ascontiguousarray(scales), gram_of, rhs, orders,
                   constraint == "simplex", ev_grams, ev_of, ev_rhs, ev_const)
    outputs = (value, nonzero, weight_sum, final, kkt)
    if n_problems * k_max <= SERIAL_WORK:
        _kernels.solve_paths_serial(*kernel_args, *outputs)
    else:
        _kernels.solve_paths(*kernel_args, *outputs)
    failed = np.flatnonzero(kkt[:, 2] != _kernels.SOLVED)
    if failed.size:
        why = {_kernels.FAILED_INNER: "at its inner loop's iteration limit",
               _kernels.FAILED_OUTER: "at its outer loop's iteration limit"}.get(kkt[failed[0], 2], "never reached")
        raise SolverError(f"the active-set {constraint} solver did not finish {failed.size} of {n_problems} "
                          f"problems (the first, problem {int(failed[0])}, {why}); please report this data set.")
    worst = float(kkt[:, 0].max(initial=0.0))
    if worst > KKT_TOLERANCE:
        raise SolverError(
            f"the active-set solver stopped with a relative KKT violation of {worst:.3g} (problem "
            f"{int(kkt[:, 0].argmax())}); please report this data set."
        )
    dependent = kkt[:, 1]
    if dependent.max(initial=0.0) > DEPENDENT_LIMIT:
        raise SolverError(
            f"the active-set solver left out a Bob as numerically dependent on the others although its price says "
            f"it would lower the objective (relative KKT violation {dependent.max():.3g}, problem "
            f"{int(dependent.argmax())}), so the fit is not exact; please report this data set."
        )
    if (dependent > KKT_TOLERANCE).any():
        warnings.warn(
            f"{int((dependent > KKT_TOLERANCE).sum())} of {n_problems} fits left out a Bob that is numerically a "
            "combination of the Bobs in use (a near-duplicate); their objective is optimal to rounding, but "
            "consider dropping duplicated Bobs.",
            NearDuplicateWarning,
            stacklevel=2,
        )
    return PathSolutions(value=value, nonzero=nonzero, weight_sum=weight_sum, final=final, kkt=kkt[:, 0],
                         dependent=dependent)


def solve_gram(gram: np.ndarray, rhs: np.ndarray, constraint: Constraint = "nonneg") -> np.ndarray:
    """Exact minimiser of ``½w'Gw − b'w`` over w ≥ 0 (``"nonneg"``) or the simplex (``"simplex"``).

    With G = X'X and b = X'y this is non-negative or simplex-constrained least squares of y on X.

    Parameters
    ----------
    gram : array_like, shape (K, K)
        G, symmetric positive semi-definite.
    rhs : array_like, shape (K,)
        b.
    constraint : {"nonneg", "simplex"}
        The feasible set.

    Returns
    -------
    numpy.ndarray, shape (K,)
        The minimiser w.

    Raises
    ------
    InputError
        An unknown ``constraint``, bad shapes or non-finite values.
    SolverError
        The active-set solver failed.
    """
    if constraint not in CONSTRAINTS:
        raise InputError(f"constraint must be one of {CONSTRAINTS}; got {constraint!r}.")
    gram = np.asarray(gram, dtype=float)
    rhs = np.asarray(rhs, dtype=float)
    if gram.ndim != 2 or gram.shape[0] != gram.shape[1] or rhs.shape != (gram.shape[0],) or gram.shape[0] == 0:
        raise InputError(
            f"expected a square Gram matrix (K, K) and a vector (K,) with K >= 1; got {gram.shape} and {rhs.shape}."
        )
    if not (np.isfinite(gram).all() and np.isfinite(rhs).all()):
        raise InputError("the Gram matrix or right-hand side contains NaN or infinite values.")
    return solve_grams(gram[None], rhs[None], constraint)[0]


def solve_grams(grams: np.ndarray, rhs: np.ndarray, constraint: Constraint = "nonneg") -> np.ndarray:
    """:func:`solve_gram` for a stack of problems (P, K, K) and (P, K) in one call of the compiled solver:
    each row of the result is exactly what :func:`solve_gram` gives for that problem."""
    if constraint not in CONSTRAINTS:
        raise InputError(f"constraint must be one of {CONSTRAINTS}; got {constraint!r}.")
    grams = np.asarray(grams, dtype=float)
    rhs = np.asarray(rhs, dtype=float)
    if grams.ndim != 3 or grams.shape[1] != grams.shape[2] or rhs.shape != grams.shape[:2] or grams.shape[1] == 0:
        raise InputError(
            f"expected Gram matrices (P, K, K) and vectors (P, K) with K >= 1; got {grams.shape} and {rhs.shape}."
        )
    if not (np.isfinite(grams).all() and np.isfinite(rhs).all()):
        raise InputError("the Gram matrix or right-hand side contains NaN or infinite values.")
    n, k = rhs.shape
    # Start the simplex at its best vertex: the path then only ever improves on it.
    if constraint == "simplex":
        first = np.argmin(0.5 * np.diagonal(grams, axis1=1, axis2=2) - rhs, axis=1)
    else:
        first = np.zeros(n, dtype=np.int64)
    others = np.arange(k)[None, :].repeat(n, 0)
    orders = np.concatenate([first[:, None], others[others != first[:, None]].reshape(n, k - 1)], axis=1)
    return solve_paths(grams, np.arange(n), rhs, orders, constraint).final
