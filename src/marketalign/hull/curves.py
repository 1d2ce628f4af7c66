"""Curves over K (Figures 1–4): held-out MSE and sparsity as more Bobs join the market.

Protocol (THEORY.md 1.3): for K = 1..K_max, over random orderings of the Bobs (the first K of each) or over
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
from marketalign.hull.solvers import solve_paths
from marketalign.hull.suffstats import FoldStatistics, accumulate, assign_folds
from marketalign.progress import progress_bar

METHODS: tuple[str, ...] = ("constant", "single", "single_scaled", "average", "simplex", "nnls")
_SOLVED = {"simplex": "simplex", "nnls": "nonneg"}
_PROBLEMS_PER_BLOCK = 20_000  # bounds memory per solver call
_BLOCKS_FOR_PROGRESS = 20  # long runs are cut into about this many blocks so the progress bar moves


@dataclass(frozen=True)
class CurveConfig:
    """How to draw the curves: K range, orderings or all subsets, folds, seed and methods."""

    k_max: int | None = None  # default: every Bob
    orderings: int = 100
    folds: int = 5
    seed: int = 0
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
    """Curves for every target: a tidy ``table`` and the per-curve MSE behind it.

    ``mse[t, c, K−1, m]`` is the fold-averaged held-out MSE of target t on curve c (an ordering or a subset)
    at K for method ``methods[m]`` (NaN where curve c has no value at K, e.g. a subset of another size).
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
        return {
            "config": asdict(self.config),
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
    bob_names: Sequence[str] | None = None,
    target_names: Sequence[str] | None = None,
    quiet: bool = True,
) -> CurveResult:
    """Curves over K for Bob scores (N, K) against one target (N,) or many (N, T) sharing the same Bobs."""
    return market_curves([(scores, targets)], config, bob_names=bob_names, target_names=target_names,
                         quiet=quiet)[0]


def market_curves(
    datasets: Sequence[tuple[np.ndarray, np.ndarray]],
    config: CurveConfig = CurveConfig(),
    *,
    bob_names: Sequence[str] | None = None,
    target_names: Sequence[str] | None = None,
    quiet: bool = True,
    dataset_ids: Sequence[int] | None = None,
) -> list[CurveResult]:
    """Curves for several data sets at once, e.g. every user of a ratings site with her own items.

    Each data set is (scores (N_i, K), targets (N_i,) or (N_i, T)) with the same K Bobs (in the same column
    order) and the same number of targets T. Every data set gets its own seeded fold split; all share the same
    orderings of the Bobs; all their small solves run in one batch. ``dataset_ids`` (default: the positions
    0, 1, ...) seed each data set's folds, so a slice of a larger list, given its positions in that list, gets
    the folds the whole list would (how :mod:`marketalign.hull.by_human` splits humans into chunks).
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
    fold_seed, order_seed = np.random.SeedSequence(config.seed).spawn(2)
    fold_seeds = _fold_seeds(fold_seed, len(arrays), dataset_ids)
    folds = [
        assign_folds(len(s), config.folds, np.random.default_rng(seed))
        for (s, _), seed in zip(arrays, fold_seeds, strict=True)
    ]
    prepared = [_prepare(accumulate(s, h, f, config.folds)) for (s, h), f in zip(arrays, folds, strict=True)]
    curves = _curve_orders(n_bobs, config, np.random.default_rng(order_seed))
    mse, nonzero, weight_sum = _evaluate(prepared, curves, config, quiet)
    return [
        CurveResult(_tabulate(mse[i], nonzero[i], weight_sum[i], config, target_names), mse[i], nonzero[i],
                    config.methods, target_names, bob_names, config, len(arrays[i][0]), folds[i])
        for i in range(len(arrays))
    ]


def _fold_seeds(
    fold_seed: np.random.SeedSequence, n_datasets: int, dataset_ids: Sequence[int] | None
) -> list[np.random.SeedSequence]:
    """Data set i's fold seed: the child ``dataset_ids[i]`` of ``fold_seed`` (``fold_seed`` itself for one
    data set without ids), the same as ``fold_seed.spawn(n)[i]`` for positional ids."""
    if dataset_ids is None:
        return [fold_seed] if n_datasets == 1 else fold_seed.spawn(n_datasets)
    ids = [int(i) for i in dataset_ids]
    if len(ids) != n_datasets or min(ids) < 0 or len(set(ids)) != len(ids):
        raise InputError(f"dataset_ids must be {n_datasets} distinct non-negative integers, one per data set.")
    return [np.random.SeedSequence(fold_seed.entropy, spawn_key=(*fold_seed.spawn_key, i)) for i in ids]


def validate_arrays(scores: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Float64 copies of scores (N, K) and targets (N, T); clear errors for bad shapes and values."""
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


