"""Meister, Guestrin, Hashimoto (2024), *Benchmarking Distributional Alignment of Large Language Models*:
14 demographic groups' answer distributions on 100 OpinionQA questions, and the distributions that 5 LLMs x 4
elicitation methods give for them (the Bobs).

Release layout (as published): ``results/opinionqa/<method>/<model>/<task>/Pew_American_Trends_Panel_
disagreement_100/<ATTR>/<group>.json`` maps each question key to ``avg_actual_results`` (the model's
distribution, option letter -> p) and ``expected_results_<ATTR>_<group>`` (a human group's distribution).
``opinions_qa/data/human_resp/Pew_American_Trends_Panel_disagreement_100/<ATTR>_data.json`` holds the group
answer counts behind those distributions for POLPARTY, RACE and SEX.

Option letters (checked against the counts files): a group's letters index the *alphabetically sorted* names
of the options that group used, so a group that never chose an option (e.g. nobody "Refused") has its later
letters shifted; the models' letters index the sorted options of the task0 prompt group (Democrats). Every
distribution is therefore mapped to option *names* before rows are built: through the counts where they exist;
a group without counts whose letter list has the models' length is taken to share the models' names (counted
as ``assumed``); any other (question, group) is dropped and counted, never guessed.

Alice ([OURS], docs/theory.md §1.10): one human group's probability of each
option; one row per (question, option), ``group`` = the question key, so folds can keep a question's options
together.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from marketalign.data._files import require_dir
from marketalign.data.tables import INSTANCE, TARGET, TEXT
from marketalign.errors import InputError

WAVE_FOLDER = "Pew_American_Trends_Panel_disagreement_100"
TASKS = ("task0", "task1", "task3_easy_hard")
PROMPT_GROUP = ("POLPARTY", "Democrat")  # task0's prompts list the options of this group (see the docstring)
HUMAN = "human"
GROUP = "group"
_EXPECTED = "expected_results_"
_TEXT_COLUMNS = (HUMAN, INSTANCE, GROUP, TEXT)


@dataclass(frozen=True, eq=False)
class MeisterPanel:
    """The human groups, the Bobs and one long table of their distributions.

    ``table``: human, instance (``q:<key>:<option>``), group (question key), text, alice, one column per Bob.
    ``dropped``: human, key, reason for every (group, question) left out. ``assumed``: number of (group,
    question) pairs whose option names were taken from the models' (no counts file for that attribute).
    """

    table: pd.DataFrame
    humans: list[str]
    bobs: list[str]
    task: str
    dropped: pd.DataFrame
    assumed: int
    source: str

    def human_table(self, human: str) -> pd.DataFrame:
        """The rows of one human group (the ``curve`` layout), without the human column."""
        if human not in self.humans:
            raise InputError(f"unknown human group '{human}'; choose one of {', '.join(self.humans)}.")
        rows = self.table[self.table[HUMAN] == human]
        return rows.drop(columns=HUMAN).reset_index(drop=True)

    def describe(self) -> dict:
        """Sizes and drop counts, for printed lines and ``summary.json``."""
        return {
            "source": self.source,
            "task": self.task,
            "humans": len(self.humans),
            "bobs": self.bobs,
            "questions": int(self.table[GROUP].nunique()),
            "rows": len(self.table),
            "dropped_pairs": len(self.dropped),
            "dropped_by_reason": self.dropped["reason"].value_counts().to_dict(),
            "names_assumed_pairs": self.assumed,
        }


def load_meister(path: str | Path, task: str = "task0", humans: list[str] | None = None) -> MeisterPanel:
    """Read the release at ``path`` (the folder holding ``results/`` and ``opinions_qa/``).

    Parameters
    ----------
    path : the release folder.
    task : ``task0`` (unsteered Bobs, the default) or a steered variant (``task1`` persona,
        ``task3_easy_hard`` few-shot): then each group's Bobs are the runs steered towards it, restricted to
        the (method, model) pairs the release has for every chosen group.
    humans : groups to keep (e.g. ``["SEX=Female"]``); None keeps all 14.

    Returns
    -------
    MeisterPanel

    Raises
    ------
    InputError
        Missing folders or files, malformed JSON, unknown task or group, models disagreeing on a question's
        options.
    """
    root = require_dir(path, "the Meister et al. release (with results/opinionqa and opinions_qa)")
    if task not in TASKS:
        raise InputError(f"unknown task '{task}'; choose one of {', '.join(TASKS)}.")
    results = require_dir(root / "results" / "opinionqa", "results/opinionqa/<method>/<model>/ of the release")
    counts_dir = root / "opinions_qa" / "data" / "human_resp" / WAVE_FOLDER
    counts = _read_counts(require_dir(counts_dir, f"opinions_qa/data/human_resp/{WAVE_FOLDER} (group counts)"))
    if PROMPT_GROUP[0] not in counts:
        raise InputError(f"{counts_dir}: no {PROMPT_GROUP[0]}_data.json; it names the models' options.")
    unsteered = _bob_files(results, "task0", "NONE", "Democrat")
    first = next(iter(unsteered.values()))
    all_humans = _humans(first, results)
    chosen = all_humans if humans is None else list(humans)
    unknown = [h for h in chosen if h not in all_humans]
    if unknown:
        raise InputError(f"unknown human group(s) {unknown}; choose from {', '.join(all_humans)}.")
    names = _prompt_names(counts[PROMPT_GROUP[0]], first, counts_dir)
    steered = {
        human: unsteered if task == "task0" else _bob_files(results, task, *human.split("=", 1))
        for human in chosen
    }
    bobs = [b for b in unsteered if all(b in files for files in steered.values())]
    if not bobs:
        raise InputError(f"{results}: no (method, model) has {task} runs for every group of {chosen}.")
    columns = _Columns(bobs)
    unsteered_answers = _BobAnswers({b: unsteered[b] for b in bobs})
    dropped, assumed = [], 0
    for human in chosen:
        answers = unsteered_answers if task == "task0" else _BobAnswers({b: steered[human][b] for b in bobs})
        lost, guessed = _human_rows(human, answers, names, counts, first, columns)
        dropped.extend(lost)
        assumed += guessed
    return MeisterPanel(
        table=columns.table(),
        humans=chosen,
        bobs=bobs,
        task=task,
        dropped=pd.DataFrame(dropped, columns=[HUMAN, "key", "reason"]),
        assumed=assumed,
        source=str(root),
    )


def _load_json(path: Path) -> dict:
    try:
        payload = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: not valid JSON ({err}); check it is the original download.") from err
    if not isinstance(payload, dict) or not payload:
        raise InputError(f"{path}: expected a non-empty object of questions.")
    return payload


def _read_counts(folder: Path) -> dict[str, dict]:
    return {p.name[: -len("_data.json")]: _load_json(p) for p in sorted(folder.glob("*_data.json"))}


def _bob_paths(results: Path, task: str, attribute: str, group: str) -> list[Path]:
    return sorted(results.glob(f"*/*/{task}/{WAVE_FOLDER}/{attribute}/{group}.json"))


def _bob_files(results: Path, task: str, attribute: str, group: str) -> dict[str, dict]:
    """Bob name ``<method>/<model>`` -> its parsed results file (sorted by name)."""
    paths = _bob_paths(results, task, attribute, group)
    if not paths:
        raise InputError(
            f"{results}: no <method>/<model>/{task}/{WAVE_FOLDER}/{attribute}/{group}.json file; pass the "
            "release folder that holds results/opinionqa."
        )
    return {f"{p.parents[4].name}/{p.parents[3].name}": _load_json(p) for p in paths}


def _humans(records: dict, results: Path) -> list[str]:
    """``ATTR=group`` for every ``expected_results_<ATTR>_<group>`` field except NONE (a copy of Democrats)."""
    fields = next(iter(records.values()))
    found = []
    for field in fields:
        if field.startswith(_EXPECTED) and not field.startswith(_EXPECTED + "NONE_"):
            attribute, _, group = field[len(_EXPECTED) :].partition("_")
            found.append(f"{attribute}={group}")
    if not found:
        raise InputError(f"{results}: task0 records have no expected_results_<ATTR>_<group> field (the humans).")
    return found


def _letters(n: int) -> list[str]:
    return list(string.ascii_uppercase[:n])


def _prompt_names(party: dict, records: dict, folder: Path) -> dict[str, list[str]]:
    """Question key -> the models' option names, letter order (sorted names of the prompt group's answers)."""
    names = {}
    for key, record in records.items():
        entry = party.get(key, {}).get(PROMPT_GROUP[1])
        if not isinstance(entry, dict):
            raise InputError(f"{folder}/{PROMPT_GROUP[0]}_data.json: no {PROMPT_GROUP[1]} counts for {key}.")
        letters = sorted(_distribution(record, "avg_actual_results", key))
        if letters != _letters(len(entry)):
            raise InputError(
                f"question {key}: the models answer with letters {letters} but {PROMPT_GROUP[1]}s used "
                f"{len(entry)} options; the letter-to-option mapping of the release does not hold here."
            )
        names[key] = sorted(entry)
    return names


def _distribution(record: dict, field: str, key: str) -> dict[str, float]:
    values = record.get(field) if isinstance(record, dict) else None
    if not isinstance(values, dict) or not values:
        raise InputError(f"question {key}: no '{field}' distribution.")
    try:
        return {str(letter): float(p) for letter, p in values.items()}
    except (TypeError, ValueError) as err:
        raise InputError(f"question {key}: '{field}' holds a non-number ({err}).") from err


class _BobAnswers:
    """The Bobs' distributions of each question, each question's read and checked once."""

    def __init__(self, files: dict[str, dict]) -> None:
        self.files = files
        self._shares: dict[str, tuple[str | None, np.ndarray]] = {}

    def shares(self, key: str, n: int) -> tuple[str | None, np.ndarray]:
        """The first Bob whose letters for ``key`` are not the first ``n`` (None if all are), and the Bobs'
        shares: one row per letter, one column per Bob (empty when a Bob is odd)."""
        if key not in self._shares:
            self._shares[key] = _bob_shares(self.files, key, n)
        return self._shares[key]


def _bob_shares(files: dict[str, dict], key: str, n: int) -> tuple[str | None, np.ndarray]:
    letters = _letters(n)
    answers = [_distribution(records.get(key), "avg_actual_results", key) for records in files.values()]
    odd = next((bob for bob, answer in zip(files, answers, strict=True) if sorted(answer) != letters), None)
    if odd is not None:
        return odd, np.empty((0, len(files)))
    return None, np.array([[answer[letter] for answer in answers] for letter in letters], dtype=np.float64)


def _human_rows(
    human: str, answers: _BobAnswers, names: dict[str, list[str]], counts: dict[str, dict], reference: dict,
    columns: _Columns,
) -> tuple[list[tuple[str, str, str]], int]:
    """Append one group's rows to ``columns``; the (group, question) pairs dropped and the number of pairs
    whose option names were assumed."""
    attribute, group = human.split("=", 1)
    party = counts[PROMPT_GROUP[0]]
    field = f"{_EXPECTED}{attribute}_{group}"
    dropped, assumed = [], 0
    for key, options in names.items():
        record = reference[key]
        if not record.get(field):
            dropped.append((human, key, "the release has no (or an empty) distribution of this group"))
            continue
        shares = _distribution(record, field, key)
        group_counts = counts.get(attribute, {}).get(key, {}).get(group)
        if isinstance(group_counts, dict):
            own = sorted(group_counts)
        elif len(shares) == len(options):
            own, assumed = options, assumed + 1
        else:
            dropped.append((human, key, "group used fewer options and has no counts to name them"))
            continue
        if sorted(shares) != _letters(len(own)):
            dropped.append((human, key, "group letters do not match its counted options"))
            continue
        by_name = dict(zip(own, (shares[letter] for letter in _letters(len(own))), strict=True))
        if any(p > 0 for name, p in by_name.items() if name not in options):
            dropped.append((human, key, "group chose an option the models were not offered"))
            continue
        odd, bob_shares = answers.shares(key, len(options))
        if odd is not None:
            dropped.append((human, key, f"Bob {odd} answered with other letters"))
            continue
        text = str(party[key].get("question_text") or key)
        columns.append(human, key, text, options, [by_name.get(name, 0.0) for name in options], bob_shares)
    return dropped, assumed


class _Columns:
    """The long table being built: one entry per (group, question, option), the Bobs' shares in blocks."""

    def __init__(self, bobs: list[str]) -> None:
        self.bobs = bobs
        self.text: dict[str, list[str]] = {name: [] for name in _TEXT_COLUMNS}
        self.alice: list[float] = []
        self.shares: list[np.ndarray] = [np.empty((0, len(bobs)))]

    def append(self, human: str, key: str, text: str, options: list[str], alice: list[float],
               bob_shares: np.ndarray) -> None:
        """One row per option of question ``key``."""
        n = len(options)
        self.text[HUMAN].extend([human] * n)
        self.text[INSTANCE].extend([f"q:{key}:{name}" for name in options])
        self.text[GROUP].extend([key] * n)
        self.text[TEXT].extend([text] * n)
        self.alice.extend(alice)
        self.shares.append(bob_shares)

    def table(self) -> pd.DataFrame:
        """One DataFrame: text columns, ``alice``, one float column per Bob."""
        frame = {name: np.array(values, dtype=object) for name, values in self.text.items()}
        frame[TARGET] = np.array(self.alice, dtype=np.float64)
        shares = np.concatenate(self.shares)
        frame.update((bob, shares[:, i]) for i, bob in enumerate(self.bobs))
        return pd.DataFrame(frame)
