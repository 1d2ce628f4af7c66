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
import math
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

    Parameters
    ----------
    path : str or Path
        The release folder.

    Returns
    -------
    HwangPanel

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
    users = _users(next(iter(runs.values())))
    answers = {}
    for bob, records in runs.items():
        if _users(records) != users:
            raise InputError(f"variant {bob} lists other respondents than {bobs[0]}; use one release.")
        answers[bob] = _answers(records, bob)
    first = answers[bobs[0]]
    rows = _shared(first, list(answers.values())[1:])
    unknown = sorted({qid for _, qids in rows for qid in qids} - set(choices))
    if unknown:
        raise InputError(f"{root / QINFO_FILE}: no choices for questions {unknown[:5]}.")
    scales = _scales(rows, choices)
    rows, alice, refused = _alice(rows, first, scales, choices)
    topic_of = {f"user:{u}": t for u, t in users}
    columns = _columns(rows, alice, answers, scales, choices, topic_of)
    return HwangPanel(
        table=pd.DataFrame(columns),
        humans={h: topic_of[h] for h in dict.fromkeys(columns[HUMAN])},
        bobs=bobs,
        refused=refused,
        unanswered={b: int(np.isnan(columns[b]).sum()) for b in bobs},
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
    parsed: dict[str, object] = {}
    out = {}
    for qid, entry in info.items():
        try:
            options = _literal(entry["choice"], parsed)
            question = str(entry["question"])
        except (KeyError, TypeError, ValueError, SyntaxError) as err:
            raise InputError(f"{QINFO_FILE}: question {qid} has no readable 'question'/'choice' ({err}).") from err
        out[qid] = (question, [str(o) for o in options])
    return out


def _literal(text, parsed: dict[str, object]):
    """``ast.literal_eval(text)``, each distinct string evaluated once (many questions share their choices)."""
    if not isinstance(text, str):
        return ast.literal_eval(text)
    if text not in parsed:
        parsed[text] = ast.literal_eval(text)
    return parsed[text]


def _users(records) -> list[tuple[str, str]]:
    return [(str(r.get("user_id")), str(r.get("topic"))) for r in records]


_Rows = list[tuple[str, list[str]]]


@dataclass(frozen=True)
class _Run:
    """One variant's output records by qid: per record (the file's order) and per respondent."""

    records: list[tuple[str, dict[str, dict]]]
    by_human: dict[str, dict[str, dict]]


def _answers(records, bob: str) -> _Run:
    blocks = []
    total = 0
    for record in records:
        generated = record.get("generated_output") if isinstance(record, dict) else None
        if not isinstance(generated, list):
            raise InputError(f"variant {bob}: a record without a generated_output list.")
        blocks.append((f"user:{record.get('user_id')}", {str(o.get("qid")): o for o in generated}))
        total += len(generated)
    by_human: dict[str, dict[str, dict]] = {}
    for human, outputs in blocks:
        by_human[human] = {**by_human[human], **outputs} if human in by_human else outputs
    if sum(map(len, by_human.values())) < total:
        human, qid = _first_repeat(records)
        raise InputError(f"variant {bob}: {human} answers {qid} twice.")
    return _Run(blocks, by_human)


def _first_repeat(records) -> tuple[str, str]:
    """The first (human, qid) that the records answer a second time."""
    pairs = ((f"user:{r.get('user_id')}", str(o.get("qid"))) for r in records for o in r["generated_output"])
    seen: set[tuple[str, str]] = set()
    return next(pair for pair in pairs if pair in seen or seen.add(pair))


def _shared(first: _Run, others: list[_Run]) -> _Rows:
    """(human, qids) per record of the first variant: the questions every other variant also answered for her."""
    rows = []
    for human, outputs in first.records:
        qids = list(outputs)
        for run in others:
            other = run.by_human[human]
            if not outputs.keys() <= other.keys():
                qids = [qid for qid in qids if qid in other]
        rows.append((human, qids))
    return rows


class _Scale(dict):
    """One question's answer -> scaled position (NaN for a refusal, None for an answer that is not a choice),
    each distinct answer looked up once. Answers may be a letter or the choice's text (up to case)."""

    def __init__(self, options: list[str]) -> None:
        super().__init__()
        self.by_text, self.by_letter = _answer_values(options)

    def __missing__(self, answer: str) -> float | None:
        folded = answer.casefold()
        if folded in self.by_text:
            value = self.by_text[folded]
        elif len(answer) == 1 and answer in self.by_letter:
            value = self.by_letter[answer]
        else:
            value = None
        self[answer] = value
        return value


def _scales(rows: _Rows, choices: dict) -> dict[str, _Scale]:
    """Each question's answer lookup, one per distinct list of choices."""
    by_options: dict[tuple[str, ...], _Scale] = {}
    scales = {}
    for qid in dict.fromkeys(qid for _, qids in rows for qid in qids):
        options = choices[qid][1]
        key = tuple(options)
        if key not in by_options:
            by_options[key] = _Scale(options)
        scales[qid] = by_options[key]
    return scales


def _alice(rows: _Rows, first: _Run, scales: dict[str, _Scale], choices: dict) -> tuple[_Rows, list[float], int]:
    """The rows without the respondents' refusals, their scaled answers, and the number of refusals dropped."""
    kept, values, refused = [], [], 0
    for human, qids in rows:
        outputs = first.by_human[human]
        answered = []
        for qid in qids:
            answer = str(outputs[qid].get("user_choice"))
            value = scales[qid][answer]
            if value is None:
                raise InputError(f"question {qid}: answer '{answer}' is neither a letter nor a choice of "
                                 f"{choices[qid][1]}.")
            if math.isnan(value):
                refused += 1
            else:
                answered.append(qid)
                values.append(value)
        kept.append((human, answered))
    return kept, values, refused


def _columns(
    rows: _Rows, alice: list[float], answers: dict[str, _Run], scales: dict[str, _Scale], choices: dict,
    topic_of: dict[str, str],
) -> dict[str, np.ndarray]:
    """The table's columns; a variant's answer that is not a choice is NaN."""
    humans = [human for human, qids in rows for _ in qids]
    qids = [qid for _, row in rows for qid in row]
    text = {
        HUMAN: humans,
        "topic": [topic_of[h] for h in humans],
        INSTANCE: ["q:" + q for q in qids],
        GROUP: qids,
        TEXT: [choices[q][0] for q in qids],
    }
    columns = {name: np.array(values, dtype=object) for name, values in text.items()}
    columns[TARGET] = np.array(alice, dtype=float)
    row_scales = [[scales[q] for q in qids] for _, qids in rows]
    for bob, run in answers.items():
        columns[bob] = _scores(run, rows, row_scales)
    return columns


def _scores(run: _Run, rows: _Rows, row_scales: list[list[_Scale]]) -> np.ndarray:
    """One variant's scaled answers, row by row."""
    values = []
    for (human, qids), scales in zip(rows, row_scales, strict=True):
        outputs = run.by_human[human]
        values.extend([s[str(outputs[q].get("model_choice"))] for q, s in zip(qids, scales, strict=True)])
    return np.array(values, dtype=float)


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
