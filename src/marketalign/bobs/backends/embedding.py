"""Prompt-embedding Bobs: a sentence-embedding model scores an item by its similarity to labelled anchors.

Each Bob has one anchor sentence per scale label (its persona followed by that label's anchor variant, e.g.
"As a strict religious person, this is a sin."). With cosine similarities s_k between the item and the
anchors, the label probabilities are softmax(s / temperature) and the score is the expected value of the
scale (our rule; with two labels it is a logistic function of s_yes - s_no). The model is loaded by
:func:`marketalign.bobs.backends.sentences.sentence_encoder` (default: the packaged all-MiniLM-L6-v2).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from itertools import islice

import numpy as np

from marketalign.bobs.backends.base import EMBEDDING_DIMENSIONS, Answer, Failure, Job
from marketalign.bobs.backends.packaged import require
from marketalign.bobs.backends.sentences import sentence_encoder
from marketalign.bobs.backends.settings import read_settings
from marketalign.bobs.prompts import BobPrompt
from marketalign.bobs.scale import RatingScale
from marketalign.errors import InputError

_CHUNK = 512  # jobs per yielded group (each group's answers reach the cache before the next is computed)


@dataclass(frozen=True)
class EmbeddingSettings:
    """The ``[backend]`` table for ``kind = "embedding"``."""

    model: str = "all-minilm-l6-v2"
    model_path: str | None = None
    temperature: float = 0.05
    batch_size: int = 64
    threads: int = 0

    @classmethod
    def from_config(cls, section: Mapping) -> EmbeddingSettings:
        settings = read_settings(cls, section, "embedding")
        if settings.temperature <= 0 or settings.batch_size < 1:
            raise InputError("[backend] temperature must be > 0 and batch_size >= 1.")
        if settings.model_path is None and settings.model != "all-minilm-l6-v2":
            raise InputError(
                f"[backend] model {settings.model!r} is not packaged; use model = 'all-minilm-l6-v2' or give "
                "model_path (a local sentence-transformers folder)."
            )
        return settings


def anchor_score(item: np.ndarray, anchors: np.ndarray, scale: RatingScale, temperature: float) -> float:
    """Expected scale value under softmax(cos(item, anchor_k) / temperature) for unit-norm vectors."""
    logits = anchors @ item / temperature
    weights = np.exp(logits - logits.max())
    return scale.expected_value(weights.tolist())


class EmbeddingBackend:
    """Scores items against each Bob's anchor sentences with a sentence-embedding model."""

    dimensions = EMBEDDING_DIMENSIONS

    def __init__(self, settings: EmbeddingSettings, scale: RatingScale) -> None:
        require("torch")
        import torch

        if settings.threads:
            torch.set_num_threads(settings.threads)
        self.settings = settings
        self.scale = scale
        self.embed = sentence_encoder(settings.model_path, batch_size=settings.batch_size)

    def identity(self) -> dict:
        name = self.settings.model if self.settings.model_path is None else self.settings.model_path
        return {"kind": "embedding", "model": name, "temperature": self.settings.temperature,
                "read": "softmax of anchor cosines", "scale": self.scale.to_dict()}

    def describe(self) -> dict:
        """Identity plus the settings that do not change answers (for provenance)."""
        return {**self.identity(), "settings": asdict(self.settings)}

    def request(self, bob: BobPrompt, text: str) -> dict:
        return {"text": text, "anchors": list(bob.anchor_texts())}

    def answer(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Answer | Failure]]:
        source = iter(jobs)
        while chunk := list(islice(source, _CHUNK)):
            self.embed([s for job in chunk for s in (job.text, *job.bob.anchor_texts())])  # one batch per chunk
            for job in chunk:
                item, *anchors = self.embed([job.text, *job.bob.anchor_texts()])
                anchors = np.stack(anchors)
                cosines = anchors @ item
                text = "cos " + " ".join(f"{c:.4f}" for c in cosines)
                score = anchor_score(item, anchors, self.scale, self.settings.temperature)
                yield job, Answer(score, "embedding", text)

    def close(self) -> None:
        self.embed = None
