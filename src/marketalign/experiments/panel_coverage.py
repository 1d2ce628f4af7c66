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
from pathlib import Path

import numpy as np
import pandas as pd

from marketalign.data.tables import INSTANCE
from marketalign.errors import InputError
from marketalign.experiments.defaults import COVERAGE_ROBUST, COVERAGE_SAMPLES, COVERAGE_SOURCES
from marketalign.experiments.fig4_llm import load_market
from marketalign.hull.coverage import item_coverage
from marketalign.report.outputs import prepare_dir, versions, write_json, write_table

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
    """Which market, the k values of k-robust coverage, and the sampled removals beyond the exact limit."""

    source: str = COVERAGE_SOURCES[0]
    robust: tuple[int, ...] = COVERAGE_ROBUST
    samples: int = COVERAGE_SAMPLES
    seed: int = 0

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise InputError(f"coverage needs rows that are a question's options: choose {' or '.join(SOURCES)}, "
                             f"not {self.source!r}.")


def run(out: str | Path, root: Path | None, config: PanelCoverageConfig = PanelCoverageConfig()) -> dict:
    """Coverage of every human of ``config.source`` under ``root``, written into ``out``; return the summary.

    Raises
    ------
    InputError
        When the release is missing (see :func:`marketalign.experiments.fig4_llm.load_market`) or a k is out
        of range for the number of models.
    """
    out = prepare_dir(out)
    table, bobs, _, loading = load_market(root, config.source)
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
        "about": {"models": bobs, "humans": len(per_human), "loading": loading,
                  "robust_method": methods, "estimates": {k: v["estimates"] for k, v in found["robust"].items()}},
        "config": asdict(config),
        "median_over_humans": medians,
        "orientation": ORIENTATION,
        "versions": versions(),
        "files": ["coverage.csv", "humans.csv", "summary.json"],
    }
    write_table(pd.concat(tables, ignore_index=True), out / "coverage.csv")
    write_table(per_human, out / "humans.csv")
    write_json(summary, out / "summary.json")
    return summary
