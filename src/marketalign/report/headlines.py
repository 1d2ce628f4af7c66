"""One headline per step of a run, in the papers' order, for the top of the HTML report.

A step's headline is read from its ``summary.json`` (docs/report.md, "The summary contract"): the key number
(NNLS against the best single Bob, as a percentage of its error), the paper's claim the summary records beside
it, and for the game and network steps the bound's violations and slack. Nothing here is computed anew: a
number that the summary does not hold is not shown. A step whose folder is absent is *not run*; one whose
summary is missing or cannot be parsed is *unreadable*.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from marketalign.experiments.registry import STEPS
from marketalign.report.summary_view import find_key, flatten, format_number

KEY_PCT = "nnls_vs_single_pct"
_SLACK_KEYS = ("min_slack", "max_excess_over_bound", "min_error_times_depth_plus_one", "ordering_max_gap_to_bound")
_FALLBACK_KEYS = ("nonzero_at_kmax", "median_over_humans", "median_pct", "checks", "mean_relative_excess",
                  "benchmark_test_mse")
_SKIP = ("about", "data", "paper", "comparison_with_paper", "families", "config", "versions", "files", "seed",
         "verdict", "experiment", "figure", "source", "provenance", "command")
_FALLBACK_ITEMS = 4
_NOT_KEY = ("random_row", "share_of", "about.")
NO_NUMBER = "no headline number in summary.json"


@dataclass(frozen=True)
class Headline:
    """One step's line: ``status`` is ``ok``, ``violated``, ``not run`` or ``unreadable``.

    ``number`` is the key number in words, ``claim`` the paper's claim (or the step's title when the summary
    records none) and ``anchor`` the id of the step's section, when the page has one.
    """

    step: str
    title: str
    number: str
    claim: str
    status: str
    anchor: str | None = None


def catalogue_order() -> tuple[tuple[str, str], ...]:
    """(folder name, title) of every step of ``marketalign reproduce all`` and ``marketalign demo``, in order."""
    return tuple((step.name, step.title) for step in STEPS)


def headline(step: str, title: str, summary: Mapping[str, Any] | None, *, anchor: str | None = None,
             reason: str = "unreadable") -> Headline:
    """The headline of one step from its parsed ``summary.json`` (None: the summary is missing or unreadable).

    Parameters
    ----------
    step, title
        The step's folder name and what it shows (its catalogue title).
    summary
        The parsed summary, or None.
    anchor
        The id of the step's section on the page.
    reason
        The status to give when ``summary`` is None.
    """
    if summary is None:
        return Headline(step, title, "no readable summary.json", title, reason, anchor)
    comparison = _comparison(summary)
    claim = _text(summary.get("paper")) or _text(comparison.get("paper")) or title
    parts = [text for text in (_key_number(summary, comparison), _bound(summary)) if text]
    if comparison.get("reproduced_50_70_pct") is not None:
        parts.append("paper's size reproduced" if comparison["reproduced_50_70_pct"] else "paper's size not reached")
    number = " · ".join(parts) or _verdict_headline(summary) or _fallback(summary) or NO_NUMBER
    violated = _violations(summary)
    return Headline(step, title, number, claim, "violated" if violated else "ok", anchor)


def not_run(step: str, title: str, status: str | None = None) -> Headline:
    """The headline of a step whose folder is absent; ``status`` is what ``steps.csv`` says of it, if anything."""
    return Headline(step, title, status or "no folder for this step", title, "not run")


def order_key(parts: Sequence[str], order: Iterable[str]) -> tuple[int, tuple[str, ...]]:
    """Sort key of a folder (its path parts below the root): the root itself, catalogue steps in order, then the
    rest alphabetically."""
    names = list(order)
    if not parts:
        return (-1, ())
    first = parts[0] if parts else ""
    return (names.index(first) if first in names else len(names), tuple(parts))


def _comparison(summary: Mapping[str, Any]) -> Mapping[str, Any]:
    for holder in (summary, summary.get("about")):
        if isinstance(holder, Mapping) and isinstance(holder.get("comparison_with_paper"), Mapping):
            return holder["comparison_with_paper"]
    return {}


def _key_number(summary: Mapping[str, Any], comparison: Mapping[str, Any]) -> str | None:
    """NNLS against the best single Bob: one value, or its range over panels, targets or runs."""
    ours = comparison.get("ours")
    source = ours if isinstance(ours, Mapping) else summary
    found = [(path, value) for path, value in find_key(source, KEY_PCT)
             if _is_number(value) and not any(word in path for word in _NOT_KEY)]
    if not found:
        return None
    values = [float(value) for _, value in found]
    ks = sorted({int(k) for _, k in find_key(source, "K") if _is_number(k)})
    at = f" at K = {'/'.join(map(str, ks))}" if ks else ""
    if len(values) == 1:
        return f"NNLS vs best single{at}: {_pct(values[0])}"
    return f"NNLS vs best single{at}: {_pct(min(values))} to {_pct(max(values))} over {len(values)}"


def _bound(summary: Mapping[str, Any]) -> str | None:
    """The bound's violations and the slack entries beside them (top level or under ``checks``)."""
    holder = next((h for h in (summary, summary.get("checks")) if isinstance(h, Mapping) and "violations" in h),
                  None)
    if holder is None or not _is_number(holder["violations"]):
        return None
    parts = [f"{int(holder['violations'])} violations"]
    for key in _SLACK_KEYS:
        if _is_number(holder.get(key)):
            parts.append(f"{key.replace('_', ' ')} {format_number(float(holder[key]))}")
    return " · ".join(parts)


def _violations(summary: Mapping[str, Any]) -> bool:
    for holder in (summary, summary.get("checks")):
        if isinstance(holder, Mapping) and _is_number(holder.get("violations")) and holder["violations"] > 0:
            return True
    return False


def _verdict_headline(summary: Mapping[str, Any]) -> str | None:
    """The one-line headline the experiment gave its verdict, when it gave one."""
    verdict = summary.get("verdict")
    return _text(verdict.get("headline")) if isinstance(verdict, Mapping) else None


def _fallback(summary: Mapping[str, Any]) -> str | None:
    """The first few numbers of the first known result block, else of the summary's other entries."""
    blocks = [summary[key] for key in _FALLBACK_KEYS if isinstance(summary.get(key), Mapping)]
    blocks.append({key: value for key, value in summary.items() if key not in _SKIP})
    for block in blocks:
        leaves = [(key, value) for key, value in flatten(block)
                  if key and (_is_number(value) or isinstance(value, bool))]
        if leaves:
            shown = leaves[:_FALLBACK_ITEMS]
            text = " · ".join(f"{key} {_leaf(value)}" for key, value in shown)
            return text + (f" · … ({len(leaves)} numbers)" if len(leaves) > len(shown) else "")
    return None


def _leaf(value: Any) -> str:
    return ("yes" if value else "no") if isinstance(value, bool) else format_number(float(value))


def _pct(value: float) -> str:
    return f"{value:+.1f}%"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
