"""Every example of docs/cluster.md runs as written.

Conventions of the page: ``python`` blocks run in order in one namespace (a block starting with
``# file: NAME`` is written to NAME instead); ``bash`` blocks hold ``marketalign ...`` and ``python FILE`` lines;
``console`` blocks need a real cluster (the same ``dask scheduler`` / ``dask worker`` commands are started by
``test_dask_cluster.py``).
"""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from marketalign.cli import main

PAGE = Path(__file__).resolve().parents[2] / "docs" / "cluster.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.M | re.S)


def blocks(language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(PAGE.read_text()) if lang == language]


def commands(prefix: str) -> list[list[str]]:
    lines = [line.strip() for body in blocks("bash") for line in body.splitlines() if line.strip()]
    unknown = [line for line in lines if not line.startswith(("marketalign ", "python "))]
    assert not unknown, f"bash lines the doc test cannot run: {unknown}"
    return [shlex.split(line) for line in lines if line.startswith(prefix)]


def run_python_blocks() -> None:
    namespace: dict = {"__name__": "docs_cluster"}
    for body in blocks("python"):
        first = body.splitlines()[0]
        if first.startswith("# file: "):
            Path(first.removeprefix("# file: ").strip()).write_text(body)
        else:
            exec(compile(body, str(PAGE), "exec"), namespace)


def test_python_examples_and_commands_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run_python_blocks()
    runner = CliRunner()
    for command in commands("marketalign "):
        result = runner.invoke(main, command[1:])
        assert result.exit_code == 0, f"{shlex.join(command)}\n{result.output}"
    assert (tmp_path / "results" / "by_human" / "mse_vs_k.png").exists()
    assert len(list((tmp_path / "results" / "by_human.ckpt").glob("chunk-*.pkl"))) == 30


@pytest.mark.slow
def test_script_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run_python_blocks()
    for command in commands("python "):
        result = subprocess.run([sys.executable, *command[1:]], capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{shlex.join(command)}\n{result.stdout}\n{result.stderr}"
