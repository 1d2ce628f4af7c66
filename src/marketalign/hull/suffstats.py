"""One pass over the rows: per-fold sufficient statistics of Bob scores S (N, K) and targets H (N, T).

For each fold f we keep n_f, Σs, Σh, S_f'S_f, S_f'H_f and Σh² (per target) — everything a least-squares fit
with a free offset needs (docs/theory.md §1.9). Training statistics are totals
minus the held-out fold; held-out errors are quadratic forms in the weights; a subset of Bobs is a sub-block.
Rows are shifted by the mean of the first chunk before accumulating, which keeps the centring step free of
catastrophic cancellation when scores sit far from zero (e.g. ratings around 3.5).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from marketalign.errors import InputError

ROUNDING_SPREAD = 16 * np.finfo(float).eps  # a relative spread this small is rounding: the Bob is constant
CHUNK_BYTES = 1 << 22  # rows are processed in ~4 MB chunks, which stay in cache while they are used


def assign_folds(n_rows: int, folds: int, seed: int | np.random.Generator) -> np.ndarray:
    """Balanced random fold labels 0..folds−1 for ``n_rows`` rows (sizes differ by at most one).

    Parameters
    ----------
    n_rows : int
        Number of rows N.
    folds : int
        Number of folds F (at least 2, at most N).
    seed : int or Generator
        Seeds the permutation that deals the rows out to the folds.

    Returns
    -------
    numpy.ndarray of int64, shape (N,)
        The fold of each row.

    Raises
    ------
    InputError
        Fewer than 2 folds, or fewer rows than folds.
    """
    if folds < 2:
        raise InputError(f"cross-validation needs at least 2 folds; got folds={folds}.")
    if n_rows < folds:
        raise InputError(
            f"{n_rows} rows cannot be split into {folds} folds; use at most {n_rows} folds or add rows."
        )
    rng = np.random.default_rng(seed)
    labels = np.empty(n_rows, dtype=np.int64)
    labels[rng.permutation(n_rows)] = np.arange(n_rows) % folds
    return labels


def assign_group_folds(groups, folds: int, seed: int | np.random.Generator) -> tuple[np.ndarray, int]:
    """Fold labels per row such that no group is split, and the number of groups (docs/theory.md §1.7, Definition G1).

    Groups are taken in a seeded random order, then by size (largest first, ties in that order), and each
    goes to the fold with the fewest rows so far (lowest index on ties): a seeded, size-balanced assignment.

    Parameters
    ----------
    groups : array-like (N,)
        One hashable label per row (str, int, ...).
    folds : int
        Number of folds F.
    seed : int or Generator
        Seeds the order in which groups of equal size are placed.

    Returns
    -------
    labels : ndarray of int64 (N,)
        Fold of each row, 0..F−1.
    n_groups : int

    Raises
    ------
    InputError
        Missing group labels, or fewer groups than folds.
    """
    if folds < 2:
        raise InputError(f"cross-validation needs at least 2 folds; got folds={folds}.")
    import pandas as pd

    labels = np.asarray(groups)
    missing = pd.isna(labels)
    if missing.any():
        raise InputError(
            f"group labels are missing in {int(missing.sum())} of {len(labels)} rows (first at row "
            f"{int(np.flatnonzero(missing)[0])}); give every row a group."
        )
    codes, uniques = pd.factorize(labels, sort=False)
    n_groups = len(uniques)
    if n_groups < folds:
        raise InputError(
            f"{n_groups} groups cannot be split into {folds} folds without splitting a group; use at most "
            f"{n_groups} folds or a column with more groups."
        )
    sizes = np.bincount(codes, minlength=n_groups)
    rng = np.random.default_rng(seed)
    shuffled = rng.permutation(n_groups)
    placing = shuffled[np.argsort(-sizes[shuffled], kind="stable")]
    fold_of_group = np.empty(n_groups, dtype=np.int64)
    rows_in_fold = [0] * folds
    fold_range = range(folds)
    for g, size in zip(placing.tolist(), sizes[placing].tolist(), strict=True):
        f = min(fold_range, key=rows_in_fold.__getitem__)  # the first fold with the fewest rows, as argmin
        fold_of_group[g] = f
        rows_in_fold[f] += size
    return fold_of_group[codes], n_groups


@dataclass(frozen=True)
class Moments:
    """Sums over a set of rows (after the shift): count, Σs, Σh, S'S, S'H, Σh²."""

    n: float
    s_sum: np.ndarray  # (K,)
    h_sum: np.ndarray  # (T,)
    gram: np.ndarray  # (K, K)
    cross: np.ndarray  # (K, T)
    h_sq: np.ndarray  # (T,)

    def __sub__(self, other: Moments) -> Moments:
        return Moments(
            self.n - other.n,
            self.s_sum - other.s_sum,
            self.h_sum - other.h_sum,
            self.gram - other.gram,
            self.cross - other.cross,
            self.h_sq - other.h_sq,
        )

    @property
    def s_mean(self) -> np.ndarray:
        return self.s_sum / self.n

    @property
    def h_mean(self) -> np.ndarray:
        return self.h_sum / self.n

    def centred(self, s_shift: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(G, B, q) of the rows centred at their own means: the least-squares problem with a free offset.

        A Bob whose spread over these rows is at the rounding level of its scores (variance at most (16ε)² of
        its mean square, or 16ε of its second moment about the shift) is constant on them: its row and column
        of G and its row of B are set to exactly 0, so that a solver sees the constant it is instead of
        rounding noise, which scaling to a unit diagonal would blow up by 10^8 or more. The test compares each
        Bob with itself, so it does not depend on units.

        Parameters
        ----------
        s_shift : numpy.ndarray, shape (K,), optional
            What was subtracted from every row of S before accumulating (:attr:`FoldStatistics.s_shift`);
            None = nothing.

        Returns
        -------
        tuple of numpy.ndarray
            G (K, K), B (K, T) and q (T,), as :meth:`about` with these rows' own means.
        """
        gram, cross, sq = self.about(self.s_mean, self.h_mean)
        shift = np.zeros_like(self.s_sum) if s_shift is None else s_shift
        second = np.diag(self.gram) / self.n  # about the shift
        mean_square = second + 2.0 * shift * self.s_mean + shift**2  # of the scores themselves
        variance = np.diag(gram) / self.n
        constant = (variance <= ROUNDING_SPREAD**2 * mean_square) | (variance <= ROUNDING_SPREAD * second)
        if constant.any():
            gram[constant, :] = 0.0
            gram[:, constant] = 0.0
            cross[constant, :] = 0.0
        return gram, cross, sq

    def about(self, s_mean: np.ndarray, h_mean: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(E, e, c) with Σ((h − h̄) − (s − s̄)'w)² = w'Ew − 2w'e + c over these rows, for given means.

        With the *training* means this is the held-out sum of squared errors of a model fitted on training
        rows — a quadratic form in w, evaluated without touching the rows again.
        """
        n = self.n
        gram = (
            self.gram
            - np.outer(self.s_sum, s_mean)
            - np.outer(s_mean, self.s_sum)
            + n * np.outer(s_mean, s_mean)
        )
        cross = (
            self.cross
            - np.outer(self.s_sum, h_mean)
            - np.outer(s_mean, self.h_sum)
            + n * np.outer(s_mean, h_mean)
        )
        sq = self.h_sq - 2.0 * h_mean * self.h_sum + n * h_mean**2
        return gram, cross, sq


@dataclass(frozen=True)
class FoldStatistics:
    """Per-fold :class:`Moments` of shifted data, stacked: arrays carry a leading fold axis (docs/theory.md §1.9).

    Every sum is over the rows of S and H after subtracting ``s_shift`` and ``h_shift``, accumulated in float64.

    Attributes
    ----------
    counts : numpy.ndarray, shape (F,)
        Rows per fold n_f (float).
    s_sum : numpy.ndarray, shape (F, K)
        Σs per fold.
    h_sum : numpy.ndarray, shape (F, T)
        Σh per fold.
    gram : numpy.ndarray, shape (F, K, K)
        S_f'S_f.
    cross : numpy.ndarray, shape (F, K, T)
        S_f'H_f.
    h_sq : numpy.ndarray, shape (F, T)
        Σh² per target.
    s_shift : numpy.ndarray, shape (K,)
        Subtracted from every row of S before accumulating (the column means of the first chunk).
    h_shift : numpy.ndarray, shape (T,)
        Subtracted from every row of H likewise.
    """

    counts: np.ndarray  # (F,)
    s_sum: np.ndarray  # (F, K)
    h_sum: np.ndarray  # (F, T)
    gram: np.ndarray  # (F, K, K)
    cross: np.ndarray  # (F, K, T)
    h_sq: np.ndarray  # (F, T)
    s_shift: np.ndarray  # (K,) subtracted from every row of S before accumulating
    h_shift: np.ndarray  # (T,)

    @property
    def n_folds(self) -> int:
        return len(self.counts)

    @property
    def n_bobs(self) -> int:
        return self.gram.shape[1]

    @property
    def n_targets(self) -> int:
        return self.cross.shape[2]

    def fold(self, f: int) -> Moments:
        """The rows of fold f."""
        return Moments(
            float(self.counts[f]), self.s_sum[f], self.h_sum[f], self.gram[f], self.cross[f], self.h_sq[f]
        )

    def total(self) -> Moments:
        """All rows."""
        return Moments(
            float(self.counts.sum()),
            self.s_sum.sum(0),
            self.h_sum.sum(0),
            self.gram.sum(0),
            self.cross.sum(0),
            self.h_sq.sum(0),
        )

    def training(self, f: int) -> Moments:
        """All rows except fold f."""
        return self.total() - self.fold(f)


def accumulate(
    scores: np.ndarray | Iterable[np.ndarray],
    targets: np.ndarray | Iterable[np.ndarray],
    fold_of_row: np.ndarray,
    folds: int,
) -> FoldStatistics:
    """Read the rows once and return per-fold statistics (docs/theory.md §1.9).

    ``scores`` (N, K) and ``targets`` (N,) or (N, T) may be arrays or matching iterables of row chunks (for
    data that does not fit in memory); ``fold_of_row`` gives each row's fold in 0..folds−1.

    Parameters
    ----------
    scores : numpy.ndarray, shape (N, K), or iterable of arrays (n_i, K)
        Bob scores, whole or in chunks of rows.
    targets : numpy.ndarray, shape (N,) or (N, T), or iterable of arrays (n_i,) or (n_i, T)
        Alice's utility per target; chunks must match those of ``scores`` one for one.
    fold_of_row : array_like of int, shape (N,)
        The fold of each row, in 0..folds−1.
    folds : int
        Number of folds F.

    Returns
    -------
    FoldStatistics
        Per-fold sums, shifted by the column means of the first chunk.

    Raises
    ------
    InputError
        No rows, ``fold_of_row`` not of the same length as the data, not whole numbers, or outside 0..folds−1
        (a label out of range would otherwise be dropped or wrap into another fold).
    ValueError
        Iterables of ``scores`` and ``targets`` with different numbers of chunks, or a target chunk whose size
        is not a multiple of its score chunk's rows.
    """
    fold_of_row = np.asarray(fold_of_row)
    if fold_of_row.dtype.kind not in "iu" or fold_of_row.ndim != 1:
        raise InputError(f"fold labels must be a 1-D array of whole numbers; got dtype {fold_of_row.dtype}, "
                         f"shape {fold_of_row.shape}.")
    if len(fold_of_row) and (fold_of_row.min() < 0 or fold_of_row.max() >= folds):
        raise InputError(f"fold labels must lie in 0..{folds - 1}; got {fold_of_row.min()}..{fold_of_row.max()}.")
    chunks = _chunk_pairs(scores, targets)
    stats: dict[str, np.ndarray] | None = None
    start = 0
    for s_chunk, h_chunk in chunks:
        rows = len(s_chunk)
        labels = fold_of_row[start : start + rows]
        if len(labels) != rows:
            raise InputError(f"fold labels cover {len(fold_of_row)} rows but the data has more rows.")
        start += rows
        if stats is None:
            stats = _empty_stats(s_chunk, h_chunk, folds)
        _add_chunk(stats, s_chunk, h_chunk, labels)
    if stats is None:
        raise InputError("the data has no rows; pass at least one row per fold.")
    if start != len(fold_of_row):
        raise InputError(f"fold labels cover {len(fold_of_row)} rows but the data has {start} rows.")
    return FoldStatistics(**stats)


def _chunk_pairs(scores, targets):
    if isinstance(scores, np.ndarray):
        scores = np.asarray(scores, dtype=float)
        targets = np.asarray(targets, dtype=float)
        if targets.ndim == 1:
            targets = targets[:, None]
        step = max(64, CHUNK_BYTES // (8 * max(1, scores.shape[1] + targets.shape[1])))
        return ((scores[i : i + step], targets[i : i + step]) for i in range(0, len(scores), step))
    return (
        (np.asarray(s, dtype=float), np.asarray(h, dtype=float).reshape(len(s), -1))
        for s, h in zip(scores, targets, strict=True)
    )


def _empty_stats(s_chunk: np.ndarray, h_chunk: np.ndarray, folds: int) -> dict[str, np.ndarray]:
    k, t = s_chunk.shape[1], h_chunk.shape[1]
    return {
        "counts": np.zeros(folds),
        "s_sum": np.zeros((folds, k)),
        "h_sum": np.zeros((folds, t)),
        "gram": np.zeros((folds, k, k)),
        "cross": np.zeros((folds, k, t)),
        "h_sq": np.zeros((folds, t)),
        "s_shift": s_chunk.mean(axis=0),
        "h_shift": h_chunk.mean(axis=0),
    }


def _add_chunk(stats: dict[str, np.ndarray], s_chunk: np.ndarray, h_chunk: np.ndarray, labels: np.ndarray) -> None:
    """Add one chunk: sort its rows by fold (one copy, small enough to stay in cache), shift them in place,
    then accumulate each fold's contiguous block."""
    folds = len(stats["counts"])
    keys = labels.astype(np.uint8) if folds <= 256 else labels
    order = np.argsort(keys, kind="stable")  # a radix sort for small integer keys
    s_sorted = np.take(s_chunk, order, axis=0)
    s_sorted -= stats["s_shift"]
    h_sorted = np.take(h_chunk, order, axis=0)
    h_sorted -= stats["h_shift"]
    bounds = np.searchsorted(keys[order], np.arange(folds + 1))
    for f in range(folds):
        lo, hi = bounds[f], bounds[f + 1]
        if hi == lo:
            continue
        s_f, h_f = s_sorted[lo:hi], h_sorted[lo:hi]
        stats["counts"][f] += hi - lo
        stats["s_sum"][f] += s_f.sum(axis=0)
        stats["h_sum"][f] += h_f.sum(axis=0)
        stats["gram"][f] += s_f.T @ s_f
        stats["cross"][f] += s_f.T @ h_f
        stats["h_sq"][f] += np.einsum("ij,ij->j", h_f, h_f)
