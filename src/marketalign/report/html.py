"""One self-contained HTML report of result folders: every figure, table, configuration and provenance.

The page has no external assets and no scripts: figures are embedded as base64 data URIs, the stylesheet is
inline, and a Content-Security-Policy forbids anything else, so the file reads the same offline, mailed or
archived. The same folders give the same bytes (no clock, no absolute paths).
"""

from __future__ import annotations

import base64
import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from marketalign.errors import InputError
from marketalign.paths import prepare_file
from marketalign.report.defaults import DEFAULT_MAX_ROWS, DEFAULT_TITLE
from marketalign.report.folders import (
    SUMMARY,
    Figure,
    JsonFile,
    ResultFolder,
    find_result_folders,
    read_result_folder,
)
from marketalign.report.headlines import Headline, catalogue_order, headline, not_run, order_key
from marketalign.report.html_style import CSS
from marketalign.report.summary_view import Rows, SummaryView, format_value, summary_view
from marketalign.report.table_preview import TablePreview

STEPS_FILE = "steps.csv"

MAX_COLUMNS = 40
MAX_SUMMARY_ROWS = 200
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


@dataclass(frozen=True)
class RootResults:
    """One folder the user named, as written (``label``), with the result folders found under it (steps in the
    catalogue's order first), its headlines, and the run's own folder (``how``: ``steps.csv``, no summary)."""

    label: str
    anchor: str
    folders: tuple[tuple[str, ResultFolder], ...]
    headlines: tuple[Headline, ...] = ()
    how: tuple[str, ResultFolder] | None = None


@dataclass(frozen=True)
class Report:
    """The rendered page and what it holds; ``problems`` lists files that could not be shown.

    Attributes
    ----------
    html : str
        The self-contained page.
    n_folders, n_figures, n_tables : int
        Result folders, figures and tables on the page.
    problems : tuple of str
        ``"folder/file: reason"`` for each file that could not be shown.
    """

    html: str
    n_folders: int
    n_figures: int
    n_tables: int
    problems: tuple[str, ...]

    def describe(self) -> str:
        """One line: how many result folders, figures and tables the page shows."""
        return _describe(self.n_folders, self.n_figures, self.n_tables)

    def write(self, out: str | Path) -> Path:
        """Write the page (UTF-8, ``\\n`` line ends) to ``out``, creating parent folders; return the path."""
        out = Path(out)
        if out.is_dir():
            raise InputError(f"--out {out} is a folder; give a file name such as {out / 'report.html'}.")
        prepare_file(out)
        try:
            with out.open("w", encoding="utf-8", newline="\n") as handle:
                handle.write(self.html)
        except OSError as err:
            reason = err.strerror or str(err)
            raise InputError(f"cannot write the report to {out} ({reason}); choose another --out.") from err
        return out


def write_report(folders: Sequence[str | Path], out: str | Path, *, title: str = DEFAULT_TITLE,
                 max_rows: int = DEFAULT_MAX_ROWS) -> Path:
    """Render every result folder under ``folders`` into one HTML file at ``out`` and return its path.

    Parameters
    ----------
    folders : sequence of path-like
        The results folders to search (see :func:`build_report`).
    out : path-like
        The HTML file to write; missing parent folders are created.
    title : str
        The page title.
    max_rows : int
        Rows shown of each table (at least 1).

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    InputError
        As :func:`build_report`, or ``out`` is a folder or cannot be written.
    """
    return build_report(folders, title=title, max_rows=max_rows).write(out)


