"""The results' inequalities as checks with reported slack, and the market-alignment ε they depend on.

- Competition bound (Results 1 and 3; the inequality and its proof sketch are ours, docs/theory.md §1.4 and §1.6):
  every equilibrium gives Alice E[u_A] ≥ OPT − 2ε, ε the non-negative-weight ε of Definition 1.
- Quantal bound (Result 2; our derived constant, docs/theory.md §1.5, not the paper's):
  E[u_A] ≥ OPT − 2ε − δ·Σ_i w_i − ln|A| / β.

Equilibria are verified up to a regret tolerance τ; each Bob's payoff may then fall τ short of his deviation
value, which loosens the bound by τ·Σ_i w_i. Every check therefore carries an explicit ``tolerance``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from marketalign.errors import BoundViolation
from marketalign.games.model import Game, save_game
from marketalign.hull.epsilon import EpsilonResult, epsilon_sup
from marketalign.paths import prepare_dir

NUMERIC_TOL = 1e-9


@dataclass(frozen=True)
class MarketEpsilon:
    """ε of Definition 1 with non-negative weights (the one the bounds use) and with simplex weights."""

    nonneg: EpsilonResult
    simplex: EpsilonResult

    @property
    def epsilon(self) -> float:
        return self.nonneg.epsilon

    @property
    def weight_sum(self) -> float:
        return float(self.nonneg.weights.sum())


def market_epsilon(game: Game) -> MarketEpsilon:
    """Both exact sup-norm ε's of the game's utility tables (Alice's against the Bobs').

    Parameters
    ----------
    game : ConversationGame or SelectionGame
        The game; only its ``alice`` (A, Y) and ``bobs`` (k, A, Y) tables are read.

    Returns
    -------
    MarketEpsilon
        ε with non-negative weights (the one the bounds use) and with simplex weights (docs/theory.md §1.2).

    Raises
    ------
    SolverError
        HiGHS did not solve an ε linear program (numerical).
    """
    nonneg = epsilon_sup(game.alice, game.bobs, "nonneg")
    return MarketEpsilon(nonneg, epsilon_sup(game.alice, game.bobs, "simplex"))


@dataclass(frozen=True)
class BoundCheck:
    """Alice's equilibrium utility against ``bound`` = OPT − 2ε − ``penalty``; violated if slack < −tol.

    Attributes
    ----------
    alice_utility : float
        E[u_A] at the equilibrium.
    opt : float
        The first-best utility OPT.
    epsilon : float
        ε of Definition 1 with non-negative weights (docs/theory.md §1.2).
    penalty : float
        0 for :func:`competition_bound`; δ·Σ w_i + ln|A|/β for :func:`quantal_bound` (infinite for β = 0).
    bound : float
        OPT − 2ε − penalty.
    slack : float
        ``alice_utility − bound``.
    tolerance : float
        How far below the bound still counts as met (τ·Σ w_i plus round-off, see :func:`bound_tolerance`).
    """

    alice_utility: float
    opt: float
    epsilon: float
    penalty: float
    bound: float
    slack: float
    tolerance: float

    @property
    def violated(self) -> bool:
        return self.slack < -self.tolerance

    def to_dict(self) -> dict[str, float | bool]:
        return {**asdict(self), "violated": self.violated}


def bound_tolerance(regret_tol: float, weight_sum: float) -> float:
    """How much a τ-verified equilibrium may legitimately miss the bound: τ·Σ w_i plus round-off."""
    return regret_tol * weight_sum + NUMERIC_TOL


def competition_bound(
    alice_utility: float, opt: float, epsilon: float, tolerance: float = NUMERIC_TOL
) -> BoundCheck:
    """E[u_A] ≥ OPT − 2ε (Results 1 and 3).

    The inequality is the one we check (docs/theory.md §1.4 and §1.6).

    Parameters
    ----------
    alice_utility : float
        E[u_A] at an equilibrium.
    opt : float
        The first-best utility OPT.
    epsilon : float
        ε of Definition 1 with non-negative weights.
    tolerance : float
        How far below the bound still counts as met.

    Returns
    -------
    BoundCheck
        The bound, its slack and whether it is violated (``penalty`` 0).
    """
    bound = opt - 2.0 * epsilon
    return BoundCheck(alice_utility, opt, epsilon, 0.0, bound, alice_utility - bound, tolerance)


def quantal_penalty(delta: float, weight_sum: float, beta: float, n_actions: int) -> float:
    """δ·Σ w_i + ln|A| / β (infinite for β = 0)."""
    entropy = np.log(n_actions) / beta if beta > 0 else np.inf
    return float(delta * weight_sum + entropy)


def quantal_bound(
    alice_utility: float,
    opt: float,
    epsilon: float,
    delta: float,
    weight_sum: float,
    beta: float,
    n_actions: int,
    tolerance: float = NUMERIC_TOL,
) -> BoundCheck:
    """E[u_A] ≥ OPT − 2ε − δ·Σ w_i − ln|A| / β (Result 2, our constant).

    See docs/theory.md §1.5.

    Parameters
    ----------
    alice_utility : float
        E[u_A] at an equilibrium.
    opt : float
        The first-best utility OPT.
    epsilon : float
        ε of Definition 1 with non-negative weights.
    delta : float
        δ of the (δ, C_B*)-closeness (:func:`closeness_delta`).
    weight_sum : float
        Σ w_i of the weights attaining ε.
    beta : float
        Alice's rationality β; β = 0 makes the bound −inf.
    n_actions : int
        |A|.
    tolerance : float
        How far below the bound still counts as met.

    Returns
    -------
    BoundCheck
        The bound, its slack and whether it is violated.
    """
    penalty = quantal_penalty(delta, weight_sum, beta, n_actions)
    bound = opt - 2.0 * epsilon - penalty
    return BoundCheck(alice_utility, opt, epsilon, penalty, bound, alice_utility - bound, tolerance)


def slack_summary(slacks: np.ndarray) -> dict[str, Any]:
    """Count, min, mean and quantiles (1%, 5%, 25%, 50%, 75%, 95%) of a slack distribution."""
    slacks = np.asarray(slacks, dtype=float)
    slacks = slacks[np.isfinite(slacks)]
    if slacks.size == 0:
        return {"count": 0, "min": None, "mean": None, "quantiles": {}}
    levels = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95)
    return {
        "count": int(slacks.size),
        "min": float(slacks.min()),
        "mean": float(slacks.mean()),
        "quantiles": {f"{q:g}": float(v) for q, v in zip(levels, np.quantile(slacks, levels), strict=True)},
    }


def write_violation(game: Game, folder: str | Path, name: str, **details: Any) -> Path:
    """Dump a game whose equilibrium broke a bound, with the details needed to replay it, as JSON."""
    folder = prepare_dir(folder)
    return save_game(game, folder / f"{name}.json", violation=details)


def raise_if_violated(summary: dict[str, Any], out: str | Path) -> None:
    """Raise :class:`BoundViolation` when a run's summary counts any violation (the CLI then exits 1)."""
    if summary.get("violations", 0):
        raise BoundViolation(
            f"{summary['violations']} equilibria broke the bound (min slack {summary.get('min_slack')}); "
            f"the games are in {Path(out) / 'violations'}."
        )
