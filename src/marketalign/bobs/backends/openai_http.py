"""Any OpenAI-compatible ``/chat/completions`` endpoint (vLLM, Ollama, llama.cpp server, hosted APIs).

Scores come from the log-probabilities of the scale labels when the server returns them, else from the answer
text. Requests run on a bounded thread pool, paced by a rate limiter, and are retried with exponential backoff
on timeouts, connection errors, truncated bodies or streams, unreadable JSON, HTTP 408/409/425/429 and 5xx
(a ``Retry-After`` header is obeyed, up to 600 s). A prompt too long for the model's context (HTTP 400
``context_length_exceeded``, as llama.cpp's server says it) fails that one question. Other HTTP errors (bad
key, unknown model) stop the run: retrying cannot help. The API key is read from the environment variable the
config names and is never logged or stored.
"""

from __future__ import annotations

import email.utils
import json
import os
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from marketalign.bobs.backends.base import CHAT_DIMENSIONS, Answer, Failure, Job
from marketalign.bobs.backends.ratelimit import RateLimiter
from marketalign.bobs.backends.settings import read_settings
from marketalign.bobs.prompts import BobPrompt
from marketalign.bobs.scale import RatingScale
from marketalign.errors import InputError

_RETRY_STATUS = {408, 409, 425, 429}
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_RETRY_AFTER = 600.0  # seconds: a server's Retry-After is obeyed up to this long


@dataclass(frozen=True)
class OpenAISettings:
    """The ``[backend]`` table for ``kind = "openai"``; the first block changes answers, the rest does not."""

    base_url: str
    model: str
    temperature: float = 0.0
    max_tokens: int = 8
    logprobs: bool = True
    top_logprobs: int = 20
    seed: int | None = None
    api_key_env: str | None = None
    stream: bool = False
    timeout: float = 60.0
    max_retries: int = 6
    backoff: float = 0.5
    max_backoff: float = 60.0
    concurrency: int = 4
    requests_per_second: float = 0.0
    max_consecutive_failures: int = 20

    @classmethod
    def from_config(cls, section: Mapping) -> OpenAISettings:
        """Validate the ``[backend]`` table (without ``kind``)."""
        settings = read_settings(cls, section, "openai")
        if urlsplit(settings.base_url).scheme not in ("http", "https"):
            raise InputError(
                f"[backend] base_url {settings.base_url!r} must start with http:// or https:// (e.g. "
                "http://127.0.0.1:8088/v1); without a scheme every request would hang until it timed out."
            )
        if settings.api_key_env is not None and (
            settings.api_key_env.startswith("sk-") or not ENV_NAME.fullmatch(settings.api_key_env)
        ):
            raise InputError(
                "[backend] api_key_env must name an environment variable; the value given looks like a key itself "
                "and is not shown. Export the key in a variable (letters, digits, _) such as OPENAI_API_KEY and "
                "give its name."
            )
        if settings.concurrency < 1 or settings.max_tokens < 1 or settings.timeout <= 0:
            raise InputError("[backend] concurrency and max_tokens must be >= 1 and timeout > 0.")
        if settings.top_logprobs > 20:
            raise InputError("[backend] top_logprobs must be between 0 and 20 (the OpenAI API's limit).")
        return settings


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class _Rejected(Exception):
    """The server refused this one question (its prompt is too long for the model): a failed cell, no retry."""


class EndpointRefused(InputError):
    """The endpoint answered with an error that retrying cannot fix (e.g. 401 bad key, 404 unknown model)."""


class EndpointUnavailable(InputError):
    """Many questions in a row failed after all retries: the endpoint is down or the base_url is wrong."""


