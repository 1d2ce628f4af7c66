"""A market of real language-model evaluators: LLMBar's 65 (base LLM, strategy) judges as Bobs.

Alice = 1 when output 1 of an LLMBar Natural / Adversarial item is the better one (419 items). Each Bob's
score is its belief that output 1 is better, see :mod:`marketalign.data.panels.llmbar`; its 37 unparseable
verdicts are filled with that judge's mean (recorded in summary.json). Protocol as Figure 1: K up to every
Bob, orderings, 5 random row folds, ±1 std over orderings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from marketalign.bobs.quality import bob_agreement
from marketalign.data.embedded import load_embedded_llmbar
from marketalign.data.panels.llmbar import LLMBarPanel, load_llmbar
from marketalign.data.tables import TARGET
from marketalign.experiments.figures import Computed, Loaded, scores_table, write_figure
from marketalign.hull.curves import CurveConfig, market_curve

TITLE = "LLM evaluators (LLMBar): better-output labels vs 65 language-model judges"
MISSING = "fill-mean"


@dataclass(frozen=True)
class LLMEvaluatorsConfig:
    """The missing-verdict policy and the curve protocol."""

    missing: str = MISSING
    curve: CurveConfig = field(default_factory=CurveConfig)


def llmbar_data(root: Path | None, missing: str = MISSING) -> Loaded:
    """The LLMBar market from ``root`` (a folder with panels/llmbar/ or the verdicts), else the embedded copy."""
    if root is None:
        return Loaded(load_embedded_llmbar(missing=missing), "embedded LLMBar copy", full=False)
    return Loaded(load_llmbar(root, missing=missing), f"LLMBar verdicts in {root}", full=True)


def compute(loaded: Loaded, config: LLMEvaluatorsConfig = LLMEvaluatorsConfig(), quiet: bool = True) -> Computed:
    """Draw the curves of the evaluator market (no files written)."""
    panel: LLMBarPanel = loaded.data
    names = panel.bobs
    target = panel.table[TARGET].to_numpy(dtype=float)
    scores = panel.table[names].to_numpy(dtype=float)
    result = market_curve(scores, target, config.curve, bob_names=names, target_names=["alice"], quiet=quiet)
    about = {
        "figure": "llm-evaluators",
        "label": f"LLMBar better-output labels vs {len(names)} language-model evaluators",
        "data": loaded.source,
        "alice": f"LLMBar Natural + Adversarial ({len(target)} items): 1 if output 1 is the better output",
        "bobs": f"{len(names)} evaluators (base LLM / prompting strategy); score = share of the two presentation "
        "orders in which output 1 won, or (score_1 - score_2) / 9 for rating strategies",
        "missing": panel.missing,
        "ignored_columns": panel.ignored_columns,
        "folds": "random row folds: the items are separate instructions, not clustered by query",
    }
    return Computed(result, about, bob_agreement(scores, target, names), scores_table(target, scores, names))


def run(out: str | Path, loaded: Loaded, config: LLMEvaluatorsConfig = LLMEvaluatorsConfig(),
        quiet: bool = True) -> tuple[Computed, dict]:
    """Compute the evaluator-market curve and write its outputs into ``out``; return them and the comparison."""
    computed = compute(loaded, config, quiet)
    return computed, write_figure(computed, out, title=TITLE)
