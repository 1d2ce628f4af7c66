"""Many humans through the execution layer: the numbers of one batched curve call, the same bytes on one worker,
two workers or a Dask cluster, and a checkpoint that resumes a partial or killed run."""

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from marketalign.bobs.communities import CommunityBobs, community_scores
from marketalign.cli import main
from marketalign.data.sources import movielens_data
from marketalign.experiments import many_humans
from marketalign.experiments.figures import min_ratings
from marketalign.experiments.protocol import RunContext, write_outcome
from marketalign.hull.curves import CurveConfig, market_curves
from marketalign.parallel import ExecutionConfig

BIN = Path(sys.executable).parent
CONFIG = many_humans.ManyHumansConfig(family=CommunityBobs(n_bobs=10, neighbours=5, seed=2), k_values=(3, 10),
                                      orderings=3)
FILES = ("improvements.csv", "quantiles.csv", "summary.json", "improvements.png")


def _run(folder, root, execution, humans_per_task=many_humans.HUMANS_PER_TASK) -> dict[str, bytes]:
    config = replace(CONFIG, humans_per_task=humans_per_task)
    write_outcome(many_humans.run(config, RunContext(data=root, execution=execution)), folder)
    return {name: (folder / name).read_bytes() for name in FILES}


def _one_batched_call(root: Path, k_max: int) -> pd.DataFrame:
    """The route before the execution layer: every user's curves in one ``market_curves`` call."""
    data = movielens_data(root).data
    counts = data.rating_counts()
    alices = [a for a in community_scores(data, counts.index, CONFIG.family)
              if len(a.ratings) >= min_ratings(k_max, CONFIG.folds)]
    curve = CurveConfig(k_max=k_max, orderings=CONFIG.orderings, folds=CONFIG.folds, seed=CONFIG.seed)
    results = market_curves([(a.scores, a.ratings) for a in alices], curve)
    rows = []
    for alice, result in zip(alices, results, strict=True):
        at_k = result.table[result.table["K"] == k_max].set_index("method")["mse_mean"]
        rows.append({"user": alice.user, **at_k.to_dict()})
    return pd.DataFrame(rows)


def test_every_user_who_can_be_fitted_is_covered(movies_root):
    outcome = many_humans.run(CONFIG, RunContext(data=movies_root, execution=ExecutionConfig(workers=1)))
    summary = outcome.summary
    table = outcome.tables["improvements.csv"]
    counts = movielens_data(movies_root).data.rating_counts()
    for k in (3, 10):
        need = min_ratings(k, 5)
        rows = table[table["K"] == k]
        assert set(rows["user"]) == set(counts.index[counts >= need])
        assert summary["runs"][str(k)]["users"] == len(rows)
        np.testing.assert_allclose(rows["nnls_vs_single_pct"], 100 * (rows["nnls"] / rows["single"] - 1))
    assert set(outcome.figures) == {"improvements.png"} and len(outcome.tables["quantiles.csv"]) == 10
    assert outcome.verdict.lines[0].startswith("every user of the ") and "worker" not in outcome.verdict.lines[0]
    assert [line.split(":")[0] for line in outcome.verdict.lines[1:]] == ["  K = 3", "  K = 10"]
    assert "humans_per_task" not in summary["config"]


@pytest.mark.parametrize("per_task", [1000, 7])
def test_the_numbers_of_one_batched_call(movies_root, tmp_path, per_task):
    """One chunk is exactly the old single call; smaller chunks agree to rounding (the engine batches across
    the humans of a chunk, so another chunking may sum in another order)."""
    _run(tmp_path, movies_root, ExecutionConfig(workers=1), humans_per_task=per_task)
    table = pd.read_csv(tmp_path / "improvements.csv")
    for k in CONFIG.k_values:
        ours = table[table["K"] == k].reset_index(drop=True)
        reference = _one_batched_call(movies_root, k)
        assert list(ours["user"]) == list(reference["user"])
        for method in ("single", "average", "simplex", "nnls"):
            if per_task == 1000:
                np.testing.assert_array_equal(ours[method], reference[method])
            else:
                np.testing.assert_allclose(ours[method], reference[method], rtol=1e-12)


