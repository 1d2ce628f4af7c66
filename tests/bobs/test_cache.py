"""The SQLite score cache: round trips (NaN included), persistence across connections, WAL mode, bad files."""

import math
import sqlite3

import pytest

from marketalign import InputError, ScoreCache
from marketalign.bobs.backends.base import Answer


def test_answers_survive_reopening_and_nan_stays_nan(tmp_path):
    path = tmp_path / "c.sqlite"
    with ScoreCache(path) as cache:
        cache.put("a", Answer(0.25, "logprobs", "Yes", 0.9))
        cache.put("b", Answer(math.nan, "unparseable", "I cannot say"))
        assert len(cache) == 2
    with ScoreCache(path) as cache:
        found = cache.get_many(["a", "b", "missing"])
    assert found["a"] == Answer(0.25, "logprobs", "Yes", 0.9)
    assert math.isnan(found["b"].score) and found["b"].method == "unparseable"
    assert "missing" not in found


def test_many_keys_are_fetched_in_chunks(tmp_path):
    with ScoreCache(tmp_path / "c.sqlite") as cache:
        for i in range(1234):
            cache.put(f"k{i}", Answer(float(i), "parsed", str(i)))
        found = cache.get_many(f"k{i}" for i in range(0, 1300))
    assert len(found) == 1234 and found["k1233"].score == 1233.0


def test_wal_mode_and_visible_to_another_reader_before_close(tmp_path):
    path = tmp_path / "c.sqlite"
    cache = ScoreCache(path)
    cache.put("a", Answer(1.0, "parsed", "1"))
    reader = sqlite3.connect(path)
    assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert reader.execute("SELECT score FROM answers WHERE key='a'").fetchone()[0] == 1.0
    reader.close()
    cache.close()


def test_a_file_that_is_not_a_cache_is_rejected(tmp_path):
    path = tmp_path / "c.sqlite"
    path.write_text("this is not sqlite at all" * 100)
    with pytest.raises(InputError, match="not a marketalign score cache"):
        ScoreCache(path)
