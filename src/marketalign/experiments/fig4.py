"""Figure 4: MSE vs the number of models for four survey panels, mean over sampled humans ± 1 s.e.

OpinionQA's release holds answer counts per demographic group, not individual answers and no model answers,
so ([OURS], said in every output): the sampled "humans" are demographic groups (Alice's utility per question
= the group's expected ordinal answer in [0, 1]), and the "models" are other groups that share no respondent
with her (:mod:`marketalign.bobs.groups`). Protocol [SEED]: up to 50 sampled humans per panel, all
K-combinations of the models, 5-fold cross-validation over the questions, ± 1 standard error over humans.
OpinionQA is never embedded: without it the figure is reported as unavailable, and on request the same protocol
runs on a clearly labelled substitute (MovieLens genres as panels, users as humans, community Bobs as models).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from marketalign.bobs.communities import CommunityBobs, bob_names, community_scores
from marketalign.bobs.groups import GroupMarket, check_markets, group_markets, slot_names
from marketalign.data.location import data_root
from marketalign.data.sources import Loaded, movielens_data, opinionqa_folder
from marketalign.data.surveys import load_panel
from marketalign.errors import InputError
from marketalign.experiments.defaults import DEFAULT_PANELS, FIG4_HUMANS, FIG4_MODELS
from marketalign.experiments.figures import PAPER_EFFECT, effect_at_kmax
from marketalign.experiments.protocol import SUMMARY_FILE, Outcome, RunContext, Verdict
from marketalign.hull.curves import CurveConfig, market_curves
from marketalign.hull.market_weights import market_weights
from marketalign.report.curves import across_targets, stacked_tables
from marketalign.report.figure_plots import plot_panel_curves
from marketalign.seeding import stream

UNAVAILABLE = (
    "OpinionQA data not found (it is never embedded); pass --data with an opinionqa/human_resp folder to draw "
    "Figure 4"
)
SUBSTITUTE = (
    "SUBSTITUTE, not survey data: panels are MovieLens genres, each 'human' is a MovieLens user (her ratings of "
    "the genre's movies) and each 'model' a taste-community recommender built without her"
)
SUBSTITUTE_GENRES = ("Comedy", "Drama", "Action", "Thriller")
HUMANS_ARE_GROUPS = (
    "OpinionQA has group-level answer counts only: each sampled 'human' is a demographic group, and each "
    "'model' is another group sharing no respondent with it (not a language model)"
)
FIGURE = "fig4.png"
FILES = ("curve.csv", "curve_over_humans.csv", FIGURE, "humans.csv", SUMMARY_FILE)


@dataclass(frozen=True)
class Fig4Config:
    """Panels (waves), humans per panel, models per human, eligibility thresholds, folds, seed, and whether to
    run on the MovieLens substitute when OpinionQA is absent.

    Attributes
    ----------
    panels : tuple of str
        OpinionQA survey waves, one panel each; default the paper's four (W27, W29, W32, W34).
    humans : int
        Humans (demographic groups) sampled per panel, at most; default the paper's 50.
    models : int
        Models (disjoint groups) per human, which is also K_max; all K-subsets are fitted (the paper's
        protocol); default 8 (ours).
    min_respondents : int
        Fewest respondents of a group that may be a human or a model (100; not used by the substitute).
    min_questions : int
        Fewest questions a human and all her models answer (20, and at least ``folds``).
    substitute_min_ratings : int
        The substitute's fewest ratings of a user in a genre (50, and at least ``folds``).
    folds : int
        Cross-validation folds over the questions; default the paper's 5.
    seed : int
        Seeds each panel's sample of humans and models, and the folds.
    substitute : bool
        Without OpinionQA, run the protocol on MovieLens genres (labelled a substitute) instead of reporting the
        figure unavailable.

    Raises
    ------
    InputError
        No panel, ``humans``, ``models`` or ``min_respondents`` below 1, or fewer than 2 folds.
    """

    panels: tuple[str, ...] = DEFAULT_PANELS
    humans: int = FIG4_HUMANS
    models: int = FIG4_MODELS
    min_respondents: int = 100
    min_questions: int = 20
    substitute_min_ratings: int = 50  # a MovieLens user's ratings in the genre (the substitute's "questions")
    folds: int = 5
    seed: int = 0
    substitute: bool = False

    def __post_init__(self) -> None:
        if not self.panels:
            raise InputError("name at least one survey panel (wave), e.g. W27.")
        if min(self.humans, self.models, self.min_respondents) < 1 or self.folds < 2:
            raise InputError("humans, models and min_respondents must be at least 1, and folds at least 2.")


@dataclass(frozen=True)
class Panel:
    """One panel of the figure: its name, topic, the sampled humans' markets and how many were eligible."""

    name: str
    topic: str
    markets: list[GroupMarket]
    eligible: int


