"""Figure 1: alignment error (MSE) vs the number of Bobs K on ethics (ETHICS commonsense), ±1 std.

Alice = the human label of the commonsense short items ([OURS]: utility 1 = acceptable). Two kinds of Bobs:

- ``classifiers``: :mod:`marketalign.bobs.classifiers`, by default ``family="mix"``: TF-IDF +
  logistic regression trained on slices of the other half of the items or on other ETHICS subsets,
  Platt-calibrated on that other half; never on Alice's items, which are her seeded half.
- ``llm``: prompt Bobs of a language model, read from a score matrix that
  ``marketalign bobs generate`` produced (:mod:`marketalign.data.llm_scores`; the embedded one is 16 prompt
  perturbations of Qwen2.5-Coder-1.5B-Instruct on a seeded sample of the test items), as in the paper; the
  matrix folder is ``--data`` as given (``$MARKETALIGN_DATA`` does not apply), else the embedded one.

Protocol [SEED]: K up to 100 (all the Bobs there are), 100 orderings, 5-fold cross-validation, ±1 std over
orderings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from marketalign.bobs.backends.sentences import Encoder
from marketalign.bobs.classifiers import ClassifierBobs, classifier_scores
from marketalign.bobs.quality import bob_agreement
from marketalign.data.llm_scores import LLMScores
from marketalign.data.location import data_root
from marketalign.data.sources import Loaded, ethics_data, llm_score_matrix
from marketalign.data.tables import TARGET
from marketalign.errors import InputError
from marketalign.experiments.defaults import FIG1_BOBS
from marketalign.experiments.figures import Computed, figure_outcome, scores_table
from marketalign.experiments.protocol import Outcome, RunContext
from marketalign.hull.curves import CurveConfig, market_curve

TITLE = "Figure 1 (ethics): ETHICS commonsense labels vs trained classifier Bobs"
LLM_TITLE = "Figure 1 (ethics): ETHICS commonsense labels vs prompt Bobs of a language model"


@dataclass(frozen=True)
class Fig1Config:
    """Which Bobs (``classifiers`` or ``llm``), the classifier family (``classifiers`` only) and the curve
    protocol.

    Attributes
    ----------
    bobs : {"classifiers", "llm"}
        Trained classifier Bobs on ETHICS (default), or a language model's prompt Bobs read from a score matrix
        under the data root.
    family : ClassifierBobs
        The classifier family (ours; ignored for ``llm``); default 100 TF-IDF Bobs, slice and transfer mixed.
    curve : CurveConfig
        The curve protocol (docs/theory.md §1.3); default K up to every Bob, the paper's 100 orderings and 5 folds,
        seed 0, every method.

    Raises
    ------
    InputError
        When ``bobs`` is not one of :data:`~marketalign.experiments.defaults.FIG1_BOBS`.
    """

    bobs: str = FIG1_BOBS[0]
    family: ClassifierBobs = field(default_factory=ClassifierBobs)
    curve: CurveConfig = field(default_factory=CurveConfig)

    def __post_init__(self) -> None:
        if self.bobs not in FIG1_BOBS:
            raise InputError(f"unknown Bobs {self.bobs!r} for Figure 1; choose one of {', '.join(FIG1_BOBS)}.")


def configure(*, bobs: str, orderings: int, seed: int) -> Fig1Config:
    """The config of ``marketalign reproduce fig1``: which Bobs, and the seed of the classifiers, folds and
    orderings."""
    return Fig1Config(bobs=bobs, family=replace(Fig1Config().family, seed=seed),
                      curve=CurveConfig(orderings=orderings, seed=seed))


def run(config: Fig1Config, context: RunContext) -> Outcome:
    """Figure 1 on the ETHICS labels with ``config.bobs``; computes the curves and writes nothing.

    Parameters
    ----------
    config : Fig1Config
        The Bobs and the curve protocol.
    context : RunContext
        ``data``: the data root for the classifiers' ETHICS, the matrix folder for ``llm``.

    Returns
    -------
    Outcome
        ``curve.csv``, ``bob_quality.csv``, ``scores.parquet``, ``summary.json``, ``mse_vs_k.png`` and
        ``sparsity_vs_k.png`` (:func:`marketalign.experiments.figures.figure_outcome`).

    Raises
    ------
    InputError
        When the data folder or the matrix is missing or malformed.
    """
    if config.bobs == "llm":
        matrix = llm_score_matrix(context.data)
        computed = _compute_llm(matrix, config.curve, context.quiet)
        intro = f"Figure 1 on {matrix.provenance['model']['name']}'s scores: {matrix.source} ..."
        return figure_outcome("fig1", computed, title=LLM_TITLE, intro=intro)
    loaded = ethics_data(data_root(context.data))
    computed = compute(loaded, config, context.quiet)
    return figure_outcome("fig1", computed, title=TITLE, intro=f"Figure 1 on the {loaded.source} ...")


def compute(loaded: Loaded, config: Fig1Config = Fig1Config(), quiet: bool = True,
            encoder: Encoder | None = None) -> Computed:
    """Train the classifier Bobs on ``loaded`` ETHICS and draw the curves (Figure 2 and the family screen
    reuse it).

    Parameters
    ----------
    loaded : Loaded
        The ETHICS data (:func:`marketalign.data.sources.ethics_data`).
    config : Fig1Config
        The classifier family and the curve protocol.
    quiet : bool
        No progress bar.
    encoder : Encoder, optional
        The sentence encoder for ``features="minilm"`` (one for every family of a screen).

    Returns
    -------
    Computed
        The curves, what they are about, the per-Bob quality and the scores.
    """
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


def _compute_llm(matrix: LLMScores, curve: CurveConfig, quiet: bool) -> Computed:
    """Draw the curves of a language model's prompt Bobs from their score matrix (no model is run)."""
    provenance = matrix.provenance
    target = matrix.table["alice"].to_numpy(dtype=float)
    scores = matrix.table[matrix.bobs].to_numpy(dtype=float)
    result = market_curve(scores, target, curve, bob_names=matrix.bobs, target_names=["alice"],
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
        **matrix.generation(),
    }
    return Computed(result, about, bob_agreement(scores, target, matrix.bobs),
                    scores_table(target, scores, matrix.bobs))