def build_report(folders: Sequence[str | Path], *, title: str = DEFAULT_TITLE,
                 max_rows: int = DEFAULT_MAX_ROWS) -> Report:
    """Find and read the result folders under each of ``folders`` and render the page.

    A result folder found under two of ``folders`` is shown once, under the first.

    Parameters
    ----------
    folders : sequence of path-like
        The results folders to search recursively (:func:`find_result_folders`); a single path is refused.
    title : str
        The page title.
    max_rows : int
        Rows shown of each table (at least 1).

    Returns
    -------
    Report
        The page and its counts; files that could not be read are listed in ``problems``.

    Raises
    ------
    InputError
        No folder given (or a single path instead of a sequence), ``max_rows`` below 1, or a folder that does not
        exist, is a file or holds no results.
    """
    if isinstance(folders, (str, Path)) or not folders:
        raise InputError("give at least one results folder (a list of paths), e.g. results/demo.")
    if max_rows < 1:
        raise InputError(f"max_rows must be at least 1 (got {max_rows}).")
    anchors = _Anchors()
    steps = catalogue_order()
    names = [name for name, _ in steps]
    roots, seen = [], set()
    for root in map(Path, folders):
        found = [p for p in find_result_folders(root) if p.resolve() not in seen]
        seen.update(p.resolve() for p in found)
        found.sort(key=lambda p: order_key(p.relative_to(root).parts, names))
        label = root.as_posix()
        entries = [
            (anchors.new(f"{label}/{p.relative_to(root).as_posix()}"),
             read_result_folder(p, _folder_label(root, p), max_rows=max_rows, max_columns=MAX_COLUMNS))
            for p in found
        ]
        how = None
        if found and found[0] == root and not (root / SUMMARY).exists():
            how = entries.pop(0)
        if entries or how:
            roots.append(RootResults(label, anchors.new(f"root-{label}"), tuple(entries),
                                     _headlines(root, found, entries, steps), how))
    every = [folder for root in roots for _, folder in (*root.folders, *([root.how] if root.how else []))]
    problems = tuple(f"{folder.label}/{problem}" for folder in every for problem in folder.problems)
    n_figures = sum(len(f.figures) for f in every)
    n_tables = sum(len(f.tables) for f in every)
    page = _page(title, roots, len(every), n_figures, n_tables, problems)
    return Report(page, len(every), n_figures, n_tables, problems)


def _headlines(root: Path, found: list[Path], entries: list[tuple[str, ResultFolder]],
               steps: tuple[tuple[str, str], ...]) -> tuple[Headline, ...]:
    """A headline per catalogue step found directly under ``root``; when ``root`` holds ``steps.csv`` (a run's
    own folder), a *not run* line for every step without a folder."""
    by_name = {p.relative_to(root).as_posix(): entry for p, entry in zip(
        [p for p in found if p != root or (root / SUMMARY).exists()], entries, strict=True)}
    statuses = _step_statuses(root / STEPS_FILE)
    lines = []
    for name, step_title in steps:
        if name in by_name:
            anchor, folder = by_name[name]
            unreadable = "unreadable" if (root / name / SUMMARY).exists() else "no summary"
            lines.append(headline(name, step_title, folder.summary, anchor=anchor, reason=unreadable))
        elif statuses is not None:
            lines.append(not_run(name, step_title, statuses.get(name)))
    return tuple(lines)


def _step_statuses(path: Path) -> dict[str, str] | None:
    """Step name -> status from a run's ``steps.csv`` (the last row of each step); None without the file."""
    if not path.is_file():
        return None
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return {row["step"]: f"steps.csv: {row['status']}" for row in csv.DictReader(handle)
                    if row.get("step") and row.get("status")}
    except (OSError, UnicodeDecodeError, csv.Error, KeyError):
        return {}


def _headline_screen(roots: list[RootResults]) -> str:
    lines = [line for root in roots for line in root.headlines]
    if not lines:
        return ""
    items = []
    for line in lines:
        name = (f'<a href="#{line.anchor}">{_breakable(line.step)}</a>' if line.anchor
                else _breakable(line.step))
        claim = "" if line.claim == line.title else f'<span class="claim">Claim: {escape(line.claim)}</span>'
        items.append(f'<li class="hl {line.status.replace(" ", "-")}"><span class="hl-step">{name}</span> '
                     f'<span class="status">{escape(line.status)}</span>'
                     f'<span class="hl-title">{escape(line.title)}</span>'
                     f'<strong class="number">{escape(line.number)}</strong>{claim}</li>')
    return ('<section class="headlines" id="headlines"><h2>Headlines</h2>'
            '<p class="note">One line per step, in the papers\' order: the key number, the paper\'s claim '
            "beside it, the bounds' violations and slack.</p>"
            f'<ol class="headlines">{"".join(items)}</ol></section>')


def _how_section(roots: list[RootResults]) -> str:
    parts = []
    for root in roots:
        if root.how is None:
            continue
        anchor, folder = root.how
        parts.append(f'<section class="result how" id="{anchor}"><h2>How this was run: '
                     f"<code>{_breakable(root.label)}</code></h2>")
        if folder.problems:
            parts.append(_problems(folder.problems, "Not shown"))
        parts.extend(_table(table) for table in folder.tables)
        parts.extend(_figure(figure) for figure in folder.figures)
        parts.extend(_json_file(item) for item in folder.json_files)
        if folder.other_files:
            listed = "".join(f"<li><code>{escape(n)}</code> ({_size(size)})</li>" for n, size in folder.other_files)
            parts.append(f"<ul>{listed}</ul>")
        parts.append("</section>")
    return "\n".join(parts)


