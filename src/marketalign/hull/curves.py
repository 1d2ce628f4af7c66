"""Curves over K (Figures 1–4): held-out MSE and sparsity as more Bobs join the market.

Protocol (docs/theory.md §1.3): for K = 1..K_max, over random orderings of the Bobs (the first K of each) or over
all K-subsets, with F-fold cross-validation whose split is shared by every method and every K. Methods, each
with a free offset fitted on the training folds:

- ``constant``: the training mean (no Bob at all) — the reference every other method must beat;
- ``single``: the best single Bob, U_i + c, chosen by training MSE;
- ``single_scaled``: the best single Bob with a fitted non-negative scale, a·U_i + c (a ≥ 0);
- ``average``: the plain average of the K Bobs plus c;
- ``simplex``: Σ w_i U_i + c with w in the simplex (the convex hull);
- ``nnls``: Σ w_i U_i + c with w ≥ 0 (market alignment, Definition 1's cone).

A curve's value at (K, method) is the mean over folds of the held-out MSE; the table reports its mean, std and
standard error over orderings (or subsets), the fraction of the constant predictor's MSE explained, and the
sparsity (weights > 1e-6) of the fit on all rows. Everything is computed from one pass over the rows
(:mod:`marketalign.hull.suffstats`); many targets (humans) share that pass and are solved together.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from marketalign.errors import InputError
from marketalign.hull.constraints import CURVE_FOLDS, CURVE_ORDERINGS, CURVE_SEED
from marketalign.hull.scaling import to_unit_range
from marketalign.hull.solvers import solve_paths
from marketalign.hull.suffstats import FoldStatistics, accumulate, assign_folds, assign_group_folds
from marketalign.progress import progress_bar
from marketalign.seeding import child

METHODS: tuple[str, ...] = ("constant", "single", "single_scaled", "average", "simplex", "nnls")
_SOLVED = {"simplex": "simplex", "nnls": "nonneg"}
_PROBLEMS_PER_BLOCK = 20_000  # bounds memory per solver call
_BLOCKS_FOR_PROGRESS = 20  # long runs are cut into about this many blocks so the progress bar moves


@dataclass(frozen=True)
class CurveConfig:
    """How to draw the curves: K range, orderings or all subsets, folds, seed and methods.

    Parameters
    ----------
    k_max : int, optional
        The largest market size K (default: every Bob).
    orderings : int
        Random orderings of the Bobs (``subsets="orderings"``).
    folds : int
        Cross-validation folds, shared by every method, K and curve.
    seed : int
        Seed of the folds and the orderings.
    subsets : {"orderings", "all"}
        Random orderings, or every K-subset (docs/theory.md §1.3).
    methods : tuple of str
        Among :data:`METHODS`.
    """

    k_max: int | None = None  # default: every Bob
    orderings: int = CURVE_ORDERINGS
    folds: int = CURVE_FOLDS
    seed: int = CURVE_SEED
    subsets: Literal["orderings", "all"] = "orderings"
    methods: tuple[str, ...] = METHODS

    def validated(self, n_bobs: int, n_rows: int) -> CurveConfig:
        """Check the settings against the data; fill in ``k_max``."""
        k_max = n_bobs if self.k_max is None else self.k_max
        if not 1 <= k_max <= n_bobs:
            raise InputError(f"k_max must be between 1 and the number of Bobs ({n_bobs}); got {k_max}.")
        if self.orderings < 1:
            raise InputError(f"orderings must be at least 1; got {self.orderings}.")
        if self.subsets not in ("orderings", "all"):
            raise InputError(f"subsets must be 'orderings' or 'all'; got {self.subsets!r}.")
        if self.subsets == "all" and math.comb(n_bobs, n_bobs // 2) > 100_000:
            raise InputError(
                f"all K-subsets of {n_bobs} Bobs are too many to enumerate; use subsets='orderings' or fewer Bobs."
            )
        unknown = sorted(set(self.methods) - set(METHODS))
        if unknown or not self.methods:
            raise InputError(f"unknown methods {unknown}; choose from {METHODS}.")
        if self.folds < 2 or self.folds > n_rows:
            raise InputError(f"folds must be between 2 and the number of rows ({n_rows}); got {self.folds}.")
        return CurveConfig(k_max, self.orderings, self.folds, self.seed, self.subsets, tuple(self.methods))


@dataclass(frozen=True)
class CurveResult:
    """Curves for every target: a tidy ``table`` and the per-curve MSE behind it (docs/theory.md §1.3).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (target, K, method): mean, std and s.e. of the MSE over curves, sparsity, Σw, the fraction
        of the constant predictor's MSE explained and the number of curves (what ``curve.csv`` holds).
    mse : numpy.ndarray
        ``mse[t, c, K−1, m]``, the fold-averaged held-out MSE of target t on curve c (an ordering or a subset)
        at K for method ``methods[m]`` (NaN where curve c has no value at K, e.g. a subset of another size).
    nonzero : numpy.ndarray
        Same shape: the number of weights above 1e-6 of the fit on all rows.
    methods, targets, bobs : tuple of str
        The names along the method, target and Bob axes.
    config : CurveConfig
        The validated settings (``k_max`` filled in).
    n_rows : int
        Rows of the data (summed over humans for a merged result).
    folds : numpy.ndarray
        The fold label of every row, shared by every method, K and curve.
    n_groups : int or None
        The number of groups when folds never split a group (docs/theory.md §1.7, Definition G1).
    orders : tuple of tuple of int
        ``orders[c]`` lists the Bobs of curve c (column indices into ``bobs``) in the order they join: with
        ``subsets="orderings"`` an ordering of ``k_max`` Bobs whose first K are the market at K; with
        ``subsets="all"`` one K-subset, reported at its size K only. ``market_curve(..., orders=result.orders)``
        with the same data and config re-fits exactly these curves.
    """

    table: pd.DataFrame
    mse: np.ndarray
    nonzero: np.ndarray
    methods: tuple[str, ...]
    targets: tuple[str, ...]
    bobs: tuple[str, ...]
    config: CurveConfig
    n_rows: int
    folds: np.ndarray = field(repr=False)
    n_groups: int | None = None  # number of groups when folds never split a group (docs/theory.md §1.7, Definition G1)
    orders: tuple[tuple[int, ...], ...] = field(default=(), repr=False)

    def summary(self) -> dict:
        """Headline numbers at K_max per target, plus the configuration: JSON-ready."""
        k_max = self.config.k_max
        at_k = self.table[self.table["K"] == k_max]
        targets = {}
        for target, rows in at_k.groupby("target", sort=False):
            mse = dict(zip(rows["method"], rows["mse_mean"], strict=True))
            entry = {"mse_at_kmax": mse}
            explained = dict(zip(rows["method"], rows["explained_mean"], strict=True))
            entry["explained_at_kmax"] = explained
            for method in ("simplex", "nnls"):
                for baseline in ("single", "average", "single_scaled"):
                    if method in mse and baseline in mse and mse[baseline] > 0:
                        key = f"{method}_vs_{baseline}_pct"
                        entry[key] = 100.0 * (mse[method] - mse[baseline]) / mse[baseline]
            targets[str(target)] = entry
        folds_by = {} if self.n_groups is None else {"folds_by": "group", "n_groups": self.n_groups}
        return {
            "config": asdict(self.config),
            **folds_by,
            "n_rows": self.n_rows,
            "n_bobs": len(self.bobs),
            "n_targets": len(self.targets),
            "n_curves": int(self.mse.shape[1]),
            "targets": targets,
        }


def market_curve(
    scores: np.ndarray,
    targets: np.ndarray,
    config: CurveConfig = CurveConfig(),
    *,
    groups: np.ndarray | Sequence | None = None,
    bob_names: Sequence[str] | None = None,
    target_names: Sequence[str] | None = None,
    quiet: bool = True,
    orders: Sequence[Sequence[int]] | None = None,
) -> CurveResult:
    """Curves over K for Bob scores (N, K) against one target (N,) or many (N, T) sharing the same Bobs.

    Parameters
    ----------
    scores : array_like, shape (N, K)
        One column per Bob.
    targets : array_like, shape (N,) or (N, T)
        Alice's utility (one column per target).
    config : CurveConfig
        K range, orderings or all subsets, folds, seed and methods.
    groups : array_like, shape (N,), optional
        A group label per row: folds never split a group (docs/theory.md §1.7, Definition G1).
    bob_names, target_names : sequence of str, optional
        Names of the columns (default ``bob_0``, ... and ``target_0``, ...).
    quiet : bool
        No progress bar.
    orders : sequence of sequence of int, optional
        The curves to fit (a :attr:`CurveResult.orders`) instead of those drawn from ``config.seed``.

    Returns
    -------
    CurveResult
        The curves of every target, with the folds and the orders used.

    Raises
    ------
    InputError
        Bad shapes or values, or settings the data cannot support (see :func:`market_curves`).
    """
    return market_curves([(scores, targets)], config, bob_names=bob_names, target_names=target_names,
                         quiet=quiet, groups=None if groups is None else [groups], orders=orders)[0]


def market_curves(
    datasets: Sequence[tuple[np.ndarray, np.ndarray]],
    config: CurveConfig = CurveConfig(),
    *,
    bob_names: Sequence[str] | None = None,
    target_names: Sequence[str] | None = None,
    quiet: bool = True,
    dataset_ids: Sequence[int] | None = None,
    groups: Sequence[np.ndarray | Sequence] | None = None,
    orders: Sequence[Sequence[int]] | None = None,
) -> list[CurveResult]:
    """Curves for several data sets at once, e.g. every user of a ratings site with her own items.

    Each data set is (scores (N_i, K), targets (N_i,) or (N_i, T)) with the same K Bobs (in the same column
    order) and the same number of targets T. Every data set gets its own seeded fold split; all share the same
    orderings of the Bobs; all their small solves run in one batch. ``dataset_ids`` (default: the positions
    0, 1, ...) seed each data set's folds, so a slice of a larger list, given its positions in that list, gets
    the folds the whole list would (how :mod:`marketalign.hull.by_human` splits humans into chunks).
    ``groups`` (one array of N_i row labels per data set) makes every data set's folds whole groups, drawn
    with the same seeds (docs/theory.md §1.7, Definition G1). Each data set is solved rescaled exactly by a power
    of two (:mod:`marketalign.hull.scaling`): its weights and sparsity do not depend on the units Alice and
    the Bobs share, and its MSEs scale by the factor squared.

    Parameters
    ----------
    datasets : sequence of (scores, targets)
        Scores (N_i, K) and targets (N_i,) or (N_i, T) per data set.
    config : CurveConfig
        K range, orderings or all subsets, folds, seed and methods (docs/theory.md §1.3).
    bob_names, target_names : sequence of str, optional
        Names of the Bob and target columns.
    quiet : bool
        No progress bar.
    dataset_ids : sequence of int, optional
        Each data set's position in a larger list, which seeds its folds.
    groups : sequence of array_like, optional
        Row group labels per data set; folds never split a group.
    orders : sequence of sequence of int, optional
        The curves to fit, as in :attr:`CurveResult.orders` (Bob column indices; each of ``k_max`` distinct
        Bobs for ``subsets="orderings"``, each a subset of 1..``k_max`` Bobs for ``subsets="all"``); default:
        drawn from ``config.seed``. The folds are drawn from the seed either way.

    Returns
    -------
    list of CurveResult
        One per data set, in order; all share ``orders``.

    Raises
    ------
    InputError
        No data sets, mismatched shapes or names, non-finite values, a column too small to represent next to
        the others, settings the data cannot support (see :meth:`CurveConfig.validated`), or ``orders`` that
        do not fit the Bobs and the config.
    SolverError
        The active-set solver failed (see :func:`marketalign.hull.solvers.solve_paths`).
    """
    if not datasets:
        raise InputError("no data sets given; pass at least one (scores, targets) pair.")
    arrays = [validate_arrays(scores, targets) for scores, targets in datasets]
    n_bobs, n_targets = arrays[0][0].shape[1], arrays[0][1].shape[1]
    if any(s.shape[1] != n_bobs or h.shape[1] != n_targets for s, h in arrays):
        raise InputError("every data set must have the same Bob columns and the same number of targets.")
    config = config.validated(n_bobs, min(len(s) for s, _ in arrays))
    bob_names = tuple(bob_names) if bob_names is not None else tuple(f"bob_{i}" for i in range(n_bobs))
    target_names = (
        tuple(target_names) if target_names is not None else tuple(f"target_{t}" for t in range(n_targets))
    )
    if len(bob_names) != n_bobs or len(target_names) != n_targets:
        raise InputError("bob_names and target_names must have one name per column of scores and targets.")
    scaled = [to_unit_range(s, h, [*bob_names, *target_names]) for s, h in arrays]
    arrays, exponents = [(s, h) for s, h, _ in scaled], [e for _, _, e in scaled]
    fold_seeds = _fold_seeds(config.seed, len(arrays), dataset_ids)
    if groups is None:
        folds = [
            assign_folds(len(s), config.folds, np.random.default_rng(seed))
            for (s, _), seed in zip(arrays, fold_seeds, strict=True)
        ]
        n_groups: list[int | None] = [None] * len(arrays)
    else:
        folds, n_groups = _group_folds(groups, arrays, config.folds, fold_seeds)
    stacked = _stack([accumulate(s, h, f, config.folds) for (s, h), f in zip(arrays, folds, strict=True)])
    if orders is None:
        curves = _curve_orders(n_bobs, config, np.random.default_rng(child(config.seed, 1)))
    else:
        curves = _given_orders(orders, n_bobs, config)
    used = tuple(tuple(int(b) for b in order) for group in curves for order in group.orders)
    mse, nonzero, weight_sum = _evaluate(stacked, curves, config, quiet)
    mse = np.ldexp(mse, 2 * np.asarray(exponents).reshape(-1, *[1] * (mse.ndim - 1)))
    return [
        CurveResult(_tabulate(mse[i], nonzero[i], weight_sum[i], config, target_names), mse[i], nonzero[i],
                    config.methods, target_names, bob_names, config, len(arrays[i][0]), folds[i], n_groups[i],
                    used)
        for i in range(len(arrays))
    ]


def _group_folds(
    groups: Sequence, arrays: list, folds: int, fold_seeds: list[np.random.SeedSequence]
) -> tuple[list[np.ndarray], list[int | None]]:
    """Each data set's fold labels made of whole groups, and its number of groups."""
    if len(groups) != len(arrays):
        raise InputError(f"groups must hold one array per data set: {len(arrays)} data sets, {len(groups)} arrays.")
    labels, counts = [], []
    for i, ((s, _), g, seed) in enumerate(zip(arrays, groups, fold_seeds, strict=True)):
        g = np.asarray(g, dtype=object)
        if g.ndim != 1 or len(g) != len(s):
            raise InputError(
                f"groups of data set {i} have shape {g.shape} but its scores have {len(s)} rows; give one "
                "group label per row."
            )
        fold_of_row, n_groups = assign_group_folds(g, folds, np.random.default_rng(seed))
        labels.append(fold_of_row)
        counts.append(n_groups)
    return labels, counts


