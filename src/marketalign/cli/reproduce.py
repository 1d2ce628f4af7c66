"""``marketalign reproduce``: the paper's data figures (1-4), the many-humans run and the synthetic-Bob curve,
one command each; ``reproduce all`` runs every figure and experiment of both papers (:mod:`.catalogue`).

Each command imports its experiment when it runs, so that the help loads none of them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from marketalign.cli.execution import execution_options
from marketalign.cli.options import json_option, list_option, set_steps_result
from marketalign.data.location import DATA_ENV, EMBEDDED
from marketalign.data.names import MISSING_POLICIES
from marketalign.experiments.defaults import (
    COVERAGE_ROBUST,
    COVERAGE_SAMPLES,
    COVERAGE_SOURCES,
    DEFAULT_PANELS,
    DEFAULT_USER,
    FAMILIES_ORDERINGS,
    FIG4_HUMANS,
    FIG4_LLM_MISSING,
    FIG4_LLM_SOURCE,
    FIG4_MODELS,
    HUMANS_PER_TASK,
    MANY_HUMANS_K,
    MANY_HUMANS_MIN_RATINGS,
    MANY_HUMANS_ORDERINGS,
    PANEL_FOLDERS,
)
from marketalign.experiments.registry import STEP_NAMES
from marketalign.hull.constraints import CURVE_ORDERINGS, CURVE_SEED

if TYPE_CHECKING:
    from marketalign.experiments.figures import Loaded
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


def _report(lines: list[str], comparison: dict | None, out: Path) -> None:
    click.echo("\n".join(lines))
    if comparison is not None and comparison.get("why"):
        click.echo(f"vs the paper: {comparison['why']}")
    click.echo(f"results: {out.resolve()}")


def _curve_figure(label: str, run, loaded: Loaded, config, out: Path, quiet: bool) -> None:
    """Run a one-Alice curve figure (1 or 3) and print its headline and the comparison with the paper."""
    from marketalign.report.curves import headline

    click.echo(f"{label} on the {loaded.source} ...")
    computed, comparison = run(out, loaded, config, quiet=quiet)
    _report(headline(computed.result), comparison, out)


@reproduce_group.command("fig1")
@json_option
@_OUT
@_DATA
@_ORDERINGS
@_SEED
@_QUIET
@click.option("--bobs", type=click.Choice(["classifiers", "llm"]), default="classifiers", show_default=True,
              help="classifiers: 100 trained classifier Bobs; llm: the prompt Bobs of a language model, from "
              "the embedded score matrix (or a matrix folder given as --data)")
def fig1_command(out: Path, data: Path | None, orderings: int, seed: int, quiet: bool, bobs: str) -> None:
    """Figure 1: ETHICS labels vs 100 trained classifier Bobs or 16 LLM prompt Bobs, MSE vs K (±1 std)."""
    from marketalign.data.llm_scores import load_llm_scores
    from marketalign.experiments import fig1
    from marketalign.experiments.figures import data_root, ethics_data
    from marketalign.report.curves import headline

    if bobs == "llm":
        matrix = load_llm_scores() if data is None or str(data) == EMBEDDED else load_llm_scores(data)
        click.echo(f"Figure 1 on {matrix.provenance['model']['name']}'s scores: {matrix.source} ...")
        computed, comparison = fig1.run_llm(out, matrix, _curve(orderings, seed), quiet=quiet)
        _report(headline(computed.result), comparison, out)
        return
    config = fig1.Fig1Config(family=replace(fig1.Fig1Config().family, seed=seed), curve=_curve(orderings, seed))
    _curve_figure("Figure 1", fig1.run, ethics_data(data_root(data)), config, out, quiet)


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
    from marketalign.experiments.figures import data_root
    from marketalign.report.curves import headline

    folder = llm_judges.data_folder(data_root(data))
    click.echo(f"LLMJudge on {folder.name} ...")
    config = llm_judges.LLMJudgesConfig(curve=_curve(orderings, seed))
    computed, comparison = llm_judges.run(out, folder, config, quiet=quiet)
    leak = comparison["random_row_folds"]
    lines = headline(computed.result)
    lines.append(f"  K = {leak['K']}, MSE folds by query vs random row folds:")
    lines += [f"    {m:<14} {v:.4f}  vs {leak['mse_random_row_folds'][m]:.4f}"
              for m, v in leak["mse_folds_by_query"].items()]
    _report(lines, comparison, out)


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
    from marketalign.experiments.figures import data_root

    config = llm_evaluators.LLMEvaluatorsConfig(curve=_curve(orderings, seed))
    loaded = llm_evaluators.llmbar_data(data_root(data))
    _curve_figure("LLM evaluators", llm_evaluators.run, loaded, config, out, quiet)


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
    from marketalign.experiments.figures import data_root, ethics_data, movielens_data

    root = data_root(data)
    curve = _curve(orderings, seed)
    config = fig2.Fig2Config(
        ethics=fig1.Fig1Config(family=replace(fig1.Fig1Config().family, seed=seed), curve=curve),
        movies=replace(fig3.Fig3Config(), family=replace(fig3.Fig3Config().family, seed=seed), curve=curve),
    )
    sparsity = fig2.run(out, ethics_data(root), movielens_data(root), config, quiet=quiet)
    at_k = sparsity[sparsity["K"] == sparsity.groupby("domain")["K"].transform("max")]
    for row in at_k.itertuples():
        click.echo(f"  {row.domain:<7} K = {row.K}: {row.method:<8} {row.nnz_mean:.1f} ± {row.nnz_std:.1f} non-zero")
    _report([], None, out)


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
    from marketalign.experiments.figures import data_root, movielens_data

    family = replace(fig3.Fig3Config().family, seed=seed)
    config = fig3.Fig3Config(user=user, family=family, curve=_curve(orderings, seed))
    _curve_figure("Figure 3", fig3.run, movielens_data(data_root(data)), config, out, quiet)


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
    from marketalign.experiments.figures import data_root, movielens_data, opinionqa_folder

    config = fig4.Fig4Config(panels=panels, humans=humans,
                             models=models, seed=seed)
    root = data_root(data)
    folder = opinionqa_folder(root)
    stand_in = movielens_data(root) if substitute and folder is None else None
    summary = fig4.run(out, folder, config, quiet=quiet, substitute=stand_in)
    if not summary["available"]:
        click.echo(f"Figure 4 unavailable: {summary['reason']}")
    if "panels" in summary:
        click.echo(summary["humans_and_models"])
        for line in fig4.panel_lines(summary):
            click.echo(line)
    _report([], None, out)


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
    from marketalign.experiments import fig4, fig4_llm
    from marketalign.experiments.figures import data_root

    config = fig4_llm.Fig4LLMConfig(source=source, panels=panels, missing=missing, seed=seed, orderings=orderings)
    summary = fig4_llm.run(out, data_root(data), config, quiet=quiet)
    click.echo(f"Figure 4 with real LLMs: {summary['about']['bobs']}; {summary['about']['subsets']}, folds by "
               f"{summary['about']['folds']}")
    for line in fig4.panel_lines(summary):
        click.echo(line)
    _report([], None, out)


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
    from marketalign.experiments.figures import data_root

    config = panel_coverage.PanelCoverageConfig(source=source, robust=robust, samples=samples,
                                                seed=seed)
    summary = panel_coverage.run(out, data_root(data), config)
    medians = summary["median_over_humans"]
    robust_text = "".join(f", {medians[f'robust_{k}_pct']:.1f}% after removing any {k}" for k in config.robust)
    click.echo(f"{source}, {summary['about']['humans']} humans (medians): {medians['covered_pct']:.1f}% of "
               f"questions covered{robust_text}; closest model {medians['median_closest_angle_deg']:.1f} deg away")
    reference = panel_coverage.ORIENTATION
    click.echo(f"for orientation (another market): {reference['covered_pct']}% covered, "
               f"{reference['robust_pct']['1']}% / {reference['robust_pct']['5']}% after any 1 / 5, "
               f"{reference['median_closest_angle_deg']} deg")
    _report([], None, out)


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
    from marketalign.experiments.figures import data_root, movielens_data

    ks = k_values
    base = many_humans.ManyHumansConfig()
    config = many_humans.ManyHumansConfig(family=replace(base.family, seed=seed), k_values=ks,
                                          min_user_ratings=min_ratings, orderings=orderings, seed=seed)
    loaded = movielens_data(data_root(data))
    click.echo(f"every user of the {loaded.source}; curves on {execution.describe()} ...")
    summary = many_humans.run(out, loaded, config, quiet=quiet, execution=execution,
                              humans_per_task=humans_per_task)
    for k, entry in summary["runs"].items():
        medians = ", ".join(f"{name} {value:+.1f}%" for name, value in entry["median_pct"].items())
        click.echo(f"  K = {k}: {entry['users']} users (median change) {medians}")
    _report([], None, out)


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
    from marketalign.experiments.figures import data_root, ethics_data, movielens_data

    root = data_root(data)
    config = families.FamiliesConfig(orderings=orderings, seed=seed)
    table = families.run(out, ethics_data(root), movielens_data(root), config, quiet=quiet)
    for row in table.itertuples():
        click.echo(f"  {row.domain:<7} {row.family:<32} {row.alice:<9} {row.quality} median {row.quality_median:.3f}"
                   f" | NNLS {row.nnls_vs_single_pct:+.1f}% vs single, {row.nnls_vs_average_pct:+.1f}% vs average, "
                   f"{row.nnls_vs_constant_pct:+.1f}% vs constant")
    _report([], None, out)


@reproduce_group.command("synthetic")
@json_option
@_OUT
@_ORDERINGS
@_SEED
@_QUIET
def synthetic_command(out: Path, orderings: int, seed: int, quiet: bool) -> None:
    """The embedded ETHICS labels vs 100 SYNTHETIC Bobs (controlled misalignment, not language models)."""
    from marketalign.experiments import synthetic_curve
    from marketalign.report.curves import headline

    base = synthetic_curve.SyntheticCurveConfig()
    config = synthetic_curve.SyntheticCurveConfig(family=replace(base.family, seed=seed),
                                                  curve=_curve(orderings, seed))
    click.echo("embedded ETHICS labels vs 100 SYNTHETIC Bobs (Alice's label plus a controlled misalignment) ...")
    _report(headline(synthetic_curve.run(out, config, quiet=quiet)), None, out)


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