class OpenAIBackend:
    """Chat completions over HTTP with logprobs, a bounded thread pool, pacing and retries."""

    dimensions = CHAT_DIMENSIONS

    def __init__(self, settings: OpenAISettings, scale: RatingScale) -> None:
        import httpx  # the [llm] extra

        self.settings = settings
        self.scale = scale
        self._secret = None
        headers = {"Content-Type": "application/json"}
        if settings.api_key_env:
            self._secret = os.environ.get(settings.api_key_env)
            if not self._secret:
                raise InputError(
                    f"[backend] api_key_env names ${settings.api_key_env}, which is not set; export it first."
                )
            headers["Authorization"] = f"Bearer {self._secret}"
        self._httpx = httpx
        self._client = httpx.Client(
            base_url=settings.base_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(settings.timeout),
            limits=httpx.Limits(max_connections=settings.concurrency),
        )
        self._limiter = RateLimiter(settings.requests_per_second)

    def identity(self) -> dict:
        s = self.settings
        return {"kind": "openai", "base_url": s.base_url.rstrip("/"), "model": s.model,
                "temperature": s.temperature, "max_tokens": s.max_tokens, "logprobs": s.logprobs,
                "top_logprobs": s.top_logprobs if s.logprobs else None, "seed": s.seed,
                "scale": self.scale.to_dict()}

    def describe(self) -> dict:
        """Identity plus the settings that do not change answers (for provenance; no key)."""
        settings = asdict(self.settings)
        return {**self.identity(), "settings": settings}

    def request(self, bob: BobPrompt, text: str) -> dict:
        return {"messages": bob.messages(text)}

    def _payload(self, job: Job) -> dict:
        s = self.settings
        payload = {"model": s.model, "messages": job.bob.messages(job.text), "temperature": s.temperature,
                   "max_tokens": s.max_tokens, "stream": s.stream}
        if s.logprobs:
            payload["logprobs"] = True
            payload["top_logprobs"] = s.top_logprobs
        if s.seed is not None:
            payload["seed"] = s.seed
        return payload

    def answer(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Answer | Failure]]:
        window = 2 * self.settings.concurrency
        limit = self.settings.max_consecutive_failures
        streak = 0
        source = iter(jobs)
        pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="bobs-http")
        running: dict[Future, Job] = {}
        try:
            while True:
                while len(running) < window:
                    job = next(source, None)
                    if job is None:
                        break
                    running[pool.submit(self._answer_with_retries, job)] = job
                if not running:
                    return
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    job, outcome = running.pop(future), future.result()
                    streak = streak + 1 if isinstance(outcome, Failure) else 0
                    yield job, outcome
                    if limit and streak >= limit:
                        raise self._unavailable(streak, outcome)
        finally:  # on errors or Ctrl-C, queued questions are dropped at once (they were never answered)
            pool.shutdown(wait=False, cancel_futures=True)

    def _unavailable(self, streak: int, last: Failure) -> EndpointUnavailable:
        return EndpointUnavailable(
            f"{streak} questions in a row failed after {self.settings.max_retries} retries "
            f"(last: {last.reason}); is the server at {self.settings.base_url} up? "
            "Answers so far are cached: re-run to resume."
        )

    def _answer_with_retries(self, job: Job) -> Answer | Failure:
        s = self.settings
        attempt = 0
        while True:
            self._limiter.wait()
            attempt += 1
            try:
                return self._ask(job)
            except _Rejected as err:
                return Failure(str(err), attempt)
            except _Retryable as err:
                if attempt > s.max_retries:
                    return Failure(self._scrub(err.reason), attempt)
                if err.retry_after is not None:
                    time.sleep(min(err.retry_after, _MAX_RETRY_AFTER))
                else:
                    time.sleep(min(s.backoff * 2 ** (attempt - 1), s.max_backoff))

    def _ask(self, job: Job) -> Answer:
        httpx = self._httpx
        try:
            if self.settings.stream:
                return self._ask_streaming(job)
            response = self._client.post("/chat/completions", json=self._payload(job))
            self._check_status(response)
            try:
                body = response.json()
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise _Retryable("response body is not valid JSON") from None
            return self._read_completion(body)
        except httpx.TimeoutException:
            raise _Retryable("timeout") from None
        except httpx.TransportError as err:
            raise _Retryable(f"connection error ({type(err).__name__})") from None

    def _ask_streaming(self, job: Job) -> Answer:
        content: list[str] = []
        positions: list[dict] = []
        finished = False
        with self._client.stream("POST", "/chat/completions", json=self._payload(job)) as response:
            if response.status_code != 200:
                response.read()
            self._check_status(response)
            for line in response.iter_lines():
                if not line.startswith("data:"):
                    continue
                data = line[len("data:"):].strip()
                if data == "[DONE]":
                    finished = True
                    break
                try:
                    choices = json.loads(data)["choices"]
                except (json.JSONDecodeError, KeyError, TypeError):
                    raise _Retryable("stream chunk is not valid JSON") from None
                if not choices:  # e.g. a final usage-only chunk
                    continue
                choice = choices[0]
                delta = choice.get("delta") or {}
                content.append(delta.get("content") or "")
                positions.extend(((choice.get("logprobs") or {}).get("content")) or [])
        if not finished:
            raise _Retryable("stream ended before [DONE] (truncated)")
        return self._score("".join(content), positions)

    def _check_status(self, response) -> None:
        status = response.status_code
        if status == 200:
            return
        if status in _RETRY_STATUS or status >= 500:
            raise _Retryable(f"HTTP {status}", _retry_after(response.headers.get("retry-after")))
        if status == 400 and _error_code(response) == "context_length_exceeded":
            raise _Rejected("prompt longer than the model's context (HTTP 400 context_length_exceeded)")
        raise EndpointRefused(
            f"{self.settings.base_url} refused the request with HTTP {status}: "
            f"{self._scrub(response.text[:300])}. "
            "Check base_url, model and the API key variable in the [backend] table."
        )

    def _read_completion(self, body: object) -> Answer:
        try:
            choice = body["choices"][0]  # type: ignore[index]
            text = choice["message"].get("content") or ""
            positions = ((choice.get("logprobs") or {}).get("content")) or []
        except (KeyError, IndexError, TypeError, AttributeError):
            raise _Retryable("response JSON has no choices[0].message") from None
        return self._score(text, positions)

    def _score(self, text: str, positions: list) -> Answer:
        if self.settings.logprobs and positions:
            try:
                candidates = [
                    [(t["token"], float(t["logprob"])) for t in (p.get("top_logprobs") or [])]
                    or [(p["token"], float(p["logprob"]))]
                    for p in positions
                ]
            except (KeyError, TypeError, ValueError, AttributeError):
                raise _Retryable("logprobs in the response are malformed") from None
            read = self.scale.read_logprobs(candidates)
            if read is not None:
                return Answer(read[0], "logprobs", text, read[1])
        value = self.scale.parse(text)
        if value is None:
            return Answer(float("nan"), "unparseable", text)
        return Answer(value, "parsed", text)

    def _scrub(self, message: str) -> str:
        return message.replace(self._secret, "***") if self._secret else message

    def close(self) -> None:
        self._client.close()


def _error_code(response) -> str | None:
    """The OpenAI error body's ``error.code`` (llama.cpp's and vLLM's servers use it too), or None."""
    try:
        return response.json()["error"]["code"]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError):
        return None


def _retry_after(header: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