def test_same_bytes_on_two_workers_and_after_resuming_a_partial_checkpoint(movies_root, tmp_path):
    local = _run(tmp_path / "local", movies_root, ExecutionConfig(workers=1), humans_per_task=6)
    ckpt = tmp_path / "ckpt"
    pool = _run(tmp_path / "pool", movies_root, ExecutionConfig(workers=2, checkpoint=ckpt), humans_per_task=6)
    assert pool == local
    assert sorted(p.name for p in ckpt.iterdir()) == ["K10", "K3"]  # one sweep per K_max, each resumable
    chunks = sorted((ckpt / "K3").glob("chunk-*.pkl"))
    kept = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in chunks[::2]}
    assert len(chunks) > 2
    for path in chunks[1::2]:
        path.unlink()
    resumed = _run(tmp_path / "resumed", movies_root, ExecutionConfig(workers=1, checkpoint=ckpt), humans_per_task=6)
    assert resumed == local
    stamps = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (ckpt / "K3").glob("chunk-*.pkl")}
    assert {name: stamps[name] for name in kept} == kept  # chunks already on disk were read, not recomputed


def test_same_bytes_on_a_dask_cluster(movies_root, tmp_path):
    distributed = pytest.importorskip("distributed")
    local = _run(tmp_path / "local", movies_root, ExecutionConfig(workers=1), humans_per_task=9)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1") as cluster:
        execution = ExecutionConfig(scheduler=cluster.scheduler_address)
        assert _run(tmp_path / "dask", movies_root, execution, humans_per_task=9) == local


def test_the_command_takes_the_execution_options(movielens_release, tmp_path):
    args = ["reproduce", "many-humans", "--data", str(movielens_release), "--k", "10", "--orderings", "2",
            "--min-ratings", "90", "--workers", "1", "--humans-per-task", "5", "--quiet"]
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "a"), "--checkpoint", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert "1 local workers" in result.output and "K = 10" in result.output
    assert (tmp_path / "c" / "K10" / "manifest.json").is_file()
    counts = pd.read_csv(movielens_release / "movielens" / "ml-latest-small" / "ratings.csv")["userId"].value_counts()
    assert set(pd.read_csv(tmp_path / "a" / "improvements.csv")["user"]) == set(counts.index[counts >= 90])
    other = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "b"), "--checkpoint", str(tmp_path / "c"),
                                      "--humans-per-task", "6"])
    assert other.exit_code == 2 and "holds another sweep" in other.output


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs SIGKILL")
def test_a_killed_run_resumes_where_it_stopped(movielens_release, tmp_path):
    args = ["reproduce", "many-humans", "--data", str(movielens_release), "--k", "10", "--orderings", "100",
            "--humans-per-task", "1", "--quiet"]
    ckpt = tmp_path / "ckpt"
    sweep = [*args, "--out", str(tmp_path / "resumed"), "--workers", "2", "--checkpoint", str(ckpt)]
    chunks = lambda: sorted((ckpt / "K10").glob("chunk-*.pkl"))  # noqa: E731
    process = subprocess.Popen([str(BIN / "marketalign"), *sweep], start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while len(chunks()) < 3 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the run and its worker processes
        process.wait()
    done = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in chunks()}
    assert 3 <= len(done) < 200, "the run was not killed mid-way"

    runner = CliRunner()
    resumed = runner.invoke(main, sweep)
    assert resumed.exit_code == 0, resumed.output
    after = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in chunks()}
    assert len(after) == 200 and {name: after[name] for name in done} == done
    reference = runner.invoke(main, [*args, "--out", str(tmp_path / "reference"), "--workers", "1"])
    assert reference.exit_code == 0, reference.output
    for name in FILES:
        assert (tmp_path / "resumed" / name).read_bytes() == (tmp_path / "reference" / name).read_bytes(), name
