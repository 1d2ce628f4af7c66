"""Start-up cost against ``python -c "import numpy"`` (issue 10: within 2x of it), timed in the same run.

Each workload is a fresh interpreter, so nothing is cached in the process; the routes are timed in interleaved
rounds (medians), so that a change in the machine's load hits every route alike.

- I1 ``python -c "import marketalign"``.
- I2 ``marketalign --help``, I3 ``marketalign curve --help``, I4 ``marketalign reproduce --help``, I5
  ``marketalign game selection --help``, I6 ``marketalign network path --help``: the console script's own code
  (``from marketalign.cli import main; sys.exit(main())``) under this interpreter.

The ratio column is numpy's time over ours, so the target "within 2x" reads ">= 0.5x"; the note gives ours as
a multiple of numpy's. ``--quick`` runs 3 rounds instead of 7.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from benchmarks import BenchRow

CLI = "import sys; from marketalign.cli import main; sys.exit(main())"
BASELINE = ("-c", "import numpy")
WORKLOADS = {
    'I1 python -c "import marketalign"': ("-c", "import marketalign"),
    "I2 marketalign --help": ("-c", CLI, "--help"),
    "I3 marketalign curve --help": ("-c", CLI, "curve", "--help"),
    "I4 marketalign reproduce --help": ("-c", CLI, "reproduce", "--help"),
    "I5 marketalign game selection --help": ("-c", CLI, "game", "selection", "--help"),
    "I6 marketalign network path --help": ("-c", CLI, "network", "path", "--help"),
}


def _seconds(args: tuple[str, ...]) -> float:
    """Wall time of one fresh interpreter running ``args``."""
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def run(quick: bool) -> list[BenchRow]:
    routes = {"numpy": BASELINE, **WORKLOADS}
    for args in routes.values():  # warm the file cache
        _seconds(args)
    times: dict[str, list[float]] = {name: [] for name in routes}
    for _ in range(3 if quick else 7):
        for name, args in routes.items():
            times[name].append(_seconds(args))
    median = {name: statistics.median(values) for name, values in times.items()}
    base = median["numpy"]
    return [
        BenchRow(name, median[name], base, 'python -c "import numpy"', ">= 0.5x",
                 note=f"{median[name] / base:.2f}x numpy's time; medians of {len(times[name])} interleaved rounds")
        for name in WORKLOADS
    ]
