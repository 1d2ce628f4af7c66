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

import math
from dataclasses import dataclass
from itertools import compress
from pathlib import Path

import numpy as np
import pandas as pd

from marketalign.data._files import read_csv, require_columns
from marketalign.data.surveys import _is_stated, _no_counts_error, _read_wave, _WaveFiles, panel_folders
from marketalign.data.tables import INSTANCE, TARGET, TEXT
from marketalign.errors import InputError

COUNTS_FILE = "response_counts.csv.gz"
COLUMNS = ("model", "bias", "perturbation", "key", "group", "num_options", "response", "count")
DEFAULT_CONDITION = "orig alpha"
DEFAULT_PERTURBATION = "none"
HUMAN = "human"
GROUP = "group"
Shares = dict[str, dict[int, float]]
"""One question as the models saw it with some number of options: model -> option position -> share (only
the positions with a share: none for a model whose counts are all 0)."""


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

    Raises
    ------
    InputError
        When the condition or the perturbation is unknown, the release has no responses under the pair, or a
        response is not a letter of its question's options.
    """
    for column, value in (("group", condition), ("perturbation", perturbation)):
        present = sorted(counts[column].unique())
        if value not in present:
            raise InputError(f"unknown {column} '{value}'; choose one of {', '.join(present)}.")
    rows = counts[(counts["group"] == condition) & (counts["perturbation"] == perturbation)]
    if rows.empty:
        paired = sorted(counts.loc[counts["group"] == condition, "perturbation"].unique())
        raise InputError(f"no responses under condition '{condition}' with perturbation '{perturbation}'; with "
                         f"that condition the release has the perturbations {', '.join(paired)}.")
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
    asked = _asked_questions(shares)
    waves = panel_folders(opinionqa)
    reasons: dict[str, str] = {}
    parts: list[dict[str, np.ndarray]] = []
    topic_maps: dict[Path, dict] = {}
    for wave, keys in _by_wave(asked).items():
        if wave not in waves:
            reasons.update(dict.fromkeys(keys, "wave not in the OpinionQA folder"))
            continue
        files = _read_wave(waves[wave], None, attributes, topic_maps)
        part, unmatched = _join_wave(files, {key: asked[key] for key in keys}, models)
        parts.append(part)
        reasons.update(unmatched)
    status = _status(list(asked), reasons)
    if not status["matched"].any():
        raise InputError(f"no question of {path} matches the OpinionQA group counts under {opinionqa}.")
    table = _table(parts, models).sort_values([HUMAN, "wave", INSTANCE], kind="stable")
    return TjuatjaPanel(
        table=table.reset_index(drop=True),
        humans=sorted(set(table[HUMAN].tolist())),
        bobs=models,
        questions=status,
        condition=condition,
        perturbation=perturbation,
        source=str(path),
    )


def _asked_questions(shares: pd.DataFrame) -> dict[str, dict[int, Shares]]:
    """Key -> number of options shown -> each model's shares, keys sorted and option numbers ascending."""
    asked: dict[str, dict[int, Shares]] = {}
    columns = (shares[c].tolist() for c in ("key", "num_options", "model", "position", "share"))
    for key, n, model, position, share in zip(*columns, strict=True):
        chosen = asked.setdefault(key, {}).setdefault(n, {}).setdefault(model, {})
        if not math.isnan(share):
            chosen[position] = share
    return {key: dict(sorted(asked[key].items())) for key in sorted(asked)}


def _by_wave(asked: dict[str, dict[int, Shares]]) -> dict[str, list[str]]:
    """Wave (the key's suffix after its last "_") -> its keys, waves sorted."""
    waves: dict[str, list[str]] = {}
    for key in asked:
        waves.setdefault(key.rsplit("_", 1)[-1], []).append(key)
    return dict(sorted(waves.items()))


def _status(keys: list[str], reasons: dict[str, str]) -> pd.DataFrame:
    """key, wave, matched, reason (empty when matched) of every question of the release."""
    reason = [reasons.get(key, "") for key in keys]
    return pd.DataFrame(
        {
            "key": keys,
            "wave": [key.rsplit("_", 1)[-1] for key in keys],
            "matched": [r == "" for r in reason],
            "reason": reason,
        }
    )


