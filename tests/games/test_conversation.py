"""The conversation game: Alice's backward induction against brute-force plans, induced distributions against
path enumeration, rules, equilibria against explicit loops, Proposition 1, the bound, and a persuasion example
worked by hand."""

import itertools

import numpy as np
import pytest
from games_oracles import brute_alice_value, brute_play_fixed
from hypothesis import given
from hypothesis import strategies as st

from marketalign import InputError
from marketalign.games.bounds import market_epsilon
from marketalign.games.conditions import identical_induced_distribution
from marketalign.games.conversation import (
    STRATEGIC,
    AliceModel,
    expected_utilities,
    first_best_play,
    induced_distribution,
    opt,
    play,
    quantal,
    weighted_tables,
)
from marketalign.games.equilibria import (
    best_response_dynamics,
    dynamics_equilibria,
    exhaustive_equilibria,
    max_regret,
    payoff_table,
)
from marketalign.games.generators import ConversationShape, random_conversation_game
from marketalign.games.model import ConversationGame
from marketalign.games.persuasion import optimal_persuasion
from marketalign.games.rules import (
    Threads,
    alice_optimal_rule,
    check_rule,
    count_deterministic_rules,
    deterministic_rules,
    rule_from_table,
    rule_index,
    threads,
)


@st.composite
def tiny_games(draw, rounds=1):
    k = draw(st.integers(1, 2))
    small = k == 2
    shape = ConversationShape(
        n_alice_obs=draw(st.integers(1, 2)),
        n_bob_obs=draw(st.integers(1, 3)),
        n_states=draw(st.integers(1, 3)),
        n_actions=draw(st.integers(1, 2 if small else 3)),
        n_messages=draw(st.integers(1, 2 if small else 3)),
        rounds=rounds,
        k=k,
    )
    return random_conversation_game(shape, np.random.default_rng(draw(st.integers(0, 2**31 - 1))))


def _random_rules(game, rng, stochastic):
    if stochastic:
        return [rng.dirichlet(np.ones(game.n_messages), size=(threads(game).size, game.n_bob_obs))
                for _ in range(game.k)]
    stack = deterministic_rules(game)
    return [stack[rng.integers(stack.shape[0])] for _ in range(game.k)]


@given(tiny_games(), st.booleans(), st.integers(0, 2**31 - 1))
def test_alice_best_response_matches_brute_force_plans(game, stochastic, seed):
    rules = _random_rules(game, np.random.default_rng(seed), stochastic)
    played = play(game, rules)
    assert np.allclose(played.sum(axis=-1), 1.0)
    utilities = expected_utilities(game, played)[0]
    assert utilities[0] == pytest.approx(brute_alice_value(game, rules), abs=1e-12)
    alice_w, _ = weighted_tables(game)
    assert utilities[0] <= opt(game) + 1e-12  # no conversation beats the first best
    assert utilities[0] >= alice_w.sum(axis=(0, 1)).max() - 1e-12  # she can always ignore the Bobs


@given(tiny_games(rounds=2), st.floats(0.0, 20.0), st.integers(0, 2**31 - 1))
def test_quantal_play_matches_path_enumeration(game, beta, seed):
    rules = _random_rules(game, np.random.default_rng(seed), stochastic=True)
    alice_w, _ = weighted_tables(game)
    mass = game.prior.sum(axis=2)
    th = threads(game)

    def decide(xa, history):  # posterior over x_B from the replies, then softmax of expected utilities
        like = np.ones(game.n_bob_obs)
        prefixes = [0] * game.k
        for r, (sigma, reply) in enumerate(history):
            for i in range(game.k):
                like = like * rules[i][th.index(r, prefixes[i], sigma[i]), :, reply[i]]
                prefixes[i] = th.extend(prefixes[i], sigma[i], reply[i])
        utility = like @ alice_w[xa] / (like @ mass[xa])
        weights = np.exp(beta * (utility - utility.max()))
        return weights / weights.sum()

    expected = brute_play_fixed(game, rules, lambda xa, history: (xa,) * game.k, decide)
    np.testing.assert_allclose(play(game, rules, quantal(beta))[0], expected, atol=1e-12)


def test_induced_distribution_is_a_joint_law_with_the_prior_as_marginal():
    game = random_conversation_game(ConversationShape(n_states=3, n_actions=3, n_messages=3),
                                    np.random.default_rng(4))
    stack = deterministic_rules(game)
    played = play(game, [stack[5], stack[17]])[0]
    joint = induced_distribution(game, played)
    assert joint.shape == (2, 2, 3, 3) and joint.min() >= 0
    np.testing.assert_allclose(joint.sum(axis=3), game.prior)
    alice_w, _ = weighted_tables(game)
    assert np.einsum("ijya,ay->", joint, game.alice) == pytest.approx(np.einsum("ija,ija->", played, alice_w))


