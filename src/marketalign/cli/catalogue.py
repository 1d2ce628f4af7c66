"""Every figure and experiment of both papers as a list of ``marketalign`` command lines, and the runner that
plays the list: ``marketalign demo`` (embedded data, a few minutes) and ``marketalign reproduce all`` (full scale).

Each step is exactly a command a user can type (printed before it runs), so a figure made by the whole run is
the figure its own command makes. The runner times each step, keeps going after a step that failed (and says so
at the end), writes ``steps.csv`` (command, status, seconds) and the HTML report of everything. With
``resume=True`` a step that finished in an earlier run into the same folder is not run again, and the sweeps
checkpoint their chunks in ``OUT/.checkpoints/STEP``, so a killed run loses at most the chunks in flight.
"""

from __future__ import annotations

import shlex
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from marketalign.errors import InputError
from marketalign.parallel import ExecutionConfig
from marketalign.paths import prepare_dir

if TYPE_CHECKING:
    import pandas as pd

SCALES = ("full", "demo", "quick")
STEPS_FILE = "steps.csv"


@dataclass(frozen=True)
class Step:
    """One figure or experiment: its folder, what it shows, its command and the options of each scale.

    ``command`` is the ``marketalign`` subcommand without ``--out``; ``scales`` maps ``full``, ``demo`` and
    ``quick`` to the options added at that scale. ``data`` steps take ``--data``; ``sweep`` steps take the
    execution options (``--workers``, ``--scheduler``, ``--checkpoint``). ``needs`` is a folder under the data
    root without which the step is skipped (data that are never embedded).
    """

    name: str
    title: str
    command: tuple[str, ...]
    scales: dict[str, tuple[str, ...]]
    data: bool = False
    sweep: bool = False
    needs: str | None = None

    def argv(self, scale: str, out: Path, data: str | None, execution: ExecutionConfig | None) -> list[str]:
        """The full command line of this step at ``scale``, writing into ``out / name``."""
        args = [*self.command, "--out", str(out / self.name), *self.scales[scale]]
        if self.data and data is not None:
            args += ["--data", data]
        if self.sweep and execution is not None:
            if execution.scheduler:
                args += ["--scheduler", execution.scheduler]
            if execution.workers:
                args += ["--workers", str(execution.workers)]
            args += ["--threads-per-worker", str(execution.threads)]
            if execution.checkpoint is not None:
                args += ["--checkpoint", str(Path(execution.checkpoint) / self.name)]
        return args


def _full_or_quick(demo: Sequence[str] = ()) -> dict[str, tuple[str, ...]]:
    """The experiment's defaults (its full scale), with ``demo`` options in the demo; ``--quick`` for a smoke run."""
    return {"full": (), "demo": tuple(demo), "quick": ("--quick",)}


