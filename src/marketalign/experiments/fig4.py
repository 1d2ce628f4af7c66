"""Figure 4: MSE vs the number of models for four survey panels, mean over sampled humans ± 1 s.e.

OpinionQA's release holds answer counts per demographic group, not individual answers and no model answers,
so ([OURS], said in every output): the sampled "humans" are demographic groups (Alice's utility per question
= the group's expected ordinal answer in [0, 1]), and the "models" are other groups that share no respondent
with her (:mod:`marketalign.bobs.groups`). Protocol [SEED]: up to 50 sampled humans per panel, all
K-combinations of the models, 5-fold cross-validation over the questions, ± 1 standard error over humans.
OpinionQA is never embedded: without it the figure is reported as unavailable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from marketalign.bobs.groups import check_markets, group_markets, slot_names
from marketalign.data.surveys import load_panel
from marketalign.errors import InputError
from marketalign.experiments.figures import PAPER_EFFECT, effect_at_kmax
from marketalign.hull.curves import CurveConfig, market_curves
from marketalign.report.curves import across_targets, stacked_tables
from marketalign.report.outputs import prepare_dir, save_figure, versions, write_json, write_table
from marketalign.report.plots import PAPER_METHODS, plot_curves

DEFAULT_PANELS = ("W27", "W29", "W32", "W34")
HUMANS_ARE_GROUPS = (
    "OpinionQA has group-level answer counts only: each sampled 'human' is a demographic group, and each "
    "'model' is another group sharing no respondent with it (not a language model)"
)


@dataclass(frozen=True)
class Fig4Config:
    """Panels (waves), humans per panel, models per human, eligibility thresholds, folds and seed."""

    panels: tuple[str, ...] = DEFAULT_PANELS
    humans: int = 50
    models: int = 8
    min_respondents: int = 100
    min_questions: int = 20
    folds: int = 5
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.panels:
            raise InputError("name at least one survey panel (wave), e.g. W27.")
        if min(self.humans, self.models, self.min_respondents) < 1 or self.folds < 2:
            raise InputError("humans, models and min_respondents must be at least 1, and folds at least 2.")


def run(out: str | Path, folder: Path | None, config: Fig4Config = Fig4Config(), quiet: bool = True) -> dict:
    """Run the four panels (or report that OpinionQA is unavailable); write the outputs into ``out``."""
    out = prepare_dir(out)
    base = {"figure": "4", "paper": PAPER_EFFECT, "config": asdict(config), "versions": versions()}
    if folder is None:
        summary = {**base, "available": False,
                   "reason": "OpinionQA data not found (it is never embedded); pass --data with an "
                   "opinionqa/human_resp folder to draw Figure 4", "files": ["summary.json"]}
        write_json(summary, out / "summary.json")
        return summary
    rng = np.random.default_rng(config.seed)
    curve = CurveConfig(k_max=config.models, folds=config.folds, seed=config.seed, subsets="all")
    tables, frames, humans, panels = [], [], [], {}
    fig, axes = plt.subplots(2, (len(config.panels) + 1) // 2, figsize=(11, 8), squeeze=False)
    for ax, wave in zip(axes.ravel(), config.panels, strict=False):
        panel = load_panel(folder, wave)
        sizes = panel.groups().set_index("group")["respondents"].to_dict()
        markets, eligible = group_markets(panel.expected_answers(), sizes, humans=config.humans,
                                          models=config.models, min_respondents=config.min_respondents,
                                          min_questions=max(config.min_questions, config.folds), rng=rng)
        check_markets(markets, f"panel {panel.wave}")
        results = market_curves([(m.scores, m.target) for m in markets], curve,
                                bob_names=slot_names(config.models), target_names=["alice"], quiet=quiet)
        table = stacked_tables(results, [m.alice for m in markets]).assign(panel=panel.wave)
        frame = across_targets(table).assign(panel=panel.wave, topic=panel.topic)
        tables.append(table)
        frames.append(frame)
        humans.extend({"panel": panel.wave, "human": m.alice, "models": " ; ".join(m.bobs),
                       "questions": len(m.questions)} for m in markets)
        constant = frame.loc[frame["method"] == "constant", "mse_mean"].mean()
        title = f"{panel.wave}: {panel.topic}\n{len(markets)} groups, ±1 s.e.; constant (no model): {constant:.4f}"
        plot_curves(frame, value="mse_mean", spread="mse_se", methods=[*PAPER_METHODS, "single_scaled"],
                    ylabel="held-out MSE", title=title, ax=ax)
        ax.set_xlabel("number of models K")
        panels[panel.wave] = {
            "topic": panel.topic, "humans": len(markets), "eligible_groups": eligible,
            "questions_median": float(np.median([len(m.questions) for m in markets])),
            "effect": effect_at_kmax(frame, config.models),
        }
    for ax in axes.ravel()[len(config.panels):]:
        ax.set_visible(False)
    fig.suptitle("Figure 4: survey panels, MSE vs number of models (groups as humans and as models)", fontsize=11)
    fig.tight_layout()
    write_table(pd.concat(tables, ignore_index=True), out / "curve.csv")
    write_table(pd.concat(frames, ignore_index=True), out / "curve_over_humans.csv")
    write_table(pd.DataFrame(humans), out / "humans.csv")
    save_figure(fig, out / "fig4.png")
    summary = {**base, "available": True, "data": str(folder), "humans_and_models": HUMANS_ARE_GROUPS,
               "panels": panels, "files": ["curve.csv", "curve_over_humans.csv", "fig4.png", "humans.csv",
                                           "summary.json"]}
    write_json(summary, out / "summary.json")
    return summary
