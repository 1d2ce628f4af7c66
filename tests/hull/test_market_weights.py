"""The market summary of a fit: Σw, the effective number of Bobs and the Bobs that carry weight."""

import numpy as np
import pytest

from marketalign.hull.market_weights import market_weights


def test_an_even_mix_of_two_bobs_counts_two_and_an_unused_bob_none():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(400, 3))
    target = 0.5 * scores[:, 0] + 0.5 * scores[:, 1] + 3.0
    found = market_weights(scores, target, ["a", "b", "noise"])
    for method in ("nnls", "simplex"):
        assert found[method]["weight_sum"] == pytest.approx(1.0, abs=1e-9)
        assert found[method]["effective_bobs"] == pytest.approx(2.0, abs=1e-9)
        assert found[method]["bobs_carrying_weight"] == 2 and set(found[method]["top"]) == {"a", "b"}


def test_weights_in_micro_units_still_carry_weight_and_are_listed_largest_contribution_first():
    rng = np.random.default_rng(1)
    scores = rng.normal(size=(300, 2)) * np.array([1e-6, 1.0])
    target = 2e5 * scores[:, 0] + 0.1 * scores[:, 1]
    found = market_weights(scores, target, ["micro", "unit"], top=1)
    assert found["nnls"]["bobs_carrying_weight"] == 2 and list(found["nnls"]["top"]) == ["micro"]
    assert found["nnls"]["effective_bobs"] == pytest.approx((2e5 + 0.1) ** 2 / (4e10 + 0.01), rel=1e-6)
