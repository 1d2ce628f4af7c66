"""Helpers for the execution-layer tests: synthetic humans, long tables, processes we start and watch."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from marketalign.bobs.synthetic import SyntheticBobs, synthetic_bobs

BIN = Path(sys.executable).parent


def make_humans(n_humans: int, n_bobs: int, rows: tuple[int, int] = (40, 120), seed: int = 0):
    """Per-human data sets (scores, utility) of synthetic Bobs, each human with her own number of rows."""
    rng = np.random.default_rng(seed)
    humans = []
    for i in range(n_humans):
        alice = rng.normal(size=int(rng.integers(*rows)))
        humans.append((synthetic_bobs(alice, SyntheticBobs(n_bobs=n_bobs, misalignment=1.0, seed=seed + i)), alice))
    return humans


def assert_same_results(ours, reference) -> None:
    """Two lists of curve results hold bit-identical numbers and tables."""
    assert len(ours) == len(reference)
    for a, b in zip(ours, reference, strict=True):
        for name in ("mse", "nonzero", "folds"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert a.table.equals(b.table)
        assert a.n_rows == b.n_rows and a.config == b.config


def long_table(humans) -> pd.DataFrame:
    """The humans as one long table: human, instance, alice, bob_0, ..."""
    frames = []
    for i, (scores, alice) in enumerate(humans):
        frame = pd.DataFrame(scores, columns=[f"bob_{j}" for j in range(scores.shape[1])])
        frame.insert(0, "alice", alice)
        frame.insert(0, "instance", [f"item:{j}" for j in range(len(alice))])
        frame.insert(0, "human", f"user:{i}")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def stop(process: subprocess.Popen, grace: float = 3.0) -> None:
    """Terminate a process we started (SIGTERM, then SIGKILL after ``grace`` seconds)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(condition, timeout: float, what: str, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@dataclass
class DaskCluster:
    """A scheduler and two workers, each a separate process on 127.0.0.1."""

    address: str
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen]


def worker_address(client, name: str) -> str:
    """The address of the worker started with ``--name name``."""
    return next(addr for addr, info in client.scheduler_info()["workers"].items() if info["name"] == name)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the time of the call)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (Linux /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())
