"""Every example in docs/data.md runs: its shell commands through the CLI, its Python blocks as written.

Commands that read ``../shared/data`` are skipped when those files are absent; the rebuild command of the
embedded folder is exercised by test_embedded.py instead (it would overwrite the package's data).
"""

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from marketalign.cli import main

ROOT = Path(__file__).parents[2]
DOC = (ROOT / "docs" / "data.md").read_text()
COMMANDS = [
    line[2:]
    for block in re.findall(r"```console\n(.*?)```", DOC, re.S)
    for line in block.splitlines()
    if line.startswith("$ marketalign ")
]
PYTHON = re.findall(r"```python\n(.*?)```", DOC, re.S)


def _resolve(arg: str) -> str:
    candidate = ROOT / arg
    return str(candidate.resolve()) if not arg.startswith("-") and candidate.exists() else arg


@pytest.mark.parametrize("command", COMMANDS)
def test_documented_command_runs(command, tmp_path, monkeypatch):
    args = shlex.split(command)[1:]
    if any(a.startswith("../shared/data") and not (ROOT / a).exists() for a in args):
        pytest.skip("needs ../shared/data")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [_resolve(a) for a in args])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("code", PYTHON)
def test_documented_python_runs(code, monkeypatch):
    monkeypatch.chdir(ROOT)
    exec(compile(code, "docs/data.md", "exec"), {})


def test_the_doc_has_examples():
    assert len(COMMANDS) >= 15 and len(PYTHON) >= 4
