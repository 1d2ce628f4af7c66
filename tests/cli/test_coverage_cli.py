"""``marketalign coverage`` end to end: files written, columns accounted for, same seed same bytes, exit 2."""

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from marketalign.cli import main


@pytest.fixture
def long_path(tmp_path):
    rng = np.random.default_rng(0)
    rows = []
    for q in range(20):
        m = int(rng.integers(2, 5))
        for a in range(m):
            rows.append({"question": f"q{q}", "option": a, "label": f"option {a}", "alice": rng.normal(),
                         **{f"model_{j}": rng.normal() for j in range(6)}})
    path = tmp_path / "long.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_writes_table_and_summary_reproducibly(long_path, tmp_path):
    outputs = []
    for run in ("a", "b"):
        result = _run("coverage", long_path, "--item", "question", "--answer", "option", "--robust", "1,2",
                      "--samples", 7, "--seed", 3, "--out", tmp_path / run)
        assert result.exit_code == 0, result.output
        outputs.append({p.name: p.read_bytes() for p in (tmp_path / run).iterdir()})
    assert outputs[0] == outputs[1]
    table = pd.read_csv(tmp_path / "a" / "coverage.csv")
    assert len(table) == 20 and table["covered"].dtype == bool
    assert {"robust_1", "robust_2", "closest_angle_deg", "gap"} <= set(table.columns)
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["columns"]["bobs"] == [f"model_{j}" for j in range(6)]
    assert summary["columns"]["not_used"] == {"label": "not numeric (labels or text)"}
    assert summary["robust"]["1"]["method"] == "exact"
    assert summary["paper_reference"]["covered_full_panel"] == 0.902
    assert summary["covered_fraction"] == pytest.approx(table["covered"].mean())
    assert "column 'label' not used" in result.output


def test_json_and_listed_bobs(long_path, tmp_path):
    result = _run("coverage", long_path, "--item", "question", "--answer", "option", "--bobs", "model_0,model_1",
                  "--bobs", "model_2", "--out", tmp_path / "o", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "o" / "summary.json").read_text())["bobs"] == ["model_0", "model_1", "model_2"]


@pytest.mark.parametrize("args, message", [
    (("--item", "nope"), "no item column 'nope'"),
    (("--item", "question", "--robust", "9"), "out of range"),
    (("--item", "question", "--robust", "a"), "comma-separated"),
])
def test_bad_input_exits_2_with_one_line(long_path, tmp_path, args, message):
    result = _run("coverage", long_path, *args, "--answer", "option", "--out", tmp_path / "o")
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and message in lines[0]


def test_nan_cell_exits_2(long_path, tmp_path):
    table = pd.read_csv(long_path)
    table.loc[3, "model_4"] = np.nan
    table.to_csv(long_path, index=False)
    result = _run("coverage", long_path, "--item", "question", "--answer", "option", "--out", tmp_path / "o")
    assert result.exit_code == 2 and "'model_4' has 1 of" in result.output
