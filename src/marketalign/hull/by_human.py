"""Curves over K for many humans, split into chunks of humans that run anywhere (:mod:`marketalign.parallel`).

Each human is a data set of her own (her rows, her utility, the Bobs' scores on those rows), as in
:func:`marketalign.hull.curves.market_curves`. Human i's folds are drawn from (seed, i) and every chunk uses the
same orderings of the Bobs, so the numbers do not depend on the chunking or on where chunks run: they equal one
``market_curves`` call on every human at once.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from marketalign.errors import InputError
from marketalign.hull.curves import CurveConfig, CurveResult, market_curves, validate_arrays
from marketalign.parallel import ExecutionConfig, iter_chunks, split_range

MAX_DEFAULT_TASKS = 200  # default chunking: at most this many tasks, whatever the number of workers


@dataclass(frozen=True)
class HumanChunk:
    """Consecutive humans ``first, first + 1, ...`` with their data sets (scores (N_i, K), targets (N_i, T))."""

    first: int
    datasets: tuple[tuple[np.ndarray, np.ndarray], ...]
    groups: tuple[np.ndarray, ...] | None = None  # one row-label array per human (docs/theory.md §1.7, Definition G1)


def default_humans_per_task(n_humans: int) -> int:
    """Humans per task when not given: a function of the number of humans only (so a checkpoint made on one
    machine resumes on another), giving at most ``MAX_DEFAULT_TASKS`` tasks."""
    return max(1, math.ceil(n_humans / MAX_DEFAULT_TASKS))


def curves_by_human(
    datasets: Sequence[tuple[np.ndarray, np.ndarray]],
    config: CurveConfig | None = None,
    *,
    humans_per_task: int | None = None,
    execution: ExecutionConfig | None = None,
    bob_names: Sequence[str] | None = None,
    target_names: Sequence[str] | None = None,
    quiet: bool = True,
    groups: Sequence[np.ndarray | Sequence] | None = None,
) -> list[CurveResult]:
    """One :class:`CurveResult` per human, computed in chunks of ``humans_per_task`` humans via ``execution``.

    Same numbers as ``market_curves(datasets, config)`` (for two or more humans) whatever the chunking, the
    number of workers or the cluster. ``execution`` says where (default: one local process per core);
    its ``checkpoint`` folder makes the sweep resumable. ``groups`` (one array of row labels per human) makes
    each human's folds whole groups, as in ``market_curves`` (docs/theory.md §1.7, Definition G1).

    Parameters
    ----------
    datasets : sequence of (scores, targets)
        Per human: scores (N_i, K) and targets (N_i,) or (N_i, T), the same Bobs for all.
    config : CurveConfig, optional
        As for :func:`~marketalign.hull.curves.market_curves` (docs/theory.md §1.3).
    humans_per_task : int, optional
        Humans per chunk of work (default: from the number of humans and workers).
    execution : ExecutionConfig, optional
        Where the chunks run.
    bob_names, target_names : sequence of str, optional
        Names of the Bob and target columns.
    quiet : bool
        No progress bar.
    groups : sequence of array_like, optional
        Row group labels per human.

    Returns
    -------
    list of CurveResult
        One per human, in order.

    Raises
    ------
    InputError
        No humans, humans with different Bobs, a bad ``humans_per_task`` or ``groups``, or any error of
        :func:`~marketalign.hull.curves.market_curves`.
    """
    if not datasets:
        raise InputError("no humans given; pass at least one (scores, targets) pair.")
    arrays = tuple(validate_arrays(scores, targets) for scores, targets in datasets)
    n_bobs, n_targets = arrays[0][0].shape[1], arrays[0][1].shape[1]
    if any(s.shape[1] != n_bobs or h.shape[1] != n_targets for s, h in arrays):
        raise InputError("every human's data must have the same Bob columns and the same number of targets.")
    config = (config or CurveConfig()).validated(n_bobs, min(len(s) for s, _ in arrays))
    per_task = default_humans_per_task(len(arrays)) if humans_per_task is None else humans_per_task
    if per_task < 1:
        raise InputError(f"humans_per_task must be at least 1; got {humans_per_task}.")
    if groups is not None and len(groups) != len(arrays):
        raise InputError(f"groups must hold one array per human: {len(arrays)} humans, {len(groups)} arrays.")
    chunks = [
        HumanChunk(part.start, arrays[part.start : part.stop],
                   None if groups is None else tuple(groups[part.start : part.stop]))
        for part in split_range(len(arrays), per_task)
    ]
    task = functools.partial(
        chunk_curves,
        config,
        tuple(bob_names) if bob_names is not None else None,
        tuple(target_names) if target_names is not None else None,
    )
    return [result for part in iter_chunks(task, chunks, execution, desc="humans", quiet=quiet) for result in part]


def chunk_curves(
    config: CurveConfig, bob_names: tuple[str, ...] | None, target_names: tuple[str, ...] | None, chunk: HumanChunk
) -> list[CurveResult]:
    """The task of one chunk: ``market_curves`` on its humans, their folds seeded by their global positions."""
    ids = range(chunk.first, chunk.first + len(chunk.datasets))
    return market_curves(list(chunk.datasets), config, bob_names=bob_names, target_names=target_names,
                         dataset_ids=ids, groups=chunk.groups)


def merge_humans(results: Sequence[CurveResult], human_names: Sequence[str]) -> CurveResult:
    """One :class:`CurveResult` whose targets are the humans (``human`` or ``human/target``), for the writers
    of :mod:`marketalign.report.curves` (curves over humans with ±1 s.e. bands, as in Figure 4)."""
    if len(results) != len(human_names) or not results:
        raise InputError(f"need one name per human; got {len(human_names)} names for {len(results)} results.")
    first = results[0]
    names = [
        name if len(result.targets) == 1 else f"{name}/{target}"
        for name, result in zip(human_names, results, strict=True)
        for target in result.targets
    ]
    if len(set(names)) != len(names):
        raise InputError("human names must be distinct.")
    tables = []
    for result, name in zip(results, human_names, strict=True):
        table = result.table.copy()
        table["target"] = name if len(result.targets) == 1 else name + "/" + table["target"].astype(str)
        tables.append(table)
    return CurveResult(
        table=pd.concat(tables, ignore_index=True),
        mse=np.concatenate([r.mse for r in results]),
        nonzero=np.concatenate([r.nonzero for r in results]),
        methods=first.methods,
        targets=tuple(names),
        bobs=first.bobs,
        config=first.config,
        n_rows=sum(r.n_rows for r in results),
        folds=np.concatenate([r.folds for r in results]),
        n_groups=None if any(r.n_groups is None for r in results) else sum(r.n_groups for r in results),
        orders=first.orders,
    )
