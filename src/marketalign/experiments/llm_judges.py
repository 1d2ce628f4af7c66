"""LLMJudge: NIST relevance grades (Alice) vs 33 language-model relevance judges (Bobs), MSE vs K (±1 std).

Alice = the NIST grade (0-3) of 4,423 (query, passage) pairs of 25 TREC DL 2023 queries; Bobs = the 33 judge
runs' grades of the same pairs. The judges' grades are real language-model outputs, so this is the paper's market
on real Bobs. Folds are whole queries (docs/theory.md §1.7, Definition G1): passages of one query share its topic, so
random row folds leak; the same curves with random row folds are in the summary beside them. The human qrels
carry no licence, so the data are never embedded: ``--data`` or $MARKETALIGN_DATA must hold
``panels/llmjudge_dl23/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from marketalign.bobs.quality import bob_agreement
from marketalign.data.location import data_root
from marketalign.data.qrels import GROUP, load_qrels_panel
from marketalign.data.sources import llmjudge_folder
from marketalign.data.tables import INSTANCE, TARGET
from marketalign.experiments.figures import Computed, effect_at_kmax, figure_outcome, scores_table
from marketalign.experiments.protocol import Outcome, RunContext
from marketalign.hull.curves import CurveConfig, market_curve

TITLE = "LLMJudge (TREC DL 2023): NIST grades vs 33 language-model judges, folds by query"


@dataclass(frozen=True)
class LLMJudgesConfig:
    """The curve protocol and how the three out-of-range grades and their missing cells are treated.

    Attributes
    ----------
    curve : CurveConfig
        The curve protocol (docs/theory.md §1.3); default K up to every Bob, the paper's 100 orderings and 5 folds,
        seed 0, every method. The figure's folds are whole queries, with random row folds beside them in the
        summary (not settings).
    out_of_range : {"missing", "error"}
        Judge grades outside 0-3: missing cells (default) or an error naming them.
    missing : str
        Missing judge cells: ``drop-items`` (default), ``drop-judges``, ``fill-mean`` or ``error``.
    """

    curve: CurveConfig = field(default_factory=CurveConfig)
    out_of_range: str = "missing"
    missing: str = "drop-items"


def configure(*, orderings: int, seed: int) -> LLMJudgesConfig:
    """The config of ``marketalign reproduce llm-judges``."""
    return LLMJudgesConfig(curve=CurveConfig(orderings=orderings, seed=seed))


def run(config: LLMJudgesConfig, context: RunContext) -> Outcome:
    """Curves with folds by query (the figure) and with random row folds (in the summary and the headline);
    computes them and writes nothing.

    Parameters
    ----------
    config : LLMJudgesConfig
        The curve protocol and the treatment of out-of-range grades and missing cells.
    context : RunContext
        Where the data are (``panels/llmjudge_dl23`` under the data root).

    Returns
    -------
    Outcome
        The curve figure's outputs (:func:`marketalign.experiments.figures.figure_outcome`).

    Raises
    ------
    InputError
        When the data are not under the data root (:func:`marketalign.data.sources.llmjudge_folder`).
    """
    folder = llmjudge_folder(data_root(context.data))
    table, report = load_qrels_panel(folder / "judges", folder / "human_test_qrels.txt",
                                     missing=config.missing, out_of_range=config.out_of_range)
    names = [c for c in table.columns if c not in (INSTANCE, TARGET, GROUP)]
    target = table[TARGET].to_numpy(dtype=float)
    scores = table[names].to_numpy(dtype=float)
    groups = table[GROUP].to_numpy()
    grouped = market_curve(scores, target, config.curve, groups=groups, bob_names=names,
                           target_names=["alice"], quiet=context.quiet)
    rows = market_curve(scores, target, config.curve, bob_names=names, target_names=["alice"],
                        quiet=context.quiet)
    k = grouped.config.k_max
    by_query, by_row = effect_at_kmax(grouped.table, k), effect_at_kmax(rows.table, k)
    leak = {
        "K": k,
        "mse_folds_by_query": by_query["mse"],
        "mse_random_row_folds": by_row["mse"],
        "random_minus_by_query": {m: by_row["mse"][m] - v for m, v in by_query["mse"].items()},
        "note": "random row folds put passages of the same query in training and test; the difference is how "
        "much that leak flatters each method",
    }
    about = {
        "label": f"NIST relevance grades vs {len(names)} language-model judges",
        "data": f"LLMJudge TREC DL 2023 qrels ({report['items']} pairs, {report['queries']} queries)",
        "alice": "NIST relevance grade 0-3 of each (query, passage) pair",
        "bobs": f"{len(names)} language-model relevance judge runs (grades 0-3)",
        "folds": "grouped by query (docs/theory.md §1.7, Definition G1)",
        "loading": report,
        "random_row_folds": leak,
    }
    computed = Computed(grouped, about, bob_agreement(scores, target, names), scores_table(target, scores, names))
    notes = [f"  K = {k}, MSE folds by query vs random row folds:"]
    notes += [f"    {m:<14} {v:.4f}  vs {by_row['mse'][m]:.4f}" for m, v in by_query["mse"].items()]
    return figure_outcome("llm_judges", computed, title=TITLE, intro=f"LLMJudge on {folder.name} ...", notes=notes)

