"""MovieLens releases in their published layouts, and Alice = one user's ratings.

Layouts (detected from the files present in the folder):

- ``csv``: ``ratings.csv``, ``movies.csv`` and optional ``tags.csv`` (ml-latest-small, ml-latest, ml-20m,
  ml-25m, ml-32m; ``.csv.gz`` also read);
- ``dat``: ``ratings.dat``, ``movies.dat`` and optional ``tags.dat``, fields separated by ``::`` (ml-1m,
  ml-10m);
- ``100k``: ``u.data`` (tab-separated) and ``u.item`` (pipe-separated, 19 genre flags) (ml-100k).

Texts are read as UTF-8 when they decode as such, else as latin-1 (the encoding of ml-100k and ml-1m).

Alice's utility for a movie is her own rating on the release's scale (0.5-5 or 1-5), unscaled. The text a
model would score is "Title (year). Genres: A, B" and never includes anyone's tags.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from marketalign.data._files import first_existing, read_csv, require_columns, require_dir, text_encoding
from marketalign.data.tables import INSTANCE, TARGET, TEXT, layout_table
from marketalign.errors import InputError

NO_GENRES = "(no genres listed)"
RATING_RANGE = (0.5, 5.0)
_RATINGS_DTYPES = {"user": "int32", "movie": "int32", "rating": "float32", "timestamp": "int64"}
_GENRES_100K = (
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
)
_LAYOUT_FILES = {
    "csv": (("ratings.csv", "ratings.csv.gz"), ("movies.csv", "movies.csv.gz")),
    "dat": (("ratings.dat",), ("movies.dat",)),
    "100k": (("u.data",), ("u.item",)),
}


@dataclass(frozen=True, eq=False)
class MovieLens:
    """One MovieLens release with columns named the same in every layout.

    ``ratings``: user, movie, rating, timestamp (sorted by user then movie); ``movies``: movie, title,
    genres (``|``-separated, ``"(no genres listed)"`` when none); ``tags``: user, movie, tag, timestamp
    (may be empty).

    Attributes
    ----------
    ratings, movies, tags : pandas.DataFrame
        As above.
    layout : str
        The release layout read.
    source : str
        The folder read.
    """

    ratings: pd.DataFrame
    movies: pd.DataFrame
    tags: pd.DataFrame
    layout: str
    source: str

    @cached_property
    def _user_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        users = self.ratings["user"].to_numpy()
        starts = np.flatnonzero(np.r_[True, users[1:] != users[:-1]])
        return users[starts], np.r_[starts, len(users)]

    @property
    def users(self) -> np.ndarray:
        """Every user id with at least one rating, ascending."""
        return self._user_bounds[0]

    def rating_counts(self) -> pd.Series:
        """Number of ratings per user (indexed by user id)."""
        users, bounds = self._user_bounds
        return pd.Series(np.diff(bounds), index=pd.Index(users, name="user"), name="ratings")

    @cached_property
    def movie_texts(self) -> pd.Series:
        """The text a model scores for each movie, "Title (year). Genres: A, B" (indexed by movie id)."""
        genres = self.movies["genres"].str.replace("|", ", ", regex=False)
        texts = self.movies["title"] + ". Genres: " + genres
        return pd.Series(texts.to_numpy(), index=pd.Index(self.movies["movie"].to_numpy(), name="movie"))

    @cached_property
    def _rating_movie_rows(self) -> np.ndarray:
        return pd.Index(self.movies["movie"]).get_indexer(self.ratings["movie"])

    @cached_property
    def _movie_columns(self) -> dict[str, np.ndarray]:
        ids = self.movies["movie"].to_numpy()
        return {
            INSTANCE: np.char.add("movie:", ids.astype(str)).astype(object),
            TEXT: self.movie_texts.to_numpy(dtype=object),
            "title": self.movies["title"].to_numpy(dtype=object),
            "genres": self.movies["genres"].to_numpy(dtype=object),
        }

    def _user_slice(self, user: int | str) -> slice:
        users, bounds = self._user_bounds
        try:
            user_id = int(user)
        except (TypeError, ValueError) as err:
            raise InputError(f"MovieLens user ids are integers; got {user!r}.") from err
        at = int(np.searchsorted(users, user_id))
        if at == len(users) or users[at] != user_id:
            raise InputError(
                f"user {user_id} has no ratings in {self.source} (users with ratings: {len(users)}, ids "
                f"{users[0]}..{users[-1]}); pick one of them."
            )
        return slice(int(bounds[at]), int(bounds[at + 1]))

    def alice_table(self, user: int | str, target: str = TARGET) -> pd.DataFrame:
        """Alice = ``user``: one row per movie she rated, her rating as the target, the movie's text."""
        return self._table(self._user_slice(user), target)

    def _table(self, rows: slice, target: str) -> pd.DataFrame:
        at = self._rating_movie_rows[rows]
        columns = {name: values[at] for name, values in self._movie_columns.items()}
        rating = self.ratings["rating"].to_numpy()[rows]
        return layout_table(
            columns[INSTANCE],
            rating,
            columns[TEXT],
            target=target,
            title=columns["title"],
            genres=columns["genres"],
        )

    def iter_alice_tables(
        self, min_ratings: int = 1, target: str = TARGET
    ) -> Iterator[tuple[int, pd.DataFrame]]:
        """``(user, alice_table(user))`` for every user with at least ``min_ratings`` ratings, by user id."""
        users, bounds = self._user_bounds
        for at in np.flatnonzero(np.diff(bounds) >= min_ratings):
            yield int(users[at]), self._table(slice(int(bounds[at]), int(bounds[at + 1])), target)

    def long_table(self, min_ratings: int = 1, target: str = TARGET) -> pd.DataFrame:
        """Every user at once: one row per rating with ``human`` ("user:ID"), ``instance`` and the target."""
        counts = self.rating_counts()
        keep = np.repeat((counts >= min_ratings).to_numpy(), counts.to_numpy())
        users = self.ratings["user"].to_numpy()[keep]
        return pd.DataFrame(
            {
                "human": np.char.add("user:", users.astype(str)),
                INSTANCE: self._movie_columns[INSTANCE][self._rating_movie_rows[keep]],
                target: self.ratings["rating"].to_numpy()[keep].astype(np.float64),
            }
        )


