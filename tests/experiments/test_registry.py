"""Every registered experiment, run as its command at the quick scale: the same seed gives the same bytes, its
``summary.json`` is complete, and the report renders it with a headline; every experiment module is registered."""

import importlib
import inspect
import json
import os
import re
from html import escape
from pathlib import Path

import pytest
from click.testing import CliRunner

import marketalign.experiments as experiments
from marketalign.cli import main
from marketalign.data.location import DATA_ENV, EMBEDDED
from marketalign.experiments.registry import COMMANDS, STEPS, Step
from marketalign.parallel import ExecutionConfig
from marketalign.report.headlines import NO_NUMBER, headline
from marketalign.report.html import build_report

NOT_FIGURES = {"network_train": "trains a network the user gives on the user's table (`marketalign network train`)"}
IN_PROCESS = ExecutionConfig(workers=1)
# Steps whose two quick runs take more than ~10 s here (every family, thousands of subsets): the slow tier.
SLOW_STEPS = {"families", "fig4_tjuatja", "fig4_individuals"}


def _data(step) -> str | None:
    """Where a step reads its data: the embedded subsets, or the full data sets when it needs them."""
    if step.needs is None:
        return EMBEDDED if step.takes_data else None
    root = os.environ.get(DATA_ENV)
    if not root or not (Path(root) / step.needs).is_dir():
        pytest.skip(f"{step.name} needs {step.needs} under ${DATA_ENV}")
    return root


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _describes_data_and_bobs(about) -> bool:
    """``about`` says in words what the data are and what the Bobs (or the network's agents) are."""
    return isinstance(about, dict) and bool(about.get("data")) and bool(about.get("bobs") or about.get("agents"))


def test_every_experiment_module_is_registered():
    folder = Path(experiments.__file__).parent
    runnable = {p.stem for p in folder.glob("*.py") if re.search(r"^def run\(", p.read_text(), re.MULTILINE)}
    registered = {entry.module for entry in COMMANDS}
    assert registered <= runnable, f"registered modules without a run(): {sorted(registered - runnable)}"
    assert runnable - registered == set(NOT_FIGURES), (
        f"experiment modules missing from the registry: {sorted(runnable - registered - set(NOT_FIGURES))}")


@pytest.mark.parametrize("step", [pytest.param(s, marks=pytest.mark.slow) if s.name in SLOW_STEPS else s
                                  for s in STEPS], ids=lambda s: s.name)
def test_step_gives_the_same_bytes_a_complete_summary_and_a_headline(step, tmp_path):
    data = _data(step)
    for run in ("first", "second"):
        argv = step.argv("quick", tmp_path / run, data, IN_PROCESS if step.sweep else None)
        result = CliRunner().invoke(main, argv, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    first, second = _files(tmp_path / "first" / step.name), _files(tmp_path / "second" / step.name)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []

    summary = json.loads(first["summary.json"])
    assert summary.get("experiment"), "summary.json does not name its experiment"
    assert summary["versions"]["marketalign"], "summary.json names no library versions"
    assert isinstance(summary["config"], dict) and "seed" in summary, "no config and seed"
    assert _describes_data_and_bobs(summary["about"]), "summary.json does not say what the data and the Bobs are"
    assert set(summary["files"]) == {name.split("/")[0] for name in first}, "summary.json's files are not those written"

    line = headline(step.name, step.title, summary)
    assert line.status == "ok" and line.number != NO_NUMBER, line
    report = build_report([tmp_path / "first"])
    assert report.problems == () and report.n_folders == 1
    assert 'class="headlines"' in report.html and escape(line.number) in report.html


def _configure(entry):
    return importlib.import_module(f"marketalign.experiments.{entry.module}").configure


@pytest.mark.parametrize("entry", COMMANDS, ids=lambda c: f"{c.group}-{c.name}")
def test_every_option_of_a_command_is_a_keyword_of_its_configure(entry):
    parameters = inspect.signature(_configure(entry)).parameters.values()
    named = {p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}
    given = {option.keyword for option in entry.options} | set(entry.preset) | ({"quick"} if entry.quick else set())
    assert len(given) == len(entry.options) + len(entry.preset) + entry.quick, "two options share a keyword"
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        assert named <= given
    else:
        assert named == given


@pytest.mark.parametrize("entry", COMMANDS, ids=lambda c: f"{c.group}-{c.name}")
def test_a_command_run_with_its_defaults_is_its_experiments_default_config(entry):
    """The defaults the help shows are the config's: no default is typed twice and drifts."""
    defaults = {option.keyword: option.default for option in entry.options}
    config = _configure(entry)(**entry.preset, **defaults, **({"quick": False} if entry.quick else {}))
    assert config == type(config)()


def test_every_step_runs_a_registered_command_and_a_typo_is_refused():
    assert {step.experiment.path for step in STEPS} == {entry.path for entry in COMMANDS}
    with pytest.raises(KeyError, match="no experiment command reproduce fig9"):
        Step("fig9", "a figure that does not exist", ("reproduce", "fig9"), {"full": (), "demo": (), "quick": ()})
