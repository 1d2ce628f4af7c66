"""Side-by-side benchmarks: each ``bench_*.py`` module times our route and the naive baseline in the same run.

A module exposes ``run(quick: bool) -> list[BenchRow]``. ``python -m benchmarks`` runs them all, prints a table
(workload, ours, baseline, ratio, target) and saves it as JSON. Machines are noisy: read the ratios.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class BenchRow:
    """One workload: our time, the baseline's time on the same work, and the target ratio (None if absolute)."""

    workload: str
    ours_s: float
    baseline_s: float | None
    baseline: str
    target: str
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """How many times faster we are than the baseline (baseline / ours)."""
        if self.baseline_s is None or self.ours_s <= 0:
            return None
        return self.baseline_s / self.ours_s

    def to_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def best_time(func: Callable[[], object], repeat: int = 3) -> float:
    """Minimum wall time of ``repeat`` calls (the least noisy single figure on a shared machine)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best
