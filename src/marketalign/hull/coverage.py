"""Coverage per item: is Alice's centred utility a non-negative combination of the Bobs' (docs/theory.md §3.1–3.4)?

For an item with several candidate answers (a survey question's options, a prompt's completions), every utility
vector is centred over the item's answers; Alice is *covered* when her centred vector lies in the cone of the
Bobs' centred vectors. The decision is an exact non-negative least-squares problem (Lawson–Hanson, finite
active-set method) on unit-normalised vectors: covered iff the distance from Alice to the cone is at most
``rtol`` times her norm (the sine of the angle between Alice and the cone, scale-free). k-robust coverage (the
item stays covered after removing any k Bobs) is decided exactly by a bounded search tree over the supports of
the NNLS certificates, or estimated from sampled removals when that tree would be too large.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import comb

import numpy as np
import pandas as pd

from marketalign.data.tables import INSTANCE, TARGET, bob_columns, validate_table
from marketalign.errors import InputError, SolverError
from marketalign.seeding import stream

RTOL = 1e-9
EXACT_LIMIT = 20_000
PAPER_REFERENCE = {
    "source": "Collina, Goel, Roth, Sengupta, Delegating Authorization to Misaligned Agents: RewardBench 2 panel "
              "of 48 reward models (not available here; for orientation only)",
    "covered_full_panel": 0.902,
    "covered_after_removing_any_1": 0.772,
    "covered_after_removing_any_5": 0.379,
    "median_closest_angle_deg": 6.8,
}


@dataclass(frozen=True)
class CoverageResult:
    """Per-item coverage (``table``, one row per item) and how robustness was decided for each k.

    ``robust_method[k]`` is ``"exact"`` or ``"sampled"``; ``skipped`` counts items with a single answer.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per item: covered or not, robustness per k, the closest angle (docs/theory.md §3.1-3.3).
    bob_names : list of str
        The Bobs, in column order.
    robust_method : dict of int to str
        Per k, ``"exact"`` or ``"sampled"`` (docs/theory.md §3.4).
    samples, seed : int
        The sampled robustness's draws and seed.
    rtol : float
        Relative tolerance of the coverage test.
    skipped_single_answer : int
        Items with a single answer, left out.
    constant_bobs : dict of str to int
        Per Bob, the items on which it is constant.
    """

    table: pd.DataFrame
    bob_names: list[str]
    robust_method: dict[int, str]
    samples: int
    seed: int
    rtol: float
    skipped_single_answer: int
    constant_bobs: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict:
        """Fractions and counts (JSON-ready), robustness per k with its method, and the paper's reference."""
        t = self.table
        n = len(t)
        robust = {}
        for k, method in self.robust_method.items():
            col = t[f"robust_{k}"]
            robust[str(k)] = {
                "method": method,
                "fraction": float(col.mean()) if n else None,
                "count": int(col.sum()),
                "estimates": (
                    "exact fraction of items covered after removing every set of k Bobs (bounded search tree)"
                    if method == "exact"
                    else f"fraction of items covered after every one of {self.samples} sampled k-removals (min over "
                    "samples); an upper bound on the true k-robust fraction"
                ),
            }
        angles = t["closest_angle_deg"].dropna()
        return {
            "items": n,
            "covered_fraction": float(t["covered"].mean()) if n else None,
            "covered_count": int(t["covered"].sum()),
            "alice_constant_count": int(t["alice_constant"].sum()),
            "alice_constant_note": "Alice's centred vector is zero: trivially covered (w = 0), counted here",
            "skipped_single_answer_items": self.skipped_single_answer,
            "constant_bob_items": self.constant_bobs,
            "robust": robust,
            "median_closest_angle_deg": float(angles.median()) if len(angles) else None,
            "bobs": self.bob_names,
            "rtol": self.rtol,
            "samples": self.samples,
            "seed": self.seed,
            "paper_reference": PAPER_REFERENCE,
        }


