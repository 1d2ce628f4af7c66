"""Pure Nash equilibria among the Bobs of a conversation game (the paper's Definition 7, Nash Equilibrium).

Bobs choose deterministic conversation rules from an enumerated stack; Alice re-best-responds to every profile
(or plays her fixed quantal rule). Two searches (ours, docs/theory.md §1.4): exhaustive over all profiles for tiny
games, and round-robin best-response dynamics from random starts for larger ones, each Bob's best response
being exact over his whole rule stack. Either way an equilibrium is reported only after
:func:`max_regret` — an independent replay of every unilateral deviation — is at most the tolerance.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from marketalign.errors import InputError
from marketalign.games.conversation import STRATEGIC, AliceModel, expected_utilities, play
from marketalign.games.model import ConversationGame

EQUILIBRIUM_TOL = 1e-9
DEFAULT_PROFILE_LIMIT = 1 << 20


@dataclass(frozen=True)
class ConversationEquilibrium:
    """A verified pure equilibrium: rule index per Bob, the induced play, utilities and the largest regret.

    Attributes
    ----------
    profile : tuple of int
        Each Bob's rule, as an index into the rule stack.
    played : numpy.ndarray, shape (X_A, X_B, A)
        The induced play P(a | x_A, x_B).
    alice_utility : float
        E[u_A].
    bob_payoffs : numpy.ndarray, shape (k,)
        E[U_i] of each Bob.
    max_regret : float
        The largest gain of a unilateral deviation, replayed; at most the tolerance.
    """

    profile: tuple[int, ...]
    played: np.ndarray
    alice_utility: float
    bob_payoffs: np.ndarray
    max_regret: float


def profile_rules(rules: np.ndarray, profiles: np.ndarray) -> list[np.ndarray]:
    """Per-Bob batched rule arrays for the rows of ``profiles`` (P, k) of indices into ``rules``."""
    return [rules[profiles[:, i]] for i in range(profiles.shape[1])]


def payoff_table(game: ConversationGame, rules: np.ndarray, alice: AliceModel = STRATEGIC,
                 limit: int = DEFAULT_PROFILE_LIMIT) -> np.ndarray:
    """Utilities of every profile: shape (n,)*k + (1 + k,), Alice first, for n = len(rules)."""
    n = rules.shape[0]
    if game.k * math.log(n) > math.log(limit):  # in logs: n ** k has thousands of digits for many Bobs
        raise InputError(
            f"{n}^{game.k} (about 10^{game.k * math.log10(n):.0f}) profiles exceed the exhaustive limit {limit}; "
            "use best-response dynamics (--method dynamics, or method='dynamics') or a smaller game."
        )
    profiles = np.array(list(itertools.product(range(n), repeat=game.k)), dtype=int)
    utilities = expected_utilities(game, play(game, profile_rules(rules, profiles), alice))
    return utilities.reshape((n,) * game.k + (game.k + 1,))


def pure_equilibria_from_table(table: np.ndarray, tol: float = EQUILIBRIUM_TOL) -> list[tuple[int, ...]]:
    """Profiles where no Bob gains more than ``tol`` by changing only his own rule."""
    k = table.ndim - 1
    stable = np.ones(table.shape[:-1], dtype=bool)
    for i in range(k):
        own = table[..., i + 1]
        stable &= own >= own.max(axis=i, keepdims=True) - tol
    return [tuple(int(x) for x in idx) for idx in zip(*np.nonzero(stable), strict=True)]


def deviation_payoffs(game: ConversationGame, rules: np.ndarray, profile: tuple[int, ...], bob: int,
                      alice: AliceModel = STRATEGIC) -> np.ndarray:
    """Bob ``bob``'s payoff for each of his rules, the others fixed at ``profile``: shape (n,)."""
    fixed = [rules[j][None] for j in profile]
    fixed[bob] = rules
    return expected_utilities(game, play(game, fixed, alice))[:, bob + 1]


def max_regret(game: ConversationGame, rules: np.ndarray, profile: tuple[int, ...],
               alice: AliceModel = STRATEGIC) -> float:
    """The largest gain any Bob gets from a unilateral deviation (replayed from scratch)."""
    current = expected_utilities(game, play(game, [rules[j] for j in profile], alice))[0]
    gains = [deviation_payoffs(game, rules, profile, i, alice).max() - current[i + 1] for i in range(game.k)]
    return float(max(gains))


