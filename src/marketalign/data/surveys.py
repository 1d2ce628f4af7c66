"""Survey panels in the OpinionQA ``human_resp`` layout (Pew American Trends Panel waves), and Alice = a human
or a demographic group answering them.

A wave folder ``American_Trends_Panel_W<n>/`` holds ``info.csv`` (one row per question: ``key``, ``question``,
``references`` = the options in order, ``option_mapping`` = answer code -> option, ``option_ordinal`` = the
ordinal value of each of the first options; the options after them, e.g. "Refused" or "Not sure", have none),
``metadata.csv`` (the demographic attributes and their categories) and ``<ATTRIBUTE>_data.json`` (per
question, answer counts per group; two-attribute files such as ``POLPARTY_RACE`` nest one level deeper and
carry a ``marginals`` entry that repeats the one-attribute counts). Individual responses are not part of
that release.

Alice's utility for a question ([OURS]): her expected ordinal answer E[o] over the options that have an
ordinal value (refusals and "not sure" excluded), rescaled to [0, 1] with the question's ordinal range:
(E[o] - min o) / (max o - min o). For a group, E[o] is the count-weighted mean of its members' answers; for
one respondent it is the ordinal of her answer. Groups whose demographic answer is missing ("Refused",
"nan") are left out unless asked for; ``NONE_data.json`` is left out by default because in the released
files it repeats ``POLPARTY_data.json``.
"""

from __future__ import annotations

import ast
import json
import pickle
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from marketalign.data._files import read_csv, require_columns, require_dir
from marketalign.data.tables import TARGET, layout_table, read_table
from marketalign.errors import InputError

WAVE_PATTERN = re.compile(r"American_Trends_Panel_(W\d+)$")
# Subjects of the waves in the OpinionQA release (our short labels, checked against each wave's questions).
WAVE_TOPICS = {
    "W26": "guns",
    "W27": "automation and driverless vehicles",
    "W29": "views on gender",
    "W32": "community types and sharing economy",
    "W34": "biomedical and food issues",
    "W36": "gender and leadership",
    "W41": "America in 2050",
    "W42": "trust in science",
    "W43": "race",
    "W45": "misinformation",
    "W49": "privacy and surveillance",
    "W50": "family and relationships",
    "W54": "economic inequality",
    "W82": "global attitudes",
    "W92": "political typology",
}
UNSTATED_GROUPS = frozenset({"Refused", "nan", ""})
_NOT_GROUPS = frozenset({"MC_options", "question_text", "marginals"})
_DEFAULT_SKIPPED_ATTRIBUTES = frozenset({"NONE"})


