"""Coverage on a real LLM panel: one human's numbers equal the coverage command on her own table."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from marketalign.cli import main
from marketalign.errors import InputError
from marketalign.experiments import panel_coverage


def test_every_group_is_covered_as_the_coverage_command_covers_her_table(tmp_path, shared_data):
    if not (shared_data / "panels" / "meister2024_opinionqa").is_dir():
        pytest.skip(f"Meister et al. not found under {shared_data}")
    runner = CliRunner()
    result = runner.invoke(main, ["reproduce", "coverage", "--robust", "1", "--data", str(shared_data),
                                  "--out", str(tmp_path / "all")])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "all" / "summary.json").read_text())
    humans = pd.read_csv(tmp_path / "all" / "humans.csv").set_index("human")
    assert summary["about"]["humans"] == len(humans) == 14
    assert summary["median_over_humans"]["covered_pct"] == pytest.approx(humans["covered_pct"].median())
    table = tmp_path / "democrat.csv"
    release = str(shared_data / "panels" / "meister2024_opinionqa")
    made = runner.invoke(main, ["data", "meister", "--human", "POLPARTY=Democrat", "--data", release,
                                "--out", str(table)])
    assert made.exit_code == 0, made.output
    one = runner.invoke(main, ["coverage", str(table), "--item", "group", "--answer", "instance", "--robust", "1",
                               "--out", str(tmp_path / "one"), "--json"])
    alone = json.loads(one.output[one.output.index("{"):])
    democrat = humans.loc["POLPARTY=Democrat"]
    assert democrat["questions"] == alone["items"]
    assert democrat["covered_pct"] == pytest.approx(100 * alone["covered_fraction"])
    assert democrat["robust_1_pct"] == pytest.approx(100 * alone["robust"]["1"]["fraction"])


def test_a_market_without_option_rows_is_refused():
    with pytest.raises(InputError, match="rows that are a question's options"):
        panel_coverage.PanelCoverageConfig(source="hwang")
