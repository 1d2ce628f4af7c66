"""Commands on market alignment: ``epsilon`` (and the data commands ``fit`` and ``curve``)."""

from __future__ import annotations

import json
from pathlib import Path

import click
import numpy as np

from marketalign.errors import InputError
from marketalign.hull.epsilon import WEIGHT_KINDS, epsilon_sup


def read_utility_tables(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read ``{"alice": [[...]], "bobs": [[[...]]]}`` (shapes (A, Y) and (k, A, Y))."""
    try:
        payload = json.loads(Path(path).read_text())
    except json.JSONDecodeError as err:
        raise InputError(f"{path} is not valid JSON ({err.msg} at line {err.lineno}); fix the file.") from err
    if not isinstance(payload, dict) or not {"alice", "bobs"} <= payload.keys():
        raise InputError(f'{path} must be a JSON object with keys "alice" (A x Y) and "bobs" (k x A x Y).')
    try:
        return np.asarray(payload["alice"], dtype=float), np.asarray(payload["bobs"], dtype=float)
    except (TypeError, ValueError) as err:
        raise InputError(
            f'{path}: "alice" and "bobs" must be rectangular nested lists of numbers ({err}).'
        ) from err


@click.command("epsilon")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--weights", type=click.Choice(WEIGHT_KINDS), default="nonneg", show_default=True,
              help="nonneg: market alignment (w >= 0); simplex: convex hull (w >= 0, sum w = 1).")
def epsilon_command(table: Path, weights: str) -> None:
    """Exact sup-norm epsilon of Definition 1 for the utility tables in TABLE.json."""
    alice, bobs = read_utility_tables(table)
    result = epsilon_sup(alice, bobs, weights=weights)
    click.echo(json.dumps(result.to_dict(), indent=2))
