"""Prompt families: one base prompt and its declared perturbations; each Bob is one seeded perturbation.

The paper's Bobs are "synthetically generated LLM utility functions" obtained by perturbing one prompt
(paraphrases, personas). A family declares the base instruction, paraphrases of it, personas (system
messages), few-shot variants, the rating scale and, for embedding backends, anchor sentences for each scale
label. Bob 0 is the unperturbed base prompt; the other Bobs are distinct combinations drawn without
replacement with the family's seed (our protocol).
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from marketalign.bobs.scale import RatingScale
from marketalign.errors import InputError
from marketalign.seeding import stream

DIMENSIONS: tuple[str, ...] = ("template", "persona", "few_shot", "anchor")
"""What a Bob can vary: the instruction wording, the persona, the few-shot examples, the embedding anchors."""


@dataclass(frozen=True)
class Example:
    """One few-shot example: an instance text and the answer shown for it (a scale label).

    Attributes
    ----------
    text : str
        The example instance, put into the Bob's template as ``{text}``.
    answer : str
        The assistant's answer shown for it, one of the scale labels.
    """

    text: str
    answer: str


@dataclass(frozen=True)
class BobPrompt:
    """One Bob: the prompt pieces its perturbation chose, and the output column it fills.

    Attributes
    ----------
    column : str
        The output column, the family's prefix and the Bob's number (``bob_000`` is the base prompt).
    choice : tuple of (str, int)
        The index chosen in each varied perturbation dimension (``template``, ``persona``, ...).
    template : str
        The instruction, with ``{text}`` marking the instance.
    persona : str
        The system message; ``""`` for none.
    examples : tuple of Example
        The few-shot turns shown before the question (may be empty).
    anchors : tuple of str
        One anchor sentence per scale label, for embedding backends; empty when the family declares none.
    """

    column: str
    choice: tuple[tuple[str, int], ...]
    template: str
    persona: str
    examples: tuple[Example, ...]
    anchors: tuple[str, ...]

    def messages(self, text: str) -> list[dict[str, str]]:
        """Chat messages asking this Bob about ``text``: persona (system), few-shot turns, the question."""
        messages = [{"role": "system", "content": self.persona}] if self.persona else []
        for example in self.examples:
            messages.append({"role": "user", "content": self.template.format(text=example.text)})
            messages.append({"role": "assistant", "content": example.answer})
        messages.append({"role": "user", "content": self.template.format(text=text)})
        return messages

    def anchor_texts(self) -> tuple[str, ...]:
        """One sentence per scale label for embedding backends: the persona followed by the label's anchor."""
        return tuple(f"{self.persona} {anchor}".strip() for anchor in self.anchors)

    def to_dict(self) -> dict:
        """A JSON-ready view for provenance files."""
        return {
            "column": self.column,
            "choice": dict(self.choice),
            "template": self.template,
            "persona": self.persona,
            "examples": [{"text": e.text, "answer": e.answer} for e in self.examples],
            "anchors": list(self.anchors),
        }


