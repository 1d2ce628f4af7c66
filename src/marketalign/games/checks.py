"""Each of the paper's three results as a check on one game: find the equilibria, measure the condition and
ε, and hold every equilibrium against its bound (see :mod:`marketalign.games.bounds` for what is ours).

- Result 1 (:func:`check_conversation_game`): strategic Alice; bound OPT − 2ε wherever the Identical Induced
  Distribution condition holds.
- Result 2 (:func:`check_quantal_game`): non-strategic quantal Alice; bound OPT − 2ε − δ·Σw − ln|A|/β with δ
  the measured (δ, C_B*)-closeness.
- Result 3 (:func:`check_selection_game`): the Best-AI selection game; bound OPT − 2ε, no condition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from marketalign.errors import InputError
from marketalign.games.bounds import (
    BoundCheck,
    MarketEpsilon,
    bound_tolerance,
    competition_bound,
    market_epsilon,
    quantal_bound,
)
from marketalign.games.conditions import ConditionCheck, closeness_delta, identical_induced_distribution
from marketalign.games.conversation import expected_utilities, opt, play, quantal
from marketalign.games.equilibria import (
    DEFAULT_PROFILE_LIMIT,
    EQUILIBRIUM_TOL,
    dynamics_equilibria,
    exhaustive_equilibria,
)
from marketalign.games.model import ConversationGame, SelectionGame
from marketalign.games.rules import DEFAULT_RULE_LIMIT, alice_optimal_rule, deterministic_rules
from marketalign.games.selection import SelectionSolver, find_equilibria
from marketalign.games.settings import METHODS, Method, TieRule


@dataclass(frozen=True)
class GameCheck:
    """One game's equilibria against a bound.

    ``condition`` is the measured condition (None when it cannot be stated, e.g. C_B* needs more messages);
    ``applies`` says whether the bound is claimed (condition holds); ``checks[i]`` is ``equilibria[i]``'s.

    Attributes
    ----------
    opt : float
        The first-best utility OPT.
    epsilon : MarketEpsilon
        ε of Definition 1, non-negative and simplex weights.
    condition : ConditionCheck or None
        The Identical Induced Distribution check (Result 1); None for Results 2 and 3, which need none here,
        and when ``n_messages < n_actions``.
    applies : bool
        Whether the bound is claimed: the condition holds (Result 1), always (Results 2 and 3).
    equilibria : tuple
        The verified equilibria (:class:`ConversationEquilibrium` or :class:`SelectionEquilibrium`).
    checks : tuple of BoundCheck
        The bound check of each equilibrium, in the same order.
    runs : int
        Profiles enumerated (exhaustive search) or dynamics started.
    converged : int
        Of the runs, how many converged (all of them for the exhaustive search).
    """

    opt: float
    epsilon: MarketEpsilon
    condition: ConditionCheck | None
    applies: bool
    equilibria: tuple[Any, ...]
    checks: tuple[BoundCheck, ...]
    runs: int
    converged: int

    @property
    def min_alice_utility(self) -> float:
        return min((eq.alice_utility for eq in self.equilibria), default=float("nan"))

    @property
    def min_slack(self) -> float:
        return min((c.slack for c in self.checks), default=float("nan"))

    @property
    def violations(self) -> int:
        """Equilibria below the bound in a game where the bound is claimed."""
        return sum(c.violated for c in self.checks) if self.applies else 0


def check_conversation_game(
    game: ConversationGame,
    method: Method = "exhaustive",
    starts: int = 10,
    rng: np.random.Generator | None = None,
    tol: float = EQUILIBRIUM_TOL,
    rule_limit: int = DEFAULT_RULE_LIMIT,
    profile_limit: int = DEFAULT_PROFILE_LIMIT,
) -> GameCheck:
    """Result 1: all pure equilibria (or those best-response dynamics reach) against OPT − 2ε.

    Parameters
    ----------
    game : ConversationGame
        The game (docs/theory.md §1.4).
    method : {"exhaustive", "dynamics"}
        Every pure equilibrium, or those best-response dynamics reach from ``starts`` random profiles.
    starts : int
        Starting profiles for ``"dynamics"``.
    rng : numpy.random.Generator, optional
        Draws the starts.
    tol : float
        Tolerance of the equilibrium and bound checks.
    rule_limit, profile_limit : int
        Largest number of deterministic rules per Bob, and of profiles, to enumerate.

    Returns
    -------
    GameCheck
        ε, OPT, the bound and every equilibrium found with its value and slack.

    Raises
    ------
    InputError
        An unknown ``method``, or a game whose rules or profiles exceed the limits.
    """
    if method not in METHODS:
        raise InputError(f"method must be one of {METHODS}; got {method!r}.")
    rules = deterministic_rules(game, rule_limit)
    if method == "exhaustive":
        found = exhaustive_equilibria(game, rules, tol=tol, profile_limit=profile_limit)
        runs = converged = rules.shape[0] ** game.k
    else:
        search = dynamics_equilibria(game, rules, starts, np.random.default_rng(rng), tol=tol)
        found, runs, converged = list(search.equilibria), search.runs, search.converged
    condition = None
    if game.n_messages >= game.n_actions:
        profiles = None if method == "exhaustive" else [eq.profile for eq in found]
        condition = identical_induced_distribution(game, rules, profiles)
    eps = market_epsilon(game)
    first_best = opt(game)
    tolerance = bound_tolerance(tol, eps.weight_sum)
    checks = tuple(competition_bound(eq.alice_utility, first_best, eps.epsilon, tolerance) for eq in found)
    return GameCheck(
        first_best,
        eps,
        condition,
        condition is not None and condition.holds,
        tuple(found),
        checks,
        runs,
        converged,
    )


@dataclass(frozen=True)
class QuantalCheck:
    """Result 2 on one game at one β: the (δ, C_B*)-closeness, Q*'s utility for Alice, and the equilibria's
    check against OPT − 2ε − δ·Σw − ln|A|/β.

    Attributes
    ----------
    beta : float
        Alice's rationality β (docs/theory.md §1.5).
    delta : float
        The measured δ of the (δ, C_B*)-closeness.
    single_bob_utility : float
        Alice's expected utility under Q*, talking to one Bob alone who plays C_B*.
    game : GameCheck
        The pure equilibria against the quantal Alice and their bound checks.
    """

    beta: float
    delta: float
    single_bob_utility: float
    game: GameCheck


def check_quantal_game(
    game: ConversationGame,
    betas: Sequence[float],
    tol: float = EQUILIBRIUM_TOL,
    rule_limit: int = DEFAULT_RULE_LIMIT,
    profile_limit: int = DEFAULT_PROFILE_LIMIT,
) -> list[QuantalCheck]:
    """Result 2 at each rationality β: pure equilibria against a quantal Alice, and their bound.

    Parameters
    ----------
    game : ConversationGame
        The game (docs/theory.md §1.5).
    betas : sequence of float
        Alice's rationalities β.
    tol : float
        Tolerance of the checks.
    rule_limit, profile_limit : int
        Enumeration limits, as in :func:`check_conversation_game`.

    Returns
    -------
    list of QuantalCheck
        One per β.

    Raises
    ------
    InputError
        A game whose rules or profiles exceed the limits.
    """
    rules = deterministic_rules(game, rule_limit)
    star = alice_optimal_rule(game)
    alone = game.with_bobs(game.bobs[:1])
    eps = market_epsilon(game)
    first_best = opt(game)
    tolerance = bound_tolerance(tol, eps.weight_sum)
    results = []
    for beta in betas:
        alice = quantal(beta)
        found = exhaustive_equilibria(game, rules, alice, tol=tol, profile_limit=profile_limit)
        runs = rules.shape[0] ** game.k  # within the profile limit once the search has run
        delta = closeness_delta(game, rules, alice).distance
        single = float(expected_utilities(alone, play(alone, [star], alice))[0, 0])
        checks = tuple(
            quantal_bound(
                eq.alice_utility,
                first_best,
                eps.epsilon,
                delta,
                eps.weight_sum,
                beta,
                game.n_actions,
                tolerance,
            )
            for eq in found
        )
        result = GameCheck(first_best, eps, None, True, tuple(found), checks, runs, runs)
        results.append(QuantalCheck(float(beta), delta, single, result))
    return results


def check_selection_game(
    game: SelectionGame,
    starts: int = 8,
    rng: np.random.Generator | None = None,
    tie_rule: TieRule = "uniform",
    tol: float = EQUILIBRIUM_TOL,
) -> GameCheck:
    """Result 3: equilibria reached by best-response dynamics against OPT − 2ε (no condition needed).

    Parameters
    ----------
    game : SelectionGame
        The game (docs/theory.md §1.6).
    starts : int
        Starting profiles of the best-response dynamics.
    rng : numpy.random.Generator, optional
        Draws the starts.
    tie_rule : {"uniform", "lowest"}
        How Alice breaks ties between equally valued Bobs: uniformly, or the lowest index.
    tol : float
        Tolerance of the checks.

    Returns
    -------
    GameCheck
        ε, OPT, the bound and the equilibria reached.

    Raises
    ------
    InputError
        An unknown ``tie_rule``.
    """
    solver = SelectionSolver.build(game, tie_rule)
    search = find_equilibria(solver, starts, np.random.default_rng(rng), tol)
    eps = market_epsilon(game)
    tolerance = bound_tolerance(tol, eps.weight_sum)
    checks = tuple(
        competition_bound(eq.alice_utility, solver.opt, eps.epsilon, tolerance) for eq in search.equilibria
    )
    return GameCheck(solver.opt, eps, None, True, search.equilibria, checks, search.runs, search.converged)