def configure(*, panels: tuple[str, ...], humans: int, models: int, substitute: bool, seed: int) -> Fig4Config:
    """The config of ``marketalign reproduce fig4``."""
    return Fig4Config(panels=panels, humans=humans, models=models, seed=seed, substitute=substitute)


def run(config: Fig4Config, context: RunContext) -> Outcome:
    """Figure 4 on the survey panels of OpinionQA under ``context.data``; computes and writes nothing.

    Without OpinionQA the figure is reported unavailable (the summary only); with ``config.substitute`` the
    Figure-4 protocol then runs on MovieLens genre panels instead, labelled as a substitute.

    Parameters
    ----------
    config : Fig4Config
        The panels and the protocol.
    context : RunContext
        Where the data are.

    Returns
    -------
    Outcome
        ``curve.csv``, ``curve_over_humans.csv``, ``humans.csv``, ``summary.json`` and ``fig4.png``; the
        headline says what the humans and models are and gives one line per panel.

    Raises
    ------
    InputError
        When a panel is unknown or has too few eligible humans.
    """
    root = data_root(context.data)
    folder = opinionqa_folder(root)
    # the substitute choice is not the protocol's: a run records it as ``substitute`` where it applied
    protocol = {name: value for name, value in asdict(config).items() if name != "substitute"}
    base = {"figure": "4", "paper": PAPER_EFFECT, "config": protocol}
    unavailable = f"Figure 4 unavailable: {UNAVAILABLE}"
    if folder is not None:
        panels = [_survey_panel(folder, wave, config, stream(config.seed, i))
                  for i, wave in enumerate(config.panels)]
        what = {"available": True, "about": {"data": str(folder), "bobs": HUMANS_ARE_GROUPS}}
        title = "Figure 4: survey panels, MSE vs number of models (groups as humans and as models)"
        lines = []
    elif config.substitute:
        substitute = movielens_data(root)
        panels = _movie_panels(substitute, config)
        what = {"available": False, "reason": UNAVAILABLE, "substitute": True,
                "about": {"data": substitute.source, "bobs": SUBSTITUTE}}
        title = "SUBSTITUTE for Figure 4 (no survey data): MovieLens genre panels, users and community models"
        lines = [unavailable]
    else:
        summary = {**base, "available": False, "reason": UNAVAILABLE,
                   "about": {"data": "none: no OpinionQA under the data root", "bobs": "none"}}
        return Outcome("fig4", summary, verdict=Verdict("measured", (unavailable,)))
    curve = CurveConfig(k_max=config.models, folds=config.folds, seed=config.seed, subsets="all")
    tables, found = measure_panels(panels, curve, slot_names(config.models), context.quiet)
    reason = "other groups' answers agree with Alice's on most questions"
    summary = {**base, **what, "panels": found,
               "comparison_with_paper": panel_comparison(found, config.models, reason)}
    lines += [what["about"]["bobs"], *panel_lines(summary)]
    return panels_outcome("fig4", summary, tables, title, lines)


