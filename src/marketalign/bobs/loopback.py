"""An OpenAI-compatible chat/completions server on 127.0.0.1, to test and benchmark the HTTP backend.

Answers are deterministic functions of the whole conversation (a distribution over the scale labels derived
from its SHA-256), so a test can compute every expected score independently. Faults are injected per
(question, attempt) by a plan function: 429 (with Retry-After), 500, 503, timeouts (the reply comes too late),
garbage JSON, a truncated body, a truncated stream, a dropped connection, and the HTTP 400 that llama.cpp's
server sends for a prompt longer than its context.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAULTS = ("429", "500", "503", "timeout", "garbage", "truncated", "truncated-stream", "drop")
"""Transient faults: a retry can succeed."""
TOO_LONG = "too-long"
"""Not transient: the HTTP 400 of a prompt longer than the model's context."""
UNANSWERABLE = "UNANSWERABLE"


def conversation(messages: list[dict]) -> str:
    """What the server's answer depends on: every message, in order (persona, few-shot turns, question)."""
    return "\n".join(f"{m['role']}: {m['content']}" for m in messages)


def label_distribution(question: str, n_labels: int) -> list[float]:
    """The server's probabilities of the scale labels for ``question`` (sum to one)."""
    digest = hashlib.sha256(question.encode("utf-8")).digest()
    raw = [1.0 + digest[i] for i in range(n_labels)]
    total = sum(raw)
    return [r / total for r in raw]


def expected_score(question: str, values: list[float]) -> float:
    """Oracle: the expected value of the scale under the server's distribution."""
    probs = label_distribution(question, len(values))
    return sum(p * v for p, v in zip(probs, values, strict=True))


def top_label(question: str, labels: list[str]) -> int:
    """Index of the label the server writes as its answer text (the most probable one)."""
    probs = label_distribution(question, len(labels))
    return max(range(len(labels)), key=probs.__getitem__)


