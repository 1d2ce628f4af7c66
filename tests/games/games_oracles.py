"""Independent reference solvers for the game tests (generic LP, brute force); never used by the package."""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import linprog

from marketalign.games.conversation import weighted_tables
from marketalign.games.model import ConversationGame, SelectionGame
from marketalign.games.rules import threads


def selection_lp(game: SelectionGame, bob: int, threshold: float) -> tuple[float, np.ndarray] | None:
    """max E[U_bob(π)] s.t. V_A(π) ≥ threshold over all policies, by HiGHS on the explicit LP."""
    alice_w = game.prior @ game.alice.T
    bob_w = game.prior @ game.bobs[bob].T
    n_x, n_a = alice_w.shape
    res = linprog(
        -bob_w.ravel(),
        A_ub=-alice_w.ravel()[None],
        b_ub=[-threshold],
        A_eq=np.kron(np.eye(n_x), np.ones(n_a)),
        b_eq=np.ones(n_x),
        bounds=(0, None),
        method="highs",
    )
    if res.status != 0:
        return None
    return -res.fun, res.x.reshape(n_x, n_a)


def brute_alice_value(game: ConversationGame, rules: list[np.ndarray]) -> float:
    """Alice's best expected utility for R = 1 by enumerating every plan: messages per x_A and a decision for
    every reply vector."""
    assert game.rounds == 1
    S, M, k, A = game.n_alice_obs, game.n_messages, game.k, game.n_actions
    weights, _ = weighted_tables(game)
    th = threads(game)
    total = 0.0
    for xa in range(S):
        best = -np.inf
        for sigma in itertools.product(range(S), repeat=k):
            for decision in itertools.product(range(A), repeat=M ** k):
                value = 0.0
                for xb in range(game.n_bob_obs):
                    for r_idx, reply in enumerate(itertools.product(range(M), repeat=k)):
                        prob = np.prod([rules[i][th.index(0, 0, sigma[i]), xb, reply[i]] for i in range(k)])
                        value += prob * weights[xa, xb, decision[r_idx]]
                best = max(best, value)
        total += best
    return total


def brute_play_fixed(game: ConversationGame, rules: list[np.ndarray], plan, decide) -> np.ndarray:
    """P(a | x_A, x_B) by explicit path enumeration for a given Alice plan (any R).

    ``plan(xa, history)`` returns Alice's message tuple for the next round given the replies so far;
    ``decide(xa, history)`` returns a probability vector over actions at the end.
    """
    th = threads(game)
    out = np.zeros((game.n_alice_obs, game.n_bob_obs, game.n_actions))
    replies = list(itertools.product(range(game.n_messages), repeat=game.k))
    for xa in range(game.n_alice_obs):
        for xb in range(game.n_bob_obs):
            def walk(r, prefixes, history, prob, xa=xa, xb=xb):
                if r == game.rounds:
                    out[xa, xb] += prob * np.asarray(decide(xa, tuple(history)))
                    return
                sigma = plan(xa, tuple(history))
                for reply in replies:
                    p = prob
                    for i in range(game.k):
                        p *= rules[i][th.index(r, prefixes[i], sigma[i]), xb, reply[i]]
                    if p == 0:
                        continue
                    nxt = [th.extend(prefixes[i], sigma[i], reply[i]) for i in range(game.k)]
                    walk(r + 1, nxt, [*history, (sigma, reply)], p)

            walk(0, [0] * game.k, [], 1.0)
    return out


def common_equilibrium_level(game: SelectionGame, level: float, tol: float) -> bool:
    """Is ``level`` the outcome of an equilibrium where the selected policy leaves no Bob more than ``tol``
    to gain by overbidding? I.e. is there π with V_A(π) = level and E[U_j(π)] ≥ LP_j(level) − tol for all j?
    Every LP is solved by HiGHS from scratch."""
    alice_w = game.prior @ game.alice.T
    n_x, n_a = alice_w.shape
    floors = []
    for bob in range(game.k):
        best = selection_lp(game, bob, level)
        if best is None:
            return False
        floors.append(best[0] - tol)
    bobs_w = np.stack([game.prior @ game.bobs[j].T for j in range(game.k)]).reshape(game.k, -1)
    res = linprog(
        np.zeros(n_x * n_a),
        A_ub=-bobs_w,
        b_ub=-np.array(floors),
        A_eq=np.vstack([alice_w.ravel()[None], np.kron(np.eye(n_x), np.ones(n_a))]),
        b_eq=np.concatenate([[level], np.ones(n_x)]),
        bounds=(0, None),
        method="highs",
    )
    return res.status == 0
