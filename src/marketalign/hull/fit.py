"""One constrained fit with its cross-validated error, from the same one-pass fold statistics as the curves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from marketalign.errors import InputError
from marketalign.hull.curves import validate_arrays
from marketalign.hull.estimators import (
    CONTRIBUTION_THRESHOLD,
    FIT_CONSTRAINTS,
    constrained_weights_many,
    contributions,
)
from marketalign.hull.scaling import to_unit_range
from marketalign.hull.suffstats import accumulate, assign_folds, assign_group_folds


@dataclass(frozen=True)
class FitReport:
    """Weights per Bob, offset, training MSE and F-fold cross-validated MSE (with the constant's, for scale).

    Attributes
    ----------
    constraint : {"simplex", "nonneg"}
        The weights' constraint (docs/theory.md §1.3).
    weights : dict of str to float
        w per Bob, fitted on all rows.
    offset : float
        The offset c.
    training_mse, cv_mse : float
        MSE on all rows, and mean held-out MSE over the folds.
    cv_mse_per_fold : tuple of float
        Held-out MSE of each fold.
    constant_cv_mse : float
        Held-out MSE of the training mean, for scale.
    n_rows, folds, seed : int
        Rows, folds and fold seed.
    n_groups : int or None
        Groups, when folds never split a group (docs/theory.md §1.7).
    contributions : dict of str to float or None
        w_i sd(U_i) / sd(h) per Bob (docs/theory.md §1.8).
    """

    constraint: str
    weights: dict[str, float]
    offset: float
    training_mse: float
    cv_mse: float
    cv_mse_per_fold: tuple[float, ...]
    constant_cv_mse: float
    n_rows: int
    folds: int
    seed: int
    n_groups: int | None = None  # set when folds never split a group (docs/theory.md §1.7, Definition G1)
    contributions: dict[str, float] | None = None  # w_i sd(U_i) / sd(h) per Bob (docs/theory.md §1.8, Definition G2)

    @property
    def used(self) -> list[str]:
        """The Bobs that carry weight: contribution above ``CONTRIBUTION_THRESHOLD`` (1e-3), whatever the units
        a Bob scores in. Only the curves' sparsity count (Figure 2's ``nnz``) keeps the paper's absolute 1e-6 on
        the weights."""
        return [name for name, c in (self.contributions or {}).items() if c > CONTRIBUTION_THRESHOLD]

    @property
    def weight_sum(self) -> float:
        """Σw, the coefficient budget (1 for simplex weights)."""
        return float(sum(self.weights.values()))

    @property
    def effective_bobs(self) -> float:
        """(Σw)² / Σw², the effective number of Bobs (0 when every weight is 0)."""
        square = sum(w * w for w in self.weights.values())
        return float(self.weight_sum**2 / square) if square > 0 else 0.0

    def to_dict(self) -> dict:
        explained = 1.0 - self.cv_mse / self.constant_cv_mse if self.constant_cv_mse > 0 else float("nan")
        return {
            "constraint": self.constraint,
            "weights": self.weights,
            "offset": self.offset,
            "used": self.used,
            "contributions": self.contributions,
            "weight_sum": self.weight_sum,
            "effective_bobs": self.effective_bobs,
            "training_mse": self.training_mse,
            "cv_mse": self.cv_mse,
            "cv_mse_per_fold": list(self.cv_mse_per_fold),
            "constant_cv_mse": self.constant_cv_mse,
            "cv_explained_fraction": explained,
            "n_rows": self.n_rows,
            "folds": self.folds,
            "seed": self.seed,
            **({} if self.n_groups is None else {"folds_by": "group", "n_groups": self.n_groups}),
        }


def fit_with_cv(
    scores: np.ndarray,
    target: np.ndarray,
    constraint: str = "simplex",
    *,
    folds: int = 5,
    seed: int = 0,
    bob_names: Sequence[str] | None = None,
    groups: np.ndarray | Sequence | None = None,
) -> FitReport:
    """Fit h ≈ Σ w_i U_i + c on all rows, and report the held-out MSE of the same fit on ``folds`` folds.

    ``groups`` (one label per row) makes folds that never split a group (docs/theory.md §1.7, Definition G1).
    The fit runs on the data rescaled exactly by a power of two (:mod:`marketalign.hull.scaling`), so it does not
    depend on the units: weights are unchanged when Alice and the Bobs are scaled together, MSEs scale by the
    factor squared.

    Parameters
    ----------
    scores : array_like, shape (N, K)
        One column per Bob.
    target : array_like, shape (N,)
        Alice's utility h.
    constraint : {"simplex", "nonneg"}
        w in the simplex (convex hull) or w ≥ 0 (market alignment; docs/theory.md §1.3).
    folds : int
        Cross-validation folds (at least 2).
    seed : int
        Seed of the fold split.
    bob_names : sequence of str, optional
        One name per Bob (default ``bob_0``, ...).
    groups : array_like, shape (N,), optional
        A group label per row.

    Returns
    -------
    FitReport
        Weights, offset, training and held-out MSE, sparsity.

    Raises
    ------
    InputError
        Bad constraint, shapes, names, group labels or non-finite values, or a column too small to represent
        next to the others.
    SolverError
        The active-set solver failed.
    """
    if constraint not in FIT_CONSTRAINTS:
        raise InputError(f"constraint must be one of {FIT_CONSTRAINTS}; got {constraint!r}.")
    scores, target = validate_arrays(scores, target)
    if target.shape[1] != 1:
        raise InputError("fit_with_cv takes one target column.")
    n_rows, n_bobs = scores.shape
    names = list(bob_names) if bob_names is not None else [f"bob_{i}" for i in range(n_bobs)]
    if len(names) != n_bobs:
        raise InputError(f"{len(names)} Bob names for {n_bobs} score columns.")
    if groups is None:
        labels, n_groups = assign_folds(n_rows, folds, seed), None
    else:
        groups = np.asarray(groups)
        if groups.dtype.kind not in "biufUS":  # numbers and strings factorize as they are, in the same order
            groups = groups.astype(object)
        if groups.ndim != 1 or len(groups) != n_rows:
            raise InputError(f"groups have shape {groups.shape} but scores have {n_rows} rows; give one label per row.")
        labels, n_groups = assign_group_folds(groups, folds, seed)
    scores, target, exponent = to_unit_range(scores, target, [*names, "target"])
    stats = accumulate(scores, target, labels, folds)
    total = stats.total()
    trains = [stats.training(f) for f in range(folds)]
    problems = [m.centred(stats.s_shift) for m in (total, *trains)]  # all rows first, then each training set
    all_weights = constrained_weights_many(constraint, np.stack([g for g, _, _ in problems]),
                                           np.stack([b[:, 0] for _, b, _ in problems]),
                                           np.array([float(q[0]) for _, _, q in problems]))
    gram, cross, sq = problems[0]
    weights = all_weights[0]
    shifted_offset = total.h_mean[0] - total.s_mean @ weights
    offset = float(np.ldexp(shifted_offset + stats.h_shift[0] - stats.s_shift @ weights, exponent))
    squared = 2 * exponent  # MSEs come back in Alice's units squared
    training_mse = float(np.ldexp((weights @ gram @ weights - 2 * weights @ cross[:, 0] + sq[0]) / n_rows, squared))
    per_fold, constant = [], []
    for f, (train, w) in enumerate(zip(trains, all_weights[1:], strict=True)):
        e_gram, e_rhs, e_const = stats.fold(f).about(train.s_mean, train.h_mean)
        per_fold.append(float(np.ldexp((w @ e_gram @ w - 2 * w @ e_rhs[:, 0] + e_const[0]) / stats.counts[f], squared)))
        constant.append(float(np.ldexp(e_const[0] / stats.counts[f], squared)))
    return FitReport(
        constraint=constraint,
        weights={name: float(w) for name, w in zip(names, weights, strict=True)},
        offset=offset,
        training_mse=training_mse,
        cv_mse=float(np.mean(per_fold)),
        cv_mse_per_fold=tuple(per_fold),
        constant_cv_mse=float(np.mean(constant)),
        n_rows=n_rows,
        folds=folds,
        seed=seed,
        n_groups=n_groups,
        contributions=dict(zip(names, map(float, contributions(weights, gram, float(sq[0]))), strict=True)),
    )

