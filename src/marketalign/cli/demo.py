"""``marketalign demo``: the main job on the embedded data, results in one folder.

Steps: the synthetic-Bob curve (clearly labelled synthetic), then the embedded versions of the paper's data
figures (1-3 and the many-humans run with honest offline Bobs; Figure 4 needs OpinionQA, which is never
embedded, so it reports itself unavailable and runs its protocol on a labelled MovieLens substitute).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from marketalign.experiments import fig1, fig2, fig3, fig4, many_humans, synthetic_curve
from marketalign.experiments.figures import ethics_data, movielens_data
from marketalign.hull.curves import CurveConfig
from marketalign.report.curves import headline
from marketalign.report.html import write_report


@click.command("demo")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("results/demo"),
              show_default=True, help="folder for every result of the demo")
@click.option("--quick", is_flag=True, help="fewer orderings, for a smoke run")
def demo_command(out: Path, quick: bool) -> None:
    """Run the embedded demonstrations and say where the results are."""
    orderings = 10 if quick else 100
    curve = CurveConfig(orderings=orderings)
    ethics_bobs = fig1.Fig1Config().family if not quick else replace(fig1.Fig1Config().family, n_bobs=30)
    click.echo("[1/5] ETHICS labels vs 100 SYNTHETIC Bobs (not language models): curves over K ...")
    config = synthetic_curve.SyntheticCurveConfig(curve=curve)
    click.echo("\n".join(headline(synthetic_curve.run(out / "synthetic_ethics", config, quiet=False))))
    click.echo("\n[2/5] Figure 1, embedded ETHICS: trained classifier Bobs (honest, offline) ...")
    ethics, _ = fig1.run(out / "fig1", ethics_data(None), fig1.Fig1Config(family=ethics_bobs, curve=curve), quiet=False)
    click.echo("\n".join(headline(ethics.result)))
    click.echo("\n[3/5] Figure 3, embedded MovieLens: taste-community Bobs for user 414 ...")
    movies, _ = fig3.run(out / "fig3", movielens_data(None), fig3.Fig3Config(curve=curve), quiet=False)
    click.echo("\n".join(headline(movies.result)))
    fig2.draw(out / "fig2", {"ethics": ethics, "movies": movies})
    click.echo("      Figure 2 (sparsity of the two runs above) drawn.")
    click.echo("\n[4/5] Figure 4 needs the OpinionQA survey data, which is never embedded:")
    fig4_config = fig4.Fig4Config(humans=20 if quick else 50)
    summary = fig4.run(out / "fig4_substitute", None, fig4_config, quiet=False, substitute=movielens_data(None))
    click.echo(f"      {summary['reason']}.\n      Instead: {summary['humans_and_models']}.")
    for genre, panel in summary["panels"].items():
        effect = panel["effect"]
        click.echo(f"      {genre}: {panel['humans']} users, K = {effect['K']}: NNLS "
                   f"{effect['nnls_vs_single_pct']:+.1f}% vs best single, "
                   f"{effect['nnls_vs_average_pct']:+.1f}% vs average")
    who = "users with 500+ ratings (quick run)" if quick else "every embedded MovieLens user"
    click.echo(f"\n[5/5] Many humans: {who} as Alice ...")
    config = many_humans.ManyHumansConfig(orderings=5)
    if quick:
        config = replace(config, orderings=2, min_user_ratings=500)
    for k, entry in many_humans.run(out / "many_humans", movielens_data(None), config, quiet=False)["runs"].items():
        medians = ", ".join(f"{name} {value:+.1f}%" for name, value in entry["median_pct"].items())
        click.echo(f"      K = {k}: {entry['users']} users, median change: {medians}")
    report = write_report([out], out / "report.html")
    click.echo(f"\nresults: {out.resolve()}\nreport:  {report.resolve()}")
