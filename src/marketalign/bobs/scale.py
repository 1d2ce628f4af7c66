"""The rating scale a prompt Bob answers on, and how an answer becomes a number.

A score is the expected value of the scale under the model's probabilities of the scale labels, renormalised
to sum to one (when the backend reports log-probabilities); otherwise the first scale label found in the
answer text. Both rules are ours (the paper's seeds say only that Bobs are LLM utility functions obtained by
perturbing a prompt).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from marketalign.errors import InputError

_MARKERS = " \t\n\r\u2581\u0120"  # whitespace plus SentencePiece/BPE word-start markers some servers leave in


def normalise_label(token: str) -> str:
    """The form in which a returned token is compared with a scale label: stripped and case-folded."""
    return token.strip(_MARKERS).casefold()


@dataclass(frozen=True)
class RatingScale:
    """Scale labels the model may answer with (e.g. "1".."5" or "Yes"/"No") and the value of each.

    Attributes
    ----------
    labels : tuple of str
        At least two labels, non-blank and distinct ignoring case and surrounding whitespace.
    values : tuple of float
        The finite value of each label, in the same order.

    Raises
    ------
    InputError
        When there are fewer than two labels, not one value per label, blank or repeated labels, or a value
        that is not finite.
    """

    labels: tuple[str, ...]
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.labels) < 2:
            raise InputError(f"[scale] labels must list at least two answers; got {list(self.labels)}.")
        if len(self.values) != len(self.labels):
            raise InputError(
                f"[scale] has {len(self.labels)} labels but {len(self.values)} values; one value each."
            )
        keys = [normalise_label(label) for label in self.labels]
        if any(not key for key in keys) or len(set(keys)) != len(keys):
            raise InputError(
                f"[scale] labels {list(self.labels)} must be non-blank and distinct ignoring case and spaces."
            )
        if not all(math.isfinite(v) for v in self.values):
            raise InputError(f"[scale] values must be finite numbers; got {list(self.values)}.")

    @classmethod
    def from_config(cls, section: Mapping) -> RatingScale:
        """Build from a ``[scale]`` table: ``labels`` and ``values`` (values default to numeric labels)."""
        labels = section.get("labels")
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise InputError('[scale] labels must be a list of strings, e.g. labels = ["1", "2", "3"].')
        values = section.get("values")
        if values is None:
            try:
                values = [float(label) for label in labels]
            except ValueError:
                raise InputError(
                    f"[scale] labels {labels} are not numbers, so [scale] values must give their values."
                ) from None
        if not isinstance(values, list) or not all(isinstance(v, int | float) for v in values):
            raise InputError("[scale] values must be a list of numbers, one per label.")
        return cls(tuple(labels), tuple(float(v) for v in values))

    def index_of(self, token: str) -> int | None:
        """Which label a returned token is (after normalisation), or None."""
        key = normalise_label(token)
        for i, label in enumerate(self.labels):
            if normalise_label(label) == key:
                return i
        return None

    def expected_value(self, probabilities: Sequence[float]) -> float:
        """Σ_k value_k p_k / Σ_k p_k over the label probabilities (renormalised; total must be positive)."""
        total = math.fsum(probabilities)
        if not total > 0:
            raise ValueError("the scale labels have zero total probability")
        return math.fsum(v * p for v, p in zip(self.values, probabilities, strict=True)) / total

    def read_logprobs(self, positions: Sequence[Sequence[tuple[str, float]]]) -> tuple[float, float] | None:
        """Score from per-position candidate tokens ``[(token, logprob), ...]``.

        Uses the first generated position at which any scale label is among the candidates (so a leading
        space or quote token does not hide the answer). Returns (expected value, probability mass on the scale
        at that position), or None when no position mentions a label.
        """
        for candidates in positions:
            mass = [0.0] * len(self.labels)
            seen: set[str] = set()
            for token, logprob in candidates:
                index = self.index_of(token)
                if index is None or token in seen or not math.isfinite(logprob):
                    continue
                seen.add(token)
                mass[index] += math.exp(logprob)
            if any(m > 0 for m in mass):
                return self.expected_value(mass), math.fsum(mass)
        return None

    def parse(self, text: str) -> float | None:
        """The value of the first scale label that appears as a whole word in ``text``, or None."""
        best: tuple[int, float] | None = None
        for label, value in zip(self.labels, self.values, strict=True):
            pattern = r"(?<![0-9A-Za-z])" + re.escape(label.strip()) + r"(?![0-9A-Za-z])"
            found = re.search(pattern, text, flags=re.IGNORECASE)
            if found and (best is None or found.start() < best[0]):
                best = (found.start(), value)
        return None if best is None else best[1]

    def to_dict(self) -> dict:
        """A JSON-ready view (labels and values)."""
        return {"labels": list(self.labels), "values": list(self.values)}
