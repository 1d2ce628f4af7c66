"""Hwang, Majumder, Tandon (Findings of EMNLP 2023), *Aligning Language Models to User Opinions*: 525
individual Pew ATP respondents (35 per topic) and 12 prompt variants of one LLM (text-davinci-003) answering
their questions.

Release layout (as published): ``model-output*/<variant>/model_generation.json`` is a list of ``{user_id,
topic, generated_output: [{qid, user_choice, model_choice}]}``; letters index the question's choices in
``all_qinfo_dict.json`` (``{qid: {question, choice: "[...]"}}``), "Refused" last where present.

Alice ([OURS], docs/theory.md §1.10): one respondent's answer as the position of her choice among
the question's choices other than "Refused", scaled to [0, 1] (first choice 0, last 1); her refusals are
dropped and counted. A Bob = one prompt variant's choice scaled the same way; a variant's choice that is not a
letter of the question's choices (e.g. ``UNKNOWN``) or is "Refused" is a missing cell (NaN), never a guess.
One table per respondent, or one long table with a ``human`` column; ``group`` = the question id.
"""

from __future__ import annotations

import ast
import json
import string
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from marketalign.data._files import require_dir
from marketalign.data.tables import INSTANCE, TARGET, TEXT
from marketalign.errors import InputError

QINFO_FILE = "all_qinfo_dict.json"
GENERATIONS = "model_generation.json"
REFUSED = "Refused"
HUMAN = "human"
GROUP = "group"
_RUN_SUFFIX = "-t-1-u35-q30"


@dataclass(frozen=True, eq=False)
class HwangPanel:
    """Respondents, their topics, the 12 variants and one long table.

    ``table``: human, topic, instance (``q:<qid>``), group (qid), text, alice, one column per variant (NaN
    where the variant's answer is not a choice). ``humans``: human -> topic.
    """

    table: pd.DataFrame
    humans: dict[str, str]
    bobs: list[str]
    refused: int
    unanswered: dict[str, int]
    source: str

    def topics(self) -> list[str]:
        """The topics in the order of the release."""
        return list(dict.fromkeys(self.humans.values()))

    def describe(self) -> dict:
        """Sizes and the counts of what was dropped or left missing, for printed lines and summaries."""
        return {
            "source": self.source,
            "humans": len(self.humans),
            "topics": {t: sum(v == t for v in self.humans.values()) for t in self.topics()},
            "bobs": self.bobs,
            "rows": len(self.table),
            "refusals_dropped": self.refused,
            "missing_bob_cells": self.unanswered,
        }


def variant_name(path: Path) -> str:
    """``<variant>`` for ``model-output/``, ``topk:<variant>`` for ``model-output-topk/`` (most similar answers)."""
    name = path.parent.name.replace(_RUN_SUFFIX, "")
    folder = path.parent.parent.name
    return name if folder == "model-output" else f"{folder.removeprefix('model-output-')}:{name}"


def load_hwang(path: str | Path) -> HwangPanel:
    """Read the release folder at ``path`` (holding ``all_qinfo_dict.json`` and ``model-output*/``).

    Rows are the questions that every variant answered for the respondent (the ``topk`` runs hold 21 of
    her 30).

    Raises
    ------
    InputError
        Missing files, malformed JSON, variants with other respondents, answers that are not choices.
    """
    root = require_dir(path, "the Hwang et al. release (all_qinfo_dict.json, model-output*/)")
    choices = _choices(_load(root / QINFO_FILE))
    files = sorted(root.glob(f"model-output*/*/{GENERATIONS}"))
    if not files:
        raise InputError(f"{root}: no model-output*/<variant>/{GENERATIONS}; pass the release folder.")
    runs = {variant_name(f): _load(f) for f in files}
    bobs = list(runs)
    first = next(iter(runs.values()))
    users = [(str(r.get("user_id")), str(r.get("topic"))) for r in first]
    frames = []
    for bob, records in runs.items():
        if [(str(r.get("user_id")), str(r.get("topic"))) for r in records] != users:
            raise InputError(f"variant {bob} lists other respondents than {bobs[0]}; use one release.")
        frames.append(_answers(records, bob))
    long = pd.concat(frames, ignore_index=True)
    per_human = long.groupby([HUMAN, "qid"])["variant"].nunique()
    shared = per_human[per_human == len(bobs)].index
    long = long.set_index([HUMAN, "qid"]).loc[lambda f: f.index.isin(shared)].reset_index()
    unknown = sorted(set(long["qid"]) - set(choices))
    if unknown:
        raise InputError(f"{root / QINFO_FILE}: no choices for questions {unknown[:5]}.")
    user = long.drop_duplicates([HUMAN, "qid"])
    alice = _scaled(user, "user_choice", choices, strict=True)
    refused = int(alice.isna().sum())
    user = user.assign(alice=alice).dropna(subset=["alice"])
    model = long.assign(score=_scaled(long, "model_choice", choices, strict=False))
    wide = model.pivot_table(index=[HUMAN, "qid"], columns="variant", values="score", dropna=False)
    wide = wide.reindex(columns=bobs)
    merged = user.merge(wide.reset_index(), on=[HUMAN, "qid"], how="left")
    topic_of = {f"user:{u}": t for u, t in users}
    table = pd.DataFrame({
        HUMAN: merged[HUMAN].to_numpy(),
        "topic": merged[HUMAN].map(topic_of).to_numpy(),
        INSTANCE: ("q:" + merged["qid"]).to_numpy(),
        GROUP: merged["qid"].to_numpy(),
        TEXT: merged["qid"].map(lambda q: choices[q][0]).to_numpy(),
        TARGET: merged["alice"].to_numpy(dtype=float),
    })
    for bob in bobs:
        table[bob] = merged[bob].to_numpy(dtype=float)
    return HwangPanel(
        table=table,
        humans={h: topic_of[h] for h in dict.fromkeys(table[HUMAN])},
        bobs=bobs,
        refused=refused,
        unanswered={b: int(table[b].isna().sum()) for b in bobs},
        source=str(root),
    )


