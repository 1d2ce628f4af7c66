"""Shared test settings: hypothesis profiles (fast by default, thorough with HYPOTHESIS_PROFILE=ci), and a small
synthetic MovieLens for the trained Bob families and the figure experiments."""

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

from marketalign.data.location import DATA_ENV
from marketalign.data.movielens import MovieLens

settings.register_profile("default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


_GENRES = ("Comedy|Drama", "Action|Thriller", "Drama", "Comedy", "Thriller")


def synthetic_movielens(users: int = 70, movies: int = 60, seed: int = 0) -> MovieLens:
    """Ratings from two latent tastes, half-star scale, each user rating a random 40-70% of the movies."""
    rng = np.random.default_rng(seed)
    taste, appeal = rng.normal(size=(users, 2)), rng.normal(size=(movies, 2))
    rows = []
    for u in range(users):
        seen = np.flatnonzero(rng.random(movies) < rng.uniform(0.4, 0.7))
        stars = 3.2 + taste[u] @ appeal[seen].T * 0.6 + rng.normal(scale=0.5, size=len(seen))
        for m, r in zip(seen, np.clip(np.round(stars * 2) / 2, 0.5, 5.0), strict=True):
            rows.append((u + 1, m + 1, r, 0))
    ratings = pd.DataFrame(rows, columns=["user", "movie", "rating", "timestamp"]).astype(
        {"user": "int32", "movie": "int32", "rating": "float32", "timestamp": "int64"})
    titles = pd.DataFrame({"movie": np.arange(1, movies + 1, dtype="int32"),
                           "title": [f"Movie {m} (2000)" for m in range(1, movies + 1)],
                           "genres": [_GENRES[m % len(_GENRES)] for m in range(movies)]})
    tags = pd.DataFrame({"user": pd.Series(dtype="int32"), "movie": pd.Series(dtype="int32"),
                         "tag": pd.Series(dtype=object), "timestamp": pd.Series(dtype="int64")})
    return MovieLens(ratings=ratings, movies=titles, tags=tags, layout="csv", source="synthetic")


@pytest.fixture(scope="session")
def movielens() -> MovieLens:
    return synthetic_movielens()


@pytest.fixture(scope="session")
def movielens_release(tmp_path_factory):
    """A data folder holding a synthetic ``movielens/ml-latest-small`` release on disk, as ``--data`` takes it
    (200 users: enough for the commands' default 100 community Bobs)."""
    data = synthetic_movielens(users=200, movies=150, seed=3)
    root = tmp_path_factory.mktemp("shared")
    folder = root / "movielens" / "ml-latest-small"
    folder.mkdir(parents=True)
    data.ratings.rename(columns={"user": "userId", "movie": "movieId"}).to_csv(folder / "ratings.csv", index=False)
    data.movies.rename(columns={"movie": "movieId"}).to_csv(folder / "movies.csv", index=False)
    return root


SHARED_DATA = Path(os.environ[DATA_ENV]) if os.environ.get(DATA_ENV) else None


@pytest.fixture
def shared_data() -> Path:
    """The full data sets, the folder $MARKETALIGN_DATA names; skips the test when it is unset or missing."""
    if SHARED_DATA is None:
        pytest.skip(f"full data sets not available: set {DATA_ENV} to the folder that holds ethics/, movielens/ ...")
    if not SHARED_DATA.is_dir():
        pytest.skip(f"full data sets not found: {DATA_ENV}={SHARED_DATA} is not a folder")
    return SHARED_DATA.resolve()