@dataclass(frozen=True, eq=False)
class SurveyPanel:
    """One survey wave: its questions and options, and answer counts per demographic group.

    ``questions``: key (``KEY#n`` when info.csv gives several questions one key), question, text (question +
    its ordinal options), ordinal_min, ordinal_max, scaled (False for nominal questions whose options all
    share one ordinal value), topics.
    ``options``: key, position, option, code, ordinal (NaN for options without an ordinal value).
    ``counts``: attribute, group, key, option, count (only the attributes that were loaded).
    ``attributes``: attribute -> categories listed in ``metadata.csv``.

    Attributes
    ----------
    wave, topic : str
        The wave's name and topic.
    questions, options, counts : pandas.DataFrame
        As above.
    attributes : dict of str to tuple of str
        As above.
    source : str
        The folder read.
    """

    wave: str
    topic: str
    questions: pd.DataFrame
    options: pd.DataFrame
    counts: pd.DataFrame
    attributes: dict[str, tuple[str, ...]]
    source: str

    def groups(self, keep_unstated: bool = False) -> pd.DataFrame:
        """Every group with its attribute, value and largest number of respondents on one question."""
        counts = self._group_counts(keep_unstated)
        sizes = counts.groupby(["group", "key"], sort=False)["count"].sum().groupby(level=0, sort=False).max()
        groups = counts.drop_duplicates("group")[["group", "attribute"]].reset_index(drop=True)
        groups["value"] = groups["group"].str.partition("=")[2]
        groups["respondents"] = sizes.reindex(groups["group"]).to_numpy()
        return groups

    def _group_counts(self, keep_unstated: bool) -> pd.DataFrame:
        if len(self.counts) == 0:
            raise InputError(
                f"{self.source}: no <ATTRIBUTE>_data.json answer counts were loaded; it has questions only."
            )
        if keep_unstated:
            return self.counts
        values = self.counts["group"].str.partition("=")[2].str.split("|")
        stated = values.map(lambda parts: not (set(parts) & UNSTATED_GROUPS))
        return self.counts[stated.to_numpy(dtype=bool)]

    def answer_counts(self, keep_unstated: bool = False) -> pd.DataFrame:
        """Groups x questions: number of answers with an ordinal value (refusals excluded)."""
        scored = self._scored_counts(keep_unstated)
        return scored.pivot_table(index="group", columns="key", values="count", aggfunc="sum", sort=False)

    def _scored_counts(self, keep_unstated: bool) -> pd.DataFrame:
        counts = self._group_counts(keep_unstated)
        merged = counts.merge(self.options[["key", "option", "ordinal"]], on=["key", "option"], how="left")
        return merged[merged["ordinal"].notna()]

    def expected_answers(self, min_respondents: int = 1, keep_unstated: bool = False) -> pd.DataFrame:
        """Groups x questions matrix of normalised expected answers in [0, 1] (NaN: < ``min_respondents``)."""
        scored = self._scored_counts(keep_unstated)
        weighted = scored.assign(weighted=scored["count"] * scored["ordinal"])
        sums = weighted.groupby(["group", "key"], sort=False)[["weighted", "count"]].sum()
        mean = (sums["weighted"] / sums["count"]).where(sums["count"] >= max(min_respondents, 1))
        matrix = mean.unstack("key")
        return normalise_answers(matrix, self.questions)

    def human_table(self, answers: pd.DataFrame, human: str, target: str = TARGET) -> pd.DataFrame:
        """Alice = row ``human`` of a humans x questions matrix: one instance per question she answered."""
        if human not in answers.index:
            shown = ", ".join(map(str, answers.index[:8]))
            raise InputError(f"'{human}' is not a group or respondent of panel {self.wave} (e.g. {shown}).")
        row = answers.loc[human].dropna()
        if row.empty:
            raise InputError(f"'{human}' answered no question of panel {self.wave} with an ordinal value.")
        text = self.questions.set_index("key").loc[row.index, "text"]
        return layout_table(
            "q:" + row.index.to_series(),
            row.to_numpy(),
            text.to_numpy(),
            target=target,
            wave=np.full(len(row), self.wave),
        )


