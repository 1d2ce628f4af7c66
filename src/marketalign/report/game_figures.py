"""The figures of the game experiments, drawn from their tables and summary alone: Figure 5 and its shared-bias
companion (docs/theory.md §1.6), Result 1 on random conversation games (§1.4), Result 2 with a quantal-response
Alice (§1.5). Each draws into the caller's axes or into a new figure, and returns the figure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from marketalign.report.axes import panels

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
"""One marker per committee size k."""


def plot_selection(table: pd.DataFrame, summary: dict[str, Any], axes: Sequence[Axes] | None = None) -> Figure:
    """Figure 5 (misaligned family): misalignment ε vs the minimum Alice utility at equilibrium per committee size k,
    with OPT − 2ε and OPT; for the shared-bias family a second panel against the shared bias b.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per (sample, k): ``equilibria.csv`` of ``game selection``.
    summary : dict
        Its summary (games, equilibria, violations, min_slack and the config's family).
    axes : sequence of Axes, optional
        One axes (misaligned family) or two (shared-bias); by default a new figure.

    Returns
    -------
    Figure
        The figure drawn into.
    """
    shared_bias = summary["config"]["family"] == "shared-bias"
    fig, drawn, new = panels(axes, 2 if shared_bias else 1, (11.5 if shared_bias else 6.4, 4.6))
    ax = drawn[0]
    opt_value = float(table["opt"].iloc[0])
    for marker, (k, part) in zip(MARKERS, table.groupby("k"), strict=False):
        ax.scatter(
            part["epsilon"],
            part["min_alice_utility"],
            marker=marker,
            s=26,
            alpha=0.75,
            label=f"k = {k}",
            edgecolors="none",
        )
    grid = np.linspace(0.0, max(float(table["epsilon"].max()), 1e-3) * 1.05, 50)
    ax.plot(grid, opt_value - 2 * grid, "r--", label="OPT − 2ε")
    ax.axhline(opt_value, color="green", linestyle=":", label="Alice-optimal utility (OPT)")
    ax.set_xlabel("misalignment ε (non-negative weights, exact)")
    ax.set_ylabel("minimum Alice utility at equilibrium")
    ax.set_ylim(max(0.0, float(table["min_alice_utility"].min()) - 0.1), opt_value + 0.05)
    ax.set_title("Shared bias: hull condition fails" if shared_bias else "Best-AI selection")
    ax.legend(fontsize=8, loc="lower left")
    ax.text(
        0.98,
        0.02,
        f"{summary['games']} games, {summary['equilibria']} equilibria\n"
        f"violations {summary['violations']}, min slack {summary['min_slack']:.3g}",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=8,
        bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85, "linewidth": 0.5},
    )
    if shared_bias:
        right = drawn[1]
        for marker, (k, part) in zip(MARKERS, table.groupby("k"), strict=False):
            right.plot(
                part["bias"],
                part["min_alice_utility"],
                marker=marker,
                linestyle="",
                alpha=0.75,
                label=f"k = {k}",
            )
        by_bias = table.groupby("bias")
        right.plot(
            by_bias["bias"].first(),
            opt_value - 2 * by_bias["epsilon"].mean(),
            "r--",
            label="OPT − 2ε (mean over k)",
        )
        right.axhline(opt_value, color="green", linestyle=":", label="OPT")
        right.set_xlabel("shared bias b toward Alice's least-valued action")
        right.set_ylabel("minimum Alice utility at equilibrium")
        right.set_ylim(ax.get_ylim())
        right.legend(fontsize=8, loc="lower left")
    if new:
        fig.tight_layout()
    return fig


def plot_conversation(
    table: pd.DataFrame,
    histogram: pd.DataFrame,
    summary: dict[str, Any],
    axes: Sequence[Axes] | None = None,
) -> Figure:
    """Left: Alice's loss at the worst pure equilibrium vs ε with the bound 2ε (games where the Identical Induced
    Distribution condition holds). Right: the distribution of the slacks.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per game: ``equilibria.csv`` of ``game conversation``.
    histogram : pandas.DataFrame
        The slack histogram (``slack_histogram.csv``: low, high, equilibria).
    summary : dict
        Its summary (games, equilibria, violations, min_slack).
    axes : sequence of two Axes, optional
        By default a new figure.

    Returns
    -------
    Figure
        The figure drawn into.
    """
    fig, (left, right), new = panels(axes, 2, (11, 4.4))
    held = table[table["condition_holds"] & (table["n_equilibria"] > 0)]
    left.scatter(
        held["epsilon"],
        held["opt"] - held["min_alice_utility"],
        s=8,
        alpha=0.5,
        edgecolors="none",
        label="worst pure equilibrium of a game",
    )
    top = max(float(held["epsilon"].max()) if len(held) else 0.0, 1e-3)
    left.plot([0, top], [0, 2 * top], "r--", label="bound: loss ≤ 2ε")
    left.set_xlabel("misalignment ε (non-negative weights, exact)")
    left.set_ylabel("OPT − min equilibrium utility of Alice")
    left.set_title("Result 1: strategic Alice, all pure equilibria")
    left.legend(fontsize=8, loc="upper left")
    right.bar(
        histogram["low"],
        histogram["equilibria"],
        width=histogram["high"] - histogram["low"],
        align="edge",
        color="tab:blue",
        alpha=0.8,
    )
    right.axvline(0.0, color="red", linestyle="--")
    right.set_xlabel("slack E[u_A] − (OPT − 2ε) per equilibrium")
    right.set_ylabel("equilibria")
    s = summary
    right.set_title(f"{s['games']} games, {s['equilibria']} equilibria, violations {s['violations']}")
    right.text(
        0.98,
        0.98,
        f"min slack {s['min_slack']:.3g}" if s["min_slack"] is not None else "no equilibria",
        transform=right.transAxes,
        ha="right",
        va="top",
        fontsize=8,
    )
    if new:
        fig.tight_layout()
    return fig


def plot_quantal(table: pd.DataFrame, summary: dict[str, Any], axes: Sequence[Axes] | None = None) -> Figure:
    """Left: Alice's utility vs β (means over games) beside Q* and the bound OPT − 2ε − δΣw − ln|A|/β. Right:
    each game's smallest slack vs β.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per (game, β): ``quantal.csv`` of ``game quantal``.
    summary : dict
        Its summary (games, equilibria, violations).
    axes : sequence of two Axes, optional
        By default a new figure.

    Returns
    -------
    Figure
        The figure drawn into.
    """
    fig, (left, right), new = panels(axes, 2, (11, 4.4))
    by_beta = table.groupby("beta")
    betas = np.array(sorted(table["beta"].unique()))
    left.plot(betas, by_beta["min_alice_utility"].mean(), "o-", label="min equilibrium utility (mean)")
    low, high = by_beta["min_alice_utility"].quantile(0.1), by_beta["min_alice_utility"].quantile(0.9)
    left.fill_between(betas, low, high, alpha=0.2, label="10–90% over games")
    left.plot(betas, by_beta["single_bob_utility"].mean(), "s--", label="one C_B* Bob alone (Q*)")
    left.plot(betas, by_beta["opt"].mean(), "g:", label="OPT (mean)")
    left.plot(
        betas, by_beta["bound"].mean().clip(lower=0), "r--", label="OPT − 2ε − δΣw − ln|A|/β (mean, ≥ 0)"
    )
    left.set_xscale("log")
    left.set_xlabel("rationality β")
    left.set_ylabel("Alice's expected utility")
    left.set_title("Result 2: quantal-response Alice")
    left.legend(fontsize=8, loc="lower right")
    worst = [
        table.loc[(table["beta"] == b) & (table["n_equilibria"] > 0), "min_slack"].to_numpy() for b in betas
    ]
    right.boxplot(worst, positions=np.log10(betas), widths=0.15, showfliers=False)
    right.axhline(0.0, color="red", linestyle="--")
    right.set_xticks(np.log10(betas), [f"{b:g}" for b in betas])
    right.set_xlabel("rationality β")
    right.set_ylabel("slack of the bound at a game's worst equilibrium")
    s = summary
    right.set_title(f"{s['games']} games, {s['equilibria']} equilibria, violations {s['violations']}")
    if new:
        fig.tight_layout()
    return fig
