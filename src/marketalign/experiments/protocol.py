"""The one shape of every experiment: a frozen config in, an :class:`Outcome` out, written by :func:`write_outcome`.

An experiment module exposes ``run(config, context) -> Outcome``. ``run`` computes and writes nothing; the
outcome carries everything a run produces, so that a notebook can look at the tables and draw the figures into
its own axes, and the command line writes them with the one writer here:

- ``tables``: file name -> table (``.csv`` or ``.parquet``, :func:`marketalign.report.outputs.write_table`);
- ``summary``: the JSON-ready summary (``summary.json``): ``about`` (what the data and the Bobs are), the
  ``config`` and the numbers the report and its headline read;
- ``figures``: file name -> a function of no argument that draws the figure (drawn only when written or asked);
- ``files``: other artefacts, file name -> a function that writes that file into a given folder (e.g. the games
  whose equilibria broke a bound, one JSON file each, loadable with :func:`marketalign.games.model.load_game`);
- ``verdict``: what the run says, :class:`Verdict` (a violated bound makes the CLI exit 1 after writing).

Files are written in one fixed order (tables, summary, figures, other files), each exactly once, so the same
config and seed give the same bytes. The writer puts every summary in the same envelope
(:func:`complete_summary`): the experiment's name, its seed, the library versions, the files and the verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from marketalign.errors import InputError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from marketalign.parallel import ExecutionConfig

Config = TypeVar("Config")
SUMMARY_FILE = "summary.json"
STATUSES = ("measured", "held", "violated")
ENVELOPE = frozenset({"experiment", "versions", "files", "verdict"})


@dataclass(frozen=True)
class RunContext:
    """Where an experiment reads its data and how it runs; never changes a number.

    Attributes
    ----------
    data : Path or None
        The data root (``--data``); None means ``$MARKETALIGN_DATA`` when set, else the embedded subsets
        (:mod:`marketalign.data.location`).
    quiet : bool
        No progress bars.
    execution : ExecutionConfig or None
        Where the independent tasks of a sweep run (:mod:`marketalign.parallel`); None = one local process per core.
    """

    data: Path | None = None
    quiet: bool = True
    execution: ExecutionConfig | None = None


@dataclass(frozen=True)
class Verdict:
    """What a run says as a whole.

    Attributes
    ----------
    status : {"measured", "held", "violated"}
        ``measured``: the numbers are the result (no bound is checked); ``held``: every bound the run checks
        held; ``violated``: at least one did not (the command exits 1 after writing everything).
    lines : tuple of str
        What the command prints: the key numbers, and beside them the paper's claim where it has one.
    headline : str
        The key number in one line for the report's headline screen, where the summary's standard numbers
        (NNLS against the best single Bob, a bound's violations and slack) do not say it; "" = those numbers.
    violation : str
        ``violated`` only: what broke, one sentence naming the file of the output folder to look at (the
        command's error message).

    Raises
    ------
    InputError
        When ``status`` is not one of the three, or ``violation`` is given for a status other than ``violated``
        or missing for ``violated``.
    """

    status: Literal["measured", "held", "violated"] = "measured"
    lines: tuple[str, ...] = ()
    headline: str = ""
    violation: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise InputError(f"verdict status {self.status!r} is not one of {STATUSES}.")
        if (self.status == "violated") != bool(self.violation):
            raise InputError("a verdict says what was violated exactly when its status is 'violated'; got status "
                             f"{self.status!r} with violation {self.violation!r}.")


@dataclass(frozen=True)
class Outcome:
    """Everything one experiment run produced, before anything is written.

    Attributes
    ----------
    name : str
        The experiment's name (its registry entry).
    summary : dict
        JSON-ready; written as ``summary.json``.
    tables : Mapping[str, pandas.DataFrame]
        File name (``.csv`` or ``.parquet``) -> table.
    figures : Mapping[str, Callable[[], Figure]]
        File name (``.png`` or ``.pdf``) -> a function drawing the figure.
    files : Mapping[str, Callable[[Path], Path]]
        File or folder name -> a function writing it into the given folder and returning its path.
    verdict : Verdict
        What the run says.

    Raises
    ------
    InputError
        When a file name is used twice or is ``summary.json``.
    """

    name: str
    summary: dict[str, Any]
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    figures: Mapping[str, Callable[[], Figure]] = field(default_factory=dict)
    files: Mapping[str, Callable[[Path], Path]] = field(default_factory=dict)
    verdict: Verdict = field(default_factory=Verdict)

    def __post_init__(self) -> None:
        names = [*self.tables, *self.figures, *self.files]
        repeated = sorted({n for n in names if names.count(n) > 1} | ({SUMMARY_FILE} & set(names)))
        if repeated:
            raise InputError(f"experiment {self.name!r}: output file name(s) {repeated} used twice; "
                             "give every table, figure and file its own name.")


def sized_config(config_class: type[Config], quick: bool, seed: int, sizes: Mapping[str, Any],
                 **choices: Any) -> Config:
    """An experiment's full-scale config (its defaults), or its quick one (``config_class.quick``), with the
    sizes given (not None in ``sizes``) and ``choices`` set.

    Parameters
    ----------
    config_class : type
        A config dataclass with a ``quick(seed, **choices)`` class method.
    quick : bool
        Start from the quick config.
    seed : int
        The config's seed.
    sizes : Mapping
        Field -> value; None = the base config's.
    **choices
        Fields set in either case.

    Returns
    -------
    config
        The config.

    Raises
    ------
    InputError
        When the config refuses a value.
    """
    base = config_class.quick(seed, **choices) if quick else config_class(seed=seed, **choices)
    return replace(base, **{name: value for name, value in sizes.items() if value is not None})


def complete_summary(outcome: Outcome) -> dict[str, Any]:
    """The summary as written: the experiment's own, inside the envelope every ``summary.json`` shares.

    The envelope (docs/report.md, "The summary contract"): ``experiment`` (the outcome's name), ``seed`` (the
    config's, when the summary does not give one), ``versions`` (of Python and the libraries that can change a
    number), ``files`` (every file and folder the run writes, ``summary.json`` included) and ``verdict`` (its
    status, the lines the command prints and the one-line headline).

    Parameters
    ----------
    outcome : Outcome
        What an experiment's ``run`` returned.

    Returns
    -------
    dict
        JSON-ready.

    Raises
    ------
    InputError
        When the experiment's summary sets an envelope field itself (the writer is the one place that does; an
        ``experiment`` equal to the outcome's name is allowed).
    """
    from marketalign.report.outputs import versions

    clash = sorted(field for field in ENVELOPE & set(outcome.summary)
                   if field != "experiment" or outcome.summary[field] != outcome.name)
    if clash:
        raise InputError(f"experiment {outcome.name!r}: its summary sets {clash}, which the writer fills in; "
                         "leave them out of the summary.")
    config = outcome.summary.get("config")
    seed = outcome.summary.get("seed", config.get("seed") if isinstance(config, dict) else None)
    return {
        **outcome.summary,
        "experiment": outcome.name,
        "seed": seed,
        "versions": versions(),
        "files": sorted([*outcome.tables, *outcome.figures, *outcome.files, SUMMARY_FILE]),
        "verdict": {"status": outcome.verdict.status, "lines": list(outcome.verdict.lines),
                    "headline": outcome.verdict.headline},
    }


def write_outcome(outcome: Outcome, out: str | Path) -> dict[str, Path]:
    """Write every table, the summary (:func:`complete_summary`), every figure and every other file of
    ``outcome`` into ``out``.

    Parameters
    ----------
    outcome : Outcome
        What :func:`run` of an experiment returned.
    out : str or Path
        The output folder (created with its parents).

    Returns
    -------
    dict
        File name -> path written, in the order written.

    Raises
    ------
    InputError
        When the folder cannot be created or written (:func:`marketalign.paths.prepare_dir`), or the summary
        sets an envelope field.
    """
    from marketalign.report.outputs import prepare_dir, save_figure, write_json, write_table

    summary = complete_summary(outcome)
    folder = prepare_dir(out)
    written = {name: write_table(table, folder / name) for name, table in outcome.tables.items()}
    written[SUMMARY_FILE] = write_json(summary, folder / SUMMARY_FILE)
    written |= {name: save_figure(draw(), folder / name) for name, draw in outcome.figures.items()}
    written |= {name: write(folder) for name, write in outcome.files.items()}
    return written
