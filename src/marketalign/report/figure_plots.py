"""The multi-panel figures of the data experiments, drawn from the tables their runs save beside them.

Each function takes the tables (as written: ``sparsity.csv``, ``curve_over_humans.csv`` and ``humans.csv``,
``improvements.csv``) and optionally the axes to draw into, and returns the Figure; none picks a backend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from marketalign.report.plots import PAPER_METHODS, plot_curves, plot_sparsity_vs_k

IMPROVEMENT_STYLE = {"nnls": "tab:green", "simplex": "tab:red"}
_IMPROVEMENT = "_pct"


def _axes(count: int, rows: int, figsize: tuple[float, float],
          axes: Sequence[plt.Axes] | None) -> tuple[plt.Figure, list[plt.Axes], bool]:
    """``axes`` as given, else a new grid of ``rows`` rows holding ``count`` panels; and whether it is new."""
    if axes is not None:
        return axes[0].figure, list(axes), False
    fig, grid = plt.subplots(rows, -(-count // rows), figsize=figsize, squeeze=False)
    return fig, list(grid.ravel()), True


def plot_sparsity_panels(sparsity: pd.DataFrame, titles: Mapping[str, str], *, title: str = "",
                         axes: Sequence[plt.Axes] | None = None) -> plt.Figure:
    """Figure 2: one panel per domain of the non-zero weights of NNLS and the simplex vs K, ±1 std.

    Parameters
    ----------
    sparsity : pandas.DataFrame
        ``sparsity.csv``: ``domain``, ``K``, ``method``, ``nnz_mean``, ``nnz_std`` ...
    titles : Mapping[str, str]
        Domain -> its panel's title, in the panels' order.
    title : str
        The figure's title (on a new figure only).
    axes : sequence of Axes, optional
        One per domain; default a new figure.

    Returns
    -------
    Figure
    """
    fig, panels, new = _axes(len(titles), 1, (5.5 * len(titles), 4.2), axes)
    for ax, (domain, label) in zip(panels, titles.items(), strict=True):
        plot_sparsity_vs_k(sparsity[sparsity["domain"] == domain], title=label, ax=ax)
    if new:
        fig.suptitle(title, fontsize=11)
        fig.tight_layout()
    return fig


def plot_panel_curves(curves: pd.DataFrame, humans: pd.DataFrame, *, title: str = "",
                      axes: Sequence[plt.Axes] | None = None) -> plt.Figure:
    """Figure 4: per panel the mean over humans of their MSE vs K, ±1 s.e., with the constant's mean MSE.

    Parameters
    ----------
    curves : pandas.DataFrame
        ``curve_over_humans.csv``: ``panel``, ``topic``, ``K``, ``method``, ``mse_mean``, ``mse_se`` ...
    humans : pandas.DataFrame
        ``humans.csv``: one row per ``panel`` and human.
    title : str
        The figure's title (on a new figure only).
    axes : sequence of Axes, optional
        One per panel; default a new 2-row figure, its spare cells hidden.

    Returns
    -------
    Figure
    """
    names = list(dict.fromkeys(curves["panel"]))
    fig, panels, new = _axes(len(names), 2, (11, 8), axes)
    for ax, name in zip(panels, names, strict=False):
        frame = curves[curves["panel"] == name]
        constant = frame.loc[frame["method"] == "constant", "mse_mean"].mean()
        count = int((humans["panel"] == name).sum())
        plot_curves(frame, value="mse_mean", spread="mse_se", methods=[*PAPER_METHODS, "single_scaled"],
                    ylabel="held-out MSE", ax=ax,
                    title=f"{name}: {frame['topic'].iloc[0]}\n{count} humans, ±1 s.e.; constant: {constant:.4f}")
        ax.set_xlabel("number of models K")
    if new:
        for ax in panels[len(names):]:
            ax.set_visible(False)
        fig.suptitle(title, fontsize=11)
        fig.tight_layout()
    return fig


def plot_improvements(improvements: pd.DataFrame, *, title: str = "",
                      axes: Sequence[plt.Axes] | None = None) -> plt.Figure:
    """Many humans: per K_max, the ECDF over users of each ``<method>_vs_<baseline>_pct`` change in held-out MSE
    (left of 0 = the combination is better).

    The x-axis spans the 2nd-98th percentiles of all comparisons (NNLS on a user with few ratings can
    overfit wildly); each panel's title says how many values lie beyond it.

    Parameters
    ----------
    improvements : pandas.DataFrame
        ``improvements.csv``: one row per user and ``K``, one ``*_pct`` column per comparison.
    title : str
        The figure's title (on a new figure only).
    axes : sequence of Axes, optional
        One per K_max; default a new figure.

    Returns
    -------
    Figure
    """
    ks = list(dict.fromkeys(improvements["K"]))
    fig, panels, new = _axes(len(ks), 1, (5.5 * len(ks), 4.2), axes)
    for ax, k_max in zip(panels, ks, strict=True):
        _plot_ecdfs(ax, improvements[improvements["K"] == k_max], k_max)
    if new:
        fig.suptitle(title, fontsize=11)
    return fig


def _plot_ecdfs(ax: plt.Axes, frame: pd.DataFrame, k_max: int) -> None:
    """One K_max's panel of :func:`plot_improvements`."""
    columns = [c for c in frame.columns if c.endswith(_IMPROVEMENT)]
    values = frame[columns].to_numpy().ravel()
    values = values[np.isfinite(values)]
    low, high = np.percentile(values, [2, 98]) if len(values) else (-1.0, 1.0)
    pad = 0.05 * max(high - low, 1.0)
    outside = int(((values < low - pad) | (values > high + pad)).sum())
    for column in columns:
        method, baseline = column.removesuffix(_IMPROVEMENT).split("_vs_")
        ordered = np.sort(frame[column].dropna().to_numpy())
        share = np.arange(1, len(ordered) + 1) / len(ordered)
        ax.step(ordered, share, where="post", color=IMPROVEMENT_STYLE[method],
                linestyle="-" if baseline == "single" else "--", label=f"{method} vs {baseline}")
    ax.set_xlim(low - pad, high + pad)
    ax.axvline(0.0, color="0.5", linewidth=0.8)
    ax.set_xlabel("change in held-out MSE (%)")
    ax.set_ylabel("share of users")
    beyond = f"; {outside} values beyond the axis" if outside else ""
    ax.set_title(f"K = {k_max}: {len(frame)} users{beyond}", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
