"""Run every ``benchmarks/bench_*.py`` module (or those named) and save the table as JSON."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
from pathlib import Path

import benchmarks


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help="modules to run, e.g. bench_hull (default: all)")
    parser.add_argument("--out", type=Path, default=Path("results/benchmarks"))
    parser.add_argument("--quick", action="store_true", help="smaller workloads, for a smoke run")
    args = parser.parse_args()
    found = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    names = args.names or found
    unknown = sorted(set(names) - set(found))
    if unknown:
        parser.error(f"unknown benchmark modules {unknown}; choose from {found}")
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        for row in module.run(quick=args.quick):
            rows.append({"module": name, **row.to_dict()})
            ratio = f"{row.ratio:8.1f}x" if row.ratio is not None else "        -"
            base = _seconds(row.baseline_s) if row.baseline_s is not None else "         -"
            note = f"  {row.note}" if row.note else ""
            ours = _seconds(row.ours_s)
            print(f"{row.workload:<52} ours {ours}  base {base}  ratio {ratio}  target {row.target}{note}", flush=True)
    path = args.out / "benchmarks.json"
    path.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"saved {path}")


def _seconds(value: float) -> str:
    """A time with a unit that keeps three significant digits (s, ms or µs)."""
    unit, scale = next(((u, s) for u, s in (("s", 1.0), ("ms", 1e-3)) if value >= s), ("µs", 1e-6))
    return f"{value / scale:7.3g}{unit:>2}"


if __name__ == "__main__":
    main()
