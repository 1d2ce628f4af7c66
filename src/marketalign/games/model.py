"""Finite game descriptions (docs/theory.md §1.1, §1.4, §1.6): priors, actions, states and utilities, validated once.

Two immutable games share one layout of utilities — Alice's table ``alice`` (A, Y) and the Bobs' tables
``bobs`` (k, A, Y), every entry in [0, 1] (the paper's u_A, U_i : A × Y → [0, 1]):

- :class:`ConversationGame`: a common prior π(x_A, x_B, y) over Alice's observation, the Bobs' shared
  observation and the state (our formalisation: all sets finite, all Bobs see the same x_B), a reply
  alphabet of ``n_messages`` symbols and ``rounds`` rounds of conversation.
- :class:`SelectionGame`: the Best-AI selection game (ours): contexts x with a prior π(x, y).

Both round-trip through JSON (:func:`save_game` / :func:`load_game`) so that any instance that breaks a bound
can be written out and replayed exactly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from marketalign.errors import InputError

PROBABILITY_TOL = 1e-9


def _frozen(values: Any, name: str, ndim: int) -> np.ndarray:
    """A read-only float64 copy of ``values`` with ``ndim`` dimensions, all finite."""
    try:
        array = np.array(values, dtype=float)
    except (TypeError, ValueError) as err:
        raise InputError(f"{name} must be a rectangular array of numbers ({err}).") from err
    if array.ndim != ndim or array.size == 0:
        raise InputError(f"{name} must be a non-empty {ndim}-D array; got shape {array.shape}.")
    if not np.isfinite(array).all():
        raise InputError(f"{name} contains NaN or infinite values; every entry must be a finite number.")
    array.setflags(write=False)
    return array


def _check_prior(prior: np.ndarray, name: str) -> None:
    if (prior < 0).any():
        raise InputError(f"{name} has negative entries (min {prior.min():.3g}); probabilities must be >= 0.")
    total = float(prior.sum())
    if abs(total - 1.0) > PROBABILITY_TOL:
        raise InputError(f"{name} sums to {total!r}, not 1; normalise it (divide by its sum).")


def _check_utilities(alice: np.ndarray, bobs: np.ndarray, n_states: int) -> None:
    if alice.shape[1] != n_states:
        raise InputError(
            f"Alice's utility table has {alice.shape[1]} state columns but the prior has {n_states} states; "
            "use one column per state."
        )
    if bobs.shape[1:] != alice.shape:
        raise InputError(
            f"The Bobs' tables have shape {bobs.shape[1:]} each but Alice's has shape {alice.shape}; all "
            "utility tables must index the same actions and states."
        )
    for name, table in (("Alice's utility", alice), ("The Bobs' utilities", bobs)):
        if table.min() < 0.0 or table.max() > 1.0:
            raise InputError(
                f"{name} must lie in [0, 1] (the model's u : A x Y -> [0, 1]); got range "
                f"[{table.min():.4g}, {table.max():.4g}]. Rescale the table affinely."
            )


@dataclass(frozen=True)
class ConversationGame:
    """A finite multi-leader Bayesian persuasion game with R rounds of conversation (docs/theory.md §1.4).

    ``prior[x_A, x_B, y]`` is the common prior; ``alice[a, y]`` and ``bobs[i, a, y]`` the utilities. Alice's
    messages to a Bob are drawn from her observation alphabet X_A (she can reveal x_A, stay silent by always
    sending the same symbol, or anything in between); Bobs reply with one of ``n_messages`` symbols.

    Parameters
    ----------
    prior : array_like, shape (X_A, X_B, Y)
        The common prior; non-negative, summing to 1.
    alice : array_like, shape (A, Y)
        Alice's utility.
    bobs : array_like, shape (k, A, Y)
        The Bobs' utilities.
    n_messages : int
        The Bobs' reply alphabet size.
    rounds : int
        R, the rounds of conversation.

    Raises
    ------
    InputError
        Shapes that do not agree, a prior that is not a distribution or gives some x_A or x_B probability 0,
        non-finite values, or R or the alphabet below 1.
    """

    prior: np.ndarray
    alice: np.ndarray
    bobs: np.ndarray
    n_messages: int
    rounds: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "prior", _frozen(self.prior, "prior (x_A, x_B, y)", 3))
        object.__setattr__(self, "alice", _frozen(self.alice, "alice (actions, states)", 2))
        object.__setattr__(self, "bobs", _frozen(self.bobs, "bobs (k, actions, states)", 3))
        _check_prior(self.prior, "The prior over (x_A, x_B, y)")
        _check_utilities(self.alice, self.bobs, self.prior.shape[2])
        for axis, label in ((1, "x_A"), (0, "x_B")):
            marginal = self.prior.sum(axis=(axis, 2))
            if (marginal <= 0).any():
                raise InputError(
                    f"Some value of {label} has prior probability 0 (indices "
                    f"{np.flatnonzero(marginal <= 0)}); remove it from the game."
                )
        if not (isinstance(self.n_messages, (int, np.integer)) and self.n_messages >= 1):
            raise InputError(f"n_messages must be an integer >= 1; got {self.n_messages!r}.")
        if not (isinstance(self.rounds, (int, np.integer)) and self.rounds >= 1):
            raise InputError(f"rounds must be an integer >= 1; got {self.rounds!r}.")
        object.__setattr__(self, "n_messages", int(self.n_messages))
        object.__setattr__(self, "rounds", int(self.rounds))

    @property
    def n_alice_obs(self) -> int:
        return self.prior.shape[0]

    @property
    def n_bob_obs(self) -> int:
        return self.prior.shape[1]

    @property
    def n_states(self) -> int:
        return self.prior.shape[2]

    @property
    def n_actions(self) -> int:
        return self.alice.shape[0]

    @property
    def k(self) -> int:
        return self.bobs.shape[0]

    def with_bobs(self, bobs: np.ndarray) -> ConversationGame:
        """The same game with other Bobs (e.g. a single Bob, or one Bob replaced)."""
        return ConversationGame(self.prior, self.alice, bobs, self.n_messages, self.rounds)

    def to_dict(self) -> dict:
        return {
            "kind": "conversation",
            "prior": self.prior.tolist(),
            "alice": self.alice.tolist(),
            "bobs": self.bobs.tolist(),
            "n_messages": self.n_messages,
            "rounds": self.rounds,
        }


@dataclass(frozen=True)
class SelectionGame:
    """The Best-AI selection game (docs/theory.md §1.6, ours): contexts x, states y, prior ``prior[x, y]``.

    Parameters
    ----------
    prior : array_like, shape (X, Y)
        The prior over contexts and states.
    alice : array_like, shape (A, Y)
        Alice's utility.
    bobs : array_like, shape (k, A, Y)
        The Bobs' utilities.

    Raises
    ------
    InputError
        Shapes that do not agree, a prior that is not a distribution, or non-finite values.
    """

    prior: np.ndarray
    alice: np.ndarray
    bobs: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "prior", _frozen(self.prior, "prior (contexts, states)", 2))
        object.__setattr__(self, "alice", _frozen(self.alice, "alice (actions, states)", 2))
        object.__setattr__(self, "bobs", _frozen(self.bobs, "bobs (k, actions, states)", 3))
        _check_prior(self.prior, "The prior over (x, y)")
        _check_utilities(self.alice, self.bobs, self.prior.shape[1])
        if (self.prior.sum(axis=1) <= 0).any():
            raise InputError(
                f"Contexts {np.flatnonzero(self.prior.sum(axis=1) <= 0)} have probability 0; remove them."
            )

    @property
    def n_contexts(self) -> int:
        return self.prior.shape[0]

    @property
    def n_states(self) -> int:
        return self.prior.shape[1]

    @property
    def n_actions(self) -> int:
        return self.alice.shape[0]

    @property
    def k(self) -> int:
        return self.bobs.shape[0]

    def with_bobs(self, bobs: np.ndarray) -> SelectionGame:
        """The same Alice game with other Bobs."""
        return SelectionGame(self.prior, self.alice, bobs)

    def to_dict(self) -> dict:
        return {
            "kind": "selection",
            "prior": self.prior.tolist(),
            "alice": self.alice.tolist(),
            "bobs": self.bobs.tolist(),
        }


Game = ConversationGame | SelectionGame


def game_from_dict(payload: dict) -> Game:
    """Rebuild a game from :meth:`to_dict` output (validating it again).

    Parameters
    ----------
    payload : dict
        ``kind`` ("conversation" or "selection"), ``prior``, ``alice``, ``bobs`` and, for a conversation
        game, ``n_messages`` and ``rounds``.

    Returns
    -------
    ConversationGame or SelectionGame
        The game.

    Raises
    ------
    InputError
        When ``payload`` is not a dict with a known ``kind``, lacks a key, or fails the game's validation.
    """
    if not isinstance(payload, dict) or payload.get("kind") not in ("conversation", "selection"):
        raise InputError('A game file must be a JSON object with "kind": "conversation" or "selection".')
    try:
        if payload["kind"] == "conversation":
            return ConversationGame(
                payload["prior"], payload["alice"], payload["bobs"], payload["n_messages"], payload["rounds"]
            )
        return SelectionGame(payload["prior"], payload["alice"], payload["bobs"])
    except KeyError as err:
        raise InputError(f"The game file lacks the key {err.args[0]!r}.") from err


def save_game(game: Game, path: str | Path, **extra: Any) -> Path:
    """Write ``game`` (and any JSON-ready ``extra`` fields, e.g. the equilibrium) to ``path`` exactly.

    Parameters
    ----------
    game : ConversationGame or SelectionGame
        The game.
    path : str or Path
        Where to write the JSON.
    **extra
        JSON-ready fields stored beside the game.

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    payload = json.dumps({**game.to_dict(), **extra}, indent=1, sort_keys=True, default=_plain)
    path.write_text(payload + "\n")
    return path


def _plain(value: Any) -> Any:
    """JSON form of numpy values (arrays become nested lists; floats keep every bit)."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"Cannot write {type(value).__name__} to a game file.")


def load_game(path: str | Path) -> Game:
    """Read a game written by :func:`save_game`; floats round-trip exactly.

    Parameters
    ----------
    path : str or Path
        A JSON file written by :func:`save_game`.

    Returns
    -------
    ConversationGame or SelectionGame
        The game, validated.

    Raises
    ------
    InputError
        A missing or unreadable file, or one that does not describe a valid game.
    """
    try:
        payload = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise InputError(f"Cannot read a game from {path}: {err}.") from err
    return game_from_dict(payload)
