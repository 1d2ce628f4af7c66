"""Write docs/reference.md: the public API (``marketalign.__all__``), from the docstrings.

Run ``python scripts/api_reference.py`` after changing a public name or docstring; a test checks that the
committed page is up to date.
"""

from __future__ import annotations

import inspect
import sys
from collections import defaultdict
from pathlib import Path

import marketalign

PAGE = Path(__file__).resolve().parents[1] / "docs" / "reference.md"


def _signature(obj) -> str:
    """The call signature, with the install location replaced so the page is the same on every machine."""
    try:
        text = str(inspect.signature(obj))
    except (TypeError, ValueError):
        return ""
    return text.replace(str(Path(marketalign.__file__).parent), "<marketalign>")


def _entry(name: str, obj) -> str:
    kind = "class" if inspect.isclass(obj) else "function"
    doc = inspect.getdoc(obj) or "(no docstring)"
    lines = [f"### `{name}`", "", f"```python\n{kind} {name}{_signature(obj)}\n```", "", doc, ""]
    if inspect.isclass(obj):
        for attr, member in sorted(vars(obj).items()):
            if attr.startswith("_") or not (inspect.isfunction(member) or isinstance(member, property)):
                continue
            target = member.fget if isinstance(member, property) else member
            summary = (inspect.getdoc(target) or "").split("\n\n")[0].replace("\n", " ")
            label = f"`{attr}`" if isinstance(member, property) else f"`{attr}{_signature(target)}`"
            lines.append(f"- {label}: {summary}" if summary else f"- {label}")
        lines.append("")
    return "\n".join(lines)


def render() -> str:
    """The reference page as text."""
    by_module: dict[str, list[str]] = defaultdict(list)
    for name in sorted(marketalign.__all__):
        obj = getattr(marketalign, name)
        module = getattr(obj, "__module__", "marketalign")
        by_module[module].append(_entry(name, obj))
    parts = [
        "# API reference",
        "",
        "Generated from the docstrings by `python scripts/api_reference.py`; every name here is importable from",
        "`marketalign` (the public API; anything else may change). Grouped by the module that defines it.",
        "",
    ]
    for module in sorted(by_module):
        summary = (inspect.getdoc(sys.modules[module]) or "").split("\n\n")[0].replace("\n", " ")
        parts += [f"## `{module}`", "", summary, "", *by_module[module]]
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    PAGE.write_text(render())
    print(f"wrote {PAGE}")
