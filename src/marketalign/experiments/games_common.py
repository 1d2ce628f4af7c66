"""Plumbing shared by the game experiments: the one loop over independent tasks, bound summaries and
verdicts, and the violation files.

Every experiment is: a frozen config -> chunks of game indices (:func:`game_chunks`) -> a pure task function of
(config, chunk) giving a :class:`TaskOutput` -> results tables, a summary and a figure, in an
:class:`~marketalign.experiments.protocol.Outcome`. :func:`run_tasks` runs the chunks through
:mod:`marketalign.parallel` (local processes, a Dask cluster, a checkpoint folder). Game ``i`` is drawn from
``marketalign.seeding.stream(seed, i)``, so results do not depend on the chunking or on where chunks run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from marketalign.experiments.protocol import Verdict
from marketalign.games.bounds import slack_summary, write_violation
from marketalign.games.checks import GameCheck
from marketalign.games.model import Game
from marketalign.games.settings import ConversationShape
from marketalign.parallel import ExecutionConfig, iter_chunks, split_range

MIN_TASKS = 16  # a small sweep of costly games still spreads over this many tasks
VIOLATIONS = "violations"  # the folder of the games whose equilibria broke a bound


def conversation_family_about(games: int, shape: ConversationShape, max_misalignment: float,
                              section: str, equilibria: str) -> dict[str, str]:
    """The summary's ``data`` and ``bobs`` texts for a run of random conversation games (docs/theory.md §``section``);
    ``equilibria`` says how the Bobs' equilibria were searched."""
    return {
        "data": (
            f"{games} random conversation games from our seeded family: |X_A| = {shape.n_alice_obs}, "
            f"|X_B| = {shape.n_bob_obs}, |Y| = {shape.n_states}, |A| = {shape.n_actions}, |M| = "
            f"{shape.n_messages}, {shape.rounds} round(s); Dirichlet(1) prior, U[0, 1] utility of Alice "
            f"(synthetic, docs/theory.md §{section} [OURS])"
        ),
        "bobs": (
            f"{shape.k} Bobs per game, U_i = (1 - m) u_A + m R_i with R_i uniform random tables and "
            f"m ~ U[0, {max_misalignment:g}] per game (synthetic, [OURS]); they commit to deterministic "
            f"conversation rules, {equilibria}"
        ),
    }


@dataclass(frozen=True)
class Violation:
    """A game whose equilibrium broke a claimed bound, with what is needed to replay it."""

    name: str
    game: Game
    details: dict


@dataclass(frozen=True)
class TaskOutput:
    """What one task returns: result rows, the slack of every equilibrium held to a bound (compact arrays:
    tiny conversation games have hundreds of equilibria each), optional per-equilibrium rows, violations."""

    rows: list[dict] = field(default_factory=list)
    slacks: list[np.ndarray] = field(default_factory=list)
    equilibria: list[dict] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

    def slack_values(self) -> np.ndarray:
        return np.concatenate(self.slacks) if self.slacks else np.zeros(0)


def game_chunks(count: int, per_task: int | None, largest: int) -> list[range]:
    """``range(count)`` in consecutive chunks of ``per_task`` games; by default ``largest`` (about a second of
    the experiment's default games) or fewer, so that there are at least ``MIN_TASKS`` chunks. The chunking is a
    function of the sweep's size only, never of the machine, so a checkpoint made on a laptop resumes on a
    cluster."""
    return split_range(count, per_task or max(1, min(largest, math.ceil(count / MIN_TASKS))))


def run_tasks(
    task_fn: Callable[[Any], TaskOutput],
    tasks: Sequence[Any],
    *,
    desc: str,
    quiet: bool = False,
    execution: ExecutionConfig | None = None,
) -> TaskOutput:
    """Run every task where ``execution`` says (default: one local process per core), with a progress bar,
    and concatenate their outputs in task order."""
    merged = TaskOutput()
    for out in iter_chunks(task_fn, tasks, execution, desc=desc, quiet=quiet):
        merged.rows.extend(out.rows)
        merged.slacks.extend(out.slacks)
        merged.equilibria.extend(out.equilibria)
        merged.violations.extend(out.violations)
    return merged


