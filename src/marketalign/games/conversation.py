"""Playing the conversation game (the paper's Result 1; protocol ours, docs/theory.md §1.4).

In round r Alice sends each Bob a message (a function of x_A and everything she has heard), then every Bob i
replies m_{i,r} ~ C_{B_i}(x_B, his thread). After R rounds Alice acts. Against committed rules she plays her
Best-Response Conversation Rule and Best Response Decision Rule, found here by backward induction over her
information sets (ties: lowest message vector, lowest action, within 1e-12). The result of a play is the
Induced Distribution, stored as P(a | x_A, x_B): every payoff is an expectation under it.

:class:`AliceModel` also covers the non-strategic Alice of Result 2: she reveals x_A to every Bob in every
round and chooses a with probability ∝ exp(β·E[u_A(a, y) | x_A, transcript]) (quantal response).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from marketalign.errors import InputError
from marketalign.games.model import ConversationGame
from marketalign.games.rules import check_rule, first_best_actions, threads

TIE_TOL = 1e-12
_BATCH = 4096
BRANCH_LIMIT = 10**7  # (plan, reply) branches Alice's backward induction may visit: minutes of Python loops


@dataclass(frozen=True)
class AliceModel:
    """How Alice plays: ``strategic`` (best-response conversation rule) or revealing x_A every round; ``beta``
    None for the best-response decision rule, else quantal response with rationality β ≥ 0.

    Attributes
    ----------
    strategic : bool
        True: her best-response conversation rule (docs/theory.md §1.4); False: she reveals x_A to every Bob
        in every round.
    beta : float or None
        None: she acts by argmax of E[u_A | information] (ties to the lowest action); else she picks a with
        probability ∝ exp(β·E[u_A(a, y) | information]) (docs/theory.md §1.5).

    Raises
    ------
    InputError
        When ``beta`` is not None and not a finite number >= 0.
    """

    strategic: bool = True
    beta: float | None = None

    def __post_init__(self) -> None:
        if self.beta is not None and not (np.isfinite(self.beta) and self.beta >= 0):
            raise InputError(f"beta must be a finite number >= 0; got {self.beta!r}.")


STRATEGIC = AliceModel()


def quantal(beta: float) -> AliceModel:
    """A non-strategic Alice who reveals x_A and responds quantally with rationality ``beta``.

    Parameters
    ----------
    beta : float
        The rationality β >= 0 (docs/theory.md §1.5); 0 is uniform over actions.

    Returns
    -------
    AliceModel
        ``AliceModel(strategic=False, beta=beta)``.

    Raises
    ------
    InputError
        When ``beta`` is not a finite number >= 0.
    """
    return AliceModel(strategic=False, beta=float(beta))


def weighted_tables(game: ConversationGame) -> tuple[np.ndarray, np.ndarray]:
    """Σ_y π(x_A, x_B, y)·u(a, y) for Alice (X_A, X_B, A) and for every Bob (k, X_A, X_B, A)."""
    return (np.einsum("ijy,ay->ija", game.prior, game.alice),
            np.einsum("ijy,kay->kija", game.prior, game.bobs))


def opt(game: ConversationGame) -> float:
    """First-Best Utility OPT = E_{x_A, x_B}[max_a E[u_A(a, y) | x_A, x_B]].

    Parameters
    ----------
    game : ConversationGame
        The game (docs/theory.md §1.4).

    Returns
    -------
    float
        OPT.
    """
    return float(weighted_tables(game)[0].max(axis=2).sum())


def first_best_play(game: ConversationGame) -> np.ndarray:
    """The first-best induced distribution P(a | x_A, x_B) = 1[a = a*(x_A, x_B)], shape (1, X_A, X_B, A).

    Parameters
    ----------
    game : ConversationGame
        The game (docs/theory.md §1.4).

    Returns
    -------
    numpy.ndarray, shape (1, X_A, X_B, A)
        A batch of one play; a* breaks ties toward the lowest action.
    """
    return np.eye(game.n_actions)[first_best_actions(game)][None]


def _first_argmax(values: np.ndarray, axis: int) -> np.ndarray:
    return np.argmax(values >= values.max(axis=axis, keepdims=True) - TIE_TOL, axis=axis)


def _batched(rules: Sequence[np.ndarray]) -> tuple[list[np.ndarray], int]:
    arrays = [r if r.ndim == 4 else r[None] for r in rules]
    size = max(a.shape[0] for a in arrays)
    if any(a.shape[0] not in (1, size) for a in arrays):
        raise InputError("Batched rules must share one batch size (or have batch size 1).")
    return arrays, size


def play(game: ConversationGame, rules: Sequence[np.ndarray], alice: AliceModel = STRATEGIC) -> np.ndarray:
    """P(a | x_A, x_B) when Bob i follows ``rules[i]`` and Alice plays ``alice``; shape (P, X_A, X_B, A).

    Each rule is (H, X_B, M) or a batch (P, H, X_B, M) of profiles evaluated together.

    Parameters
    ----------
    game : ConversationGame
        The game (docs/theory.md §1.4).
    rules : sequence of numpy.ndarray
        One conversation rule per Bob.
    alice : AliceModel, optional
        Alice's response (default: her best response; :func:`quantal` for a quantal one, docs/theory.md §1.5).

    Returns
    -------
    numpy.ndarray
        P(a | x_A, x_B), of shape (X_A, X_B, A) or (P, X_A, X_B, A) for batched rules.

    Raises
    ------
    InputError
        Not one rule per Bob, or rules of the wrong shape.
    """
    if len(rules) != game.k:
        raise InputError(f"Give one conversation rule per Bob: the game has {game.k} Bobs, got {len(rules)}.")
    arrays, size = _batched([check_rule(game, r) for r in rules])
    if size <= _BATCH:
        return _Player(game, alice).run(arrays, size)
    parts = []
    for lo in range(0, size, _BATCH):
        chunk = [a if a.shape[0] == 1 else a[lo:lo + _BATCH] for a in arrays]
        parts.append(_Player(game, alice).run(chunk, min(_BATCH, size - lo)))
    return np.concatenate(parts)


def _check_branches(game: ConversationGame, alice: AliceModel) -> None:
    """Refuse games whose backward induction visits more than :data:`BRANCH_LIMIT` branches.

    Each round Alice tries every plan (|X_A|^k of them when strategic, |X_A| when she reveals x_A) against every
    reply profile (|M|^k), so the last round alone has (plans · |M|^k)^R branches; compared in logs.

    Raises
    ------
    InputError
        When the count exceeds the limit.
    """
    plans = game.k * math.log(game.n_alice_obs) if alice.strategic else math.log(game.n_alice_obs)
    log_branches = game.rounds * (plans + game.k * math.log(game.n_messages))
    if log_branches > math.log(BRANCH_LIMIT):
        raise InputError(
            f"Alice's best response in this conversation game visits about 10^{log_branches / math.log(10):.0f} "
            f"branches (k = {game.k} Bobs, |X_A| = {game.n_alice_obs}, |M| = {game.n_messages}, R = "
            f"{game.rounds}), more than the limit {BRANCH_LIMIT:,}; use fewer Bobs, rounds, messages or "
            "observations."
        )


class _Player:
    """Backward induction over Alice's information sets, vectorised over profiles and over x_A."""

    def __init__(self, game: ConversationGame, alice: AliceModel) -> None:
        _check_branches(game, alice)
        self.game = game
        self.alice = alice
        self.threads = threads(game)
        self.weights, _ = weighted_tables(game)
        self.mass = game.prior.sum(axis=2)
        S, k = game.n_alice_obs, game.k
        if alice.strategic:
            self.plans = list(itertools.product(range(S), repeat=k))
        else:  # reveal x_A to everyone: plan s is (s, ..., s), chosen when x_A = s
            self.plans = [(s,) * k for s in range(S)]
        self.replies = list(itertools.product(range(game.n_messages), repeat=k))

    def run(self, rules: list[np.ndarray], size: int) -> np.ndarray:
        self.rules = rules
        start = np.ones((size, self.game.n_alice_obs, self.game.n_bob_obs))
        _, played = self._node(0, (0,) * self.game.k, start)
        return np.ascontiguousarray(np.broadcast_to(played, (size, *played.shape[1:])))

    def _node(self, round_: int, prefixes: tuple[int, ...], likelihood: np.ndarray):
        """(Alice's unnormalised value per x_A, P(a | x_A, x_B, reaching here)) below this information set."""
        if round_ == self.game.rounds:
            return self._decide(likelihood)
        size, n_a, n_b = likelihood.shape
        values, plays = [], []
        for plan in self.plans:
            heard = [r[:, self.threads.index(round_, p, s)] for r, p, s in zip(self.rules, prefixes, plan,
                                                                                strict=True)]
            value = np.zeros((size, n_a))
            played = np.zeros((size, n_a, n_b, self.game.n_actions))
            for reply in self.replies:
                factor = np.ones((size, n_b))
                for probs, m in zip(heard, reply, strict=True):
                    factor = factor * probs[:, :, m]
                if not factor.any():
                    continue
                child = tuple(
                    self.threads.extend(p, s, m) for p, s, m in zip(prefixes, plan, reply, strict=True)
                )
                sub_value, sub_play = self._node(round_ + 1, child, likelihood * factor[:, None, :])
                value = value + sub_value
                played = played + factor[:, None, :, None] * sub_play
            values.append(value)
            plays.append(played)
        values_arr = np.stack(values)  # (plans, P, X_A)
        if self.alice.strategic:
            choice = _first_argmax(values_arr, axis=0)
        else:
            choice = np.broadcast_to(np.arange(n_a), (size, n_a))
        value = np.take_along_axis(values_arr, choice[None], axis=0)[0]
        played = np.take_along_axis(np.stack(plays), choice[None, :, :, None, None], axis=0)[0]
        return value, played

    def _decide(self, likelihood: np.ndarray):
        scores = np.einsum("pij,ija->pia", likelihood, self.weights)  # unnormalised E[u_A(a) | info]
        if self.alice.beta is None:
            best = _first_argmax(scores, axis=2)
            probs = np.eye(self.game.n_actions)[best]
        else:
            mass = np.einsum("pij,ij->pi", likelihood, self.mass)
            posterior = np.divide(
                scores, mass[:, :, None], out=np.zeros_like(scores), where=mass[:, :, None] > 0
            )
            logits = self.alice.beta * posterior
            probs = np.exp(logits - logits.max(axis=2, keepdims=True))
            probs /= probs.sum(axis=2, keepdims=True)
        value = (probs * scores).sum(axis=2)
        return value, np.broadcast_to(probs[:, :, None, :], (*likelihood.shape, self.game.n_actions))


