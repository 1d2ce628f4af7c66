"""Reading a ``[backend]`` table into a backend's frozen settings dataclass, with clear errors."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import TypeVar

from marketalign.errors import InputError

S = TypeVar("S")


def read_settings(cls: type[S], section: Mapping, kind: str) -> S:
    """Build ``cls`` from ``section``: unknown keys, missing required keys and wrong types are InputErrors.

    Numbers must be non-negative; TOML integers are accepted where a float is expected.
    """
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(section) - set(names))
    if unknown:
        raise InputError(f"[backend] has unknown keys {unknown} for kind {kind!r}; allowed: {sorted(names)}.")
    values = {}
    for field in dataclasses.fields(cls):
        if field.name not in section:
            if field.default is dataclasses.MISSING:
                raise InputError(f"[backend] {field.name} is required for kind {kind!r}.")
            continue
        values[field.name] = _typed(field.name, section[field.name], _base_type(hints[field.name]))
    return cls(**values)


def _base_type(hint: object) -> type:
    if isinstance(hint, types.UnionType):
        (hint,) = [t for t in hint.__args__ if t is not type(None)]
    return hint  # type: ignore[return-value]


def _typed(key: str, value: object, kind: type) -> object:
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is str:
        ok = isinstance(value, str) and bool(value)
    else:
        ok = (isinstance(value, int | float) and not isinstance(value, bool)
              and (kind is float or isinstance(value, int)) and value >= 0)
    if not ok:
        qualifier = "non-negative " if kind in (int, float) else "non-empty " if kind is str else ""
        raise InputError(f"[backend] {key} must be a {qualifier}{kind.__name__}; got {value!r}.")
    return kind(value)
