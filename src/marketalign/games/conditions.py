"""The conditions under which the paper's results apply, measured on a game.

- Identical Induced Distribution (named in the paper; our formalisation, docs/theory.md §1.4): whenever one Bob
  alone switches to C_B*, Alice's best response induces the first-best law of (x_A, x_B, y, a). Proposition 1
  says it holds when C_B* lets Alice learn a*(x_A, x_B); here it is checked by playing every case.
- (δ, C_B*)-Close (named in the paper; our formalisation, docs/theory.md §1.5): for every Bob i, the (a, y) law when
  Bob i deviates to C_B* is within total variation δ of the law Q* that a single C_B* Bob induces.

"Every profile of the others" ranges over the deterministic rules of the given stack, or over the listed
profiles (e.g. the equilibria found) when the stack is too large to enumerate.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from marketalign.games.conversation import (
    STRATEGIC,
    AliceModel,
    first_best_play,
    outcome_distribution,
    play,
    total_variation,
)
from marketalign.games.model import ConversationGame
from marketalign.games.rules import alice_optimal_rule

CONDITION_TOL = 1e-9


@dataclass(frozen=True)
class ConditionCheck:
    """The largest distance over all checked cases, whether it is within tolerance, and the case count.

    Attributes
    ----------
    distance : float
        The largest total-variation distance over the cases.
    holds : bool
        Whether ``distance`` is within the tolerance (always True for :func:`closeness_delta`).
    cases : int
        How many (switching Bob, profile of the others) cases were played.
    """

    distance: float
    holds: bool
    cases: int


def _switch_batches(game: ConversationGame, rules: np.ndarray, profiles: Iterable[tuple[int, ...]] | None):
    """For each Bob i: batched rules with Bob i on C_B* and the others over the given (or all) profiles."""
    star = alice_optimal_rule(game)[None]
    for bob in range(game.k):
        if game.k == 1:
            others = np.zeros((1, 0), dtype=int)
        elif profiles is None:
            others = np.array(list(itertools.product(range(rules.shape[0]), repeat=game.k - 1)), dtype=int)
        else:
            others = np.array([np.delete(p, bob) for p in profiles], dtype=int)
            others = np.unique(others, axis=0) if others.size else others.reshape(0, game.k - 1)
        if others.shape[0] == 0:
            continue
        batch = []
        cols = iter(range(game.k - 1))
        for j in range(game.k):
            batch.append(star if j == bob else rules[others[:, next(cols)]])
        yield batch


def identical_induced_distribution(game: ConversationGame, rules: np.ndarray,
                                   profiles: Iterable[tuple[int, ...]] | None = None,
                                   tol: float = CONDITION_TOL) -> ConditionCheck:
    """Check the Identical Induced Distribution condition against a strategic Alice.

    Every Bob in turn switches to C_B*, the others over ``profiles`` (or every profile of ``rules``); the
    (x_A, x_B, y, a) law must then be the first-best one (docs/theory.md §1.4).

    Parameters
    ----------
    game : ConversationGame
        The game; needs ``n_messages >= n_actions``.
    rules : numpy.ndarray, shape (n, H, X_B, M)
        The rule stack the other Bobs choose from.
    profiles : iterable of tuple of int, optional
        Profiles (one rule index per Bob) whose others are checked; None enumerates all n^(k−1).
    tol : float
        Largest total-variation distance for the condition to hold.

    Returns
    -------
    ConditionCheck
        The largest distance from the first-best law, whether it is at most ``tol``, and the case count.

    Raises
    ------
    InputError
        When ``n_messages < n_actions`` (C_B* cannot recommend an action).
    """
    reference = first_best_play(game)
    worst, cases = 0.0, 0
    for batch in _switch_batches(game, rules, None if profiles is None else list(profiles)):
        distances = total_variation(game, play(game, batch, STRATEGIC), reference)
        worst, cases = max(worst, float(distances.max())), cases + distances.size
    return ConditionCheck(worst, worst <= tol, cases)


def single_bob_outcome(game: ConversationGame, alice: AliceModel) -> np.ndarray:
    """Q*: the (a, y) law when Alice talks to one Bob playing C_B* (and no one else): shape (A, Y)."""
    alone = game.with_bobs(game.bobs[:1])
    return outcome_distribution(game, play(alone, [alice_optimal_rule(game)], alice))[0]


def closeness_delta(game: ConversationGame, rules: np.ndarray, alice: AliceModel,
                    profiles: Iterable[tuple[int, ...]] | None = None) -> ConditionCheck:
    """The smallest δ for which the game is (δ, C_B*)-close for this Alice (``holds`` is always True).

    Parameters
    ----------
    game : ConversationGame
        The game (docs/theory.md §1.5); needs ``n_messages >= n_actions``.
    rules : numpy.ndarray, shape (n, H, X_B, M)
        The rule stack the other Bobs choose from.
    alice : AliceModel
        How Alice plays.
    profiles : iterable of tuple of int, optional
        Profiles whose others are checked; None enumerates all n^(k−1).

    Returns
    -------
    ConditionCheck
        δ = the largest total-variation distance between the (a, y) law when one Bob deviates to C_B* and
        Q*, the law of a single C_B* Bob; and the case count.

    Raises
    ------
    InputError
        When ``n_messages < n_actions`` (C_B* cannot recommend an action).
    """
    target = single_bob_outcome(game, alice)
    worst, cases = 0.0, 0
    for batch in _switch_batches(game, rules, None if profiles is None else list(profiles)):
        laws = outcome_distribution(game, play(game, batch, alice))
        distances = 0.5 * np.abs(laws - target[None]).sum(axis=(1, 2))
        worst, cases = max(worst, float(distances.max())), cases + distances.size
    return ConditionCheck(worst, True, cases)
