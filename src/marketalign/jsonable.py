"""The one rule for JSON written or printed by marketalign: strict JSON, NaN and infinities as ``null``.

``summary.json`` files (:func:`marketalign.report.outputs.write_json`) and every command's ``--json`` output go
through :func:`to_jsonable`, so a number that is ``null`` in a file is ``null`` on the screen too.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np


def to_jsonable(value: Any) -> Any:
    """``value`` with numpy scalars and arrays as Python numbers and lists, paths as strings, tuples as lists
    and non-finite floats as None (``null``)."""
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, Path):
        return str(value)
    return value


def dumps(data: Any, *, default: Any = None) -> str:
    """``data`` as sorted, indented, strict JSON (NaN/inf become null; ``allow_nan=False`` catches any left)."""
    return json.dumps(to_jsonable(data), indent=2, sort_keys=True, allow_nan=False, default=default)
