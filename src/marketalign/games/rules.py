"""Conversation rules C_{B_i} : X_B × M^{<R} → Δ(M) as arrays (the paper's Player Strategies; layout ours).

A Bob's private thread at round r is (s_1, m_1, …, s_{r−1}, m_{r−1}, s_r): Alice's messages s (symbols of
X_A) and his own replies m. A behavioural rule is an array ``rule[h, x_B, m]`` = P(reply m | x_B, thread h)
over all threads h of all rounds (:class:`Threads` numbers them). Deterministic rules only need Alice's
messages — a Bob's own earlier replies are a function of them — so they are enumerated on the reduced keys
(x_B, s_1..s_r).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from marketalign.errors import InputError
from marketalign.games.model import ConversationGame

DEFAULT_RULE_LIMIT = 1 << 16
THREAD_LIMIT = 1 << 20  # threads are numbered in Python loops; beyond this a game cannot be checked


@dataclass(frozen=True)
class Threads:
    """Numbering of one Bob's threads: round r holds (S·M)^r·S threads starting at ``offsets[r]``."""

    n_alice: int
    n_messages: int
    rounds: int

    @cached_property
    def offsets(self) -> tuple[int, ...]:
        sizes = [(self.n_alice * self.n_messages) ** r * self.n_alice for r in range(self.rounds)]
        return tuple(int(x) for x in np.concatenate([[0], np.cumsum(sizes)]))

    @property
    def size(self) -> int:
        return self.offsets[-1]

    def index(self, round_: int, prefix: int, message: int) -> int:
        """Thread index after Alice sends ``message`` in ``round_``; ``prefix`` codes earlier exchanges."""
        return self.offsets[round_] + prefix * self.n_alice + message

    def extend(self, prefix: int, message: int, reply: int) -> int:
        """Code of the exchanges after one more (Alice message, Bob reply) pair."""
        return (prefix * self.n_alice + message) * self.n_messages + reply

    @cached_property
    def reduced(self) -> np.ndarray:
        """For each thread, the index of its Alice-message sequence (s_1..s_r) among all such sequences."""
        out = np.empty(self.size, dtype=int)
        base = 0
        for r in range(self.rounds):
            for prefix in range((self.n_alice * self.n_messages) ** r):
                said, code = [], prefix
                for _ in range(r):  # decode (s_t, m_t) pairs, last first
                    code, pair = divmod(code, self.n_alice * self.n_messages)
                    said.append(pair // self.n_messages)
                sequence = 0
                for s in reversed(said):
                    sequence = sequence * self.n_alice + s
                for s in range(self.n_alice):
                    out[self.index(r, prefix, s)] = base + sequence * self.n_alice + s
            base += self.n_alice ** (r + 1)
        return out

    @property
    def n_reduced(self) -> int:
        return sum(self.n_alice ** (r + 1) for r in range(self.rounds))

    @cached_property
    def last_message(self) -> np.ndarray:
        """Alice's latest message s_r in each thread."""
        return np.array([(h - self.offsets[self._round_of(h)]) % self.n_alice for h in range(self.size)])

    def _round_of(self, h: int) -> int:
        return int(np.searchsorted(self.offsets, h, side="right")) - 1


def threads(game: ConversationGame) -> Threads:
    return Threads(game.n_alice_obs, game.n_messages, game.rounds)


def check_rule(game: ConversationGame, rule: np.ndarray) -> np.ndarray:
    """Validate one behavioural rule (H, X_B, M) or a batch (P, H, X_B, M): probabilities over replies."""
    rule = np.asarray(rule, dtype=float)
    shape = (threads(game).size, game.n_bob_obs, game.n_messages)
    if rule.shape[-3:] != shape or rule.ndim not in (3, 4):
        raise InputError(
            f"A conversation rule must have shape {shape} (thread, x_B, reply); got {rule.shape}."
        )
    if not np.isfinite(rule).all() or (rule < 0).any() or np.abs(rule.sum(axis=-1) - 1).max() > 1e-9:
        raise InputError("A conversation rule must hold reply probabilities: non-negative, summing to 1.")
    return rule


def rule_from_table(game: ConversationGame, table: np.ndarray) -> np.ndarray:
    """The deterministic rule replying ``table[x_B, q]`` after Alice's message sequence number q."""
    th = threads(game)
    table = np.asarray(table, dtype=int)
    if table.shape != (game.n_bob_obs, th.n_reduced) or table.min() < 0 or table.max() >= game.n_messages:
        raise InputError(
            f"A deterministic rule table must have shape ({game.n_bob_obs}, {th.n_reduced}) with replies in "
            f"0..{game.n_messages - 1}."
        )
    return np.eye(game.n_messages)[table[:, th.reduced]].transpose(1, 0, 2)


def count_deterministic_rules(game: ConversationGame) -> int:
    """M^(|X_B| · Σ_r |X_A|^r): the number of deterministic conversation rules of one Bob."""
    return game.n_messages ** (game.n_bob_obs * threads(game).n_reduced)


def capped_geometric_sum(first: int, ratio: int, terms: int, cap: int) -> int:
    """Σ_{r < terms} first·ratio^r, or ``cap + 1`` as soon as the sum exceeds ``cap`` (never built beyond it)."""
    if ratio == 1:
        return min(first * terms, cap + 1)
    total, term = 0, first
    for _ in range(terms):
        total += term
        if total > cap:
            return cap + 1
        term *= ratio
    return total


def deterministic_rules(game: ConversationGame, limit: int = DEFAULT_RULE_LIMIT) -> np.ndarray:
    """All deterministic rules of one Bob as a stack (n, H, X_B, M), in lexicographic order of tables.

    Parameters
    ----------
    game : ConversationGame
        The game (docs/theory.md §1.4).
    limit : int
        Most rules to build (default 2^16).

    Returns
    -------
    numpy.ndarray, shape (n, H, X_B, M)
        One-hot reply tables, n = M^(|X_B|·Σ_r |X_A|^r), H the threads of :class:`Threads`.

    Raises
    ------
    InputError
        When a Bob has more than ``limit`` rules or more than :data:`THREAD_LIMIT` threads; both counts are
        compared before anything is built (they grow exponentially with the rounds, the rules doubly so).
    """
    sizes = f"|X_A| = {game.n_alice_obs}, |X_B| = {game.n_bob_obs}, |M| = {game.n_messages}, R = {game.rounds}"
    n_alice, n_messages = game.n_alice_obs, game.n_messages
    if capped_geometric_sum(n_alice, n_alice * n_messages, game.rounds, THREAD_LIMIT) > THREAD_LIMIT:
        raise InputError(
            f"A Bob's conversation has more than {THREAD_LIMIT:,} threads (sum over rounds r of "
            f"(|X_A|·|M|)^r·|X_A|, with {sizes}); use fewer rounds, messages or observations."
        )
    th = threads(game)
    n_keys = game.n_bob_obs * th.n_reduced
    if n_keys * math.log(n_messages) > math.log(limit):  # in logs: M ** n_keys may have millions of digits
        raise InputError(
            f"A Bob has {n_messages}^{n_keys} (about 10^{n_keys * math.log10(n_messages):.0f}) deterministic "
            f"conversation rules, more than the limit {limit:,} ({sizes}); use fewer rounds, messages or "
            "observations."
        )
    n_rules = n_messages**n_keys
    digits = (np.arange(n_rules)[:, None] // game.n_messages ** np.arange(n_keys)[::-1]) % game.n_messages
    tables = digits.reshape(n_rules, game.n_bob_obs, th.n_reduced)
    return np.eye(game.n_messages)[tables[:, :, th.reduced]].transpose(0, 2, 1, 3)


def first_best_actions(game: ConversationGame) -> np.ndarray:
    """a*(x_A, x_B) = argmax_a E[u_A(a, y) | x_A, x_B] (ties: lowest action), shape (X_A, X_B)."""
    scores = np.einsum("ijy,ay->ija", game.prior, game.alice)
    return np.argmax(scores >= scores.max(axis=2, keepdims=True) - 1e-12, axis=2)


def alice_optimal_rule(game: ConversationGame) -> np.ndarray:
    """C_B* (ours, docs/theory.md §1.4): read Alice's latest message as x_A and reply a*(x_A, x_B).

    Needs at least as many reply symbols as actions.

    Parameters
    ----------
    game : ConversationGame
        The game.

    Returns
    -------
    numpy.ndarray, shape (H, X_B, M)
        The one-hot rule replying symbol a*(s_r, x_B) in every thread, s_r Alice's latest message (ties in
        a* toward the lowest action).

    Raises
    ------
    InputError
        When ``n_messages < n_actions``.
    """
    if game.n_messages < game.n_actions:
        raise InputError(
            f"C_B* recommends an action, so it needs n_messages >= n_actions ({game.n_messages} < "
            f"{game.n_actions}); enlarge the reply alphabet."
        )
    th = threads(game)
    best = first_best_actions(game)  # (X_A, X_B)
    replies = best[th.last_message].T  # (X_B, H)
    return np.eye(game.n_messages)[replies].transpose(1, 0, 2)


def rule_index(rules: np.ndarray, rule: np.ndarray) -> int:
    """Position of ``rule`` in an enumerated stack (−1 if absent)."""
    hits = np.flatnonzero(np.all(np.abs(rules - rule[None]) < 1e-12, axis=(1, 2, 3)))
    return int(hits[0]) if hits.size else -1
