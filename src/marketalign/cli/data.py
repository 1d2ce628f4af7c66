"""``marketalign data``: turn MovieLens, ETHICS or OpinionQA files into tables in the shared layout, and check
tables of your own.

PATH may be the literal ``embedded`` for the copies shipped with the package (MovieLens, ETHICS, LLMBar).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import click
import pandas as pd

from marketalign.data.embedded import load_embedded_ethics, load_embedded_movielens
from marketalign.data.ethics import PREFIXES, SPLITS, Ethics, load_ethics
from marketalign.data.movielens import MovieLens, load_movielens
from marketalign.data.surveys import SurveyPanel, list_panels, load_panel, load_responses
from marketalign.data.tables import TARGET, read_table, validate_table, write_layout_table
from marketalign.errors import InputError

EMBEDDED = "embedded"

_out = click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Output table (.csv or .parquet), or a folder with --all.",
)
_target = click.option("--target", default=TARGET, show_default=True, help="Name of Alice's utility column.")
_format = click.option(
    "--format",
    "file_format",
    type=click.Choice(["csv", "parquet"]),
    default="csv",
    show_default=True,
    help="File format of the per-human tables written by --all.",
)
_quiet = click.option("--quiet", is_flag=True, help="Print nothing on success.")


@click.group("data")
def data_group() -> None:
    """Write Alice's data as tables: one row per instance, her utility in a target column."""


@data_group.command("movielens")
@click.argument("path")
@_out
@click.option("--user", help="Alice = this user id: one row per movie she rated, target = her rating.")
@click.option(
    "--all", "every", is_flag=True, help="One table per user into the folder --out, plus index.csv."
)
@click.option("--long", "long_form", is_flag=True, help="Every user in one table (human, instance, target).")
@click.option(
    "--min-ratings",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="With --all/--long: only users with at least this many ratings.",
)
@_target
@_format
@_quiet
def movielens_command(path, out, user, every, long_form, min_ratings, target, file_format, quiet) -> None:
    """MovieLens release at PATH (ml-latest-small, ml-25m, ml-1m, ml-100k, ...) or `embedded`."""
    _one_mode({"--user": user is not None, "--all": every, "--long": long_form})
    data = _movielens(path)
    if every:
        tables = ((f"user:{u}", t) for u, t in data.iter_alice_tables(min_ratings, target))
        _write_all(tables, out, file_format, quiet)
    elif long_form:
        table = data.long_table(min_ratings, target)
        _write_one(table, out, quiet, f"{table['human'].nunique()} users, {len(table)} ratings")
    else:
        _write_one(data.alice_table(user, target), out, quiet, f"user {user}", target)


@data_group.command("ethics")
@click.argument("path")
@_out
@click.option("--subset", type=click.Choice(list(PREFIXES)), default="commonsense", show_default=True)
@click.option(
    "--split",
    "splits",
    type=click.Choice(SPLITS),
    multiple=True,
    help="Split(s) to include (repeatable); default: every labelled split present.",
)
@click.option("--short-only", is_flag=True, help="Commonsense: only the short (is_short) items.")
@_target
@_quiet
def ethics_command(path, out, subset, splits, short_only, target, quiet) -> None:
    """ETHICS folder at PATH (commonsense/, deontology/, ...) or `embedded`; Alice = the human label."""
    data = _ethics(path, subset)
    table = data.table(subset, list(splits) or None, short_only, target)
    _write_one(
        table,
        out,
        quiet,
        f"{subset} {'/'.join(sorted(set(table['split'])))}",
        target if target in table else None,
    )


@data_group.command("opinionqa")
@click.argument("path")
@click.option("--out", type=click.Path(path_type=Path), help="Output table (.csv or .parquet) or folder.")
@click.option("--panel", help="Wave, e.g. W26 (needed when PATH holds several).")
@click.option("--list", "list_only", is_flag=True, help="Print the waves under PATH with their topics.")
@click.option("--group", help='Alice = this group, e.g. "SEX=Female" or "POLPARTY_RACE=Democrat|Black".')
@click.option("--human", help="With --responses: Alice = this respondent.")
@click.option(
    "--all", "every", is_flag=True, help="One table per group (or respondent) into the folder --out."
)
@click.option(
    "--wide",
    is_flag=True,
    help="One row per question, one column per human: pick any column as target, the rest are Bobs.",
)
@click.option(
    "--attribute",
    "attributes",
    multiple=True,
    help="Demographic attribute file(s) to use, e.g. SEX (repeatable; default: all but NONE).",
)
@click.option(
    "--min-respondents",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="A group's answer to a question counts only with at least this many scored answers.",
)
@click.option(
    "--responses",
    type=click.Path(path_type=Path),
    help="Individual answers (CSV/Parquet: respondent, question, answer) instead of group counts.",
)
@_target
@_format
@_quiet
def opinionqa_command(
    path,
    out,
    panel,
    list_only,
    group,
    human,
    every,
    wide,
    attributes,
    min_respondents,
    responses,
    target,
    file_format,
    quiet,
) -> None:
    """OpinionQA human_resp folder (or one American_Trends_Panel_W* folder) at PATH."""
    if path == EMBEDDED:
        raise InputError(
            "OpinionQA is not embedded (its terms forbid redistribution); pass its human_resp folder."
        )
    if list_only:
        click.echo(list_panels(path).drop(columns="folder").to_string(index=False))
        return
    if out is None:
        raise InputError("--out is required (a table file, or a folder with --all).")
    _one_mode({"--group": group is not None, "--human": human is not None, "--all": every, "--wide": wide})
    if human is not None and responses is None:
        raise InputError("--human names a respondent of --responses FILE; for group counts use --group.")
    data = load_panel(path, panel, attributes or None)
    answers = _answers(data, responses, min_respondents)
    if every:
        answered = answers.dropna(how="all")
        tables = ((h, data.human_table(answered, h, target)) for h in answered.index)
        _write_all(tables, out, file_format, quiet)
    elif wide:
        _write_one(
            _wide_table(data, answers), out, quiet, f"panel {data.wave} ({data.topic}), {len(answers)} humans"
        )
    else:
        who = group if group is not None else human
        _write_one(
            data.human_table(answers, who, target),
            out,
            quiet,
            f"panel {data.wave} ({data.topic}), {who}",
            target,
        )