def check_row(check: GameCheck, penalty: float = 0.0) -> dict[str, Any]:
    """The columns every game-level row shares: OPT, both ε, the weights' sum, equilibria, the bound
    OPT − 2ε − ``penalty`` and the slack."""
    return {
        "opt": check.opt,
        "epsilon": check.epsilon.epsilon,
        "epsilon_simplex": check.epsilon.simplex.epsilon,
        "weight_sum": check.epsilon.weight_sum,
        "n_equilibria": len(check.equilibria),
        "min_alice_utility": check.min_alice_utility,
        "bound": check.opt - 2 * check.epsilon.epsilon - penalty,
        "min_slack": check.min_slack,
        "violations": check.violations,
        "runs": check.runs,
        "converged": check.converged,
    }


def violations_of(check: GameCheck, game: Game, name: str, **where: Any) -> list[Violation]:
    """One :class:`Violation` per equilibrium that broke a claimed bound."""
    if not check.violations:
        return []
    return [
        Violation(
            f"{name}-eq{i}",
            game,
            {
                **where,
                "equilibrium": asdict(eq),
                "check": bound.to_dict(),
                "epsilon": check.epsilon.nonneg.to_dict(),
            },
        )
        for i, (eq, bound) in enumerate(zip(check.equilibria, check.checks, strict=True))
        if bound.violated
    ]


def claimed_slacks(check: GameCheck) -> np.ndarray:
    """The slacks of a game's equilibria when its bound is claimed (empty otherwise)."""
    return np.array([c.slack for c in check.checks]) if check.applies else np.zeros(0)


def bound_summary(name: str, config: Any, merged: TaskOutput, games: int, about: dict[str, str]) -> dict:
    """The summary every game experiment writes: what the games and Bobs are (``about``), violations, games,
    equilibria (held to a bound), min_slack, the slack distribution, and the config (with its seed)."""
    slack = slack_summary(merged.slack_values())
    return {
        "experiment": name,
        "about": about,
        "violations": len(merged.violations),
        "games": int(games),
        "equilibria": int(slack["count"]),
        "min_slack": slack["min"],
        "slack": slack,
        "config": asdict(config),
    }


def slack_histogram(slacks: np.ndarray, bins: int = 40) -> pd.DataFrame:
    """The numbers behind a slack histogram: bin edges and counts."""
    counts, edges = np.histogram(slacks, bins=bins) if slacks.size else (np.zeros(0, int), np.zeros(1))
    return pd.DataFrame({"low": edges[:-1], "high": edges[1:], "equilibria": counts})


def bound_verdict(summary: dict[str, Any], *notes: str) -> Verdict:
    """``held`` when no equilibrium broke the bound the summary counts, else ``violated``; the headline is the
    games, equilibria, violations and smallest slack, then ``notes`` (indented under it)."""
    slack = summary["min_slack"]
    headline = (
        f"{summary['experiment']}: {summary['games']} games, {summary['equilibria']} equilibria checked, "
        f"violations {summary['violations']}, min slack {'n/a' if slack is None else f'{slack:.4g}'}"
    )
    violation = (f"{summary['violations']} equilibria broke the bound (min slack {slack}); the games are in "
                 "violations/") if summary["violations"] else ""
    return Verdict("violated" if summary["violations"] else "held", (headline, *(f"  {note}" for note in notes)),
                   violation=violation)


def violation_files(violations: Sequence[Violation]) -> dict[str, Callable[[Path], Path]]:
    """The ``files`` of an outcome: the folder DIR/violations of one loadable game file per violation
    (:func:`marketalign.games.model.load_game` replays it), or nothing when no equilibrium broke a bound."""
    return {VIOLATIONS: partial(write_violations, tuple(violations))} if violations else {}


def write_violations(violations: Sequence[Violation], out: str | Path) -> Path:
    """Write each violation to DIR/violations/<name>.json (a loadable game file with the details); the folder."""
    folder = Path(out) / VIOLATIONS
    for violation in violations:
        write_violation(violation.game, folder, violation.name, **violation.details)
    return folder
