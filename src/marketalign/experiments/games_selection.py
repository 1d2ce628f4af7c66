"""Figure 5 and its shared-bias companion: the Best-AI selection game on one fixed Alice game (protocol ours,
docs/theory.md §1.6).

Figure 5 (the paper's caption): misalignment ε vs the minimum Alice utility at equilibrium, marker shape =
committee size k, dashed red OPT − 2ε, dotted green the Alice-optimal utility. Here (ours): one random Alice
game; for each sample a misalignment m ~ U[0, max] and a shared fraction s ~ U[0, 1]; for each k in ``ks``
the Bobs are :func:`~marketalign.games.generators.misaligned_bobs`; ε is the exact LP of Definition 1; the
equilibria are those best-response dynamics reach from ``starts`` random starts plus the favourites' profile.

The companion family ``shared-bias`` gives every Bob the same bias toward Alice's least-valued action, with
strength on a grid over [0, max_bias]: ε grows and Alice's utility can fall far below OPT, but not below
OPT − 2ε.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from marketalign.experiments.game_configs import SELECTION_CHUNK, SelectionConfig
from marketalign.experiments.games_common import (
    TaskOutput,
    bound_summary,
    bound_verdict,
    check_row,
    claimed_slacks,
    game_chunks,
    run_tasks,
    violation_files,
    violations_of,
)
from marketalign.experiments.protocol import Outcome, RunContext, sized_config
from marketalign.games.checks import check_selection_game
from marketalign.games.generators import misaligned_bobs, random_selection_alice, shared_bias_bobs
from marketalign.games.model import SelectionGame
from marketalign.report.game_figures import plot_selection
from marketalign.seeding import stream


def about(config: SelectionConfig) -> dict[str, str]:
    """What the games and the Bobs of this run are, for the summary."""
    if config.family == "misaligned":
        bobs = (
            "k Bob utility tables U_i = (1 - m) u_A + m (s B + (1 - s) R_i), B and R_i uniform random tables, "
            f"m ~ U[0, {config.max_misalignment:g}] and s ~ U[0, 1] drawn per sample (synthetic, [OURS])"
        )
    else:
        bobs = (
            "k Bobs that all over-value Alice's least-valued action: U_i = (1 - b) V_i + b 1[a = that action], "
            f"V_i independent distortions of size {config.noise:g}, b on a grid over [0, {config.max_bias:g}] "
            "(synthetic counter-example family, [OURS])"
        )
    return {
        "data": (
            f"one random Alice game from our seeded family: Dirichlet(1) prior over {config.n_contexts} contexts "
            f"x {config.n_states} states, U[0, 1] utility over {config.n_actions} actions (synthetic, docs/theory.md "
            "§1.6 [OURS])"
        ),
        "bobs": bobs + "; each Bob commits to a policy, equilibria from best-response dynamics",
        "alice": f"evaluates every Bob's policy exactly and follows the best one (ties: {config.tie_rule})",
    }


def alice_game(config: SelectionConfig) -> tuple[np.ndarray, np.ndarray]:
    """The one fixed Alice game (prior over (x, y) and her utility) of this seed."""
    return random_selection_alice(
        config.n_contexts, config.n_states, config.n_actions, stream(config.seed, 0)
    )


def sample_bobs(config: SelectionConfig, alice: np.ndarray, sample: int, k: int) -> tuple[np.ndarray, dict]:
    """The k Bobs of one sample, and the parameters that generated them."""
    draw = stream(config.seed, 1, sample)
    rng = stream(config.seed, 2, sample, k)
    if config.family == "misaligned":
        m, shared = config.max_misalignment * draw.random(), draw.random()
        return misaligned_bobs(alice, k, m, rng, shared=shared), {"misalignment": m, "shared": shared}
    bias = config.max_bias * sample / max(config.samples - 1, 1)
    return shared_bias_bobs(alice, k, bias, rng, misalignment=config.noise), {"bias": bias}


def run_task(config: SelectionConfig, samples: range) -> TaskOutput:
    """Check every (sample, k) game of a chunk of samples."""
    prior, alice = alice_game(config)
    out = TaskOutput()
    for sample in samples:
        for k in config.ks:
            bobs, params = sample_bobs(config, alice, sample, k)
            game = SelectionGame(prior, alice, bobs)
            check = check_selection_game(
                game, config.starts, stream(config.seed, 3, sample, k), config.tie_rule, config.tol
            )
            out.rows.append({"sample": sample, "k": k, **params, **check_row(check)})
            out.slacks.append(claimed_slacks(check))
            out.equilibria.extend(
                {
                    "sample": sample,
                    "k": k,
                    "alice_utility": eq.alice_utility,
                    "slack": bound.slack,
                    "max_regret": eq.max_regret,
                }
                for eq, bound in zip(check.equilibria, check.checks, strict=True)
            )
            out.violations.extend(
                violations_of(
                    check, game, f"sample{sample}-k{k}", sample=sample, k=k, config_seed=config.seed, **params
                )
            )
    return out


def configure(*, quick: bool, seed: int, ks: tuple[int, ...], samples: int | None, starts: int | None,
              chunk: int | None, family: str, contexts: int, states: int, actions: int, tie_rule: str,
              tol: float) -> SelectionConfig:
    """The config of ``marketalign game selection``: the full-scale or ``quick`` sizes, with those given.

    Raises
    ------
    InputError
        When the config refuses a value (:class:`SelectionConfig`).
    """
    return sized_config(SelectionConfig, quick, seed, {"samples": samples, "starts": starts, "chunk": chunk},
                        family=family, ks=tuple(dict.fromkeys(ks)), n_contexts=contexts, n_states=states,
                        n_actions=actions, tie_rule=tie_rule, tol=tol)


def run(config: SelectionConfig, context: RunContext) -> Outcome:
    """Check every (sample, k) game of the config (tasks of ``config.chunk`` samples, where
    ``context.execution`` says).

    Parameters
    ----------
    config : SelectionConfig
        The experiment.
    context : RunContext
        Where the tasks run and whether progress bars show.

    Returns
    -------
    Outcome
        ``equilibria.csv`` (one row per (sample, k)), ``equilibrium_list.csv`` (one row per equilibrium), the
        summary, ``fig5.png`` (``shared_bias.png`` for the shared-bias family), the games of any violation, and
        the verdict on OPT − 2ε.
    """
    tasks = game_chunks(config.samples, config.chunk, SELECTION_CHUNK)
    merged = run_tasks(
        partial(run_task, config),
        tasks,
        desc=f"selection {config.family}",
        quiet=context.quiet,
        execution=context.execution,
    )
    table = pd.DataFrame(merged.rows)
    equilibria = pd.DataFrame(
        merged.equilibria, columns=["sample", "k", "alice_utility", "slack", "max_regret"]
    )
    summary = bound_summary(f"selection-{config.family}", config, merged, len(table), about(config))
    summary["opt"] = float(table["opt"].iloc[0])
    summary["per_k"] = {
        str(k): {
            "games": int(len(part)),
            "mean_epsilon": float(part["epsilon"].mean()),
            "mean_min_alice_utility": float(part["min_alice_utility"].mean()),
            "share_at_opt": float((part["min_alice_utility"] >= part["opt"] - 1e-6).mean()),
            "min_slack": float(part["min_slack"].min()),
            "games_without_equilibrium": int((part["n_equilibria"] == 0).sum()),
        }
        for k, part in table.groupby("k")
    }
    return Outcome(
        summary["experiment"],
        summary,
        tables={"equilibria.csv": table, "equilibrium_list.csv": equilibria},
        figures={f"{config.figure_name}.png": partial(plot_selection, table, summary)},
        files=violation_files(merged.violations),
        verdict=bound_verdict(summary),
    )
