"""The HTML report on large tables against the naive route (parse every table whole), timed in the same run.

- R1, row count of a plain CSV (1,000,000 x 10 floats at full precision, about 200 MB): pandas reading only the
  first column in chunks against ``len(pandas.read_csv(f))``.
- R2, the same on a CSV with quoted text (500,000 x 2).
- R3, the whole report of a folder holding the R1 table, a summary and two figures against parsing its table
  whole (the least a report that loads tables must do).

No issue sets a speed target for the report; the ratios show that a large table costs a report a scan, not a
parse. ``--quick`` uses tables ten times smaller.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import BenchRow, best_time
from marketalign.report.html import build_report
from marketalign.report.outputs import write_json
from marketalign.report.table_preview import count_csv_rows


def run(quick: bool) -> list[BenchRow]:
    rows = 100_000 if quick else 1_000_000
    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        folder = Path(scratch) / "results"
        folder.mkdir()
        plain = folder / "scores.csv"
        rng = np.random.default_rng(0)
        pd.DataFrame(rng.normal(size=(rows, 10))).to_csv(plain, index=False, float_format="%.17g")
        quoted = Path(scratch) / "quoted.csv"
        n_quoted = rows // 2
        pd.DataFrame({"text": np.where(np.arange(n_quoted) % 3 == 0, 'said "yes", twice', "plain"),
                      "value": rng.normal(size=n_quoted)}).to_csv(quoted, index=False)
        _figures(folder)
        write_json({"about": {"alice": "benchmark"}, "config": {"seed": 0}}, folder / "summary.json")

        def naive_count(path: Path) -> int:
            return len(pd.read_csv(path))

        assert count_csv_rows(plain) == naive_count(plain) == rows
        assert count_csv_rows(quoted) == naive_count(quoted) == n_quoted
        size_mb = plain.stat().st_size / 1e6
        return [
            BenchRow(f"R1 row count, CSV {rows:,} x 10 ({size_mb:.0f} MB)", best_time(lambda: count_csv_rows(plain)),
                     best_time(lambda: naive_count(plain)), "len(pandas.read_csv)", "-"),
            BenchRow(f"R2 row count, quoted CSV {n_quoted:,} x 2", best_time(lambda: count_csv_rows(quoted)),
                     best_time(lambda: naive_count(quoted)), "len(pandas.read_csv)", "-"),
            BenchRow("R3 whole report of that folder", best_time(lambda: build_report([folder])),
                     best_time(lambda: naive_count(plain)), "parse the table whole", "-"),
        ]


def _figures(folder: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from marketalign.report.outputs import save_figure

    for name in ("a", "b"):
        fig, ax = plt.subplots()
        ax.plot(np.arange(10), np.arange(10) ** (1 if name == "a" else 2))
        save_figure(fig, folder / f"{name}.png")