def test_two_round_strategic_value_matches_brute_force():
    shape = ConversationShape(n_alice_obs=2, n_bob_obs=3, n_states=2, rounds=2, k=1)
    for seed in range(5):
        rng = np.random.default_rng(seed)
        game = random_conversation_game(shape, rng)
        rule = rng.dirichlet(np.ones(2), size=(threads(game).size, 3))
        alice_w, _ = weighted_tables(game)
        th = threads(game)
        best = 0.0
        for xa in range(2):  # every plan: s1, then s2 as a function of m1, then the best action per (m1, m2)
            values = []
            for s1, *s2 in itertools.product(range(2), repeat=3):
                total = 0.0
                for m1, m2 in itertools.product(range(2), repeat=2):
                    h2 = th.index(1, th.extend(0, s1, m1), s2[m1])
                    like = rule[th.index(0, 0, s1), :, m1] * rule[h2, :, m2]
                    total += (like[:, None] * alice_w[xa]).sum(axis=0).max()
                values.append(total)
            best += max(values)
        assert expected_utilities(game, play(game, [rule]))[0, 0] == pytest.approx(best, abs=1e-12)


def test_rules_enumeration_and_the_alice_optimal_rule():
    game = random_conversation_game(ConversationShape(n_messages=3, n_actions=2), np.random.default_rng(0))
    stack = deterministic_rules(game)
    assert stack.shape == (count_deterministic_rules(game), threads(game).size, 2, 3) == (3**4, 2, 2, 3)
    assert np.unique(stack.reshape(stack.shape[0], -1), axis=0).shape[0] == stack.shape[0]
    star = alice_optimal_rule(game)
    assert rule_index(stack, star) >= 0
    table = np.array([[0, 2], [1, 1]])
    assert rule_index(stack, rule_from_table(game, table)) == int("".join(map(str, table.ravel())), 3)


def test_thread_numbering():
    th = Threads(2, 3, 3)
    assert th.size == 2 + 2 * 6 + 2 * 36 and th.n_reduced == 2 + 4 + 8
    seen = {}
    for s1, m1, s2, m2, s3 in itertools.product(range(2), range(3), range(2), range(3), range(2)):
        h = th.index(2, th.extend(th.extend(0, s1, m1), s2, m2), s3)
        assert th.last_message[h] == s3
        seen.setdefault(th.reduced[h], set()).add((s1, s2, s3))
    assert all(len(v) == 1 for v in seen.values()) and len(seen) == 8


@given(tiny_games(), st.integers(0, 2**31 - 1))
def test_exhaustive_equilibria_match_explicit_loops(game, seed):
    stack = deterministic_rules(game)
    if stack.shape[0] ** game.k > 300:
        stack = stack[np.random.default_rng(seed).choice(stack.shape[0], size=12, replace=False)]
    table = payoff_table(game, stack)
    n = stack.shape[0]
    single = {  # one profile at a time, no batching
        profile: expected_utilities(game, play(game, [stack[j] for j in profile]))[0]
        for profile in itertools.product(range(n), repeat=game.k)
    }
    explicit = []
    for profile, utilities in single.items():
        assert np.allclose(table[profile], utilities, atol=1e-12)
        stable = True
        for i in range(game.k):
            for alt in range(n):
                trial = profile[:i] + (alt,) + profile[i + 1:]
                stable &= single[trial][i + 1] - utilities[i + 1] <= 5e-10
        if stable:
            explicit.append(profile)
    found = exhaustive_equilibria(game, stack)
    assert [eq.profile for eq in found] == explicit
    for eq in found:
        assert eq.max_regret <= 1e-9
        assert eq.alice_utility <= opt(game) + 1e-12


@given(tiny_games(), st.integers(0, 2**31 - 1))
def test_proposition_1_and_the_bound_on_every_pure_equilibrium(game, seed):
    if game.n_messages < game.n_actions:
        with pytest.raises(InputError, match="n_messages >= n_actions"):
            alice_optimal_rule(game)
        return
    stack = deterministic_rules(game)
    check = identical_induced_distribution(game, stack)
    gaps = np.sort(weighted_tables(game)[0], axis=2)
    unique_best = game.n_actions == 1 or (gaps[..., -1] - gaps[..., -2]).min() > 1e-9
    if unique_best:  # Proposition 1: C_B* lets Alice learn a*, so the condition holds
        assert check.holds and check.distance <= 1e-9
    if not check.holds or stack.shape[0] ** game.k > 4096:
        return
    eps = market_epsilon(game)
    for eq in exhaustive_equilibria(game, stack):
        assert eq.alice_utility >= opt(game) - 2 * eps.epsilon - 1e-9 * (1 + eps.weight_sum)


def test_dynamics_reach_exhaustive_equilibria():
    shape = ConversationShape()
    for seed in range(6):
        game = random_conversation_game(shape, np.random.default_rng(seed))
        stack = deterministic_rules(game)
        exhaustive = {eq.profile for eq in exhaustive_equilibria(game, stack)}
        search = dynamics_equilibria(game, stack, 5, np.random.default_rng(seed))
        assert {eq.profile for eq in search.equilibria} <= exhaustive
        end, converged = best_response_dynamics(game, stack, (0, 0))
        if converged:
            assert max_regret(game, stack, end) <= 1e-9


