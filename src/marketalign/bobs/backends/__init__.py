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


def backend_classes(kind: str) -> tuple[type, type]:
    """The (settings, backend) classes of a backend kind; importing them loads no model.

    Raises
    ------
    InputError
        When ``kind`` is not one of :data:`KINDS`.
    """
    if kind == "openai":
        from marketalign.bobs.backends.openai_http import OpenAIBackend, OpenAISettings

        return OpenAISettings, OpenAIBackend
    if kind == "llama":
        from marketalign.bobs.backends.llama_cpp import LlamaCppBackend, LlamaCppSettings

        return LlamaCppSettings, LlamaCppBackend
    if kind == "local":
        from marketalign.bobs.backends.local_llm import LocalLLMBackend, LocalLLMSettings

        return LocalLLMSettings, LocalLLMBackend
    if kind == "embedding":
        from marketalign.bobs.backends.embedding import EmbeddingBackend, EmbeddingSettings

        return EmbeddingSettings, EmbeddingBackend
    raise InputError(f"[backend] kind must be one of {KINDS}; got {kind!r}.")


def read_backend_settings(section: Mapping):
    """Validate a ``[backend]`` table into its kind's settings (unknown keys, types, values) without building it.

    Raises
    ------
    InputError
        When the kind is unknown or a key is unknown, missing or invalid.
    """
    settings = dict(section)
    settings_class, _ = backend_classes(settings.pop("kind", None))
    return settings_class.from_config(settings)


def make_backend(section: Mapping, scale: RatingScale) -> Backend:
    """Build the backend a ``[backend]`` table asks for (``kind`` = openai | llama | local | embedding).

    Parameters
    ----------
    section : Mapping
        The ``[backend]`` table, with its ``kind``.
    scale : RatingScale
        The scale the backend's answers are read on.

    Returns
    -------
    Backend
        The backend, ready to answer.

    Raises
    ------
    InputError
        As :func:`read_backend_settings`, or when the backend cannot start (missing extra, unset key).
    """
    _, backend_class = backend_classes(section.get("kind"))
    return backend_class(read_backend_settings(section), scale)
