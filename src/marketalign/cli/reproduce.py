"""``marketalign reproduce``: the paper's data figures (1-4), the many-humans run and the synthetic-Bob curve,
one command each; ``reproduce all`` runs every figure and experiment of both papers (:mod:`.catalogue`).

Each command imports its experiment when it runs, so that the help loads none of them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import click

from marketalign.cli.execution import execution_options
from marketalign.cli.options import json_option, list_option, set_steps_result
from marketalign.data.location import DATA_ENV, EMBEDDED
from marketalign.data.names import MISSING_POLICIES, PANEL_FOLDERS
from marketalign.experiments.defaults import (
    COVERAGE_ROBUST,
    COVERAGE_SAMPLES,
    COVERAGE_SOURCES,
    DEFAULT_PANELS,
    DEFAULT_USER,
    FAMILIES_ORDERINGS,
    FIG1_BOBS,
    FIG4_HUMANS,
    FIG4_LLM_MISSING,
    FIG4_LLM_SOURCE,
    FIG4_MODELS,
    HUMANS_PER_TASK,
    MANY_HUMANS_K,
    MANY_HUMANS_MIN_RATINGS,
    MANY_HUMANS_ORDERINGS,
)
from marketalign.experiments.registry import STEP_NAMES
from marketalign.hull.constraints import CURVE_ORDERINGS, CURVE_SEED

if TYPE_CHECKING:
    from marketalign.hull.curves import CurveConfig
    from marketalign.parallel import ExecutionConfig

_OUT = click.option("--out", type=click.Path(path_type=Path), required=True,
                    help="folder for the results table, summary.json and the figure")
_DATA = click.option("--data", "data", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help=f"folder with ethics/, movielens/, opinionqa/ (default: ${DATA_ENV}; "
                     f"embedded subsets when absent, or always with --data {EMBEDDED})")
_SEED = click.option("--seed", default=CURVE_SEED, show_default=True, help="seed for Bobs, folds and orderings")
_ORDERINGS = click.option("--orderings", default=CURVE_ORDERINGS, show_default=True,
                          help="random orderings of the Bobs")
_QUIET = click.option("--quiet", is_flag=True, help="no progress bars")


@click.group("reproduce")
def reproduce_group() -> None:
    """The papers' figures: the data figures one command each (honest offline Bobs; docs/figures.md), and
    ``all``, every figure and experiment of both papers at full scale with one report."""


def _curve(orderings: int, seed: int) -> CurveConfig:
    from marketalign.hull.curves import CurveConfig

    return CurveConfig(k_max=None, orderings=orderings, folds=5, seed=seed)


def _run(experiment: ModuleType, config: object, out: Path, *, data: Path | None = None, quiet: bool = True,
         execution: ExecutionConfig | None = None) -> None:
    """Run ``experiment`` (its ``run(config, context)``), write its outcome into ``out``, print its headline and
    the results folder."""
    from marketalign.experiments.protocol import RunContext, write_outcome

    outcome = experiment.run(config, RunContext(data=data, quiet=quiet, execution=execution))
    write_outcome(outcome, out)
    for line in outcome.verdict.lines:
        click.echo(line)
    click.echo(f"results: {out.resolve()}")


@reproduce_group.command("fig1")
@json_option
@_OUT
@_DATA
@_ORDERINGS
@_SEED
@_QUIET
@click.option("--bobs", type=click.Choice(list(FIG1_BOBS)), default=FIG1_BOBS[0], show_default=True,
              help="classifiers: 100 trained classifier Bobs; llm: the prompt Bobs of a language model, from "
              "the embedded score matrix (or a matrix folder given as --data)")
def fig1_command(out: Path, data: Path | None, orderings: int, seed: int, quiet: bool, bobs: str) -> None:
    """Figure 1: ETHICS labels vs 100 trained classifier Bobs or 16 LLM prompt Bobs, MSE vs K (±1 std)."""
    from marketalign.experiments import fig1

    config = fig1.Fig1Config(bobs=bobs, family=replace(fig1.Fig1Config().family, seed=seed),
                             curve=_curve(orderings, seed))
    _run(fig1, config, out, data=data, quiet=quiet)


@reproduce_group.command("llm-judges")
@json_option
@_OUT
@_DATA
@_ORDERINGS
@_SEED
@_QUIET
def llm_judges_command(out: Path, data: Path | None, orderings: int, seed: int, quiet: bool) -> None:
    """LLMJudge: NIST relevance grades vs 33 language-model judges, MSE vs K, folds by query (needs the data)."""
    from marketalign.experiments import llm_judges

    _run(llm_judges, llm_judges.LLMJudgesConfig(curve=_curve(orderings, seed)), out, data=data, quiet=quiet)


@reproduce_group.command("llm-evaluators")
@json_option
@_OUT
@_DATA
@_ORDERINGS
@_SEED
@_QUIET
def llm_evaluators_command(out: Path, data: Path | None, orderings: int, seed: int, quiet: bool) -> None:
    """LLMBar labels vs its 65 language-model evaluators as Bobs, MSE vs K (±1 std)."""
    from marketalign.experiments import llm_evaluators

    config = llm_evaluators.LLMEvaluatorsConfig(curve=_curve(orderings, seed))
    _run(llm_evaluators, config, out, data=data, quiet=quiet)


@reproduce_group.command("fig2")
@json_option
@_OUT
@_DATA
@_ORDERINGS
@_SEED
@_QUIET
def fig2_command(out: Path, data: Path | None, orderings: int, seed: int, quiet: bool) -> None:
    """Figure 2: sparsity of the NNLS and simplex weights vs K (ethics and movie runs)."""
    from marketalign.experiments import fig1, fig2, fig3

    curve = _curve(orderings, seed)
    config = fig2.Fig2Config(
        ethics=fig1.Fig1Config(family=replace(fig1.Fig1Config().family, seed=seed), curve=curve),
        movies=replace(fig3.Fig3Config(), family=replace(fig3.Fig3Config().family, seed=seed), curve=curve),
    )
    _run(fig2, config, out, data=data, quiet=quiet)


@reproduce_group.command("fig3")
@json_option
@_OUT
@_DATA
@_ORDERINGS
@_SEED
@click.option("--user", default=DEFAULT_USER, show_default=True, help="MovieLens user id of Alice")
@_QUIET
def fig3_command(out: Path, data: Path | None, orderings: int, seed: int, user: int, quiet: bool) -> None:
    """Figure 3: one MovieLens user vs 100 taste-community Bobs, MSE vs K (±1 std)."""
    from marketalign.experiments import fig3

    family = replace(fig3.Fig3Config().family, seed=seed)
    _run(fig3, fig3.Fig3Config(user=user, family=family, curve=_curve(orderings, seed)), out, data=data, quiet=quiet)


@reproduce_group.command("fig4")
@json_option
@_OUT
@_DATA
@_SEED
@list_option("--panels", default=DEFAULT_PANELS, help="survey waves, e.g. W27,W29")
@click.option("--humans", default=FIG4_HUMANS, show_default=True, help="sampled groups per panel (at most)")
@click.option("--models", default=FIG4_MODELS, show_default=True, help="models (other groups) per human")
@click.option("--substitute", is_flag=True,
              help="without OpinionQA, run the protocol on MovieLens genre panels instead (labelled SUBSTITUTE)")
@_QUIET
def fig4_command(out: Path, data: Path | None, seed: int, panels: tuple[str, ...], humans: int, models: int,
                 substitute: bool, quiet: bool) -> None:
    """Figure 4: four survey panels, MSE vs number of models (all combinations, ±1 s.e. over humans)."""
    from marketalign.experiments import fig4

    config = fig4.Fig4Config(panels=panels, humans=humans, models=models, seed=seed, substitute=substitute)
    _run(fig4, config, out, data=data, quiet=quiet)


def _fig4_llm_options(command):
    """The options ``fig4-llm`` and ``fig4-individuals`` share."""
    options = [
        _OUT, _DATA, _SEED,
        list_option("--panels", help="waves (tjuatja) or topics (hwang), comma-separated; default: hwang the "
                    "paper's four waves' topics, tjuatja every wave with enough matched questions"),
        click.option("--missing", type=click.Choice(list(MISSING_POLICIES)), default=FIG4_LLM_MISSING,
                     show_default=True, help="a human's questions with a missing model cell: drop them, drop the "
                     "model, fill with its mean, or refuse (error)"),
        _ORDERINGS, _QUIET,
    ]
    for option in reversed(options):
        command = option(command)
    return command


@reproduce_group.command("fig4-llm")
@json_option
@click.option("--source", type=click.Choice(list(PANEL_FOLDERS)), default=FIG4_LLM_SOURCE,
              show_default=True, help="tjuatja: 9 LLMs vs OpinionQA groups; meister: 16 (method, LLM) Bobs vs 14 "
              "groups; hwang: 12 prompt variants vs individual respondents")
@_fig4_llm_options
def fig4_llm_command(source: str, **options) -> None:
    """Figure 4 with real LLMs: topic panels, MSE vs number of models (all combinations, ±1 s.e. over humans)."""
    _fig4_llm(source, **options)


@reproduce_group.command("fig4-individuals")
@json_option
@_fig4_llm_options
def fig4_individuals_command(**options) -> None:
    """Figure 4 with individual humans: Pew respondents vs 12 prompt variants of one LLM (fig4-llm --source hwang)."""
    _fig4_llm("hwang", **options)


def _fig4_llm(source: str, out: Path, data: Path | None, seed: int, panels: tuple[str, ...] | None, missing: str,
              orderings: int, quiet: bool) -> None:
    from marketalign.experiments import fig4_llm

    config = fig4_llm.Fig4LLMConfig(source=source, panels=panels, missing=missing, seed=seed, orderings=orderings)
    _run(fig4_llm, config, out, data=data, quiet=quiet)


@reproduce_group.command("coverage")
@json_option
@_OUT
@_DATA
@_SEED
@click.option("--source", type=click.Choice(list(COVERAGE_SOURCES)),
              default=COVERAGE_SOURCES[0], show_default=True,
              help="meister: 16 (method, LLM) Bobs vs 14 groups; tjuatja: 9 LLMs vs OpinionQA groups")
@list_option("--robust", item=int, minimum=1, default=COVERAGE_ROBUST, help="k values of k-robust coverage")
@click.option("--samples", default=COVERAGE_SAMPLES, show_default=True,
              help="sampled removals per k beyond the exact limit")
def coverage_command(out: Path, data: Path | None, seed: int, source: str, robust: tuple[int, ...],
                     samples: int) -> None:
    """Coverage per question of every human group by real LLMs: covered, k-robust, closest angle (medians)."""
    from marketalign.experiments import panel_coverage

    config = panel_coverage.PanelCoverageConfig(source=source, robust=robust, samples=samples, seed=seed)
    _run(panel_coverage, config, out, data=data)


@reproduce_group.command("many-humans")
@json_option
@_OUT
@_DATA
@_SEED
@click.option("--orderings", default=MANY_HUMANS_ORDERINGS, show_default=True, help="random orderings of the Bobs")
@list_option("--k", "k_values", item=int, minimum=1, default=MANY_HUMANS_K, help="K_max values, e.g. 12,100")
@click.option("--min-ratings", default=MANY_HUMANS_MIN_RATINGS, show_default=True, type=click.IntRange(min=1),
              help="leave out users with fewer ratings (for quick runs)")
@click.option("--humans-per-task", default=HUMANS_PER_TASK, show_default=True,
              type=click.IntRange(min=1),
              help="users in one chunk of work (a checkpoint resumes only with the chunking it was made with)")
@execution_options
@_QUIET
def many_humans_command(out: Path, data: Path | None, seed: int, orderings: int, k_values: tuple[int, ...],
                        min_ratings: int, humans_per_task: int, execution: ExecutionConfig, quiet: bool) -> None:
    """Every MovieLens user as Alice: the distribution of the gains of NNLS / simplex."""
    from marketalign.experiments import many_humans

    base = many_humans.ManyHumansConfig()
    config = many_humans.ManyHumansConfig(family=replace(base.family, seed=seed), k_values=k_values,
                                          min_user_ratings=min_ratings, orderings=orderings, seed=seed,
                                          humans_per_task=humans_per_task)
    click.echo(f"every user as Alice; curves on {execution.describe()} ...")
    _run(many_humans, config, out, data=data, quiet=quiet, execution=execution)


@reproduce_group.command("families")
@json_option
@_OUT
@_DATA
@_SEED
@click.option("--orderings", default=FAMILIES_ORDERINGS, show_default=True,
              help="random orderings of the Bobs per curve")
@_QUIET
def families_command(out: Path, data: Path | None, seed: int, orderings: int, quiet: bool) -> None:
    """Measure, then choose: per-Bob quality and the K = 100 effect of every candidate Bob family."""
    from marketalign.experiments import families

    _run(families, families.FamiliesConfig(orderings=orderings, seed=seed), out, data=data, quiet=quiet)


@reproduce_group.command("synthetic")
@json_option
@_OUT
@_ORDERINGS
@_SEED
@_QUIET
def synthetic_command(out: Path, orderings: int, seed: int, quiet: bool) -> None:
    """The embedded ETHICS labels vs 100 SYNTHETIC Bobs (controlled misalignment, not language models)."""
    from marketalign.experiments import synthetic_curve

    base = synthetic_curve.SyntheticCurveConfig()
    config = synthetic_curve.SyntheticCurveConfig(family=replace(base.family, seed=seed),
                                                  curve=_curve(orderings, seed))
    _run(synthetic_curve, config, out, quiet=quiet)


@reproduce_group.command("all")
@json_option
@_OUT
@_DATA
@list_option("--only", choices=STEP_NAMES, help="run these steps only, comma-separated")
@click.option("--quick", is_flag=True, help="every step at its smoke-run size (seconds each), for a check")
@click.option("--fresh", is_flag=True, help="run every step again, even those finished in an earlier run")
@execution_options
def all_command(out: Path, data: Path | None, only: tuple[str, ...] | None, quick: bool, fresh: bool,
                execution: ExecutionConfig) -> None:
    """Every figure and experiment of both papers at full scale, then one HTML report (OUT/report.html).

    Uses the full data sets (--data, else $MARKETALIGN_DATA) where present and the
    embedded subsets otherwise. Prints each step's command and time; OUT/steps.csv keeps them. Killed and run
    again with the same --out, it skips the finished steps and resumes the sweeps from their checkpoints.
    Exits 1 if a bound was violated, 2 if a step had bad input, after running the others.
    """
    from marketalign.cli.catalogue import run_steps, select_steps

    code = run_steps(select_steps(None if only is None else ",".join(only)), "quick" if quick else "full", out,
                     data=None if data is None else str(data), execution=execution, resume=not fresh)
    set_steps_result(out, code)
    if code:
        click.get_current_context().exit(code)
