"""``marketalign game selection|conversation|quantal``: the paper's results checked on many random games.

Each command writes machine-readable results and a figure to ``--out``, prints a one-paragraph summary (or the
summary JSON with ``--json``) and exits 1 if any equilibrium broke a bound (the games are in DIR/violations/).
The games run in chunks through :mod:`marketalign.parallel` (``--workers``, ``--scheduler``, ``--checkpoint``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click

from marketalign.cli.execution import execution_options
from marketalign.cli.options import json_option, list_option, set_summary_result
from marketalign.experiments.game_configs import (
    CONVERSATION_CHUNK,
    FAMILIES,
    QUANTAL_CHUNK,
    SELECTION_CHUNK,
    ConversationConfig,
    QuantalConfig,
    SelectionConfig,
)
from marketalign.experiments.protocol import SUMMARY_FILE, Outcome, RunContext, write_outcome
from marketalign.games.settings import MAX_REGRET_TOL, METHODS, TIE_RULES, ConversationShape
from marketalign.parallel import ExecutionConfig
from marketalign.paths import prepare_dir

TOL_HELP = f"Regret tolerance of the equilibrium check, in (0, {MAX_REGRET_TOL:g}] (utilities lie in [0, 1])."
Config = TypeVar("Config")


def sized_config(
    config_class: type[Config], quick: bool, seed: int, sizes: Mapping[str, Any], **choices: Any
) -> Config:
    """The experiment's full-scale config (its defaults), or its ``quick`` one with ``--quick``; size options
    the user gave (not None in ``sizes``) override either."""
    base = config_class.quick(seed, **choices) if quick else config_class(seed=seed, **choices)
    return replace(base, **{name: value for name, value in sizes.items() if value is not None})


def quick_option(func):
    """``--quick``: the experiment's run of seconds (its config's ``quick``), shared by the game and network
    commands."""
    return click.option(
        "--quick",
        is_flag=True,
        help="A run of seconds: size options not given take the experiment's quick values.",
    )(func)


def _finish(outcome: Outcome, out: Path, execution: ExecutionConfig) -> None:
    """Write the outcome into ``out``, print its headline, where it ran and the paths written (not the folder of
    violations, named by the error that follows), and exit 1 if an equilibrium broke the bound."""
    from marketalign.games.bounds import raise_if_violated

    written = write_outcome(outcome, out)
    set_summary_result(written[SUMMARY_FILE])
    for line in outcome.verdict.lines:
        click.echo(line)
    click.echo(f"  ran on {execution.describe()}")
    labels = {name: Path(name).stem for name in outcome.tables} | {SUMMARY_FILE: "summary"}
    labels |= dict.fromkeys(outcome.figures, "figure")
    for name, label in labels.items():
        click.echo(f"  {label}: {written[name]}")
    raise_if_violated(outcome.summary, out)


def _shape_options(func):
    """Sizes of random conversation games (defaults: the tiny 2x2x2 game with two Bobs and one round)."""
    defaults = ConversationShape()
    for flag, attr, help_text in reversed(
        [
            ("--alice-obs", "n_alice_obs", "|X_A|, Alice's private observations"),
            ("--bob-obs", "n_bob_obs", "|X_B|, the Bobs' shared observations"),
            ("--states", "n_states", "|Y|"),
            ("--actions", "n_actions", "|A|"),
            ("--messages", "n_messages", "|M|, the Bobs' reply alphabet (C_B* needs |M| >= |A|)"),
            ("--rounds", "rounds", "R, rounds of conversation"),
            ("--bobs", "k", "k, the number of Bobs"),
        ]
    ):
        func = click.option(
            flag,
            attr,
            type=click.IntRange(min=1),
            default=getattr(defaults, attr),
            show_default=True,
            help=help_text,
        )(func)
    return func


def _common_options(func):
    func = execution_options(func)
    func = quick_option(func)
    func = json_option(func)
    func = click.option("--quiet", is_flag=True, help="No progress bar.")(func)
    func = click.option("--seed", type=int, default=SelectionConfig.seed, show_default=True,
                        help="Seed of every random game.")(func)
    return click.option(
        "--out",
        required=True,
        type=click.Path(path_type=Path),
        help="Output folder (created if needed).",
    )(func)


_SELECTION, _SELECTION_QUICK = SelectionConfig(), SelectionConfig.quick()
_CONVERSATION, _CONVERSATION_QUICK = ConversationConfig(), ConversationConfig.quick()
_QUANTAL, _QUANTAL_QUICK = QuantalConfig(), QuantalConfig.quick()


@click.command("selection")
@_common_options
@list_option("--k", "ks", item=int, minimum=1, default=_SELECTION.ks, help="Committee sizes, e.g. --k 2,3,5,10.")
@click.option(
    "--samples",
    type=click.IntRange(min=1),
    help=f"Bob samples, each played with every k [default: {_SELECTION.samples}; --quick: {_SELECTION_QUICK.samples}].",
)
@click.option(
    "--starts",
    type=click.IntRange(min=0),
    help="Random starts of best-response dynamics (plus the favourites' profile) "
    f"[default: {_SELECTION.starts}; --quick: {_SELECTION_QUICK.starts}].",
)
@click.option(
    "--samples-per-task",
    "chunk",
    type=click.IntRange(min=1),
    help=f"Samples in one task of the sweep [default: {SELECTION_CHUNK}, fewer for small runs].",
)
@click.option(
    "--family",
    type=click.Choice(FAMILIES),
    default=_SELECTION.family,
    show_default=True,
    help="misaligned: Figure 5; shared-bias: the counter-example where the hull condition fails.",
)
@click.option("--contexts", type=click.IntRange(min=1), default=_SELECTION.n_contexts, show_default=True)
@click.option("--states", type=click.IntRange(min=1), default=_SELECTION.n_states, show_default=True)
@click.option("--actions", type=click.IntRange(min=1), default=_SELECTION.n_actions, show_default=True)
@click.option(
    "--tie-rule",
    type=click.Choice(TIE_RULES),
    default=_SELECTION.tie_rule,
    show_default=True,
    help="Alice's choice among equally good Bobs.",
)
@click.option("--tol", type=float, default=_SELECTION.tol, show_default=True, help=TOL_HELP)
def selection_command(
    out: Path,
    seed: int,
    quiet: bool,
    quick: bool,
    execution: ExecutionConfig,
    ks: tuple[int, ...],
    samples: int | None,
    starts: int | None,
    chunk: int | None,
    family: str,
    contexts: int,
    states: int,
    actions: int,
    tie_rule: str,
    tol: float,
) -> None:
    """Best-AI selection on one fixed Alice game: Figure 5 (or its shared-bias companion).

    Writes DIR/equilibria.csv (one row per (sample, k)), DIR/equilibrium_list.csv, DIR/summary.json and
    DIR/fig5.png (DIR/shared_bias.png for --family shared-bias).
    """
    from marketalign.experiments import games_selection

    config = sized_config(
        SelectionConfig,
        quick,
        seed,
        {"samples": samples, "starts": starts, "chunk": chunk},
        family=family,
        ks=tuple(dict.fromkeys(ks)),
        n_contexts=contexts,
        n_states=states,
        n_actions=actions,
        tie_rule=tie_rule,
        tol=tol,
    )
    prepare_dir(out)
    _finish(games_selection.run(config, RunContext(quiet=quiet, execution=execution)), out, execution)


@click.command("conversation")
@_common_options
@_shape_options
@click.option(
    "--games",
    type=click.IntRange(min=1),
    help=f"Random games [default: {_CONVERSATION.games}; --quick: {_CONVERSATION_QUICK.games}].",
)
@click.option(
    "--games-per-task",
    "chunk",
    type=click.IntRange(min=1),
    help=f"Games in one task of the sweep [default: {CONVERSATION_CHUNK}, fewer for small runs].",
)
@click.option(
    "--method",
    type=click.Choice(METHODS),
    default=_CONVERSATION.method,
    show_default=True,
    help="exhaustive: every pure equilibrium; dynamics: best-response dynamics from random starts.",
)
@click.option(
    "--starts",
    type=click.IntRange(min=1),
    default=_CONVERSATION.starts,
    show_default=True,
    help="Random starts per game for --method dynamics.",
)
@click.option("--tol", type=float, default=_CONVERSATION.tol, show_default=True, help=TOL_HELP)
def conversation_command(
    out: Path,
    seed: int,
    quiet: bool,
    quick: bool,
    execution: ExecutionConfig,
    games: int | None,
    chunk: int | None,
    method: str,
    starts: int,
    tol: float,
    **shape: int,
) -> None:
    """Result 1: all pure equilibria of random conversation games against OPT − 2ε.

    Writes DIR/equilibria.csv (one row per game), DIR/slack_histogram.csv, DIR/summary.json and
    DIR/conversation.png.
    """
    from marketalign.experiments import games_conversation

    config = sized_config(
        ConversationConfig,
        quick,
        seed,
        {"games": games, "chunk": chunk},
        shape=ConversationShape(**shape),
        method=method,
        starts=starts,
        tol=tol,
    )
    prepare_dir(out)
    _finish(games_conversation.run(config, RunContext(quiet=quiet, execution=execution)), out, execution)


@click.command("quantal")
@_common_options
@_shape_options
@click.option(
    "--games",
    type=click.IntRange(min=1),
    help=f"Random games [default: {_QUANTAL.games}; --quick: {_QUANTAL_QUICK.games}].",
)
@click.option(
    "--games-per-task",
    "chunk",
    type=click.IntRange(min=1),
    help=f"Games in one task of the sweep [default: {QUANTAL_CHUNK}, fewer for small runs].",
)
@list_option("--beta", "betas", item=float, default=_QUANTAL.betas, help="Rationality levels > 0, e.g. --beta 1,10.")
@click.option("--tol", type=float, default=_QUANTAL.tol, show_default=True, help=TOL_HELP)
def quantal_command(
    out: Path,
    seed: int,
    quiet: bool,
    quick: bool,
    execution: ExecutionConfig,
    games: int | None,
    chunk: int | None,
    betas: tuple[float, ...],
    tol: float,
    **shape: int,
) -> None:
    """Result 2: a quantal-response Alice; bound OPT − 2ε − δ·Σw − ln|A|/β as β, δ and ε vary.

    Writes DIR/quantal.csv (one row per (game, β)), DIR/slack_histogram.csv, DIR/summary.json and
    DIR/quantal.png.
    """
    from marketalign.experiments import games_quantal

    config = sized_config(
        QuantalConfig,
        quick,
        seed,
        {"games": games, "chunk": chunk},
        betas=tuple(sorted(set(betas))),
        shape=ConversationShape(**shape),
        tol=tol,
    )
    prepare_dir(out)
    _finish(games_quantal.run(config, RunContext(quiet=quiet, execution=execution)), out, execution)
