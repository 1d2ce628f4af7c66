"""Kill a real generation run (SIGKILL, mid-run), re-run it, and check nothing was asked twice or lost."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from marketalign import load_bob_config
from marketalign.bobs.backends import make_backend
from marketalign.bobs.backends.base import question_key
from marketalign.bobs.loopback import FakeOpenAI, conversation, expected_score

LABELS = ["1", "2", "3", "4", "5"]
CONFIG = """
[family]
name = "kill-test"
bobs = 5
seed = 11
[prompt]
instruction = "Rate {{text}}"
paraphrases = ["Score {{text}}", "What do you think of {{text}}?"]
personas = ["", "You are a critic."]
[scale]
labels = ["1", "2", "3", "4", "5"]
[backend]
kind = "openai"
base_url = "{base_url}"
model = "fake-model"
concurrency = 2
"""


def cli(*args: str) -> subprocess.Popen:
    code = "from marketalign.cli import main; main()"
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def cached_keys(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT key FROM answers")}


def test_a_killed_run_resumes_without_asking_anything_twice(tmp_path):
    n_items = 60
    data = tmp_path / "items.csv"
    pd.DataFrame({"instance": [f"x{i}" for i in range(n_items)],
                  "text": [f"thing {i}" for i in range(n_items)]}).to_csv(data, index=False)
    out, cache = tmp_path / "scores.csv", tmp_path / "scores.csv.cache.sqlite"
    with FakeOpenAI(LABELS, delay=0.02) as server:
        config = tmp_path / "config.toml"
        config.write_text(CONFIG.format(base_url=server.base_url))
        args = ("bobs", "generate", str(config), "--data", str(data), "--out", str(out), "--quiet")
        total = 5 * n_items

        victim = cli(*args)
        deadline = time.monotonic() + 60
        while sum(server.answered.values()) < total // 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        assert victim.returncode == -signal.SIGKILL
        while server.in_flight and time.monotonic() < deadline:  # replies to the dead client finish first
            time.sleep(0.01)
        assert not out.exists()
        kept = cached_keys(cache)
        answered_first = dict(server.answered)
        assert total // 3 - 2 * 2 <= len(kept) < total  # killed mid-run; at most the in-flight window is lost

        resumed = cli(*args)
        stdout, stderr = resumed.communicate(timeout=120)
        assert resumed.returncode == 0, stderr
        assert f"cached {len(kept)}, asked {total - len(kept)}, failed 0" in stdout

    settings = load_bob_config(config)
    backend = make_backend(settings.backend, settings.family.scale)
    bobs = settings.family.draw(backend.dimensions)
    identity = backend.identity()
    question_of = {}
    for bob in bobs:
        for i in range(n_items):
            key = question_key(identity, backend.request(bob, f"thing {i}"))
            question_of[key] = conversation(bob.messages(f"thing {i}"))
    backend.close()
    for key in kept:  # nothing that had been answered and cached was asked again
        assert server.answered[question_of[key]] == 1
    repeated = [q for q, n in server.answered.items() if n > 1]
    assert len(repeated) == sum(answered_first.values()) - len(kept) <= 2 * 2  # only answers lost in flight
    assert len(server.answered) == total

    scores = pd.read_csv(out)
    assert scores.shape == (n_items, 2 + 5) and not scores.isna().any().any()
    for bob in bobs:
        expected = [expected_score(conversation(bob.messages(f"thing {i}")), [1, 2, 3, 4, 5])
                    for i in range(n_items)]
        assert scores[bob.column].to_numpy() == pytest.approx(expected, rel=1e-12)
