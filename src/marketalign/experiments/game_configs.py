"""The configurations of the game experiments (Best-AI selection, conversation games, quantal response), free of
imports so that ``marketalign game ... --help`` shows their defaults without loading numpy, pandas or
matplotlib. Each is also importable from its experiment module (``games_selection.SelectionConfig``, ...)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from marketalign.errors import InputError
from marketalign.games.settings import METHODS, TIE_RULES, ConversationShape, check_regret_tol, solver_bytes
from marketalign.limits import check_size

SELECTION_CHUNK = 10
"""Samples per task of the selection sweep by default: about a second (each played with every k)."""

CONVERSATION_CHUNK = 50
"""Games per task of the conversation sweep by default: about a second of tiny games."""

QUANTAL_CHUNK = 10
"""Games per task of the quantal sweep by default: about a second (each played at every β)."""

Family = Literal["misaligned", "shared-bias"]
FAMILIES: tuple[str, ...] = ("misaligned", "shared-bias")
"""The Bob families of the selection experiment: Figure 5's, and the shared-bias counter-example."""

DEFAULT_BETAS = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
"""The rationality levels β of the quantal study."""


@dataclass(frozen=True)
class SelectionConfig:
    """One selection experiment (docs/theory.md §1.6): the Bob family, committee sizes, samples, starts, the
    Alice game's sizes.

    The defaults draw Figure 5 (250 samples x 4 committee sizes = 1,000 games, well under a minute on two cores);
    the bound check at the issue's scale is ``samples=1000`` (4,000 games); :meth:`quick` is a run of seconds.
    ``chunk`` samples make one task of the sweep (default: see
    :func:`marketalign.experiments.games_common.game_chunks`).

    Attributes
    ----------
    family : {"misaligned", "shared-bias"}
        Figure 5's Bobs, or the shared-bias counter-example (every Bob biased toward Alice's least-valued action).
    ks : tuple of int
        Committee sizes k (default 2, 3, 5, 10; ours).
    samples : int
        Bob samples, each played with every k (250).
    starts : int
        Random starts of best-response dynamics per game, besides the favourites' profile (8).
    seed : int
        Seeds Alice's game, every sample and every start.
    n_contexts, n_states, n_actions : int
        Sizes of the one Alice game (8 contexts, 3 states, 4 actions).
    max_misalignment : float
        ``misaligned``: each sample's misalignment m ~ U[0, max_misalignment] (1.0), in [0, 1].
    max_bias : float
        ``shared-bias``: the bias runs on a grid over [0, max_bias] (1.0), in [0, 1].
    noise : float
        ``shared-bias``: the size of each Bob's independent distortion (0.1), in [0, 1].
    tie_rule : {"uniform", "lowest"}
        Alice's choice among equally good Bobs: uniform among them, or the lowest index.
    tol : float
        Regret tolerance τ of the equilibrium and bound checks, in (0, 1e-3].
    chunk : int or None
        Samples per task of the sweep; None = at most 10, fewer so that a small sweep still has several tasks.

    Raises
    ------
    InputError
        When a setting is out of range, or one game would exceed the memory limit.
    """

    family: Family = "misaligned"
    ks: tuple[int, ...] = (2, 3, 5, 10)
    samples: int = 250
    starts: int = 8
    seed: int = 0
    n_contexts: int = 8
    n_states: int = 3
    n_actions: int = 4
    max_misalignment: float = 1.0
    max_bias: float = 1.0
    noise: float = 0.1
    tie_rule: str = "uniform"
    tol: float = 1e-9
    chunk: int | None = None

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise InputError(f"family must be one of {FAMILIES}; got {self.family!r}.")
        if not self.ks or min(self.ks) < 1:
            raise InputError(f"ks must list committee sizes >= 1; got {self.ks!r}.")
        if self.samples < 1 or self.starts < 0 or (self.chunk is not None and self.chunk < 1):
            raise InputError(
                f"Need samples >= 1, starts >= 0 and chunk >= 1; got {self.samples}, {self.starts}, {self.chunk}."
            )
        if self.tie_rule not in TIE_RULES:
            raise InputError(f"tie_rule must be one of {TIE_RULES}; got {self.tie_rule!r}.")
        check_regret_tol(self.tol)
        k = max(self.ks)
        check_size(
            f"One selection game ({self.n_contexts} contexts, {self.n_states} states, {self.n_actions} actions, "
            f"k = {k} Bobs)",
            solver_bytes(self.n_contexts, self.n_states, self.n_actions, k),
        )
        for name in ("max_misalignment", "max_bias", "noise"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise InputError(f"{name} must lie in [0, 1]; got {getattr(self, name)!r}.")

    @classmethod
    def quick(cls, seed: int = 0, **choices: Any) -> SelectionConfig:
        """A run of seconds (8 samples, 4 starts) with the other settings as given."""
        return cls(samples=8, starts=4, seed=seed, **choices)

    @property
    def figure_name(self) -> str:
        """The figure's file stem: Figure 5, or its shared-bias companion."""
        return "fig5" if self.family == "misaligned" else "shared_bias"


@dataclass(frozen=True)
class ConversationConfig:
    """How many random conversation games (docs/theory.md §1.4), their sizes, the search method (exhaustive |
    dynamics) and tolerances.

    The defaults are the full-scale check (10,000 tiny games, all pure equilibria); :meth:`quick` is a run of
    seconds. ``chunk`` games make one task of the sweep (default: see
    :func:`marketalign.experiments.games_common.game_chunks`).

    Attributes
    ----------
    games : int
        Random games checked (10,000).
    seed : int
        Seeds every game and every start.
    shape : ConversationShape
        |X_A|, |X_B|, |Y|, |A|, |M|, rounds R and Bobs k of every game (default 2 of each, R = 1, k = 2).
    method : {"exhaustive", "dynamics"}
        Every pure equilibrium, or those best-response dynamics reach.
    starts : int
        Random starts of the dynamics (10; ``method="dynamics"`` only).
    max_misalignment : float
        Each game's Bob misalignment m ~ U[0, max_misalignment] (1.0), in [0, 1].
    tol : float
        Regret tolerance τ of the equilibrium and bound checks, in (0, 1e-3].
    chunk : int or None
        Games per task of the sweep; None = at most 50, fewer so that a small sweep still has several tasks.

    Raises
    ------
    InputError
        When a setting is out of range.
    """

    games: int = 10_000
    seed: int = 0
    shape: ConversationShape = field(default_factory=ConversationShape)
    method: str = "exhaustive"
    starts: int = 10
    max_misalignment: float = 1.0
    tol: float = 1e-9
    chunk: int | None = None

    def __post_init__(self) -> None:
        if self.games < 1 or (self.chunk is not None and self.chunk < 1):
            raise InputError(f"games and chunk must be >= 1; got {self.games} and {self.chunk}.")
        if self.method not in METHODS:
            raise InputError(f"method must be one of {METHODS}; got {self.method!r}.")
        if not 0.0 <= self.max_misalignment <= 1.0:
            raise InputError(f"max_misalignment must lie in [0, 1]; got {self.max_misalignment!r}.")
        check_regret_tol(self.tol)

    @classmethod
    def quick(cls, seed: int = 0, **choices: Any) -> ConversationConfig:
        """A run of seconds (60 games) with the other settings as given."""
        return cls(games=60, seed=seed, **choices)


@dataclass(frozen=True)
class QuantalConfig:
    """Games, their sizes and the rationality levels β to study (docs/theory.md §1.5).

    The defaults are the full-scale study (200 games x 8 values of β); :meth:`quick` is a run of seconds.
    ``chunk`` games make one task of the sweep (default: see
    :func:`marketalign.experiments.games_common.game_chunks`).

    Attributes
    ----------
    games : int
        Random games, each played at every β (200).
    betas : tuple of float
        Alice's rationality levels β > 0 (0.5, 1, 2, 5, 10, 20, 50, 100).
    seed : int
        Seeds every game.
    shape : ConversationShape
        |X_A|, |X_B|, |Y|, |A|, |M|, rounds R and Bobs k of every game (default 2 of each, R = 1, k = 2).
    max_misalignment : float
        Each game's Bob misalignment m ~ U[0, max_misalignment] (1.0), in [0, 1].
    tol : float
        Regret tolerance τ of the equilibrium and bound checks, in (0, 1e-3].
    chunk : int or None
        Games per task of the sweep; None = at most 10, fewer so that a small sweep still has several tasks.

    Raises
    ------
    InputError
        When a setting is out of range, a β is not a finite number > 0, or |M| < |A| (C_B* needs a message
        per action).
    """

    games: int = 200
    betas: tuple[float, ...] = DEFAULT_BETAS
    seed: int = 0
    shape: ConversationShape = field(default_factory=ConversationShape)
    max_misalignment: float = 1.0
    tol: float = 1e-9
    chunk: int | None = None

    def __post_init__(self) -> None:
        if self.games < 1 or (self.chunk is not None and self.chunk < 1):
            raise InputError(f"games and chunk must be >= 1; got {self.games} and {self.chunk}.")
        if not self.betas or not all(math.isfinite(beta) for beta in self.betas) or min(self.betas) <= 0:
            raise InputError(
                f"Every rationality level beta must be a finite number > 0; got {self.betas!r}. At beta = 0 Alice "
                "picks uniformly at random and the bound's ln|A|/beta term is infinite; use e.g. --beta 0.1."
            )
        if self.shape.n_messages < self.shape.n_actions:
            raise InputError("The quantal study compares with C_B*, which needs n_messages >= n_actions.")
        if not 0.0 <= self.max_misalignment <= 1.0:
            raise InputError(f"max_misalignment must lie in [0, 1]; got {self.max_misalignment!r}.")
        check_regret_tol(self.tol)

    @classmethod
    def quick(cls, seed: int = 0, **choices: Any) -> QuantalConfig:
        """A run of seconds (6 games) with the other settings as given."""
        return cls(games=6, seed=seed, **choices)
