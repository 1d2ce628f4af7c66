"""The registry of every figure and experiment of both papers: one entry per step, in the papers' order.

``marketalign reproduce all`` and ``marketalign demo`` play these steps (:mod:`marketalign.cli.catalogue`), the
HTML report orders its headlines and sections by them (:mod:`marketalign.report.headlines`), and the tests run
every entry (same seed, same bytes; a complete ``summary.json``; the report renders it). Adding an experiment is
one module under :mod:`marketalign.experiments` (``run(config, context) -> Outcome``), its command, and one line
here.

Each step is exactly a command a user can type, so a figure made by the whole run is the figure its own command
makes. This module imports nothing heavy: the command line's ``--help`` reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from marketalign.parallel import ExecutionConfig

SCALES = ("full", "demo", "quick")


@dataclass(frozen=True)
class Step:
    """One figure or experiment: its folder, the experiment module that computes it, what it shows, its command
    and the options of each scale.

    Attributes
    ----------
    name : str
        The step's folder under the run's output folder.
    module : str
        The module under :mod:`marketalign.experiments` whose ``run`` computes it
        (:mod:`marketalign.experiments.protocol`).
    title : str
        What it shows, one line.
    command : tuple of str
        The ``marketalign`` subcommand and its options, without ``--out``.
    scales : dict of str to tuple of str
        Options added at the ``full``, ``demo`` and ``quick`` scales.
    data : bool
        The step takes ``--data`` (default False).
    sweep : bool
        The step takes the execution options ``--workers``, ``--scheduler``, ``--checkpoint`` (default False).
    needs : str or None
        A folder under the data root without which the step is skipped (data that are never embedded); None =
        never skipped.
    """

    name: str
    module: str
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
    Step("llm_evaluators", "llm_evaluators",
         "LLMBar labels vs 65 real language-model evaluators as Bobs, MSE vs K",
         ("reproduce", "llm-evaluators"), {"full": (), "demo": (), "quick": ("--orderings", "10")}, data=True),
    Step("fig1_llm", "fig1",
         "Figure 1 with LLM Bobs: ETHICS labels vs 16 prompt Bobs of Qwen2.5-Coder-1.5B, MSE vs K",
         ("reproduce", "fig1", "--bobs", "llm"), {"full": (), "demo": (), "quick": ("--orderings", "10")}),
    Step("synthetic_ethics", "synthetic_curve",
         "ETHICS labels vs 100 SYNTHETIC Bobs (not language models): curves over K",
         ("reproduce", "synthetic"), {"full": (), "demo": (), "quick": ("--orderings", "10")}),
    Step("fig1", "fig1",
         "Figure 1: ETHICS labels vs 100 trained classifier Bobs, MSE vs K",
         ("reproduce", "fig1"), {"full": (), "demo": (), "quick": ("--orderings", "10")}, data=True),
    Step("llm_judges", "llm_judges",
         "LLMJudge: NIST relevance grades vs 33 language-model judges, MSE vs K, folds by query",
         ("reproduce", "llm-judges"), {"full": (), "demo": (), "quick": ("--orderings", "10")}, data=True,
         needs="panels/llmjudge_dl23"),
    Step("fig4_tjuatja", "fig4_llm",
         "Figure 4 with real LLMs: OpinionQA groups vs 9 LLMs per survey wave, folds by question",
         ("reproduce", "fig4-llm", "--source", "tjuatja"), {"full": (), "demo": (), "quick": ("--panels", "W92")},
         data=True, needs="panels/tjuatja2024_biasmonkey"),
    Step("fig4_meister", "fig4_llm",
         "Figure 4 with real LLMs: 14 human groups vs 16 (method, LLM) Bobs, folds by question",
         ("reproduce", "fig4-llm", "--source", "meister"), {"full": (), "demo": (), "quick": ("--orderings", "10")},
         data=True, needs="panels/meister2024_opinionqa"),
    Step("fig4_individuals", "fig4_llm",
         "Figure 4 with individual humans: Pew respondents vs 12 prompt variants of one LLM",
         ("reproduce", "fig4-individuals"),
         {"full": (), "demo": (), "quick": ("--panels", "Views on gender")}, data=True,
         needs="panels/hwang2023_personalized"),
    Step("coverage", "panel_coverage",
         "Coverage per question: 14 human groups by 16 (method, LLM) Bobs, k-robust, closest angle",
         ("reproduce", "coverage", "--source", "meister"), {"full": (), "demo": (), "quick": ("--robust", "1")},
         data=True, needs="panels/meister2024_opinionqa"),
    Step("fig3", "fig3",
         "Figure 3: one MovieLens user vs 100 taste-community Bobs, MSE vs K",
         ("reproduce", "fig3"), {"full": (), "demo": (), "quick": ("--orderings", "10")}, data=True),
    Step("fig2", "fig2",
         "Figure 2: sparsity of the NNLS and simplex weights vs K (the runs of Figures 1 and 3)",
         ("reproduce", "fig2"), {"full": (), "demo": (), "quick": ("--orderings", "10")}, data=True),
    Step("fig4", "fig4",
         "Figure 4: survey panels, MSE vs number of models (MovieLens SUBSTITUTE without OpinionQA)",
         ("reproduce", "fig4", "--substitute"), {"full": (), "demo": (), "quick": ("--humans", "20")}, data=True),
    Step("many_humans", "many_humans",
         "Many humans: every MovieLens user as Alice",
         ("reproduce", "many-humans"),
         {"full": (), "demo": ("--orderings", "5"), "quick": ("--orderings", "2", "--min-ratings", "500")},
         data=True, sweep=True),
    Step("families", "families",
         "Measure, then choose: per-Bob quality and the K = 100 effect of every Bob family",
         ("reproduce", "families"), {"full": (), "demo": ("--orderings", "5"), "quick": ("--orderings", "2")},
         data=True),
    Step("fig5", "games_selection",
         "Figure 5: Best-AI selection, epsilon vs Alice's worst equilibrium utility (Result 3)",
         ("game", "selection"), {"full": ("--samples", "1000"), "demo": (), "quick": ("--quick",)}, sweep=True),
    Step("shared_bias", "games_selection",
         "Best-AI selection when the hull condition fails (the shared-bias family)",
         ("game", "selection", "--family", "shared-bias"), _full_or_quick(), sweep=True),
    Step("conversation", "games_conversation",
         "Result 1: every pure equilibrium of random tiny conversation games vs OPT - 2 epsilon",
         ("game", "conversation"), _full_or_quick(("--games", "1000")), sweep=True),
    Step("quantal", "games_quantal",
         "Result 2: a quantal-response Alice, utility vs rationality beta",
         ("game", "quantal"), _full_or_quick(), sweep=True),
    Step("network_path", "network_path",
         "Networks (a): excess error vs depth on M-covered paths, with the O(M/sqrt(D)) bound",
         ("network", "path"), _full_or_quick(), sweep=True),
    Step("network_lowerbound", "network_lowerbound",
         "Networks (b): error x (depth + 1) >= 1 on random DAGs; hub-and-spokes stuck at 1/2",
         ("network", "lowerbound"), _full_or_quick(), sweep=True),
    Step("network_cyclic", "network_cyclic",
         "Networks (c): the cyclic-coverage path on the chain-difference distribution",
         ("network", "cyclic"), _full_or_quick(), sweep=True),
    Step("network_real", "network_real",
         "Networks (d): real regression data on random DAGs, error vs depth and topology",
         ("network", "real"), _full_or_quick(), sweep=True),
    Step("network_general", "network_general",
         "Networks (e): general learners vs linear ones on non-linear data",
         ("network", "general"), _full_or_quick(), sweep=True),
)
STEP_NAMES = tuple(step.name for step in STEPS)
