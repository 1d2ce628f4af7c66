"""MovieLens loaders: each published layout from hand-written files, layout independence, per-user oracle."""

import shutil

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketalign.data.movielens import detect_layout, load_movielens
from marketalign.data.tables import validate_table
from marketalign.errors import InputError


def test_csv_layout(fixtures):
    data = load_movielens(fixtures / "movielens" / "csv")
    assert data.layout == "csv"
    assert data.ratings[["user", "movie"]].values.tolist() == [[1, 1], [1, 2], [1, 3], [2, 1], [2, 4], [3, 2]]
    assert data.users.tolist() == [1, 2, 3]
    assert data.rating_counts().tolist() == [3, 2, 1]
    assert data.movie_texts[2] == "American President, The (1995). Genres: Comedy, Drama, Romance"
    assert data.movie_texts[3] == '"Great Performances" Cats (1998). Genres: Musical'
    assert data.movie_texts[4] == "La cravate (1957). Genres: (no genres listed)"
    assert data.tags["tag"].tolist() == ["funny, clever", "Highly quotable"]
    table = data.alice_table(1)
    assert table["instance"].tolist() == ["movie:1", "movie:2", "movie:3"]
    assert table["alice"].tolist() == [5.0, 4.5, 3.5]
    assert table["text"][0] == "Toy Story (1995). Genres: Adventure, Animation, Children, Comedy, Fantasy"
    h, scores, names = validate_table(table.assign(bob=1.0))
    assert names == ["bob"]


def test_dat_layout_reads_latin1_and_colons_in_texts(fixtures):
    data = load_movielens(fixtures / "movielens" / "dat")
    assert data.layout == "dat"
    titles = dict(zip(data.movies["movie"], data.movies["title"], strict=True))
    assert titles[2355] == "Star Wars: Episode IV - A New Hope (1977)"
    assert titles[3000] == "Café Society (1995)"
    assert data.movies.set_index("movie").loc[661, "genres"] == "Animation|Children's|Musical"
    assert data.tags["tag"].tolist() == ["classic: must see", "space"]
    assert data.tags["timestamp"].tolist() == [1188263867, 1188263868]
    assert data.alice_table("1")["alice"].tolist() == [3.0, 5.0]


def test_utf8_texts_are_read_as_utf8(fixtures, tmp_path):
    folder = tmp_path / "ml-10m"
    shutil.copytree(fixtures / "movielens" / "dat", folder)
    text = (folder / "movies.dat").read_text(encoding="latin-1")
    (folder / "movies.dat").write_text(
        text.replace("Caf\u00e9", "Caf\u00e9 \u00c5ngstr\u00f6m"), encoding="utf-8"
    )
    titles = load_movielens(folder).movies.set_index("movie")["title"]
    assert titles[3000] == "Caf\u00e9 \u00c5ngstr\u00f6m Society (1995)"


def test_100k_layout_turns_genre_flags_into_names(fixtures):
    data = load_movielens(fixtures / "movielens" / "100k")
    assert data.layout == "100k"
    genres = data.movies.set_index("movie")["genres"]
    assert genres[302] == "Crime|Film-Noir|Mystery|Thriller"
    assert genres[267] == "unknown"
    assert data.movies.set_index("movie").loc[1300, "title"] == "Á köldum klaka (Cold Fever) (1994)"
    assert data.alice_table(196)["alice"].tolist() == [3.0, 5.0]
    assert data.tags.empty


def test_100k_without_u_genre_uses_the_published_genre_list(fixtures, tmp_path):
    folder = tmp_path / "ml-100k"
    shutil.copytree(fixtures / "movielens" / "100k", folder)
    (folder / "u.genre").unlink()
    assert load_movielens(folder).movies.set_index("movie").loc[377, "genres"] == "Children's|Comedy"


def _write_layout(ratings: pd.DataFrame, movies: pd.DataFrame, layout: str, folder) -> None:
    folder.mkdir()
    if layout == "csv":
        ratings.rename(columns={"user": "userId", "movie": "movieId"}).to_csv(
            folder / "ratings.csv", index=False
        )
        movies.rename(columns={"movie": "movieId"}).to_csv(folder / "movies.csv", index=False)
    elif layout == "dat":
        lines = [f"{u}::{m}::{r:g}::{t}" for u, m, r, t in ratings.itertuples(index=False)]
        (folder / "ratings.dat").write_text("\n".join(lines) + "\n", encoding="latin-1")
        lines = [f"{m}::{title}::{genres}" for m, title, genres in movies.itertuples(index=False)]
        (folder / "movies.dat").write_text("\n".join(lines) + "\n", encoding="latin-1")
    else:
        ratings.to_csv(folder / "u.data", sep="\t", header=False, index=False)
        names = [
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
        ]
        rows = []
        for m, title, genres in movies.itertuples(index=False):
            flags = ["1" if name in genres.split("|") else "0" for name in names]
            rows.append("|".join([str(m), title, "01-Jan-1995", "", "http://x", *flags]))
        (folder / "u.item").write_text("\n".join(rows) + "\n", encoding="latin-1")


