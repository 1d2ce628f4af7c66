"""A market of real language-model evaluators: LLMBar's 65 (base LLM, strategy) judges as Bobs.

Alice = 1 when output 1 of an LLMBar Natural / Adversarial item is the better one (419 items). Each Bob's
score is its belief that output 1 is better, see :mod:`marketalign.data.panels.llmbar`; its 37 unparseable
verdicts are filled with that judge's mean (recorded in summary.json). Protocol as Figure 1: K up to every
Bob, orderings, 5 random row folds, ±1 std over orderings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from marketalign.bobs.quality import bob_agreement
from marketalign.data.location import data_root
from marketalign.data.panels.llmbar import LLMBarPanel
from marketalign.data.sources import llmbar_data
from marketalign.data.tables import TARGET
from marketalign.experiments.figures import Computed, figure_outcome, scores_table
from marketalign.experiments.protocol import Outcome, RunContext
from marketalign.hull.curves import CurveConfig, market_curve

TITLE = "LLM evaluators (LLMBar): better-output labels vs 65 language-model judges"
MISSING = "fill-mean"


@dataclass(frozen=True)
class LLMEvaluatorsConfig:
    """The missing-verdict policy and the curve protocol.

    Attributes
    ----------
    missing : str
        Unparseable verdicts: ``fill-mean`` (default: the judge's mean), ``drop-items``, ``drop-judges`` or
        ``error`` (:func:`marketalign.data.panels.missing.apply_missing`).
    curve : CurveConfig
        The curve protocol (docs/theory.md §1.3); default K up to every Bob, the paper's 100 orderings and 5 folds,
        seed 0, every method; 5 random row folds.
    """

    missing: str = MISSING
    curve: CurveConfig = field(default_factory=CurveConfig)


def configure(*, orderings: int, seed: int) -> LLMEvaluatorsConfig:
    """The config of ``marketalign reproduce llm-evaluators``."""
    return LLMEvaluatorsConfig(curve=CurveConfig(orderings=orderings, seed=seed))


def run(config: LLMEvaluatorsConfig, context: RunContext) -> Outcome:
    """The evaluator-market curve on the LLMBar verdicts of ``context.data`` (else the embedded copy);
    computes the curves and writes nothing.

    Parameters
    ----------
    config : LLMEvaluatorsConfig
        The missing-verdict policy and the curve protocol.
    context : RunContext
        Where the data are.

    Returns
    -------
    Outcome
        The curve figure's outputs (:func:`marketalign.experiments.figures.figure_outcome`).

    Raises
    ------
    InputError
        When the data root holds no LLMBar verdicts or a verdict breaks the missing policy.
    """
    loaded = llmbar_data(data_root(context.data), config.missing)
    computed = _compute(loaded.data, loaded.source, config, context.quiet)
    return figure_outcome("llm_evaluators", computed, title=TITLE, intro=f"LLM evaluators on the {loaded.source} ...")


def _compute(panel: LLMBarPanel, source: str, config: LLMEvaluatorsConfig, quiet: bool) -> Computed:
    """Draw the curves of the evaluator market."""
    names = panel.bobs
    target = panel.table[TARGET].to_numpy(dtype=float)
    scores = panel.table[names].to_numpy(dtype=float)
    result = market_curve(scores, target, config.curve, bob_names=names, target_names=["alice"], quiet=quiet)
    about = {
        "figure": "llm-evaluators",
        "label": f"LLMBar better-output labels vs {len(names)} language-model evaluators",
        "data": source,
        "alice": f"LLMBar Natural + Adversarial ({len(target)} items): 1 if output 1 is the better output",
        "bobs": f"{len(names)} evaluators (base LLM / prompting strategy); score = share of the two presentation "
        "orders in which output 1 won, or (score_1 - score_2) / 9 for rating strategies",
        "missing": panel.missing,
        "ignored_columns": panel.ignored_columns,
        "folds": "random row folds: the items are separate instructions, not clustered by query",
    }
    return Computed(result, about, bob_agreement(scores, target, names), scores_table(target, scores, names))
