"""Result 2 on random conversation games: a non-strategic quantal-response Alice (protocol and bound ours,
docs/theory.md §1.5).

Alice reveals x_A to every Bob in every round and picks a with probability ∝ exp(β·E[u_A(a, y) | info]).
For each game and each β: all pure equilibria among the Bobs, the measured (δ, C_B*)-closeness, Q*'s utility
(one C_B* Bob alone), and every equilibrium against OPT − 2ε − δ·Σw − ln|A|/β, reported with its slack as β,
δ and ε vary.
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from marketalign.experiments.game_configs import QUANTAL_CHUNK, QuantalConfig
from marketalign.experiments.games_common import (
    TaskOutput,
    bound_summary,
    bound_verdict,
    check_row,
    claimed_slacks,
    conversation_family_about,
    game_chunks,
    run_tasks,
    slack_histogram,
    violation_files,
    violations_of,
)
from marketalign.experiments.protocol import Outcome, RunContext, sized_config
from marketalign.games.bounds import quantal_penalty
from marketalign.games.checks import check_quantal_game
from marketalign.games.generators import random_conversation_game
from marketalign.games.settings import ConversationShape
from marketalign.report.game_figures import plot_quantal
from marketalign.seeding import stream


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
        rng = stream(config.seed, index)
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


def configure(*, quick: bool, seed: int, games: int | None, chunk: int | None, betas: tuple[float, ...],
              tol: float, **shape: int) -> QuantalConfig:
    """The config of ``marketalign game quantal``: the full-scale or ``quick`` sizes, with those given;
    ``shape`` holds the fields of :class:`~marketalign.games.settings.ConversationShape`.

    Raises
    ------
    InputError
        When the config refuses a value (:class:`QuantalConfig`).
    """
    return sized_config(QuantalConfig, quick, seed, {"games": games, "chunk": chunk},
                        betas=tuple(sorted(set(betas))), shape=ConversationShape(**shape), tol=tol)


def run(config: QuantalConfig, context: RunContext) -> Outcome:
    """Run the study (tasks of ``config.chunk`` games, where ``context.execution`` says) and summarise the slack
    by β.

    Parameters
    ----------
    config : QuantalConfig
        The experiment.
    context : RunContext
        Where the tasks run and whether progress bars show.

    Returns
    -------
    Outcome
        ``quantal.csv`` (one row per (game, β)), ``slack_histogram.csv``, the summary, ``quantal.png``, the games
        of any violation, and the verdict on OPT − 2ε − δ·Σw − ln|A|/β.
    """
    merged = run_tasks(
        partial(run_task, config),
        game_chunks(config.games, config.chunk, QUANTAL_CHUNK),
        desc="quantal games",
        quiet=context.quiet,
        execution=context.execution,
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
    return Outcome(
        summary["experiment"],
        summary,
        tables={"quantal.csv": table, "slack_histogram.csv": slack_histogram(merged.slack_values())},
        figures={"quantal.png": partial(plot_quantal, table, summary)},
        files=violation_files(merged.violations),
        verdict=bound_verdict(summary),
    )
