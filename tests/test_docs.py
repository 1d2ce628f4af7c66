"""Every example in README.md and docs/*.md runs, page by page, in document order, in one temporary folder.

The rule for the documentation (CONTRIBUTING.md): ```console blocks (``$ marketalign ...`` or ``$ python ...``
lines, optionally followed by the expected ``error: ...`` line of a refused input) and ```python blocks are
examples, and they are executed here — a python block whose first line is ``# file: NAME`` is written to NAME
instead, for a later ``$ python NAME``; ```bash blocks hold set-up or long-running commands (``make``, ``pip``,
starting a cluster, full-scale runs) that the suite does not execute, and say where they are exercised.

Commands that name ``$MARKETALIGN_DATA/...`` (the full data sets) are expanded from the environment and skipped
when the variable is unset or the path is absent (a user's fresh clone); the folder a page runs in sees the
repository's ``configs/``, ``docs/`` and ``tests/`` exactly as a checkout does.

A number a page marks with ``<!-- checked: RUN KEY -->`` must equal a fresh run's summary.json (see the end).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from marketalign.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "reference.md")]
BLOCK = re.compile(r"^```(console|python)\n(.*?)^```", re.S | re.M)
LINKED = ("configs", "docs", "tests")  # repository folders the examples may name


def _steps(page: Path) -> list[tuple[str, object]]:
    """("python", code) and ("command", (command, expected lines)) in document order."""
    steps: list[tuple[str, object]] = []
    for kind, body in BLOCK.findall(page.read_text(encoding="utf-8")):
        if kind == "python":
            steps.append(("python", body))
            continue
        for line in body.splitlines():
            if line.startswith("$ "):
                steps.append(("command", (line[2:], [])))
            elif line.strip() and steps and steps[-1][0] == "command":
                steps[-1][1][1].append(line)
    return steps


DATA_VAR = "$MARKETALIGN_DATA"


def _needs_missing_data(args: list[str]) -> bool:
    """A command naming the full data sets, with $MARKETALIGN_DATA unset or the named path absent."""
    named = [a for a in args if DATA_VAR in a]
    if not named:
        return False
    return not os.environ.get("MARKETALIGN_DATA") or not all(Path(os.path.expandvars(a)).exists() for a in named)


def _run_command(command: str, expected: list[str], page: Path) -> None:
    args = shlex.split(command)
    if _needs_missing_data(args):
        return
    args = [os.path.expandvars(a) if DATA_VAR in a else a for a in args]
    if args[0] == "marketalign":
        result = CliRunner().invoke(main, args[1:])
        output, code = result.output, result.exit_code
    elif args[0] == "python":
        done = subprocess.run([sys.executable, *args[1:]], capture_output=True, text=True, timeout=600)
        output, code = done.stdout + done.stderr, done.returncode
    else:
        pytest.fail(f"{page.name}: `{command}` is not a marketalign or python command; put set-up commands in a "
                    "```bash block")
    if expected and expected[0].startswith("error: "):
        assert code == 2 and expected[0] in output, (page.name, command, output)
    else:
        assert code == 0, (page.name, command, output)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_example_of_the_page_runs(page, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    for name in LINKED:
        (work / name).symlink_to(ROOT / name)
    monkeypatch.chdir(work)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict = {"__name__": "__main__"}
    for kind, content in _steps(page):
        if kind == "python" and content.startswith("# file: "):
            Path(content.splitlines()[0].removeprefix("# file: ").strip()).write_text(content)
        elif kind == "python":
            exec(compile(content, str(page), "exec"), namespace)
        else:
            _run_command(*content, page)


WITHOUT_EXAMPLES = {"index.md", "theory.md"}  # a table of contents and the formal model: prose only


def test_guides_have_examples():
    missing = [p.name for p in PAGES if p.name not in WITHOUT_EXAMPLES and not _steps(p)]
    assert not missing, f"pages without a runnable example: {missing}"


def test_the_api_reference_is_up_to_date():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import api_reference
    finally:
        sys.path.pop(0)
    assert (ROOT / "docs" / "reference.md").read_text() == api_reference.render(), (
        "docs/reference.md is stale: run `python scripts/api_reference.py`"
    )


def test_no_page_refers_to_a_missing_file():
    for page in [*PAGES, ROOT / "docs" / "reference.md"]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists() or os.path.isabs(target), f"{page.name} links to {target}"


# Printed numbers that a page marks with ``<!-- checked: RUN KEY -->`` right after them are compared with a fresh
# run's summary.json. RUN names a command below (embedded data, fixed seeds, seconds each); KEY is a dotted path
# into the summary, or ``PATH.a~b`` for the percent change 100·(a − b)/b of two entries of PATH. The page's number
# must equal the fresh value rounded to the digits the page prints.
CHECKED_RUNS = {
    "llm-evaluators": ["reproduce", "llm-evaluators", "--data", "embedded", "--quiet"],
    "fig1-llm": ["reproduce", "fig1", "--bobs", "llm", "--data", "embedded", "--quiet"],
    "fig3-llm": ["reproduce", "fig3", "--bobs", "llm", "--data", "embedded", "--quiet"],
    "network-cyclic": ["network", "cyclic", "--quiet"],
}
CHECKED = re.compile(r"(−?-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*%?\s*<!-- checked: (\S+) (\S+) -->")


def checked_numbers(text: str) -> list[tuple[str, str, str]]:
    """(printed number, run, key) for every marked number of a page, in page order."""
    return CHECKED.findall(text)


def summary_value(summary: dict, key: str) -> float:
    path, _, change = key.partition("~")
    parts = path.split(".")
    if change:
        parts, ours = parts[:-1], parts[-1]
    node = summary
    for part in parts:
        node = node[part]
    if change:
        return 100 * (node[ours] - node[change]) / node[change]
    return float(node)


def matches(printed: str, value: float) -> bool:
    """Whether ``value`` rounded to the digits of ``printed`` (e.g. "−11.8", "2.78146e-05") is ``printed``."""
    from decimal import Decimal

    shown = Decimal(printed.replace("−", "-"))
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(shown.as_tuple().exponent)) == shown


def test_checked_numbers_mechanism():
    assert checked_numbers("| −11.8 %<!-- checked: r a.b~c --> |") == [("−11.8", "r", "a.b~c")]
    summary = {"a": {"b": 0.088, "c": 0.1}, "x": {"10": 2.781459e-05}}
    assert matches("−12.0", summary_value(summary, "a.b~c")) and not matches("−11.9", summary_value(summary, "a.b~c"))
    assert matches("2.78146e-05", summary_value(summary, "x.10"))


def test_the_pages_marked_numbers_equal_a_fresh_run(tmp_path, monkeypatch):
    import json

    marks = [(page.name, *mark) for page in PAGES for mark in checked_numbers(page.read_text(encoding="utf-8"))]
    assert marks, "no page marks a checked number"
    unknown = sorted({run for _, _, run, _ in marks} - set(CHECKED_RUNS))
    assert not unknown, f"marked numbers name runs the test does not know: {unknown}"
    monkeypatch.delenv("MARKETALIGN_DATA", raising=False)
    summaries = {}
    for run in sorted({run for _, _, run, _ in marks}):
        out = tmp_path / run
        result = CliRunner().invoke(main, [*CHECKED_RUNS[run], "--out", str(out)])
        assert result.exit_code == 0, (run, result.output)
        summaries[run] = json.loads((out / "summary.json").read_text())
    wrong = [f"{page}: {printed} for {run} {key}, a fresh run gives {summary_value(summaries[run], key)!r}"
             for page, printed, run, key in marks if not matches(printed, summary_value(summaries[run], key))]
    assert not wrong, "\n".join(wrong)