@data_group.command("llmbar")
@click.option("--data", "path", help="Folder with verdicts_long.csv.gz (or a data root with panels/llmbar/), "
              "or `embedded`; default $MARKETALIGN_SHARED_DATA, else the embedded copy.")
@click.option("--missing", default="error", show_default=True,
              help="Unparseable verdicts: error, drop-items, drop-judges or fill-mean (the judge's mean).")
@_out
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def llmbar_command(path, missing, out, as_json) -> None:
    """LLMBar Natural + Adversarial (419 items): one Bob per evaluator, Alice = 1 if output 1 is better."""
    import json

    from marketalign.data.embedded import load_embedded_llmbar
    from marketalign.data.panels.llmbar import load_llmbar
    from marketalign.experiments.figures import data_root

    root = data_root(path)
    if root is None:
        panel, source = load_embedded_llmbar(missing=missing), "embedded copy"
    else:
        panel, source = load_llmbar(root, missing=missing), str(root)
    write_layout_table(panel.table, out)
    summary = {"out": str(out), "source": source, "items": len(panel.table), "bobs": len(panel.bobs),
               "missing": panel.missing, "ignored_columns": panel.ignored_columns}
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    report = panel.missing
    click.echo(f"wrote {out}: {len(panel.table)} items x {len(panel.bobs)} evaluators (data: {source}); "
               f"missing verdicts: {report['missing_cells']} cells, policy {report['policy']}, "
               f"{report['dropped_items']} items and {len(report['dropped_judges'])} evaluators dropped")
    for name, why in panel.ignored_columns.items():
        click.echo(f"column {name!r} not used: {why}")


@data_group.command("check")
@click.argument("table", type=click.Path(path_type=Path))
@_target
@click.option(
    "--bob", "bobs", multiple=True, help="Bob column(s) to use (repeatable; default: every numeric one)."
)
def check_command(table, target, bobs) -> None:
    """Validate a table of your own (CSV/Parquet) in the layout: print its size, target and Bobs."""
    h, scores, names = validate_table(read_table(table), target, list(bobs) or None, where=str(table))
    shown = ", ".join(names[:5]) + (f", ... ({len(names) - 5} more)" if len(names) > 5 else "")
    click.echo(
        f"{table}: {len(h)} instances, target {target} in [{h.min():.4g}, {h.max():.4g}], "
        f"{scores.shape[1]} Bobs ({shown})"
    )


def _answers(panel: SurveyPanel, responses: Path | None, min_respondents: int) -> pd.DataFrame:
    if responses is not None:
        return load_responses(responses, panel)
    return panel.expected_answers(min_respondents=min_respondents)


def _wide_table(panel: SurveyPanel, answers: pd.DataFrame) -> pd.DataFrame:
    texts = panel.questions.set_index("key").loc[answers.columns, "text"]
    table = answers.T.reset_index(drop=True)
    table.columns = [str(c) for c in table.columns]
    front = pd.DataFrame({"instance": "q:" + answers.columns.to_numpy(dtype=str), "text": texts.to_numpy()})
    return pd.concat([front, table], axis=1)


def _one_mode(modes: dict[str, bool]) -> None:
    chosen = [flag for flag, on in modes.items() if on]
    if len(chosen) != 1:
        raise InputError(f"choose exactly one of {', '.join(modes)} (got {', '.join(chosen) or 'none'}).")


def _movielens(path: str) -> MovieLens:
    return load_embedded_movielens() if path == EMBEDDED else load_movielens(path)


def _ethics(path: str, subset: str) -> Ethics:
    return load_embedded_ethics() if path == EMBEDDED else load_ethics(path, subsets=[subset])


def _write_one(table: pd.DataFrame, out: Path, quiet: bool, what: str, target: str | None = None) -> None:
    write_layout_table(table, out)
    if quiet:
        return
    summary = f"wrote {out}: {len(table)} rows ({what})"
    if target is not None and target in table:
        values = table[target]
        summary += f"; {target} in [{values.min():.4g}, {values.max():.4g}], mean {values.mean():.4g}"
    click.echo(summary)


def _write_all(tables: Iterable[tuple[str, pd.DataFrame]], out: Path, file_format: str, quiet: bool) -> None:
    if out.suffix in (".csv", ".parquet"):
        raise InputError(f"--all writes one file per human: --out must be a folder, not {out}.")
    out.mkdir(parents=True, exist_ok=True)
    index, used = [], set()
    for human, table in tables:
        name = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in human) + f".{file_format}"
        if name in used:
            raise InputError(f"two humans map to the file name {name}; rename them before using --all.")
        used.add(name)
        write_layout_table(table, out / name)
        index.append({"human": human, "file": name, "instances": len(table)})
    if not index:
        raise InputError("no human matched the filters; lower --min-ratings or --min-respondents.")
    frame = pd.DataFrame(index)
    write_layout_table(frame, out / "index.csv")
    if not quiet:
        click.echo(f"wrote {len(frame)} tables to {out} (index.csv lists them)")
