"""The registry of every figure and experiment of both papers: one command per experiment, one step per figure.

:data:`COMMANDS` holds one entry per experiment command (``marketalign reproduce fig1``, ``marketalign game
selection``, ...): the module that computes it and its options as data. The command line builds every one of these
commands from its entry (:mod:`marketalign.cli.experiment_commands`), so that adding an experiment is one module
under :mod:`marketalign.experiments` (``configure(**options) -> config`` and ``run(config, context) -> Outcome``,
:mod:`marketalign.experiments.protocol`) and one entry here.

:data:`STEPS` holds one entry per figure, in the papers' order: ``marketalign reproduce all`` and ``marketalign
demo`` play them (:mod:`marketalign.cli.catalogue`), the HTML report orders its headlines and sections by them
(:mod:`marketalign.report.headlines`), and the tests run every one (same seed, same bytes; a complete
``summary.json``; the report renders it). Each step is exactly a command line a user can type, so a figure made by
the whole run is the figure its own command makes.

This module imports nothing heavy: the command line's ``--help`` reads it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marketalign.data.names import MISSING_POLICIES, PANEL_FOLDERS
from marketalign.experiments.defaults import (
    COVERAGE_ROBUST,
    COVERAGE_SAMPLES,
    COVERAGE_SOURCES,
    DEFAULT_PANELS,
    DEFAULT_USER,
    FAMILIES_ORDERINGS,
    FIG1_BOBS,
    FIG3_BOBS,
    FIG4_HUMANS,
    FIG4_LLM_MISSING,
    FIG4_LLM_SOURCE,
    FIG4_MODELS,
    HUMANS_PER_TASK,
    MANY_HUMANS_K,
    MANY_HUMANS_MIN_RATINGS,
    MANY_HUMANS_ORDERINGS,
)
from marketalign.experiments.game_configs import (
    CONVERSATION_CHUNK,
    FAMILIES,
    QUANTAL_CHUNK,
    SELECTION_CHUNK,
    ConversationConfig,
    QuantalConfig,
    SelectionConfig,
)
from marketalign.experiments.network_configs import (
    LEARNERS,
    CyclicConfig,
    GeneralConfig,
    LowerBoundConfig,
    PathConfig,
    RealConfig,
)
from marketalign.games.settings import MAX_REGRET_TOL, METHODS, TIE_RULES, ConversationShape
from marketalign.hull.constraints import CURVE_ORDERINGS, CURVE_SEED

if TYPE_CHECKING:
    from marketalign.parallel import ExecutionConfig

SCALES = ("full", "demo", "quick")
GROUPS = ("reproduce", "game", "network")
"""The command groups whose experiment commands the registry defines (``marketalign GROUP NAME``)."""


@dataclass(frozen=True)
class Option:
    """One option of an experiment's command, as data; the command line turns it into a click option.

    Attributes
    ----------
    flag : str
        ``--name``; the experiment's ``configure`` receives it as ``dest``.
    help : str
        One line.
    default : object
        The value when not given (shown in the help); None = not given. For a list, a tuple.
    type : {int, float, str, bool}
        The value's type; ``bool`` is a flag. For a list (``item`` set) the type of its elements.
    dest : str or None
        The keyword of ``configure`` (default: the flag without dashes, ``-`` as ``_``).
    item : bool
        A comma-separated list (:mod:`marketalign.cli.options`): ``configure`` receives a tuple.
    choices : tuple of str or None
        The allowed values (of each element, for a list).
    minimum : float or None
        The smallest allowed value (of each element, for a list).
    file : bool
        An existing file (its path as a string).
    sizes : tuple or None
        ``(full, quick)``: a size whose default is the experiment config's, at full scale or with ``--quick``
        (shown as ``[default: X; --quick: Y]``; ``configure`` receives None when it is not given).
    """

    flag: str
    help: str
    default: Any = None
    type: type = int
    dest: str | None = None
    item: bool = False
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    file: bool = False
    sizes: tuple[Any, Any] | None = None

    @property
    def keyword(self) -> str:
        """The keyword ``configure`` receives this option's value as."""
        return self.dest or self.flag.removeprefix("--").replace("-", "_")


