"""The experiment commands, built from the registry (:data:`marketalign.experiments.registry.COMMANDS`).

Every experiment command has the same shape: ``marketalign GROUP NAME --out DIR [options]`` with ``--json`` and
``--quiet``, plus ``--data``, the execution options or ``--quick`` where its entry says so. It builds the
experiment's config with the module's ``configure``, runs it, writes the outcome into DIR
(:func:`marketalign.experiments.protocol.write_outcome`), prints the verdict's lines and the results folder, and
exits 1 when the verdict is ``violated`` (after writing everything).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import click

from marketalign.cli.execution import execution_options
from marketalign.cli.lazy import LazyGroup
from marketalign.cli.options import json_option, list_option, set_summary_result
from marketalign.data.location import DATA_ENV, EMBEDDED
from marketalign.experiments.registry import COMMANDS, Command, Option, command

_OUT = click.option("--out", type=click.Path(path_type=Path), required=True,
                    help="folder for the results (created with its parents): tables, summary.json and figures")
_DATA = click.option("--data", "data", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help=f"data root with ethics/, movielens/, opinionqa/, panels/ (default: ${DATA_ENV}; "
                     f"embedded subsets when absent, or always with --data {EMBEDDED})")
_QUIET = click.option("--quiet", is_flag=True, help="no progress bars")
_QUICK = click.option("--quick", is_flag=True,
                      help="a run of seconds: size options not given take the experiment's quick values")


def _shown(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, tuple) else str(value)


def click_option(option: Option) -> Callable:
    """The click option of a registered :class:`~marketalign.experiments.registry.Option`."""
    help_text = option.help
    if option.sizes is not None:
        help_text += f" [default: {_shown(option.sizes[0])}; --quick: {_shown(option.sizes[1])}]"
    decls = (option.flag, option.keyword)
    if option.item:
        return list_option(*decls, item=option.type, minimum=option.minimum, choices=option.choices,
                           default=option.default, help=help_text)
    if option.type is bool:
        return click.option(*decls, is_flag=True, default=bool(option.default), help=help_text)
    if option.choices is not None:
        kind: Any = click.Choice(list(option.choices))
    elif option.file:
        kind = click.Path(exists=True, dir_okay=False)
    elif option.minimum is not None:
        kind = (click.IntRange if option.type is int else click.FloatRange)(min=option.minimum)
    else:
        kind = option.type
    shows_default = option.default is not None
    return click.option(*decls, type=kind, default=option.default, show_default=shows_default, help=help_text)


def build_command(entry: Command) -> click.Command:
    """The click command of a registered experiment command.

    Parameters
    ----------
    entry : Command
        Its registry entry.

    Returns
    -------
    click.Command
        ``marketalign GROUP NAME`` with the shared options and the entry's own.
    """
    def callback(out: Path, quiet: bool, data: Path | None = None, execution: Any = None, **options: Any) -> None:
        run_experiment(entry, options, out, data=data, quiet=quiet, execution=execution)

    decorators = [json_option, _OUT, *(click_option(option) for option in entry.options)]
    if entry.quick:
        decorators.append(_QUICK)
    if entry.data:
        decorators.append(_DATA)
    decorators.append(_QUIET)
    if entry.sweep:
        decorators.append(execution_options)
    for decorator in reversed(decorators):
        callback = decorator(callback)
    return click.command(entry.name, help=entry.help)(callback)


def run_experiment(entry: Command, options: Mapping[str, Any], out: Path, *, data: Path | None = None,
                   quiet: bool = True, execution: Any = None) -> None:
    """Configure, run and write one experiment, print its verdict, and raise on a violated bound.

    Raises
    ------
    InputError
        When an option is invalid (the experiment's ``configure`` or config says which) or ``out`` cannot be
        written.
    BoundViolation
        When the verdict is ``violated`` (after everything is written).
    """
    from marketalign.experiments.protocol import RunContext
    from marketalign.paths import prepare_dir

    module = importlib.import_module(f"marketalign.experiments.{entry.module}")
    config = module.configure(**entry.preset, **options)
    prepare_dir(out)
    outcome = module.run(config, RunContext(data=data, quiet=quiet, execution=execution))
    finish(outcome, out, execution)


def finish(outcome: Any, out: Path, execution: Any = None) -> None:
    """Write ``outcome`` into ``out``, record its summary for ``--json``, print its verdict's lines, where it ran
    and the results folder; raise when the verdict is ``violated``.

    Raises
    ------
    BoundViolation
        When the verdict is ``violated``: its ``violation`` sentence and the folder.
    """
    from marketalign.errors import BoundViolation
    from marketalign.experiments.protocol import SUMMARY_FILE, write_outcome

    written = write_outcome(outcome, out)
    set_summary_result(written[SUMMARY_FILE])
    for line in outcome.verdict.lines:
        click.echo(line)
    if execution is not None:
        click.echo(f"ran on {execution.describe()}")
    click.echo(f"results: {Path(out).resolve()}")
    if outcome.verdict.status == "violated":
        raise BoundViolation(f"{outcome.verdict.violation} (in {Path(out).resolve()})")


def experiment_group(group: str, help: str, extra: Mapping[str, tuple[str, str]] | None = None) -> LazyGroup:
    """The click group ``marketalign GROUP``: its registered experiment commands, each built on first use, and
    ``extra`` commands (name -> ``module:attribute``, short help).

    Parameters
    ----------
    group : str
        One of :data:`marketalign.experiments.registry.GROUPS`.
    help : str
        The group's help.
    extra : Mapping or None
        Commands of the group that are not experiments (``reproduce all``, ``network train``).

    Returns
    -------
    LazyGroup
        The group.
    """
    lazy: dict[str, tuple[str | Callable[[], click.Command], str]] = {
        entry.name: (partial(_registered, group, entry.name), entry.help.split("\n\n")[0])
        for entry in COMMANDS if entry.group == group}
    return LazyGroup(group, help=help, lazy_commands={**lazy, **(extra or {})})


def _registered(group: str, name: str) -> click.Command:
    return build_command(command(group, name))