def normalise_answers(ordinals: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """Rescale humans x questions ordinal answers to [0, 1] with each question's ordinal range.

    Columns come out in the panel's question order; nominal questions (all options share one ordinal
    value, e.g. "Which is the most important reason...") have no scale and are dropped.
    """
    scaled = questions[questions["scaled"] & questions["key"].isin(ordinals.columns)]
    low, high = scaled["ordinal_min"].to_numpy(), scaled["ordinal_max"].to_numpy()
    return (ordinals[scaled["key"].to_list()] - low) / (high - low)


def panel_folders(root: str | Path) -> dict[str, Path]:
    """Wave id -> folder for every ``American_Trends_Panel_W<n>`` folder under ``root`` (sorted by wave)."""
    root = require_dir(root, "the OpinionQA human_resp data (American_Trends_Panel_W* folders)")
    found = {}
    for folder in root.iterdir():
        match = WAVE_PATTERN.search(folder.name)
        if match and folder.is_dir():
            found[match.group(1)] = folder
    if not found and (root / "info.csv").is_file():
        match = WAVE_PATTERN.search(root.name)
        found[match.group(1) if match else root.name] = root
    return dict(sorted(found.items(), key=lambda item: int(item[0][1:]) if item[0][1:].isdigit() else 0))


def list_panels(root: str | Path) -> pd.DataFrame:
    """One row per wave: wave, topic, questions, attributes (from the file names), folder.

    Parameters
    ----------
    root : str or Path
        The human_resp folder of the survey data.

    Returns
    -------
    pandas.DataFrame
        One row per wave.

    Raises
    ------
    InputError
        A missing folder or one with no waves.
    """
    rows = []
    for wave, folder in panel_folders(root).items():
        questions = (
            len(read_csv(folder / "info.csv", usecols=["key"])) if (folder / "info.csv").is_file() else 0
        )
        attributes = sorted(p.name[: -len("_data.json")] for p in folder.glob("*_data.json"))
        rows.append(
            {
                "wave": wave,
                "topic": WAVE_TOPICS.get(wave, "unknown"),
                "questions": questions,
                "attributes": " ".join(attributes),
                "folder": str(folder),
            }
        )
    if not rows:
        raise InputError(
            f"{root} holds no American_Trends_Panel_W<n> folder; pass the OpinionQA human_resp folder."
        )
    return pd.DataFrame(rows)


def load_panel(
    path: str | Path, wave: str | None = None, attributes: Iterable[str] | None = None
) -> SurveyPanel:
    """Read one wave: ``path`` is its folder, or the human_resp folder with ``wave`` (e.g. ``"W26"`` or 26).

    ``attributes=None`` loads every ``<ATTRIBUTE>_data.json`` except NONE (see the module docstring).

    Parameters
    ----------
    path : str or Path
        The wave's folder, or the human_resp folder with ``wave``.
    wave : str, optional
        The wave's name or number.
    attributes : iterable of str, optional
        The demographic attributes to load.

    Returns
    -------
    SurveyPanel
        Questions, options and per-group answer distributions (docs/theory.md §1.10).

    Raises
    ------
    InputError
        A missing wave or attribute, or files that do not parse.
    """
    folders = panel_folders(path)
    if not folders:
        raise InputError(
            f"{path} holds no OpinionQA wave: expected American_Trends_Panel_W<n> folders (each with info.csv and "
            "<ATTRIBUTE>_data.json files) or one such folder; pass the OpinionQA human_resp folder."
        )
    if wave is None:
        if len(folders) != 1:
            raise InputError(
                f"{path} holds {len(folders)} waves; choose one with --panel (e.g. {next(iter(folders))})."
            )
        wave = next(iter(folders))
    wave = f"W{str(wave).upper().lstrip('W')}"
    if wave not in folders:
        raise InputError(f"{path} has no wave {wave}; present: {', '.join(folders) or 'none'}.")
    folder = folders[wave]
    info_file = folder / "info.csv"
    if not info_file.is_file():
        raise InputError(f"{folder}: no info.csv; a wave folder needs its question list.")
    questions, options = _read_info(info_file)
    topics = _question_topics(folder.parent / "topic_mapping.npy", questions, options)
    questions["topics"] = topics
    available = {p.name[: -len("_data.json")]: p for p in sorted(folder.glob("*_data.json"))}
    chosen = (
        [a for a in available if a not in _DEFAULT_SKIPPED_ATTRIBUTES]
        if attributes is None
        else list(attributes)
    )
    unknown = [a for a in chosen if a not in available]
    if unknown:
        raise InputError(f"{folder} has no answer counts for {unknown}; present: {sorted(available)}.")
    counts = [_read_counts(available[a], a, options) for a in chosen]
    counts = pd.concat(counts, ignore_index=True) if counts else _empty_counts()
    return SurveyPanel(
        wave=wave,
        topic=WAVE_TOPICS.get(wave) or _main_topic(topics),
        questions=questions,
        options=options,
        counts=counts,
        attributes=_read_metadata(folder / "metadata.csv"),
        source=str(folder),
    )


def _literal(text: str, what: str, key: str, path: Path):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError) as err:
        raise InputError(f"{path}: question {key}: {what} is not a Python literal ({err}).") from err


