"""Seeded random game families (ours): random priors and utilities, Bobs with controlled misalignment, and the
shared-bias family in which the hull condition of Definition 1 fails.

Every function takes an explicit ``numpy.random.Generator``; the same generator state gives the same game.
"""

from __future__ import annotations

import numpy as np

from marketalign.errors import InputError
from marketalign.games.model import ConversationGame, SelectionGame
from marketalign.games.settings import ConversationShape, check_count


def _check_unit(value: float, name: str) -> float:
    if not 0.0 <= value <= 1.0:
        raise InputError(f"{name} must lie in [0, 1]; got {value!r}.")
    return float(value)


def random_prior(shape: tuple[int, ...], rng: np.random.Generator, concentration: float = 1.0) -> np.ndarray:
    """A prior drawn uniformly (Dirichlet(concentration)) over all cells of ``shape``; every cell positive.

    Parameters
    ----------
    shape : tuple of int
        The prior's shape, e.g. (X_A, X_B, Y) or (X, Y).
    rng : numpy.random.Generator
        The source of the draw.
    concentration : float
        The Dirichlet parameter, > 0 (1: uniform over the simplex).

    Returns
    -------
    numpy.ndarray
        Of ``shape``, summing to 1, every cell at least about 1e-12.

    Raises
    ------
    InputError
        When ``concentration <= 0``.
    """
    if concentration <= 0:
        raise InputError(f"concentration must be > 0; got {concentration!r}.")
    flat = rng.dirichlet(np.full(int(np.prod(shape)), float(concentration)))
    flat = np.maximum(flat, 1e-12)  # Dirichlet draws can underflow to 0 for tiny concentrations
    return (flat / flat.sum()).reshape(shape)


def random_utility(n_actions: int, n_states: int, rng: np.random.Generator) -> np.ndarray:
    """A utility table with independent U[0, 1] entries.

    Parameters
    ----------
    n_actions, n_states : int
        |A| and |Y|, each >= 1.
    rng : numpy.random.Generator
        The source of the draw.

    Returns
    -------
    numpy.ndarray, shape (n_actions, n_states)
        u(a, y).

    Raises
    ------
    InputError
        When a size is not an integer >= 1.
    """
    return rng.random((check_count(n_actions, "n_actions"), check_count(n_states, "n_states")))


def misaligned_bobs(
    alice: np.ndarray, k: int, misalignment: float, rng: np.random.Generator, shared: float = 0.0
) -> np.ndarray:
    """k Bob tables U_i = (1 − m)·u_A + m·(s·B + (1 − s)·R_i) with B, R_i ~ U[0, 1] tables.

    ``misalignment`` m ∈ [0, 1] sets how far each Bob is from Alice; ``shared`` s ∈ [0, 1] how much of
    that distortion B all Bobs have in common. Independent distortions average out (ε shrinks as k grows);
    shared ones do not.

    Parameters
    ----------
    alice : array_like, shape (A, Y)
        Alice's utility u_A, in [0, 1].
    k : int
        How many Bobs, >= 1.
    misalignment : float
        m in [0, 1]: 0 copies Alice, 1 is pure distortion.
    rng : numpy.random.Generator
        Draws B and the R_i.
    shared : float
        s in [0, 1].

    Returns
    -------
    numpy.ndarray, shape (k, A, Y)
        The Bobs' tables, in [0, 1] when ``alice`` is.

    Raises
    ------
    InputError
        When m or s is outside [0, 1], or k is not an integer >= 1.
    """
    m = _check_unit(misalignment, "misalignment")
    s = _check_unit(shared, "shared")
    alice = np.asarray(alice, dtype=float)
    k = check_count(k, "k")
    common = rng.random(alice.shape)
    own = rng.random((k, *alice.shape))
    return (1.0 - m) * alice[None] + m * (s * common[None] + (1.0 - s) * own)


def least_valued_action(alice: np.ndarray, state_weights: np.ndarray | None = None) -> int:
    """The action Alice values least on average over states (weighted by ``state_weights`` if given)."""
    alice = np.asarray(alice, dtype=float)
    weights = np.full(alice.shape[1], 1.0 / alice.shape[1]) if state_weights is None else state_weights
    return int(np.argmin(alice @ weights))