@dataclass(frozen=True)
class PromptFamily:
    """A declared prompt family (the ``[family]``, ``[prompt]`` and ``[scale]`` tables of a config file).

    Build it with :meth:`from_config`, which validates the tables; :meth:`draw` gives its Bobs.

    Attributes
    ----------
    name : str
        The family's name (``[family] name``, default ``"prompt-bobs"``).
    n_bobs : int
        How many Bobs to draw (``[family] bobs``), at least 1.
    seed : int
        The seed of the draw (``[family] seed``, default 0).
    prefix : str
        The prefix of the Bobs' column names (``[family] prefix``, default ``"bob_"``).
    templates : tuple of str
        The instruction followed by its paraphrases, each with ``{text}``.
    personas : tuple of str
        The system messages (``("",)`` for no persona).
    few_shot : tuple of tuple of Example
        The few-shot variants, each a sequence of examples (``((),)`` for none).
    scale : RatingScale
        The labels a Bob may answer with and their values.
    anchors : tuple of tuple of str
        Per scale label, its anchor-sentence variants (as many for every label); empty when none are declared.
    """

    name: str
    n_bobs: int
    seed: int
    prefix: str
    templates: tuple[str, ...]
    personas: tuple[str, ...]
    few_shot: tuple[tuple[Example, ...], ...]
    scale: RatingScale
    anchors: tuple[tuple[str, ...], ...]

    @classmethod
    def from_config(cls, config: Mapping) -> PromptFamily:
        """Validate and build from the parsed config file (see docs/bobs.md for the layout)."""
        family = _table(config, "family", {"name", "bobs", "seed", "prefix"})
        prompt = _table(config, "prompt", {"instruction", "paraphrases", "personas", "few_shot"})
        scale_section = _table(config, "scale", {"labels", "values", "anchors"})
        scale = RatingScale.from_config(scale_section)
        name = family.get("name", "prompt-bobs")
        n_bobs, seed, prefix = family.get("bobs"), family.get("seed", 0), family.get("prefix", "bob_")
        if not isinstance(n_bobs, int) or isinstance(n_bobs, bool) or n_bobs < 1:
            raise InputError(f"[family] bobs must be a positive integer (how many Bobs); got {n_bobs!r}.")
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise InputError(f"[family] seed must be a non-negative integer; got {seed!r}.")
        if not isinstance(prefix, str) or not prefix.isidentifier():
            raise InputError(f"[family] prefix must be an identifier such as 'bob_'; got {prefix!r}.")
        instruction = prompt.get("instruction")
        if not isinstance(instruction, str):
            raise InputError("[prompt] instruction is required: the base question, {text} marking the item.")
        templates = (instruction, *_strings(prompt, "paraphrases", default=[]))
        for template in templates:
            _check_template(template)
        personas = tuple(_strings(prompt, "personas", default=[""]))
        if not personas:
            raise InputError('[prompt] personas must not be empty; use [""] for no persona.')
        few_shot = _few_shot(prompt.get("few_shot", [[]]), scale)
        anchors = _anchors(scale_section.get("anchors"), scale)
        return cls(str(name), n_bobs, seed, prefix, templates, personas, few_shot, scale, anchors)

    def sizes(self) -> dict[str, int]:
        """How many choices each perturbation dimension offers (0 anchors when none are declared)."""
        n_anchor = len(self.anchors[0]) if self.anchors else 0
        return {"template": len(self.templates), "persona": len(self.personas),
                "few_shot": len(self.few_shot), "anchor": n_anchor}

    def draw(self, dimensions: Sequence[str]) -> tuple[BobPrompt, ...]:
        """The family's Bobs, varying only ``dimensions`` (those the backend reads); fixed by the seed.

        Bob 0 takes the first choice of every dimension (the base prompt); Bobs 1.. are distinct other
        combinations, drawn uniformly without replacement by ``numpy.random.default_rng(seed)``. The draw is
        prefix-stable: Bob k is the same whatever ``n_bobs`` > k, so asking for more Bobs later extends the
        family and reuses every cached answer.
        """
        unknown = set(dimensions) - set(DIMENSIONS)
        if unknown:
            raise ValueError(f"unknown perturbation dimensions {sorted(unknown)}")
        sizes = self.sizes()
        if "anchor" in dimensions and not self.anchors:
            raise InputError("This backend scores with anchor sentences: add [scale] anchors (per label).")
        varied = [d for d in DIMENSIONS if d in dimensions]
        shape = tuple(sizes[d] for d in varied)
        total = math.prod(shape)
        if self.n_bobs > total:
            detail = ", ".join(f"{d}={sizes[d]}" for d in varied)
            raise InputError(
                f"[family] bobs = {self.n_bobs} but the family has only {total} distinct prompts ({detail}); "
                "add paraphrases, personas or few-shot variants, or ask for fewer Bobs."
            )
        flat = _distinct_draws(total, self.n_bobs, self.seed)
        width = max(3, len(str(self.n_bobs - 1)))
        bobs = []
        for number, index in enumerate(flat):
            picked = dict(zip(varied, (int(i) for i in np.unravel_index(index, shape)), strict=True))
            get = picked.get
            bobs.append(BobPrompt(
                column=f"{self.prefix}{number:0{width}d}",
                choice=tuple(picked.items()),
                template=self.templates[get("template", 0)],
                persona=self.personas[get("persona", 0)],
                examples=self.few_shot[get("few_shot", 0)],
                anchors=tuple(options[get("anchor", 0)] for options in self.anchors),
            ))
        return tuple(bobs)

    def to_dict(self) -> dict:
        """A JSON-ready view of everything declared (for provenance files)."""
        return {
            "name": self.name, "bobs": self.n_bobs, "seed": self.seed, "prefix": self.prefix,
            "templates": list(self.templates), "personas": list(self.personas),
            "few_shot": [[{"text": e.text, "answer": e.answer} for e in v] for v in self.few_shot],
            "scale": self.scale.to_dict(), "anchors": [list(a) for a in self.anchors],
        }