# ----------------------------------------------------------------------------- a persuasion example by hand
PRIOR_GUILTY = 0.3


def _courtroom(*bobs) -> ConversationGame:
    """Judge (Alice, no private signal) and Bobs who see the state y ∈ {innocent, guilty} (x_B = y).

    Actions: acquit, convict. The judge wants to match the state; the prosecutor wants a conviction.
    """
    prior = np.zeros((1, 2, 2))
    prior[0, 0, 0], prior[0, 1, 1] = 1 - PRIOR_GUILTY, PRIOR_GUILTY
    return ConversationGame(prior, np.eye(2), np.array(bobs, dtype=float), n_messages=2, rounds=1)


PROSECUTOR = [[0.0, 0.0], [1.0, 1.0]]


def test_courtroom_first_best_and_epsilon():
    game = _courtroom(PROSECUTOR)
    assert opt(game) == pytest.approx(1.0)  # the Bob knows the state; revealing it gives the first best
    np.testing.assert_array_equal(first_best_play(game)[0, 0], np.eye(2))
    eps = market_epsilon(game)
    assert eps.epsilon == pytest.approx(0.5)  # c = 1/2, w = 0: conviction-lust carries no information on y
    assert eps.simplex.epsilon == pytest.approx(1.0)


def test_courtroom_deterministic_prosecutor_reveals_the_state():
    game = _courtroom(PROSECUTOR)
    stack = deterministic_rules(game)  # replies per state: (0,0), (0,1), (1,0), (1,1)
    table = payoff_table(game, stack)
    np.testing.assert_allclose(table[:, 0], [0.7, 1.0, 1.0, 0.7])  # pooling leaves the judge acquitting
    np.testing.assert_allclose(table[:, 1], [0.0, 0.3, 0.3, 0.0])  # so revealing is the prosecutor's best
    assert [eq.profile for eq in exhaustive_equilibria(game, stack)] == [(1,), (2,)]


@pytest.mark.parametrize("q", [0.0, 0.2, 3 / 7 - 1e-9, 3 / 7, 0.6, 1.0])
def test_courtroom_randomised_signal_closed_form(q):
    """Say "convict" always when guilty and with probability q when innocent (Kamenica-Gentzkow)."""
    game = _courtroom(PROSECUTOR)
    rule = np.array([[[1 - q, q], [0.0, 1.0]]])  # thread 0; rows x_B = innocent, guilty
    alice, bob = expected_utilities(game, play(game, [rule]))[0]
    persuaded = q < 3 / 7  # posterior of guilt after "convict" stays above 1/2 (ties go to acquit)
    assert bob == pytest.approx(PRIOR_GUILTY + (1 - PRIOR_GUILTY) * q if persuaded else 0.0, abs=1e-12)
    assert alice == pytest.approx(1 - (1 - PRIOR_GUILTY) * q if persuaded else 1 - PRIOR_GUILTY, abs=1e-12)


def test_courtroom_obedience_lp_gives_twice_the_prior():
    result = optimal_persuasion(_courtroom(PROSECUTOR))
    assert result.sender_value == pytest.approx(2 * PRIOR_GUILTY)
    np.testing.assert_allclose(result.signal, [[4 / 7, 3 / 7], [0.0, 1.0]], atol=1e-9)
    assert result.alice_utility == pytest.approx(1 - PRIOR_GUILTY)  # the judge gains nothing


def test_courtroom_with_an_honest_clerk_reaches_opt():
    game = _courtroom(PROSECUTOR, np.eye(2))  # the clerk's utility is the judge's: epsilon = 0
    assert market_epsilon(game).epsilon == pytest.approx(0.0, abs=1e-9)
    stack = deterministic_rules(game)
    equilibria = exhaustive_equilibria(game, stack)
    assert equilibria and all(eq.alice_utility == pytest.approx(1.0) for eq in equilibria)


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda g: play(g, [np.ones((2, 2, 2))]), "one conversation rule per Bob"),
        (lambda g: play(g, [np.ones((2, 2, 2)), np.ones((2, 2, 2))]), "probabilities"),
        (lambda g: check_rule(g, np.ones((3, 2, 2)) / 2), "shape"),
        (lambda g: rule_from_table(g, np.array([[0, 5], [0, 0]])), "replies"),
        (lambda g: deterministic_rules(g, limit=10), "limit"),
        (lambda g: payoff_table(g, deterministic_rules(g), limit=100), "exhaustive limit"),
        (lambda g: AliceModel(beta=-1.0), "beta"),
        (lambda g: optimal_persuasion(g), "private information"),
        (lambda g: dynamics_equilibria(g, deterministic_rules(g), 0, np.random.default_rng()), "starts"),
    ],
)
def test_bad_conversation_input(call, fragment):
    game = random_conversation_game(ConversationShape(), np.random.default_rng(0))
    with pytest.raises(InputError, match=fragment):
        call(game)


def test_strategic_alice_is_the_default():
    assert STRATEGIC.strategic and STRATEGIC.beta is None
