"""Figure 4 with real language models: MSE vs the number of models K per topic panel, mean over humans ± 1 s.e.

The paper's Figure 4 protocol (four survey panels, sampled humans, all K-combinations of the models, ± 1 s.e.)
on three published markets whose models are real LLMs:

- ``tjuatja``: 9 LLMs (Tjuatja et al. 2024) against the OpinionQA demographic groups, one panel per survey wave
  with at least ``min_panel_questions`` matched questions; rows are (question, option) pairs.
- ``meister``: 16 (elicitation method, LLM) Bobs (Meister et al. 2024, unsteered ``task0``) against 14 human
  groups, one panel; rows are (question, option) pairs.
- ``hwang``: 12 prompt variants of one LLM (Hwang et al. 2023) against individual respondents, one panel per
  topic (every respondent of it: the release has 35 per topic); one row per question.

Where rows are a question's options, folds hold out whole questions (docs/theory.md §1.7, Definition G1) and the
random-row-fold numbers are reported beside them. Every K-combination of the models is drawn when there are at
most ``all_subsets_up_to`` of them, else ``orderings`` random orderings (said in the summary). Missing model
cells are resolved per human by ``missing`` (:func:`marketalign.data.panels.missing.apply_missing`), counted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from marketalign.bobs.groups import GroupMarket
from marketalign.data.location import data_root
from marketalign.data.panels.missing import POLICIES, apply_missing
from marketalign.data.sources import PANEL_SOURCES, load_market
from marketalign.data.tables import INSTANCE, TARGET
from marketalign.errors import InputError
from marketalign.experiments.defaults import FIG4_LLM_MISSING, FIG4_LLM_SOURCE
from marketalign.experiments.fig4 import (
    Panel,
    measure_panels,
    panel_comparison,
    panel_curves,
    panel_lines,
    panels_outcome,
)
from marketalign.experiments.figures import PAPER_EFFECT, effect_at_kmax
from marketalign.experiments.protocol import Outcome, RunContext
from marketalign.hull.curves import CurveConfig

# Hwang et al.'s topics of the OpinionQA waves of the paper's four panels (W27, W29, W32, W34)
HWANG_PAPER_TOPICS = (
    "Automation and driverless vehicles",
    "Views on gender",
    "Community types & sexual harassment",
    "Biomedical & food issues",
)
ABOUT = {
    "tjuatja": "9 LLMs sampled 50 times per question (Tjuatja et al. 2024, prompt condition 'orig alpha'): each "
    "model's share of every option; Alice = one OpinionQA demographic group's share of each option",
    "meister": "16 (elicitation method, LLM) pairs (Meister et al. 2024, unsteered task0): each pair's "
    "distribution over a question's options; Alice = one of 14 human groups' distribution",
    "hwang": "12 prompt variants of text-davinci-003 (Hwang et al. 2023): each variant's answer for one "
    "respondent, as the position of the chosen option in [0, 1]; Alice = that respondent's own answer",
}
REASON = "several models already match the humans' answers closely on most questions"


@dataclass(frozen=True)
class Fig4LLMConfig:
    """Which market, its panels (waves or topics; default per source), the eligibility thresholds, the
    missing-cell policy and the curve protocol.

    Attributes
    ----------
    source : {"hwang", "tjuatja", "meister"}
        The published market (default ``hwang``: individual respondents vs 12 prompt variants of one LLM).
    panels : tuple of str or None
        Panels to draw; None = for ``hwang`` the topics of the paper's four waves, otherwise every panel with
        at least ``min_panel_questions`` matched questions.
    min_questions : int
        Fewest complete questions a human keeps after the missing-cell policy (10, at least ``folds``); humans
        with fewer, or who would lose a model, are left out and counted.
    min_panel_questions : int
        Fewest matched questions of a default panel (20; not used for ``hwang`` or given ``panels``).
    missing : str
        Missing model cells: ``drop-items`` (default), ``drop-judges``, ``fill-mean`` or ``error``
        (:func:`marketalign.data.panels.missing.apply_missing`).
    folds : int
        Cross-validation folds, whole questions where rows are a question's options; default the paper's 5.
    seed : int
        Seeds the folds and the orderings.
    orderings : int
        Random orderings of the models when there are more than ``all_subsets_up_to`` (100, as in the paper's Figures 1
        and 3).
    all_subsets_up_to : int
        With at most this many models (12) every K-subset is fitted, as in the paper's Figure 4.

    Raises
    ------
    InputError
        An unknown ``source`` or ``missing``, fewer than 2 folds, ``min_questions`` below ``folds``, or no
        ordering.
    """

    source: str = FIG4_LLM_SOURCE
    panels: tuple[str, ...] | None = None
    min_questions: int = 10
    min_panel_questions: int = 20
    missing: str = FIG4_LLM_MISSING
    folds: int = 5
    seed: int = 0
    orderings: int = 100
    all_subsets_up_to: int = 12

    def __post_init__(self) -> None:
        if self.source not in PANEL_SOURCES:
            raise InputError(f"unknown source {self.source!r}; choose one of {', '.join(PANEL_SOURCES)}.")
        if self.missing not in POLICIES:
            raise InputError(f"unknown missing-value policy {self.missing!r}; use one of {', '.join(POLICIES)}.")
        if self.folds < 2 or self.min_questions < self.folds or self.orderings < 1:
            raise InputError("folds must be at least 2, min_questions at least folds, orderings at least 1.")


def configure(*, source: str, panels: tuple[str, ...] | None, missing: str, orderings: int,
              seed: int) -> Fig4LLMConfig:
    """The config of ``marketalign reproduce fig4-llm`` (and of ``fig4-individuals``, ``source="hwang"``)."""
    return Fig4LLMConfig(source=source, panels=panels, missing=missing, seed=seed, orderings=orderings)


def run(config: Fig4LLMConfig, context: RunContext) -> Outcome:
    """The panels of ``config.source`` from the data root of ``context.data``; computes and writes nothing.

    Parameters
    ----------
    config : Fig4LLMConfig
        The market, its panels and the protocol.
    context : RunContext
        Where the data are.

    Returns
    -------
    Outcome
        ``curve.csv``, ``curve_over_humans.csv``, ``humans.csv``, ``summary.json`` and ``fig4.png``; the
        headline says what the models are and gives one line per panel.

    Raises
    ------
    InputError
        When the release (or, for ``tjuatja``, OpinionQA) is missing, a named panel does not exist, or no
        human of a panel has ``min_questions`` complete questions.
    """
    table, bobs, panel_of, loading = load_market(data_root(context.data), config.source)
    panels, missing = _panels(table, bobs, panel_of, config)
    subsets = "all" if len(bobs) <= config.all_subsets_up_to else "orderings"
    curve = CurveConfig(k_max=len(bobs), orderings=config.orderings, folds=config.folds, seed=config.seed,
                        subsets=subsets)
    grouped = panels[0].markets[0].groups is not None
    title = (f"Figure 4 with real LLMs ({config.source}): MSE vs number of models, "
             f"{'folds by question, ' if grouped else ''}±1 s.e. over humans")
    tables, found = measure_panels(panels, curve, bobs, context.quiet)
    if grouped:
        for panel in panels:
            _, frame = panel_curves(panel, curve, bobs, context.quiet, grouped=False)
            found[panel.name]["effect_random_row_folds"] = effect_at_kmax(frame, curve.k_max)
    about = {"data": f"{PANEL_SOURCES[config.source]} under the data root", "bobs": ABOUT[config.source],
             "models": bobs,
             "subsets": "every K-combination of the models" if subsets == "all"
             else f"{config.orderings} random orderings of the models (too many for every combination)",
             "folds": "whole questions (a question's options stay together)" if grouped
             else "random rows (one row per question)",
             "loading": loading, "missing": missing}
    summary = {
        "figure": "4-llm",
        "source": config.source,
        "about": about,
        "paper": PAPER_EFFECT,
        "config": asdict(config),
        "panels": found,
        "comparison_with_paper": panel_comparison(found, curve.k_max, REASON),
    }
    lines = [f"Figure 4 with real LLMs: {about['bobs']}; {about['subsets']}, folds by {about['folds']}",
             *panel_lines(summary)]
    return panels_outcome("fig4_llm", summary, tables, title, lines)


def _panels(table: pd.DataFrame, bobs: list[str], panel_of: pd.Series,
            config: Fig4LLMConfig) -> tuple[list[Panel], dict]:
    """One :class:`Panel` per chosen panel name, each human's market with its missing cells resolved."""
    names = list(dict.fromkeys(panel_of))
    chosen = list(config.panels) if config.panels else _default_panels(table, panel_of, names, config)
    unknown = [name for name in chosen if name not in names]
    if unknown:
        raise InputError(f"unknown panels {unknown}; choose from {', '.join(map(str, names))}.")
    by_question = config.source != "hwang"
    panels, missing = [], {}
    for name in chosen:
        rows = table[panel_of == name]
        markets, counts = [], {"humans": 0, "too_few_questions": 0, "missing_cells": 0, "dropped_items": 0}
        for human, own in rows.groupby("human", sort=False):
            resolved, report = apply_missing(own.reset_index(drop=True), bobs, config.missing)
            counts["humans"] += 1
            counts["missing_cells"] += report["missing_cells"]
            counts["dropped_items"] += report["dropped_items"]
            kept = [b for b in bobs if b not in report["dropped_judges"]]
            questions = resolved["group"].nunique()
            if questions < config.min_questions or kept != bobs:
                counts["too_few_questions"] += 1
                continue
            markets.append(GroupMarket(str(human), tuple(bobs), tuple(resolved[INSTANCE]),
                                       resolved[TARGET].to_numpy(dtype=float), resolved[bobs].to_numpy(dtype=float),
                                       resolved["group"].to_numpy() if by_question else None))
        if not markets:
            raise InputError(f"panel {name}: no human has {config.min_questions} complete questions; lower "
                             "min_questions or choose --missing fill-mean.")
        panels.append(Panel(str(name), str(name), markets, counts["humans"]))
        missing[str(name)] = {"policy": config.missing, **counts}
    return panels, missing


def _default_panels(table: pd.DataFrame, panel_of: pd.Series, names: list, config: Fig4LLMConfig) -> list:
    """Hwang: the topics of the paper's four waves; the others: every panel with enough matched questions."""
    if config.source == "hwang":
        return list(HWANG_PAPER_TOPICS)
    questions = table.groupby(panel_of)["group"].nunique()
    return [name for name in names if questions[name] >= config.min_panel_questions]

