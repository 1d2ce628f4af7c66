"""The TREC qrels loader at LLMJudge size (34 files x 4,425 pairs) against a per-line Python parse, same run,
and on the LLMJudge release itself when ``$MARKETALIGN_DATA`` holds it.

Rows: our loader (one vectorised read of all files, then the table and the missing-cell policy) against the
naive parse of ``bench_data``; the same loader forced through the per-file pandas reader (the route for files
it cannot take in one read, and the route before the one-read one); and the ceiling of any loader that reads
the bytes once (reading the files and finding their spaces and newlines) against the same baseline.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from benchmarks import BenchRow, best_time
from benchmarks.bench_data import naive_qrels_panel, write_qrels_panel
from marketalign.data import qrels
from marketalign.data.location import DATA_ENV


def _per_file(folder: Path) -> None:
    original = qrels._read_all
    qrels._read_all = lambda *args: None
    try:
        qrels.load_qrels_panel(folder / "judges", folder / "human.txt")
    finally:
        qrels._read_all = original


def _bytes_once(folder: Path) -> None:
    blob = b"".join(p.read_bytes() for p in [folder / "human.txt", *sorted((folder / "judges").glob("*.txt"))])
    np.flatnonzero(np.frombuffer(blob, dtype=np.uint8) <= 32)


def _release_row(rounds: int, inner: int, base: str) -> list[BenchRow]:
    """Ours against the naive parse on the LLMJudge release itself (when ``$MARKETALIGN_DATA`` holds it), whose
    judges list the items in the human file's order; its few grades above the scale and missing cells need
    ``out_of_range="missing"`` and a missing-cell policy, which the naive parse does not apply."""
    root = os.environ.get(DATA_ENV)
    release = Path(root) / "panels" / "llmjudge_dl23" if root else None
    if release is None or not (release / "judges").is_dir():
        return []
    with tempfile.TemporaryDirectory() as tmp:  # the naive parse reads FOLDER/human.txt and FOLDER/judges
        folder = Path(tmp)
        (folder / "human.txt").symlink_to(release / "human_test_qrels.txt")
        (folder / "judges").symlink_to(release / "judges")
        load = lambda: qrels.load_qrels_panel(release / "judges", release / "human_test_qrels.txt",  # noqa: E731
                                              out_of_range="missing", missing="fill-mean")
        load()
        ours = naive = float("inf")
        for _ in range(rounds):
            ours = min(ours, best_time(load, inner))
            naive = min(naive, best_time(lambda: naive_qrels_panel(folder), 1))
    return [BenchRow("qrels panel, the LLMJudge release (33 judges x 4,423 pairs)", ours, naive, base, ">= 10x",
                     f"best of {rounds * inner} (ours) / {rounds} (baseline), interleaved; ours with "
                     "out_of_range=missing and missing=fill-mean")]


def run(quick: bool) -> list[BenchRow]:
    rounds, inner = (2, 3) if quick else (5, 5)
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_qrels_panel(Path(tmp) / "qrels")
        load = lambda: qrels.load_qrels_panel(folder / "judges", folder / "human.txt")  # noqa: E731
        load()
        ours = per_file = floor = naive = float("inf")
        for _ in range(rounds):  # interleaved, so that a busy spell of the machine hits every side
            ours = min(ours, best_time(load, inner))
            per_file = min(per_file, best_time(lambda: _per_file(folder), inner))
            floor = min(floor, best_time(lambda: _bytes_once(folder), inner))
            naive = min(naive, best_time(lambda: naive_qrels_panel(folder), 1))
    base = "per-line Python parse (split, int, dict)"
    note = f"best of {rounds * inner} (ours) / {rounds} (baseline), interleaved"
    return [
        BenchRow("qrels panel, 34 files x 4,425 pairs (LLMJudge size)", ours, naive, base, ">= 10x (ours)",
                 f"{note}; ours also checks fields, integers, duplicates, range and missing cells"),
        BenchRow("qrels panel, the per-file pandas route", per_file, naive, base, "-", note),
        BenchRow("qrels ceiling: read the bytes, find spaces and newlines", floor, naive, base, "-",
                 "no loader that reads the bytes once can beat this ratio"),
        *_release_row(rounds, inner, base),
    ]
