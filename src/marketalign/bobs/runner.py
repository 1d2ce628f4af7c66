"""The generation run: every Bob of a prompt family scores every instance, through the cache.

Cached answers are reused; the rest are asked (each distinct question once), stored as they arrive, and
counted. Questions are asked item by item, and an item's prompts in sorted order, so that consecutive prompts
share their longest prefix (a server's or llama.cpp's prompt cache then skips it) and a killed run leaves whole
items finished. The result is the input table plus one numeric column per Bob, a per-Bob count table (cached, asked,
failed, unparseable, and how scores were read) and a provenance record.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from marketalign.bobs.backends.base import METHODS, Answer, Backend, Failure, Job, question_key
from marketalign.bobs.cache import ScoreCache
from marketalign.bobs.items import data_sha256, validate_items
from marketalign.bobs.prompts import PromptFamily
from marketalign.errors import InputError
from marketalign.paths import prepare_file
from marketalign.progress import progress_bar
from marketalign.report.outputs import write_json, write_table

COUNT_COLUMNS: tuple[str, ...] = ("cached", "asked", "failed", "unparseable", *(f"by_{m}" for m in METHODS))


@dataclass(frozen=True)
class Generation:
    """A finished run: the scored table, per-Bob counts, failure reasons and the provenance record.

    Attributes
    ----------
    table : pandas.DataFrame
        The input table plus one numeric column per Bob; NaN where a question failed or its answer was unparseable.
    counts : pandas.DataFrame
        One row per Bob: ``bob`` and the counts of ``COUNT_COLUMNS`` (cached, asked, failed, unparseable, by method).
    failures : dict of str to int
        How many questions failed, per reason.
    provenance : dict
        JSON-ready record of the backend, model, family, Bobs, data digest and counts.
    """

    table: pd.DataFrame
    counts: pd.DataFrame
    failures: dict[str, int]
    provenance: dict

    @property
    def complete(self) -> bool:
        """True when every cell has an answer (failed cells are NaN and are asked again on the next run)."""
        return int(self.counts["failed"].sum()) == 0


def generate_bobs(table: pd.DataFrame, family: PromptFamily, backend: Backend, cache: ScoreCache, *,
             quiet: bool = False) -> Generation:
    """Score ``table['text']`` with every Bob of ``family`` on ``backend``, reusing and filling ``cache``.

    Parameters
    ----------
    table : pandas.DataFrame
        The items: unique non-empty string ``instance`` ids and non-empty ``text``.
    family : PromptFamily
        The Bobs, drawn over the perturbation dimensions ``backend`` reads.
    backend : Backend
        The scorer; each distinct question is asked once.
    cache : ScoreCache
        Answers already cached are reused; new answers are stored as they arrive.
    quiet : bool
        Hide the progress bar.

    Returns
    -------
    Generation
        The scored table, per-Bob counts, failure reasons and the provenance record.

    Raises
    ------
    InputError
        When the items are invalid, the table already has a Bob's column, the family has fewer distinct
        prompts than Bobs, or an embedding backend meets a family without anchors.
    """
    table = validate_items(table)
    bobs = family.draw(backend.dimensions)
    clashes = [b.column for b in bobs if b.column in table.columns]
    if clashes:
        raise InputError(
            f"The data table already has columns {clashes[:5]}; drop them or set another [family] prefix."
        )
    texts = table["text"].tolist()
    identity = backend.identity()
    cells: dict[str, list[tuple[int, int]]] = {}
    jobs: dict[str, Job] = {}
    for i, text in enumerate(texts):
        requests = [(backend.request(bob, text), b, bob) for b, bob in enumerate(bobs)]
        for request, b, bob in sorted(requests, key=lambda r: json.dumps(r[0], sort_keys=True)):
            key = question_key(identity, request)
            cells.setdefault(key, []).append((i, b))
            jobs.setdefault(key, Job(key, bob, text))
    scores = np.full((len(texts), len(bobs)), np.nan)
    counts = np.zeros((len(bobs), len(COUNT_COLUMNS)), dtype=np.int64)
    column = {name: j for j, name in enumerate(COUNT_COLUMNS)}

    def record(key: str, outcome: Answer | Failure, source: str) -> None:
        for i, b in cells[key]:
            if isinstance(outcome, Failure):
                counts[b, column["failed"]] += 1
                continue
            scores[i, b] = outcome.score
            counts[b, column[source]] += 1
            counts[b, column[f"by_{outcome.method}"]] += 1
            if math.isnan(outcome.score):
                counts[b, column["unparseable"]] += 1

    cached = cache.get_many(jobs)
    for key, answer in cached.items():
        record(key, answer, "cached")
    pending = [job for key, job in jobs.items() if key not in cached]
    failures: Counter[str] = Counter()
    bar = progress_bar(total=len(pending), desc=f"asking {family.name}", quiet=quiet)
    try:
        for job, outcome in backend.answer(pending):
            if isinstance(outcome, Answer):
                cache.put(job.key, outcome)
            else:
                failures[outcome.reason] += 1
            record(job.key, outcome, "asked")
            bar.update(1)
    finally:
        bar.close()

    scored = table.copy()
    for b, bob in enumerate(bobs):
        scored[bob.column] = scores[:, b]
    count_table = pd.DataFrame(counts, columns=list(COUNT_COLUMNS))
    count_table.insert(0, "bob", [bob.column for bob in bobs])
    totals = {name: int(counts[:, j].sum()) for name, j in column.items()}
    provenance = {
        "generator": "marketalign prompt-perturbation Bobs (marketalign.bobs.runner)",
        "marketalign": _version(),
        "backend": backend.describe(),
        "model": identity.get("model"),
        "family": family.to_dict(),
        "seed": family.seed,
        "bobs": [bob.to_dict() for bob in bobs],
        "data": {"rows": len(texts), "sha256": data_sha256(table), "columns": list(table.columns)},
        "counts": {**totals, "cells": int(scores.size), "questions": len(jobs),
                   "asked_questions": len(pending), "failure_reasons": dict(sorted(failures.items()))},
        "per_bob": count_table.to_dict(orient="records"),
        "complete": totals["failed"] == 0,
    }
    return Generation(scored, count_table, dict(failures), provenance)


def provenance_path(out: str | Path) -> Path:
    """Where the provenance sidecar of an output table goes: ``<out>.provenance.json``."""
    out = Path(out)
    return out.with_name(out.name + ".provenance.json")


def check_output_path(out: str | Path) -> Path:
    """The output table must be .csv or .parquet (checked before any question is asked)."""
    out = Path(out)
    if out.suffix not in (".csv", ".parquet"):
        raise InputError(f"--out {out} must end in .csv or .parquet.")
    return out


def write_generation(result: Generation, out: str | Path, extra: dict | None = None) -> tuple[Path, Path]:
    """Write the scored table (CSV or Parquet by suffix) and its provenance sidecar; return both paths."""
    out = prepare_file(check_output_path(out))
    write_table(result.table, out)
    sidecar = write_json({**result.provenance, **(extra or {})}, provenance_path(out))
    return out, sidecar


def _version() -> str:
    try:
        return metadata.version("marketalign")
    except metadata.PackageNotFoundError:
        return "unknown"
