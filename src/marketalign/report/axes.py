"""Where a figure function draws: into the caller's axes (a notebook's own figure), or into a new row of panels."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from marketalign.errors import InputError


def panels(axes: Sequence[Axes] | None, count: int, figsize: tuple[float, float]) -> tuple[Figure, list[Axes], bool]:
    """The figure and the ``count`` axes to draw into.

    Parameters
    ----------
    axes : sequence of Axes or None
        The caller's axes, ``count`` of them; None draws into a new figure of one row of ``count`` panels.
    count : int
        Panels the figure has.
    figsize : tuple of float
        Size of a new figure, in inches.

    Returns
    -------
    tuple
        ``(figure, axes, new)``; ``new`` says that the figure was made here, so that its layout is the drawer's to
        tighten (a caller's figure keeps the caller's layout).

    Raises
    ------
    InputError
        When the caller gave another number of axes than ``count``.
    """
    if axes is None:
        fig, grid = plt.subplots(1, count, figsize=figsize, squeeze=False)
        return fig, list(grid[0]), True
    axes = list(axes)
    if len(axes) != count:
        raise InputError(f"this figure draws into {count} axes; got {len(axes)}.")
    return axes[0].figure, axes, False