def detect_layout(folder: str | Path) -> str:
    """The MovieLens layout of ``folder`` (``csv``, ``dat`` or ``100k``) from the files it holds."""
    folder = require_dir(folder, "a MovieLens release (e.g. ml-latest-small, ml-1m, ml-100k)")
    for layout, (ratings, movies) in _LAYOUT_FILES.items():
        if first_existing(folder, ratings) and first_existing(folder, movies):
            return layout
    expected = "; ".join(f"{layout}: {r[0]} + {m[0]}" for layout, (r, m) in _LAYOUT_FILES.items())
    raise InputError(f"{folder} holds no MovieLens layout; expected one of ({expected}).")


def load_movielens(folder: str | Path) -> MovieLens:
    """Read a MovieLens release folder in any published layout (validated; see the module docstring).

    Parameters
    ----------
    folder : str or Path
        A MovieLens release (latest, 25M/32M, 1M ``.dat`` or 100K ``u.data`` layout).

    Returns
    -------
    MovieLens
        Ratings and movies.

    Raises
    ------
    InputError
        A folder in no known layout, or files that do not parse.
    """
    folder = Path(folder)
    layout = detect_layout(folder)
    ratings_file, movies_file = (first_existing(folder, names) for names in _LAYOUT_FILES[layout])
    reader = {"csv": _read_csv_layout, "dat": _read_dat_layout, "100k": _read_100k_layout}[layout]
    ratings, movies, tags = reader(folder, ratings_file, movies_file)
    movies = _checked_movies(movies, movies_file)
    return MovieLens(
        ratings=_checked_ratings(ratings, movies, ratings_file),
        movies=movies,
        tags=tags,
        layout=layout,
        source=str(folder),
    )


