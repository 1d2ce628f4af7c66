"""Result folders of every shape the report must show, written once per test session.

``results`` holds: a real curve folder (written by the library's own curve writer), a games-style folder
(table + figure + a violations subfolder of JSON only), a nested folder with tables but no figure and no
summary, a folder whose summary lacks most keys, and a large CSV. ``broken`` holds files that cannot be shown.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from marketalign import CurveConfig, SyntheticBobs, market_curve, synthetic_bobs  # noqa: E402
from marketalign.experiments.protocol import write_outcome  # noqa: E402
from marketalign.report.curves import curve_outcome  # noqa: E402
from marketalign.report.outputs import save_figure, versions, write_json, write_table  # noqa: E402

LARGE_ROWS = 25_000


def write_scatter(path: Path, seed: int, size: tuple[float, float] = (4.0, 3.0)) -> Path:
    """A small real matplotlib figure (different pixels for different seeds)."""
    rng = np.random.default_rng(seed)
    fig, ax = plt.subplots(figsize=size)
    ax.scatter(rng.random(30), rng.random(30), marker="^")
    ax.plot([0, 1], [1, 0], "r--", label="OPT − 2ε")
    ax.legend()
    return save_figure(fig, path)


def write_results_tree(root: Path) -> Path:
    """Write the ``results`` tree described in the module docstring under ``root``; return it."""
    rng = np.random.default_rng(0)
    alice = rng.normal(size=240)
    scores = synthetic_bobs(alice, SyntheticBobs(n_bobs=5, seed=1))
    curve = market_curve(scores, alice, CurveConfig(orderings=3, folds=3), quiet=True)
    write_outcome(curve_outcome("curve", curve, title="synthetic test curve",
                                about={"alice": "Gaussian utility", "bobs": "SYNTHETIC Bobs, 5 of them"}),
                  root / "curve_demo")

    games = root / "games" / "selection"
    games.mkdir(parents=True)
    table = pd.DataFrame({"sample": np.arange(12), "k": np.repeat([2, 3, 4], 4), "epsilon": rng.random(12),
                          "min_alice_utility": rng.random(12), "family": "misaligned"})
    write_table(table, games / "equilibria.csv")
    write_scatter(games / "fig5.png", seed=1)
    write_json({"experiment": "selection-misaligned", "config": {"samples": 4, "ks": [2, 3, 4], "seed": 7},
                "seed": 7, "versions": versions(), "games": 12, "violations": 0, "min_slack": 0.0123456789,
                "per_k": {"2": {"games": 4}, "3": {"games": 4}}, "files": ["equilibria.csv", "fig5.png"]},
               games / "summary.json")
    (games / "violations").mkdir()
    write_json({"sample": 3, "k": 2, "slack": -0.5}, games / "violations" / "sample_3.json")

    nested = root / "network" / "paths" / "depth"
    nested.mkdir(parents=True)
    write_table(pd.DataFrame({"D": [1, 2, 4], "loss": [0.5, 0.25, 0.125]}), nested / "results.csv")
    pd.DataFrame({"D": [1, 2], "note": ["a, quoted \"text\"", "line\nbreak"]}).to_parquet(
        nested / "extra.parquet", index=False)

    sparse = root / "sparse_summary"
    sparse.mkdir()
    (sparse / "summary.json").write_text(json.dumps({"mse": 0.5, "nested": {"deep": {"value": [1, 2, 3]}}}))
    write_scatter(sparse / "only.png", seed=2, size=(2.0, 1.5))
    (sparse / "only.pdf").write_bytes(b"%PDF-1.4 not really rendered\n")

    large = root / "large"
    large.mkdir()
    values = rng.normal(size=(LARGE_ROWS, 60))
    write_table(pd.DataFrame(values, columns=[f"bob_{i:02d}" for i in range(60)]), large / "scores.csv")

    hidden = root / ".cache"
    hidden.mkdir()
    write_table(pd.DataFrame({"x": [1]}), hidden / "ignored.csv")
    return root


def write_broken_tree(root: Path) -> Path:
    """A folder whose files cannot be shown (a bad PNG, invalid JSON, an empty table) and a subfolder whose
    summary lists a file that is missing."""
    root.mkdir(parents=True)
    (root / "figure.png").write_bytes(b"this is not a png")
    (root / "summary.json").write_text('{"config": {"seed": 1,}}')
    (root / "empty.csv").write_bytes(b"")
    (root / "other.json").write_text("[1, 2")
    write_scatter(root / "fine.png", seed=3)
    listed = root / "listed"
    listed.mkdir()
    write_json({"seed": 2, "files": ["gone.png", "summary.json"]}, listed / "summary.json")
    return root


CURVE = {"about": {"comparison_with_paper": {
    "ours": {"K": 16, "nnls_vs_single_pct": -12.345, "nnls_vs_average_pct": -40.0},
    "paper": "paper [SEED]: error dropping by 50-70% at K = 100", "reproduced_50_70_pct": False}}}
PANELS = {"paper": "paper [SEED]: panels claim", "comparison_with_paper": {
    "ours": {"W1": {"K": 9, "nnls_vs_single_pct": -30.0}, "W2": {"K": 9, "nnls_vs_single_pct": -10.0}},
    "reproduced_50_70_pct": True}}
GAME = {"experiment": "conversation", "violations": 2, "min_slack": -0.25, "games": 10}
NETWORK = {"experiment": "path", "checks": {"violations": 0, "max_excess_over_bound": 0.0787}}
COVERAGE = {"experiment": "coverage", "median_over_humans": {"covered_pct": 63.9, "robust_1_pct": 41.0}}


def write_run(root: Path) -> Path:
    """A run folder as ``marketalign demo`` leaves it: steps.csv, report-less step folders, some missing."""
    root.mkdir(parents=True)
    summaries = {"fig1_llm": CURVE, "fig4_tjuatja": PANELS, "conversation": GAME, "network_path": NETWORK,
                 "coverage": COVERAGE}
    for name, summary in summaries.items():
        (root / name).mkdir()
        (root / name / "summary.json").write_text(json.dumps(summary))
    (root / "fig3").mkdir()
    (root / "fig3" / "summary.json").write_text("{not json")
    (root / "fig3" / "curve.csv").write_text("K,mse\n1,0.5\n")
    (root / "aaa_extra").mkdir()
    (root / "aaa_extra" / "t.csv").write_text("x\n1\n")
    (root / "steps.csv").write_text("step,command,status,exit_code,seconds\n"
                                    "llm_judges,marketalign x,skipped: needs data,0,0.0\n"
                                    "fig1_llm,marketalign y,done,0,1.5\n")
    return root