def item_coverage(
    table: pd.DataFrame,
    *,
    item: str,
    answer: str | None = None,
    target: str = TARGET,
    bobs: list[str] | None = None,
    robust: tuple[int, ...] = (),
    samples: int = 1000,
    seed: int = 0,
    rtol: float = RTOL,
    exact_limit: int = EXACT_LIMIT,
    where: str = "table",
) -> CoverageResult:
    """Coverage of Alice by the Bobs per item of a long table (one row per (item, answer)), docs/theory.md §3.1–3.4.

    Parameters
    ----------
    table : long table; ``item`` names each row's item, ``target`` holds Alice's utility, Bob columns the Bobs'.
    item, target : column names.
    answer : optional column naming the answer; never a Bob, and each (item, answer) pair must occur once.
    bobs : Bob columns (default: every numeric, non-boolean column except ``target``, ``item``, ``answer`` and
        ``instance``).
    robust : the k values for k-robust coverage (each 1 ≤ k < number of Bobs).
    samples, seed : sampled removals per k when the exact search is larger than ``exact_limit`` solves.
    rtol : covered iff distance(Alice, cone) ≤ rtol·‖Alice‖ (centred, docs/theory.md §3.1).
    exact_limit : largest worst-case number of NNLS solves per item for which k-robustness is decided exactly.

    Returns
    -------
    CoverageResult with one row per item: ``covered``, ``gap`` (relative distance to the cone),
    ``closest_angle_deg``, ``closest_bob``, ``alice_constant``, ``answers`` and ``robust_{k}`` per k.

    Raises
    ------
    InputError on a missing column, NaN/inf cells (naming the column and rows), k out of range, no multi-answer
    item.
    """
    if item not in table.columns:
        raise InputError(f"{where} has no item column '{item}'; name it with --item (columns: {list(table.columns)}).")
    if table[item].isna().any():
        raise InputError(f"{where}: {int(table[item].isna().sum())} rows have an empty item '{item}'; fill them.")
    frame = table if INSTANCE in table.columns else table.assign(**{INSTANCE: np.arange(len(table)).astype(str)})
    if answer is not None:
        if answer not in table.columns:
            raise InputError(f"{where} has no answer column '{answer}' (columns: {list(table.columns)}).")
        repeated = int(table.duplicated([item, answer]).sum())
        if repeated:
            raise InputError(f"{where}: {repeated} rows repeat an ({item}, {answer}) pair; keep one row per pair.")
    names = bobs if bobs else [c for c in bob_columns(frame, target) if c not in (item, answer)]
    if item in names or (answer is not None and answer in names):
        raise InputError(f"The item column '{item}' and the answer column cannot be Bob columns.")
    alice, scores, names = validate_table(frame, target=target, bobs=names, where=where)
    k_total = len(names)
    for k in robust:
        if not 1 <= k < k_total:
            raise InputError(f"--robust k={k} is out of range; use 1 <= k < {k_total} (the number of Bobs).")
    if samples < 1:
        raise InputError(f"samples must be at least 1; got {samples}.")
    codes, labels = pd.factorize(frame[item], sort=True)
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes, minlength=len(labels))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    keep = counts >= 2
    if not keep.any():
        raise InputError(f"{where}: every item of '{item}' has one answer; coverage needs 2+ answers per item.")
    rng = stream(seed)
    max_rank = int(counts.max()) - 1
    method = {k: _robust_method(k, k_total, max_rank, exact_limit) for k in robust}
    draws = {k: _draw_removals(rng, k_total, k, samples) for k in robust if method[k] == "sampled"}
    rows = []
    constant_cells = np.zeros(k_total, dtype=np.int64)
    for code in np.flatnonzero(keep):
        rows_of = order[starts[code]:starts[code] + counts[code]]
        u, V, constant = _centred_unit(alice[rows_of], scores[rows_of])
        constant_cells += constant
        row = _decide_item(u, V, names, robust, method, draws, rtol)
        rows.append({"item": labels[code], "answers": int(counts[code]), **row})
    return CoverageResult(
        table=pd.DataFrame(rows), bob_names=names, robust_method=method, samples=samples, seed=seed, rtol=rtol,
        skipped_single_answer=int((~keep).sum()),
        constant_bobs={n: int(c) for n, c in zip(names, constant_cells, strict=True) if c},
    )


def _robust_method(k: int, k_total: int, max_rank: int, exact_limit: int) -> str:
    """Exact when the search tree (≤ Σ_d r^d nodes, r = rank) or plain enumeration fits in ``exact_limit``."""
    tree = sum(max_rank**d for d in range(k + 1))
    enumeration = sum(comb(k_total, d) for d in range(k + 1))
    return "exact" if min(tree, enumeration) <= exact_limit else "sampled"


def _draw_removals(rng: np.random.Generator, k_total: int, k: int, samples: int) -> np.ndarray:
    """``samples`` uniform k-subsets of the Bobs (rows of indices), shared by every item."""
    return np.argsort(rng.random((samples, k_total)), axis=1)[:, :k]


