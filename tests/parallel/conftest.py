"""A real Dask cluster for the execution-layer tests: a scheduler and two workers, separate processes on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess

import pytest
from parallel_helpers import BIN, DaskCluster, stop, wait_for


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    distributed = pytest.importorskip("distributed")
    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    logs = []

    def start(*args: str, name: str) -> subprocess.Popen:
        log = (folder / f"{name}.log").open("w")
        logs.append(log)
        return subprocess.Popen([str(BIN / "dask"), *args], stdout=log, stderr=subprocess.STDOUT, cwd=folder)

    scheduler = start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                      "--scheduler-file", str(scheduler_file), name="scheduler")
    workers = []
    try:
        address = wait_for(lambda: _address(scheduler_file), 120, "the Dask scheduler to start")
        workers = [
            start("worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--host", "127.0.0.1",
                  "--name", f"w{i}", "--local-directory", str(folder / f"w{i}"), name=f"w{i}")
            for i in range(2)
        ]
        with distributed.Client(address, timeout="60s", set_as_default=False) as client:
            client.wait_for_workers(2, timeout=180)
            client.run(lambda: __import__("marketalign.hull.by_human") and None)  # import once, before any test
        yield DaskCluster(address, scheduler, workers)
    finally:
        for process in [*workers, scheduler]:
            stop(process)
        for log in logs:
            log.close()




def _address(scheduler_file) -> str | None:
    try:
        return json.loads(scheduler_file.read_text())["address"]
    except (OSError, ValueError, KeyError):
        return None
