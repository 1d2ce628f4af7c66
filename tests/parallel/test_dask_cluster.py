"""A real Dask cluster (scheduler and two workers, separate processes): same numbers as a local run, even when a
worker is killed in the middle of the sweep."""

import threading

import pytest
from click.testing import CliRunner
from parallel_helpers import alive, assert_same_results, free_port, long_table, make_humans, wait_for, worker_address

from marketalign import InputError
from marketalign.cli import main
from marketalign.hull.by_human import curves_by_human
from marketalign.hull.curves import CurveConfig
from marketalign.parallel import ExecutionConfig, cluster

distributed = pytest.importorskip("distributed")

HUMANS = make_humans(20, 20, rows=(100, 200), seed=5)
CONFIG = CurveConfig(orderings=30, folds=5, seed=2)


def test_a_sweep_survives_a_worker_killed_mid_run(dask_cluster, tmp_path):
    local = curves_by_human(HUMANS, CONFIG, humans_per_task=2, execution=ExecutionConfig(workers=1))
    n_chunks = len(HUMANS) // 2
    ckpt = tmp_path / "ckpt"
    execution = ExecutionConfig(scheduler=dask_cluster.address, checkpoint=ckpt)
    outcome = {}

    def sweep():
        try:
            outcome["result"] = curves_by_human(HUMANS, CONFIG, humans_per_task=2, execution=execution)
        except Exception as err:  # reported by the assertions below
            outcome["error"] = err

    finished = lambda: len(list(ckpt.glob("chunk-*.pkl")))  # noqa: E731
    with distributed.Client(dask_cluster.address, set_as_default=False) as watcher:
        victim = worker_address(watcher, "w1")
        thread = threading.Thread(target=sweep)
        thread.start()
        busy = wait_for(lambda: finished() >= 2 and watcher.processing(workers=[victim])[victim], 300,
                        "two finished chunks while worker w1 holds one")
        process = dask_cluster.workers[1]
        process.kill()  # SIGKILL: the worker cannot say goodbye
        process.wait()
        done_at_kill = finished()
        thread.join(600)
        assert not thread.is_alive(), "the sweep did not finish after losing a worker"
        assert not alive(process.pid)
        wait_for(lambda: victim not in watcher.scheduler_info()["workers"], 60, "the scheduler to drop w1")
    assert busy and done_at_kill < n_chunks, "the worker was killed after the sweep had finished"
    assert "error" not in outcome, outcome.get("error")
    assert finished() == n_chunks
    assert_same_results(outcome["result"], local)


def test_the_command_gives_the_same_bytes_on_the_cluster_and_locally(dask_cluster, tmp_path):
    table = tmp_path / "humans.csv"
    long_table(make_humans(6, 6, rows=(30, 60), seed=9)).to_csv(table, index=False)
    args = ["curve-by-human", str(table), "--orderings", "5", "--quiet", "--humans-per-task", "2"]
    runner = CliRunner()
    here = runner.invoke(main, [*args, "--out", str(tmp_path / "local"), "--workers", "1"])
    there = runner.invoke(main, [*args, "--out", str(tmp_path / "dask"), "--scheduler", dask_cluster.address])
    assert here.exit_code == 0, here.output
    assert there.exit_code == 0, there.output
    files = sorted(p.name for p in (tmp_path / "local").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "dask").iterdir())
    for name in files:
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name


def test_an_unreachable_scheduler_is_an_input_error(tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    table = tmp_path / "humans.csv"
    long_table(make_humans(2, 3, rows=(20, 30))).to_csv(table, index=False)
    result = CliRunner().invoke(main, ["curve-by-human", str(table), "--out", str(tmp_path / "o"),
                                       "--scheduler", f"tcp://127.0.0.1:{free_port()}"])
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler" in result.output and "dask scheduler" in result.output


class _Workers:
    """What ``Client.run`` answers for workers with another package version, or without the package."""

    def __init__(self, answer):
        self.answer = answer

    def run(self, func):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.mark.parametrize(
    ("answer", "message"),
    [({"tcp://10.0.0.7:4000": "0.0.1"}, "other marketalign versions"),
     (ModuleNotFoundError("No module named 'marketalign'"), "cannot run marketalign")],
)
def test_workers_with_another_package_are_refused(answer, message):
    with pytest.raises(InputError, match=message):
        cluster._check_versions(_Workers(answer))
