"""Games: the exact selection best response (Lagrangian sweep) against HiGHS on the same LP, the batched
conversation-game solver against one profile at a time, and the full-scale Figure 5 run end to end on two
local worker processes against the same run in one process (the same numbers; the ratio is the scaling)."""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from benchmarks import BenchRow, best_time
from marketalign.experiments import games_selection
from marketalign.experiments.protocol import RunContext
from marketalign.games.conversation import expected_utilities, play
from marketalign.games.equilibria import payoff_table
from marketalign.games.generators import ConversationShape, random_conversation_game, random_selection_game
from marketalign.games.rules import deterministic_rules
from marketalign.games.selection import constrained_best_response, context_tables
from marketalign.parallel import ExecutionConfig


def _linprog_best_response(game, bob: int, threshold: float) -> float:
    """The same LP stated for a generic solver: max E[U_bob(π)] s.t. V_A(π) ≥ threshold, rows of π in Δ(A)."""
    alice_w, bobs_w = context_tables(game)
    n_x, n_a = alice_w.shape
    res = linprog(
        -bobs_w[bob].ravel(),
        A_ub=sp.csr_array(-alice_w.ravel()[None]),
        b_ub=[-threshold],
        A_eq=sp.kron(sp.eye_array(n_x), np.ones((1, n_a)), format="csr"),
        b_eq=np.ones(n_x),
        bounds=(0, None),
        method="highs",
    )
    return -res.fun


def _selection_workload(quick: bool) -> list[tuple]:
    rng = np.random.default_rng(0)
    cases = []
    for _ in range(3 if quick else 10):
        game = random_selection_game(200, 5, 10, 2, rng)
        alice_w, _ = context_tables(game)
        low, high = alice_w.min(axis=1).sum(), alice_w.max(axis=1).sum()
        cases.append((game, 0, low + rng.uniform(0.5, 0.99) * (high - low)))
    return cases


def bench_best_response(quick: bool) -> BenchRow:
    cases = _selection_workload(quick)
    ours = [constrained_best_response(g, b, t)[0] for g, b, t in cases]
    theirs = [_linprog_best_response(g, b, t) for g, b, t in cases]
    worst = max(abs(a - b) for a, b in zip(ours, theirs, strict=True))
    ours_s = best_time(lambda: [constrained_best_response(g, b, t) for g, b, t in cases], repeat=5)
    base_s = best_time(lambda: [_linprog_best_response(g, b, t) for g, b, t in cases], repeat=3)
    return BenchRow(
        f"selection best response |X|=200 |A|=10 (x{len(cases)})",
        ours_s,
        base_s,
        "scipy linprog (HiGHS), sparse",
        ">= 20x",
        f"max |value diff| {worst:.1e}",
    )


def bench_conversation_batch(quick: bool) -> BenchRow:
    game = random_conversation_game(ConversationShape(), np.random.default_rng(1))
    rules = deterministic_rules(game)
    profiles = [(i, j) for i in range(rules.shape[0]) for j in range(rules.shape[0])]
    if quick:
        profiles = profiles[:64]

    def one_at_a_time():
        return [expected_utilities(game, play(game, [rules[i], rules[j]]))[0] for i, j in profiles]

    ours_s = best_time(lambda: payoff_table(game, rules), repeat=5)
    base_s = best_time(one_at_a_time, repeat=1) * (256 / len(profiles))
    return BenchRow(
        "conversation payoffs, all 256 profiles of a tiny game",
        ours_s,
        base_s,
        "one profile per call",
        "faster",
        "baseline extrapolated" if quick else "",
    )


def bench_figure5(quick: bool) -> BenchRow:
    config = games_selection.SelectionConfig.quick() if quick else games_selection.SelectionConfig()
    games_selection.run(games_selection.SelectionConfig.quick(), RunContext(execution=ExecutionConfig(workers=2)))

    def timed(workers: int):
        start = time.perf_counter()
        result = games_selection.run(config, RunContext(execution=ExecutionConfig(workers=workers)))
        return time.perf_counter() - start, result

    ours_s, pool = timed(2)  # the pool was started above, as a command's first sweep would start it
    base_s, serial = timed(1)
    same = all(pool.tables[name].equals(serial.tables[name]) for name in pool.tables)
    return BenchRow(
        f"Figure 5 {'quick' if quick else 'default'} run ({pool.summary['games']} games), 2 workers",
        ours_s,
        base_s,
        "the same run in one process",
        "< 60 s",
        f"violations {pool.summary['violations']}; identical results: {same}",
    )


def run(quick: bool) -> list[BenchRow]:
    return [bench_best_response(quick), bench_conversation_batch(quick), bench_figure5(quick)]