def shared_bias_bobs(
    alice: np.ndarray,
    k: int,
    bias: float,
    rng: np.random.Generator,
    misalignment: float = 0.1,
    action: int | None = None,
) -> np.ndarray:
    """k Bobs who all over-value the same ``action``: U_i = (1 − b)·V_i + b·1[a = action].

    V_i are :func:`misaligned_bobs` tables (independent distortions of size ``misalignment``). The common
    bias b cannot be cancelled by non-negative weights, so ε grows with b: the counter-example family in which
    the hull condition fails. ``action`` defaults to Alice's least-valued action.

    Parameters
    ----------
    alice : array_like, shape (A, Y)
        Alice's utility u_A, in [0, 1].
    k : int
        How many Bobs, >= 1.
    bias : float
        b in [0, 1].
    rng : numpy.random.Generator
        Draws the V_i.
    misalignment : float
        The m of the V_i, in [0, 1].
    action : int or None
        The over-valued action; None: the one with the lowest mean of u_A over states.

    Returns
    -------
    numpy.ndarray, shape (k, A, Y)
        The Bobs' tables.

    Raises
    ------
    InputError
        When ``action`` is not an action index, b or m is outside [0, 1], or k is not an integer >= 1.
    """
    b = _check_unit(bias, "bias")
    alice = np.asarray(alice, dtype=float)
    target = least_valued_action(alice) if action is None else int(action)
    if not 0 <= target < alice.shape[0]:
        raise InputError(f"action must index one of the {alice.shape[0]} actions; got {action!r}.")
    base = misaligned_bobs(alice, k, misalignment, rng)
    indicator = np.zeros_like(alice)
    indicator[target] = 1.0
    return (1.0 - b) * base + b * indicator[None]


def random_conversation_game(
    shape: ConversationShape,
    rng: np.random.Generator,
    misalignment: float | None = None,
    shared: float = 0.0,
) -> ConversationGame:
    """A random conversation game: Dirichlet(1) prior, U[0,1] Alice, :func:`misaligned_bobs` Bobs.

    ``misalignment=None`` draws m ~ U[0, 1] so that a batch of games spans aligned to unrelated Bobs.

    Parameters
    ----------
    shape : ConversationShape
        |X_A|, |X_B|, |Y|, |A|, |M|, R and k.
    rng : numpy.random.Generator
        The source of every draw.
    misalignment : float or None
        m in [0, 1] of :func:`misaligned_bobs`; None draws it.
    shared : float
        s in [0, 1] of :func:`misaligned_bobs`.

    Returns
    -------
    ConversationGame
        The game (docs/theory.md §1.4).

    Raises
    ------
    InputError
        When m or s is outside [0, 1].
    """
    prior = random_prior((shape.n_alice_obs, shape.n_bob_obs, shape.n_states), rng)
    alice = random_utility(shape.n_actions, shape.n_states, rng)
    m = rng.random() if misalignment is None else misalignment
    bobs = misaligned_bobs(alice, shape.k, m, rng, shared=shared)
    return ConversationGame(prior, alice, bobs, shape.n_messages, shape.rounds)


def random_selection_alice(
    n_contexts: int, n_states: int, n_actions: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Alice's side of a selection game: a Dirichlet(1) prior over (x, y) and a U[0, 1] utility table.

    Parameters
    ----------
    n_contexts, n_states, n_actions : int
        |X|, |Y| and |A|, each >= 1.
    rng : numpy.random.Generator
        The source of the draws.

    Returns
    -------
    prior : numpy.ndarray, shape (n_contexts, n_states)
        π(x, y).
    alice : numpy.ndarray, shape (n_actions, n_states)
        u_A(a, y).

    Raises
    ------
    InputError
        When a size is not an integer >= 1.
    """
    prior = random_prior((check_count(n_contexts, "n_contexts"), check_count(n_states, "n_states")), rng)
    return prior, random_utility(n_actions, n_states, rng)


def random_selection_game(
    n_contexts: int,
    n_states: int,
    n_actions: int,
    k: int,
    rng: np.random.Generator,
    misalignment: float | None = None,
    shared: float = 0.0,
) -> SelectionGame:
    """A random selection game with :func:`misaligned_bobs` Bobs (m ~ U[0, 1] when not given).

    Parameters
    ----------
    n_contexts, n_states, n_actions : int
        |X|, |Y| and |A|, each >= 1.
    k : int
        How many Bobs, >= 1.
    rng : numpy.random.Generator
        The source of every draw.
    misalignment : float or None
        m in [0, 1] of :func:`misaligned_bobs`; None draws it.
    shared : float
        s in [0, 1] of :func:`misaligned_bobs`.

    Returns
    -------
    SelectionGame
        The game (docs/theory.md §1.6).

    Raises
    ------
    InputError
        When a size or k is not an integer >= 1, or m or s is outside [0, 1].
    """
    prior, alice = random_selection_alice(n_contexts, n_states, n_actions, rng)
    m = rng.random() if misalignment is None else misalignment
    return SelectionGame(prior, alice, misaligned_bobs(alice, k, m, rng, shared=shared))
