"""``marketalign data``: turn MovieLens, ETHICS or OpinionQA files into tables in the shared layout, and check
tables of your own.

PATH may be the literal ``embedded`` for the copies shipped with the package (MovieLens, ETHICS, LLMBar). The
loaders are imported inside the commands, so that the help loads no pandas.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from marketalign.cli.options import json_option, list_option, set_result
from marketalign.data.names import ETHICS_PREFIXES, ETHICS_SPLITS, MISSING_POLICIES, OUT_OF_RANGE_POLICIES, TARGET
from marketalign.errors import InputError
from marketalign.paths import prepare_dir, prepare_file

if TYPE_CHECKING:
    import pandas as pd

    from marketalign.data.ethics import Ethics
    from marketalign.data.movielens import MovieLens
    from marketalign.data.surveys import SurveyPanel

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


def _sample(command):
    """``--sample N`` and its ``--seed``."""
    command = click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
                           help="Seed of --sample.")(command)
    return click.option("--sample", type=click.IntRange(min=1), default=None,
                        help="Keep N rows drawn without replacement (seeded by --seed), in the source order.")(command)


def _sampled(table, sample: int | None, seed: int):
    if sample is None:
        return table
    from marketalign.data.inputs import sample_rows

    return sample_rows(table, sample, seed)


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
@_sample
@_target
@_format
@_quiet
@json_option
def movielens_command(path, out, user, every, long_form, min_ratings, sample, seed, target, file_format, quiet
                      ) -> None:
    """MovieLens release at PATH (ml-latest-small, ml-25m, ml-1m, ml-100k, ...) or `embedded`."""
    _one_mode({"--user": user is not None, "--all": every, "--long": long_form})
    if sample is not None and user is None:
        raise InputError("--sample draws movies of one user's table; pass --user with it.")
    data = _movielens(path)
    if every:
        tables = ((f"user:{u}", t) for u, t in data.iter_alice_tables(min_ratings, target))
        _write_all(tables, out, file_format, quiet)
    elif long_form:
        table = data.long_table(min_ratings, target)
        _write_one(table, out, quiet, f"{table['human'].nunique()} users, {len(table)} ratings")
    else:
        _write_one(_sampled(data.alice_table(user, target), sample, seed), out, quiet, f"user {user}", target)


@data_group.command("ethics")
@click.argument("path")
@_out
@click.option("--subset", type=click.Choice(list(ETHICS_PREFIXES)), default="commonsense", show_default=True)
@list_option(
    "--split",
    "splits",
    choices=ETHICS_SPLITS,
    help="Splits to include, e.g. test,test_hard; default: every labelled split present.",
)
@click.option("--short-only", is_flag=True, help="Commonsense: only the short (is_short) items.")
@_sample
@_target
@_quiet
@json_option
def ethics_command(path, out, subset, splits, short_only, sample, seed, target, quiet) -> None:
    """ETHICS folder at PATH (commonsense/, deontology/, ...) or `embedded`; Alice = the human label."""
    data = _ethics(path, subset)
    table = _sampled(data.table(subset, list(splits or ()) or None, short_only, target), sample, seed)
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
@list_option(
    "--attribute",
    "attributes",
    help="Demographic attribute files to use, e.g. SEX,RACE (default: all but NONE).",
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
@json_option
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
    from marketalign.data.surveys import list_panels, load_panel

    if path == EMBEDDED:
        raise InputError(
            "OpinionQA is not embedded (its terms forbid redistribution); pass its human_resp folder."
        )
    if list_only:
        waves = list_panels(path).drop(columns="folder")
        set_result(waves.to_dict(orient="records"))
        click.echo(waves.to_string(index=False))
        return
    if out is None:
        raise InputError("--out is required (a table file, or a folder with --all).")
    _one_mode({"--group": group is not None, "--human": human is not None, "--all": every, "--wide": wide})
    if human is not None and responses is None:
        raise InputError("--human names a respondent of --responses FILE; for group counts use --group.")
    data = load_panel(path, panel, list(attributes or ()) or None)
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


@data_group.command("qrels")
@click.argument("judges_dir", type=click.Path(path_type=Path))
@click.option("--human", type=click.Path(path_type=Path), required=True, help="Human (NIST) qrels file: Alice.")
@_out
@click.option("--missing", type=click.Choice(MISSING_POLICIES), default="error", show_default=True,
              help="Judge cells missing for human items: refuse, drop the items, drop the judges, or fill with "
              "the judge's mean grade.")
@click.option("--out-of-range", type=click.Choice(OUT_OF_RANGE_POLICIES), default="error", show_default=True,
              help="Grades outside 0-3: refuse, or treat them as missing cells.")
@json_option
def qrels_command(judges_dir, human, out, missing, out_of_range) -> None:
    """TREC qrels: one judge per file in JUDGES_DIR vs the human file; writes TABLE and TABLE.summary.json."""
    from marketalign.data.qrels import load_qrels_panel
    from marketalign.data.tables import write_layout_table
    from marketalign.report.outputs import write_json

    table, report = load_qrels_panel(judges_dir, human, missing=missing, out_of_range=out_of_range)
    write_layout_table(table, prepare_file(out))
    write_json(report, out.with_name(out.name + ".summary.json"))
    set_result(report)
    click.echo(f"wrote {out}: {report['items']} items of {report['queries']} queries, {report['judges']} judges; "
               f"out of range {sum(report['out_of_range']['cells'].values())} cells ({out_of_range}), missing "
               f"{report['missing']['missing_cells']} cells ({missing})")


@data_group.command("panel")
@click.argument("scores_path", metavar="SCORES", type=click.Path(path_type=Path))
@click.option("--labels", "labels_path", type=click.Path(path_type=Path), required=True,
              help="Table of the human labels: one row per item (Alice).")
@click.option("--item", default="item", show_default=True, help="Item column (in both tables).")
@click.option("--judge", default="judge", show_default=True, help="Judge column of SCORES (one Bob per judge).")
@click.option("--score", default="score", show_default=True, help="Score column of SCORES.")
@click.option("--label", default="label", show_default=True, help="Label column of the labels table.")
@click.option("--group", default=None, help="Column of the labels table naming each item's cluster (e.g. query).")
@click.option("--missing", type=click.Choice(MISSING_POLICIES), default="error", show_default=True,
              help="Judge cells missing for labelled items: refuse, drop the items, drop the judges, or fill "
              "with the judge's mean.")
@_out
@json_option
def panel_command(scores_path, labels_path, item, judge, score, label, group, missing, out) -> None:
    """A long panel (one row per item x judge) and its labels into the curve layout; TABLE.summary.json."""
    from marketalign.data.panels.long import load_long_panel
    from marketalign.data.tables import write_layout_table
    from marketalign.report.outputs import write_json

    table, report = load_long_panel(scores_path, labels_path, item=item, judge=judge, score=score, label=label,
                                    group=group, missing=missing)
    write_layout_table(table, prepare_file(out))
    write_json(report, out.with_name(out.name + ".summary.json"))
    set_result(report)
    click.echo(f"wrote {out}: {report['items']} items x {report['judges']} judges; missing "
               f"{report['missing']['missing_cells']} cells ({missing}); {report['labels_without_scores']} labels "
               "without scores left out")
    for name, why in report["columns_not_used"].items():
        click.echo(f"column {name!r} not used: {why}")


@data_group.command("llmbar")
@click.option("--data", "path", help="Folder with verdicts_long.csv.gz (or a data root with panels/llmbar/), "
              "or `embedded`; default $MARKETALIGN_DATA, else the embedded copy.")
@click.option("--missing", default="error", show_default=True,
              help="Unparseable verdicts: error, drop-items, drop-judges or fill-mean (the judge's mean).")
@_out
@json_option
def llmbar_command(path, missing, out) -> None:
    """LLMBar Natural + Adversarial (419 items): one Bob per evaluator, Alice = 1 if output 1 is better."""
    from marketalign.data.embedded import load_embedded_llmbar
    from marketalign.data.location import data_root
    from marketalign.data.panels.llmbar import load_llmbar
    from marketalign.data.tables import write_layout_table

    root = data_root(path)
    if root is None:
        panel, source = load_embedded_llmbar(missing=missing), "embedded copy"
    else:
        panel, source = load_llmbar(root, missing=missing), str(root)
    write_layout_table(panel.table, prepare_file(out))
    summary = {"out": str(out), "source": source, "items": len(panel.table), "bobs": len(panel.bobs),
               "missing": panel.missing, "ignored_columns": panel.ignored_columns}
    set_result(summary)
    report = panel.missing
    click.echo(f"wrote {out}: {len(panel.table)} items x {len(panel.bobs)} evaluators (data: {source}); "
               f"missing verdicts: {report['missing_cells']} cells, policy {report['policy']}, "
               f"{report['dropped_items']} items and {len(report['dropped_judges'])} evaluators dropped")
    for name, why in panel.ignored_columns.items():
        click.echo(f"column {name!r} not used: {why}")


@data_group.command("check")
@click.argument("table", type=click.Path(path_type=Path))
@_target
@list_option(
    "--bob", "bobs", repeatable=True,
    help="Bob columns to use, comma-separated (or repeat --bob); default: every numeric one.",
)
@json_option
def check_command(table, target, bobs) -> None:
    """Validate a table of your own (CSV/Parquet) in the layout: print its size, target and Bobs, and every
    column left out with the reason."""
    from marketalign.cli.hull import echo_unused
    from marketalign.data.inputs import check_scores_table

    report = check_scores_table(table, target, bobs)
    set_result(report)
    names = report["bobs"]
    shown = ", ".join(names[:5]) + (f", ... ({len(names) - 5} more)" if len(names) > 5 else "")
    click.echo(
        f"{table}: {report['instances']} instances, target {target} in [{report['target_min']:.4g}, "
        f"{report['target_max']:.4g}], {len(names)} Bobs ({shown})"
    )
    echo_unused(report["not_used"])


def _answers(panel: SurveyPanel, responses: Path | None, min_respondents: int) -> pd.DataFrame:
    from marketalign.data.surveys import load_responses

    if responses is not None:
        return load_responses(responses, panel)
    return panel.expected_answers(min_respondents=min_respondents)


def _wide_table(panel: SurveyPanel, answers: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

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
    from marketalign.data.embedded import load_embedded_movielens
    from marketalign.data.movielens import load_movielens

    return load_embedded_movielens() if path == EMBEDDED else load_movielens(path)


def _ethics(path: str, subset: str) -> Ethics:
    from marketalign.data.embedded import load_embedded_ethics
    from marketalign.data.ethics import load_ethics

    return load_embedded_ethics() if path == EMBEDDED else load_ethics(path, subsets=[subset])


def _write_one(table: pd.DataFrame, out: Path, quiet: bool, what: str, target: str | None = None) -> None:
    from marketalign.data.tables import write_layout_table

    write_layout_table(table, prepare_file(out))
    result = {"out": str(out), "rows": len(table), "what": what}
    summary = f"wrote {out}: {len(table)} rows ({what})"
    if target is not None and target in table:
        values = table[target]
        result |= {"target": target, "target_min": values.min(), "target_max": values.max(),
                   "target_mean": values.mean()}
        summary += f"; {target} in [{values.min():.4g}, {values.max():.4g}], mean {values.mean():.4g}"
    set_result(result)
    if not quiet:
        click.echo(summary)


def _write_all(tables: Iterable[tuple[str, pd.DataFrame]], out: Path, file_format: str, quiet: bool) -> None:
    import pandas as pd

    from marketalign.data.tables import write_layout_table

    if out.suffix in (".csv", ".parquet"):
        raise InputError(f"--all writes one file per human: --out must be a folder, not {out}.")
    prepare_dir(out)
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
    set_result({"out": str(out), "tables": len(frame), "index": str(out / "index.csv"), "humans": index})
    if not quiet:
        click.echo(f"wrote {len(frame)} tables to {out} (index.csv lists them)")


_human = click.option("--human", help="Only this human (one table without the human column).")


def _survey_data(path: str | None, sub: str) -> Path:
    """The release folder: PATH, else ``$MARKETALIGN_DATA/panels/<sub>``."""
    import os

    if path:
        return Path(path)
    shared = os.environ.get("MARKETALIGN_DATA")
    if not shared:
        raise InputError(f"pass --data PATH (the {sub} release folder) or set MARKETALIGN_DATA.")
    return Path(shared) / "panels" / sub


def _write_panel(table: pd.DataFrame, human: str | None, humans, out: Path, counts: dict, quiet: bool) -> None:
    if human is not None:
        if human not in humans:
            shown = ", ".join(list(humans)[:20])
            raise InputError(f"unknown human '{human}'; choose one of {shown}{' ...' if len(humans) > 20 else ''}.")
        table = table[table["human"] == human].drop(columns="human").reset_index(drop=True)
    _write_one(table, out, quiet, f"{table['instance'].nunique()} instances, {len(counts['bobs'])} Bobs")
    set_result(counts)


@data_group.command("meister")
@click.option("--data", "path", help="Meister et al. release folder (default: $MARKETALIGN_DATA/panels/"
              "meister2024_opinionqa).")
@click.option("--task", type=click.Choice(["task0", "task1", "task3_easy_hard"]), default="task0",
              show_default=True, help="Unsteered Bobs (task0) or the runs steered towards each group.")
@_human
@_out
@json_option
@_quiet
def meister_command(path, task, human, out, quiet) -> None:
    """Meister et al. 2024: 14 groups' option shares vs 16 LLM x method Bobs; long table, group = question."""
    from marketalign.data.panels.meister import load_meister

    panel = load_meister(_survey_data(path, "meister2024_opinionqa"), task)
    _write_panel(panel.table, human, panel.humans, out, panel.describe(), quiet)


