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

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from marketalign.errors import InputError
from marketalign.experiments.games_common import (
    TaskOutput,
    bound_summary,
    check_row,
    claimed_slacks,
    dump_violations,
    game_chunks,
    game_rng,
    run_tasks,
    violations_of,
)
from marketalign.games.checks import check_selection_game
from marketalign.games.generators import misaligned_bobs, random_selection_alice, shared_bias_bobs
from marketalign.games.model import SelectionGame
from marketalign.games.settings import TIE_RULES, check_regret_tol, solver_bytes
from marketalign.limits import check_size
from marketalign.parallel import ExecutionConfig
from marketalign.report.outputs import prepare_dir, save_figure, write_json, write_table

CHUNK = 10  # samples per task by default: about a second (each played with every k)
Family = Literal["misaligned", "shared-bias"]
FAMILIES: tuple[str, ...] = ("misaligned", "shared-bias")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


@dataclass(frozen=True)
class SelectionConfig:
    """One selection experiment: the Bob family, committee sizes, samples, starts, the Alice game's sizes.

    The defaults draw Figure 5 (250 samples x 4 committee sizes = 1,000 games, well under a minute on two cores);
    the bound check at the issue's scale is ``samples=1000`` (4,000 games); :meth:`quick` is a run of seconds.
    ``chunk`` samples make one task of the sweep (default: see :func:`game_chunks`).
    """

    family: Family = "misaligned"
    ks: tuple[int, ...] = (2, 3, 5, 10)
    samples: int = 250
    starts: int = 8
    seed: int = 0
    n_contexts: int = 8
    n_states: int = 3
    n_actions: int = 4
    max_misalignment: float = 1.0
    max_bias: float = 1.0
    noise: float = 0.1
    tie_rule: str = "uniform"
    tol: float = 1e-9
    chunk: int | None = None

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise InputError(f"family must be one of {FAMILIES}; got {self.family!r}.")
        if not self.ks or min(self.ks) < 1:
            raise InputError(f"ks must list committee sizes >= 1; got {self.ks!r}.")
        if self.samples < 1 or self.starts < 0 or (self.chunk is not None and self.chunk < 1):
            raise InputError(
                f"Need samples >= 1, starts >= 0 and chunk >= 1; got {self.samples}, {self.starts}, {self.chunk}."
            )
        if self.tie_rule not in TIE_RULES:
            raise InputError(f"tie_rule must be one of {TIE_RULES}; got {self.tie_rule!r}.")
        check_regret_tol(self.tol)
        k = max(self.ks)
        check_size(
            f"One selection game ({self.n_contexts} contexts, {self.n_states} states, {self.n_actions} actions, "
            f"k = {k} Bobs)",
            solver_bytes(self.n_contexts, self.n_states, self.n_actions, k),
        )
        for name in ("max_misalignment", "max_bias", "noise"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise InputError(f"{name} must lie in [0, 1]; got {getattr(self, name)!r}.")

    @classmethod
    def quick(cls, seed: int = 0, **choices: Any) -> SelectionConfig:
        """A run of seconds (8 samples, 4 starts) with the other settings as given."""
        return cls(samples=8, starts=4, seed=seed, **choices)

    @property
    def figure_name(self) -> str:
        return "fig5" if self.family == "misaligned" else "shared_bias"


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
        config.n_contexts, config.n_states, config.n_actions, game_rng(config.seed, 0)
    )


def sample_bobs(config: SelectionConfig, alice: np.ndarray, sample: int, k: int) -> tuple[np.ndarray, dict]:
    """The k Bobs of one sample, and the parameters that generated them."""
    draw = game_rng(config.seed, 1, sample)
    rng = game_rng(config.seed, 2, sample, k)
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
                game, config.starts, game_rng(config.seed, 3, sample, k), config.tie_rule, config.tol
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