class _Server(ThreadingHTTPServer):
    """Threads per request; a client that hung up mid-reply (timeouts, kills) is expected, not an error."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class FakeOpenAI:
    """Start with ``with FakeOpenAI(...) as server:``; ``server.base_url`` ends in ``/v1``.

    Parameters
    ----------
    labels : list of str
        The scale labels the server answers with.
    plan : callable or None
        ``plan(question, attempt)`` -> a fault of :data:`FAULTS` or :data:`TOO_LONG` to inject on that attempt
        (1 for the first), or None to answer; None never injects a fault.
    logprobs : bool
        Return logprobs when a request asks for them; False answers ``"Rating: <label>"`` without logprobs.
    delay : float
        Seconds to wait before each answer.
    api_key : str or None
        The bearer token required (HTTP 401 otherwise); None accepts any request.
    models : tuple of str
        The model names served (HTTP 404 for any other).
    stall : float
        Seconds the ``"timeout"`` fault waits before replying.
    port : int
        The port on 127.0.0.1; 0 picks a free one.
    """

    def __init__(self, labels: list[str], *, plan: Callable[[str, int], str | None] | None = None,
                 logprobs: bool = True, delay: float = 0.0, api_key: str | None = None,
                 models: tuple[str, ...] = ("fake-model",), stall: float = 1.0, port: int = 0) -> None:
        self.labels = labels
        self.plan = plan or (lambda question, attempt: None)
        self.logprobs = logprobs
        self.delay = delay
        self.api_key = api_key
        self.models = models
        self.stall = stall
        self.lock = threading.Lock()
        self.attempts: Counter[str] = Counter()
        self.answered: Counter[str] = Counter()  # complete answers sent, per question
        self.faults: Counter[str] = Counter()
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._server = _Server(("127.0.0.1", port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def completion(self, question: str, stream: bool) -> tuple[str, list[dict]]:
        """Answer text and logprob positions for ``question``."""
        if UNANSWERABLE in question:
            return "I cannot judge that.", [_position("I", -0.1, [("I", -0.1), ("Sorry", -2.5)])]
        probs = label_distribution(question, len(self.labels))
        best = top_label(question, self.labels)
        candidates = []
        for label, p in zip(self.labels, probs, strict=True):  # split each label over two spellings
            candidates += [(label, _log(0.9 * 0.7 * p)), (" " + label, _log(0.9 * 0.3 * p))]
        candidates.append(("The", _log(0.1)))
        candidates.sort(key=lambda c: -c[1])
        positions = [_position(self.labels[best], candidates[0][1], candidates)]
        if hashlib.sha256(question.encode()).digest()[10] % 3 == 0:  # sometimes a quote comes first
            positions.insert(0, _position('"', -0.05, [('"', -0.05), ("'", -3.0)]))
        text = "".join(p["token"] for p in positions)
        return (text if self.logprobs else f"Rating: {self.labels[best]}"), positions

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                return

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                with server.lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    self._serve()
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True
                finally:
                    with server.lock:
                        server.in_flight -= 1

            def _serve(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path != "/v1/chat/completions":
                    return self._json(404, {"error": {"message": f"no route {self.path}"}})
                if server.api_key and self.headers.get("Authorization") != f"Bearer {server.api_key}":
                    return self._json(401, {"error": {"message": "invalid api key"}})
                if body.get("model") not in server.models:
                    return self._json(404, {"error": {"message": f"model {body.get('model')} not found"}})
                question = conversation(body["messages"])
                with server.lock:
                    server.attempts[question] += 1
                    attempt = server.attempts[question]
                    server.requests.append(body)
                    server.headers.append(dict(self.headers))
                fault = server.plan(question, attempt)
                if fault:
                    with server.lock:
                        server.faults[fault] += 1
                    return self._fault(fault, body)
                if server.delay:
                    time.sleep(server.delay)
                text, positions = server.completion(question, bool(body.get("stream")))
                want_logprobs = server.logprobs and body.get("logprobs")
                if body.get("stream"):
                    self._stream(text, positions if want_logprobs else None, complete=True)
                else:
                    choice = {"index": 0, "message": {"role": "assistant", "content": text},
                              "finish_reason": "stop",
                              "logprobs": {"content": positions} if want_logprobs else None}
                    self._json(200, {"id": "x", "object": "chat.completion", "model": body["model"],
                                     "choices": [choice]})
                with server.lock:
                    server.answered[question] += 1

            def _fault(self, fault: str, body: dict) -> None:
                if fault == "429":
                    self._json(429, {"error": {"message": "slow down"}}, {"Retry-After": "0.05"})
                elif fault in ("500", "503"):
                    self._json(int(fault), {"error": {"message": "server error"}})
                elif fault == "timeout":
                    time.sleep(server.stall)
                    self._json(200, {"choices": []})
                elif fault == "garbage":
                    self._raw(200, b'{"choices": [ {"message": tru', "application/json")
                elif fault == "truncated":
                    payload = json.dumps({"choices": [{"message": {"content": "1"}}]}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload) + 50))
                    self.end_headers()
                    self.wfile.write(payload[: len(payload) // 2])
                    self.close_connection = True
                elif fault == "truncated-stream":
                    self._stream("4", None, complete=False)
                elif fault == "drop":
                    self.close_connection = True
                elif fault == TOO_LONG:  # llama-cpp-python's server, word for word but the numbers
                    message = ("This model's maximum context length is 512 tokens. However, you requested "
                               "600 tokens (599 in the messages, 1 in the completion).")
                    self._json(400, {"error": {"message": message, "type": "invalid_request_error",
                                               "param": "messages", "code": "context_length_exceeded"}})
                else:
                    raise AssertionError(f"unknown fault {fault}")

            def _json(self, status: int, payload: dict, headers: dict | None = None) -> None:
                self._raw(status, json.dumps(payload).encode(), "application/json", headers)

            def _raw(self, status: int, payload: bytes, kind: str, headers: dict | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def _stream(self, text: str, positions: list[dict] | None, complete: bool) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                pieces = positions or [{"token": text}]
                for k, piece in enumerate(pieces):
                    choice = {"index": 0, "delta": {"content": piece["token"]},
                              "logprobs": {"content": [piece]} if positions else None, "finish_reason": None}
                    self.wfile.write(b"data: " + json.dumps({"choices": [choice]}).encode() + b"\n\n")
                    self.wfile.flush()
                    if not complete and k == 0:
                        return
                if not complete:
                    return
                done = {"index": 0, "delta": {}, "finish_reason": "stop"}
                usage = {"choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": len(pieces)}}
                tail = ({"choices": [done]}, usage)  # a usage-only chunk, as servers send on request
                closing = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in tail)
                closing += b"data: [DONE]\n\n"
                self.wfile.write(closing)

        return Handler


def _log(p: float) -> float:
    return math.log(p)


def _position(token: str, logprob: float, candidates: list[tuple[str, float]]) -> dict:
    return {"token": token, "logprob": logprob, "bytes": list(token.encode()),
            "top_logprobs": [{"token": t, "logprob": lp, "bytes": list(t.encode())} for t, lp in candidates]}


def main() -> None:
    """``python -m marketalign.bobs.loopback [--port P] [--labels 1,2,3,4,5]``: serve until Ctrl-C."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m marketalign.bobs.loopback", description=main.__doc__)
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--labels", default="1,2,3,4,5", help="comma-separated scale labels to answer with")
    args = parser.parse_args()
    server = FakeOpenAI(args.labels.split(","), port=args.port)
    print(f"serving the fake model 'fake-model' at {server.base_url} (Ctrl-C stops)", flush=True)
    try:
        server._server.serve_forever()
    except KeyboardInterrupt:
        server._server.server_close()


if __name__ == "__main__":
    main()
