"""The OpenAI-compatible backend end to end against a real HTTP server on loopback, with injected faults."""

import hashlib
import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from marketalign import InputError, PromptFamily, ScoreCache, generate_bobs
from marketalign.bobs.backends import make_backend, openai_http
from marketalign.bobs.backends.openai_http import EndpointRefused, EndpointUnavailable, _retry_after
from marketalign.bobs.backends.ratelimit import RateLimiter
from marketalign.bobs.loopback import (
    FAULTS,
    TOO_LONG,
    UNANSWERABLE,
    FakeOpenAI,
    conversation,
    expected_score,
    top_label,
)

LABELS = ["1", "2", "3", "4", "5"]
VALUES = [1.0, 2.0, 3.0, 4.0, 5.0]


def family(n_bobs=3):
    return PromptFamily.from_config({
        "family": {"name": "http-test", "bobs": n_bobs, "seed": 7},
        "prompt": {"instruction": "Rate {text}", "paraphrases": ["Score {text} from 1 to 5"],
                   "personas": ["", "You are a harsh critic."],
                   "few_shot": [[], [{"text": "a masterpiece", "answer": "5"}]]},
        "scale": {"labels": LABELS},
    })


def items(n=12, unanswerable=(3,)):
    texts = [f"item number {i}" + (f" {UNANSWERABLE}" if i in unanswerable else "") for i in range(n)]
    return pd.DataFrame({"instance": [f"i{i}" for i in range(n)], "text": texts, "other": np.arange(n)})


def backend_for(server, **settings):
    section = {"kind": "openai", "base_url": server.base_url, "model": "fake-model", "backoff": 0.001,
               "max_backoff": 0.05, "concurrency": 3, **settings}
    return make_backend(section, family().scale)


def oracle_table(fam, table, logprobs=True):
    """Expected scores computed from the server's own answer rule, independently of the client's parsing."""
    out = {}
    for bob in fam.draw(("template", "persona", "few_shot")):
        column = []
        for text in table["text"]:
            question = conversation(bob.messages(text))
            if UNANSWERABLE in text:
                column.append(math.nan)
            elif logprobs:
                column.append(expected_score(question, VALUES))
            else:
                column.append(VALUES[top_label(question, LABELS)])
        out[bob.column] = column
    return pd.DataFrame(out)


def run(server, tmp_path, table=None, fam=None, **settings):
    fam = fam or family()
    table = items() if table is None else table
    backend = backend_for(server, **settings)
    try:
        with ScoreCache(tmp_path / "cache.sqlite") as cache:
            return generate_bobs(table, fam, backend, cache, quiet=True)
    finally:
        backend.close()


@pytest.mark.parametrize("stream", [False, True])
def test_scores_are_the_expected_value_of_the_scale_under_the_servers_logprobs(tmp_path, stream):
    table = items()
    with FakeOpenAI(LABELS) as server:
        result = run(server, tmp_path, table, stream=stream)
        assert set(server.answered.values()) == {1}  # every question asked exactly once
    expected = oracle_table(family(), table)
    pd.testing.assert_frame_equal(result.table[expected.columns], expected, rtol=1e-12)
    assert result.table["other"].tolist() == list(range(12))  # other columns kept as they are
    assert result.counts["unparseable"].tolist() == [1, 1, 1]
    assert result.counts["by_logprobs"].tolist() == [11, 11, 11]
    assert result.provenance["counts"]["asked"] == 36 and result.complete


def test_answer_text_is_parsed_when_the_server_gives_no_logprobs(tmp_path):
    table = items()
    with FakeOpenAI(LABELS, logprobs=False) as server:
        result = run(server, tmp_path, table)
    expected = oracle_table(family(), table, logprobs=False)
    pd.testing.assert_frame_equal(result.table[expected.columns], expected)
    assert result.counts["by_parsed"].tolist() == [11, 11, 11]
    assert result.counts["unparseable"].tolist() == [1, 1, 1]


