"""Single-sender Bayesian persuasion, the textbook special case of the conversation game.

With one Bob, an Alice without private information (|X_A| = 1) and one round, Bob's best randomised
conversation rule is a signal about x_B. By the revelation principle it can recommend actions, and the best
one solves the obedience linear program of Kamenica and Gentzkow (2011): maximise Bob's expected utility over
σ(a | x_B) subject to Alice preferring to follow every recommendation. Its value is a supremum: it is attained
when Alice breaks ties in Bob's favour (our engine breaks them toward the lowest action). Used as a worked,
closed-form benchmark next to the exhaustive search over deterministic rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from marketalign.errors import InputError, SolverError
from marketalign.games.conversation import weighted_tables
from marketalign.games.model import ConversationGame


@dataclass(frozen=True)
class Persuasion:
    """Bob's optimal signal σ(a | x_B) (rows x_B), his value, and Alice's utility when she obeys it.

    Attributes
    ----------
    signal : numpy.ndarray, shape (X_B, A)
        σ(a | x_B), each row summing to 1.
    sender_value : float
        Bob's expected utility when Alice follows every recommendation.
    alice_utility : float
        Alice's expected utility then.
    """

    signal: np.ndarray
    sender_value: float
    alice_utility: float


def optimal_persuasion(game: ConversationGame, bob: int = 0) -> Persuasion:
    """Solve the obedience LP for Bob ``bob`` talking alone to an uninformed Alice.

    Parameters
    ----------
    game : ConversationGame
        A game whose Alice has no private information (|X_A| = 1).
    bob : int
        The sender.

    Returns
    -------
    Persuasion
        The optimal signal and the sender's and Alice's expected utilities.

    Raises
    ------
    InputError
        An Alice with private information, or ``bob`` out of range.
    SolverError
        HiGHS did not solve the LP (always feasible and bounded, so this is numerical).
    """
    if game.n_alice_obs != 1:
        raise InputError(
            f"Persuasion needs an Alice without private information (|X_A| = 1); got {game.n_alice_obs}."
        )
    if not 0 <= bob < game.k:
        raise InputError(f"bob must index one of the {game.k} Bobs; got {bob!r}.")
    alice_w, bobs_w = weighted_tables(game)
    alice_w, sender_w = alice_w[0], bobs_w[bob, 0]  # (X_B, A)
    n_b, n_a = alice_w.shape
    rows = []
    for a in range(n_a):  # obedience: following recommendation a beats any a'
        for other in range(n_a):
            if other == a:
                continue
            row = np.zeros((n_b, n_a))
            row[:, a] = alice_w[:, other] - alice_w[:, a]
            rows.append(row.ravel())
    result = linprog(
        -sender_w.ravel(),
        A_ub=np.array(rows) if rows else None,
        b_ub=np.zeros(len(rows)) if rows else None,
        A_eq=np.kron(np.eye(n_b), np.ones(n_a)),
        b_eq=np.ones(n_b),
        bounds=(0, None),
        method="highs",
    )
    if result.status != 0:  # always feasible (full revelation obeys) and bounded
        raise SolverError(f"HiGHS failed on the obedience LP (status {result.status}): {result.message}")
    signal = np.clip(result.x.reshape(n_b, n_a), 0.0, None)
    signal /= signal.sum(axis=1, keepdims=True)
    return Persuasion(signal, float((signal * sender_w).sum()), float((signal * alice_w).sum()))
