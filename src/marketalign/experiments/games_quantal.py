"""Result 2 on random conversation games: a non-strategic quantal-response Alice (protocol and bound ours,
docs/theory.md §1.5).

Alice reveals x_A to every Bob in every round and picks a with probability ∝ exp(β·E[u_A(a, y) | info]).
For each game and each β: all pure equilibria among the Bobs, the measured (δ, C_B*)-closeness, Q*'s utility
(one C_B* Bob alone), and every equilibrium against OPT − 2ε − δ·Σw − ln|A|/β, reported with its slack as β,
δ and ε vary.
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
from marketalign.games.bounds import quantal_penalty
from marketalign.games.checks import check_quantal_game
from marketalign.games.generators import random_conversation_game
from marketalign.games.settings import ConversationShape, check_regret_tol
from marketalign.parallel import ExecutionConfig
from marketalign.report.outputs import prepare_dir, save_figure, write_json, write_table

CHUNK = 10  # games per task by default: about a second (each played at every beta)
DEFAULT_BETAS = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)


@dataclass(frozen=True)
class QuantalConfig:
    """Games, their sizes and the rationality levels β to study.

    The defaults are the full-scale study (200 games x 8 values of β); :meth:`quick` is a run of seconds.
    ``chunk`` games make one task of the sweep (default: see :func:`game_chunks`).
    """

    games: int = 200
    betas: tuple[float, ...] = DEFAULT_BETAS
    seed: int = 0
    shape: ConversationShape = field(default_factory=ConversationShape)
    max_misalignment: float = 1.0
    tol: float = 1e-9
    chunk: int | None = None

    def __post_init__(self) -> None:
        if self.games < 1 or (self.chunk is not None and self.chunk < 1):
            raise InputError(f"games and chunk must be >= 1; got {self.games} and {self.chunk}.")
        if not self.betas or not np.all(np.isfinite(self.betas)) or min(self.betas) <= 0:
            raise InputError(
                f"Every rationality level beta must be a finite number > 0; got {self.betas!r}. At beta = 0 Alice "
                "picks uniformly at random and the bound's ln|A|/beta term is infinite; use e.g. --beta 0.1."
            )
        if self.shape.n_messages < self.shape.n_actions:
            raise InputError("The quantal study compares with C_B*, which needs n_messages >= n_actions.")
        if not 0.0 <= self.max_misalignment <= 1.0:
            raise InputError(f"max_misalignment must lie in [0, 1]; got {self.max_misalignment!r}.")
        check_regret_tol(self.tol)

    @classmethod
    def quick(cls, seed: int = 0, **choices: Any) -> QuantalConfig:
        """A run of seconds (6 games) with the other settings as given."""
        return cls(games=6, seed=seed, **choices)


def about(config: QuantalConfig) -> dict[str, str]:
    """What the games and the Bobs of this run are, for the summary."""
    return {
        **conversation_family_about(config.games, config.shape, config.max_misalignment, "1.5",
                                    "all pure equilibria"),
        "alice": "non-strategic: reveals x_A and picks a with probability proportional to exp(beta E[u_A(a, y)])",
    }


def run_task(config: QuantalConfig, games: range) -> TaskOutput:
    """Check every game of a chunk at every β."""
    out = TaskOutput()
    for index in games:
        rng = game_rng(config.seed, index)
        m = config.max_misalignment * rng.random()
        game = random_conversation_game(config.shape, rng, misalignment=m)
        for result in check_quantal_game(game, config.betas, config.tol):
            check = result.game
            penalty = quantal_penalty(result.delta, check.epsilon.weight_sum, result.beta, game.n_actions)
            out.rows.append(
                {
                    "game": index,
                    "beta": result.beta,
                    "misalignment": m,
                    "delta": result.delta,
                    "penalty": penalty,
                    "single_bob_utility": result.single_bob_utility,
                    **check_row(check, penalty),
                }
            )
            out.slacks.append(claimed_slacks(check))
            out.violations.extend(
                violations_of(
                    check,
                    game,
                    f"game{index}-beta{result.beta:g}",
                    game_index=index,
                    beta=result.beta,
                    delta=result.delta,
                    seed=config.seed,
                )
            )
    return out


@dataclass(frozen=True)
class QuantalResult:
    """One row per (game, β), the histogram of all slacks, the summary and the merged task output."""

    table: pd.DataFrame
    histogram: pd.DataFrame
    summary: dict
    output: TaskOutput


def run(config: QuantalConfig, quiet: bool = False, execution: ExecutionConfig | None = None) -> QuantalResult:
    """Run the study (tasks of ``config.chunk`` games, where ``execution`` says) and summarise slack by β."""
    merged = run_tasks(
        partial(run_task, config),
        game_chunks(config.games, config.chunk, CHUNK),
        desc="quantal games",
        quiet=quiet,
        execution=execution,
    )
    table = pd.DataFrame(merged.rows)
    summary = bound_summary("quantal", config, merged, config.games, about(config))
    summary["per_beta"] = {
        f"{beta:g}": {
            "games_with_equilibrium": int((part["n_equilibria"] > 0).sum()),
            "mean_min_alice_utility": float(part["min_alice_utility"].mean()),
            "mean_single_bob_utility": float(part["single_bob_utility"].mean()),
            "mean_opt": float(part["opt"].mean()),
            "mean_delta": float(part["delta"].mean()),
            "mean_bound": float(part["bound"].mean()),
            "min_slack": float(part["min_slack"].min()),
        }
        for beta, part in table.groupby("beta")
    }
    return QuantalResult(table, slack_histogram(merged.slack_values()), summary, merged)


def plot(result: QuantalResult) -> plt.Figure:
    """Left: Alice's utility vs β (means over games). Right: each game's smallest slack vs β."""
    table = result.table
    by_beta = table.groupby("beta")
    betas = np.array(sorted(table["beta"].unique()))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.4))
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
    s = result.summary
    right.set_title(f"{s['games']} games, {s['equilibria']} equilibria, violations {s['violations']}")
    fig.tight_layout()
    return fig


def write(result: QuantalResult, out: str | Path) -> dict[str, Path]:
    """DIR/quantal.csv (one row per (game, β)), DIR/slack_histogram.csv, DIR/summary.json, DIR/quantal.png
    and DIR/violations/*.json."""
    folder = prepare_dir(out)
    paths = {
        "quantal": write_table(result.table, folder / "quantal.csv"),
        "slack_histogram": write_table(result.histogram, folder / "slack_histogram.csv"),
        "summary": write_json(result.summary, folder / "summary.json"),
        "figure": save_figure(plot(result), folder / "quantal.png"),
    }
    dump_violations(result.output.violations, folder)
    return paths
