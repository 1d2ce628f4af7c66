"""Game descriptions: validation with clear errors, immutability, exact JSON round trips; generators."""

import numpy as np
import pytest

from marketalign import InputError
from marketalign.games.bounds import market_epsilon
from marketalign.games.generators import (
    ConversationShape,
    misaligned_bobs,
    random_conversation_game,
    random_selection_game,
    shared_bias_bobs,
)
from marketalign.games.model import ConversationGame, SelectionGame, load_game, save_game


def _conversation(**changes):
    base = dict(
        prior=np.full((2, 2, 2), 1 / 8),
        alice=np.eye(2),
        bobs=np.stack([np.eye(2), 1 - np.eye(2)]),
        n_messages=2,
        rounds=1,
    )
    base.update(changes)
    return ConversationGame(**base)


def test_valid_game_is_frozen():
    game = _conversation()
    assert (game.k, game.n_actions, game.n_states, game.n_alice_obs, game.n_bob_obs) == (2, 2, 2, 2, 2)
    with pytest.raises(ValueError):
        game.prior[0, 0, 0] = 1.0


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"prior": np.full((2, 2, 2), 0.2)}, "sums to"),
        ({"prior": np.array([[[0.75, -0.25]]])}, "negative"),
        ({"alice": np.full((2, 2), 1.5)}, r"\[0, 1\]"),
        ({"alice": np.eye(3)}, "state columns"),
        ({"bobs": np.ones((1, 3, 2))}, "same actions"),
        ({"alice": np.array([[np.nan, 0], [0, 1]])}, "NaN"),
        ({"prior": np.stack([np.full((2, 2), 0.25), np.zeros((2, 2))])}, "probability 0"),
        ({"n_messages": 0}, "n_messages"),
        ({"rounds": 0}, "rounds"),
        ({"alice": [[0, "x"], [1, 0]]}, "numbers"),
    ],
)
def test_bad_conversation_games_are_rejected(changes, fragment):
    with pytest.raises(InputError, match=fragment):
        _conversation(**changes)


def test_selection_game_rejects_unused_context():
    with pytest.raises(InputError, match="probability 0"):
        SelectionGame(np.array([[0.5, 0.5], [0.0, 0.0]]), np.eye(2), np.eye(2)[None])


def test_json_round_trip_is_exact(tmp_path):
    rng = np.random.default_rng(7)
    for game in (random_conversation_game(ConversationShape(), rng), random_selection_game(5, 3, 4, 3, rng)):
        back = load_game(save_game(game, tmp_path / "g.json", note={"x": np.float64(0.1)}))
        assert type(back) is type(game)
        for name in ("prior", "alice", "bobs"):
            assert np.array_equal(getattr(back, name), getattr(game, name))


def test_bad_game_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"kind": "poker"}')
    with pytest.raises(InputError, match="kind"):
        load_game(path)
    path.write_text('{"kind": "selection", "prior": [[1.0]]}')
    with pytest.raises(InputError, match="alice"):
        load_game(path)
    path.write_text("{not json")
    with pytest.raises(InputError, match="Cannot read"):
        load_game(path)


def test_generators_are_seeded_and_in_range():
    a = random_selection_game(6, 3, 4, 5, np.random.default_rng(3))
    b = random_selection_game(6, 3, 4, 5, np.random.default_rng(3))
    assert np.array_equal(a.bobs, b.bobs) and np.array_equal(a.prior, b.prior)
    assert a.bobs.min() >= 0 and a.bobs.max() <= 1


def test_misalignment_controls_epsilon():
    rng = np.random.default_rng(0)
    alice = rng.random((4, 3))
    aligned = misaligned_bobs(alice, 3, 0.0, rng)
    assert np.allclose(aligned, alice[None])
    identical = misaligned_bobs(alice, 4, 0.6, rng, shared=1.0)
    assert np.allclose(identical, identical[:1])
    game = SelectionGame(np.full((1, 3), 1 / 3), alice, aligned)
    assert market_epsilon(game).epsilon == pytest.approx(0.0, abs=1e-9)


def test_shared_bias_raises_epsilon():
    alice = np.random.default_rng(1).random((4, 3))
    prior = np.full((1, 3), 1 / 3)
    eps = [
        market_epsilon(SelectionGame(prior, alice, shared_bias_bobs(alice, 5, b, np.random.default_rng(2))))
        .epsilon
        for b in (0.0, 0.4, 0.8)
    ]
    assert eps[0] < eps[1] < eps[2]


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: misaligned_bobs(np.eye(2), 2, 1.5, np.random.default_rng()), "misalignment"),
        (lambda: shared_bias_bobs(np.eye(2), 2, 0.5, np.random.default_rng(), action=5), "action"),
        (lambda: ConversationShape(k=0), "k must"),
        (lambda: misaligned_bobs(np.eye(2), 0, 0.5, np.random.default_rng()), "k must"),
    ],
)
def test_bad_generator_arguments(call, fragment):
    with pytest.raises(InputError, match=fragment):
        call()
