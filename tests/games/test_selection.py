"""Best-AI selection: the Lagrangian sweep against a generic LP, deviations against brute force, equilibria
re-verified with the LP, worked examples, and bad input."""

import numpy as np
import pytest
from games_oracles import common_equilibrium_level, selection_lp
from hypothesis import given, settings
from hypothesis import strategies as st

from marketalign import InputError
from marketalign.games.bounds import market_epsilon
from marketalign.games.generators import random_selection_game
from marketalign.games.model import SelectionGame
from marketalign.games.selection import (
    SelectionSolver,
    alice_values,
    bob_path,
    constrained_best_response,
    context_tables,
    estimate_alice_values,
    find_equilibria,
    opt,
    outcome,
    selection_probabilities,
)

small_games = st.tuples(
    st.integers(1, 6), st.integers(1, 3), st.integers(1, 5), st.integers(1, 4), st.integers(0, 2**31 - 1)
)


def _game(spec) -> SelectionGame:
    n_x, n_y, n_a, k, seed = spec
    rng = np.random.default_rng(seed)
    return random_selection_game(n_x, n_y, n_a, k, rng, shared=float(rng.random()))


@given(small_games, st.floats(-0.2, 1.2))
def test_sweep_matches_generic_lp(spec, where):
    game = _game(spec)
    alice_w, bobs_w = context_tables(game)
    worst, best = alice_w.min(axis=1).sum(), alice_w.max(axis=1).sum()
    threshold = worst + where * (best - worst)
    for bob in range(game.k):
        ours = constrained_best_response(game, bob, threshold)
        oracle = selection_lp(game, bob, threshold)
        if oracle is None:
            assert ours is None and threshold > best
            continue
        assert ours is not None
        value, policy = ours
        assert value == pytest.approx(oracle[0], abs=1e-9)
        assert np.allclose(policy.sum(axis=1), 1.0) and policy.min() >= 0
        assert (policy * alice_w).sum() >= threshold - 1e-9
        assert (policy * bobs_w[bob]).sum() == pytest.approx(value, abs=1e-12)


@given(small_games)
def test_path_is_a_concave_frontier_ending_at_opt(spec):
    game = _game(spec)
    for bob in range(game.k):
        path = bob_path(game, bob)
        assert np.all(np.diff(path.levels) > 0)
        assert np.all(np.diff(path.values) <= 1e-12)
        assert np.all(np.diff(path.prices) >= -1e-12)
        assert path.levels[-1] == pytest.approx(opt(game), abs=1e-12)
        slopes = np.diff(path.values) / np.diff(path.levels)
        assert np.all(np.diff(slopes) <= 1e-9)  # concave: slopes fall


def test_worked_two_context_sweep():
    # context x = state y, equally likely. Alice: a0 = (0, .5), a1 = (1, 1); Bob: a0 = (1, 1), a1 = (.8, .5)
    prior = np.diag([0.5, 0.5])
    game = SelectionGame(prior, np.array([[0.0, 0.5], [1.0, 1.0]]), np.array([[[1.0, 1.0], [0.8, 0.5]]]))
    path = bob_path(game, 0)
    np.testing.assert_allclose(path.levels, [0.25, 0.75, 1.0])
    np.testing.assert_allclose(path.values, [1.0, 0.9, 0.65])
    np.testing.assert_allclose(path.prices, [0.2, 1.0])
    value, policy = constrained_best_response(game, 0, 0.5)
    assert value == pytest.approx(0.95)
    np.testing.assert_allclose(policy, [[0.5, 0.5], [1.0, 0.0]])
    assert constrained_best_response(game, 0, 1.01) is None


def _one_context(*bobs):
    """One context, one state; Alice wants a1 (0 vs 1)."""
    return SelectionGame(np.ones((1, 1)), np.array([[0.0], [1.0]]), np.array(bobs, dtype=float))


def test_identical_biased_bobs_meet_the_bound_with_equality():
    game = _one_context([[1.0], [0.5]], [[1.0], [0.5]])
    eps = market_epsilon(game)
    assert eps.epsilon == pytest.approx(0.5)
    search = find_equilibria(SelectionSolver.build(game), 4, np.random.default_rng(0))
    assert search.min_alice_utility == pytest.approx(0.0, abs=1e-12)  # both stay at their favourite a0
    assert search.min_alice_utility == pytest.approx(opt(game) - 2 * eps.epsilon, abs=1e-12)


def test_one_aligned_bob_forces_opt():
    game = _one_context([[1.0], [0.5]], [[0.0], [1.0]])
    assert market_epsilon(game).epsilon == pytest.approx(0.0, abs=1e-9)
    search = find_equilibria(SelectionSolver.build(game), 6, np.random.default_rng(1))
    assert search.equilibria
    assert all(eq.alice_utility == pytest.approx(1.0, abs=1e-6) for eq in search.equilibria)


def test_single_bob_plays_his_favourite():
    game = _one_context([[1.0], [0.5]])
    search = find_equilibria(SelectionSolver.build(game), 3, np.random.default_rng(2))
    assert [eq.alice_utility for eq in search.equilibria] == [0.0]


