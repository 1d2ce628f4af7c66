"""Every example in docs/report.md runs, in document order in one folder: console commands through the CLI
(with their documented output where one is shown) and Python blocks as written."""

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from marketalign.cli import main

DOC = (Path(__file__).parents[2] / "docs" / "report.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(console|python)\n(.*?)```", DOC, re.S)


def _console_steps(block: str) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for each `$ ` line of a console block."""
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif line.strip():
            steps[-1][1].append(line)
    return steps


def test_every_documented_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ran = 0
    for kind, block in BLOCKS:
        if kind == "python":
            exec(compile(block, "docs/report.md", "exec"), {})
            ran += 1
            continue
        for command, expected in _console_steps(block):
            args = shlex.split(command)
            assert args[0] == "marketalign"
            result = CliRunner().invoke(main, args[1:])
            if expected and expected[0].startswith("error: "):
                assert result.exit_code == 2 and result.stderr.splitlines() == expected, command
            else:
                assert result.exit_code == 0, (command, result.output)
            ran += 1
    assert ran >= 5
    assert (tmp_path / "results" / "report.html").exists() and (tmp_path / "results" / "nightly.html").exists()