@dataclass(frozen=True)
class Command:
    """One experiment's command: ``marketalign GROUP NAME --out DIR [options]``.

    Every command takes ``--out``, ``--json`` and ``--quiet``; the flags below add the shared options. The
    command builds the experiment's config with ``module.configure(**preset, **options)``, runs it, writes its
    outcome into ``--out``, prints its verdict and exits 1 when the verdict is ``violated``.

    Attributes
    ----------
    group, name : str
        ``marketalign GROUP NAME``.
    module : str
        The module under :mod:`marketalign.experiments` with ``configure`` and ``run``.
    help : str
        What it does: the first line is its summary in the group's help.
    options : tuple of Option
        Its own options, in the order of its help.
    preset : Mapping[str, object]
        Keywords ``configure`` always receives (e.g. the market of ``fig4-individuals``).
    data : bool
        It takes ``--data`` (the data root).
    sweep : bool
        It takes the execution options ``--workers``, ``--scheduler``, ``--threads-per-worker``, ``--checkpoint``.
    quick : bool
        It takes ``--quick`` (size options not given take the experiment's quick values).
    """

    group: str
    name: str
    module: str
    help: str
    options: tuple[Option, ...] = ()
    preset: Mapping[str, Any] = field(default_factory=dict)
    data: bool = False
    sweep: bool = False
    quick: bool = False

    @property
    def path(self) -> tuple[str, str]:
        """``(group, name)``."""
        return self.group, self.name


def _sized(full: object, quick: object, attribute: str) -> tuple[Any, Any]:
    """A size's ``(full, quick)`` values, read from the experiment's two configs."""
    return getattr(full, attribute), getattr(quick, attribute)


_CURVE_SEED = Option("--seed", "seed for Bobs, folds and orderings", CURVE_SEED)
_ORDERINGS = Option("--orderings", "random orderings of the Bobs", CURVE_ORDERINGS)
_TOL_HELP = f"regret tolerance of the equilibrium check, in (0, {MAX_REGRET_TOL:g}] (utilities lie in [0, 1])"
_SELECTION, _SELECTION_QUICK = SelectionConfig(), SelectionConfig.quick()
_CONVERSATION, _CONVERSATION_QUICK = ConversationConfig(), ConversationConfig.quick()
_QUANTAL, _QUANTAL_QUICK = QuantalConfig(), QuantalConfig.quick()
_PATH, _PATH_QUICK = PathConfig(), PathConfig.quick()
_LOW, _LOW_QUICK = LowerBoundConfig(), LowerBoundConfig.quick()
_CYCLIC, _CYCLIC_QUICK = CyclicConfig(), CyclicConfig.quick()
_REAL, _REAL_QUICK = RealConfig(), RealConfig.quick()
_GENERAL, _GENERAL_QUICK = GeneralConfig(), GeneralConfig.quick()
_SHAPE = tuple(
    Option(flag, text, getattr(ConversationShape(), attribute), dest=attribute, minimum=1)
    for flag, attribute, text in (
        ("--alice-obs", "n_alice_obs", "|X_A|, Alice's private observations"),
        ("--bob-obs", "n_bob_obs", "|X_B|, the Bobs' shared observations"),
        ("--states", "n_states", "|Y|"),
        ("--actions", "n_actions", "|A|"),
        ("--messages", "n_messages", "|M|, the Bobs' reply alphabet (C_B* needs |M| >= |A|)"),
        ("--rounds", "rounds", "R, rounds of conversation"),
        ("--bobs", "k", "k, the number of Bobs"),
    )
)
_FIG4_LLM = (
    Option("--panels", "waves (tjuatja) or topics (hwang), comma-separated; default: hwang the paper's four "
           "waves' topics, tjuatja every wave with enough matched questions", type=str, item=True),
    Option("--missing", "a human's questions with a missing model cell: drop them, drop the model, fill with its "
           "mean, or refuse (error)", FIG4_LLM_MISSING, str, choices=MISSING_POLICIES),
    _ORDERINGS,
    _CURVE_SEED,
)

