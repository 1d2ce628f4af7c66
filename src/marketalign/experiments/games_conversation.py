"""Result 1 on many random conversation games (protocol ours, docs/theory.md §1.4).

For each game: a random prior, Alice's utility and k Bobs with misalignment m ~ U[0, max]; all pure
equilibria over deterministic conversation rules (exhaustive) or those best-response dynamics reach; the
Identical Induced Distribution condition measured by playing every case; and every equilibrium held against
OPT − 2ε where the condition holds. Any violation is written out as a replayable game file.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from marketalign.experiments.game_configs import CONVERSATION_CHUNK, ConversationConfig
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
from marketalign.games.checks import check_conversation_game
from marketalign.games.generators import random_conversation_game
from marketalign.games.settings import ConversationShape
from marketalign.report.game_figures import plot_conversation
from marketalign.seeding import stream


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
        rng = stream(config.seed, index)
        m = config.max_misalignment * rng.random()
        game = random_conversation_game(config.shape, rng, misalignment=m)
        check = check_conversation_game(
            game, config.method, config.starts, stream(config.seed, 1, index), config.tol
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


def configure(*, quick: bool, seed: int, games: int | None, chunk: int | None, method: str, starts: int,
              tol: float, **shape: int) -> ConversationConfig:
    """The config of ``marketalign game conversation``: the full-scale or ``quick`` sizes, with those given;
    ``shape`` holds the fields of :class:`~marketalign.games.settings.ConversationShape`.

    Raises
    ------
    InputError
        When the config refuses a value (:class:`ConversationConfig`).
    """
    return sized_config(ConversationConfig, quick, seed, {"games": games, "chunk": chunk},
                        shape=ConversationShape(**shape), method=method, starts=starts, tol=tol)


def run(config: ConversationConfig, context: RunContext) -> Outcome:
    """Check ``config.games`` random games (tasks of ``config.chunk`` games, where ``context.execution`` says).

    Parameters
    ----------
    config : ConversationConfig
        The experiment.
    context : RunContext
        Where the tasks run and whether progress bars show.

    Returns
    -------
    Outcome
        ``equilibria.csv`` (one row per game), ``slack_histogram.csv``, the summary, ``conversation.png``, the
        games of any violation, and the verdict on OPT − 2ε where the Identical Induced Distribution condition
        holds.
    """
    merged = run_tasks(
        partial(run_task, config),
        game_chunks(config.games, config.chunk, CONVERSATION_CHUNK),
        desc="conversation games",
        quiet=context.quiet,
        execution=context.execution,
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
    histogram = slack_histogram(merged.slack_values())
    condition = (
        f"the Identical Induced Distribution condition holds in {summary['games_condition_holds']} of "
        f"{summary['games']} games; only their equilibria are held to the bound"
    )
    return Outcome(
        summary["experiment"],
        summary,
        tables={"equilibria.csv": table, "slack_histogram.csv": histogram},
        figures={"conversation.png": partial(plot_conversation, table, histogram, summary)},
        files=violation_files(merged.violations),
        verdict=bound_verdict(summary, condition),
    )
