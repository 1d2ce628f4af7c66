"""Result 1 on many random conversation games (protocol ours, docs/theory.md §1.4).

For each game: a random prior, Alice's utility and k Bobs with misalignment m ~ U[0, max]; all pure
equilibria over deterministic conversation rules (exhaustive) or those best-response dynamics reach; the
Identical Induced Distribution condition measured by playing every case; and every equilibrium held against
OPT − 2ε where the condition holds. Any violation is written out as a replayable game file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from marketalign.errors import InputError
from marketalign.experiments.games_common import (
    TaskOutput,
    bound_summary,
    check_row,
    claimed_slacks,
    conversation_family_about,
    dump_violations,
    game_chunks,
    game_rng,
    run_tasks,
    slack_histogram,
    violations_of,
)
from marketalign.games.checks import check_conversation_game
from marketalign.games.generators import random_conversation_game
from marketalign.games.settings import METHODS, ConversationShape, check_regret_tol
from marketalign.parallel import ExecutionConfig
from marketalign.report.outputs import prepare_dir, save_figure, write_json, write_table

CHUNK = 50  # games per task by default: about a second of tiny games


@dataclass(frozen=True)
class ConversationConfig:
    """How many games, their sizes, the search method (exhaustive | dynamics) and tolerances.

    The defaults are the full-scale check (10,000 tiny games, all pure equilibria); :meth:`quick` is a run of
    seconds. ``chunk`` games make one task of the sweep (default: see :func:`game_chunks`).
    """

    games: int = 10_000
    seed: int = 0
    shape: ConversationShape = field(default_factory=ConversationShape)
    method: str = "exhaustive"
    starts: int = 10
    max_misalignment: float = 1.0
    tol: float = 1e-9
    chunk: int | None = None

    def __post_init__(self) -> None:
        if self.games < 1 or (self.chunk is not None and self.chunk < 1):
            raise InputError(f"games and chunk must be >= 1; got {self.games} and {self.chunk}.")
        if self.method not in METHODS:
            raise InputError(f"method must be one of {METHODS}; got {self.method!r}.")
        if not 0.0 <= self.max_misalignment <= 1.0:
            raise InputError(f"max_misalignment must lie in [0, 1]; got {self.max_misalignment!r}.")
        check_regret_tol(self.tol)

    @classmethod
    def quick(cls, seed: int = 0, **choices: Any) -> ConversationConfig:
        """A run of seconds (60 games) with the other settings as given."""
        return cls(games=60, seed=seed, **choices)


def about(config: ConversationConfig) -> dict[str, str]:
    """What the games and the Bobs of this run are, for the summary."""
    return {
        **conversation_family_about(config.games, config.shape, config.max_misalignment, "1.4",
                                    f"equilibria by {config.method} search"),
        "alice": "strategic: best-response conversation and decision rules to the Bobs' committed rules",
    }


def run_task(config: ConversationConfig, games: range) -> TaskOutput:
    """Check every game of a chunk."""
    out = TaskOutput()
    for index in games:
        rng = game_rng(config.seed, index)
        m = config.max_misalignment * rng.random()
        game = random_conversation_game(config.shape, rng, misalignment=m)
        check = check_conversation_game(
            game, config.method, config.starts, game_rng(config.seed, 1, index), config.tol
        )
        condition = check.condition
        out.rows.append(
            {
                "game": index,
                "misalignment": m,
                "condition_holds": check.applies,
                "condition_distance": np.nan if condition is None else condition.distance,
                "below_bound": sum(c.violated for c in check.checks),
                **check_row(check),
            }
        )
        out.slacks.append(claimed_slacks(check))
        out.violations.extend(violations_of(check, game, f"game{index}", game_index=index, seed=config.seed))
    return out


@dataclass(frozen=True)
class ConversationResult:
    """One row per game, the histogram of the slacks, the summary and the merged task output."""

    table: pd.DataFrame
    histogram: pd.DataFrame
    summary: dict
    output: TaskOutput


def run(
    config: ConversationConfig, quiet: bool = False, execution: ExecutionConfig | None = None
) -> ConversationResult:
    """Check ``config.games`` random games (tasks of ``config.chunk`` games, where ``execution`` says) and
    summarise."""
    merged = run_tasks(
        partial(run_task, config),
        game_chunks(config.games, config.chunk, CHUNK),
        desc="conversation games",
        quiet=quiet,
        execution=execution,
    )
    table = pd.DataFrame(merged.rows)
    summary = bound_summary("conversation", config, merged, len(table), about(config))
    summary.update(
        {
            "games_condition_holds": int(table["condition_holds"].sum()),
            "games_without_equilibrium": int((table["n_equilibria"] == 0).sum()),
            "equilibria_total": int(table["n_equilibria"].sum()),
            "below_bound_without_condition": int(table.loc[~table["condition_holds"], "below_bound"].sum()),
            "max_condition_distance": float(table["condition_distance"].max()),
        }
    )
    return ConversationResult(table, slack_histogram(merged.slack_values()), summary, merged)


def plot(result: ConversationResult) -> plt.Figure:
    """Left: Alice's loss at the worst equilibrium vs ε with the bound 2ε. Right: the slack distribution."""
    table = result.table[result.table["condition_holds"] & (result.table["n_equilibria"] > 0)]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.4))
    left.scatter(
        table["epsilon"],
        table["opt"] - table["min_alice_utility"],
        s=8,
        alpha=0.5,
        edgecolors="none",
        label="worst pure equilibrium of a game",
    )
    top = max(float(table["epsilon"].max()) if len(table) else 0.0, 1e-3)
    left.plot([0, top], [0, 2 * top], "r--", label="bound: loss ≤ 2ε")
    left.set_xlabel("misalignment ε (non-negative weights, exact)")
    left.set_ylabel("OPT − min equilibrium utility of Alice")
    left.set_title("Result 1: strategic Alice, all pure equilibria")
    left.legend(fontsize=8, loc="upper left")
    bars = result.histogram
    right.bar(
        bars["low"],
        bars["equilibria"],
        width=bars["high"] - bars["low"],
        align="edge",
        color="tab:blue",
        alpha=0.8,
    )
    right.axvline(0.0, color="red", linestyle="--")
    right.set_xlabel("slack E[u_A] − (OPT − 2ε) per equilibrium")
    right.set_ylabel("equilibria")
    s = result.summary
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
    fig.tight_layout()
    return fig


def write(result: ConversationResult, out: str | Path) -> dict[str, Path]:
    """DIR/equilibria.csv (one row per game), DIR/slack_histogram.csv, DIR/summary.json, DIR/conversation.png
    and DIR/violations/*.json."""
    folder = prepare_dir(out)
    paths = {
        "equilibria": write_table(result.table, folder / "equilibria.csv"),
        "slack_histogram": write_table(result.histogram, folder / "slack_histogram.csv"),
        "summary": write_json(result.summary, folder / "summary.json"),
        "figure": save_figure(plot(result), folder / "conversation.png"),
    }
    dump_violations(result.output.violations, folder)
    return paths
