"""Market alignment curves of synthetic Bobs against a real label set (the embedded ETHICS items).

Alice's utility is real (the human label of the embedded ETHICS commonsense short items, 1 = acceptable); the
Bobs are **synthetic** (:mod:`marketalign.bobs.synthetic`): Alice's label plus a controlled misalignment, on
mismatched scales. The run shows the engine end to end and how the curves react to the share of the Bobs'
misalignment that is common to all of them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from marketalign.bobs.synthetic import SyntheticBobs, synthetic_bobs
from marketalign.data.embedded import load_embedded_ethics
from marketalign.experiments.protocol import Outcome, RunContext
from marketalign.hull.curves import CurveConfig, market_curve
from marketalign.report.curves import curve_outcome, headline


@dataclass(frozen=True)
class SyntheticCurveConfig:
    """The Bob family and the curve protocol.

    Attributes
    ----------
    family : SyntheticBobs
        The synthetic Bobs (our design, not language models); default 100 Bobs, misalignment 1.5, shared bias
        share 0.5, noise 1.0, scale spread 0.3, seed 0.
    curve : CurveConfig
        The curve protocol (docs/theory.md §1.3); default K up to every Bob, the paper's 100 orderings and 5 folds,
        seed 0, every method.
    """

    family: SyntheticBobs = field(
        default_factory=lambda: SyntheticBobs(n_bobs=100, misalignment=1.5, shared=0.5, noise=1.0,
                                              scale_spread=0.3, seed=0)
    )
    curve: CurveConfig = field(default_factory=CurveConfig)


def configure(*, orderings: int, seed: int) -> SyntheticCurveConfig:
    """The config of ``marketalign reproduce synthetic``: the seed of the Bobs, folds and orderings."""
    return SyntheticCurveConfig(family=replace(SyntheticCurveConfig().family, seed=seed),
                                curve=CurveConfig(orderings=orderings, seed=seed))


def run(config: SyntheticCurveConfig, context: RunContext) -> Outcome:
    """Build the Bobs on the embedded ETHICS labels (always: ``context.data`` is not read) and draw the curves;
    write nothing.

    Parameters
    ----------
    config : SyntheticCurveConfig
        The Bob family and the curve protocol.
    context : RunContext
        Only ``quiet`` applies.

    Returns
    -------
    Outcome
        ``curve.csv``, ``summary.json``, ``mse_vs_k.png`` and ``sparsity_vs_k.png``
        (:func:`marketalign.report.curves.curve_outcome`).
    """
    table = load_embedded_ethics().table("commonsense", short_only=True)
    alice = table["alice"].to_numpy(dtype=float)
    scores = synthetic_bobs(alice, config.family)
    names = [f"synthetic_{i:03d}" for i in range(scores.shape[1])]
    result = market_curve(scores, alice, config.curve, bob_names=names, target_names=["alice"], quiet=context.quiet)
    about = {
        "data": "embedded ETHICS subset (commonsense short items)",
        "alice": "ETHICS commonsense short items (embedded subset of cm_test + cm_test_hard), utility 1 = acceptable",
        "bobs": "SYNTHETIC Bobs: Alice's label plus a controlled misalignment (marketalign.bobs.synthetic), "
        "not language models",
        "family": asdict(config.family),
        "n_instances": len(alice),
    }
    intro = (f"embedded ETHICS labels vs {config.family.n_bobs} SYNTHETIC Bobs (Alice's label plus a controlled "
             "misalignment) ...")
    return curve_outcome("synthetic", result, title="ETHICS labels vs synthetic Bobs", about=about,
                         lines=[intro, *headline(result)])
