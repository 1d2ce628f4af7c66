"""Taste-community recommenders: honest MovieLens Bobs that never see Alice's ratings (our design, [OURS]).

Bob j is the recommender of one taste community: a random *anchor* user and the ``neighbours`` users most
similar to the anchor (cosine similarity of mean-centred rating vectors). His utility for a movie is the
community's shrunk mean rating of it,

    U_j(m) = (Σ_{v ∈ C_j, v rated m} r_vm + λ·t_m) / (n_jm + λ),

with ``λ = shrinkage`` pseudo-ratings at a prior t_m: the movie's mean rating over the whole population
(itself shrunk to the global mean) with ``prior="population"``, or the community's mean rating over all
movies with ``prior="community"``. Scores live on the rating scale, so no rescaling is needed.

Alice is excluded everywhere: she is never an anchor, never a community member (the next most similar user
takes her place) and her ratings are taken out of the population prior and the global mean. Every user gets
the same Bobs except for those corrections, so Bob j is "community j" for every Alice and many humans can
share one curve computation. The work is one sparse product for all anchors plus, per Alice, a few gathers
on her own movies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp

from marketalign.data.movielens import MovieLens
from marketalign.errors import InputError
from marketalign.seeding import stream


@dataclass(frozen=True)
class CommunityBobs:
    """Parameters of the taste-community family (module docstring; our design).

    Attributes
    ----------
    n_bobs : int
        How many Bobs (communities), at least 1.
    neighbours : int
        Members of a community besides its anchor: the users most similar to the anchor, at least 1.
    shrinkage : float
        λ > 0, the pseudo-ratings at the prior in each shrunk mean.
    prior : {"population", "community"}
        The prior t_m: the movie's population mean, or the community's mean over all movies.
    seed : int
        Seed of the anchors' draw.

    Raises
    ------
    InputError
        When a value is outside the ranges above.
    """

    n_bobs: int = 100
    neighbours: int = 30
    shrinkage: float = 5.0
    prior: Literal["population", "community"] = "population"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.n_bobs < 1 or self.neighbours < 1:
            raise InputError(f"n_bobs and neighbours must be at least 1; got {self.n_bobs}, {self.neighbours}.")
        if not self.shrinkage > 0:
            raise InputError(f"shrinkage must be positive (pseudo-ratings at the prior); got {self.shrinkage}.")
        if self.prior not in ("population", "community"):
            raise InputError(f"prior must be 'population' or 'community'; got {self.prior!r}.")


@dataclass(frozen=True)
class AliceScores:
    """One Alice: the movies she rated (ascending ids), her ratings, and the Bobs' scores for them (N, K)."""

    user: int
    movies: np.ndarray
    ratings: np.ndarray
    scores: np.ndarray
    anchors: np.ndarray  # (K,) the anchor user of each Bob for this Alice


@dataclass(frozen=True)
class _Market:
    """The rating matrix and everything about the communities that does not depend on Alice."""

    users: np.ndarray  # (U,) user ids, ascending
    movies: np.ndarray  # (M,) movie ids, ascending
    ratings: sp.csr_matrix  # (U, M)
    anchors: np.ndarray  # (K + 1,) user rows; the last one stands in when Alice is an anchor
    ranked: np.ndarray  # (K + 1, n + 1) user rows by decreasing similarity to each anchor (anchor excluded)
    sums: np.ndarray  # (K + 1, M) community rating sums (first n neighbours)
    counts: np.ndarray  # (K + 1, M)
    community_sums: np.ndarray  # (K + 1,) over all movies
    community_counts: np.ndarray  # (K + 1,)
    movie_sums: np.ndarray  # (M,) over every user
    movie_counts: np.ndarray  # (M,)


def community_scores(data: MovieLens, users: Iterable[int], family: CommunityBobs = CommunityBobs(),
                     ) -> list[AliceScores]:
    """The family's scores for every movie each user in ``users`` rated, computed without that user's data.

    Parameters
    ----------
    data : MovieLens
        The ratings.
    users : iterable of int
        The Alices, by MovieLens user id.
    family : CommunityBobs
        The family's parameters.

    Returns
    -------
    list of AliceScores
        One per user, in order: her movies (ascending ids), her ratings, the Bobs' scores (N, n_bobs) on the
        rating scale and each Bob's anchor user.

    Raises
    ------
    InputError
        When the data has fewer than ``n_bobs + neighbours + 2`` users, or a user has no ratings.
    """
    market = _build_market(data, family)
    return [_alice_scores(market, _user_row(market, user), family) for user in users]


@dataclass(frozen=True)
class CommunityRatings:
    """Alice's Bobs' communities over every movie: movie ids (M,) ascending, rating sums and counts (K, M)."""

    movies: np.ndarray
    sums: np.ndarray
    counts: np.ndarray


def community_ratings(data: MovieLens, user: int, family: CommunityBobs = CommunityBobs()) -> CommunityRatings:
    """The ratings of each of the family's communities for Alice = ``user`` (the communities of
    :func:`community_scores`, her place taken by the next most similar user), summed per movie.

    Raises
    ------
    InputError
        As :func:`community_scores`.
    """
    market = _build_market(data, family)
    _, sums, counts, _, _ = _community_sums(market, _user_row(market, user), family, np.arange(len(market.movies)))
    return CommunityRatings(market.movies, sums, counts)


