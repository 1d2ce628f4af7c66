"""Small data roots on disk, laid out as ``--data`` takes them, for the experiments' ``run(config, context)``."""

from pathlib import Path

import pytest

from marketalign.data.embedded import load_embedded_ethics
from marketalign.data.ethics import ethics_file
from marketalign.data.movielens import MovieLens


def write_movielens(data: MovieLens, root: Path) -> Path:
    """``root/movielens/ml-latest-small`` holding ``data``'s ratings and movies in the release's CSV layout."""
    folder = root / "movielens" / "ml-latest-small"
    folder.mkdir(parents=True)
    data.ratings.rename(columns={"user": "userId", "movie": "movieId"}).to_csv(folder / "ratings.csv", index=False)
    data.movies.rename(columns={"movie": "movieId"}).to_csv(folder / "movies.csv", index=False)
    return root


def write_ethics_cut(root: Path, rows: int) -> Path:
    """``root/ethics/commonsense`` holding the first ``rows`` short items of each embedded commonsense split."""
    folder = root / "ethics" / "commonsense"
    folder.mkdir(parents=True)
    for (subset, split), frame in load_embedded_ethics().frames.items():
        if subset == "commonsense" and split != "ambig":
            short = frame[frame["is_short"]].head(rows)
            short[["label", "input", "is_short"]].to_csv(folder / ethics_file(subset, split), index=False)
    return root


@pytest.fixture(scope="module")
def movies_root(movielens, tmp_path_factory) -> Path:
    """A data root holding the small synthetic MovieLens only."""
    return write_movielens(movielens, tmp_path_factory.mktemp("movies"))


@pytest.fixture(scope="module")
def small_root(movielens, tmp_path_factory) -> Path:
    """A data root holding the synthetic MovieLens and a cut of the embedded ETHICS (200 short items a split)."""
    return write_ethics_cut(write_movielens(movielens, tmp_path_factory.mktemp("small")), rows=200)
