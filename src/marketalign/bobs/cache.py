"""A persistent score cache (SQLite, WAL mode): a killed generation run resumes without asking anything twice.

Keys are SHA-256 digests of everything that can change an answer (backend identity, model, full messages,
sampling parameters, scale); see ``backends.base.question_key``. Each answer is committed as soon as it
arrives, so a run killed at any moment loses at most the questions still in flight. Failures are not stored
(a re-run asks them again); unparseable answers are stored (the model did answer, and asking again at the same
settings gives the same words).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from marketalign.bobs.backends.base import Answer
from marketalign.errors import InputError
from marketalign.paths import prepare_file

_SCHEMA_VERSION = "1"
_CHUNK = 500  # keys per SELECT (below SQLite's host-parameter limit)


class ScoreCache:
    """Answers by question key, stored in one SQLite file; use as a context manager.

    Parameters
    ----------
    path : str or Path
        The SQLite file, created (with its parent folders) when missing.

    Raises
    ------
    InputError
        When ``path`` is a folder, is not a score cache, or has another cache schema.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = prepare_file(path)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, score REAL, method TEXT NOT NULL, "
                "text TEXT NOT NULL, scale_mass REAL)"
            )
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (_SCHEMA_VERSION,))
            (version,) = self._db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
        except sqlite3.DatabaseError as err:
            raise InputError(
                f"{self.path} is not a marketalign score cache ({err}); pass another --cache path."
            ) from None
        if version != _SCHEMA_VERSION:
            raise InputError(
                f"{self.path} has cache schema {version}, expected {_SCHEMA_VERSION}; use a new file."
            )

    def get_many(self, keys: Iterable[str]) -> dict[str, Answer]:
        """The cached answers among ``keys``."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, Answer] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, score, method, text, scale_mass FROM answers WHERE key IN ({marks})", chunk
            )
            for key, score, method, text, mass in rows:
                found[key] = Answer(math.nan if score is None else score, method, text, mass)
        return found

    def put(self, key: str, answer: Answer) -> None:
        """Store one answer and commit at once (durable against the process being killed)."""
        score = answer.score if math.isfinite(answer.score) else None
        self._db.execute(
            "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)",
            (key, score, answer.method, answer.text, answer.scale_mass),
        )

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]

    def close(self) -> None:
        """Close the database (the WAL is checkpointed into the main file)."""
        self._db.close()

    def __enter__(self) -> ScoreCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