def _strict_overbid_payoff(game, policies, bob, tie_rule, margin=1e-7):
    others = np.delete(alice_values(game, policies), bob)
    lp = selection_lp(game, bob, others.max() + margin)
    if lp is None:
        return -np.inf
    trial = policies.copy()
    trial[bob] = np.clip(lp[1], 0, None) / np.clip(lp[1], 0, None).sum(axis=1, keepdims=True)
    return outcome(game, trial, tie_rule).bob_payoffs[bob]


@given(small_games, st.sampled_from(["uniform", "lowest"]), st.integers(0, 2**31 - 1))
def test_deviation_supremum_against_brute_force(spec, tie_rule, seed):
    game = _game(spec)
    rng = np.random.default_rng(seed)
    solver = SelectionSolver.build(game, tie_rule)
    policies = rng.dirichlet(np.ones(game.n_actions), size=(game.k, game.n_contexts))
    for bob in range(game.k):
        sup = solver.deviation(policies, bob).value
        candidates = [rng.dirichlet(np.ones(game.n_actions) * 0.3, size=game.n_contexts) for _ in range(30)]
        pure = rng.integers(game.n_actions, size=(30, game.n_contexts))
        candidates += list(np.eye(game.n_actions)[pure])
        for candidate in candidates:
            trial = policies.copy()
            trial[bob] = candidate
            assert outcome(game, trial, tie_rule).bob_payoffs[bob] <= sup + 1e-9
        if game.k > 1:  # the supremum is approached by a strict overbid (or attained by dropping out)
            best = max(_strict_overbid_payoff(game, policies, bob, tie_rule),
                       outcome(game, policies, tie_rule).bob_payoffs[bob])
            worst = policies.copy()
            worst[bob] = np.eye(game.n_actions)[np.argmin(context_tables(game)[0], axis=1)]
            best = max(best, outcome(game, worst, tie_rule).bob_payoffs[bob])
            assert best >= sup - 1e-5


@given(small_games, st.sampled_from(["uniform", "lowest"]))
def test_equilibria_survive_an_lp_deviation_check_and_meet_the_bound(spec, tie_rule):
    game = _game(spec)
    solver = SelectionSolver.build(game, tie_rule)
    search = find_equilibria(solver, 3, np.random.default_rng(spec[-1]))
    assert search.runs == 4 and 0 <= search.converged <= 4
    eps = market_epsilon(game)
    for eq in search.equilibria:
        assert eq.max_regret <= 1e-9
        assert eq.alice_utility <= solver.opt + 1e-12
        assert eq.alice_utility >= solver.opt - 2 * eps.epsilon - 1e-9 * (1 + eps.weight_sum)
        for bob in range(game.k if game.k > 1 else 0):
            assert _strict_overbid_payoff(game, eq.policies, bob, tie_rule) <= eq.bob_payoffs[bob] + 1e-5


def test_tie_rules():
    np.testing.assert_allclose(selection_probabilities(np.array([0.5, 0.7, 0.7]), "uniform"), [0, 0.5, 0.5])
    np.testing.assert_allclose(selection_probabilities(np.array([0.5, 0.7, 0.7]), "lowest"), [0, 1, 0])
    with pytest.raises(InputError, match="tie_rule"):
        selection_probabilities(np.array([1.0]), "random")


def test_estimated_evaluation_is_seeded_and_consistent():
    game = random_selection_game(4, 3, 3, 2, np.random.default_rng(5))
    policies = np.random.default_rng(6).dirichlet(np.ones(3), size=(2, 4))
    first = estimate_alice_values(game, policies, 40_000, np.random.default_rng(9))
    again = estimate_alice_values(game, policies, 40_000, np.random.default_rng(9))
    assert np.array_equal(first, again)
    np.testing.assert_allclose(first, alice_values(game, policies), atol=5 * 0.5 / np.sqrt(40_000))


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda g: outcome(g, np.ones((2, 3, 3)), "uniform"), "sum to 1"),
        (lambda g: outcome(g, np.ones((2, 3, 2)) / 2, "uniform"), "shape"),
        (lambda g: bob_path(g, 5), "bob must"),
        (lambda g: estimate_alice_values(g, np.ones((2, 3, 3)) / 3, 0, np.random.default_rng()), "rounds"),
        (lambda g: find_equilibria(SelectionSolver.build(g), -1, np.random.default_rng()), "starts"),
        (lambda g: SelectionSolver.build(g, "coin"), "tie_rule"),
    ],
)
def test_bad_selection_input(call, fragment):
    game = random_selection_game(3, 2, 3, 2, np.random.default_rng(0))
    with pytest.raises(InputError, match=fragment):
        call(game)


@settings(max_examples=30)
@given(small_games, st.floats(0.0, 1.0))
def test_ascending_clock_finds_the_first_equilibrium_level(spec, where):
    game = _game(spec)
    if game.k < 2:
        return
    solver = SelectionSolver.build(game)
    start = solver.worst + where * (solver.opt - solver.worst)
    level, leader = solver.clock(start, 5e-10)
    assert start - 1e-12 <= level <= solver.opt + 1e-12
    if level < solver.opt - 1e-9:  # the level found is an equilibrium level (checked by HiGHS) ...
        assert common_equilibrium_level(game, level, 1e-7)
        profile = solver.common_profile(leader, level)
        assert solver.regrets(profile).max() <= 1e-9
    for below in np.linspace(start, level, 12)[:-1]:  # ... and none lies between the start and it
        if level - below > 1e-7:
            assert not common_equilibrium_level(game, float(below), 1e-11)
