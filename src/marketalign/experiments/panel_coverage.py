"""Coverage per question on a real LLM panel, for every human group (docs/theory.md §3.1–3.3).

For each human of ``meister`` or ``tjuatja`` (rows are a question's options) and each question, is her
centred answer distribution a non-negative combination of the models' centred distributions
(:func:`marketalign.hull.coverage.item_coverage`)? Reported per human and as medians over humans: the fraction
of questions covered, the fraction still covered after removing any k models, and the angle to the closest
model, beside the follow-up paper's RewardBench 2 numbers (a different panel, given for orientation only).
Questions with a missing model cell are dropped for that human and counted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from marketalign.data.location import data_root
from marketalign.data.sources import PANEL_SOURCES, load_market
from marketalign.data.tables import INSTANCE
from marketalign.errors import InputError
from marketalign.experiments.defaults import COVERAGE_ROBUST, COVERAGE_SAMPLES, COVERAGE_SOURCES
from marketalign.experiments.fig4_llm import ABOUT
from marketalign.experiments.protocol import Outcome, RunContext, Verdict
from marketalign.hull.coverage import item_coverage

SOURCES = COVERAGE_SOURCES
ORIENTATION = {
    "panel": "RewardBench 2, 48 reward models (Collina, Goel, Roth, Sengupta, Delegating Authorization to "
    "Misaligned Agents); not available here, a different market, for orientation only",
    "covered_pct": 90.2,
    "robust_pct": {"1": 77.2, "5": 37.9},
    "median_closest_angle_deg": 6.8,
}


@dataclass(frozen=True)
class PanelCoverageConfig:
    """Which market, the k values of k-robust coverage, and the sampled removals beyond the exact limit.

    Attributes
    ----------
    source : {"meister", "tjuatja"}
        The market; its rows must be a question's options (docs/theory.md §3.1).
    robust : tuple of int
        The k of k-robust coverage (docs/theory.md §3.2); default 1 and 5, the k the follow-up paper reports.
    samples : int
        Sampled removals per k where the exact search would exceed its limit (1000; docs/theory.md §3.4).
    seed : int
        Seeds those samples, the same for every question.

    Raises
    ------
    InputError
        A ``source`` whose rows are not a question's options.
    """

    source: str = COVERAGE_SOURCES[0]
    robust: tuple[int, ...] = COVERAGE_ROBUST
    samples: int = COVERAGE_SAMPLES
    seed: int = 0

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise InputError(f"coverage needs rows that are a question's options: choose {' or '.join(SOURCES)}, "
                             f"not {self.source!r}.")


def configure(*, source: str, robust: tuple[int, ...], samples: int, seed: int) -> PanelCoverageConfig:
    """The config of ``marketalign reproduce coverage``."""
    return PanelCoverageConfig(source=source, robust=robust, samples=samples, seed=seed)


def run(config: PanelCoverageConfig, context: RunContext) -> Outcome:
    """Coverage of every human of ``config.source`` under the data root of ``context.data``; writes nothing.

    Parameters
    ----------
    config : PanelCoverageConfig
        The market, the k values and the sampled removals.
    context : RunContext
        Where the data are.

    Returns
    -------
    Outcome
        ``coverage.csv`` (per human and question), ``humans.csv`` (per human) and ``summary.json``; the headline
        gives the medians over humans beside the orientation numbers of another market.

    Raises
    ------
    InputError
        When the release is missing (see :func:`marketalign.data.sources.load_market`) or a k is out of range
        for the number of models.
    """
    table, bobs, _, loading = load_market(data_root(context.data), config.source)
    tables, humans = [], []
    for human, own in table.groupby("human", sort=False):
        incomplete = own.loc[own[bobs].isna().any(axis=1), "group"].unique()
        rows = own[~own["group"].isin(incomplete)]
        result = item_coverage(rows, item="group", answer=INSTANCE, bobs=bobs, robust=config.robust,
                               samples=config.samples, seed=config.seed, where=f"{config.source} human {human}")
        found = result.summary()
        tables.append(result.table.assign(human=human))
        humans.append({"human": human, "questions": found["items"], "dropped_incomplete": len(incomplete),
                       "covered_pct": 100.0 * found["covered_fraction"],
                       **{f"robust_{k}_pct": 100.0 * v["fraction"] for k, v in found["robust"].items()},
                       "median_closest_angle_deg": found["median_closest_angle_deg"]})
    per_human = pd.DataFrame(humans)
    medians = {column: float(np.median(per_human[column])) for column in per_human.columns
               if column.endswith("_pct") or column == "median_closest_angle_deg"}
    methods = {str(k): method for k, method in result.robust_method.items()}
    summary = {
        "experiment": "coverage",
        "source": config.source,
        "about": {"data": f"{PANEL_SOURCES[config.source]} under the data root", "bobs": ABOUT[config.source],
                  "models": bobs, "humans": len(per_human), "loading": loading,
                  "robust_method": methods, "estimates": {k: v["estimates"] for k, v in found["robust"].items()}},
        "config": asdict(config),
        "median_over_humans": medians,
        "orientation": ORIENTATION,
    }
    robust = "".join(f", {medians[f'robust_{k}_pct']:.1f}% after removing any {k}" for k in config.robust)
    lines = (f"{config.source}, {len(per_human)} humans (medians): {medians['covered_pct']:.1f}% of questions "
             f"covered{robust}; closest model {medians['median_closest_angle_deg']:.1f} deg away",
             f"for orientation (another market): {ORIENTATION['covered_pct']}% covered, "
             f"{ORIENTATION['robust_pct']['1']}% / {ORIENTATION['robust_pct']['5']}% after any 1 / 5, "
             f"{ORIENTATION['median_closest_angle_deg']} deg")
    return Outcome("coverage", summary, tables={"coverage.csv": pd.concat(tables, ignore_index=True),
                                                "humans.csv": per_human},
                   verdict=Verdict("measured", lines, headline=lines[0]))