def _join_wave(
    files: _WaveFiles, asked: dict[str, dict[int, Shares]], models: list[str]
) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The rows of one wave: every stated group x matched question x ordinal option some model chose.

    Returns
    -------
    part : dict of str to numpy.ndarray
        The table's columns (the models' shares as one matrix, ``bobs``).
    reasons : dict of str to str
        Why each of the wave's other questions is not matched.
    """
    scored = _scored_options(files.options)
    reasons, matched = _match_questions(asked, scored, set(files.counts["key"]), len(models))
    if not files.counts["key"]:
        raise _no_counts_error(files.folder)
    pairs, positions, alice = _group_shares(*_option_cells(files.counts, scored, matched))
    text = files.questions.set_index("key")["question"].reindex(list(matched)).to_dict()
    targets, by_key = _option_targets(scored, matched, asked, text, models)
    rows, cols, ids = _row_layout(pairs, positions, by_key)
    groups = np.array([group for group, _ in pairs], dtype=object)
    part = {
        HUMAN: groups[rows],
        INSTANCE: targets[INSTANCE][ids],
        GROUP: targets[GROUP][ids],
        "wave": np.full(len(rows), files.wave, dtype=object),
        TEXT: targets[TEXT][ids],
        TARGET: alice[rows, cols],
        "bobs": targets["bobs"][ids],
    }
    return part, reasons


def _row_layout(
    pairs: list[tuple[str, str]], positions: list[int], by_key: dict[str, dict[int, int]]
) -> tuple[list[int], list[int], list[int]]:
    """For each row of the wave's table: its (group, key) pair, its option position's column, its option's entry."""
    column = {position: j for j, position in enumerate(positions)}
    cols_of = {key: [column[p] for p in options if p in column] for key, options in by_key.items()}
    ids_of = {key: [target for p, target in options.items() if p in column] for key, options in by_key.items()}
    rows, cols, ids = [], [], []
    for i, (_, key) in enumerate(pairs):
        rows.extend([i] * len(cols_of[key]))
        cols.extend(cols_of[key])
        ids.extend(ids_of[key])
    return rows, cols, ids


def _table(parts: list[dict[str, np.ndarray]], models: list[str]) -> pd.DataFrame:
    """The joined table of the waves' parts (as :func:`_join_wave` gives them), in wave order."""
    columns = {name: np.concatenate([part[name] for part in parts]) for name in (HUMAN, INSTANCE, GROUP, "wave", TEXT)}
    table = pd.DataFrame(
        {
            **{name: pd.array(values, dtype=str) for name, values in columns.items()},
            TARGET: np.concatenate([part[TARGET] for part in parts]),
        }
    )
    bobs = np.concatenate([part["bobs"] for part in parts]).reshape(-1, len(models))
    for j, model in enumerate(models):
        table[model] = bobs[:, j].copy()
    return table


def _scored_options(options: pd.DataFrame) -> dict[str, list[tuple[int, str]]]:
    """Key -> (position, option) of each option with an ordinal value, in info.csv order."""
    scored: dict[str, list[tuple[int, str]]] = {}
    rows = (options[c].tolist() for c in ("key", "position", "option", "ordinal"))
    for key, position, option, ordinal in zip(*rows, strict=True):
        if not math.isnan(ordinal):
            scored.setdefault(key, []).append((position, option))
    return scored


def _match_questions(
    asked: dict[str, dict[int, Shares]], scored: dict[str, list[tuple[int, str]]], counted: set[str], n_models: int
) -> tuple[dict[str, str], dict[str, int]]:
    """Why each unmatched question is not matched, and the number of options of each matched one."""
    reasons: dict[str, str] = {}
    matched: dict[str, int] = {}
    for key, by_options in asked.items():
        for n, bobs in by_options.items():
            if key not in scored:
                reasons[key] = "not a question of the wave's info.csv"
            elif key not in counted:
                reasons[key] = "no group counts for it in the wave"
            elif len(scored[key]) != n:
                reasons.setdefault(key, f"models saw {n} options, the wave scores {len(scored[key])}")
            elif len(bobs) != n_models:
                reasons[key] = "not every model answered it"
            else:
                matched[key] = n
    for key in matched:
        reasons.pop(key, None)
    return reasons, matched


