"""Tjuatja et al. (TACL 2024), *Do LLMs exhibit human-like response biases?*: 9 LLMs sampled 50 times on
OpinionQA questions under several prompt conditions, joined with the OpinionQA human groups' answers.

Release layout (reduced, as shipped): ``response_counts.csv.gz`` with one row per (model, bias, perturbation,
key, group, num_options, response) and the ``count`` of the 50 sampled answers. ``group`` is the prompt
condition: ``orig alpha`` lists the options in OpinionQA order, so letter ``a`` is the question's first
option; in the other conditions the authors mapped the letters back to that order (checked on
``response_order``: the ``reversed alpha`` shares correlate 0.57 with the ``orig alpha`` shares of the same
letter and 0.19 with those of the mirrored letter, for gpt-3.5-turbo).

A Bob ([OURS], docs/theory.md §1.10) = one model under one condition:
its share of each option of a question (counts pooled over the question sets that asked it with the same
options). Alice = one OpinionQA group's share of each option that has an ordinal value (refusals excluded),
from the wave's ``<ATTRIBUTE>_data.json`` (:mod:`marketalign.data.surveys`). A question is matched when its
wave's counts hold it and the model saw exactly its ordinal options; one row per (question, option),
``group`` = the question key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from marketalign.data._files import read_csv, require_columns
from marketalign.data.surveys import load_panel, panel_folders
from marketalign.data.tables import INSTANCE, TARGET, TEXT
from marketalign.errors import InputError

COUNTS_FILE = "response_counts.csv.gz"
COLUMNS = ("model", "bias", "perturbation", "key", "group", "num_options", "response", "count")
DEFAULT_CONDITION = "orig alpha"
DEFAULT_PERTURBATION = "none"
HUMAN = "human"
GROUP = "group"


@dataclass(frozen=True, eq=False)
class TjuatjaPanel:
    """The LLM distributions joined with the OpinionQA groups of the matching questions.

    ``table``: human, instance (``q:<key>:<option>``), group (key), wave, text, alice, one column per model.
    ``questions``: key, wave, matched (bool), reason (why not matched).
    """

    table: pd.DataFrame
    humans: list[str]
    bobs: list[str]
    questions: pd.DataFrame
    condition: str
    perturbation: str
    source: str

    def describe(self) -> dict:
        """Sizes and match counts, for printed lines and ``summary.json``."""
        matched = self.questions[self.questions["matched"]]
        return {
            "source": self.source,
            "condition": self.condition,
            "perturbation": self.perturbation,
            "bobs": self.bobs,
            "humans": len(self.humans),
            "questions_in_release": len(self.questions),
            "questions_matched": len(matched),
            "matched_by_wave": matched["wave"].value_counts().sort_index().to_dict(),
            "unmatched_by_reason": self.questions.loc[~self.questions["matched"], "reason"]
            .value_counts()
            .to_dict(),
            "rows": len(self.table),
        }


def read_response_counts(path: str | Path) -> pd.DataFrame:
    """The release's ``response_counts.csv.gz`` (or the folder holding it), columns checked.

    Raises
    ------
    InputError
        No such file, a missing column, or counts that are not non-negative integers.
    """
    path = Path(path)
    if path.is_dir():
        path = path / COUNTS_FILE
    if not path.is_file():
        raise InputError(f"{path}: no such file; pass the Tjuatja et al. folder holding {COUNTS_FILE}.")
    counts = read_csv(path, dtype={c: str for c in COLUMNS if c not in ("num_options", "count")},
                      keep_default_na=False, engine="pyarrow")
    require_columns(counts, COLUMNS, path, "Tjuatja et al. response counts")
    for column in ("num_options", "count"):
        values = pd.to_numeric(counts[column], errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            raise InputError(f"{path}: {int(bad.sum())} cells of '{column}' are not counts >= 0 (row "
                             f"{int(np.flatnonzero(bad.to_numpy())[0]) + 2}).")
    return counts


def model_shares(
    counts: pd.DataFrame, condition: str = DEFAULT_CONDITION, perturbation: str = DEFAULT_PERTURBATION
) -> pd.DataFrame:
    """Long table key, num_options, position, model, share: each model's answer distribution per question.

    Counts of one question asked by several question sets with the same number of options are pooled.
    """
    for column, value in (("group", condition), ("perturbation", perturbation)):
        present = sorted(counts[column].unique())
        if value not in present:
            raise InputError(f"unknown {column} '{value}'; choose one of {', '.join(present)}.")
    rows = counts[(counts["group"] == condition) & (counts["perturbation"] == perturbation)]
    position = rows["response"].str.lower().map(lambda r: ord(r) - ord("a") if len(r) == 1 else -1)
    bad = (position < 0) | (position >= rows["num_options"])
    if bad.any():
        first = rows[bad.to_numpy()].iloc[0]
        raise InputError(f"{int(bad.sum())} responses are not a letter of their options (e.g. "
                         f"{first['model']} on {first['key']}: '{first['response']}').")
    rows = rows.assign(position=position.astype(int))
    pooled = rows.groupby(["key", "num_options", "model", "position"], as_index=False)["count"].sum()
    total = pooled.groupby(["key", "num_options", "model"])["count"].transform("sum")
    return pooled.assign(share=pooled["count"] / total)


def load_tjuatja(
    path: str | Path,
    opinionqa: str | Path,
    condition: str = DEFAULT_CONDITION,
    perturbation: str = DEFAULT_PERTURBATION,
    attributes: list[str] | None = None,
) -> TjuatjaPanel:
    """Join the release at ``path`` with the OpinionQA ``human_resp`` folder ``opinionqa``.

    Parameters
    ----------
    path : ``response_counts.csv.gz`` or its folder.
    opinionqa : the OpinionQA human_resp folder (``American_Trends_Panel_W*``).
    condition, perturbation : the prompt condition and perturbation of the Bobs.
    attributes : OpinionQA attribute files for the groups (default: all but NONE).

    Returns
    -------
    TjuatjaPanel

    Raises
    ------
    InputError
        Missing files, unknown condition/perturbation, no question matching any wave.
    """
    shares = model_shares(read_response_counts(path), condition, perturbation)
    models = sorted(shares["model"].unique())
    complete = shares.groupby(["key", "num_options"])["model"].nunique() == len(models)
    waves = panel_folders(opinionqa)
    status, parts = [], []
    for key, options in shares.groupby("key")["num_options"].unique().items():
        wave = key.rsplit("_", 1)[-1]
        status.append({"key": key, "wave": wave, "matched": False, "reason": "", "options": tuple(options)})
    status = pd.DataFrame(status)
    for wave, keys in status.groupby("wave")["key"]:
        if wave not in waves:
            status.loc[keys.index, "reason"] = "wave not in the OpinionQA folder"
            continue
        panel = load_panel(waves[wave], attributes=attributes)
        part, reasons = _join_wave(panel, shares[shares["key"].isin(set(keys))], models, complete)
        status.loc[keys.index, "reason"] = keys.map(reasons).fillna("").to_numpy()
        parts.append(part)
    status["matched"] = status["reason"] == ""
    if not status["matched"].any():
        raise InputError(f"no question of {path} matches the OpinionQA group counts under {opinionqa}.")
    table = pd.concat(parts, ignore_index=True).sort_values([HUMAN, "wave", INSTANCE], kind="stable")
    return TjuatjaPanel(
        table=table.reset_index(drop=True),
        humans=sorted(table[HUMAN].unique()),
        bobs=models,
        questions=status.drop(columns="options"),
        condition=condition,
        perturbation=perturbation,
        source=str(path),
    )


def _join_wave(panel, shares: pd.DataFrame, models: list[str], complete: pd.Series):
    """Rows of one wave: every stated group x matched question x ordinal option; reasons for the others."""
    scored = panel.options[panel.options["ordinal"].notna()]
    n_scored = scored.groupby("key").size()
    counted = set(panel.counts["key"])
    asked = set(shares["key"])
    reasons, matched = {}, []
    for (key, n), ok in complete.items():
        if key not in asked:
            continue
        if key not in n_scored.index:
            reasons[key] = "not a question of the wave's info.csv"
        elif key not in counted:
            reasons[key] = "no group counts for it in the wave"
        elif n_scored[key] != n:
            reasons.setdefault(key, f"models saw {n} options, the wave scores {n_scored[key]}")
        elif not ok:
            reasons[key] = "not every model answered it"
        else:
            matched.append((key, n))
    for key, _ in matched:
        reasons.pop(key, None)
    chosen = pd.MultiIndex.from_tuples(matched, names=["key", "num_options"])
    picked = shares.set_index(["key", "num_options"]).index.isin(chosen)
    matched = [key for key, _ in matched]
    bobs = (shares[picked]
            .pivot_table(index=["key", "position"], columns="model", values="share", fill_value=0.0)
            .reindex(columns=models))
    groups = panel._group_counts(keep_unstated=False)
    groups = groups[groups["key"].isin(matched)].merge(
        scored[["key", "option", "position"]], on=["key", "option"], how="inner")
    grid = groups.pivot_table(index=["group", "key"], columns="position", values="count", aggfunc="sum",
                              fill_value=0.0)
    grid = grid[grid.sum(axis=1) > 0]
    long = (grid.div(grid.sum(axis=1), axis=0).stack().rename(TARGET).reset_index())
    long = long.merge(scored[["key", "position", "option"]], on=["key", "position"])
    long = long.merge(bobs.reset_index(), on=["key", "position"], how="inner")
    text = panel.questions.set_index("key")["question"]
    table = pd.DataFrame({
        HUMAN: long["group"].to_numpy(),
        INSTANCE: ("q:" + long["key"] + ":" + long["option"]).to_numpy(),
        GROUP: long["key"].to_numpy(),
        "wave": panel.wave,
        TEXT: text.reindex(long["key"]).to_numpy(),
        TARGET: long[TARGET].to_numpy(dtype=float),
    })
    for model in models:
        table[model] = long[model].to_numpy(dtype=float)
    return table, reasons