_QUICK_FAULTS = tuple(f for f in FAULTS if f != "timeout")


def _fault_plan(question, attempt):
    """Deterministic faults: most questions fail once or twice (every kind occurs), then succeed.

    Timeouts cost a full client timeout each, so only a few questions get one; the client's timeout is long
    enough that an ordinary answer on a loaded machine never hits it.
    """
    digest = hashlib.sha256(question.encode()).digest()
    if attempt == 1 and digest[4] % 12 == 0:
        return "timeout"
    if attempt == 1 and digest[0] % 4 != 0:
        return _QUICK_FAULTS[digest[1] % len(_QUICK_FAULTS)]
    if attempt == 2 and digest[2] % 3 == 0:
        return _QUICK_FAULTS[digest[3] % len(_QUICK_FAULTS)]
    return None


@pytest.mark.parametrize("stream", [False, True])
def test_transient_faults_are_retried_and_nothing_is_lost(tmp_path, stream):
    table = items(20)
    fam = family(4)
    with FakeOpenAI(LABELS, plan=_fault_plan, stall=3.0) as server:
        result = run(server, tmp_path, table, fam, stream=stream, timeout=1.5, max_retries=4, concurrency=8)
        assert set(server.faults) == set(FAULTS)  # every kind of fault was injected
        assert set(server.answered.values()) == {1}
        assert len(server.answered) == 80
    expected = oracle_table(fam, table)
    pd.testing.assert_frame_equal(result.table[expected.columns], expected, rtol=1e-12)
    assert result.complete and result.provenance["counts"]["failed"] == 0


def test_persistent_failures_are_reported_as_nan_and_asked_again_on_the_next_run(tmp_path):
    table = items(10, unanswerable=())
    broken = {"item number 2", "item number 5"}
    with FakeOpenAI(LABELS, plan=lambda q, a: "500" if any(b in q for b in broken) else None) as server:
        first = run(server, tmp_path, table, max_retries=2)
        assert not first.complete
        assert first.counts["failed"].tolist() == [2, 2, 2]
        assert first.failures == {"HTTP 500": 6}
        assert first.table.loc[[2, 5], ["bob_000", "bob_001", "bob_002"]].isna().all().all()
        assert max(server.attempts[q] for q in server.attempts if "item number 2" in q) == 3  # 1 + 2 retries
        asked_before = Counter(server.attempts)
        server.plan = lambda q, a: None
        second = run(server, tmp_path, table, max_retries=2)
        newly_asked = {q for q in server.attempts if server.attempts[q] != asked_before[q]}
    assert all(any(b in q for b in broken) for q in newly_asked) and len(newly_asked) == 6
    assert second.complete and second.provenance["counts"]["cached"] == 24
    expected = oracle_table(family(), table)
    pd.testing.assert_frame_equal(second.table[expected.columns], expected, rtol=1e-12)


def test_a_prompt_too_long_for_the_context_fails_its_cell_without_retries_or_stopping(tmp_path):
    table = items(6, unanswerable=())
    with FakeOpenAI(LABELS, plan=lambda q, a: TOO_LONG if "item number 4" in q else None) as server:
        result = run(server, tmp_path, table, max_retries=3)
        assert max(server.attempts[q] for q in server.attempts if "item number 4" in q) == 1
    assert result.counts["failed"].tolist() == [1, 1, 1]
    assert result.failures == {"prompt longer than the model's context (HTTP 400 context_length_exceeded)": 3}
    assert result.table.loc[4, ["bob_000", "bob_001", "bob_002"]].isna().all()
    assert result.table.drop(index=4)[["bob_000", "bob_001", "bob_002"]].notna().all().all()


