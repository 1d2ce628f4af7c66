"""The many-humans run at full scale, beside the naive routes, timed in the same run.

- Taste-community Bobs for every MovieLens user: ours builds the communities once and corrects them per user
  (her ratings out of the priors, a stand-in where she was a member or the anchor); the naive route rebuilds
  the whole market (similarities, neighbour lists, community sums) once per user, as one would when deleting
  her from the data (timed on a sample of users and scaled up; the scores are the same).
- Curves for many humans: one batched ``market_curves`` call against a loop of ``market_curve`` calls
  (timed on a sample of users and scaled up).
- The curves of ``reproduce many-humans`` (every user at K_max = 12, the users with enough ratings at K_max =
  100): through the execution layer in chunks of ``HUMANS_PER_TASK`` users on 1 and 2 worker processes, and in
  chunks of 4 (the layer's own default for 610 humans) and of 100 users, against the former route, one
  ``market_curves`` call per K_max in this process with the default thread pools. The layer pins every worker
  to one BLAS and numba thread; the former route pinned the same way is timed too, to show how much of the
  gain is pinning alone (many tiny Gram products lose to thread start-up). Routes are timed in interleaved
  rounds (medians), so that a change in the machine's load hits every route alike.
"""

from __future__ import annotations

import statistics
import time

from benchmarks import BenchRow, best_time
from marketalign.bobs.communities import CommunityBobs, community_scores
from marketalign.data.embedded import load_embedded_movielens
from marketalign.experiments.figures import min_ratings
from marketalign.experiments.many_humans import HUMANS_PER_TASK, ManyHumansConfig
from marketalign.hull.by_human import curves_by_human
from marketalign.hull.curves import CurveConfig, market_curve, market_curves
from marketalign.parallel import ExecutionConfig
from marketalign.parallel.local import close_pools
from marketalign.parallel.pinning import pinned


def _per_item(func, items) -> float:
    start = time.perf_counter()
    for item in items:
        func(item)
    return (time.perf_counter() - start) / len(items)


def run(quick: bool) -> list[BenchRow]:
    data = load_embedded_movielens()
    family = CommunityBobs(prior="community")
    counts = data.rating_counts()
    users = counts.index.to_numpy()
    ours = best_time(lambda: community_scores(data, users, family), repeat=1 if quick else 3)
    sample = users[:: max(1, len(users) // (4 if quick else 20))]
    naive = _per_item(lambda user: community_scores(data, [user], family), sample) * len(users)
    rows = [BenchRow(f"community Bobs for all {len(users)} MovieLens users", ours, naive,
                     "rebuild the communities for each user", "> 10x")]
    heavy = users[counts.to_numpy() >= 200]
    datasets = [(a.scores, a.ratings) for a in community_scores(data, heavy, family)]
    config = CurveConfig(k_max=100, orderings=2 if quick else 5)
    market_curve(*datasets[0], CurveConfig(k_max=5, orderings=1))  # compile the kernels outside the timings
    batched = best_time(lambda: market_curves(datasets, config), repeat=1)
    looped = _per_item(lambda pair: market_curve(*pair, config), datasets[:: max(1, len(datasets) // 10)])
    rows.append(BenchRow(f"curves K<=100 for the {len(datasets)} users with 200+ ratings", batched,
                         looped * len(datasets), "market_curve for each user", "> 1x"))
    return rows + _many_humans_rows(data, quick)


def _many_humans_rows(data, quick: bool) -> list[BenchRow]:
    """``reproduce many-humans``'s curves through the execution layer against one batched call per K_max."""
    defaults = ManyHumansConfig()
    alices = community_scores(data, data.rating_counts().index, defaults.family)
    sweeps = []
    for k_max in defaults.k_values:
        chosen = [(a.scores, a.ratings) for a in alices if len(a.ratings) >= min_ratings(k_max, defaults.folds)]
        sweeps.append((chosen, CurveConfig(k_max=k_max, orderings=2 if quick else defaults.orderings)))

    def layer(workers: int, per_task: int):
        execution = ExecutionConfig(workers=workers)
        return lambda: [curves_by_human(chosen, config, humans_per_task=per_task, execution=execution)
                        for chosen, config in sweeps]

    def former():
        return [market_curves(chosen, config) for chosen, config in sweeps]

    def former_pinned():
        with pinned(1):
            return former()

    routes = {
        "former": former,
        "the former route with BLAS and numba pinned to 1 thread": former_pinned,
        f"1 worker, chunks of {HUMANS_PER_TASK}": layer(1, HUMANS_PER_TASK),
        f"2 workers, chunks of {HUMANS_PER_TASK}": layer(2, HUMANS_PER_TASK),
        "2 workers, chunks of 4": layer(2, 4),
        "2 workers, chunks of 100": layer(2, 100),
    }
    warm_up = (sweeps[0][0][:4], CurveConfig(k_max=3, orderings=1))  # compile the kernels, start the pool
    market_curves(*warm_up)
    curves_by_human(*warm_up, execution=ExecutionConfig(workers=2))
    times: dict[str, list[float]] = {name: [] for name in routes}
    for _ in range(1 if quick else 3):
        for name, route in routes.items():
            start = time.perf_counter()
            route()
            times[name].append(time.perf_counter() - start)
    close_pools()
    median = {name: statistics.median(values) for name, values in times.items()}
    users = " + ".join(f"{len(chosen)} users at K = {config.k_max}" for chosen, config in sweeps)
    note = f"{sweeps[0][1].orderings} orderings; medians of {len(times['former'])} interleaved rounds"
    return [
        BenchRow(f"many-humans curves ({users}), {name}", median[name], median["former"],
                 "one market_curves call per K_max, in this process", "> 1x", note=note)
        for name in routes if name != "former"
    ]