COMMANDS: tuple[Command, ...] = (
    Command("reproduce", "fig1", "fig1",
            "Figure 1: ETHICS labels vs 100 trained classifier Bobs or 16 LLM prompt Bobs, MSE vs K (±1 std).",
            (Option("--bobs", "classifiers: 100 trained classifier Bobs; llm: the prompt Bobs of a language model, "
                    "from the embedded score matrix (or a matrix folder given as --data)", FIG1_BOBS[0], str,
                    choices=FIG1_BOBS),
             _ORDERINGS, _CURVE_SEED), data=True),
    Command("reproduce", "llm-judges", "llm_judges",
            "LLMJudge: NIST relevance grades vs 33 language-model judges, MSE vs K, folds by query (needs the "
            "data).", (_ORDERINGS, _CURVE_SEED), data=True),
    Command("reproduce", "llm-evaluators", "llm_evaluators",
            "LLMBar labels vs its 65 language-model evaluators as Bobs, MSE vs K (±1 std).",
            (_ORDERINGS, _CURVE_SEED), data=True),
    Command("reproduce", "fig2", "fig2",
            "Figure 2: sparsity of the NNLS and simplex weights vs K (ethics and movie runs).",
            (_ORDERINGS, _CURVE_SEED), data=True),
    Command("reproduce", "fig3", "fig3",
            "Figure 3: one MovieLens user vs 100 taste-community Bobs or 16 LLM persona Bobs, MSE vs K (±1 std).",
            (Option("--bobs", "communities: 100 taste-community recommenders; llm: a language model speaking for 16 "
                    "of those communities, from the embedded score matrix (or a matrix folder given as --data)",
                    FIG3_BOBS[0], str, choices=FIG3_BOBS),
             Option("--user", "MovieLens user id of Alice", DEFAULT_USER), _ORDERINGS, _CURVE_SEED), data=True),
    Command("reproduce", "fig4", "fig4",
            "Figure 4: four survey panels, MSE vs number of models (all combinations, ±1 s.e. over humans).",
            (Option("--panels", "survey waves, e.g. W27,W29", DEFAULT_PANELS, str, item=True),
             Option("--humans", "sampled groups per panel (at most)", FIG4_HUMANS),
             Option("--models", "models (other groups) per human", FIG4_MODELS),
             Option("--substitute", "without OpinionQA, run the protocol on MovieLens genre panels instead "
                    "(labelled SUBSTITUTE)", False, bool),
             _CURVE_SEED), data=True),
    Command("reproduce", "fig4-llm", "fig4_llm",
            "Figure 4 with real LLMs: topic panels, MSE vs number of models (all combinations, ±1 s.e. over "
            "humans).",
            (Option("--source", "tjuatja: 9 LLMs vs OpinionQA groups; meister: 16 (method, LLM) Bobs vs 14 groups; "
                    "hwang: 12 prompt variants vs individual respondents", FIG4_LLM_SOURCE, str,
                    choices=tuple(PANEL_FOLDERS)),
             *_FIG4_LLM), data=True),
    Command("reproduce", "fig4-individuals", "fig4_llm",
            "Figure 4 with individual humans: Pew respondents vs 12 prompt variants of one LLM (fig4-llm --source "
            "hwang).", _FIG4_LLM, preset={"source": "hwang"}, data=True),
    Command("reproduce", "coverage", "panel_coverage",
            "Coverage per question of every human group by real LLMs: covered, k-robust, closest angle (medians).",
            (Option("--source", "meister: 16 (method, LLM) Bobs vs 14 groups; tjuatja: 9 LLMs vs OpinionQA groups",
                    COVERAGE_SOURCES[0], str, choices=COVERAGE_SOURCES),
             Option("--robust", "k values of k-robust coverage", COVERAGE_ROBUST, item=True, minimum=1),
             Option("--samples", "sampled removals per k beyond the exact limit", COVERAGE_SAMPLES),
             _CURVE_SEED), data=True),
    Command("reproduce", "many-humans", "many_humans",
            "Every MovieLens user as Alice: the distribution of the gains of NNLS / simplex.",
            (Option("--k", "K_max values, e.g. 12,100", MANY_HUMANS_K, dest="k_values", item=True, minimum=1),
             Option("--orderings", "random orderings of the Bobs", MANY_HUMANS_ORDERINGS),
             Option("--min-ratings", "leave out users with fewer ratings (for quick runs)", MANY_HUMANS_MIN_RATINGS,
                    minimum=1),
             Option("--humans-per-task", "users in one chunk of work (a checkpoint resumes only with the chunking "
                    "it was made with)", HUMANS_PER_TASK, minimum=1),
             _CURVE_SEED), data=True, sweep=True),
    Command("reproduce", "families", "families",
            "Measure, then choose: per-Bob quality and the K = 100 effect of every candidate Bob family.",
            (Option("--orderings", "random orderings of the Bobs per curve", FAMILIES_ORDERINGS),
             _CURVE_SEED), data=True),
    Command("reproduce", "synthetic", "synthetic_curve",
            "The embedded ETHICS labels vs 100 SYNTHETIC Bobs (controlled misalignment, not language models).",
            (_ORDERINGS, _CURVE_SEED)),
    Command("game", "selection", "games_selection",
            "Best-AI selection on one fixed Alice game: Figure 5 (or its shared-bias companion).\n\n"
            "Writes DIR/equilibria.csv (one row per (sample, k)), DIR/equilibrium_list.csv, DIR/summary.json and "
            "DIR/fig5.png (DIR/shared_bias.png for --family shared-bias).",
            (Option("--k", "committee sizes, e.g. --k 2,3,5,10", _SELECTION.ks, dest="ks", item=True, minimum=1),
             Option("--samples", "Bob samples, each played with every k", minimum=1,
                    sizes=_sized(_SELECTION, _SELECTION_QUICK, "samples")),
             Option("--starts", "random starts of best-response dynamics (plus the favourites' profile)", minimum=0,
                    sizes=_sized(_SELECTION, _SELECTION_QUICK, "starts")),
             Option("--samples-per-task", f"samples in one task of the sweep [default: {SELECTION_CHUNK}, fewer "
                    "for small runs]", dest="chunk", minimum=1),
             Option("--family", "misaligned: Figure 5; shared-bias: the counter-example where the hull condition "
                    "fails", _SELECTION.family, str, choices=FAMILIES),
             Option("--contexts", "contexts of Alice's game", _SELECTION.n_contexts, minimum=1),
             Option("--states", "states of Alice's game", _SELECTION.n_states, minimum=1),
             Option("--actions", "actions of Alice's game", _SELECTION.n_actions, minimum=1),
             Option("--tie-rule", "Alice's choice among equally good Bobs", _SELECTION.tie_rule, str,
                    choices=TIE_RULES),
             Option("--tol", _TOL_HELP, _SELECTION.tol, float),
             Option("--seed", "seed of every random game", _SELECTION.seed)), sweep=True, quick=True),
    Command("game", "conversation", "games_conversation",
            "Result 1: all pure equilibria of random conversation games against OPT − 2ε.\n\n"
            "Writes DIR/equilibria.csv (one row per game), DIR/slack_histogram.csv, DIR/summary.json and "
            "DIR/conversation.png.",
            (*_SHAPE,
             Option("--games", "random games", minimum=1, sizes=_sized(_CONVERSATION, _CONVERSATION_QUICK, "games")),
             Option("--games-per-task", f"games in one task of the sweep [default: {CONVERSATION_CHUNK}, fewer for "
                    "small runs]", dest="chunk", minimum=1),
             Option("--method", "exhaustive: every pure equilibrium; dynamics: best-response dynamics from random "
                    "starts", _CONVERSATION.method, str, choices=METHODS),
             Option("--starts", "random starts per game for --method dynamics", _CONVERSATION.starts, minimum=1),
             Option("--tol", _TOL_HELP, _CONVERSATION.tol, float),
             Option("--seed", "seed of every random game", _CONVERSATION.seed)), sweep=True, quick=True),
    Command("game", "quantal", "games_quantal",
            "Result 2: a quantal-response Alice; bound OPT − 2ε − δ·Σw − ln|A|/β as β, δ and ε vary.\n\n"
            "Writes DIR/quantal.csv (one row per (game, β)), DIR/slack_histogram.csv, DIR/summary.json and "
            "DIR/quantal.png.",
            (*_SHAPE,
             Option("--games", "random games", minimum=1, sizes=_sized(_QUANTAL, _QUANTAL_QUICK, "games")),
             Option("--games-per-task", f"games in one task of the sweep [default: {QUANTAL_CHUNK}, fewer for small "
                    "runs]", dest="chunk", minimum=1),
             Option("--beta", "rationality levels > 0, e.g. --beta 1,10", _QUANTAL.betas, float, dest="betas",
                    item=True),
             Option("--tol", _TOL_HELP, _QUANTAL.tol, float),
             Option("--seed", "seed of every random game", _QUANTAL.seed)), sweep=True, quick=True),
    Command("network", "path", "network_path",
            "(a) Excess error vs depth on M-covered paths, with the O(M/sqrt(D)) bound.",
            (Option("--features", "number of features d", sizes=_sized(_PATH, _PATH_QUICK, "n_features")),
             Option("--windows", "coverage windows M", item=True, minimum=1,
                    sizes=_sized(_PATH, _PATH_QUICK, "windows")),
             Option("--max-depth", "longest path (agents)", sizes=_sized(_PATH, _PATH_QUICK, "max_depth")),
             Option("--instances", "random draws per (distribution, M)",
                    sizes=_sized(_PATH, _PATH_QUICK, "instances")),
             Option("--seed", "seed of every random draw", _PATH.seed)), sweep=True, quick=True),
    Command("network", "lowerbound", "network_lowerbound",
            "(b) Error >= 1/(D+1) on random DAGs, attained by an ordering; hub-and-spokes stuck at 1/2.",
            (Option("--features", "d for the random DAGs", sizes=_sized(_LOW, _LOW_QUICK, "n_features")),
             Option("--dag-sizes", "agents per random DAG", item=True, minimum=1,
                    sizes=_sized(_LOW, _LOW_QUICK, "dag_sizes")),
             Option("--edge-probs", "edge probabilities", type=float, item=True, minimum=0,
                    sizes=_sized(_LOW, _LOW_QUICK, "edge_probs")),
             Option("--dags", "random DAGs per (size, probability)", sizes=_sized(_LOW, _LOW_QUICK, "dags")),
             Option("--hub-features", "d values for the attaining ordering and hub-and-spokes", item=True, minimum=1,
                    sizes=_sized(_LOW, _LOW_QUICK, "hub_features")),
             Option("--seed", "seed of every random draw", _LOW.seed)), sweep=True, quick=True),
    Command("network", "cyclic", "network_cyclic",
            "(c) The cyclic-coverage path on the chain-difference distribution, with the d = 10 fixtures.",
            (Option("--features", "d values", item=True, minimum=1, sizes=_sized(_CYCLIC, _CYCLIC_QUICK, "n_features")),
             Option("--passes", "passes over the features along the path",
                    sizes=_sized(_CYCLIC, _CYCLIC_QUICK, "passes")),
             Option("--seed", "seed of every random draw", _CYCLIC.seed)), sweep=True, quick=True),
    Command("network", "real", "network_real",
            "(d) Real data: layered random DAGs of varying depth and width, error vs topology.",
            (Option("--dataset", "a bundled data set (no download)", _REAL.dataset, str),
             Option("--table", "your own CSV/Parquet table of numeric columns (instead of --dataset)", type=str,
                    file=True),
             Option("--target", "label column of --table", type=str),
             Option("--splits", "random train/test splits", sizes=_sized(_REAL, _REAL_QUICK, "splits")),
             Option("--widths", "layer widths", item=True, minimum=1, sizes=_sized(_REAL, _REAL_QUICK, "widths")),
             Option("--depths", "numbers of layers", item=True, minimum=1, sizes=_sized(_REAL, _REAL_QUICK, "depths")),
             Option("--ridge", "ridge penalty on the mean squared error", _REAL.ridge, float),
             Option("--seed", "seed of every random draw", _REAL.seed)), sweep=True, quick=True),
    Command("network", "general", "network_general",
            "(e) General learners vs linear on non-linear data (Friedman #1), along a path and a hub.",
            (Option("--learners", f"learners, of {', '.join(LEARNERS)}", _GENERAL.learners, str, item=True,
                    choices=LEARNERS),
             Option("--rows", "training rows (test rows: 2.5x)", sizes=_sized(_GENERAL, _GENERAL_QUICK, "train_rows")),
             Option("--max-depth", "path length", sizes=_sized(_GENERAL, _GENERAL_QUICK, "max_depth")),
             Option("--instances", "independent data draws", sizes=_sized(_GENERAL, _GENERAL_QUICK, "instances")),
             Option("--crossfit", "folds for out-of-fold parent predictions during training (0 = off)",
                    _GENERAL.crossfit),
             Option("--seed", "seed of every random draw", _GENERAL.seed)), sweep=True, quick=True),
)
COMMAND_NAMES = tuple(f"{command.group} {command.name}" for command in COMMANDS)