STEPS: tuple[Step, ...] = (
    Step("llm_evaluators", "LLMBar labels vs 65 real language-model evaluators as Bobs, MSE vs K",
         ("reproduce", "llm-evaluators"), {"full": (), "demo": (), "quick": ("--orderings", "10")}, data=True),
    Step("fig1_llm", "Figure 1 with LLM Bobs: ETHICS labels vs 16 prompt Bobs of Qwen2.5-Coder-1.5B, MSE vs K",
         ("reproduce", "fig1", "--bobs", "llm"), {"full": (), "demo": (), "quick": ("--orderings", "10")}),
    Step("synthetic_ethics", "ETHICS labels vs 100 SYNTHETIC Bobs (not language models): curves over K",
         ("reproduce", "synthetic"), {"full": (), "demo": (), "quick": ("--orderings", "10")}),
    Step("fig1", "Figure 1: ETHICS labels vs 100 trained classifier Bobs, MSE vs K",
         ("reproduce", "fig1"), {"full": (), "demo": (), "quick": ("--orderings", "10")}, data=True),
    Step("llm_judges", "LLMJudge: NIST relevance grades vs 33 language-model judges, MSE vs K, folds by query",
         ("reproduce", "llm-judges"), {"full": (), "demo": (), "quick": ("--orderings", "10")}, data=True,
         needs="panels/llmjudge_dl23"),
    Step("fig4_tjuatja", "Figure 4 with real LLMs: OpinionQA groups vs 9 LLMs per survey wave, folds by question",
         ("reproduce", "fig4-llm", "--source", "tjuatja"), {"full": (), "demo": (), "quick": ("--panels", "W92")},
         data=True, needs="panels/tjuatja2024_biasmonkey"),
    Step("fig4_meister", "Figure 4 with real LLMs: 14 human groups vs 16 (method, LLM) Bobs, folds by question",
         ("reproduce", "fig4-llm", "--source", "meister"), {"full": (), "demo": (), "quick": ("--orderings", "10")},
         data=True, needs="panels/meister2024_opinionqa"),
    Step("fig4_individuals", "Figure 4 with individual humans: Pew respondents vs 12 prompt variants of one LLM",
         ("reproduce", "fig4-individuals"),
         {"full": (), "demo": (), "quick": ("--panels", "Views on gender")}, data=True,
         needs="panels/hwang2023_personalized"),
    Step("coverage", "Coverage per question: 14 human groups by 16 (method, LLM) Bobs, k-robust, closest angle",
         ("reproduce", "coverage", "--source", "meister"), {"full": (), "demo": (), "quick": ("--robust", "1")},
         data=True, needs="panels/meister2024_opinionqa"),
    Step("fig3", "Figure 3: one MovieLens user vs 100 taste-community Bobs, MSE vs K",
         ("reproduce", "fig3"), {"full": (), "demo": (), "quick": ("--orderings", "10")}, data=True),
    Step("fig2", "Figure 2: sparsity of the NNLS and simplex weights vs K (the runs of Figures 1 and 3)",
         ("reproduce", "fig2"), {"full": (), "demo": (), "quick": ("--orderings", "10")}, data=True),
    Step("fig4", "Figure 4: survey panels, MSE vs number of models (MovieLens SUBSTITUTE without OpinionQA)",
         ("reproduce", "fig4", "--substitute"), {"full": (), "demo": (), "quick": ("--humans", "20")}, data=True),
    Step("many_humans", "Many humans: every MovieLens user as Alice",
         ("reproduce", "many-humans"),
         {"full": (), "demo": ("--orderings", "5"), "quick": ("--orderings", "2", "--min-ratings", "500")},
         data=True, sweep=True),
    Step("families", "Measure, then choose: per-Bob quality and the K = 100 effect of every Bob family",
         ("reproduce", "families"), {"full": (), "demo": ("--orderings", "5"), "quick": ("--orderings", "2")},
         data=True),
    Step("fig5", "Figure 5: Best-AI selection, epsilon vs Alice's worst equilibrium utility (Result 3)",
         ("game", "selection"), {"full": ("--samples", "1000"), "demo": (), "quick": ("--quick",)}, sweep=True),
    Step("shared_bias", "Best-AI selection when the hull condition fails (the shared-bias family)",
         ("game", "selection", "--family", "shared-bias"), _full_or_quick(), sweep=True),
    Step("conversation", "Result 1: every pure equilibrium of random tiny conversation games vs OPT - 2 epsilon",
         ("game", "conversation"), _full_or_quick(("--games", "1000")), sweep=True),
    Step("quantal", "Result 2: a quantal-response Alice, utility vs rationality beta",
         ("game", "quantal"), _full_or_quick(), sweep=True),
    Step("network_path", "Networks (a): excess error vs depth on M-covered paths, with the O(M/sqrt(D)) bound",
         ("network", "path"), _full_or_quick(), sweep=True),
    Step("network_lowerbound", "Networks (b): error x (depth + 1) >= 1 on random DAGs; hub-and-spokes stuck at 1/2",
         ("network", "lowerbound"), _full_or_quick(), sweep=True),
    Step("network_cyclic", "Networks (c): the cyclic-coverage path on the chain-difference distribution",
         ("network", "cyclic"), _full_or_quick(), sweep=True),
    Step("network_real", "Networks (d): real regression data on random DAGs, error vs depth and topology",
         ("network", "real"), _full_or_quick(), sweep=True),
    Step("network_general", "Networks (e): general learners vs linear ones on non-linear data",
         ("network", "general"), _full_or_quick(), sweep=True),
)
STEP_NAMES = tuple(step.name for step in STEPS)


def select_steps(only: str | None) -> tuple[Step, ...]:
    """The steps named in the comma-separated ``only`` (all steps when None), in catalogue order."""
    if only is None:
        return STEPS
    wanted = {name.strip() for name in only.split(",") if name.strip()}
    unknown = sorted(wanted - set(STEP_NAMES))
    if unknown or not wanted:
        raise InputError(f"--only {only!r}: unknown step(s) {unknown}; choose among {', '.join(STEP_NAMES)}.")
    return tuple(step for step in STEPS if step.name in wanted)