def expected_utilities(game: ConversationGame, played: np.ndarray) -> np.ndarray:
    """Expected utilities under induced distributions ``played`` (P, X_A, X_B, A): (P, 1 + k), Alice first.

    Parameters
    ----------
    game : ConversationGame
        The game (docs/theory.md §1.4).
    played : numpy.ndarray, shape (P, X_A, X_B, A)
        A batch of plays P(a | x_A, x_B), as :func:`play` returns.

    Returns
    -------
    numpy.ndarray, shape (P, 1 + k)
        Per play, E[u_A] then E[U_1] .. E[U_k].
    """
    alice_w, bobs_w = weighted_tables(game)
    return np.concatenate([np.einsum("pija,ija->p", played, alice_w)[:, None],
                           np.einsum("pija,kija->pk", played, bobs_w)], axis=1)


def induced_distribution(game: ConversationGame, played: np.ndarray) -> np.ndarray:
    """The joint law of (x_A, x_B, y, a) for one play (X_A, X_B, A): shape (X_A, X_B, Y, A).

    The paper's Induced Distribution (docs/theory.md §1.4), without the transcript.

    Parameters
    ----------
    game : ConversationGame
        The game.
    played : numpy.ndarray, shape (X_A, X_B, A)
        One play P(a | x_A, x_B).

    Returns
    -------
    numpy.ndarray, shape (X_A, X_B, Y, A)
        π(x_A, x_B, y)·P(a | x_A, x_B).
    """
    return game.prior[:, :, :, None] * played[:, :, None, :]


def outcome_distribution(game: ConversationGame, played: np.ndarray) -> np.ndarray:
    """The (a, y) law of each play in a batch (P, X_A, X_B, A): shape (P, A, Y)."""
    return np.einsum("ijy,pija->pay", game.prior, played)


def total_variation(game: ConversationGame, played: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """TV distance between the (x_A, x_B, y, a) laws of each play in a batch and a reference play.

    Parameters
    ----------
    game : ConversationGame
        The game.
    played : numpy.ndarray, shape (P, X_A, X_B, A)
        A batch of plays P(a | x_A, x_B).
    reference : numpy.ndarray, shape (X_A, X_B, A) or (1, X_A, X_B, A)
        The play compared against.

    Returns
    -------
    numpy.ndarray, shape (P,)
        ½·Σ π(x_A, x_B)·|P(a | x_A, x_B) − P_ref(a | x_A, x_B)| for each play, in [0, 1].
    """
    mass = game.prior.sum(axis=2)
    return 0.5 * np.einsum("ij,pija->p", mass, np.abs(played - reference))
