"""What every scoring backend provides, and the two outcomes of asking it one question."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from marketalign.bobs.prompts import BobPrompt

CHAT_DIMENSIONS: tuple[str, ...] = ("template", "persona", "few_shot")
"""What chat models see vary: the wording, the persona (system message) and the few-shot examples."""
EMBEDDING_DIMENSIONS: tuple[str, ...] = ("persona", "anchor")
"""What embedding Bobs vary: the persona and the anchor-sentence variant."""

METHODS: tuple[str, ...] = ("logprobs", "parsed", "unparseable", "embedding")
"""How a score was read: scale log-probabilities, a label parsed from the text, none (NaN), or embeddings."""


@dataclass(frozen=True)
class Job:
    """One question: a Bob about one instance text; ``key`` identifies it in the cache."""

    key: str
    bob: BobPrompt
    text: str


@dataclass(frozen=True)
class Answer:
    """A score (NaN when the answer could not be read) with how it was read and the model's own words."""

    score: float
    method: str
    text: str = ""
    scale_mass: float | None = None


@dataclass(frozen=True)
class Failure:
    """No answer after every retry (not cached, so a re-run asks again)."""

    reason: str
    attempts: int


class Backend(Protocol):
    """A scorer: describes itself (for cache keys and provenance) and answers jobs as they complete."""

    dimensions: tuple[str, ...]
    """Which prompt perturbation dimensions the backend reads (see ``prompts.DIMENSIONS``)."""

    def identity(self) -> dict:
        """Everything about the backend that can change an answer (never secrets such as API keys)."""
        ...

    def describe(self) -> dict:
        """Identity plus settings that do not change answers (concurrency, batch size...), for provenance."""
        ...

    def request(self, bob: BobPrompt, text: str) -> dict:
        """Everything about one question that can change its answer (e.g. the full chat messages)."""
        ...

    def answer(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Answer | Failure]]:
        """Answer ``jobs``, yielding each outcome as soon as it is known (order may differ)."""
        ...

    def close(self) -> None:
        """Release connections, threads or model memory."""
        ...


def question_key(identity: dict, request: dict) -> str:
    """SHA-256 of the canonical JSON of a backend's identity and one request: the cache key."""
    payload = {"backend": identity, "request": request}
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
