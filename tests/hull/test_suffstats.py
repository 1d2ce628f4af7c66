"""One-pass fold statistics against direct computation on the rows."""

import numpy as np
import pytest

from marketalign import InputError
from marketalign.hull import suffstats
from marketalign.hull.suffstats import accumulate, assign_folds


def test_folds_are_balanced_and_seeded():
    labels = assign_folds(103, 5, seed=4)
    counts = np.bincount(labels)
    assert counts.max() - counts.min() <= 1 and counts.sum() == 103
    assert (assign_folds(103, 5, seed=4) == labels).all()
    assert (assign_folds(103, 5, seed=5) != labels).any()


@pytest.mark.parametrize(("n", "folds"), [(3, 5), (10, 1)])
def test_bad_fold_requests(n, folds):
    with pytest.raises(InputError):
        assign_folds(n, folds, 0)


def test_statistics_match_rows_including_chunking(monkeypatch):
    monkeypatch.setattr(suffstats, "CHUNK_BYTES", 64 * 8 * 5)  # force many chunks
    rng = np.random.default_rng(0)
    s = rng.normal(size=(1000, 4)) + 1e3
    h = rng.normal(size=(1000, 2)) + 50
    labels = assign_folds(1000, 3, 1)
    stats = accumulate(s, h, labels, 3)
    for f in range(3):
        rows = labels == f
        train = stats.training(f)
        gram, cross, sq = train.centred()
        st, ht = s[~rows] - s[~rows].mean(0), h[~rows] - h[~rows].mean(0)
        np.testing.assert_allclose(gram, st.T @ st, rtol=1e-10)
        np.testing.assert_allclose(cross, st.T @ ht, rtol=1e-10)
        np.testing.assert_allclose(sq, (ht**2).sum(0), rtol=1e-10)
        # held-out error of an arbitrary weight vector, as a quadratic form
        w = rng.normal(size=4)
        e_gram, e_rhs, e_c = stats.fold(f).about(train.s_mean, train.h_mean)
        resid = (h[rows] - h[~rows].mean(0)) - (s[rows] - s[~rows].mean(0)) @ w[:, None]
        np.testing.assert_allclose(w @ e_gram @ w - 2 * w @ e_rhs + e_c, (resid**2).sum(0), rtol=1e-8)


def test_chunk_iterables_equal_arrays():
    rng = np.random.default_rng(1)
    s, h = rng.normal(size=(300, 3)), rng.normal(size=300)
    labels = assign_folds(300, 4, 0)
    whole = accumulate(s, h, labels, 4)
    starts = range(0, 300, 70)
    parts = accumulate((s[i : i + 70] for i in starts), (h[i : i + 70] for i in starts), labels, 4)
    np.testing.assert_allclose(whole.total().centred()[0], parts.total().centred()[0], rtol=1e-12)


def test_label_length_mismatch():
    with pytest.raises(InputError, match="fold labels"):
        accumulate(np.zeros((5, 2)), np.zeros(5), np.zeros(4, dtype=int), 2)
