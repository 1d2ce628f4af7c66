"""Option conventions every command shares: one list syntax and ``--json``.

Lists are comma-separated, ``--k 2,3,5``, given once (a repeated list option is refused rather than silently
keeping its last value); column names (``--bobs``, ``--bob``) may also be repeated, one name or a comma list each.
A bad element is a one-line error (exit code 2) naming the option, the element and an example.

``--json`` prints the command's result as strict JSON on stdout (NaN and infinities as ``null``, the rule of
``summary.json``: :mod:`marketalign.jsonable`) and nothing else: the command's text lines are left out (warnings
still go to stderr), so stdout parses.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from marketalign.errors import InputError

_RESULT = "marketalign.json_result"
_KINDS = {int: ("an integer", "2,3,5"), float: ("a number", "0.1,0.5"), str: ("a name", "a,b")}


class CommaList(click.ParamType):
    """A comma-separated list of ``item`` values (int, float or str), each in ``choices`` or >= ``minimum``."""

    name = "list"

    def __init__(self, item: type = str, *, minimum: float | None = None, choices: Sequence[str] | None = None,
                 example: str | None = None):
        self.item, self.minimum, self.choices = item, minimum, tuple(choices) if choices else None
        self.example = example or (",".join(self.choices[:2]) if self.choices else _KINDS[item][1])

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return f"{self.item.__name__.upper() if self.item is not str else 'NAME'},..."

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple:
        if isinstance(value, (tuple, list)):
            parts = list(value)
        else:
            parts = [part.strip() for part in str(value).split(",")]
            if any(part == "" for part in parts) and any(part for part in parts):
                parts = [part for part in parts if part]
        return tuple(self._one(part, value, param) for part in parts if part != "")

    def _one(self, part: Any, whole: Any, param: click.Parameter | None) -> Any:
        name = param.opts[0] if param is not None and param.opts else "the option"
        hint = f"give a comma-separated list such as {name} {self.example}"
        try:
            value = self.item(part)
        except (TypeError, ValueError):
            raise InputError(f"{name} {whole}: {part!r} is not {_KINDS[self.item][0]}; {hint}.") from None
        if self.choices is not None and value not in self.choices:
            raise InputError(f"{name} {whole}: {part!r} is unknown; choose among {', '.join(self.choices)} ({hint}).")
        if self.minimum is not None and not value >= self.minimum:
            raise InputError(f"{name} {whole}: {part!r} is below {self.minimum:g}; {hint}.")
        return value


class ListOption(click.Option):
    """An option whose value is a :class:`CommaList`; the command receives a tuple (None when not given and
    without a default). ``repeatable`` (column names) joins repeated uses; otherwise a second use is refused."""

    def __init__(self, decls: Sequence[str], *, item: type = str, minimum: float | None = None,
                 choices: Sequence[str] | None = None, example: str | None = None, repeatable: bool = False,
                 default: Sequence | None = None, help: str | None = None, **kwargs: Any):
        self.repeatable = repeatable
        self.list_default = None if default is None else tuple(default)
        if self.list_default is not None:
            shown = ",".join(map(str, self.list_default))
            help = f"{help or ''} [default: {shown}]".strip()
        super().__init__(decls, type=CommaList(item, minimum=minimum, choices=choices, example=example),
                         multiple=True, default=None if default is None else [self.list_default], help=help,
                         **kwargs)

    def process_value(self, ctx: click.Context, value: Any) -> Any:
        given = super().process_value(ctx, value)
        if not given:
            return self.list_default
        if len(given) > 1 and not self.repeatable:
            joined = ",".join(str(v) for part in given for v in part)
            raise InputError(f"{self.opts[0]} was given {len(given)} times; give it once, as a comma-separated "
                             f"list: {self.opts[0]} {joined}.")
        return tuple(v for part in given for v in part)


def list_option(*decls: str, **kwargs: Any) -> Callable:
    """``click.option`` for a comma-separated list (see :class:`ListOption` for the keywords)."""
    return click.option(*decls, cls=ListOption, **kwargs)


def echo_json(data: Any, file: Any = None) -> None:
    """Print ``data`` as strict JSON (the rule of ``summary.json``; other objects as their ``str``)."""
    from marketalign.jsonable import dumps  # numpy: not for a command's help

    click.echo(dumps(data, default=str), file=file)


def set_result(data: Any) -> None:
    """Record the running command's result: ``--json`` prints it when the command ends (even when it then exits
    with a violated bound or an incomplete run)."""
    click.get_current_context().meta[_RESULT] = data


def set_summary_result(path: str | Path, **extra: Any) -> None:
    """Record a written ``summary.json`` (without its ``versions``), plus ``extra`` keys, as the result."""
    summary = json.loads(Path(path).read_text())
    set_result({k: v for k, v in summary.items() if k != "versions"} | extra)


def set_steps_result(out: str | Path, code: int) -> None:
    """Record a run of steps (``demo``, ``reproduce all``): its ``steps.csv`` rows, the exit code, the report."""
    import csv

    with open(Path(out) / "steps.csv", newline="") as handle:
        steps = [{**row, "exit_code": int(row["exit_code"]), "seconds": float(row["seconds"])}
                 for row in csv.DictReader(handle)]
    report = Path(out) / "report.html"
    set_result({"out": str(out), "exit_code": code, "steps": steps,
                "report": str(report) if report.is_file() else None})


def json_option(command: Callable) -> Callable:
    """Add ``--json``: print the result the command recorded with :func:`set_result` (else the ``summary.json``
    it wrote into ``--out``) as strict JSON on stdout, instead of the command's text lines."""

    @functools.wraps(command)
    def wrapper(*args: Any, as_json: bool, **kwargs: Any) -> None:
        ctx = click.get_current_context()
        if not as_json:
            command(*args, **kwargs)
            ctx.meta.pop(_RESULT, None)
            return
        stdout = sys.stdout
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                command(*args, **kwargs)
        finally:
            summary = Path(kwargs["out"]) / "summary.json" if kwargs.get("out") is not None else None
            if _RESULT not in ctx.meta and summary is not None and summary.is_file():
                set_summary_result(summary, out=str(kwargs["out"]))
            if _RESULT in ctx.meta:
                echo_json(ctx.meta.pop(_RESULT), file=stdout)

    return click.option("--json", "as_json", is_flag=True,
                        help="Print the result as JSON (NaN as null) instead of text.")(wrapper)
