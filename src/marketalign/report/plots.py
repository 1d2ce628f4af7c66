"""Figures in the paper's style: MSE vs K with ±1 band (Figures 1, 3, 4) and sparsity vs K (Figure 2).

Colours follow the paper's captions: best single Bob blue, average orange, NNLS green, simplex red. The two
reference rows are drawn too, thin and grey/purple, so that a reader can tell a real gain from a scale
artefact: ``constant`` (no Bob at all) and ``single_scaled`` (best single Bob with a fitted scale).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd

METHOD_STYLE: dict[str, dict] = {
    "single": {"color": "tab:blue", "label": "best single Bob"},
    "average": {"color": "tab:orange", "label": "average"},
    "nnls": {"color": "tab:green", "label": "NNLS (w ≥ 0)"},
    "simplex": {"color": "tab:red", "label": "simplex (convex hull)"},
    "constant": {"color": "0.45", "label": "constant (no Bob)", "linestyle": "--", "linewidth": 1.0},
    "single_scaled": {"color": "tab:purple", "label": "best single, scaled", "linestyle": ":", "linewidth": 1.2},
}
PAPER_METHODS = ("single", "average", "nnls", "simplex")


def plot_curves(
    curves: pd.DataFrame,
    *,
    value: str,
    spread: str | None,
    methods: Sequence[str],
    ylabel: str,
    title: str = "",
    ax: plt.Axes | None = None,
) -> plt.Figure:
    """Lines of ``value`` vs K per method with a ±``spread`` band; ``curves`` has columns K, method, ....

    Parameters
    ----------
    curves : pandas.DataFrame
        Columns ``K``, ``method``, ``value`` and ``spread``, e.g. one target's rows of
        :attr:`marketalign.hull.CurveResult.table`.
    value : str
        The column drawn as a line.
    spread : str or None
        The column drawn as a ±band around it (only for the paper's four methods); None = no band.
    methods : sequence of str
        The methods to draw, in order; a method without rows is skipped.
    ylabel : str
        The y-axis label.
    title : str
        The axes title (none when empty).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; default: a new 6.4 × 4.2 inch figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the axes.
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 4.2))
    else:
        fig = ax.figure
    for method in methods:
        rows = curves[curves["method"] == method].sort_values("K")
        if rows.empty:
            continue
        style = {"linewidth": 1.8, **METHOD_STYLE.get(method, {"label": method})}
        ax.plot(rows["K"], rows[value], **style)
        if spread is not None and method in PAPER_METHODS:
            ax.fill_between(
                rows["K"], rows[value] - rows[spread], rows[value] + rows[spread], color=style["color"], alpha=0.18,
                linewidth=0,
            )
    ax.set_xlabel("number of Bobs K")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    return fig


def plot_mse_vs_k(
    curves: pd.DataFrame, *, spread: str = "mse_std", title: str = "", ax: plt.Axes | None = None
) -> plt.Figure:
    """Figure 1/3 style: held-out MSE vs K, the paper's four methods with ±1 band, plus the references.

    Parameters
    ----------
    curves : pandas.DataFrame
        Columns ``K``, ``method``, ``mse_mean`` and ``spread``: one target's curve table (docs/theory.md §1.3) or
        numbers across targets.
    spread : str
        The band's column, e.g. ``mse_std`` (±1 std over orderings, Figures 1 and 3) or ``mse_se`` (±1 s.e.).
    title : str
        The axes title (none when empty).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; default: a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the axes.
    """
    methods = [*PAPER_METHODS, "single_scaled", "constant"]
    return plot_curves(curves, value="mse_mean", spread=spread, methods=methods, ylabel="held-out MSE",
                       title=title, ax=ax)


def plot_sparsity_vs_k(curves: pd.DataFrame, *, title: str = "", ax: plt.Axes | None = None) -> plt.Figure:
    """Figure 2 style: number of weights above 1e-6 vs K for NNLS and simplex, ±1 std.

    A dashed diagonal marks K non-zero weights (every Bob used).

    Parameters
    ----------
    curves : pandas.DataFrame
        Columns ``K``, ``method``, ``nnz_mean`` and ``nnz_std``: one target's curve table (docs/theory.md §1.3) or
        numbers across targets.
    title : str
        The axes title (none when empty).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; default: a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the axes.
    """
    fig = plot_curves(curves, value="nnz_mean", spread="nnz_std", methods=("nnls", "simplex"),
                      ylabel="non-zero weights (> 1e-6)", title=title, ax=ax)
    axes = ax if ax is not None else fig.axes[0]
    k_max = curves["K"].max()
    axes.plot([1, k_max], [1, k_max], color="0.7", linewidth=0.8, linestyle="--", label="all K Bobs")
    axes.legend(fontsize=8, frameon=False)
    return fig
