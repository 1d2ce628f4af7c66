"""MovieLens and ETHICS loaders on the full published files (skipped unless $MARKETALIGN_DATA holds them)."""

import csv

from marketalign.data.ethics import ethics_file, load_ethics
from marketalign.data.movielens import load_movielens


def test_movielens_small_against_a_plain_csv_reading(shared_data):
    folder = shared_data / "movielens" / "ml-latest-small"
    data = load_movielens(folder)
    with open(folder / "ratings.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(data.ratings) == len(rows) == 100836
    for user in (1, 68, 414, 610):
        mine = sorted((int(r["movieId"]), float(r["rating"])) for r in rows if int(r["userId"]) == user)
        table = data.alice_table(user)
        assert table["instance"].tolist() == [f"movie:{m}" for m, _ in mine]
        assert table["alice"].tolist() == [r for _, r in mine]


def test_every_ethics_file_is_read_whole(shared_data):
    data = load_ethics(shared_data / "ethics")
    for subset, split in data.available():
        path = shared_data / "ethics" / subset / ethics_file(subset, split)
        with open(path, newline="") as handle:
            rows = sum(1 for _ in csv.reader(handle))
        header = 0 if split == "ambig" or subset == "utilitarianism" else 1
        assert len(data.frame(subset, split)) == rows - header, (subset, split)
    table = data.table("commonsense", ["test", "test_hard"], short_only=True)
    assert len(table) == 3813
