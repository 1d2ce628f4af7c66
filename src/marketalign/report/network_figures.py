"""The figures of the network experiments (a)-(e) and of ``network train``, drawn from their results table and
summary alone (docs/theory.md §2). Each draws into the caller's axes or into a new figure, and returns the
figure; the key numbers of a panel sit in one of its corners (:func:`annotate`), so that it reads without the
table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from marketalign.network.bounds import depth_lower_bound
from marketalign.report.axes import panels
from marketalign.seeding import stream


def annotate(ax: Axes, lines: Sequence[str], corner: str = "upper right") -> None:
    """Put the key numbers of a panel in a corner (``upper right``, ``lower left``, ...)."""
    box = {"boxstyle": "round", "facecolor": "white", "alpha": 0.85, "linewidth": 0.5}
    top = corner.startswith("upper")
    right = corner.endswith("right")
    ax.text(
        0.98 if right else 0.02,
        0.98 if top else 0.02,
        "\n".join(lines),
        transform=ax.transAxes,
        ha="right" if right else "left",
        va="top" if top else "bottom",
        fontsize=7,
        family="monospace",
        bbox=box,
    )


def _one_panel(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes, bool]:
    fig, (drawn,), new = panels(None if ax is None else [ax], 1, figsize)
    return fig, drawn, new


def plot_path(table: pd.DataFrame, axes: Sequence[Axes] | None = None) -> Figure:
    """Experiment (a), docs/theory.md §2.3: excess error of agent D vs depth per coverage window M (median over
    draws, min-max band) with the bound dashed, one panel per distribution.

    Parameters
    ----------
    table : pandas.DataFrame
        ``results.csv`` of ``network path`` (distribution, window, instance, depth, excess, bound, ratio).
    axes : sequence of Axes, optional
        One per distribution of the table; by default a new figure.

    Returns
    -------
    Figure
        The figure drawn into.
    """
    dists = list(dict.fromkeys(table["distribution"]))
    fig, drawn, new = panels(axes, len(dists), (6 * len(dists), 4.5))
    for ax, dist in zip(drawn, dists, strict=True):
        part = table[table["distribution"] == dist]
        for color, (window, curve) in zip(
            plt.cm.viridis(np.linspace(0, 0.9, part["window"].nunique())), part.groupby("window"), strict=True
        ):
            stats = curve.groupby("depth").agg(
                median=("excess", "median"),
                low=("excess", "min"),
                high=("excess", "max"),
                bound=("bound", "median"),
            )
            floor = 1e-16
            ax.plot(stats.index, stats["median"].clip(lower=floor), color=color, label=f"M = {window}")
            ax.fill_between(
                stats.index,
                stats["low"].clip(lower=floor),
                stats["high"].clip(lower=floor),
                color=color,
                alpha=0.2,
            )
            ax.plot(stats.index, stats["bound"], color=color, linestyle="--", linewidth=0.8)
        ax.set(
            xscale="log",
            yscale="log",
            xlabel="depth D (path length)",
            ylabel="excess error of agent D",
            title=f"{dist}: median (band: min-max), dashed: bound",
        )
        ax.set_ylim(bottom=1e-12)
        part_max = part["ratio"].max()
        annotate(ax, [f"max excess/bound = {part_max:.3g}", f"instances = {part['instance'].nunique()}"])
        ax.legend(fontsize=7, loc="lower left")
    if new:
        fig.tight_layout()
    return fig


def plot_lowerbound(table: pd.DataFrame, summary: dict[str, Any], axes: Sequence[Axes] | None = None) -> Figure:
    """Experiment (b), docs/theory.md §2.4. Left: error vs depth of every random-DAG agent and of the attaining
    ordering, against 1/(D+1). Right: the hub's error vs the number of spokes, against 1/2.

    Parameters
    ----------
    table : pandas.DataFrame
        ``results.csv`` of ``network lowerbound`` (one row per agent, per hub for hub-and-spokes).
    summary : dict
        Its summary (the ``checks``).
    axes : sequence of two Axes, optional
        By default a new figure.

    Returns
    -------
    Figure
        The figure drawn into.
    """
    checks = summary["checks"]
    fig, (left, right), new = panels(axes, 2, (12, 4.5))
    random_part = table[table["family"] == "random_dag"]
    jitter = stream(0).uniform(-0.15, 0.15, len(random_part))
    floor = 1e-4  # an error of exactly 0 (depth >= d) is drawn at this floor of the log axis
    for shallow, color, label in (
        (True, "tab:blue", "random DAG agent, D < d"),
        (False, "0.6", "random DAG agent, D >= d"),
    ):
        part = (random_part["below_full_depth"] == shallow).to_numpy()
        left.scatter(
            random_part["depth"][part] + jitter[part],
            random_part["error"][part].clip(lower=floor),
            s=6,
            alpha=0.4,
            color=color,
            label=label,
        )
    ordering = table[table["family"] == "ordering"]
    for d, part in ordering.groupby("n_features"):
        left.plot(
            part["depth"],
            part["error"].clip(lower=floor),
            marker="o",
            markersize=3,
            linewidth=0.8,
            label=f"attaining ordering, d = {d}",
        )
    depth = np.arange(1, max(int(table["depth"].max()), 2) + 1)
    left.plot(depth, depth_lower_bound(depth), "r--", label="1/(D+1)")
    left.set(
        xscale="log",
        yscale="log",
        ylim=(floor / 2, 1.5),
        xlabel="agent depth D",
        ylabel=f"error (benchmark is 0; 0 drawn at {floor:g})",
        title="chain-difference: error vs depth",
    )
    left.legend(fontsize=7, loc="lower left")
    minimum = checks["min_error_times_depth_plus_one"]
    annotate(
        left,
        [
            f"min error*(D+1), D<d: {minimum:.12f}" if minimum is not None else "no random DAG",
            f"violations: {checks['violations']}",
            f"ordering gap: {checks['ordering_max_gap_to_bound']:.1e}",
        ],
        corner="lower right",
    )
    hubs = table[table["family"] == "hub"]
    right.plot(hubs["n_features"], hubs["error"], "o-", color="tab:green", label="hub error")
    right.axhline(0.5, color="r", linestyle="--", label="1/2")
    right.set(
        xscale="log",
        ylim=(0, 1),
        xlabel="number of spokes (= d)",
        ylabel="hub error",
        title="hub-and-spokes: spokes see all features",
    )
    annotate(right, [f"d={d}: {e:.12f}" for d, e in checks["hub_errors"].items()])
    right.legend(fontsize=7, loc="lower left")
    if new:
        fig.tight_layout()
    return fig


def plot_cyclic(table: pd.DataFrame, summary: dict[str, Any], ax: Axes | None = None) -> Figure:
    """Experiment (c), docs/theory.md §2.5: the excess error after p passes per d, with the d = 10 fixtures.

    Parameters
    ----------
    table : pandas.DataFrame
        ``results.csv`` of ``network cyclic`` (one row per agent).
    summary : dict
        Its summary (the ``checks`` with the fixtures).
    ax : Axes, optional
        By default a new figure.

    Returns
    -------
    Figure
        The figure drawn into.
    """
    checks = summary["checks"]
    fig, ax, new = _one_panel(ax, (7, 4.5))
    for d, part in table.groupby("n_features"):
        ends = part[part["end_of_pass"]]
        ax.plot(ends["pass"], ends["excess"].clip(lower=1e-16), marker=".", label=f"d = {d}")
    if checks["fixtures"]:
        ax.scatter(
            [f["pass"] for f in checks["fixtures"]],
            [f["expected"] for f in checks["fixtures"]],
            marker="x",
            color="k",
            zorder=3,
            label="fixtures (d = 10, docs/theory.md §2.5)",
        )
    ax.set(
        yscale="log",
        xlabel="passes p over the features",
        ylabel="excess error after p passes",
        title="cyclic-coverage path, chain-difference distribution",
    )
    ax.legend(fontsize=8, loc="lower left")
    annotate(
        ax, [f"p={f['pass']:>2}: {f['computed']:.4g} (fixture {f['expected']:g})" for f in checks["fixtures"]]
    )
    if new:
        fig.tight_layout()
    return fig


def plot_real(table: pd.DataFrame, summary: dict[str, Any], ax: Axes | None = None) -> Figure:
    """Experiment (d): held-out excess error over Var(y) vs the depth of layered random DAGs per width (mean ±
    s.e. over splits), and hub-and-spokes.

    Parameters
    ----------
    table : pandas.DataFrame
        ``results.csv`` of ``network real`` (one row per (split, DAG)).
    summary : dict
        Its summary (config, mean relative excess, benchmark MSE).
    ax : Axes, optional
        By default a new figure.

    Returns
    -------
    Figure
        The figure drawn into.
    """
    fig, ax, new = _one_panel(ax, (7.5, 4.5))
    layered = table[table["topology"] == "layered"]
    for width, part in layered.groupby("width"):
        stats = part.groupby("depth")["relative_excess"].agg(["mean", "sem"])
        ax.errorbar(
            stats.index,
            stats["mean"],
            yerr=stats["sem"].fillna(0),
            marker="o",
            markersize=3,
            capsize=2,
            label=f"layered, width {width}",
        )
    hub = table[table["topology"] == "hub"]["relative_excess"]
    ax.errorbar(
        [2],
        [hub.mean()],
        yerr=[hub.sem() if len(hub) > 1 else 0],
        marker="s",
        color="k",
        linestyle="none",
        capsize=2,
        label="hub-and-spokes (one spoke per feature)",
    )
    ax.axhline(0, color="0.5", linewidth=0.8)
    ax.set(
        xscale="log",
        xlabel="DAG depth (layers)",
        ylabel="(MSE − benchmark MSE) / Var(y), held out",
        title=f"{summary['config']['table'] or summary['config']['dataset']}: "
        f"{summary['config']['splits']} random splits, mean ± s.e.",
    )
    ax.legend(fontsize=7)
    deepest = max(int(D) for D in layered["depth"])
    annotate(
        ax,
        [f"benchmark MSE/Var = {summary['benchmark_mean_mse'] / table['test_variance'].mean():.3f}"]
        + [
            f"width {w}, depth {deepest}: {v[deepest]:+.3f}"
            for w, v in ((k.split("=")[1], v) for k, v in summary["mean_relative_excess"].items())
            if deepest in v
        ],
    )
    if new:
        fig.tight_layout()
    return fig


def plot_general(table: pd.DataFrame, summary: dict[str, Any], ax: Axes | None = None) -> Figure:
    """Experiment (e), docs/theory.md §2.6: held-out MSE of the agent at depth D per learner, each learner on all
    features dashed, hub-and-spokes as squares, the Bayes error dotted.

    Parameters
    ----------
    table : pandas.DataFrame
        ``results.csv`` of ``network general`` (one row per (draw, learner, topology, agent)).
    summary : dict
        Its summary (benchmark, hub and last-agent MSE per learner, Bayes error).
    ax : Axes, optional
        By default a new figure.

    Returns
    -------
    Figure
        The figure drawn into.
    """
    fig, ax, new = _one_panel(ax, (7.5, 4.5))
    path = table[table["topology"] == "path"]
    for color, (learner, part) in zip(plt.cm.tab10.colors, path.groupby("learner", sort=False), strict=False):
        mean = part.groupby("depth")["test_mse"].mean()
        ax.plot(mean.index, mean.values, color=color, label=f"{learner}: agent at depth D")
        ax.axhline(summary["benchmark_test_mse"][learner], color=color, linestyle="--", linewidth=0.8)
        hub = summary["hub_test_mse"].get(learner)
        if hub is not None:
            ax.scatter([2], [hub], color=color, marker="s", zorder=3)
    ax.axhline(summary["bayes_mse"], color="k", linestyle=":", label="Bayes error (noise variance)")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="depth D along the path",
        ylabel="held-out MSE",
        title="Friedman #1: dashed = learner on all features, squares = hub-and-spokes",
    )
    ax.legend(fontsize=7, loc="upper right")
    annotate(
        ax,
        [
            f"{k}: last {v:.2f}, all-features {summary['benchmark_test_mse'][k]:.2f}"
            for k, v in summary["last_agent_test_mse"].items()
        ],
        corner="lower left",
    )
    if new:
        fig.tight_layout()
    return fig


def plot_train(table: pd.DataFrame, summary: dict[str, Any], ax: Axes | None = None) -> Figure:
    """``network train``: every agent's error vs its depth, against the all-features benchmark.

    Parameters
    ----------
    table : pandas.DataFrame
        ``results.csv`` of ``network train`` (one row per agent).
    summary : dict
        Its summary (benchmark, best agent, which error, the learner).
    ax : Axes, optional
        By default a new figure.

    Returns
    -------
    Figure
        The figure drawn into.
    """
    fig, ax, new = _one_panel(ax, (7, 4.5))
    ax.scatter(table["depth"], table["mse"], s=12, alpha=0.7, label="agent")
    ax.axhline(summary["benchmark_mse"], color="r", linestyle="--", label="benchmark: all features")
    ax.set(xlabel="agent depth", ylabel=summary["error"], title=f"{summary['config']['learner']} agents")
    ax.legend(fontsize=8)
    annotate(
        ax,
        [
            f"best agent {summary['best_agent']}: {summary['best_mse']:.4g}",
            f"benchmark: {summary['benchmark_mse']:.4g}",
        ],
    )
    if new:
        fig.tight_layout()
    return fig
