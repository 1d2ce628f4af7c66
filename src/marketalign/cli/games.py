"""``marketalign game selection|conversation|quantal``: the paper's results checked on many random games.

Each command (built from the registry, :mod:`marketalign.cli.experiments`) writes machine-readable results and a
figure to ``--out``, prints its verdict and exits 1 if any equilibrium broke a bound (the games are in
DIR/violations/). The games run in chunks through :mod:`marketalign.parallel` (``--workers``, ``--scheduler``,
``--checkpoint``).
"""

from __future__ import annotations

from marketalign.cli.experiments import experiment_group

game_group = experiment_group(
    "game", "The paper's games: Best-AI selection (Figure 5), conversation games, quantal response.")
