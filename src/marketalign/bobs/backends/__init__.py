"""Scoring backends: an OpenAI-compatible HTTP endpoint, a GGUF model in process (llama.cpp), an offline
transformers LM, a sentence-embedding model."""

from __future__ import annotations

from collections.abc import Mapping

from marketalign.bobs.backends.base import CHAT_DIMENSIONS, EMBEDDING_DIMENSIONS, Backend
from marketalign.bobs.scale import RatingScale
from marketalign.errors import InputError

KINDS: tuple[str, ...] = ("openai", "llama", "local", "embedding")


def dimensions_of(kind: str) -> tuple[str, ...]:
    """The perturbation dimensions a backend kind reads, without building the backend (no model load)."""
    if kind not in KINDS:
        raise InputError(f"[backend] kind must be one of {KINDS}; got {kind!r}.")
    return EMBEDDING_DIMENSIONS if kind == "embedding" else CHAT_DIMENSIONS


def make_backend(section: Mapping, scale: RatingScale) -> Backend:
    """Build the backend a ``[backend]`` table asks for (``kind`` = openai | llama | local | embedding)."""
    settings = dict(section)
    kind = settings.pop("kind", None)
    if kind == "openai":
        from marketalign.bobs.backends.openai_http import OpenAIBackend, OpenAISettings

        return OpenAIBackend(OpenAISettings.from_config(settings), scale)
    if kind == "llama":
        from marketalign.bobs.backends.llama_cpp import LlamaCppBackend, LlamaCppSettings

        return LlamaCppBackend(LlamaCppSettings.from_config(settings), scale)
    if kind == "local":
        from marketalign.bobs.backends.local_llm import LocalLLMBackend, LocalLLMSettings

        return LocalLLMBackend(LocalLLMSettings.from_config(settings), scale)
    if kind == "embedding":
        from marketalign.bobs.backends.embedding import EmbeddingBackend, EmbeddingSettings

        return EmbeddingBackend(EmbeddingSettings.from_config(settings), scale)
    raise InputError(f"[backend] kind must be one of {KINDS}; got {kind!r}.")
