"""``marketalign reproduce all`` and the catalogue behind it and the demo: steps, resume, failures, report."""

import shutil

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from marketalign.cli import main
from marketalign.cli.catalogue import select_steps
from marketalign.errors import InputError
from marketalign.experiments.registry import SCALES, STEP_NAMES, STEPS
from marketalign.parallel import ExecutionConfig


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.name)
def test_every_step_is_a_valid_command_line(step, scale, tmp_path):
    execution = ExecutionConfig(workers=2, checkpoint=tmp_path / "ckpt").validated()
    args = step.argv(scale, tmp_path, "embedded", execution)
    command, ctx = main, click.Context(main)
    while isinstance(command, click.Group):
        _, command, args = command.resolve_command(ctx, args)
    command.make_context(command.name, list(args))  # raises on an unknown option or a bad value
    assert args.count("--out") == 1 and ("--data" in args) == step.takes_data and ("--workers" in args) == step.sweep


def test_every_figure_and_experiment_is_in_the_catalogue():
    assert {"fig1", "fig2", "fig3", "fig4", "fig5", "many_humans", "conversation", "quantal", "shared_bias"} <= set(
        STEP_NAMES)
    assert {f"network_{name}" for name in ("path", "lowerbound", "cyclic", "real", "general")} <= set(STEP_NAMES)
    assert len(set(STEP_NAMES)) == len(STEP_NAMES)


def test_select_steps_keeps_catalogue_order_and_refuses_unknown_names():
    assert [s.name for s in select_steps("network_cyclic, fig1")] == ["fig1", "network_cyclic"]
    with pytest.raises(InputError, match="unknown step"):
        select_steps("fig1,fig9")


def test_reproduce_all_resumes_without_running_finished_steps_again(tmp_path):
    args = ("reproduce", "all", "--out", tmp_path, "--only", "fig3,network_cyclic", "--quick", "--data", "embedded")
    first = _run(*args)
    assert first.exit_code == 0, first.output
    steps = pd.read_csv(tmp_path / "steps.csv")
    assert list(steps["step"]) == ["fig3", "network_cyclic"] and set(steps["status"]) == {"done"}
    assert (tmp_path / "report.html").exists() and (tmp_path / "fig3" / "summary.json").exists()
    assert not any((tmp_path / ".checkpoints").glob("*/chunk-*"))
    written = (tmp_path / "fig3" / "summary.json").stat().st_mtime_ns

    second = _run(*args)
    assert second.exit_code == 0, second.output
    assert second.output.count("done in an earlier run") == 2
    assert (tmp_path / "fig3" / "summary.json").stat().st_mtime_ns == written

    shutil.rmtree(tmp_path / "network_cyclic")
    third = _run(*args)
    assert third.output.count("done in an earlier run") == 1 and (tmp_path / "network_cyclic").is_dir()

    fresh = _run(*args, "--fresh")
    assert "earlier run" not in fresh.output
    assert (tmp_path / "fig3" / "summary.json").stat().st_mtime_ns != written


def test_a_failing_step_does_not_stop_the_others_and_sets_the_exit_code(tmp_path):
    result = _run("reproduce", "all", "--out", tmp_path / "out", "--only", "fig1,network_cyclic", "--quick",
                  "--data", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "no such folder" in result.output and "did not finish cleanly: fig1" in result.output
    steps = pd.read_csv(tmp_path / "out" / "steps.csv").set_index("step")
    assert steps.loc["fig1", "status"] == "failed" and steps.loc["network_cyclic", "status"] == "done"


def test_unknown_step_exits_2(tmp_path):
    result = _run("reproduce", "all", "--out", tmp_path, "--only", "fig9")
    assert result.exit_code == 2 and "choose among" in result.output


def test_a_step_whose_data_are_absent_is_skipped_not_failed(tmp_path):
    result = _run("reproduce", "all", "--out", tmp_path, "--only", "llm_judges,network_cyclic", "--quick",
                  "--data", "embedded")
    assert result.exit_code == 0, result.output
    steps = pd.read_csv(tmp_path / "steps.csv").set_index("step")
    assert steps.loc["llm_judges", "status"] == "skipped: needs data" and not (tmp_path / "llm_judges").exists()
    assert steps.loc["network_cyclic", "status"] == "done"
