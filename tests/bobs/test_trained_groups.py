"""Survey Bobs: other demographic groups that share no respondent with Alice's group."""

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketalign.bobs.groups import check_markets, disjoint, group_attributes, group_markets
from marketalign.errors import InputError

VALUES = {"SEX": ["Female", "Male"], "POLPARTY": ["Democrat", "Republican", "Independent"],
          "RACE": ["White", "Black", "Asian"]}


def _all_groups() -> list[str]:
    groups = [f"{a}={v}" for a, values in VALUES.items() for v in values]
    for first, second in (("POLPARTY", "SEX"), ("POLPARTY", "RACE"), ("RACE", "SEX")):
        groups += [f"{first}_{second}={x}|{y}" for x in VALUES[first] for y in VALUES[second]]
    return groups


def test_group_attributes_and_errors():
    assert group_attributes("POLPARTY_SEX=Democrat|Male") == {"POLPARTY": "Democrat", "SEX": "Male"}
    assert group_attributes("AGE=18-29") == {"AGE": "18-29"}
    with pytest.raises(InputError):
        group_attributes("POLPARTY_SEX=Democrat")


def test_disjoint_matches_membership_of_every_respondent_type():
    """Brute force: two groups are disjoint iff no respondent profile belongs to both."""
    names = list(VALUES)
    profiles = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*VALUES.values())]
    groups = {g: group_attributes(g) for g in _all_groups()}

    def members(attrs):
        return {i for i, p in enumerate(profiles) if all(p[k] == v for k, v in attrs.items())}

    for a, b in itertools.combinations(groups, 2):
        assert disjoint(groups[a], groups[b]) == (not members(groups[a]) & members(groups[b])), (a, b)


@given(st.integers(0, 2**16), st.integers(1, 6))
def test_markets_only_pair_disjoint_groups(seed, models):
    rng = np.random.default_rng(seed)
    groups = _all_groups()
    answers = pd.DataFrame(rng.random((len(groups), 30)), index=groups, columns=[f"q{i}" for i in range(30)])
    answers = answers.mask(rng.random(answers.shape) < 0.05)
    sizes = {g: float(rng.integers(10, 500)) for g in groups}
    markets, eligible = group_markets(answers, sizes, humans=7, models=models, min_respondents=50,
                                      min_questions=5, rng=np.random.default_rng(seed))
    assert len(markets) <= min(7, eligible)
    for market in markets:
        assert len(market.bobs) == models == market.scores.shape[1]
        assert sizes[market.alice] >= 50 and all(sizes[b] >= 50 for b in market.bobs)
        assert all(disjoint(group_attributes(market.alice), group_attributes(b)) for b in market.bobs)
        expected = answers.loc[[market.alice, *market.bobs], list(market.questions)].T.to_numpy()
        np.testing.assert_array_equal(np.column_stack([market.target, market.scores]), expected)
        assert not np.isnan(expected).any()


def test_no_market_is_an_input_error():
    answers = pd.DataFrame(np.ones((2, 10)), index=["SEX=Female", "SEX=Male"])
    markets, eligible = group_markets(answers, {"SEX=Female": 100, "SEX=Male": 100}, humans=5, models=3,
                                      min_respondents=10, min_questions=5, rng=np.random.default_rng(0))
    assert markets == [] and eligible == 0
    with pytest.raises(InputError, match="min_respondents"):
        check_markets(markets, "panel W1")