def command(group: str, name: str) -> Command:
    """The registered command ``marketalign GROUP NAME``.

    Raises
    ------
    KeyError
        When no experiment command has that name.
    """
    for entry in COMMANDS:
        if entry.path == (group, name):
            return entry
    raise KeyError(f"no experiment command {group} {name}; the registered ones: {', '.join(COMMAND_NAMES)}")


@dataclass(frozen=True)
class Step:
    """One figure or experiment of the papers: its folder, what it shows, its command line and the options of
    each scale.

    Attributes
    ----------
    name : str
        The step's folder under the run's output folder.
    title : str
        What it shows, one line.
    command : tuple of str
        ``GROUP NAME`` of a registered :class:`Command`, then its options, without ``--out``.
    scales : dict of str to tuple of str
        Options added at the ``full``, ``demo`` and ``quick`` scales.
    needs : str or None
        A folder under the data root without which the step is skipped (data that are never embedded); None =
        never skipped.
    data_root : bool
        The run's data root is passed as ``--data`` when the command takes it (default True; False where
        ``--data`` means something else for this step, as the matrix folder of ``fig1 --bobs llm``).

    Raises
    ------
    KeyError
        When ``command`` does not start with a registered command.
    """

    name: str
    title: str
    command: tuple[str, ...]
    scales: dict[str, tuple[str, ...]]
    needs: str | None = None
    data_root: bool = True

    def __post_init__(self) -> None:
        command(*self.command[:2])

    @property
    def experiment(self) -> Command:
        """The registered command the step runs."""
        return command(*self.command[:2])

    @property
    def takes_data(self) -> bool:
        """The step is given the run's data root as ``--data``."""
        return self.experiment.data and self.data_root

    @property
    def sweep(self) -> bool:
        """The step takes the execution options."""
        return self.experiment.sweep

    def argv(self, scale: str, out: Path, data: str | None, execution: ExecutionConfig | None) -> list[str]:
        """The full command line of this step at ``scale``, writing into ``out / name``."""
        args = [*self.command, "--out", str(out / self.name), *self.scales[scale]]
        if self.takes_data and data is not None:
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