def _load(path: Path):
    if not path.is_file():
        raise InputError(f"{path}: no such file; pass the Hwang et al. release folder.")
    try:
        return json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: not valid JSON ({err}); check it is the original download.") from err


def _choices(info) -> dict[str, tuple[str, list[str]]]:
    if not isinstance(info, dict):
        raise InputError(f"{QINFO_FILE}: expected an object of questions.")
    out = {}
    for qid, entry in info.items():
        try:
            options = ast.literal_eval(entry["choice"])
            question = str(entry["question"])
        except (KeyError, TypeError, ValueError, SyntaxError) as err:
            raise InputError(f"{QINFO_FILE}: question {qid} has no readable 'question'/'choice' ({err}).") from err
        out[qid] = (question, [str(o) for o in options])
    return out


def _answers(records, bob: str) -> pd.DataFrame:
    rows = []
    for record in records:
        outputs = record.get("generated_output") if isinstance(record, dict) else None
        if not isinstance(outputs, list):
            raise InputError(f"variant {bob}: a record without a generated_output list.")
        human = f"user:{record.get('user_id')}"
        rows.extend((human, str(o.get("qid")), str(o.get("user_choice")), str(o.get("model_choice")))
                    for o in outputs)
    frame = pd.DataFrame(rows, columns=[HUMAN, "qid", "user_choice", "model_choice"])
    if frame.duplicated([HUMAN, "qid"]).any():
        first = frame[frame.duplicated([HUMAN, "qid"])].iloc[0]
        raise InputError(f"variant {bob}: {first[HUMAN]} answers {first['qid']} twice.")
    return frame.assign(variant=bob)


def _scaled(frame: pd.DataFrame, column: str, choices: dict, strict: bool) -> pd.Series:
    """Position among the non-refusal choices, scaled to [0, 1]; NaN for refusals (and, unless strict, for
    answers that are not a choice). Answers may be a letter or the choice's text (up to case)."""
    lookups: dict[str, tuple[dict[str, float], dict[str, float]]] = {}
    values = []
    for qid, answer in zip(frame["qid"], frame[column], strict=True):
        if qid not in lookups:  # each question's answers are read once, not once per respondent
            lookups[qid] = _answer_values(choices[qid][1])
        by_text, by_letter = lookups[qid]
        folded = answer.casefold()
        if folded in by_text:
            values.append(by_text[folded])
        elif len(answer) == 1 and answer in by_letter:
            values.append(by_letter[answer])
        elif strict:
            raise InputError(f"question {qid}: answer '{answer}' is neither a letter nor a choice of "
                             f"{choices[qid][1]}.")
        else:
            values.append(np.nan)
    return pd.Series(values, index=frame.index, dtype=float)


def _answer_values(options: list[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Each answer's scaled position (NaN for a refusal, or when fewer than two choices are scored), by the
    choice's case-folded text (the first choice of that text) and by its letter A, B, ..."""
    scored = [o for o in options if o != REFUSED]

    def value(chosen: str) -> float:
        return np.nan if chosen == REFUSED or len(scored) < 2 else scored.index(chosen) / (len(scored) - 1)

    by_text: dict[str, float] = {}
    for option in options:
        by_text.setdefault(option.casefold(), value(option))
    by_letter = {letter: value(option) for letter, option in zip(string.ascii_uppercase, options, strict=False)}
    return by_text, by_letter