def _fold_seeds(seed: int, n_datasets: int, dataset_ids: Sequence[int] | None) -> list[np.random.SeedSequence]:
    """Data set i's fold seed (:mod:`marketalign.seeding`): ``child(seed, 0, dataset_ids[i])``, or
    ``child(seed, 0, i)`` without ids, or ``child(seed, 0)`` for one data set without ids."""
    if dataset_ids is None:
        return [child(seed, 0)] if n_datasets == 1 else [child(seed, 0, i) for i in range(n_datasets)]
    ids = [int(i) for i in dataset_ids]
    if len(ids) != n_datasets or min(ids) < 0 or len(set(ids)) != len(ids):
        raise InputError(f"dataset_ids must be {n_datasets} distinct non-negative integers, one per data set.")
    return [child(seed, 0, i) for i in ids]


def validate_arrays(scores: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Float64 copies of scores (N, K) and targets (N, T); clear errors for bad shapes and values.

    Parameters
    ----------
    scores : array_like, shape (N, K)
        One column per Bob.
    targets : array_like, shape (N,) or (N, T)
        Alice's utility, one column per target; a 1-D array becomes one column.

    Returns
    -------
    scores : numpy.ndarray of float64, shape (N, K)
    targets : numpy.ndarray of float64, shape (N, T)

    Raises
    ------
    InputError
        ``scores`` not a non-empty 2-D array, ``targets`` without one row per score row or without columns, or
        NaN or infinite values in either.
    """
    scores = np.asarray(scores, dtype=float)
    targets = np.asarray(targets, dtype=float)
    if targets.ndim == 1:
        targets = targets[:, None]
    if scores.ndim != 2 or scores.shape[0] == 0 or scores.shape[1] == 0:
        raise InputError(f"Bob scores must be a non-empty 2-D array (rows, Bobs); got shape {scores.shape}.")
    if targets.ndim != 2 or targets.shape[0] != scores.shape[0] or targets.shape[1] == 0:
        raise InputError(
            f"targets must have one row per instance: scores have {scores.shape[0]} rows, targets shape "
            f"{targets.shape}."
        )
    for name, values in (("Bob scores", scores), ("targets", targets)):
        if np.isfinite(values.max()) and np.isfinite(values.min()):  # NaN propagates: then every value is finite
            continue
        bad = ~np.isfinite(values)
        if bad.any():
            rows, cols = np.nonzero(bad)
            raise InputError(
                f"{name} contain {bad.sum()} NaN or infinite values (first at row {rows[0]}, column "
                f"{cols[0]}); drop or impute those rows first."
            )
    return scores, targets


@dataclass(frozen=True)
class _Curves:
    """Variable orders to solve along, and which step of each order is reported (all, or only the last)."""

    orders: np.ndarray  # (C, L): curve c adds Bob orders[c, j] at step j + 1
    report_all_steps: bool
    size: np.ndarray  # (C,) for subsets: the subset's size (the one K it reports)


def _curve_orders(n_bobs: int, config: CurveConfig, rng: np.random.Generator) -> list[_Curves]:
    k_max = config.k_max
    if config.subsets == "orderings":
        orders = np.stack([rng.permutation(n_bobs)[:k_max] for _ in range(config.orderings)])
        return [_Curves(orders, True, np.full(len(orders), k_max))]
    groups = []
    for k in range(1, k_max + 1):
        orders = np.array(list(itertools.combinations(range(n_bobs), k)), dtype=np.int64)
        groups.append(_Curves(orders, False, np.full(len(orders), k)))
    return groups


def _given_orders(orders: Sequence[Sequence[int]], n_bobs: int, config: CurveConfig) -> list[_Curves]:
    """The caller's curves in the solver's form, checked against the Bobs and the config."""
    rows = [np.asarray(order, dtype=np.int64).ravel() for order in orders]
    k_max = config.k_max
    if not rows:
        raise InputError("orders is empty; pass at least one curve (a CurveResult's orders) or None.")
    for c, row in enumerate(rows):
        if row.size == 0 or row.min() < 0 or row.max() >= n_bobs or len(set(row.tolist())) != row.size:
            raise InputError(f"orders[{c}] must list distinct Bob indices in 0..{n_bobs - 1}; got {row.tolist()}.")
        if config.subsets == "orderings" and row.size != k_max or row.size > k_max:
            want = f"{k_max} Bobs" if config.subsets == "orderings" else f"at most {k_max} Bobs"
            raise InputError(f"orders[{c}] has {row.size} Bobs but config asks for {want} (k_max = {k_max}).")
    if config.subsets == "orderings":
        stacked = np.stack(rows)
        return [_Curves(stacked, True, np.full(len(stacked), k_max))]
    groups = []
    for k in sorted({row.size for row in rows}):
        stacked = np.stack([row for row in rows if row.size == k])
        groups.append(_Curves(stacked, False, np.full(len(stacked), k)))
    return groups


@dataclass(frozen=True)
class _Stacked:
    """Every data set's statistics stacked in the form the methods use: D data sets, F folds, S = F + 1 fit
    sets (the F training sets, then all rows), K Bobs, T targets."""

    gram: np.ndarray  # (D, S, K, K) centred Gram matrix of each fit set
    rhs: np.ndarray  # (D, S, K, T) centred S'h
    sq: np.ndarray  # (D, S, T) centred h'h
    e_gram: np.ndarray  # (D, F, K, K) held-out error form of each fold, around its training means
    e_rhs: np.ndarray  # (D, F, K, T)
    e_const: np.ndarray  # (D, F, T)
    counts: np.ndarray  # (D, F) rows per fold

    @property
    def n_folds(self) -> int:
        return self.counts.shape[1]


def _stack(all_stats: Sequence[FoldStatistics]) -> _Stacked:
    parts = []
    for stats in all_stats:
        fits = [stats.training(f) for f in range(stats.n_folds)] + [stats.total()]
        held_out = [stats.fold(f).about(fits[f].s_mean, fits[f].h_mean) for f in range(stats.n_folds)]
        parts.append(([m.centred(stats.s_shift) for m in fits], held_out, stats.counts))
    field = lambda which, i: np.stack([np.stack([x[i] for x in part[which]]) for part in parts])  # noqa: E731
    return _Stacked(
        gram=field(0, 0), rhs=field(0, 1), sq=field(0, 2),
        e_gram=field(1, 0), e_rhs=field(1, 1), e_const=field(1, 2),
        counts=np.stack([part[2] for part in parts]),
    )


def _evaluate(
    stacked: _Stacked, groups: list[_Curves], config: CurveConfig, quiet: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-curve held-out MSE, sparsity and Σw for every (data set, target, curve, K, method)."""
    n_datasets, n_targets = stacked.sq.shape[0], stacked.sq.shape[2]
    n_curves = sum(len(g.orders) for g in groups)
    shape = (n_datasets, n_targets, n_curves, config.k_max, len(config.methods))
    mse = np.full(shape, np.nan)
    nonzero = np.full(shape, np.nan)
    weight_sum = np.full(shape, np.nan)
    n_series = n_datasets * n_targets
    total_blocks = sum(len(list(_block_ranges(len(g.orders), n_series, config.folds))) for g in groups)
    bar = progress_bar(total=total_blocks, desc="curves", quiet=quiet)
    first = 0
    for group in groups:
        for lo, hi in _block_ranges(len(group.orders), n_series, config.folds):
            orders = group.orders[lo:hi]
            block = _evaluate_block(orders, stacked, config.methods)
            steps = slice(None) if group.report_all_steps else slice(orders.shape[1] - 1, orders.shape[1])
            ks = slice(0, orders.shape[1]) if group.report_all_steps else steps
            for out, values in zip((mse, nonzero, weight_sum), block, strict=True):
                out[:, :, first + lo : first + hi, ks, :] = values[:, :, :, steps, :]
            bar.update()
        first += len(group.orders)
    bar.close()
    return mse, nonzero, weight_sum


def _block_ranges(n_curves: int, n_series: int, n_folds: int):
    """Blocks of curves: small enough for memory, and about 20 of them so a progress bar moves."""
    by_memory = _PROBLEMS_PER_BLOCK // (n_series * (n_folds + 1))
    per_block = max(1, min(by_memory, math.ceil(n_curves / _BLOCKS_FOR_PROGRESS)))
    for lo in range(0, n_curves, per_block):
        yield lo, min(n_curves, lo + per_block)


def _evaluate_block(orders, stacked: _Stacked, methods):
    """All methods for a block of curves: arrays (data sets, T, C, L, M) of MSE, non-zeros and Σw."""
    n_datasets, n_targets = stacked.sq.shape[0], stacked.sq.shape[2]
    shape = (n_datasets, n_targets, *orders.shape, len(methods))
    mse, nonzero, weight_sum = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    per_row = 1.0 / stacked.counts[:, :, None, None, None]  # (D, F, 1, 1, 1)
    for m, method in enumerate(methods):
        if method in _SOLVED:
            sse, nnz, wsum = _solved_method(orders, stacked, _SOLVED[method])
        elif method == "constant":
            sse, nnz, wsum = _constant(orders, stacked)
        elif method == "average":
            sse, nnz, wsum = _average(orders, stacked)
        else:
            sse, nnz, wsum = _single(orders, stacked, scaled=method == "single_scaled")
        mse[..., m] = (sse * per_row).mean(axis=1)
        nonzero[..., m] = nnz
        weight_sum[..., m] = wsum
    return mse, nonzero, weight_sum


def _solved_method(orders, stacked: _Stacked, constraint):
    """Held-out SSE per fold (D, F, T, C, L), and non-zeros and Σw of the all-rows fit (D, T, C, L).

    One batch holds every (data set, fit set, target, curve) problem; problem p uses Gram
    ``data set * S + fit set`` and, for a training set, the held-out form of its fold.
    """
    n_datasets, n_sets, n_bobs, n_targets = stacked.rhs.shape
    n_folds = stacked.n_folds
    n_curves, length = orders.shape
    data, sets, tgts, crvs = (
        index.ravel()
        for index in np.meshgrid(np.arange(n_datasets), np.arange(n_sets), np.arange(n_targets),
                                 np.arange(n_curves), indexing="ij")
    )
    training = sets < n_folds
    fold = np.minimum(sets, n_folds - 1)
    evaluation = (
        stacked.e_gram.reshape(-1, n_bobs, n_bobs),
        np.where(training, data * n_folds + fold, -1),
        np.where(training[:, None], stacked.e_rhs[data, fold, :, tgts], 0.0),
        np.where(training, stacked.e_const[data, fold, tgts], 0.0),
    )
    solution = solve_paths(stacked.gram.reshape(-1, n_bobs, n_bobs), data * n_sets + sets,
                           stacked.rhs[data, sets, :, tgts], orders[crvs], constraint, evaluation)
    shape = (n_datasets, n_sets, n_targets, n_curves, length)
    return (
        solution.value.reshape(shape)[:, :n_folds],
        solution.nonzero.reshape(shape)[:, n_folds],
        solution.weight_sum.reshape(shape)[:, n_folds],
    )


def _constant(orders, stacked: _Stacked):
    sse = np.broadcast_to(stacked.e_const[..., None, None], (*stacked.e_const.shape, *orders.shape))
    zeros = np.zeros((stacked.sq.shape[0], stacked.sq.shape[2], *orders.shape))
    return sse, zeros, zeros


def _average(orders, stacked: _Stacked):
    """w = 1/K on the first K Bobs: the held-out form's prefix sums along each ordering, one step at a time."""
    e_gram = stacked.e_gram  # (D, F, K, K)
    n_curves, length = orders.shape
    curves = np.arange(n_curves)
    column_sums = np.zeros((*e_gram.shape[:2], n_curves, e_gram.shape[3]))  # Σ_{i<l} E[:, o_i] per curve
    quad = np.zeros((*e_gram.shape[:2], n_curves, length))  # Σ_{i,j≤l} E[o_i, o_j]
    running = np.zeros(quad.shape[:3])
    for step in range(length):
        newest = orders[:, step]
        running = running + 2.0 * column_sums[:, :, curves, newest] + e_gram[:, :, newest, newest]
        quad[..., step] = running
        column_sums += np.swapaxes(e_gram[:, :, :, newest], 2, 3)
    ks = np.arange(1, length + 1)
    lin = np.moveaxis(stacked.e_rhs[:, :, orders, :].cumsum(axis=3), 4, 2)  # (D, F, T, C, L)
    sse = quad[:, :, None] / ks**2 - 2.0 * lin / ks + stacked.e_const[..., None, None]
    shape = (stacked.sq.shape[0], stacked.sq.shape[2], *orders.shape)
    return sse, np.broadcast_to(ks.astype(float), shape), np.ones(shape)


def _single(orders, stacked: _Stacked, scaled: bool):
    """The Bob with the lowest training error among the first K (with a fitted scale a ≥ 0 if ``scaled``)."""
    diag = np.diagonal(stacked.gram, axis1=2, axis2=3)[..., None]  # (D, S, K, 1)
    rhs, sq = stacked.rhs, stacked.sq[:, :, None, :]
    if scaled:
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(diag > 0, np.maximum(rhs, 0.0) / diag, 0.0)  # (D, S, K, T)
        train = sq - scale * rhs
    else:
        scale = np.ones_like(rhs)
        train = sq - 2.0 * rhs + diag
    best = _best_so_far(train, orders)  # (D, S, C, L, T): index of a Bob
    flat = best.reshape(*best.shape[:2], -1, best.shape[-1])
    a = np.take_along_axis(scale, flat, axis=2).reshape(best.shape)
    n_folds = stacked.n_folds
    held = best[:, :n_folds]
    held_flat = held.reshape(*held.shape[:2], -1, held.shape[-1])
    a_held = a[:, :n_folds]
    e_diag = np.diagonal(stacked.e_gram, axis1=2, axis2=3)[..., None]  # (D, F, K, 1)
    e_diag = np.take_along_axis(np.broadcast_to(e_diag, stacked.e_rhs.shape), held_flat, axis=2).reshape(held.shape)
    e_rhs = np.take_along_axis(stacked.e_rhs, held_flat, axis=2).reshape(held.shape)
    value = a_held**2 * e_diag - 2.0 * a_held * e_rhs + stacked.e_const[:, :, None, None, :]
    everything = a[:, n_folds]  # the all-rows fit: (D, C, L, T)
    return (
        np.moveaxis(value, 4, 2),
        np.moveaxis((everything > 0).astype(float), 3, 1),
        np.moveaxis(everything, 3, 1),
    )


def _best_so_far(train: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """Bob with the lowest ``train`` value (…, K, T) among the first K of each ordering, ties to the earlier:
    (…, C, L, T)."""
    values = train[..., orders, :]  # (…, C, L, T)
    running = np.minimum.accumulate(values, axis=-2)
    previous = np.concatenate([np.full_like(running[..., :1, :], np.inf), running[..., :-1, :]], axis=-2)
    steps = np.arange(orders.shape[1])[:, None]
    position = np.maximum.accumulate(np.where(values < previous, steps, -1), axis=-2)
    return np.take_along_axis(np.broadcast_to(orders[..., None], values.shape), position, axis=-2)


def _tabulate(mse, nonzero, weight_sum, config, target_names) -> pd.DataFrame:
    """Mean, std, s.e. over curves per (target, K, method); explained fraction vs the constant predictor.

    Arrays are (T, C, K, M); a curve with no value at some K (a subset of another size) is NaN there.
    """
    methods = config.methods
    present = ~np.isnan(mse)
    count = present.sum(axis=1)  # (T, K, M)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NaN cells (subsets of another size) are expected
        if "constant" in methods:
            explained = 1.0 - mse / mse[..., methods.index("constant")][..., None]
        else:
            explained = np.full(mse.shape, np.nan)
        columns = {
            "mse_mean": np.nanmean(mse, axis=1),
            "mse_std": _spread(mse, count),
            "nnz_mean": np.nanmean(np.where(present, nonzero, np.nan), axis=1),
            "nnz_std": _spread(np.where(present, nonzero, np.nan), count),
            "weight_sum_mean": np.nanmean(np.where(present, weight_sum, np.nan), axis=1),
            "explained_mean": np.nanmean(explained, axis=1),
        }
    columns["mse_se"] = columns["mse_std"] / np.sqrt(np.maximum(count, 1))
    n_targets, k_max, n_methods = count.shape
    index = np.indices((n_targets, k_max, n_methods)).reshape(3, -1)
    keep = count.ravel() > 0
    table = {
        "target": np.asarray(target_names, dtype=object)[index[0]],
        "K": index[1] + 1,
        "method": np.asarray(methods, dtype=object)[index[2]],
    }
    order = ("mse_mean", "mse_std", "mse_se", "nnz_mean", "nnz_std", "weight_sum_mean", "explained_mean")
    table.update({name: columns[name].ravel() for name in order})
    table["n_curves"] = count.ravel()
    return pd.DataFrame({name: values[keep] for name, values in table.items()})


def _spread(values: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Sample standard deviation over the curve axis (0 where a single curve has a value)."""
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        std = np.nanstd(values, axis=1, ddof=1) if values.shape[1] > 1 else np.zeros(count.shape)
    return np.where(count > 1, std, 0.0)
