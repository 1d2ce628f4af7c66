"""Figure 2: sparsity (number of weights above 1e-6) of the NNLS and simplex fits vs K, ±1 std over orderings.

Drawn for both curve figures' runs side by side: ethics (Figure 1's Bobs) and movie ratings (Figure 3's).
The count is taken on the fit on all of Alice's rows ([OURS], docs/theory.md §1.3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from marketalign.experiments import fig1, fig3
from marketalign.experiments.figures import Computed, Loaded, ethics_data, movielens_data
from marketalign.report.outputs import prepare_dir, save_figure, versions, write_json, write_table
from marketalign.report.plots import plot_sparsity_vs_k


@dataclass(frozen=True)
class Fig2Config:
    """The two runs whose sparsity is drawn."""

    ethics: fig1.Fig1Config = field(default_factory=fig1.Fig1Config)
    movies: fig3.Fig3Config = field(default_factory=fig3.Fig3Config)


def run(out: str | Path, ethics: Loaded | None = None, movies: Loaded | None = None,
        config: Fig2Config = Fig2Config(), quiet: bool = True) -> pd.DataFrame:
    """Compute both runs, then :func:`draw` them."""
    runs = {
        "ethics": fig1.compute(ethics or ethics_data(None), config.ethics, quiet),
        "movies": fig3.compute(movies or movielens_data(None), config.movies, quiet),
    }
    return draw(out, runs)


def draw(out: str | Path, runs: dict[str, Computed]) -> pd.DataFrame:
    """Draw one sparsity panel per run; write ``sparsity.csv``, ``summary.json`` and ``fig2.png``."""
    out = prepare_dir(out)
    frames = []
    fig, axes = plt.subplots(1, len(runs), figsize=(5.5 * len(runs), 4.2), squeeze=False)
    for ax, (domain, computed) in zip(axes[0], runs.items(), strict=True):
        table = computed.result.table
        rows = table[table["method"].isin(["nnls", "simplex"])].assign(domain=domain)
        frames.append(rows[["domain", "K", "method", "nnz_mean", "nnz_std", "weight_sum_mean", "n_curves"]])
        plot_sparsity_vs_k(rows, title=computed.about["label"], ax=ax)
    fig.suptitle("Figure 2: non-zero weights (> 1e-6) vs K, ±1 std over orderings", fontsize=11)
    fig.tight_layout()
    sparsity = pd.concat(frames, ignore_index=True)
    write_table(sparsity, out / "sparsity.csv")
    save_figure(fig, out / "fig2.png")
    k_max = {d: c.result.config.k_max for d, c in runs.items()}
    at_k = {d: {m: float(sparsity[(sparsity.domain == d) & (sparsity.K == k) & (sparsity.method == m)]
                         ["nnz_mean"].iloc[0]) for m in ("nnls", "simplex")} for d, k in k_max.items()}
    summary = {
        "figure": "2",
        "nonzero_at_kmax": at_k,
        "k_max": k_max,
        "runs": {d: {**c.about, "config": c.result.summary()["config"]} for d, c in runs.items()},
        "paper": "paper [SEED]: sparsity of NNLS and simplex vs K, thresholded at 1e-6, ±1 std over permutations",
        "versions": versions(),
        "files": ["fig2.png", "sparsity.csv", "summary.json"],
    }
    write_json(summary, out / "summary.json")
    return sparsity