def panels_outcome(name: str, summary: dict, tables: dict[str, pd.DataFrame], title: str,
                   lines: Sequence[str]) -> Outcome:
    """A panel figure's outcome: the tables of :func:`measure_panels`, ``summary.json`` and ``fig4.png``."""
    figures = {FIGURE: lambda: plot_panel_curves(tables["curve_over_humans.csv"], tables["humans.csv"], title=title)}
    return Outcome(name, summary, tables, figures, verdict=Verdict("measured", tuple(lines)))


def panel_comparison(panels: dict, k: int, reason: str) -> dict:
    """Our per-panel effects beside the paper's statement (its Figure 4 caption gives no percentage);
    ``reason`` says in words why the best single model is already good, used where it beats the constant."""
    single = [p["effect"]["nnls_vs_single_pct"] for p in panels.values()]
    average = [p["effect"]["nnls_vs_average_pct"] for p in panels.values()]
    constant = [p["effect"]["nnls_vs_constant_pct"] for p in panels.values()]
    best = [100.0 * (1 - p["effect"]["mse"]["single"] / p["effect"]["mse"]["constant"]) for p in panels.values()]
    reached = sum(pct <= -50.0 for pct in single)
    reproduced = 2 * reached > len(single)  # on most panels
    worse = sum(pct <= 0 for pct in best)
    if worse == 0:
        context = f"where the best single model already removes {min(best):.1f}% to {max(best):.1f}% ({reason})"
    elif worse == len(best):
        context = (f"while the best single model removes {min(best):.1f}% to {max(best):.1f}%: on no panel does "
                   "one model predict these humans better than a constant, so there is little signal to combine")
    else:
        context = (f"where the best single model removes {min(best):.1f}% to {max(best):.1f}% (on {worse} of "
                   f"{len(best)} panels it does worse than a constant, so a drop below it says little there)")
    why = (
        f"At K = {k} models NNLS is {max(single):+.1f}% to {min(single):+.1f}% vs the best single model and "
        f"{max(average):+.1f}% to {min(average):+.1f}% vs the average over the panels, removing "
        f"{-max(constant):.1f}% to {-min(constant):.1f}% of the constant predictor's error, {context}; "
        f"{reached} of {len(single)} panels reach a 50% drop below the best single model. The paper states its "
        "50-70% for Figure 1 at K = 100; its Figure 4 caption gives none."
    )
    return {"paper": PAPER_EFFECT, "reproduced_50_70_pct": reproduced,
            "panels_at_50_pct": f"{reached} of {len(single)}",
            "ours": {name: p["effect"] for name, p in panels.items()}, "why": None if reproduced else why}


def _survey_panel(folder: Path, wave: str, config: Fig4Config, rng: np.random.Generator) -> Panel:
    panel = load_panel(folder, wave)
    sizes = panel.groups().set_index("group")["respondents"].to_dict()
    markets, eligible = group_markets(panel.expected_answers(), sizes, humans=config.humans, models=config.models,
                                      min_respondents=config.min_respondents,
                                      min_questions=max(config.min_questions, config.folds), rng=rng)
    check_markets(markets, f"panel {panel.wave}")
    return Panel(panel.wave, panel.topic, markets, eligible)


def _movie_panels(loaded: Loaded, config: Fig4Config) -> list[Panel]:
    """Genres as panels; users with enough ratings in the genre as humans; community Bobs as the models."""
    data = loaded.data
    counts = data.rating_counts()
    family = CommunityBobs(n_bobs=config.models, prior="community", seed=config.seed)
    need = max(config.substitute_min_ratings, config.folds)
    alices = community_scores(data, counts.index[counts >= need], family)
    genres = data.movies.set_index("movie")["genres"]
    names = tuple(bob_names(family))
    panels = []
    for i, genre in enumerate(SUBSTITUTE_GENRES):
        rng = stream(config.seed, i)
        markets = []
        for alice in alices:
            rows = genres.reindex(alice.movies).str.contains(genre, regex=False).to_numpy()
            if rows.sum() >= need:
                markets.append(GroupMarket(f"user:{alice.user}", names, tuple(map(str, alice.movies[rows])),
                                           alice.ratings[rows].astype(float), alice.scores[rows]))
        chosen = sorted(rng.permutation(len(markets))[: config.humans])
        check_markets(markets, f"genre {genre}")
        panels.append(Panel(genre, f"{genre} movies", [markets[j] for j in chosen], len(markets)))
    return panels


