"""LLMBar (Zeng et al., Evaluating Large Language Models at Evaluating Instruction Following, ICLR 2024).

Each item is an instruction with two outputs, one of them better (``label``). Each evaluator, a
(base LLM, prompting strategy) pair, is one Bob; Alice is 1 when output 1 is the better one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from marketalign.data.panels.missing import apply_missing
from marketalign.data.tables import layout_table
from marketalign.errors import InputError

VERDICTS_FILE = "verdicts_long.csv.gz"
DEFAULT_SUBSETS = (
    "LLMBar/Natural",
    "LLMBar/Adversarial/GPTInst",
    "LLMBar/Adversarial/GPTOut",
    "LLMBar/Adversarial/Manual",
    "LLMBar/Adversarial/Neighbor",
)
VERDICT_COLUMNS = ["subset", "item", "label", "base_llm", "strategy", "winner_noswap", "winner_swap",
                   "score_1", "score_2"]
RATING_SCALE = 9.0
GROUP = "group"


@dataclass(frozen=True)
class LLMBarPanel:
    """The LLMBar market in the ``curve`` layout and what was done to the missing verdicts."""

    table: pd.DataFrame
    bobs: list[str]
    missing: dict
    ignored_columns: dict


def evaluator_scores(verdicts: pd.DataFrame) -> pd.Series:
    """Score each verdict row: the evaluator's belief that output 1 is better.

    Comparison strategies: the mean over the parseable presentation orders of ``winner == 1``.
    Rating strategies (``score_1``/``score_2`` present): ``(score_1 - score_2) / 9``. NaN when unparseable.
    """
    orders = verdicts[["winner_noswap", "winner_swap"]].apply(pd.to_numeric, errors="coerce")
    bad = orders.notna() & ~orders.isin([1, 2])
    if bad.to_numpy().any():
        raise InputError(f"{int(bad.to_numpy().sum())} winner cells are not 1, 2 or empty; fix the verdict table")
    choice = (orders == 1).astype(float).where(orders.notna()).mean(axis=1)
    rating = (verdicts["score_1"] - verdicts["score_2"]) / RATING_SCALE
    return rating.where(verdicts["score_1"].notna() & verdicts["score_2"].notna(), choice)


def llmbar_panel(verdicts: pd.DataFrame, *, subsets=DEFAULT_SUBSETS, missing: str = "error") -> LLMBarPanel:
    """Build the LLMBar market from the long verdict table.

    Parameters
    ----------
    verdicts : DataFrame
        One row per (subset, item, evaluator) with the :data:`VERDICT_COLUMNS`.
    subsets : sequence of str
        The subsets kept (default LLMBar Natural + Adversarial, 419 items).
    missing : str
        Policy for unparseable verdicts, see :func:`marketalign.data.panels.missing.apply_missing`.

    Returns
    -------
    LLMBarPanel
        Columns ``instance``, ``alice``, ``group`` (the subset), then one column per evaluator.

    Raises
    ------
    InputError
        On absent columns, unknown subsets, labels other than 1/2, or missing verdicts under ``error``.
    """
    absent = [name for name in VERDICT_COLUMNS if name not in verdicts.columns]
    if absent:
        raise InputError(f"LLMBar verdict table lacks columns {absent}; expected {VERDICT_COLUMNS}")
    unknown = sorted(set(subsets) - set(verdicts["subset"].unique()))  # unique: not a Python loop over rows
    if unknown:
        raise InputError(f"LLMBar subsets {unknown} are not in the verdict table")
    rows = verdicts[verdicts["subset"].isin(subsets)].copy()
    if not rows["label"].isin([1, 2]).all():
        raise InputError("LLMBar column 'label' must be 1 or 2 (the better output)")
    rows["bob"] = rows["base_llm"].astype(str) + "/" + rows["strategy"].astype(str)
    rows["score"] = evaluator_scores(rows)
    if rows.duplicated(["subset", "item", "bob"]).any():
        raise InputError("LLMBar verdict table has more than one row per (subset, item, evaluator)")
    wide = rows.pivot(index=["subset", "item"], columns="bob", values="score")
    labels = rows.drop_duplicates(["subset", "item"]).set_index(["subset", "item"])["label"]
    order = [(s, i) for s in subsets for i in sorted(rows.loc[rows["subset"] == s, "item"].unique())]
    wide = wide.reindex(order)
    bobs = list(wide.columns)
    wide = wide.reset_index()
    wide["alice"] = (labels.reindex(order).to_numpy() == 1).astype(float)
    wide, report = apply_missing(wide, bobs, missing)
    wide = wide.reset_index(drop=True)
    bobs = [name for name in bobs if name in wide.columns]
    instances = [f"{s}#{i}" for s, i in zip(wide["subset"], wide["item"], strict=True)]
    table = layout_table(instances, wide["alice"], group=wide["subset"])
    table = pd.concat([table, wide[bobs].reset_index(drop=True).astype(np.float64)], axis=1)
    ignored = {"sample": "the sampled run of an evaluator; it labels the run, it is not a separate evaluator"}
    return LLMBarPanel(table=table, bobs=bobs, missing=report, ignored_columns=ignored)


def load_llmbar(folder: str | Path, *, subsets=DEFAULT_SUBSETS, missing: str = "error") -> LLMBarPanel:
    """Read ``verdicts_long.csv.gz`` (or the embedded reduction) from ``folder`` and build the market.

    ``folder`` may also be a data root holding ``panels/llmbar/``.
    """
    nested = Path(folder) / "panels" / "llmbar"
    path = (nested if nested.is_dir() else Path(folder)) / VERDICTS_FILE
    if not path.is_file():
        raise InputError(f"LLMBar: {path} not found; pass --data FOLDER holding {VERDICTS_FILE}")
    return llmbar_panel(pd.read_csv(path), subsets=subsets, missing=missing)