def _verified(game: ConversationGame, rules: np.ndarray, profiles: list[tuple[int, ...]], alice: AliceModel,
              tol: float) -> list[ConversationEquilibrium]:
    """Replay each candidate and every unilateral deviation from it (one batch); keep regret ≤ tol."""
    if not profiles:
        return []
    n = rules.shape[0]
    played = play(game, profile_rules(rules, np.array(profiles, dtype=int)), alice)
    utilities = expected_utilities(game, played)
    keys = sorted({(bob, p[:bob] + p[bob + 1:]) for p in profiles for bob in range(game.k)})
    deviations = np.array([others[:bob] + (alt,) + others[bob:] for bob, others in keys for alt in range(n)],
                          dtype=int)
    payoffs = expected_utilities(game, play(game, profile_rules(rules, deviations), alice))
    owners = np.repeat([bob for bob, _ in keys], n)
    best = payoffs[np.arange(owners.size), owners + 1].reshape(len(keys), n).max(axis=1)
    best_of = dict(zip(keys, best, strict=True))
    found = []
    for row, profile in enumerate(profiles):
        regret = max(best_of[(bob, profile[:bob] + profile[bob + 1:])] - utilities[row, bob + 1]
                     for bob in range(game.k))
        if regret <= tol:
            found.append(ConversationEquilibrium(profile, played[row], float(utilities[row, 0]),
                                                 utilities[row, 1:], float(regret)))
    return found


def exhaustive_equilibria(game: ConversationGame, rules: np.ndarray, alice: AliceModel = STRATEGIC,
                          tol: float = EQUILIBRIUM_TOL,
                          profile_limit: int = DEFAULT_PROFILE_LIMIT) -> list[ConversationEquilibrium]:
    """All pure equilibria over the rule stack, each verified by replaying every unilateral deviation.

    Parameters
    ----------
    game : ConversationGame
        The game (docs/theory.md §1.4).
    rules : numpy.ndarray, shape (n, H, X_B, M)
        The rules every Bob chooses from, e.g. :func:`deterministic_rules`.
    alice : AliceModel
        How Alice plays (default: strategic).
    tol : float
        Largest regret of an equilibrium.
    profile_limit : int
        Most profiles (n^k) to enumerate.

    Returns
    -------
    list of ConversationEquilibrium
        Every pure equilibrium, in lexicographic order of profiles.

    Raises
    ------
    InputError
        When n^k exceeds ``profile_limit``.
    """
    candidates = pure_equilibria_from_table(payoff_table(game, rules, alice, profile_limit), tol / 2)
    return _verified(game, rules, candidates, alice, tol)


@dataclass(frozen=True)
class DynamicsSearch:
    """Distinct verified equilibria reached by best-response dynamics, with run and convergence counts."""

    equilibria: tuple[ConversationEquilibrium, ...]
    runs: int
    converged: int


def best_response_dynamics(game: ConversationGame, rules: np.ndarray, start: tuple[int, ...],
                           alice: AliceModel = STRATEGIC, tol: float = EQUILIBRIUM_TOL,
                           max_passes: int = 50) -> tuple[tuple[int, ...], bool]:
    """Round-robin exact best responses over the rule stack; returns (final profile, converged)."""
    profile = list(start)
    for _ in range(max_passes):
        moved = False
        for bob in range(game.k):
            payoffs = deviation_payoffs(game, rules, tuple(profile), bob, alice)
            best = int(np.argmax(payoffs))
            if payoffs[best] > payoffs[profile[bob]] + tol / 2:
                profile[bob] = best
                moved = True
        if not moved:
            return tuple(profile), True
    return tuple(profile), False


def dynamics_equilibria(game: ConversationGame, rules: np.ndarray, starts: int, rng: np.random.Generator,
                        alice: AliceModel = STRATEGIC, tol: float = EQUILIBRIUM_TOL,
                        max_passes: int = 50) -> DynamicsSearch:
    """Best-response dynamics from ``starts`` uniformly random profiles; distinct verified endpoints.

    Parameters
    ----------
    game : ConversationGame
        The game (docs/theory.md §1.4).
    rules : numpy.ndarray, shape (n, H, X_B, M)
        The rules every Bob chooses from.
    starts : int
        Random starting profiles, at least 1.
    rng : numpy.random.Generator
        Draws the starts.
    alice : AliceModel
        How Alice plays (default: strategic).
    tol : float
        Largest regret of an equilibrium; a Bob moves only for a gain above ``tol / 2``.
    max_passes : int
        Round-robin passes before a run counts as not converged.

    Returns
    -------
    DynamicsSearch
        The distinct converged endpoints that pass the regret check (lexicographic order), the number of
        runs and of converged runs.

    Raises
    ------
    InputError
        When ``starts`` is not an integer >= 1.
    """
    if not (isinstance(starts, (int, np.integer)) and starts >= 1):
        raise InputError(f"starts must be an integer >= 1; got {starts!r}.")
    ends, converged = set(), 0
    for _ in range(starts):
        start = tuple(int(x) for x in rng.integers(rules.shape[0], size=game.k))
        end, ok = best_response_dynamics(game, rules, start, alice, tol, max_passes)
        converged += ok
        if ok:
            ends.add(end)
    return DynamicsSearch(tuple(_verified(game, rules, sorted(ends), alice, tol)), starts, converged)
