"""Figure 1: alignment error (MSE) vs the number of Bobs K on ethics (ETHICS commonsense), ±1 std.

Alice = the human label of the commonsense short items ([OURS]: utility 1 = acceptable). Two kinds of Bobs:

- ``classifiers`` (:func:`run`): :mod:`marketalign.bobs.classifiers`, by default ``family="mix"``: TF-IDF +
  logistic regression trained on slices of the other half of the items or on other ETHICS subsets,
  Platt-calibrated on that other half; never on Alice's items, which are her seeded half.
- ``llm`` (:func:`run_llm`): prompt Bobs of a language model, read from a score matrix that
  ``marketalign bobs generate`` produced (:mod:`marketalign.data.llm_scores`; the embedded one is 16 prompt
  perturbations of Qwen2.5-Coder-1.5B-Instruct on a seeded sample of the test items), as in the paper.

Protocol [SEED]: K up to 100 (all the Bobs there are), 100 orderings, 5-fold cross-validation, ±1 std over
orderings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from marketalign.bobs.backends.sentences import Encoder
from marketalign.bobs.classifiers import ClassifierBobs, classifier_scores
from marketalign.bobs.quality import bob_agreement
from marketalign.data.llm_scores import LLMScores
from marketalign.data.tables import TARGET
from marketalign.experiments.figures import Computed, Loaded, ethics_data, scores_table, write_figure
from marketalign.hull.curves import CurveConfig, market_curve

TITLE = "Figure 1 (ethics): ETHICS commonsense labels vs trained classifier Bobs"
LLM_TITLE = "Figure 1 (ethics): ETHICS commonsense labels vs prompt Bobs of a language model"


@dataclass(frozen=True)
class Fig1Config:
    """The Bob family and the curve protocol."""

    family: ClassifierBobs = field(default_factory=ClassifierBobs)
    curve: CurveConfig = field(default_factory=CurveConfig)


def compute(loaded: Loaded, config: Fig1Config = Fig1Config(), quiet: bool = True,
            encoder: Encoder | None = None) -> Computed:
    """Train the Bobs and draw the curves (no files written); ``encoder`` for ``features="minilm"``."""
    bobs = classifier_scores(loaded.data, config.family, encoder=encoder)
    names = list(bobs.bobs["bob"])
    target = bobs.table[TARGET].to_numpy(dtype=float)
    scores = bobs.table[names].to_numpy(dtype=float)
    result = market_curve(scores, target, config.curve, bob_names=names, target_names=["alice"], quiet=quiet)
    about = {
        "figure": "1",
        "label": f"ETHICS labels vs {len(names)} trained classifier Bobs",
        "data": loaded.source,
        "alice": f"ETHICS commonsense short items: Alice's seeded share ({len(target)} items) of their human "
        "labels, utility 1 = acceptable",
        "bobs": f"{len(names)} logistic-regression classifiers ({config.family.features} features) trained on "
        "population data "
        f"({bobs.pool_rows} commonsense items Alice never labels, or other ETHICS subsets), Platt-calibrated on "
        "that population; not language models",
        "family": asdict(config.family),
    }
    return Computed(result, about, bob_agreement(scores, target, names), scores_table(target, scores, names))


def run(out: str | Path, loaded: Loaded | None = None, config: Fig1Config = Fig1Config(),
        quiet: bool = True) -> tuple[Computed, dict]:
    """Compute Figure 1 and write its outputs into ``out``; return them and the paper comparison."""
    computed = compute(loaded or ethics_data(None), config, quiet)
    return computed, write_figure(computed, out, title=TITLE)


def compute_llm(matrix: LLMScores, curve: CurveConfig | None = None, quiet: bool = True) -> Computed:
    """Draw the curves of a language model's prompt Bobs from their score matrix (no model is run)."""
    provenance = matrix.provenance
    target = matrix.table["alice"].to_numpy(dtype=float)
    scores = matrix.table[matrix.bobs].to_numpy(dtype=float)
    result = market_curve(scores, target, curve or CurveConfig(), bob_names=matrix.bobs, target_names=["alice"],
                          quiet=quiet)
    model = provenance["model"]
    about = {
        "figure": "1",
        "label": f"ETHICS labels vs {len(matrix.bobs)} prompt Bobs of {model['name']}",
        "data": matrix.source,
        "alice": f"ETHICS commonsense items ({len(target)}; sample {provenance['data']['sha256'][:12]}) and "
        "their human labels, utility 1 = acceptable",
        "bobs": f"{len(matrix.bobs)} prompt perturbations (wording x persona) of one question, scored by the "
        f"probability of the answer 'No' (not wrong) among Yes/No from {model['name']}",
        "model": model,
        "family": provenance["family"],
        "prompts": provenance["bobs"],
        "seed": provenance["seed"],
        "items": provenance["data"],
        "generation": provenance["counts"],
    }
    return Computed(result, about, bob_agreement(scores, target, matrix.bobs),
                    scores_table(target, scores, matrix.bobs))


def run_llm(out: str | Path, matrix: LLMScores, curve: CurveConfig | None = None,
            quiet: bool = True) -> tuple[Computed, dict]:
    """Figure 1 from a language model's score matrix, written into ``out``; return it and the comparison."""
    computed = compute_llm(matrix, curve, quiet)
    return computed, write_figure(computed, out, title=LLM_TITLE)