def _read_csv_layout(folder: Path, ratings_file: Path, movies_file: Path):
    ratings = read_csv(ratings_file, dtype=_csv_dtypes(_RATINGS_DTYPES))
    require_columns(ratings, ["userId", "movieId", "rating", "timestamp"], ratings_file, "MovieLens CSV")
    ratings = ratings.rename(columns={"userId": "user", "movieId": "movie"})
    movies = read_csv(
        movies_file, dtype={"movieId": "int32", "title": str, "genres": str}, keep_default_na=False
    )
    require_columns(movies, ["movieId", "title", "genres"], movies_file, "MovieLens CSV")
    movies = movies.rename(columns={"movieId": "movie"})
    tags_file = first_existing(folder, ("tags.csv", "tags.csv.gz"))
    tags = _empty_tags()
    if tags_file is not None:
        tags = read_csv(
            tags_file,
            dtype={"userId": "int32", "movieId": "int32", "tag": str, "timestamp": "int64"},
            keep_default_na=False,
        )
        require_columns(tags, ["userId", "movieId", "tag", "timestamp"], tags_file, "MovieLens CSV")
        tags = tags.rename(columns={"userId": "user", "movieId": "movie"})[list(_empty_tags().columns)]
    return ratings[list(_RATINGS_DTYPES)], movies[["movie", "title", "genres"]], tags


def _csv_dtypes(dtypes: dict[str, str]) -> dict[str, str]:
    return {{"user": "userId", "movie": "movieId"}.get(k, k): v for k, v in dtypes.items()}


def _read_dat_layout(folder: Path, ratings_file: Path, movies_file: Path):
    # "1::1193::5::978300760": split on ':' leaves empty fields between the values.
    names = ["user", "_1", "movie", "_2", "rating", "_3", "timestamp"]
    ratings = read_csv(
        ratings_file,
        sep=":",
        header=None,
        names=names,
        usecols=list(_RATINGS_DTYPES),
        dtype=_RATINGS_DTYPES,
        encoding="latin-1",
    )
    movies = _split_dat(movies_file, ["movie", "title", "genres"])
    tags_file = first_existing(folder, ("tags.dat",))
    tags = (
        _empty_tags() if tags_file is None else _split_dat(tags_file, ["user", "movie", "tag", "timestamp"])
    )
    try:
        movies = movies.astype({"movie": "int32"})
        tags = tags.astype({"user": "int32", "movie": "int32", "timestamp": "int64"})
    except ValueError as err:
        raise InputError(f"{folder}: a movie, user or timestamp field is not an integer ({err}).") from err
    return ratings[list(_RATINGS_DTYPES)], movies, tags


def _split_dat(path: Path, columns: list[str]) -> pd.DataFrame:
    """Split ``::``-separated lines: leading fields from the left, the last from the right (texts hold :)."""
    try:
        lines = pd.Series(path.read_text(encoding=text_encoding(path)).splitlines(), dtype=object)
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err}).") from err
    lines = lines[lines.str.strip() != ""]
    head = lines.str.split("::", n=len(columns) - 2, regex=False)
    counts = head.str.len()
    if (counts != len(columns) - 1).any():
        bad = int(np.flatnonzero((counts != len(columns) - 1).to_numpy())[0]) + 1
        raise InputError(f"{path}: line {bad} does not have {len(columns)} '::'-separated fields.")
    frame = pd.DataFrame(head.tolist(), columns=columns[:-2] + ["_rest"])
    tail = frame.pop("_rest").str.rsplit("::", n=1)
    if (tail.str.len() != 2).any():
        bad = int(np.flatnonzero((tail.str.len() != 2).to_numpy())[0]) + 1
        raise InputError(f"{path}: line {bad} does not have {len(columns)} '::'-separated fields.")
    frame[columns[-2]] = tail.str[0]
    frame[columns[-1]] = tail.str[1]
    return frame


