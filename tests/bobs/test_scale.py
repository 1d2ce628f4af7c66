"""Scale reading: renormalised expected value from logprobs, label parsing, validation."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketalign import InputError, RatingScale

FIVE = RatingScale(("1", "2", "3", "4", "5"), (1.0, 2.0, 3.0, 4.0, 5.0))
YES_NO = RatingScale(("Yes", "No"), (1.0, 0.0))


@given(st.lists(st.floats(1e-6, 1.0), min_size=5, max_size=5), st.floats(0.0, 0.9))
def test_logprobs_expected_value_matches_direct_computation(probs, other):
    total = sum(probs)
    probs = [(1 - other) * p / total for p in probs]
    candidates = [(str(k + 1), math.log(p)) for k, p in enumerate(probs)]
    if other > 0:
        candidates.append(("The", math.log(other)))
    score, mass = FIVE.read_logprobs([candidates])
    oracle = float(np.dot(np.arange(1, 6), probs) / np.sum(probs))
    assert score == pytest.approx(oracle, rel=1e-12)
    assert mass == pytest.approx(1 - other, rel=1e-9)
    assert 1.0 <= score <= 5.0


def test_spellings_of_one_label_are_summed_and_first_labelled_position_is_used():
    positions = [
        [('"', math.log(0.9)), ("'", math.log(0.1))],  # no label here: skipped
        [("Yes", math.log(0.3)), (" yes", math.log(0.3)), ("\u2581No", math.log(0.2)),
         ("Maybe", math.log(0.2))],
        [("No", 0.0)],
    ]
    score, mass = YES_NO.read_logprobs(positions)
    assert score == pytest.approx(0.6 / 0.8)
    assert mass == pytest.approx(0.8)
    assert YES_NO.read_logprobs([[("Maybe", 0.0)]]) is None


@pytest.mark.parametrize(
    ("scale", "text", "value"),
    [(FIVE, "4", 4.0), (FIVE, "Rating: 2/5", 2.0), (FIVE, "I'd say 3.", 3.0), (FIVE, "10 out of 10", None),
     (FIVE, "no digits", None), (YES_NO, "yes, it is", 1.0), (YES_NO, "NO.", 0.0),
     (YES_NO, "Nobody knows", None), (YES_NO, "", None)],
)
def test_parse_takes_the_first_whole_word_label(scale, text, value):
    assert scale.parse(text) == value


def test_numeric_labels_default_their_values_and_bad_scales_are_rejected():
    assert RatingScale.from_config({"labels": ["1", "3"]}).values == (1.0, 3.0)
    with pytest.raises(InputError, match="values"):
        RatingScale.from_config({"labels": ["Yes", "No"]})
    with pytest.raises(InputError, match="distinct"):
        RatingScale.from_config({"labels": ["Yes", " yes"], "values": [1, 0]})
    with pytest.raises(InputError, match="at least two"):
        RatingScale.from_config({"labels": ["Yes"], "values": [1]})
    with pytest.raises(InputError, match="one value each"):
        RatingScale.from_config({"labels": ["a", "b"], "values": [1]})
