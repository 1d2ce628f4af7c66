"""Taste-community Bobs against a brute-force re-implementation of their definition, with Alice deleted."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketalign.bobs.communities import CommunityBobs, bob_names, community_scores
from marketalign.data.movielens import MovieLens
from marketalign.errors import InputError


def brute_force(data: MovieLens, alice: int, family: CommunityBobs) -> np.ndarray:
    """The definition with loops: Alice's ratings removed from the data before anything is computed."""
    users = np.unique(data.ratings["user"])
    anchors_all = users[np.random.default_rng(family.seed).permutation(len(users))[: family.n_bobs + 1]]
    anchors = [a for a in anchors_all if a != alice][: family.n_bobs]
    others = data.ratings[data.ratings["user"] != alice].astype({"rating": float})
    table = others.pivot(index="user", columns="movie", values="rating")
    alice_movies = np.sort(data.ratings.loc[data.ratings["user"] == alice, "movie"].to_numpy())

    def centred(u):
        row = table.loc[u]
        return (row - row.mean()).fillna(0.0).to_numpy()

    scores = np.empty((len(alice_movies), family.n_bobs))
    for j, anchor in enumerate(anchors):
        a = centred(anchor)
        sims = []
        for v in table.index:
            if v == anchor:
                continue
            b = centred(v)
            norm = np.linalg.norm(a) * np.linalg.norm(b)
            sims.append((-(a @ b / norm if norm > 0 else 0.0), v))
        community = [v for _, v in sorted(sims)[: family.neighbours]]
        block = table.loc[community]
        if family.prior == "community":
            prior = np.nanmean(block.to_numpy())
        for i, movie in enumerate(alice_movies):
            column = block[movie].dropna() if movie in block else pd.Series(dtype=float)
            if family.prior == "population":
                everyone = table[movie].dropna() if movie in table else pd.Series(dtype=float)
                overall = np.nanmean(table.to_numpy())
                prior = (everyone.sum() + family.shrinkage * overall) / (len(everyone) + family.shrinkage)
            scores[i, j] = (column.sum() + family.shrinkage * prior) / (len(column) + family.shrinkage)
    return scores


@pytest.mark.parametrize("prior", ["community", "population"])
def test_matches_brute_force_with_alice_deleted(movielens, prior):
    family = CommunityBobs(n_bobs=6, neighbours=5, shrinkage=3.0, prior=prior, seed=4)
    users = np.unique(movielens.ratings["user"])
    rng = np.random.default_rng(4)
    anchors = users[rng.permutation(len(users))[:7]]
    alices = [int(anchors[0]), int(anchors[6]), int(users[0]), int(users[-1])]  # an anchor, the spare, others
    for got in community_scores(movielens, alices, family):
        np.testing.assert_allclose(got.scores, brute_force(movielens, got.user, family), rtol=1e-10, atol=1e-12)


def test_alice_in_a_community_is_replaced(movielens):
    """Pick an Alice who is in some community in the full data, so the replacement path runs."""
    family = CommunityBobs(n_bobs=8, neighbours=10, seed=1)
    (probe,) = community_scores(movielens, [1], family)
    member = int(np.unique(movielens.ratings["user"])[7])
    got = community_scores(movielens, [member], family)[0]
    np.testing.assert_allclose(got.scores, brute_force(movielens, member, family), rtol=1e-10, atol=1e-12)
    assert probe.scores.shape[1] == 8


@settings(max_examples=8, deadline=None)
@given(st.integers(1, 70), st.integers(0, 2**16))
def test_alice_ratings_never_reach_her_bobs(movielens, alice, noise_seed):
    """Replacing Alice's ratings by noise leaves every one of her Bob scores unchanged (no leak)."""
    data = movielens
    family = CommunityBobs(n_bobs=10, neighbours=6, seed=2)
    before = community_scores(data, [alice], family)[0]
    ratings = data.ratings.copy()
    mine = ratings["user"] == alice
    noise = np.random.default_rng(noise_seed).integers(1, 11, size=int(mine.sum())) / 2.0
    ratings.loc[mine, "rating"] = noise.astype("float32")
    changed = MovieLens(ratings=ratings, movies=data.movies, tags=data.tags, layout="csv", source="changed")
    after = community_scores(changed, [alice], family)[0]
    np.testing.assert_array_equal(before.scores, after.scores)
    assert not np.array_equal(before.ratings, after.ratings) or mine.sum() == 0


def test_scores_are_ratings_and_reproducible(movielens):
    family = CommunityBobs(n_bobs=12, neighbours=8, seed=3)
    first = community_scores(movielens, [5, 9], family)
    second = community_scores(movielens, [5, 9], family)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a.scores, b.scores)
        assert a.scores.shape == (len(a.ratings), 12)
        assert a.scores.min() >= 0.5 and a.scores.max() <= 5.0
        assert a.user not in set(a.anchors)
    assert bob_names(family)[:2] == ["community_000", "community_001"]


def test_bad_requests_are_input_errors(movielens):
    with pytest.raises(InputError, match="no ratings"):
        community_scores(movielens, [999], CommunityBobs(n_bobs=5, neighbours=5))
    with pytest.raises(InputError, match="need at least"):
        community_scores(movielens, [1], CommunityBobs(n_bobs=60, neighbours=30))
    with pytest.raises(InputError, match="shrinkage"):
        CommunityBobs(shrinkage=0.0)
    with pytest.raises(InputError, match="prior"):
        CommunityBobs(prior="global")