def _read_100k_layout(folder: Path, ratings_file: Path, movies_file: Path):
    ratings = read_csv(
        ratings_file, sep="\t", header=None, names=list(_RATINGS_DTYPES), dtype=_RATINGS_DTYPES
    )
    genre_names = _genres_100k(folder)
    columns = ["movie", "title", "release", "video_release", "url", *genre_names]
    items = read_csv(
        movies_file,
        sep="|",
        header=None,
        names=columns,
        encoding=text_encoding(movies_file),
        keep_default_na=False,
        dtype={"movie": "int32", "title": str, **{g: "int8" for g in genre_names}},
    )
    flags = items[list(genre_names)].to_numpy()
    if not np.isin(flags, (0, 1)).all():
        raise InputError(f"{movies_file}: genre flags must be 0 or 1 (19 flag columns after the URL).")
    genres = np.full(len(items), "", dtype=object)
    for j, name in enumerate(genre_names):
        genres = np.where(flags[:, j] == 1, genres + ("|" if j else "") + name, genres)
    genres = pd.Series(genres, dtype=object).str.lstrip("|").replace("", NO_GENRES)
    movies = pd.DataFrame({"movie": items["movie"], "title": items["title"], "genres": genres})
    return ratings, movies, _empty_tags()


def _genres_100k(folder: Path) -> tuple[str, ...]:
    genre_file = folder / "u.genre"
    if not genre_file.is_file():
        return _GENRES_100K
    table = read_csv(
        genre_file, sep="|", header=None, names=["genre", "index"], encoding=text_encoding(genre_file)
    )
    return tuple(table.sort_values("index")["genre"].astype(str))


def _empty_tags() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user": pd.Series(dtype="int32"),
            "movie": pd.Series(dtype="int32"),
            "tag": pd.Series(dtype=object),
            "timestamp": pd.Series(dtype="int64"),
        }
    )


def _checked_movies(movies: pd.DataFrame, path: Path) -> pd.DataFrame:
    movies = movies.reset_index(drop=True)
    duplicated = movies["movie"].duplicated()
    if duplicated.any():
        raise InputError(
            f"{path}: movie id {int(movies['movie'][duplicated].iloc[0])} appears more than once."
        )
    movies["title"] = movies["title"].astype(str).str.strip()
    movies["genres"] = movies["genres"].astype(str).str.strip().replace("", NO_GENRES)
    return movies


def _checked_ratings(ratings: pd.DataFrame, movies: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Range, id and duplicate checks; sorted by (user, movie) without a Python loop."""
    ratings = ratings.astype(_RATINGS_DTYPES).reset_index(drop=True)
    if len(ratings) == 0:
        raise InputError(f"{path}: no ratings.")
    users = ratings["user"].to_numpy()
    movie_ids = ratings["movie"].to_numpy()
    if users.min() < 0 or movie_ids.min() < 0:
        raise InputError(f"{path}: user and movie ids must be non-negative integers.")
    rating = ratings["rating"].to_numpy()
    low, high = RATING_RANGE
    bad = ~((rating >= low) & (rating <= high))
    if bad.any():
        raise InputError(
            f"{path}: {int(bad.sum())} ratings are outside [{low}, {high}] (first: {rating[bad][0]!r} on "
            f"data row {int(np.flatnonzero(bad)[0]) + 1}); MovieLens ratings are 0.5-5 stars."
        )
    unknown = ~np.isin(movie_ids, movies["movie"].to_numpy())
    if unknown.any():
        raise InputError(
            f"{path}: {int(unknown.sum())} ratings refer to movies missing from the movies file (e.g. movie "
            f"{int(movie_ids[unknown][0])}); use the movies file of the same release."
        )
    key = (users.astype(np.int64) << 32) | movie_ids.astype(np.int64)
    if (np.diff(key) < 0).any():
        order = np.argsort(key, kind="stable")
        ratings, key = ratings.take(order).reset_index(drop=True), key[order]
    repeated = np.flatnonzero(key[1:] == key[:-1])
    if len(repeated):
        row = ratings.iloc[repeated[0]]
        raise InputError(
            f"{path}: {len(repeated)} (user, movie) pairs are rated more than once (e.g. user "
            f"{int(row['user'])}, movie {int(row['movie'])}); keep one rating per pair."
        )
    return ratings