@dataclass(frozen=True)
class _Prepared:
    """One data set's statistics in the form the methods use."""

    centred: list  # (G, B, q) per fit set: the F training sets, then all rows
    held_out: list  # (E, e, c) per fold: the held-out error form around that fold's training means
    counts: np.ndarray  # (F,) rows per fold


def _prepare(stats: FoldStatistics) -> _Prepared:
    fits = [stats.training(f) for f in range(stats.n_folds)] + [stats.total()]
    held_out = [stats.fold(f).about(fits[f].s_mean, fits[f].h_mean) for f in range(stats.n_folds)]
    return _Prepared([m.centred() for m in fits], held_out, stats.counts)


def _evaluate(
    prepared: list[_Prepared], groups: list[_Curves], config: CurveConfig, quiet: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-curve held-out MSE, sparsity and Σw for every (data set, target, curve, K, method)."""
    n_folds = config.folds
    n_series = len(prepared) * prepared[0].centred[0][1].shape[1]  # data sets x targets
    n_curves = sum(len(g.orders) for g in groups)
    shape = (len(prepared), prepared[0].centred[0][1].shape[1], n_curves, config.k_max, len(config.methods))
    mse = np.full(shape, np.nan)
    nonzero = np.full(shape, np.nan)
    weight_sum = np.full(shape, np.nan)
    total_blocks = sum(len(list(_block_ranges(len(g.orders), n_series, n_folds))) for g in groups)
    bar = progress_bar(total=total_blocks, desc="curves", quiet=quiet)
    first = 0
    for group in groups:
        for lo, hi in _block_ranges(len(group.orders), n_series, n_folds):
            orders = group.orders[lo:hi]
            block = _evaluate_block(orders, prepared, config.methods)
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


def _evaluate_block(orders, prepared: list[_Prepared], methods):
    """All methods for a block of curves: arrays (data sets, T, C, L, M) of MSE, non-zeros and Σw."""
    n_targets = prepared[0].centred[0][1].shape[1]
    n_curves, length = orders.shape
    shape = (len(prepared), n_targets, n_curves, length, len(methods))
    mse, nonzero, weight_sum = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for m, method in enumerate(methods):
        if method in _SOLVED:
            results = _solved_method(orders, prepared, _SOLVED[method])
        else:
            results = [_closed_form_method(method, orders, p.centred, p.held_out) for p in prepared]
        for i, (part, (sse, nnz, wsum)) in enumerate(zip(prepared, results, strict=True)):
            mse[i, ..., m] = np.mean([sse[f] / part.counts[f] for f in range(len(part.counts))], axis=0)
            nonzero[i, ..., m] = nnz
            weight_sum[i, ..., m] = wsum
    return mse, nonzero, weight_sum


def _solved_method(orders, prepared: list[_Prepared], constraint):
    """Per data set: held-out SSE per fold (F, T, C, L), and non-zeros and Σw of the all-rows fit (T, C, L).

    One batch holds every (data set, fit set, target, curve) problem; problem p uses Gram
    ``data set * (F + 1) + fit set`` and, for a training set, the held-out form of its fold.
    """
    n_folds = len(prepared[0].held_out)
    n_sets = n_folds + 1
    n_targets = prepared[0].centred[0][1].shape[1]
    n_curves, length = orders.shape
    grams = np.stack([g for part in prepared for g, _, _ in part.centred])
    ev_grams = np.stack([e for part in prepared for e, _, _ in part.held_out])
    rhs_by_gram = np.stack([b.T for part in prepared for _, b, _ in part.centred])  # (D, T, K)
    zeros_e = np.zeros_like(prepared[0].held_out[0][1].T)
    zeros_c = np.zeros_like(prepared[0].held_out[0][2])
    ev_rhs_by_gram = np.stack([e for part in prepared for e in [x[1].T for x in part.held_out] + [zeros_e]])
    ev_const_by_gram = np.stack([c for part in prepared for c in [x[2] for x in part.held_out] + [zeros_c]])
    data, sets, tgts, crvs = np.meshgrid(np.arange(len(prepared)), np.arange(n_sets), np.arange(n_targets),
                                         np.arange(n_curves), indexing="ij")
    data, sets, tgts, crvs = data.ravel(), sets.ravel(), tgts.ravel(), crvs.ravel()
    gram_of = data * n_sets + sets
    ev_of = np.where(sets < n_folds, data * n_folds + sets, -1)
    evaluation = (ev_grams, ev_of, ev_rhs_by_gram[gram_of, tgts], ev_const_by_gram[gram_of, tgts])
    solution = solve_paths(grams, gram_of, rhs_by_gram[gram_of, tgts], orders[crvs], constraint, evaluation)
    shape = (len(prepared), n_sets, n_targets, n_curves, length)
    value = solution.value.reshape(shape)
    nnz = solution.nonzero.reshape(shape)[:, n_folds]
    wsum = solution.weight_sum.reshape(shape)[:, n_folds]
    return [(value[i, :n_folds], nnz[i], wsum[i]) for i in range(len(prepared))]


def _closed_form_method(method, orders, centred, held_out):
    """Held-out SSE per fold (F, T, C, L) and non-zeros / Σw on all rows (T, C, L) for the unsolved methods."""
    if method == "constant":
        return _constant(orders, held_out)
    if method == "average":
        return _average(orders, held_out)
    return _single(orders, centred, held_out, scaled=method == "single_scaled")


def _constant(orders, held_out):
    n_curves, length = orders.shape
    sse = np.stack([np.broadcast_to(c[:, None, None], (len(c), n_curves, length)) for _, _, c in held_out])
    zeros = np.zeros(sse.shape[1:])
    return sse, zeros, zeros


def _average(orders, held_out):
    """w = 1/K on the first K Bobs: prefix sums of the held-out form along each ordering."""
    ks = np.arange(1, orders.shape[1] + 1)
    sse = []
    for e_gram, e_rhs, c in held_out:
        block = e_gram[orders[:, :, None], orders[:, None, :]]  # (C, L, L)
        quad = np.diagonal(block.cumsum(axis=1).cumsum(axis=2), axis1=1, axis2=2)  # (C, L)
        lin = np.moveaxis(e_rhs[orders].cumsum(axis=1), 2, 0)  # (T, C, L)
        sse.append(quad[None] / ks**2 - 2.0 * lin / ks + c[:, None, None])
    sse = np.stack(sse)
    return sse, np.broadcast_to(ks.astype(float), sse.shape[1:]), np.ones(sse.shape[1:])


def _single(orders, centred, held_out, scaled: bool):
    """The Bob with the lowest training error among the first K (with a fitted scale a ≥ 0 if ``scaled``)."""
    n_folds = len(held_out)
    targets = np.arange(centred[0][1].shape[1])
    sse = []
    for d, (gram, rhs, q) in enumerate(centred):
        diag = np.diag(gram)[:, None]
        if scaled:
            with np.errstate(divide="ignore", invalid="ignore"):
                scale = np.where(diag > 0, np.maximum(rhs, 0.0) / diag, 0.0)  # (K, T)
            train = q - scale * rhs
        else:
            scale = np.ones_like(rhs)
            train = q - 2.0 * rhs + diag
        best = _best_so_far(train, orders)  # (C, L, T)
        a = scale[best, targets]
        if d < n_folds:
            e_gram, e_rhs, c = held_out[d]
            value = a**2 * np.diag(e_gram)[best] - 2.0 * a * e_rhs[best, targets] + c
            sse.append(np.moveaxis(value, 2, 0))
    nonzero = np.moveaxis((a > 0).astype(float), 2, 0)  # the last set is all rows
    return np.stack(sse), nonzero, np.moveaxis(a, 2, 0)


def _best_so_far(train: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """Bob with the lowest ``train`` value among the first K of each ordering, ties to the earlier: (C, L, T)."""
    values = train[orders]  # (C, L, T)
    running = np.minimum.accumulate(values, axis=1)
    previous = np.concatenate([np.full_like(running[:, :1], np.inf), running[:, :-1]], axis=1)
    steps = np.arange(orders.shape[1])[None, :, None]
    position = np.maximum.accumulate(np.where(values < previous, steps, -1), axis=1)
    return orders[np.arange(len(orders))[:, None, None], position]


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