def _option_cells(
    counts: dict[str, list], scored: dict[str, list[tuple[int, str]]], matched: dict[str, int]
) -> tuple[list[tuple[str, str]], list[int], list[int], list[float]]:
    """The stated groups' counts of the matched questions' ordinal options.

    Returns
    -------
    pairs : list of (str, str)
        Each (group, key) counted, in first-count order.
    rows, positions, values : list
        Per count: its index in ``pairs``, its option position and the count.
    """
    options: dict[str, dict[str, list[int]]] = {key: {} for key in matched}
    for key in matched:
        for position, option in scored[key]:
            options[key].setdefault(option, []).append(position)
    pairs: list[tuple[str, str]] = []
    index: dict[str, dict[str, int]] = {key: {} for key in matched}
    stated: dict[str, bool] = {}
    rows, positions, values = [], [], []
    columns = zip(*(counts[c] for c in ("group", "key", "option", "count")), strict=True)
    for group, key, option, count in compress(columns, [key in options for key in counts["key"]]):
        found = options[key].get(option)
        if found is None:
            continue
        if group not in stated:
            stated[group] = _is_stated(group)
        if not stated[group]:
            continue
        pair = index[key].get(group)
        if pair is None:
            pair = index[key][group] = len(pairs)
            pairs.append((group, key))
        for position in found:
            rows.append(pair)
            positions.append(position)
            values.append(count)
    return pairs, rows, positions, values


def _group_shares(
    pairs: list[tuple[str, str]], rows: list[int], columns: list[int], values: list[float]
) -> tuple[list[tuple[str, str]], list[int], np.ndarray]:
    """Each (group, key) with answers and its share of each option position (pairs and positions sorted)."""
    order = sorted(range(len(pairs)), key=pairs.__getitem__)
    rank = np.empty(len(pairs), dtype=np.intp)
    rank[order] = np.arange(len(pairs))
    positions = sorted(set(columns))
    column = np.zeros(max(positions, default=0) + 1, dtype=np.intp)
    column[positions] = np.arange(len(positions))
    ids = rank[np.array(rows, dtype=np.intp)] * len(positions) + column[np.array(columns, dtype=np.intp)]
    grid = _cell_sums(ids, values, len(pairs) * len(positions)).reshape(len(pairs), len(positions))
    frame = pd.DataFrame(grid, copy=False)
    frame = frame[frame.sum(axis=1) > 0]
    shares = frame.div(frame.sum(axis=1), axis=0)
    return [pairs[order[i]] for i in frame.index.tolist()], positions, shares.to_numpy()


def _cell_sums(ids: np.ndarray, values: list[float], size: int) -> np.ndarray:
    """The sum of the values of each cell ``0 .. size - 1`` (0 without values), as pandas' groupby sums them."""
    grid = np.zeros(size)
    if len(np.unique(ids)) == len(ids):
        grid[ids] = values
    else:
        sums = pd.Series(values, dtype=float).groupby(ids).sum()
        grid[sums.index.to_numpy()] = sums.to_numpy()
    return grid


def _option_targets(
    scored: dict[str, list[tuple[int, str]]],
    matched: dict[str, int],
    asked: dict[str, dict[int, Shares]],
    text: dict[str, str],
    models: list[str],
) -> tuple[dict[str, np.ndarray], dict[str, dict[int, int]]]:
    """Instance, key, text and model shares of each matched question's scored options that some model chose.

    Returns
    -------
    targets : dict of str to numpy.ndarray
        One entry per option: columns ``instance``, ``group`` (the key), ``text``, ``bobs`` (the shares).
    by_key : dict of str to dict of int to int
        Key -> option position -> the option's entry in ``targets``.
    """
    entries, by_key = [], {}
    for key, n in matched.items():
        bobs = asked[key][n]
        chosen = set().union(*bobs.values())
        by_key[key] = {}
        for position, option in scored[key]:
            if position in chosen:
                by_key[key][position] = len(entries)
                shares = [bobs[model].get(position, 0.0) for model in models]
                entries.append((f"q:{key}:{option}", key, text[key], shares))
    names = (INSTANCE, GROUP, TEXT)
    targets = {name: np.array([e[i] for e in entries], dtype=object) for i, name in enumerate(names)}
    targets["bobs"] = np.array([e[3] for e in entries], dtype=float).reshape(len(entries), len(models))
    return targets, by_key
