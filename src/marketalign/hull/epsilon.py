"""Exact sup-norm misalignment ε of Definition 1 ("Approximate Market Alignment") on finite utility tables.

Following the paper's Definition 1, Alice's utility u_A is ε-approximately market aligned with the Bobs'
utilities U_1..U_k when there are weights w_i ≥ 0 and an offset c with

    sup_{a,y} | Σ_i w_i U_i(a, y) + c − u_A(a, y) | ≤ ε,

and the convex-hull variant also asks Σ_i w_i = 1. The minimal ε is a linear program in (w, c, t)
(our formalisation, docs/theory.md §1.2): minimise t subject to ±(Σ_i w_i U_i(a,y) + c − u_A(a,y)) ≤ t.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_array, hstack, vstack

from marketalign.errors import InputError, SolverError
from marketalign.hull.constraints import WEIGHT_KINDS
from marketalign.hull.scaling import to_unit_range

WeightsKind = Literal["simplex", "nonneg"]
_BINDING_TOL = 1e-9


@dataclass(frozen=True)
class EpsilonResult:
    """The minimal ε with the weights and offset that attain it.

    ``binding`` lists the (action, state) cells whose residual reaches ±ε (to 1e-9 of max(ε, max|u_A|)): the cells that
    certify the optimum.

    Attributes
    ----------
    epsilon : float
        The minimal sup-norm ε (docs/theory.md §1.2, Definition 1).
    weights : numpy.ndarray, shape (k,)
        The weights w that attain it.
    offset : float
        The offset c.
    binding : tuple of (int, int)
        The binding cells, as above.
    kind : {"nonneg", "simplex"}
        The weights' constraint.
    """

    epsilon: float
    weights: np.ndarray
    offset: float
    binding: tuple[tuple[int, int], ...]
    kind: str

    def to_dict(self) -> dict:
        """A JSON-ready view: ``epsilon``, ``weights``, ``offset``, ``binding`` and ``kind``."""
        return {
            "epsilon": float(self.epsilon),
            "weights": [float(w) for w in self.weights],
            "offset": float(self.offset),
            "binding": [list(cell) for cell in self.binding],
            "kind": self.kind,
        }


def validate_tables(alice: np.ndarray, bobs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Check shapes (A, Y) and (k, A, Y) and finiteness; return float64 copies.

    Parameters
    ----------
    alice : array_like, shape (A, Y)
        Alice's utility u_A(a, y), one row per action and one column per state (docs/theory.md §1.2).
    bobs : array_like, shape (k, A, Y)
        One utility table per Bob over the same actions and states.

    Returns
    -------
    alice : numpy.ndarray of float64, shape (A, Y)
    bobs : numpy.ndarray of float64, shape (k, A, Y)

    Raises
    ------
    InputError
        ``alice`` empty or not 2-D, ``bobs`` not 3-D or with no Bob, a Bob's table of another shape than
        Alice's, or a NaN or infinite cell.
    """
    alice = np.asarray(alice, dtype=float)
    bobs = np.asarray(bobs, dtype=float)
    if alice.ndim != 2 or alice.size == 0:
        raise InputError(
            f"Alice's utility table must be a non-empty 2-D array of shape (actions, states); got shape "
            f"{alice.shape}. Pass one row per action and one column per state."
        )
    if bobs.ndim != 3 or bobs.shape[0] == 0:
        raise InputError(
            f"The Bobs' utility tables must form a 3-D array of shape (k, actions, states) with k >= 1; got "
            f"shape {bobs.shape}. Stack one (actions, states) table per Bob."
        )
    if bobs.shape[1:] != alice.shape:
        raise InputError(
            f"Each Bob's table has shape {bobs.shape[1:]} but Alice's has shape {alice.shape}; all tables must "
            "index the same actions and states."
        )
    if not (np.isfinite(alice).all() and np.isfinite(bobs).all()):
        raise InputError("Utility tables contain NaN or infinite values; every cell must be a finite number.")
    return alice, bobs


def epsilon_sup(alice: np.ndarray, bobs: np.ndarray, weights: WeightsKind = "nonneg") -> EpsilonResult:
    """Minimal sup-norm ε of Definition 1 for tables ``alice`` (A, Y) and ``bobs`` (k, A, Y).

    ``weights="nonneg"`` allows any w ≥ 0 (market alignment); ``"simplex"`` also asks Σ w = 1 (convex hull).
    Both fit a free offset c. The LP is solved with HiGHS on the tables rescaled exactly by one power of two
    (:mod:`marketalign.hull.scaling`), so its absolute tolerances act relative to the data and the weights do
    not depend on the units; the returned ε is then recomputed exactly from the returned (w, c) with c
    re-centred, so the reported ε is always attained by the reported weights.

    Parameters
    ----------
    alice : array_like, shape (A, Y)
        Alice's utility u_A(a, y).
    bobs : array_like, shape (k, A, Y)
        One utility table per Bob.
    weights : {"nonneg", "simplex"}
        The cone (market alignment) or the convex hull (docs/theory.md §1.2).

    Returns
    -------
    EpsilonResult
        ε, the weights w, the offset c and the binding cells.

    Raises
    ------
    InputError
        An unknown ``weights``, bad shapes or non-finite values, or values too large or small to represent.
    SolverError
        HiGHS did not solve the LP (it is always feasible and bounded, so this is numerical).
    """
    if weights not in WEIGHT_KINDS:
        raise InputError(f"weights must be one of {WEIGHT_KINDS}; got {weights!r}.")
    alice, bobs = validate_tables(alice, bobs)
    k = bobs.shape[0]
    U, u, exponent = to_unit_range(bobs.reshape(k, -1).T, alice.reshape(-1, 1))  # cells x k, cells x 1
    u = u[:, 0]
    n = u.size
    # Variables: w (k), c (1), t (1). Rows: U w + c - t <= u and -U w - c - t <= -u.
    ones = np.ones((n, 1))
    upper = hstack([csr_array(U), csr_array(ones), csr_array(-ones)])
    lower = hstack([csr_array(-U), csr_array(-ones), csr_array(-ones)])
    A_ub = vstack([upper, lower]).tocsr()
    b_ub = np.concatenate([u, -u])
    cost = np.zeros(k + 2)
    cost[-1] = 1.0
    bounds = [(0.0, None)] * k + [(None, None), (0.0, None)]
    A_eq = b_eq = None
    if weights == "simplex":
        A_eq = np.concatenate([np.ones(k), [0.0, 0.0]])[None, :]
        b_eq = np.array([1.0])
    result = linprog(
        cost,
        A_ub=A_ub,
        b_ub=b_ub,
        A_eq=A_eq,
        b_eq=b_eq,
        bounds=bounds,
        method="highs-ds",
        options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
    )
    if result.status != 0:  # the LP is always feasible and bounded; anything else is a solver failure
        raise SolverError(f"HiGHS failed on the epsilon LP (status {result.status}): {result.message}")
    w = np.clip(result.x[:k], 0.0, None)
    if weights == "simplex":
        w = w / w.sum()
    residual = u - U @ w
    offset = 0.5 * (residual.max() + residual.min())
    eps = 0.5 * (residual.max() - residual.min())
    tol = _BINDING_TOL * max(abs(eps), float(np.abs(u).max()))
    hits = np.flatnonzero(np.abs(residual - offset) >= eps - tol)
    binding = tuple((int(i), int(j)) for i, j in zip(*np.unravel_index(hits, alice.shape), strict=True))
    return EpsilonResult(epsilon=float(np.ldexp(eps, exponent)), weights=w, offset=float(np.ldexp(offset, exponent)),
                         binding=binding, kind=weights)