@st.composite
def _releases(draw):
    n_movies = draw(st.integers(1, 8))
    movie_ids = draw(st.lists(st.integers(1, 5000), min_size=n_movies, max_size=n_movies, unique=True))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(1, 40), st.sampled_from(movie_ids)), min_size=1, max_size=40, unique=True
        )
    )
    # Whole stars so that every layout (ml-100k and ml-1m have integer ratings) can hold them.
    stars = draw(st.lists(st.integers(1, 5), min_size=len(pairs), max_size=len(pairs)))
    ratings = pd.DataFrame(
        {
            "user": [u for u, _ in pairs],
            "movie": [m for _, m in pairs],
            "rating": np.asarray(stars, dtype=float),
            "timestamp": draw(st.integers(0, 2**31)) + np.arange(len(pairs)),
        }
    )
    genre_sets = ["Action|Comedy", "Drama", "Sci-Fi|Thriller|War", "Children's"]
    movies = pd.DataFrame(
        {
            "movie": movie_ids,
            "title": [f"Film {m}: part {m % 3} (199{m % 10})" for m in movie_ids],
            "genres": [genre_sets[m % len(genre_sets)] for m in movie_ids],
        }
    )
    return ratings, movies


@settings(max_examples=25)
@given(release=_releases())
def test_every_layout_loads_the_same_release_and_alice_tables_match_a_naive_filter(tmp_path_factory, release):
    ratings, movies = release
    root = tmp_path_factory.mktemp("ml")
    loaded = {}
    for layout in ("csv", "dat", "100k"):
        _write_layout(ratings, movies, layout, root / layout)
        loaded[layout] = load_movielens(root / layout)
        assert detect_layout(root / layout) == layout
    reference = loaded["csv"]
    for data in loaded.values():
        pd.testing.assert_frame_equal(data.ratings, reference.ratings)
        pd.testing.assert_series_equal(data.movie_texts.sort_index(), reference.movie_texts.sort_index())
    # Oracle: Alice's table by a plain boolean filter over the source rows.
    tables = dict(reference.iter_alice_tables())
    assert sorted(tables) == sorted(ratings["user"].unique().tolist())
    for user, table in tables.items():
        mine = ratings[ratings["user"] == user].sort_values("movie")
        assert table["instance"].tolist() == [f"movie:{m}" for m in mine["movie"]]
        assert table["alice"].tolist() == mine["rating"].tolist()
        texts = movies.set_index("movie").loc[mine["movie"]]
        expected = texts["title"] + ". Genres: " + texts["genres"].str.replace("|", ", ")
        assert table["text"].tolist() == expected.tolist()
        pd.testing.assert_frame_equal(table, reference.alice_table(user))
    long = reference.long_table()
    assert len(long) == len(ratings)
    assert long.groupby("human")["alice"].sum().to_dict() == {
        f"user:{u}": s for u, s in ratings.groupby("user")["rating"].sum().items()
    }


def test_min_ratings_filters_users(fixtures):
    data = load_movielens(fixtures / "movielens" / "csv")
    assert [u for u, _ in data.iter_alice_tables(min_ratings=2)] == [1, 2]
    assert sorted(data.long_table(min_ratings=3)["human"].unique()) == ["user:1"]


def _broken_copy(fixtures, tmp_path, name: str, text: str):
    folder = tmp_path / "ml"
    shutil.copytree(fixtures / "movielens" / "csv", folder)
    (folder / name).write_text(text)
    return folder


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("ratings.csv", "user,movie,rating,timestamp\n1,1,4.0,1\n", "missing column"),
        ("ratings.csv", "userId,movieId,rating,timestamp\n1,1,7.0,1\n", "outside"),
        ("ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,1\n1,1,3.0,2\n", "more than once"),
        ("ratings.csv", "userId,movieId,rating,timestamp\n1,99,4.0,1\n", "missing from the movies file"),
        ("ratings.csv", "userId,movieId,rating,timestamp\n1,1,four,1\n", "malformed"),
        ("ratings.csv", "userId,movieId,rating,timestamp\n", "no ratings"),
        ("movies.csv", "movieId,title,genres\n1,A (1990),Drama\n1,B (1991),Drama\n", "more than once"),
    ],
)
def test_malformed_files_raise_input_error(fixtures, tmp_path, name, text, message):
    with pytest.raises(InputError, match=message):
        load_movielens(_broken_copy(fixtures, tmp_path, name, text))


def test_bad_dat_line(fixtures, tmp_path):
    folder = tmp_path / "ml"
    shutil.copytree(fixtures / "movielens" / "dat", folder)
    (folder / "movies.dat").write_text("661::Only a title\n", encoding="latin-1")
    with pytest.raises(InputError, match="line 1 does not have 3"):
        load_movielens(folder)


def test_missing_folder_and_unknown_layout(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load_movielens(tmp_path / "nowhere")
    (tmp_path / "ratings.csv").write_text("userId,movieId,rating,timestamp\n")
    with pytest.raises(InputError, match="holds no MovieLens layout"):
        load_movielens(tmp_path)


@pytest.mark.parametrize("user", [99, "abc", None])
def test_unknown_user(fixtures, user):
    with pytest.raises(InputError):
        load_movielens(fixtures / "movielens" / "csv").alice_table(user)
