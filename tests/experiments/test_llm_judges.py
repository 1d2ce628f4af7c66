"""``marketalign reproduce llm-judges`` on the real LLMJudge data (skips when absent) and without them."""

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from marketalign.cli import main

SHARED_DATA = Path(os.environ["MARKETALIGN_DATA"]) if os.environ.get("MARKETALIGN_DATA") else None


@pytest.fixture
def llmjudge_root() -> Path:
    """The data root holding panels/llmjudge_dl23 (never embedded); skips the test when missing."""
    if SHARED_DATA is None:
        pytest.skip("LLMJudge data not available: set MARKETALIGN_DATA to the folder holding panels/llmjudge_dl23")
    if not (SHARED_DATA / "panels" / "llmjudge_dl23").is_dir():
        pytest.skip(f"LLMJudge data not found under MARKETALIGN_DATA={SHARED_DATA}")
    return SHARED_DATA.resolve()


def test_grouped_and_random_folds_at_k_max_on_the_real_judges(tmp_path, llmjudge_root):
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["reproduce", "llm-judges", "--out", str(out), "--data", str(llmjudge_root),
                                       "--orderings", "5", "--quiet"])
    assert result.exit_code == 0, result.output
    about = json.loads((out / "summary.json").read_text())["about"]
    leak = about["random_row_folds"]
    assert leak["K"] == 33 and about["loading"]["judges"] == 33
    assert about["loading"]["out_of_range"]["cells"] == {"RMITIR-llama70B": 2, "h2oloo-zeroshot2": 1}
    assert about["loading"]["items"] == 4423 - 3 and about["loading"]["queries"] == 25
    by_query, by_row = leak["mse_folds_by_query"], leak["mse_random_row_folds"]
    assert set(by_query) >= {"single", "average", "simplex", "nnls", "constant"}
    assert by_query["nnls"] < by_query["average"] < by_query["constant"]
    assert by_query != by_row


def test_without_the_data_it_exits_2_with_one_line(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(main, ["reproduce", "llm-judges", "--out", str(tmp_path / "o"), "--data", str(empty)])
    assert result.exit_code == 2 and "LLMJudge data not found" in result.output
