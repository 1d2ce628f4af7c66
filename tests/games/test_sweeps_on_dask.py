"""A game sweep and a network sweep on a real Dask cluster (a scheduler and two workers, separate processes on
127.0.0.1, started by the execution layer's own fixture): the same bytes as in this process.

Both experiments are in this one module so that one cluster serves them.
"""

import filecmp
import importlib.util
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from marketalign.cli import main

pytest.importorskip("distributed")

PARALLEL_TESTS = Path(__file__).resolve().parents[1] / "parallel"
sys.path.insert(0, str(PARALLEL_TESTS))  # parallel_helpers, which the fixture module imports
_spec = importlib.util.spec_from_file_location("parallel_cluster_fixture", PARALLEL_TESTS / "conftest.py")
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)
dask_cluster = _fixtures.dask_cluster


@pytest.mark.parametrize(
    "command",
    [
        ["game", "conversation", "--quick", "--games", "40"],
        ["network", "lowerbound", "--quick", "--dags", "6"],
    ],
    ids=["game-conversation", "network-lowerbound"],
)
def test_the_same_bytes_on_the_cluster_and_in_process(command, dask_cluster, tmp_path):
    runner = CliRunner()
    here = runner.invoke(main, [*command, "--quiet", "--out", str(tmp_path / "local"), "--workers", "1"])
    assert here.exit_code == 0, here.output
    there = runner.invoke(
        main,
        [*command, "--quiet", "--out", str(tmp_path / "dask"), "--scheduler", dask_cluster.address,
         "--checkpoint", str(tmp_path / "ckpt")],
    )
    assert there.exit_code == 0, there.output
    names = sorted(path.name for path in (tmp_path / "local").iterdir())
    assert names == sorted(path.name for path in (tmp_path / "dask").iterdir())
    assert filecmp.cmpfiles(tmp_path / "local", tmp_path / "dask", names, shallow=False)[0] == names
    assert len(list((tmp_path / "ckpt").glob("chunk-*.pkl"))) >= 2