_TEN_ORDERINGS = {"full": (), "demo": (), "quick": ("--orderings", "10")}
STEPS: tuple[Step, ...] = (
    Step("llm_evaluators", "LLMBar labels vs 65 real language-model evaluators as Bobs, MSE vs K",
         ("reproduce", "llm-evaluators"), _TEN_ORDERINGS),
    Step("fig1_llm", "Figure 1 with LLM Bobs: ETHICS labels vs 16 prompt Bobs of Qwen2.5-Coder-1.5B, MSE vs K",
         ("reproduce", "fig1", "--bobs", "llm"), _TEN_ORDERINGS, data_root=False),
    Step("synthetic_ethics", "ETHICS labels vs 100 SYNTHETIC Bobs (not language models): curves over K",
         ("reproduce", "synthetic"), _TEN_ORDERINGS),
    Step("fig1", "Figure 1: ETHICS labels vs 100 trained classifier Bobs, MSE vs K",
         ("reproduce", "fig1"), _TEN_ORDERINGS),
    Step("llm_judges", "LLMJudge: NIST relevance grades vs 33 language-model judges, MSE vs K, folds by query",
         ("reproduce", "llm-judges"), _TEN_ORDERINGS, needs="panels/llmjudge_dl23"),
    Step("fig4_tjuatja", "Figure 4 with real LLMs: OpinionQA groups vs 9 LLMs per survey wave, folds by question",
         ("reproduce", "fig4-llm", "--source", "tjuatja"), {"full": (), "demo": (), "quick": ("--panels", "W92")},
         needs="panels/tjuatja2024_biasmonkey"),
    Step("fig4_meister", "Figure 4 with real LLMs: 14 human groups vs 16 (method, LLM) Bobs, folds by question",
         ("reproduce", "fig4-llm", "--source", "meister"), _TEN_ORDERINGS, needs="panels/meister2024_opinionqa"),
    Step("fig4_individuals", "Figure 4 with individual humans: Pew respondents vs 12 prompt variants of one LLM",
         ("reproduce", "fig4-individuals"), {"full": (), "demo": (), "quick": ("--panels", "Views on gender")},
         needs="panels/hwang2023_personalized"),
    Step("coverage", "Coverage per question: 14 human groups by 16 (method, LLM) Bobs, k-robust, closest angle",
         ("reproduce", "coverage", "--source", "meister"), {"full": (), "demo": (), "quick": ("--robust", "1")},
         needs="panels/meister2024_opinionqa"),
    Step("fig3", "Figure 3: one MovieLens user vs 100 taste-community Bobs, MSE vs K",
         ("reproduce", "fig3"), _TEN_ORDERINGS),
    Step("fig3_llm", "Figure 3 with LLM Bobs: one MovieLens user vs 16 taste-community personas of "
         "Qwen2.5-Coder-1.5B, MSE vs K", ("reproduce", "fig3", "--bobs", "llm"), _TEN_ORDERINGS, data_root=False),
    Step("fig2", "Figure 2: sparsity of the NNLS and simplex weights vs K (the runs of Figures 1 and 3)",
         ("reproduce", "fig2"), _TEN_ORDERINGS),
    Step("fig4", "Figure 4: survey panels, MSE vs number of models (MovieLens SUBSTITUTE without OpinionQA)",
         ("reproduce", "fig4", "--substitute"), {"full": (), "demo": (), "quick": ("--humans", "20")}),
    Step("many_humans", "Many humans: every MovieLens user as Alice",
         ("reproduce", "many-humans"),
         {"full": (), "demo": ("--orderings", "5"), "quick": ("--orderings", "2", "--min-ratings", "500")}),
    Step("families", "Measure, then choose: per-Bob quality and the K = 100 effect of every Bob family",
         ("reproduce", "families"), {"full": (), "demo": ("--orderings", "5"), "quick": ("--orderings", "2")}),
    Step("fig5", "Figure 5: Best-AI selection, epsilon vs Alice's worst equilibrium utility (Result 3)",
         ("game", "selection"), {"full": ("--samples", "1000"), "demo": (), "quick": ("--quick",)}),
    Step("shared_bias", "Best-AI selection when the hull condition fails (the shared-bias family)",
         ("game", "selection", "--family", "shared-bias"), _full_or_quick()),
    Step("conversation", "Result 1: every pure equilibrium of random tiny conversation games vs OPT - 2 epsilon",
         ("game", "conversation"), _full_or_quick(("--games", "1000"))),
    Step("quantal", "Result 2: a quantal-response Alice, utility vs rationality beta",
         ("game", "quantal"), _full_or_quick()),
    Step("network_path", "Networks (a): excess error vs depth on M-covered paths, with the O(M/sqrt(D)) bound",
         ("network", "path"), _full_or_quick()),
    Step("network_lowerbound", "Networks (b): error x (depth + 1) >= 1 on random DAGs; hub-and-spokes stuck at 1/2",
         ("network", "lowerbound"), _full_or_quick()),
    Step("network_cyclic", "Networks (c): the cyclic-coverage path on the chain-difference distribution",
         ("network", "cyclic"), _full_or_quick()),
    Step("network_real", "Networks (d): real regression data on random DAGs, error vs topology",
         ("network", "real"), _full_or_quick()),
    Step("network_general", "Networks (e): general learners vs linear ones on non-linear data",
         ("network", "general"), _full_or_quick()),
)
STEP_NAMES = tuple(step.name for step in STEPS)