def _page(title: str, roots: list[RootResults], n_folders: int, n_figures: int, n_tables: int,
          problems: tuple[str, ...]) -> str:
    inputs = ", ".join(f"<code>{escape(root.label)}</code>" for root in roots)
    body = "\n".join([*(_root_section(root) for root in roots), _how_section(roots)])
    problem_box = _problems(problems, "Some files could not be shown") if problems else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="generator" content="marketalign {escape(_version())}">
<title>{escape(title)}</title>
<style>
{CSS}
</style>
</head>
<body>
<header class="top">
<h1>{escape(title)}</h1>
<p class="lead">{_describe(n_folders, n_figures, n_tables)} from {inputs}</p>
</header>
{_headline_screen(roots)}
<div class="layout">
<nav class="toc" aria-label="Contents">
<h2>Contents</h2>
{_contents(roots)}
</nav>
<main>
{problem_box}
{body}
</main>
</div>
<footer>Written by marketalign {escape(_version())}. Every figure and table is embedded in this file; tables show \
their first rows, the full tables are the CSV/Parquet files in the folders named above.</footer>
</body>
</html>
"""


def _contents(roots: list[RootResults]) -> str:
    items = ['<li><a href="#headlines">Headlines</a></li>'] if any(root.headlines for root in roots) else []
    for root in roots:
        entries = "".join(
            f'<li><a href="#{anchor}">{_breakable(_relative(root, folder))}</a> '
            f'<span class="count">{_counts(folder)}</span></li>'
            for anchor, folder in root.folders
        )
        if root.how is not None:
            entries += f'<li><a href="#{root.how[0]}">How this was run</a></li>'
        items.append(f'<li><a href="#{root.anchor}">{_breakable(root.label)}</a><ol>{entries}</ol></li>')
    return f"<ol>{''.join(items)}</ol>"


def _root_section(root: RootResults) -> str:
    heading = (f'<section class="root-title" id="{root.anchor}"><h2>Results in <code>{_breakable(root.label)}</code>'
               "</h2></section>")
    return "\n".join([heading, *(_folder_section(anchor, root, folder) for anchor, folder in root.folders)])


def _folder_section(anchor: str, root: RootResults, folder: ResultFolder) -> str:
    view = summary_view(folder.summary, max_result_rows=MAX_SUMMARY_ROWS) if folder.summary is not None else None
    parts = [f'<section class="result" id="{anchor}">', f"<h2>{_breakable(_relative(root, folder))}</h2>",
             f'<p class="path"><code>{_breakable(folder.label)}</code>'
             + (f" · {escape(view.name)}" if view and view.name else "") + "</p>"]
    if folder.problems:
        parts.append(_problems(folder.problems, "Not shown"))
    if view is None:
        parts.append('<p class="note">No readable summary.json in this folder: what the data and Bobs are, the '
                     "configuration, seed and versions are not recorded.</p>")
    else:
        parts.append("<h3>Data and Bobs</h3>")
        parts.append(_kv_table(view.data) if view.data else
                     '<p class="note">Not described in summary.json (no "about" block).</p>')
    if folder.figures:
        parts.append("<h3>Figures</h3>")
        parts.extend(_figure(figure) for figure in folder.figures)
    if view is not None and view.results:
        parts += ["<h3>Headline numbers</h3>", _kv_table(view.results)]
        if view.results_omitted:
            parts.append(f'<p class="note">… and {view.results_omitted:,} more entries in summary.json.</p>')
    if folder.tables:
        parts.append("<h3>Tables</h3>")
        parts.extend(_table(table) for table in folder.tables)
    if view is not None:
        parts += ["<h3>Provenance</h3>", _kv_table(_provenance_rows(view))]
        if view.config:
            parts += ["<h3>Configuration</h3>", _kv_table(view.config)]
    if folder.json_files:
        parts.append("<h3>Other JSON files</h3>")
        parts.extend(_json_file(item) for item in folder.json_files)
    if folder.other_files:
        parts.append("<h3>Other files</h3>")
        listed = "".join(f"<li><code>{escape(name)}</code> ({_size(size)})</li>" for name, size in folder.other_files)
        parts.append(f"<ul>{listed}</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def _provenance_rows(view: SummaryView) -> Rows:
    """Seed(s), library versions and any provenance entries; "not recorded" where the summary is silent."""
    rows: list[tuple[str, str]] = list(view.seeds or [("seed", "not recorded in summary.json")])
    versions = " · ".join(f"{name} {version}" for name, version in view.versions)
    rows.append(("versions", versions or "not recorded in summary.json"))
    rows.extend(view.provenance)
    return tuple(rows)


def _kv_table(rows: Rows) -> str:
    body = "".join(f'<tr><td class="key">{_breakable(key)}</td><td>{escape(value)}</td></tr>' for key, value in rows)
    return f'<div class="table-scroll"><table class="kv"><tbody>{body}</tbody></table></div>'


def _figure(figure: Figure) -> str:
    data = base64.b64encode(figure.png).decode("ascii")
    numbers = ", ".join(f"<code>{escape(name)}</code>" for name in figure.numbers)
    caption = f"<code>{escape(figure.name)}</code>" + (f" — numbers in {numbers}" if numbers else "")
    return (f'<figure><img src="data:image/png;base64,{data}" width="{figure.width}" height="{figure.height}" '
            f'alt="{escape(figure.name)}"><figcaption>{caption}</figcaption></figure>')


def _table(table: TablePreview) -> str:
    head = table.head
    numeric = [pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
               for dtype in head.dtypes]
    header = "".join(f"<th>{escape(str(name))}</th>" for name in head.columns)
    rows = "".join(
        "<tr>" + "".join(_cell(value, is_number) for value, is_number in zip(row, numeric, strict=True)) + "</tr>"
        for row in head.itertuples(index=False, name=None)
    )
    return (f"<h4><code>{escape(table.name)}</code></h4>"
            f'<div class="table-scroll"><table class="data"><thead><tr>{header}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div>"
            f'<p class="note">{_shape_note(table)}</p>')


def _cell(value: object, is_number: bool) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        text = ""
    else:
        text = format_value(value.item() if isinstance(value, np.generic) else value)
    return f'<td class="num">{escape(text)}</td>' if is_number else f"<td>{escape(text)}</td>"


def _shape_note(table: TablePreview) -> str:
    shown_rows, shown_columns = len(table.head), table.head.shape[1]
    rows = (f"all {_plural(table.n_rows, 'row')}" if shown_rows == table.n_rows
            else f"first {shown_rows:,} of {table.n_rows:,} rows")
    columns = (_plural(table.n_columns, "column") if shown_columns == table.n_columns
               else f"first {shown_columns:,} of {table.n_columns:,} columns")
    return f"{rows} · {columns}"


def _json_file(item: JsonFile) -> str:
    return f"<details><summary><code>{escape(item.name)}</code></summary><pre>{escape(item.text)}</pre></details>"


def _problems(problems: Iterable[str], heading: str) -> str:
    items = "".join(f"<li>{escape(problem)}</li>" for problem in problems)
    return f'<div class="problems" role="note"><strong>{escape(heading)}:</strong><ul>{items}</ul></div>'


def _counts(folder: ResultFolder) -> str:
    parts = []
    if folder.figures:
        parts.append(_plural(len(folder.figures), "figure"))
    if folder.tables:
        parts.append(_plural(len(folder.tables), "table"))
    if folder.problems:
        parts.append(_plural(len(folder.problems), "problem"))
    return " · ".join(parts)


def _folder_label(root: Path, folder: Path) -> str:
    relative = folder.relative_to(root).as_posix()
    return root.as_posix() if relative == "." else f"{root.as_posix()}/{relative}"


def _relative(root: RootResults, folder: ResultFolder) -> str:
    rest = folder.label[len(root.label):].lstrip("/")
    return rest or "(this folder)"


def _describe(n_folders: int, n_figures: int, n_tables: int) -> str:
    return f"{_plural(n_folders, 'result folder')} · {_plural(n_figures, 'figure')} · {_plural(n_tables, 'table')}"


def _breakable(text: str) -> str:
    """Escaped text with line-break opportunities after path and key separators (long names on a phone)."""
    return re.sub(r"([./_])", r"\1<wbr>", escape(text))


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def _size(n_bytes: int) -> str:
    if n_bytes < 1000:
        return f"{n_bytes} B"
    return f"{n_bytes / 1e3:.1f} kB" if n_bytes < 1_000_000 else f"{n_bytes / 1e6:,.1f} MB"


def _version() -> str:
    try:
        return metadata.version("marketalign")
    except metadata.PackageNotFoundError:
        return "unknown"


class _Anchors:
    """Unique, stable HTML ids made from labels (the same labels in the same order give the same ids)."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def new(self, label: str) -> str:
        base = "r-" + (re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "results")
        anchor, n = base, 1
        while anchor in self._used:
            n += 1
            anchor = f"{base}-{n}"
        self._used.add(anchor)
        return anchor