def bob_names(family: CommunityBobs) -> list[str]:
    """Column names of the family's Bobs: ``community_000`` ..."""
    return [f"community_{j:03d}" for j in range(family.n_bobs)]


def _user_row(market: _Market, user: int) -> int:
    row = int(np.searchsorted(market.users, int(user)))
    if row == len(market.users) or market.users[row] != int(user):
        raise InputError(f"user {user} has no ratings in this MovieLens release; pick a user who rated movies.")
    return row


def _build_market(data: MovieLens, family: CommunityBobs) -> _Market:
    ratings = data.ratings
    users, user_rows = np.unique(ratings["user"].to_numpy(), return_inverse=True)
    movies, movie_cols = np.unique(ratings["movie"].to_numpy(), return_inverse=True)
    needed = family.n_bobs + family.neighbours + 2  # anchors and communities must exist without Alice
    if len(users) < needed:
        raise InputError(
            f"{family.n_bobs} communities of {family.neighbours} neighbours need at least {needed} users; the "
            f"data has {len(users)}. Lower n_bobs or neighbours."
        )
    values = ratings["rating"].to_numpy(dtype=np.float64)
    matrix = sp.csr_matrix((values, (user_rows, movie_cols)), shape=(len(users), len(movies)))
    matrix.sort_indices()
    rng = stream(family.seed)
    anchors = rng.permutation(len(users))[: family.n_bobs + 1]
    ranked = _rank_neighbours(matrix, anchors, family.neighbours + 1)
    members = sp.csr_matrix(
        (np.ones(ranked[:, : family.neighbours].size), (np.repeat(np.arange(len(anchors)), family.neighbours),
                                                      ranked[:, : family.neighbours].ravel())),
        shape=(len(anchors), len(users)),
    )
    rated = matrix.copy()
    rated.data[:] = 1.0
    sums = np.asarray((members @ matrix).todense())
    counts = np.asarray((members @ rated).todense())
    return _Market(
        users=users, movies=movies, ratings=matrix, anchors=anchors, ranked=ranked, sums=sums, counts=counts,
        community_sums=sums.sum(axis=1), community_counts=counts.sum(axis=1),
        movie_sums=np.asarray(matrix.sum(axis=0)).ravel(), movie_counts=np.asarray(rated.sum(axis=0)).ravel(),
    )


def _rank_neighbours(matrix: sp.csr_matrix, anchors: np.ndarray, depth: int) -> np.ndarray:
    """For each anchor, the ``depth`` most similar other users (cosine of mean-centred ratings; ties by row)."""
    counts = np.diff(matrix.indptr)
    means = np.asarray(matrix.sum(axis=1)).ravel() / np.maximum(counts, 1)
    centred = matrix.copy()
    centred.data = centred.data - np.repeat(means, counts)
    norms = np.sqrt(np.asarray(centred.multiply(centred).sum(axis=1)).ravel())
    unit = sp.diags(np.where(norms > 0, 1.0 / np.where(norms > 0, norms, 1.0), 0.0)) @ centred
    similarity = np.asarray((unit[anchors] @ unit.T).todense())
    similarity[np.arange(len(anchors)), anchors] = -np.inf
    rows = np.arange(similarity.shape[1])
    return np.stack([np.lexsort((rows, -s))[:depth] for s in similarity])


def _alice_scores(market: _Market, alice: int, family: CommunityBobs) -> AliceScores:
    start, stop = market.ratings.indptr[alice], market.ratings.indptr[alice + 1]
    cols = market.ratings.indices[start:stop]
    own = market.ratings.data[start:stop]
    bobs, sums, counts, totals, sizes = _community_sums(market, alice, family, cols)
    lam = family.shrinkage
    if family.prior == "population":
        global_mean = (market.movie_sums.sum() - own.sum()) / (market.movie_counts.sum() - len(own))
        prior = (market.movie_sums[cols] - own + lam * global_mean) / (market.movie_counts[cols] - 1 + lam)
        prior = prior[None, :]
    else:
        prior = (totals / sizes)[:, None]
    scores = (sums + lam * prior) / (counts + lam)
    return AliceScores(int(market.users[alice]), market.movies[cols], own.copy(), np.ascontiguousarray(scores.T),
                       market.users[market.anchors[bobs]])


def _community_sums(market: _Market, alice: int, family: CommunityBobs, cols: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Alice's Bobs (anchor rows) and their communities' rating sums and counts on the movie columns ``cols``
    (K, len(cols)) and over every movie (K,), Alice's place in a community taken by the next most similar
    user."""
    own = market.ratings[alice][:, cols].toarray().ravel()
    bobs = np.flatnonzero(market.anchors != alice)[: family.n_bobs]
    sums = market.sums[np.ix_(bobs, cols)]
    counts = market.counts[np.ix_(bobs, cols)]
    totals = market.community_sums[bobs].copy()
    sizes = market.community_counts[bobs].copy()
    hosts = np.flatnonzero((market.ranked[bobs, : family.neighbours] == alice).any(axis=1))
    for b in hosts:
        stand_in = market.ranked[bobs[b], family.neighbours]
        row = market.ratings[stand_in]
        stand_in_ratings = row[:, cols].toarray().ravel()
        sums[b] += stand_in_ratings - own
        counts[b] += (stand_in_ratings > 0).astype(float) - (own > 0)
        totals[b] += row.sum() - market.ratings[alice].sum()
        sizes[b] += row.nnz - market.ratings[alice].nnz
    return bobs, sums, counts, totals, sizes
