import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from marketalign.cli import main
from marketalign.data.location import EMBEDDED


@pytest.mark.slow
def test_reproduce_llm_evaluators_writes_the_curve(tmp_path):
    out = tmp_path / "run"
    result = CliRunner().invoke(
        main, ["reproduce", "llm-evaluators", "--out", str(out), "--data", EMBEDDED, "--orderings", "5", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    about = json.loads((out / "summary.json").read_text())["about"]
    assert about["missing"] == {"policy": "fill-mean", "missing_cells": 37, "dropped_items": 0,
                                "dropped_judges": [], "judges_with_missing": about["missing"]["judges_with_missing"]}
    assert len(about["missing"]["judges_with_missing"]) == 16
    curve = pd.read_csv(out / "curve.csv")
    at_max = curve[curve["K"] == 65].set_index("method")
    assert set(at_max.index) >= {"constant", "single", "average", "simplex", "nnls"}
    assert np.isfinite(at_max["mse_mean"]).all()
    assert at_max.loc["nnls", "mse_mean"] < at_max.loc["constant", "mse_mean"]
