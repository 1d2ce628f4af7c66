"""Data loading at ml-25m scale: our MovieLens loader and per-user Alice tables against naive routes.

Workloads run on synthetic releases in the ml-25m CSV layout (sorted by user then movie, unique pairs,
half-star ratings), generated once per run in a temporary folder; generation is not timed.
"""

from __future__ import annotations

import array
import csv
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from benchmarks import BenchRow, best_time
from marketalign.data.movielens import MovieLens, load_movielens
from marketalign.data.qrels import load_qrels_panel
from marketalign.data.tables import layout_table

SEED = 0


def write_release(folder: Path, ratings: int, users: int, movies: int, seed: int = SEED) -> Path:
    """A synthetic release in the CSV layout with about ``ratings`` unique (user, movie) ratings."""
    rng = np.random.default_rng(seed)
    user = np.sort(rng.integers(1, users + 1, size=ratings, dtype=np.int64))
    movie = rng.integers(1, movies + 1, size=ratings, dtype=np.int64)
    key = np.unique((user << 32) | movie)
    table = pa.table(
        {
            "userId": (key >> 32).astype(np.int32),
            "movieId": (key & 0xFFFFFFFF).astype(np.int32),
            "rating": rng.integers(1, 11, size=len(key)) / 2.0,
            "timestamp": rng.integers(789_652_009, 1_574_327_703, size=len(key)),
        }
    )
    folder.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(table, folder / "ratings.csv", pacsv.WriteOptions(quoting_style="none"))
    ids = np.arange(1, movies + 1)
    pd.DataFrame(
        {
            "movieId": ids,
            "title": [f"Movie {i} ({1950 + i % 70})" for i in ids],
            "genres": np.where(ids % 3 == 0, "Drama|Romance", "Comedy"),
        }
    ).to_csv(folder / "movies.csv", index=False)
    return folder


def naive_read_ratings(path: Path) -> pd.DataFrame:
    """Baseline: the csv module and a Python loop over rows (into compact arrays, to spare memory)."""
    columns = [array.array("i"), array.array("i"), array.array("f"), array.array("q")]
    with open(path, newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        for user, movie, rating, stamp in rows:
            columns[0].append(int(user))
            columns[1].append(int(movie))
            columns[2].append(float(rating))
            columns[3].append(int(stamp))
    return pd.DataFrame(
        {
            name: np.frombuffer(col, dtype=col.typecode if col.typecode != "q" else np.int64)
            for name, col in zip(("user", "movie", "rating", "timestamp"), columns, strict=True)
        }
    )


def naive_alice_tables(data: MovieLens, users: np.ndarray) -> list[pd.DataFrame]:
    """Baseline: a boolean mask over all ratings for each user, then a join with the movie texts."""
    ratings = data.ratings
    texts = data.movie_texts
    tables = []
    for user in users:
        mine = ratings[ratings["user"] == user]
        ids = mine["movie"].to_numpy()
        tables.append(
            layout_table(
                "movie:" + pd.Series(ids).astype(str), mine["rating"].to_numpy(), texts.loc[ids].to_numpy()
            )
        )
    return tables


def _fresh(data: MovieLens) -> MovieLens:
    """A copy with cold caches, so that every timed run pays for the one-off user index."""
    return MovieLens(
        ratings=data.ratings, movies=data.movies, tags=data.tags, layout=data.layout, source="bench"
    )


def write_qrels_panel(folder: Path, judges: int = 33, queries: int = 25, per_query: int = 177,
                      seed: int = SEED) -> Path:
    """A judges folder plus ``human.txt`` in the LLMJudge layout: every judge grades every human pair 0-3."""
    rng = np.random.default_rng(seed)
    keys = [(f"q{q}", f"p{rng.integers(10**6)}_{i}") for q in range(queries) for i in range(per_query)]
    (folder / "judges").mkdir(parents=True)
    for name in ["human", *(f"judges/team-run{j}" for j in range(judges))]:
        grades = rng.integers(0, 4, len(keys))
        order = rng.permutation(len(keys))
        lines = (f"{keys[i][0]} 0 {keys[i][1]} {grades[i]}\n" for i in order)
        (folder / f"{name}.txt").write_text("".join(lines))
    return folder


def naive_qrels_panel(folder: Path) -> pd.DataFrame:
    """The same table by a per-line Python parse (split, int, dict) of every file."""

    def parse(path: Path) -> dict[str, int]:
        grades = {}
        with open(path) as handle:
            for line in handle:
                qid, _, docid, grade = line.split()
                grades[f"{qid}:{docid}"] = int(grade)
        return grades

    human = parse(folder / "human.txt")
    table = {"instance": list(human), "alice": list(human.values()),
             "group": [key.split(":", 1)[0] for key in human]}
    for path in sorted((folder / "judges").glob("*.txt")):
        grades = parse(path)
        table[path.stem] = [grades.get(key) for key in human]
    return pd.DataFrame(table)


def _alice_tables(data: MovieLens, users: np.ndarray) -> list[pd.DataFrame]:
    return [data.alice_table(user) for user in users]


def run(quick: bool) -> list[BenchRow]:
    sizes = (1_000_000, 10_000, 5_000) if quick else (25_000_000, 162_000, 59_000)
    table_users = 300 if quick else 2_000
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_release(Path(tmp) / "ml", *sizes)
        n = sum(1 for _ in open(folder / "ratings.csv")) - 1
        ours = best_time(lambda: load_movielens(folder), repeat=2 if not quick else 3)
        naive = best_time(lambda: naive_read_ratings(folder / "ratings.csv"), repeat=1)
        plain = best_time(lambda: pd.read_csv(folder / "ratings.csv"), repeat=2)
        label = f"MovieLens load, {n / 1e6:.1f}M ratings"
        rows.append(
            BenchRow(
                f"{label} vs csv row loop",
                ours,
                naive,
                "csv module, Python loop over rows",
                ">= 5x (ours)",
                "ours validates, sorts-checks and reads movies too",
            )
        )
        rows.append(
            BenchRow(
                f"{label} vs read_csv no dtypes",
                ours,
                plain,
                "pandas.read_csv, inferred dtypes",
                ">= 1x (ours)",
                "baseline parses ratings.csv only, int64/float64 columns",
            )
        )
        data = load_movielens(folder)
        users = data.users[:: max(1, len(data.users) // table_users)][:table_users]
        ours = best_time(lambda: _alice_tables(_fresh(data), users), repeat=2)
        naive = best_time(lambda: naive_alice_tables(data, users), repeat=1)
        rows.append(
            BenchRow(
                f"Alice tables, {len(users)} users of {n / 1e6:.1f}M ratings",
                ours,
                naive,
                "boolean mask per user + join",
                ">= 2x (ours)",
                "same tables; ours sorts once",
            )
        )
        qrels = write_qrels_panel(Path(tmp) / "qrels")
        ours = best_time(lambda: load_qrels_panel(qrels / "judges", qrels / "human.txt"), repeat=3)
        naive = best_time(lambda: naive_qrels_panel(qrels), repeat=3)
        rows.append(
            BenchRow(
                "qrels panel, 34 files x 4,425 pairs (LLMJudge size)",
                ours,
                naive,
                "per-line Python parse (split, int, dict)",
                ">= 10x (ours)",
                "ours also checks fields, integers, duplicates, range and missing cells",
            )
        )
    return rows
