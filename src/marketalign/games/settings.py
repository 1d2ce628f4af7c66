"""What a game check is set with (the sizes of a random conversation game, Alice's tie rule, the equilibrium
search, the regret tolerance) and the memory it takes, free of imports so that the command line's help can show
the defaults without loading numpy or SciPy."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Literal

from marketalign.errors import InputError
from marketalign.limits import check_size

TieRule = Literal["uniform", "lowest"]
TIE_RULES: tuple[str, ...] = ("uniform", "lowest")
"""Alice's choice among equally good Bobs in the selection game (docs/theory.md §1.6)."""

Method = Literal["exhaustive", "dynamics"]
METHODS: tuple[str, ...] = ("exhaustive", "dynamics")
"""How the Bobs' pure equilibria are searched: every profile, or best-response dynamics from random starts."""

MAX_REGRET_TOL = 1e-3  # a thousandth of the utility range [0, 1]; any larger tolerance hides what is checked
LP_BYTES_PER_NONZERO = 300  # HiGHS's memory per constraint-matrix entry of the epsilon LP, measured


def check_regret_tol(tol: float) -> float:
    """The regret tolerance τ of an equilibrium check, validated: finite and in (0, :data:`MAX_REGRET_TOL`].

    Utilities lie in [0, 1], so regrets and slacks are at most 1: a τ near that scale counts profiles far from
    equilibrium as equilibria and, through τ·Σ w_i, forgives violated bounds (``--tol 1e9`` reported no
    violation at slack −0.13).

    Raises
    ------
    InputError
        When ``tol`` is not a finite number in (0, MAX_REGRET_TOL].
    """
    if not (isinstance(tol, int | float) and math.isfinite(tol) and 0 < tol <= MAX_REGRET_TOL):
        raise InputError(
            f"The regret tolerance (--tol) must be a number in (0, {MAX_REGRET_TOL:g}]; got {tol!r}. Utilities lie "
            "in [0, 1], so a larger tolerance would accept non-equilibria and forgive violated bounds; the "
            "default 1e-9 only absorbs round-off."
        )
    return float(tol)


def check_count(value: int, name: str, minimum: int = 1) -> int:
    """``value`` as an int when it is an integer (Python's or numpy's) of at least ``minimum``.

    Raises
    ------
    InputError
        When it is not.
    """
    if not (isinstance(value, numbers.Integral) and value >= minimum):
        raise InputError(f"{name} must be an integer >= {minimum}; got {value!r}.")
    return int(value)


def market_epsilon_bytes(n_actions: int, n_states: int, k: int) -> int:
    """Estimated memory of :func:`marketalign.games.bounds.market_epsilon`: two LPs with 2·|A|·|Y| rows and
    k + 2 columns each."""
    return LP_BYTES_PER_NONZERO * 2 * n_actions * n_states * (k + 2)


def solver_bytes(n_contexts: int, n_states: int, n_actions: int, k: int) -> int:
    """Estimated peak memory of checking one selection game (:class:`marketalign.games.selection.SelectionSolver`
    and its clock).

    The clock compares every pair of Bobs at every vertex of every Bob's path: k²·T floats, T the vertices of
    all paths. A context's walk along its upper hull takes at most |A| − 1 steps and, for random utilities,
    about ln|A| + 1 (the expected hull size), which the estimate uses. Also counted: the weighted tables and
    policies (k·X·A each) and the two ε linear programs.
    """
    steps = min(n_actions - 1, math.ceil(math.log(n_actions)) + 1)
    vertices = k * n_contexts * steps + 2
    floats = 8 * k * k * vertices + k * k * (n_contexts * steps + 1) + 8 * k * n_contexts * n_actions
    return 8 * (floats + 4 * n_contexts * n_states) + market_epsilon_bytes(n_actions, n_states, k)


@dataclass(frozen=True)
class ConversationShape:
    """Sizes of a finite conversation game (docs/theory.md §1.4): |X_A|, |X_B|, |Y|, |A|, |M|, R and the number of
    Bobs k.

    Raises
    ------
    InputError
        When a size is not an integer >= 1, or one game would exceed the memory limit (:mod:`marketalign.limits`).
    """

    n_alice_obs: int = 2
    n_bob_obs: int = 2
    n_states: int = 2
    n_actions: int = 2
    n_messages: int = 2
    rounds: int = 1
    k: int = 2

    def __post_init__(self) -> None:
        for name in ("n_alice_obs", "n_bob_obs", "n_states", "n_actions", "n_messages", "rounds", "k"):
            check_count(getattr(self, name), name)
        sizes = ", ".join(f"{name} = {value}" for name, value in vars(self).items())
        check_size(f"A random conversation game ({sizes})", self.game_bytes())

    def game_bytes(self) -> int:
        """Estimated memory of drawing one game and its two ε LPs: the prior and utility tables, a few copies."""
        cells = self.n_alice_obs * self.n_bob_obs * self.n_states + (self.k + 1) * self.n_actions * self.n_states
        return 8 * 4 * cells + market_epsilon_bytes(self.n_actions, self.n_states, self.k)