def panel_curves(panel: Panel, curve: CurveConfig, bob_names: list[str], quiet: bool,
                 grouped: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One panel's curves, one batched call for all its humans: per human (``curve.csv`` rows) and across
    humans (mean ± 1 s.e.). ``grouped=False`` ignores the markets' row groups (random row folds)."""
    markets = panel.markets
    groups = [m.groups for m in markets] if grouped and markets[0].groups is not None else None
    results = market_curves([(m.scores, m.target) for m in markets], curve, bob_names=bob_names,
                            target_names=["alice"], quiet=quiet, groups=groups)
    table = stacked_tables(results, [m.alice for m in markets]).assign(panel=panel.name)
    return table, across_targets(table).assign(panel=panel.name, topic=panel.topic)


def measure_panels(panels: list[Panel], curve: CurveConfig, bob_names: list[str],
                   quiet: bool) -> tuple[dict[str, pd.DataFrame], dict]:
    """Curves for every panel: the tables (``curve.csv`` per human, ``curve_over_humans.csv``, ``humans.csv``)
    and the per-panel summary at ``curve.k_max``."""
    tables, frames, humans, found = [], [], [], {}
    for panel in panels:
        markets = panel.markets
        table, frame = panel_curves(panel, curve, bob_names, quiet)
        tables.append(table)
        frames.append(frame)
        humans.extend({"panel": panel.name, "human": m.alice, "models": " ; ".join(m.bobs),
                       "questions": _questions(m)} for m in markets)
        found[panel.name] = {
            "topic": panel.topic, "humans": len(markets), "eligible": panel.eligible,
            "questions_median": float(np.median([_questions(m) for m in markets])),
            "effect": effect_at_kmax(frame, curve.k_max),
            "effective_bobs_median": _median_effective(markets, bob_names),
        }
    written = {"curve.csv": pd.concat(tables, ignore_index=True),
               "curve_over_humans.csv": pd.concat(frames, ignore_index=True), "humans.csv": pd.DataFrame(humans)}
    return written, found


def _questions(market: GroupMarket) -> int:
    """A market's questions: its row groups where rows are a question's options, else its rows."""
    return len(market.questions) if market.groups is None else len(set(market.groups))


def panel_lines(summary: dict) -> list[str]:
    """One printed line per panel: humans, K, NNLS / simplex vs the best single model and the average, and
    the random-row-fold NNLS number where folds held out whole questions."""
    lines = []
    for name, panel in summary["panels"].items():
        effect = panel["effect"]
        topic = f" ({panel['topic']})" if panel["topic"] != name else ""
        line = (f"  {name}{topic}, {panel['humans']} humans, K = {effect['K']}: NNLS "
                f"{effect['nnls_vs_single_pct']:+.1f}% vs best single, {effect['nnls_vs_average_pct']:+.1f}% vs "
                f"average; simplex {effect['simplex_vs_single_pct']:+.1f}% / {effect['simplex_vs_average_pct']:+.1f}%")
        if "effect_random_row_folds" in panel:
            line += f" (random row folds: NNLS {panel['effect_random_row_folds']['nnls_vs_single_pct']:+.1f}%)"
        lines.append(line)
    return lines


def _median_effective(markets: list[GroupMarket], bob_names: list[str]) -> dict[str, float]:
    """Median over humans of the effective number of models (Σw)² / Σw² of NNLS and simplex on all rows."""
    found = [market_weights(m.scores, m.target, bob_names) for m in markets]
    return {method: float(np.median([f[method]["effective_bobs"] for f in found])) for method in found[0]}