def _read_info(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    info = read_csv(path, dtype=str, keep_default_na=False)
    require_columns(
        info, ["key", "question", "references", "option_mapping", "option_ordinal"], path, "OpinionQA info"
    )
    # A key shared by several questions (e.g. IDIMPORT_W43 asked in five wordings) gets "#1", "#2", ...
    repeats = info.groupby("key").cumcount() + 1
    shared = info["key"].duplicated(keep=False)
    info["key"] = info["key"].where(~shared, info["key"] + "#" + repeats.astype(str))
    questions, options = [], []
    for key, question, refs, mapping, ordinal in info[
        ["key", "question", "references", "option_mapping", "option_ordinal"]
    ].itertuples(index=False):
        refs = _literal(refs, "references", key, path)
        mapping = _literal(mapping, "option_mapping", key, path)
        ordinal = _literal(ordinal, "option_ordinal", key, path)
        if not (isinstance(refs, list) and isinstance(ordinal, list) and isinstance(mapping, dict)):
            raise InputError(
                f"{path}: question {key}: references/option_ordinal must be lists, option_mapping a dict."
            )
        if not 2 <= len(ordinal) <= len(refs):
            raise InputError(
                f"{path}: question {key} has {len(ordinal)} ordinal values for {len(refs)} options; the "
                "first options (at least two) need one value each."
            )
        values = np.asarray(ordinal, dtype=float)
        if not np.isfinite(values).all():
            raise InputError(f"{path}: question {key}: option_ordinal values must be finite numbers.")
        codes = {str(option): code for code, option in mapping.items()}
        scored = refs[: len(ordinal)]
        questions.append(
            {
                "key": key,
                "question": question.strip(),
                "text": f"{question.strip()} [Options: {' / '.join(scored)}]",
                "ordinal_min": values.min(),
                "ordinal_max": values.max(),
                "scaled": bool(values.max() > values.min()),
            }
        )
        for position, option in enumerate(refs):
            options.append(
                {
                    "key": key,
                    "position": position,
                    "option": option,
                    "code": float(codes[option]) if option in codes else np.nan,
                    "ordinal": values[position] if position < len(values) else np.nan,
                }
            )
    return pd.DataFrame(questions), pd.DataFrame(options)


def _read_metadata(path: Path) -> dict[str, tuple[str, ...]]:
    if not path.is_file():
        return {}
    meta = read_csv(path, dtype=str, keep_default_na=False)
    require_columns(meta, ["key", "options"], path, "OpinionQA metadata")
    return {
        key: tuple(_literal(opts, "options", key, path))
        for key, opts in zip(meta["key"], meta["options"], strict=True)
    }


def _read_counts(path: Path, attribute: str, options: pd.DataFrame) -> pd.DataFrame:
    """Flatten ``<ATTRIBUTE>_data.json`` to rows (attribute, group, key, option, count), options matched."""
    try:
        payload = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: not valid JSON ({err}).") from err
    if not isinstance(payload, dict):
        raise InputError(f"{path}: expected an object of questions.")
    rows = []
    for key, entry in payload.items():
        if not isinstance(entry, dict):
            raise InputError(f"{path}: question {key} must map groups to answer counts.")
        for group, answers in entry.items():
            if group not in _NOT_GROUPS:
                rows.extend(_flatten_group(path, key, group, answers))
    counts = pd.DataFrame(rows, columns=["group", "key", "option", "count"])
    counts.insert(0, "attribute", attribute)
    counts["group"] = attribute + "=" + counts["group"]
    return _match_options(counts, options, path)


def _flatten_group(path: Path, key: str, group: str, answers) -> list[tuple[str, str, str, float]]:
    if not isinstance(answers, dict):
        raise InputError(f"{path}: question {key}, group {group}: expected {{option: count}}.")
    rows = []
    for option, value in answers.items():
        if isinstance(value, dict):
            rows.extend(_flatten_group(path, key, f"{group}|{option}", value))
        elif (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and np.isfinite(value)
            and value >= 0
        ):
            rows.append((group, key, option, float(value)))
        else:
            raise InputError(
                f"{path}: question {key}, group {group}: count {value!r} for '{option}' is not >= 0."
            )
    return rows


def _canonical(text: pd.Series) -> pd.Series:
    return text.str.casefold().str.split().str.join(" ")


def _match_options(counts: pd.DataFrame, options: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Map each counted option to the info.csv option, exactly or up to case and spacing."""
    unknown_keys = sorted(set(counts["key"]) - set(options["key"]))
    shared = [k for k in unknown_keys if f"{k}#1" in set(options["key"])]
    if shared:
        raise InputError(
            f"{path}: question {shared[0]} has several wordings in info.csv, so its counts are ambiguous; "
            "give each wording its own key."
        )
    if unknown_keys:
        raise InputError(
            f"{path}: questions {unknown_keys[:5]} are not in info.csv; use the files of one wave."
        )
    lookup = options.assign(canonical=_canonical(options["option"]))[["key", "canonical", "option"]]
    lookup = lookup.drop_duplicates(["key", "canonical"])
    counts = counts.assign(canonical=_canonical(counts["option"]))
    merged = counts.drop(columns="option").merge(lookup, on=["key", "canonical"], how="left")
    missing = merged["option"].isna()
    if missing.any():
        first = counts[missing.to_numpy()].iloc[0]
        raise InputError(
            f"{path}: {int(missing.sum())} counts are for options not listed in info.csv (e.g. question "
            f"{first['key']}, option '{first['option']}')."
        )
    return merged.drop(columns="canonical")[["attribute", "group", "key", "option", "count"]]


def _empty_counts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "attribute": pd.Series(dtype=str),
            "group": pd.Series(dtype=str),
            "key": pd.Series(dtype=str),
            "option": pd.Series(dtype=str),
            "count": pd.Series(dtype=float),
        }
    )


class _ArrayOnlyUnpickler(pickle.Unpickler):
    """Unpickles a numpy object array of plain Python values and refuses anything else."""

    _ALLOWED = {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
    }

    def find_class(self, module: str, name: str):
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}")
        return super().find_class(module, name)


def read_topic_mapping(path: str | Path) -> dict:
    """OpinionQA's ``topic_mapping.npy``, {"question [options]": {"fg": [...], "cg": [...]}}, read safely."""
    path = Path(path)
    with path.open("rb") as handle:
        try:
            version = np.lib.format.read_magic(handle)
            _, _, dtype = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )(handle)
            if dtype.kind != "O":
                raise InputError(f"{path}: expected a pickled dictionary, found a {dtype} array.")
            mapping = _ArrayOnlyUnpickler(handle).load()
        except (ValueError, pickle.UnpicklingError, EOFError) as err:
            raise InputError(f"{path}: not a topic mapping ({err}).") from err
    mapping = mapping.item() if isinstance(mapping, np.ndarray) and mapping.shape == () else mapping
    if not isinstance(mapping, dict):
        raise InputError(f"{path}: expected a dictionary of question topics.")
    return mapping


def _question_topics(path: Path, questions: pd.DataFrame, options: pd.DataFrame) -> list[str]:
    """Coarse topics of each question ("; "-joined) from topic_mapping.npy beside the waves, else ""."""
    if not path.is_file():
        return [""] * len(questions)
    mapping = read_topic_mapping(path)
    refs = options.groupby("key", sort=False)["option"].agg("/".join)
    found = []
    for key, question in zip(questions["key"], questions["question"], strict=True):
        entry = mapping.get(f"{question} [{refs[key]}]", {})
        found.append("; ".join(entry.get("cg", [])) if isinstance(entry, dict) else "")
    return found


def _main_topic(topics: Sequence[str]) -> str:
    counted = pd.Series([t for joined in topics for t in joined.split("; ") if t])
    return str(counted.value_counts().index[0]) if len(counted) else "unknown"


def load_responses(path: str | Path, panel: SurveyPanel) -> pd.DataFrame:
    """Individual answers (long table: respondent, question, answer) as respondents x questions in [0, 1].

    ``answer`` is the option text (up to case and spacing) or its code in ``option_mapping``; answers
    without an ordinal value (refusals, "not sure") become NaN, as do questions a respondent skipped.

    Parameters
    ----------
    path : str or Path
        The long table (CSV or Parquet).
    panel : SurveyPanel
        The panel whose questions and options the answers refer to.

    Returns
    -------
    pandas.DataFrame
        Respondents x questions, values in [0, 1] or NaN.

    Raises
    ------
    InputError
        Missing columns, unknown questions, or answers that are not among a question's options.
    """
    table = read_table(path)
    require_columns(table, ["respondent", "question", "answer"], Path(path), "individual responses")
    table = table.dropna(subset=["answer"]).astype({"respondent": str, "question": str})
    unknown = sorted(set(table["question"]) - set(panel.questions["key"]))
    if unknown:
        raise InputError(
            f"{path}: questions {unknown[:5]} are not in panel {panel.wave}; use that wave's keys."
        )
    if table.duplicated(["respondent", "question"]).any():
        first = table[table.duplicated(["respondent", "question"])].iloc[0]
        raise InputError(
            f"{path}: respondent {first['respondent']} answers {first['question']} more than once."
        )
    ordinal = _answer_ordinals(table, panel.options, Path(path))
    matrix = table.assign(ordinal=ordinal).pivot(index="respondent", columns="question", values="ordinal")
    return normalise_answers(matrix, panel.questions).rename_axis(index="human", columns="key")


def _answer_ordinals(table: pd.DataFrame, options: pd.DataFrame, path: Path) -> np.ndarray:
    answers = table["answer"].astype(str).str.strip()
    by_text = options.assign(canonical=_canonical(options["option"])).drop_duplicates(["key", "canonical"])
    by_text = by_text.set_index(["key", "canonical"])["ordinal"]
    by_code = options.dropna(subset=["code"]).assign(code=lambda o: o["code"].map(repr))
    by_code = by_code.set_index(["key", "code"])["ordinal"]
    text_keys = pd.MultiIndex.from_arrays([table["question"], _canonical(answers)])
    code = pd.to_numeric(answers, errors="coerce").map(lambda v: repr(float(v)) if np.isfinite(v) else "")
    code_keys = pd.MultiIndex.from_arrays([table["question"], code])
    known_text = text_keys.isin(by_text.index)
    known_code = code_keys.isin(by_code.index)
    unknown = ~(known_text | known_code)
    if unknown.any():
        row = table[unknown].iloc[0]
        raise InputError(
            f"{path}: {int(unknown.sum())} answers are neither an option nor an option code of their "
            f"question (e.g. question {row['question']}, answer '{row['answer']}')."
        )
    ordinal = np.full(len(table), np.nan)
    ordinal[known_text] = by_text.reindex(text_keys[known_text]).to_numpy()
    only_code = known_code & ~known_text
    ordinal[only_code] = by_code.reindex(code_keys[only_code]).to_numpy()
    return ordinal