def _distinct_draws(total: int, n: int, seed: int, block: int = 64) -> list[int]:
    """0 followed by n - 1 distinct uniform draws from 1..total-1, read off one seeded stream of blocks."""
    rng = stream(seed)
    chosen = [0]
    seen = {0}
    while len(chosen) < n:
        for value in rng.integers(1, total, size=block).tolist():
            if value not in seen and len(chosen) < n:
                seen.add(value)
                chosen.append(value)
    return chosen


def _table(config: Mapping, name: str, allowed: set[str]) -> Mapping:
    section = config.get(name, {})
    if not isinstance(section, Mapping):
        raise InputError(f"[{name}] must be a table.")
    unknown = sorted(set(section) - allowed)
    if unknown:
        raise InputError(f"[{name}] has unknown keys {unknown}; allowed keys are {sorted(allowed)}.")
    return section


def _strings(section: Mapping, key: str, default: list[str]) -> list[str]:
    values = section.get(key, default)
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise InputError(f"[prompt] {key} must be a list of strings.")
    return values


def _check_template(template: str) -> None:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as err:
        raise InputError(
            f"Prompt template {template!r} is malformed ({err}); write literal braces as {{{{ }}}}."
        ) from None
    if fields != ["text"]:
        raise InputError(
            f"Prompt template {template!r} must contain the placeholder {{text}} exactly once and no other "
            f"fields (found {fields}); write literal braces as {{{{ }}}}."
        )


def _few_shot(variants: object, scale: RatingScale) -> tuple[tuple[Example, ...], ...]:
    if not isinstance(variants, list) or not variants or not all(isinstance(v, list) for v in variants):
        raise InputError("[prompt] few_shot must be a non-empty list of example lists ([[]] for zero-shot).")
    parsed = []
    for variant in variants:
        examples = []
        for item in variant:
            if not (isinstance(item, Mapping) and set(item) == {"text", "answer"}
                    and all(isinstance(item[k], str) for k in item)):
                raise InputError(f'A few-shot example is {{text = "...", answer = "..."}}; got {item!r}.')
            if scale.index_of(item["answer"]) is None:
                raise InputError(
                    f"Few-shot answer {item['answer']!r} is not a scale label {list(scale.labels)}; "
                    "examples must answer on the scale."
                )
            examples.append(Example(item["text"], item["answer"]))
        parsed.append(tuple(examples))
    return tuple(parsed)


def _anchors(anchors: object, scale: RatingScale) -> tuple[tuple[str, ...], ...]:
    if anchors is None:
        return ()
    if (not isinstance(anchors, list) or len(anchors) != len(scale.labels)
            or not all(isinstance(a, list) and a and all(isinstance(s, str) for s in a) for a in anchors)):
        raise InputError(
            f"[scale] anchors must hold a non-empty list of sentences per label ({len(scale.labels)} lists)."
        )
    if len({len(a) for a in anchors}) != 1:
        raise InputError("[scale] anchors: every label needs the same number of variants (they are paired).")
    return tuple(tuple(a) for a in anchors)
