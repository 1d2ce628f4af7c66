"""What a result folder's ``summary.json`` says, split into provenance and results for the HTML report.

The summary contract (docs/report.md, "The summary contract"): the configuration with its seed, library
versions, an ``about`` block saying what the data and the Bobs are, and headline numbers. Any of these may be
missing; the view then says "not recorded" instead of guessing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DATA_KEYS = ("about", "data", "dataset", "alice", "bobs")
PROVENANCE_KEYS = ("provenance", "source", "command")
NAME_KEYS = ("experiment", "name", "title")
_SPECIAL_KEYS = (*DATA_KEYS, *PROVENANCE_KEYS, *NAME_KEYS, "config", "versions", "files", "seed")
_LIST_ITEMS = 12
_TEXT_CHARS = 300

Rows = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SummaryView:
    """A summary's parts as (key, formatted value) rows; ``results_omitted`` counts rows beyond the cap."""

    name: str | None
    data: Rows
    config: Rows
    seeds: Rows
    versions: Rows
    provenance: Rows
    results: Rows
    results_omitted: int


def summary_view(summary: Mapping[str, Any], *, max_result_rows: int) -> SummaryView:
    """Split a parsed ``summary.json`` into the report's blocks (keys are flattened to dotted paths)."""
    name = next((str(summary[key]) for key in NAME_KEYS if isinstance(summary.get(key), str)), None)
    data = _rows({key: summary[key] for key in DATA_KEYS if key in summary}, drop_prefix="about")
    provenance = _rows({key: summary[key] for key in PROVENANCE_KEYS if key in summary})
    results = _rows({key: value for key, value in summary.items() if key not in _SPECIAL_KEYS})
    return SummaryView(
        name=name,
        data=data,
        config=_section(summary, "config"),
        seeds=tuple((path, format_value(value)) for path, value in find_key(summary, "seed")),
        versions=_section(summary, "versions"),
        provenance=provenance,
        results=results[:max_result_rows],
        results_omitted=max(len(results) - max_result_rows, 0),
    )


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested mappings as (dotted key, leaf) pairs in the mapping's own order; other values (and empty
    mappings below the top) are leaves."""
    if not isinstance(value, Mapping) or (not value and prefix):
        return [(prefix, value)]
    pairs: list[tuple[str, Any]] = []
    for key, item in value.items():
        pairs.extend(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    return pairs


def find_key(value: Any, wanted: str, prefix: str = "") -> list[tuple[str, Any]]:
    """Every (dotted path, value) whose last key is ``wanted``, searched through nested mappings."""
    found: list[tuple[str, Any]] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == wanted and not isinstance(item, Mapping):
                found.append((path, item))
            found.extend(find_key(item, wanted, path))
    return found


def format_value(value: Any) -> str:
    """A short, exact-enough text for a leaf: floats to 6 significant digits, long lists and texts shortened."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, str):
        return _shorten(value)
    if isinstance(value, list) and all(not isinstance(v, (list, Mapping)) for v in value):
        shown = ", ".join(format_value(v) for v in value[:_LIST_ITEMS])
        more = f", … ({len(value)} items)" if len(value) > _LIST_ITEMS else ""
        return f"[{shown}{more}]"
    if isinstance(value, (list, Mapping)):
        return _shorten(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))
    return _shorten(str(value))


def format_number(value: float) -> str:
    """Six significant digits, the way a reader compares numbers; NaN and ±inf spelled out."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.6g}"


def _section(summary: Mapping[str, Any], key: str) -> Rows:
    """The rows of ``summary[key]`` without the key itself (a non-mapping value keeps its key)."""
    if key not in summary:
        return ()
    value = summary[key]
    return _rows(value) if isinstance(value, Mapping) and value else _rows({key: value})


def _rows(value: Mapping[str, Any], drop_prefix: str | None = None) -> Rows:
    rows = []
    for key, leaf in flatten(value):
        if drop_prefix and key.startswith(drop_prefix + "."):
            key = key[len(drop_prefix) + 1:]
        rows.append((key, format_value(leaf)))
    return tuple(rows)


def _shorten(text: str) -> str:
    return text if len(text) <= _TEXT_CHARS else text[: _TEXT_CHARS - 1] + "…"
