"""The many-humans run at full scale, beside the naive routes, timed in the same run.

- Taste-community Bobs for every MovieLens user: ours builds the communities once and corrects them per user
  (her ratings out of the priors, a stand-in where she was a member or the anchor); the naive route rebuilds
  the whole market (similarities, neighbour lists, community sums) once per user, as one would when deleting
  her from the data (timed on a sample of users and scaled up; the scores are the same).
- Curves for many humans: one batched ``market_curves`` call against a loop of ``market_curve`` calls
  (timed on a sample of users and scaled up).
"""

from __future__ import annotations

import time

from benchmarks import BenchRow, best_time
from marketalign.bobs.communities import CommunityBobs, community_scores
from marketalign.data.embedded import load_embedded_movielens
from marketalign.hull.curves import CurveConfig, market_curve, market_curves


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
    return rows
