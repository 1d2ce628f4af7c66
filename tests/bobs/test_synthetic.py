"""Synthetic Bobs: seeded, shaped as asked, and the shared bias switches the hull condition off."""

import numpy as np
import pytest

from marketalign import InputError
from marketalign.bobs.synthetic import SyntheticBobs, synthetic_bobs
from marketalign.hull.estimators import MarketAlignmentRegressor


def _alice(n=2000):
    return np.random.default_rng(0).normal(size=n)


def test_seeded_and_shaped():
    family = SyntheticBobs(n_bobs=7, seed=3)
    a, b = synthetic_bobs(_alice(), family), synthetic_bobs(_alice(), family)
    assert a.shape == (2000, 7) and np.array_equal(a, b)
    assert not np.array_equal(a, synthetic_bobs(_alice(), SyntheticBobs(n_bobs=7, seed=4)))


def test_no_misalignment_no_noise_is_alice_on_each_scale():
    alice = _alice()
    scores = synthetic_bobs(alice, SyntheticBobs(n_bobs=3, misalignment=0.0, noise=0.0, scale_spread=0.5))
    for column in scores.T:
        assert abs(np.corrcoef(column, alice)[0, 1] - 1.0) < 1e-12


def test_shared_bias_breaks_the_hull():
    alice = _alice()
    errors = []
    for shared in (0.0, 1.0):
        scores = synthetic_bobs(alice, SyntheticBobs(n_bobs=40, misalignment=1.0, shared=shared, noise=0.1))
        errors.append(MarketAlignmentRegressor("simplex").fit(scores, alice).training_mse_)
    assert errors[0] < 0.05 * errors[1]


@pytest.mark.parametrize(
    "kwargs", [{"n_bobs": 0}, {"shared": 1.5}, {"latent_dim": 0}, {"noise": -1.0}]
)
def test_bad_parameters(kwargs):
    with pytest.raises(InputError):
        SyntheticBobs(**kwargs)


def test_bad_alice():
    with pytest.raises(InputError, match="1-D"):
        synthetic_bobs(np.zeros((3, 2)))