def _centred_unit(u: np.ndarray, V: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centre over the answers and scale each vector to unit norm (a constant vector becomes exactly zero)."""
    constant = V.max(axis=0) == V.min(axis=0)
    Vc = np.where(constant, 0.0, V - V.mean(axis=0))
    norms = np.sqrt((Vc * Vc).sum(axis=0)) if not constant.all() else np.zeros(V.shape[1])
    Vc = np.divide(Vc, norms, out=np.zeros_like(Vc), where=norms > 0)
    if u.max() == u.min():
        return np.zeros_like(u), Vc, constant
    uc = u - u.mean()
    return uc / np.sqrt(uc @ uc), Vc, constant


def _decide_item(u, V, names, robust, method, draws, rtol) -> dict:
    """One item's row: coverage, gap, closest Bob and angle, and k-robustness per k."""
    if not u.any():  # Alice indifferent between the answers: w = 0 covers her
        row = {"covered": True, "alice_constant": True, "gap": 0.0, "closest_angle_deg": np.nan, "closest_bob": ""}
        return row | {f"robust_{k}": True for k in robust}
    cosines = V.T @ u
    best = int(np.argmax(cosines)) if V.any() else -1
    angle = np.nan
    if best >= 0:  # atan2 of (sine, cosine): accurate near 0°, where arccos loses half the digits
        sine = np.linalg.norm(u - cosines[best] * V[:, best])
        angle = float(np.degrees(np.arctan2(sine, cosines[best])))
    solve = _Solver(u, V, rtol)
    gap, support = solve(np.ones(V.shape[1], dtype=bool))
    covered = support is not None
    row = {"covered": covered, "alice_constant": False, "gap": gap, "closest_angle_deg": angle,
           "closest_bob": names[best] if best >= 0 else ""}
    for k in robust:
        if not covered:
            row[f"robust_{k}"] = False
        elif method[k] == "exact":
            row[f"robust_{k}"] = _uncovering_set(solve, support, k, V.shape[1]) is None
        else:
            row[f"robust_{k}"] = _survives_samples(solve, support, draws[k], V.shape[1])
    return row


class _Solver:
    """NNLS distance from Alice to the cone of a subset of Bobs, with the support of the certificate if covered."""

    def __init__(self, u: np.ndarray, V: np.ndarray, rtol: float):
        self.u, self.V, self.rtol = u, V, rtol
        self.nonzero = V.any(axis=0)
        self.certificates: list[np.ndarray] = []

    def __call__(self, available: np.ndarray) -> tuple[float, np.ndarray | None]:
        from scipy.optimize import nnls

        for support in self.certificates:  # a known combination that avoids every removed Bob still covers
            if available[support].all():
                return 0.0, support
        columns = np.flatnonzero(available & self.nonzero)
        if columns.size == 0:
            return 1.0, None
        cosines = self.V[:, columns].T @ self.u
        if cosines.max() <= 0.0:  # Farkas: y = u separates Alice from every available Bob
            return 1.0, None
        best = int(np.argmax(cosines))
        single = float(np.linalg.norm(self.u - cosines[best] * self.V[:, columns[best]]))  # distance to that ray
        if single <= self.rtol:
            return single, self._remember(columns[[best]])
        try:
            w, residual = nnls(self.V[:, columns], self.u)
        except RuntimeError as err:  # SciPy's iteration limit
            raise SolverError(f"SciPy's NNLS failed on an item's coverage problem: {err}") from err
        if residual > self.rtol:
            return float(residual), None
        return float(residual), self._remember(columns[w > 0])

    def _remember(self, support: np.ndarray) -> np.ndarray:
        self.certificates.append(support)
        return support


def _uncovering_set(solve: _Solver, support: np.ndarray, k: int, k_total: int) -> frozenset | None:
    """A set of at most k Bobs whose removal uncovers Alice, or None (docs/theory.md §3.2: exact search tree).

    Any uncovering set must contain a Bob of every covering support, so branching on the support's Bobs finds one
    whenever one exists; depth k, at most rank branches per node.
    """
    seen: set[frozenset] = set()
    stack = [(frozenset(), support)]
    while stack:
        removed, cover = stack.pop()
        if len(removed) == k:
            continue
        for bob in cover:
            bigger = removed | {int(bob)}
            if bigger in seen:
                continue
            seen.add(bigger)
            available = np.ones(k_total, dtype=bool)
            available[list(bigger)] = False
            _, found = solve(available)
            if found is None:
                return bigger
            stack.append((bigger, found))
    return None


def _survives_samples(solve: _Solver, support: np.ndarray, removals: np.ndarray, k_total: int) -> bool:
    """Covered after every sampled removal (docs/theory.md §3.4: the min over samples)."""
    for removed in removals:
        available = np.ones(k_total, dtype=bool)
        available[removed] = False
        if solve(available)[1] is None:
            return False
    return True
