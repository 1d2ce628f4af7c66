"""The game sweeps through the execution layer: the same bytes in this process and on two worker processes, a
checkpoint folder that a rerun reads instead of recomputing, and the full-scale / quick configurations."""

import filecmp
import json
import os
import pickle
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from marketalign.cli import main
from marketalign.experiments import games_conversation, games_quantal, games_selection
from marketalign.experiments.games_common import game_chunks
from marketalign.experiments.protocol import RunContext, write_outcome
from marketalign.parallel import ExecutionConfig, split_range

IN_PROCESS = RunContext(execution=ExecutionConfig(workers=1))
SMALL = {
    games_conversation: games_conversation.ConversationConfig(games=12, chunk=5),
    games_quantal: games_quantal.QuantalConfig(games=4, betas=(1.0, 10.0), chunk=2),
}
BIN = Path(sys.executable).parent


@pytest.mark.parametrize("module", list(SMALL), ids=lambda m: m.__name__.rsplit("_", 1)[-1])
def test_same_bytes_in_process_and_on_two_workers(module, tmp_path):
    config = SMALL[module]
    here = module.run(config, IN_PROCESS)
    there = module.run(config, RunContext(execution=ExecutionConfig(workers=2, checkpoint=tmp_path / "ckpt")))
    names = list(write_outcome(here, tmp_path / "here"))
    write_outcome(there, tmp_path / "there")
    assert filecmp.cmpfiles(tmp_path / "here", tmp_path / "there", names, shallow=False)[0] == names
    assert len(list((tmp_path / "ckpt").glob("chunk-*.pkl"))) == -(-config.games // config.chunk)
    assert {"data", "bobs", "alice"} <= here.summary["about"].keys()


def test_a_rerun_reads_finished_chunks_and_computes_only_the_missing_ones(tmp_path):
    config = SMALL[games_conversation]
    checkpoint = tmp_path / "ckpt"
    context = RunContext(execution=ExecutionConfig(workers=1, checkpoint=checkpoint))
    first = games_conversation.run(config, context).tables["equilibria.csv"]
    (checkpoint / "chunk-000002.pkl").unlink()  # as if the sweep had been killed before its last chunk
    marked = checkpoint / "chunk-000000.pkl"
    output = pickle.loads(marked.read_bytes())
    output.rows[0]["misalignment"] = -1.0  # a value no computation gives: it can only come from the file
    marked.write_bytes(pickle.dumps(output))
    resumed = games_conversation.run(config, context).tables["equilibria.csv"]
    assert resumed["misalignment"].iloc[0] == -1.0
    assert resumed.iloc[1:].equals(first.iloc[1:])
    assert (checkpoint / "chunk-000002.pkl").exists()


def test_defaults_are_the_full_runs_and_quick_is_small():
    assert games_conversation.ConversationConfig().games == 10_000
    selection = games_selection.SelectionConfig()  # Figure 5; the bound check at scale passes samples=1000
    assert selection.samples * len(selection.ks) == 1_000
    for config_class in (games_selection.SelectionConfig, games_conversation.ConversationConfig,
                         games_quantal.QuantalConfig):
        full, quick = config_class(), config_class.quick(seed=3)
        assert quick.seed == 3 and quick != replace(full, seed=3)
    assert games_selection.SelectionConfig.quick(family="shared-bias").family == "shared-bias"


def test_the_commands_take_the_execution_options_and_quick_sizes(tmp_path):
    runner = CliRunner()
    args = ["game", "conversation", "--quick", "--games", "25", "--quiet"]
    local = runner.invoke(main, [*args, "--out", str(tmp_path / "local"), "--workers", "1"])
    assert local.exit_code == 0, local.output
    assert "ran on 1 local workers" in local.output
    summary = json.loads((tmp_path / "local" / "summary.json").read_text())
    quick = games_conversation.ConversationConfig.quick()
    assert summary["config"]["games"] == 25 and summary["config"]["chunk"] == quick.chunk  # --games wins
    sweep = [*args, "--out", str(tmp_path / "pool"), "--workers", "2", "--checkpoint", str(tmp_path / "ckpt")]
    for _ in range(2):  # the second run finds every chunk done and only rewrites the outputs
        result = runner.invoke(main, sweep)
        assert result.exit_code == 0, result.output
    names = sorted(path.name for path in (tmp_path / "local").iterdir())
    assert filecmp.cmpfiles(tmp_path / "local", tmp_path / "pool", names, shallow=False)[0] == names
    assert len(list((tmp_path / "ckpt").glob("chunk-*.pkl"))) == 13  # 2 games per task: at least 16 tasks ...
    per_task = _invoke_json(runner, [*args, "--games-per-task", "10", "--out", str(tmp_path / "ten")])
    assert per_task["config"]["chunk"] == 10  # ... unless asked


def _invoke_json(runner, args):
    result = runner.invoke(main, [*args, "--workers", "1", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_default_chunking_depends_on_the_size_of_the_sweep_only():
    assert game_chunks(10_000, None, 50) == split_range(10_000, 50)  # 200 tasks of about a second
    assert game_chunks(20, None, 50) == split_range(20, 2)  # a few costly games still fill 10 tasks
    assert game_chunks(5, None, 50) == split_range(5, 1)
    assert game_chunks(100, 7, 50) == split_range(100, 7)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGKILL and /proc")
def test_a_killed_command_resumes_from_its_checkpoint(tmp_path):
    args = ["game", "selection", "--quick", "--samples", "24", "--quiet"]
    checkpoint = tmp_path / "ckpt"
    sweep = [*args, "--out", str(tmp_path / "resumed"), "--workers", "2", "--checkpoint", str(checkpoint)]
    process = subprocess.Popen([str(BIN / "marketalign"), *sweep], start_new_session=True)
    chunks = lambda: sorted(checkpoint.glob("chunk-*.pkl"))  # noqa: E731
    try:
        deadline = time.monotonic() + 600
        while len(chunks()) < 2 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the command and its worker processes
        process.wait()
    done = {path.name: path.stat().st_mtime_ns for path in chunks()}
    assert 2 <= len(done) < 6, "the sweep was not killed mid-run"
    runner = CliRunner()
    assert runner.invoke(main, sweep).exit_code == 0
    assert {path.name: path.stat().st_mtime_ns for path in chunks() if path.name in done} == done
    reference = runner.invoke(main, [*args, "--out", str(tmp_path / "reference"), "--workers", "1"])
    assert reference.exit_code == 0, reference.output
    names = sorted(path.name for path in (tmp_path / "reference").iterdir())
    assert filecmp.cmpfiles(tmp_path / "reference", tmp_path / "resumed", names, shallow=False)[0] == names
