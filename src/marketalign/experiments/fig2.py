"""Figure 2: sparsity (number of weights above 1e-6) of the NNLS and simplex fits vs K, ±1 std over orderings.

Drawn for both curve figures' runs side by side: ethics (Figure 1's Bobs) and movie ratings (Figure 3's).
The count is taken on the fit on all of Alice's rows ([OURS], docs/theory.md §1.3).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

from marketalign.data.location import data_root
from marketalign.data.sources import ethics_data, movielens_data
from marketalign.experiments import fig1, fig3
from marketalign.experiments.protocol import Outcome, RunContext, Verdict
from marketalign.report.figure_plots import plot_sparsity_panels

TITLE = "Figure 2: non-zero weights (> 1e-6) vs K, ±1 std over orderings"
COLUMNS = ["domain", "K", "method", "nnz_mean", "nnz_std", "weight_sum_mean", "n_curves"]


@dataclass(frozen=True)
class Fig2Config:
    """The two runs whose sparsity is drawn.

    Attributes
    ----------
    ethics : Fig1Config
        Figure 1's run (classifier Bobs on ETHICS), with its defaults.
    movies : Fig3Config
        Figure 3's run (community Bobs for one MovieLens user), with its defaults. The sparsity threshold, 1e-6,
        is the paper's and not a setting.
    """

    ethics: fig1.Fig1Config = field(default_factory=fig1.Fig1Config)
    movies: fig3.Fig3Config = field(default_factory=fig3.Fig3Config)


def configure(*, orderings: int, seed: int) -> Fig2Config:
    """The config of ``marketalign reproduce fig2``: Figures 1 and 3's runs with these orderings and seed."""
    return Fig2Config(ethics=fig1.configure(bobs=fig1.Fig1Config().bobs, orderings=orderings, seed=seed),
                      movies=fig3.configure(bobs=fig3.Fig3Config().bobs, user=fig3.Fig3Config().user,
                                            orderings=orderings, seed=seed))


def run(config: Fig2Config, context: RunContext) -> Outcome:
    """Compute Figure 1's and Figure 3's runs on the data of ``context.data`` and their sparsity; write nothing.

    Parameters
    ----------
    config : Fig2Config
        The two runs (Figure 1's classifier Bobs, Figure 3's community Bobs).
    context : RunContext
        Where the data are.

    Returns
    -------
    Outcome
        ``sparsity.csv``, ``summary.json`` and ``fig2.png``; the headline gives each domain's non-zero weights
        at its K_max.

    Raises
    ------
    InputError
        See :func:`marketalign.experiments.fig1.compute` and :func:`marketalign.experiments.fig3.compute`.
    """
    root = data_root(context.data)
    runs = {
        "ethics": fig1.compute(ethics_data(root), config.ethics, context.quiet),
        "movies": fig3.compute(movielens_data(root), config.movies, context.quiet),
    }
    frames = []
    for domain, computed in runs.items():
        table = computed.result.table
        frames.append(table[table["method"].isin(["nnls", "simplex"])].assign(domain=domain)[COLUMNS])
    sparsity = pd.concat(frames, ignore_index=True)
    k_max = {d: c.result.config.k_max for d, c in runs.items()}
    at_k = {d: {m: float(sparsity[(sparsity.domain == d) & (sparsity.K == k) & (sparsity.method == m)]
                         ["nnz_mean"].iloc[0]) for m in ("nnls", "simplex")} for d, k in k_max.items()}
    summary = {
        "figure": "2",
        "about": {"data": {d: c.about["data"] for d, c in runs.items()},
                  "bobs": {d: c.about["bobs"] for d, c in runs.items()}},
        "config": asdict(config),
        "nonzero_at_kmax": at_k,
        "k_max": k_max,
        "runs": {d: {**c.about, "config": c.result.summary()["config"]} for d, c in runs.items()},
        "paper": "paper [SEED]: sparsity of NNLS and simplex vs K, thresholded at 1e-6, ±1 std over permutations",
    }
    titles = {d: c.about["label"] for d, c in runs.items()}
    return Outcome("fig2", summary, tables={"sparsity.csv": sparsity},
                   figures={"fig2.png": lambda: plot_sparsity_panels(sparsity, titles, title=TITLE)},
                   verdict=Verdict("measured", tuple(_lines(sparsity))))


def _lines(sparsity: pd.DataFrame) -> list[str]:
    """One line per domain and method: the non-zero weights at the domain's K_max."""
    at_k = sparsity[sparsity["K"] == sparsity.groupby("domain")["K"].transform("max")]
    return [f"  {row.domain:<7} K = {row.K}: {row.method:<8} {row.nnz_mean:.1f} ± {row.nnz_std:.1f} non-zero"
            for row in at_k.itertuples()]