def _finished_earlier(out: Path, step: Step, command: str) -> float | None:
    """Seconds of an earlier run of exactly this command into ``out`` that finished and whose folder is still
    there, else None."""
    import pandas as pd

    path = out / STEPS_FILE
    if not path.exists() or not (out / step.name).is_dir():
        return None
    done = pd.read_csv(path)
    match = done[(done["command"] == command) & (done["status"] == "done")]
    return float(match["seconds"].iloc[-1]) if len(match) else None


def _has_needed_data(step: Step, data: str | None) -> bool:
    """Whether the data root (``data``, else the environment) holds the folder ``step`` needs (True if none)."""
    if step.needs is None:
        return True
    from marketalign.data.location import data_root

    try:
        root = data_root(data)
    except InputError:
        return True  # the step itself reports the bad --data
    return root is not None and (root / step.needs).is_dir()


def run_steps(steps: Sequence[Step], scale: str, out: Path, *, data: str | None = None,
              execution: ExecutionConfig | None = None, resume: bool = False) -> int:
    """Run ``steps`` at ``scale`` into subfolders of ``out``, then write ``steps.csv`` and ``report.html``.

    Returns the worst exit code of the steps (0 all done, 1 a bound was violated, 2 bad input or missing data).
    """
    import pandas as pd

    from marketalign.report.html import write_report

    if scale not in SCALES:
        raise InputError(f"scale {scale!r} is not one of {SCALES}.")
    root = click.get_current_context().find_root().command
    prepare_dir(out)
    if not resume:
        (out / STEPS_FILE).unlink(missing_ok=True)
    if resume and execution is not None and execution.checkpoint is None:
        execution = replace(execution, checkpoint=out / ".checkpoints")
    rows = []
    for number, step in enumerate(steps, 1):
        argv = step.argv(scale, out, data, execution)
        command = shlex.join(["marketalign", *argv])
        click.secho(f"\n[{number}/{len(steps)}] {step.title}", bold=True)
        click.echo(f"$ {command}")
        earlier = _finished_earlier(out, step, command) if resume else None
        if earlier is not None:
            click.echo(f"      done in an earlier run ({earlier:.1f} s); delete {out / step.name} to run it again")
            rows.append({"step": step.name, "command": command, "status": "done", "exit_code": 0,
                         "seconds": earlier})
            continue
        if not _has_needed_data(step, data):
            click.echo(f"      skipped: needs {step.needs} under --data or $MARKETALIGN_DATA")
            rows.append({"step": step.name, "command": command, "status": "skipped: needs data", "exit_code": 0,
                         "seconds": 0.0})
            continue
        start = time.perf_counter()
        code = root.main(argv, prog_name="marketalign", standalone_mode=False) or 0
        seconds = time.perf_counter() - start
        status = {0: "done", 1: "bound violated"}.get(code, "failed")
        click.echo(f"      {status} in {seconds:.1f} s")
        rows.append({"step": step.name, "command": command, "status": status, "exit_code": code,
                     "seconds": round(seconds, 2)})
        _write_steps(out, rows)
        if code == 0 and execution is not None and execution.checkpoint is not None:
            shutil.rmtree(Path(execution.checkpoint) / step.name, ignore_errors=True)
    _write_steps(out, rows)
    table = pd.DataFrame(rows)
    _print_timings(table)
    click.echo(f"\nresults: {out.resolve()}")
    if (table["status"] != "failed").any():
        click.echo(f"report:  {write_report([out], out / 'report.html').resolve()}")
    return int(table["exit_code"].max()) if len(table) else 0


def _write_steps(out: Path, rows: list[dict]) -> None:
    """``steps.csv``: the earlier runs' rows of other commands, then this run's rows."""
    import pandas as pd

    table = pd.DataFrame(rows, columns=["step", "command", "status", "exit_code", "seconds"])
    path = out / STEPS_FILE
    if path.exists():
        earlier = pd.read_csv(path)
        table = pd.concat([earlier[~earlier["command"].isin(table["command"])], table], ignore_index=True)
    table.to_csv(path, index=False)


def _print_timings(table: pd.DataFrame) -> None:
    click.echo("\nstep                 status            seconds")
    for row in table.itertuples():
        click.echo(f"{row.step:<20} {row.status:<16} {row.seconds:8.1f}")
    click.echo(f"{'total':<20} {'':<16} {table['seconds'].sum():8.1f}")
    failed = table[table["exit_code"] != 0]
    if len(failed):
        click.secho(f"{len(failed)} step(s) did not finish cleanly: {', '.join(failed['step'])} "
                    "(their messages are above)", fg="red")
