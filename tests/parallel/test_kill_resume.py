"""Kill a real sweep process (SIGKILL) and rerun it: finished chunks are not recomputed, its worker processes
exit with it, and the final outputs are byte-identical to an uninterrupted run."""

import os
import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner
from parallel_helpers import BIN, alive, descendants, long_table, make_humans, wait_for

from marketalign.cli import main

N_HUMANS = 16


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads worker processes from /proc")
def test_a_killed_sweep_resumes_where_it_stopped(tmp_path):
    table = tmp_path / "humans.csv"
    long_table(make_humans(N_HUMANS, 20, rows=(100, 200), seed=7)).to_csv(table, index=False)
    args = ["curve-by-human", str(table), "--orderings", "30", "--humans-per-task", "1", "--quiet"]
    ckpt = tmp_path / "ckpt"
    sweep = [*args, "--out", str(tmp_path / "resumed"), "--workers", "2", "--checkpoint", str(ckpt)]
    process = subprocess.Popen([str(BIN / "marketalign"), *sweep])
    workers = set()
    chunks = lambda: sorted(ckpt.glob("chunk-*.pkl"))  # noqa: E731
    try:
        wait_for(lambda: len(chunks()) >= 2 or process.poll() is not None, 600, "two finished chunks")
        workers = descendants(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        done = {path.name: (path.stat().st_ino, path.stat().st_mtime_ns) for path in chunks()}
        assert 2 <= len(done) < N_HUMANS, "the sweep was not killed mid-run"
        assert workers, "the sweep ran no worker processes"
        wait_for(lambda: not any(alive(pid) for pid in workers), 30, "the killed sweep's workers to exit")
    finally:
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)

    runner = CliRunner()
    resumed = runner.invoke(main, sweep)
    assert resumed.exit_code == 0, resumed.output
    after = {path.name: (path.stat().st_ino, path.stat().st_mtime_ns) for path in chunks()}
    assert len(after) == N_HUMANS
    assert {name: after[name] for name in done} == done  # finished chunks were read, not recomputed

    reference = runner.invoke(main, [*args, "--out", str(tmp_path / "reference"), "--workers", "1"])
    assert reference.exit_code == 0, reference.output
    files = sorted(p.name for p in (tmp_path / "reference").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "resumed").iterdir())
    for name in files:
        assert (tmp_path / "reference" / name).read_bytes() == (tmp_path / "resumed" / name).read_bytes(), name