def test_a_dead_endpoint_stops_the_run_after_a_streak_of_failures(tmp_path):
    table = items(40, unanswerable=())
    with FakeOpenAI(LABELS, plan=lambda q, a: "500") as server:
        with pytest.raises(EndpointUnavailable, match="5 questions in a row failed"):
            run(server, tmp_path, table, max_retries=1, max_consecutive_failures=5, concurrency=2)
        assert sum(server.attempts.values()) <= 2 * (5 + 2 * 2)  # stopped early: not 120 questions x 2 tries


def test_retry_after_is_honoured_and_other_retries_back_off_exponentially(tmp_path, monkeypatch):
    slept = []
    monkeypatch.setattr(openai_http.time, "sleep", slept.append)
    table = items(1, unanswerable=())
    fam = PromptFamily.from_config({"family": {"bobs": 1}, "prompt": {"instruction": "{text}"},
                                    "scale": {"labels": LABELS}})
    plan = {1: "429", 2: "500", 3: "500", 4: None}
    with FakeOpenAI(LABELS, plan=lambda q, a: plan[a]) as server:
        result = run(server, tmp_path, table, fam, backoff=0.5, max_backoff=60.0, concurrency=1)
    assert result.complete
    assert slept == [0.05, 1.0, 2.0]  # Retry-After: 0.05, then 0.5 * 2**1, 0.5 * 2**2


def test_retry_after_header_forms():
    assert _retry_after("3") == 3.0
    assert _retry_after(None) is None and _retry_after("soon") is None
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: retry at once


def test_concurrency_limit_bounds_requests_in_flight(tmp_path):
    for limit in (1, 3):
        with FakeOpenAI(LABELS, delay=0.02) as server:
            run(server, tmp_path / str(limit), items(10), concurrency=limit)
        assert 1 <= server.max_in_flight <= limit


def test_rate_limiter_spaces_request_starts(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr("marketalign.bobs.backends.ratelimit.time.monotonic", lambda: clock[0])
    monkeypatch.setattr("marketalign.bobs.backends.ratelimit.time.sleep",
                        lambda s: clock.__setitem__(0, clock[0] + s))
    limiter = RateLimiter(per_second=4)
    starts = []
    for _ in range(5):
        limiter.wait()
        starts.append(clock[0])
    assert np.allclose(np.diff(starts), 0.25)


def test_wrong_key_or_model_stops_the_run_without_revealing_the_key(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_LLM_KEY", "sk-wrong-secret-123")
    with FakeOpenAI(LABELS, api_key="sk-right") as server:
        with pytest.raises(EndpointRefused, match="HTTP 401") as refused:
            run(server, tmp_path, api_key_env="TEST_LLM_KEY")
        assert "sk-wrong-secret-123" not in str(refused.value)
        monkeypatch.setenv("TEST_LLM_KEY", "sk-right")
        with pytest.raises(EndpointRefused, match="HTTP 404"):
            run(server, tmp_path, api_key_env="TEST_LLM_KEY", model="no-such-model")
        assert run(server, tmp_path, api_key_env="TEST_LLM_KEY").complete
        assert {h["Authorization"] for h in server.headers} == {"Bearer sk-right"}


def test_missing_key_variable_and_bad_settings_are_input_errors(monkeypatch):
    monkeypatch.delenv("TEST_LLM_KEY", raising=False)
    base = {"kind": "openai", "base_url": "http://127.0.0.1:9/v1", "model": "m"}
    scale = family().scale
    with pytest.raises(InputError, match=r"\$TEST_LLM_KEY"):
        make_backend({**base, "api_key_env": "TEST_LLM_KEY"}, scale)
    for bad, message in [({"concurrency": 0}, "concurrency"), ({"timeout": "soon"}, "timeout"),
                         ({"top_logprobs": 50}, "top_logprobs"), ({"temprature": 0.1}, "unknown keys"),
                         ({"model": ""}, "model"), ({"kind": "gpt"}, "kind")]:
        with pytest.raises(InputError, match=message):
            make_backend({**base, **bad}, scale)