@data_group.command("tjuatja")
@click.option("--data", "path", help="Tjuatja et al. folder with response_counts.csv.gz (default: "
              "$MARKETALIGN_DATA/panels/tjuatja2024_biasmonkey).")
@click.option("--opinionqa", help="OpinionQA human_resp folder (default: $MARKETALIGN_DATA/opinionqa/"
              "human_resp).")
@click.option("--condition", default="orig alpha", show_default=True, help="Prompt condition of the Bobs.")
@click.option("--perturbation", default="none", show_default=True, help="Prompt perturbation of the Bobs.")
@list_option("--attribute", "attributes", help="OpinionQA attribute files for the groups, e.g. SEX,RACE "
             "(default: all but NONE).")
@_human
@_out
@json_option
@_quiet
def tjuatja_command(path, opinionqa, condition, perturbation, attributes, human, out, quiet) -> None:
    """Tjuatja et al. 2024: 9 LLMs' answer shares joined with the OpinionQA groups; group = question."""
    from marketalign.data.panels.tjuatja import load_tjuatja

    release = _survey_data(path, "tjuatja2024_biasmonkey")
    humans = Path(opinionqa) if opinionqa else _survey_data(None, "").parent / "opinionqa" / "human_resp"
    panel = load_tjuatja(release, humans, condition, perturbation, list(attributes or ()) or None)
    _write_panel(panel.table, human, panel.humans, out, panel.describe(), quiet)


@data_group.command("hwang")
@click.option("--data", "path", help="Hwang et al. release folder (default: $MARKETALIGN_DATA/panels/"
              "hwang2023_personalized).")
@click.option("--topic", help="Only the respondents of this topic.")
@_human
@_out
@json_option
@_quiet
def hwang_command(path, topic, human, out, quiet) -> None:
    """Hwang et al. 2023: 525 respondents' answers vs 12 prompt variants, scaled positions; group = question."""
    from marketalign.data.panels.hwang import load_hwang

    panel = load_hwang(_survey_data(path, "hwang2023_personalized"))
    table = panel.table
    if topic is not None:
        if topic not in panel.topics():
            raise InputError(f"unknown topic '{topic}'; choose one of {', '.join(panel.topics())}.")
        table = table[table["topic"] == topic]
    _write_panel(table, human, panel.humans, out, panel.describe(), quiet)