@dataclass(frozen=True)
class SelectionResult:
    """One row per (sample, k), one per equilibrium, the summary, and the merged task output."""

    table: pd.DataFrame
    equilibria: pd.DataFrame
    summary: dict
    output: TaskOutput


def run(
    config: SelectionConfig, quiet: bool = False, execution: ExecutionConfig | None = None
) -> SelectionResult:
    """Run all samples (tasks of ``config.chunk`` samples, where ``execution`` says) and summarise."""
    tasks = game_chunks(config.samples, config.chunk, CHUNK)
    merged = run_tasks(
        partial(run_task, config), tasks, desc=f"selection {config.family}", quiet=quiet, execution=execution
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
    return SelectionResult(table, equilibria, summary, merged)


def plot(result: SelectionResult, config: SelectionConfig) -> plt.Figure:
    """Figure 5 (misaligned family) or its shared-bias companion, from the results table alone."""
    table = result.table
    opt_value = float(table["opt"].iloc[0])
    fig, axes = plt.subplots(
        1,
        1 if config.family == "misaligned" else 2,
        figsize=(6.4 if config.family == "misaligned" else 11.5, 4.6),
        squeeze=False,
    )
    ax = axes[0, 0]
    for marker, (k, part) in zip(MARKERS, table.groupby("k"), strict=False):
        ax.scatter(
            part["epsilon"],
            part["min_alice_utility"],
            marker=marker,
            s=26,
            alpha=0.75,
            label=f"k = {k}",
            edgecolors="none",
        )
    grid = np.linspace(0.0, max(float(table["epsilon"].max()), 1e-3) * 1.05, 50)
    ax.plot(grid, opt_value - 2 * grid, "r--", label="OPT − 2ε")
    ax.axhline(opt_value, color="green", linestyle=":", label="Alice-optimal utility (OPT)")
    ax.set_xlabel("misalignment ε (non-negative weights, exact)")
    ax.set_ylabel("minimum Alice utility at equilibrium")
    ax.set_ylim(max(0.0, float(table["min_alice_utility"].min()) - 0.1), opt_value + 0.05)
    title = "Best-AI selection" if config.family == "misaligned" else "Shared bias: hull condition fails"
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower left")
    summary = result.summary
    ax.text(
        0.98,
        0.02,
        f"{summary['games']} games, {summary['equilibria']} equilibria\n"
        f"violations {summary['violations']}, min slack {summary['min_slack']:.3g}",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=8,
        bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85, "linewidth": 0.5},
    )
    if config.family == "shared-bias":
        right = axes[0, 1]
        for marker, (k, part) in zip(MARKERS, table.groupby("k"), strict=False):
            right.plot(
                part["bias"],
                part["min_alice_utility"],
                marker=marker,
                linestyle="",
                alpha=0.75,
                label=f"k = {k}",
            )
        by_bias = table.groupby("bias")
        right.plot(
            by_bias["bias"].first(),
            opt_value - 2 * by_bias["epsilon"].mean(),
            "r--",
            label="OPT − 2ε (mean over k)",
        )
        right.axhline(opt_value, color="green", linestyle=":", label="OPT")
        right.set_xlabel("shared bias b toward Alice's least-valued action")
        right.set_ylabel("minimum Alice utility at equilibrium")
        right.set_ylim(ax.get_ylim())
        right.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    return fig


def write(result: SelectionResult, config: SelectionConfig, out: str | Path) -> dict[str, Path]:
    """DIR/equilibria.csv (one row per (sample, k)), DIR/equilibrium_list.csv, DIR/summary.json, the figure
    and DIR/violations/*.json for any violation."""
    folder = prepare_dir(out)
    paths = {
        "equilibria": write_table(result.table, folder / "equilibria.csv"),
        "equilibrium_list": write_table(result.equilibria, folder / "equilibrium_list.csv"),
        "summary": write_json(result.summary, folder / "summary.json"),
        "figure": save_figure(plot(result, config), folder / f"{config.figure_name}.png"),
    }
    dump_violations(result.output.violations, folder)
    return paths
