"""A GGUF model run in process by llama.cpp (llama-cpp-python, the ``[server]`` extra): no server, no torch.

A Bob's score is read from the next-token distribution right after the chat template's assistant prefix,
as for the ``local`` backend: the probabilities of the scale labels (every single-token spelling: case,
leading space), renormalised, give the expected value of the scale. Consecutive prompts share their longest
token prefix with the one before (the runner asks an item's prompts one after another), and only the rest is
evaluated: the key-value cache keeps the prefix. Nothing is generated and nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from marketalign.bobs.backends.base import CHAT_DIMENSIONS, Answer, Failure, Job
from marketalign.bobs.backends.settings import read_settings
from marketalign.bobs.models import MODELS, known_model, models_dir
from marketalign.bobs.prompts import BobPrompt
from marketalign.bobs.scale import RatingScale
from marketalign.errors import InputError

TOO_LONG = "prompt longer than the model's context (n_ctx)"


@dataclass(frozen=True)
class LlamaCppSettings:
    """The ``[backend]`` table for ``kind = "llama"``: an installed model or a GGUF path, context, threads."""

    model: str = "qwen2.5-coder-1.5b"
    model_path: str | None = None
    n_ctx: int = 1024
    threads: int = 0
    reuse_prefix: bool = True

    @classmethod
    def from_config(cls, section: Mapping) -> LlamaCppSettings:
        settings = read_settings(cls, section, "llama")
        if settings.n_ctx < 16 or settings.threads < 0:
            raise InputError("[backend] n_ctx must be >= 16 and threads >= 0 (0 = every core).")
        return settings

    def model_file(self) -> Path:
        """The GGUF file: ``model_path``, else the installed model's file in the model cache."""
        if self.model_path is not None:
            return Path(self.model_path)
        return models_dir() / known_model(self.model).file_name


class LlamaCppBackend:
    """Next-token scale probabilities from a GGUF model in this process, reusing shared prompt prefixes."""

    dimensions = CHAT_DIMENSIONS

    def __init__(self, settings: LlamaCppSettings, scale: RatingScale) -> None:
        try:
            import llama_cpp
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        except ImportError:
            raise InputError(
                "kind = 'llama' needs llama-cpp-python: pip install 'marketalign[server]' "
                '(build it with CMAKE_ARGS="-DGGML_NATIVE=OFF" where the native build fails).'
            ) from None
        path = settings.model_file()
        if not path.is_file():
            raise InputError(
                f"[backend] model file {path} does not exist; install it with `marketalign bobs model install "
                f"{settings.model}` or give model_path."
            )
        self.settings, self.scale, self._path = settings, scale, path
        threads = settings.threads or os.cpu_count() or 1
        with open(os.devnull, "w") as sink, contextlib.redirect_stderr(sink):
            self.model = llama_cpp.Llama(str(path), n_ctx=settings.n_ctx, n_threads=threads,
                                         n_threads_batch=threads, logits_all=False, verbose=False)
        metadata = self.model.metadata
        vocab = self.model._model
        self._format = Jinja2ChatFormatter(
            metadata["tokenizer.chat_template"],
            eos_token=vocab.token_get_text(self.model.token_eos()),
            bos_token=vocab.token_get_text(self.model.token_bos()),
        )
        self._label_ids = [self._label_token_ids(label) for label in scale.labels]
        self.prompt_tokens = 0
        self.reused_tokens = 0

    def _label_token_ids(self, label: str) -> list[int]:
        ids: set[int] = set()
        for spelling in {label, label.lower(), label.upper(), label.capitalize()}:
            for prefix in ("", " "):
                encoded = self.model.tokenize((prefix + spelling).encode(), add_bos=False)
                if len(encoded) == 1:
                    ids.add(int(encoded[0]))
        if not ids:
            raise InputError(f"The scale label {label!r} is not a single token for this model; use short labels.")
        return sorted(ids)

    def identity(self) -> dict:
        known = MODELS.get(self.settings.model) if self.settings.model_path is None else None
        return {"kind": "llama", "model": self._path.name, "model_bytes": self._path.stat().st_size,
                "model_sha256": known.sha256 if known else None,
                "read": "next-token scale probabilities", "scale": self.scale.to_dict()}

    def describe(self) -> dict:
        """Identity, settings, and how many prompt tokens were evaluated and how many reused from a prefix."""
        return {**self.identity(), "settings": asdict(self.settings),
                "prompt_tokens": self.prompt_tokens, "reused_prefix_tokens": self.reused_tokens}

    def request(self, bob: BobPrompt, text: str) -> dict:
        return {"messages": bob.messages(text)}

    def prompt_text(self, job: Job) -> str:
        """The exact text the model reads: the chat template with the assistant turn opened."""
        return self._format(messages=job.bob.messages(job.text)).prompt

    def answer(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Answer | Failure]]:
        for job in jobs:
            yield job, self._score(job)

    def _score(self, job: Job) -> Answer | Failure:
        model = self.model
        tokens = model.tokenize(self.prompt_text(job).encode(), add_bos=False, special=True)
        if len(tokens) >= self.settings.n_ctx:
            return Failure(TOO_LONG, 1)
        shared = 0
        if self.settings.reuse_prefix:
            cached = model.input_ids[: model.n_tokens]
            limit = min(len(cached), len(tokens) - 1)  # the last token is always evaluated: its logits are read
            while shared < limit and cached[shared] == tokens[shared]:
                shared += 1
        model.n_tokens = shared
        model.eval(tokens[shared:])
        self.prompt_tokens += len(tokens)
        self.reused_tokens += shared
        logits = np.ctypeslib.as_array(model._ctx.get_logits(), shape=(model.n_vocab(),)).astype(np.float64)
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        mass = [float(probs[ids].sum()) for ids in self._label_ids]
        top = model.detokenize([int(probs.argmax())]).decode("utf-8", errors="replace")
        return Answer(self.scale.expected_value(mass), "logprobs", top, sum(mass))

    def close(self) -> None:
        self.model.close()
