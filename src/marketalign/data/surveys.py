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
import math
import pickle
import re
from collections import Counter
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
_COUNT_TEXTS = ("attribute", "group", "key", "option")


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
            raise _no_counts_error(self.source)
        if keep_unstated:
            return self.counts
        codes, groups = pd.factorize(self.counts["group"], use_na_sentinel=False)
        stated = np.array([_is_stated(group) for group in groups], dtype=bool)
        return self.counts[stated[codes]]

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


def _is_stated(group: str) -> bool:
    """Whether none of the values of ``ATTRIBUTE=value|value`` is an unstated answer ("Refused", ...)."""
    return not set(group.partition("=")[2].split("|")) & UNSTATED_GROUPS


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
    return _read_wave(path, wave, attributes, {}).panel()


@dataclass(frozen=True, eq=False)
class _WaveFiles:
    """One wave as read, before its answer counts become a table.

    Attributes
    ----------
    wave : str
        The wave's name.
    folder : Path
        The folder read.
    questions, options : pandas.DataFrame
        As in :class:`SurveyPanel`.
    counts : dict of str to list
        The columns attribute, group, key, option, count of :attr:`SurveyPanel.counts`.
    attributes : dict of str to tuple of str
        As in :class:`SurveyPanel`.
    """

    wave: str
    folder: Path
    questions: pd.DataFrame
    options: pd.DataFrame
    counts: dict[str, list]
    attributes: dict[str, tuple[str, ...]]

    def panel(self) -> SurveyPanel:
        """The wave as a :class:`SurveyPanel`."""
        return SurveyPanel(
            wave=self.wave,
            topic=WAVE_TOPICS.get(self.wave) or _main_topic(self.questions["topics"].tolist()),
            questions=self.questions,
            options=self.options,
            counts=_counts_frame(self.counts),
            attributes=self.attributes,
            source=str(self.folder),
        )


def _read_wave(
    path: str | Path, wave: str | None, attributes: Iterable[str] | None, topic_maps: dict[Path, dict]
) -> _WaveFiles:
    """The files of one wave, as :func:`load_panel` reads them.

    Parameters
    ----------
    path, wave, attributes
        As in :func:`load_panel`.
    topic_maps : dict of Path to dict
        The topic mappings already read (path -> mapping); gains the one read here.

    Returns
    -------
    _WaveFiles
        The wave's questions, options, answer counts (as columns) and attributes.

    Raises
    ------
    InputError
        As :func:`load_panel`.
    """
    folder, wave = _wave_folder(path, wave)
    info_file = folder / "info.csv"
    if not info_file.is_file():
        raise InputError(f"{folder}: no info.csv; a wave folder needs its question list.")
    questions, options = _read_info(info_file)
    questions["topics"] = _question_topics(folder.parent / "topic_mapping.npy", questions, options, topic_maps)
    available = {p.name[: -len("_data.json")]: p for p in sorted(folder.glob("*_data.json"))}
    chosen = (
        [a for a in available if a not in _DEFAULT_SKIPPED_ATTRIBUTES]
        if attributes is None
        else list(attributes)
    )
    unknown = [a for a in chosen if a not in available]
    if unknown:
        raise InputError(f"{folder} has no answer counts for {unknown}; present: {sorted(available)}.")
    counts = _read_counts({a: available[a] for a in chosen}, options)
    return _WaveFiles(wave, folder, questions, options, counts, _read_metadata(folder / "metadata.csv"))


def _no_counts_error(source: str | Path) -> InputError:
    """The error for a wave whose answer counts are needed but none were loaded."""
    return InputError(f"{source}: no <ATTRIBUTE>_data.json answer counts were loaded; it has questions only.")


def _wave_folder(path: str | Path, wave: str | None) -> tuple[Path, str]:
    """The folder and name of the wave ``wave`` under ``path`` (or of its only wave)."""
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
    return folders[wave], wave


def _literal(text: str, what: str, key: str, path: Path):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError) as err:
        raise InputError(f"{path}: question {key}: {what} is not a Python literal ({err}).") from err


def _cached_literal(cache: dict[tuple[str, str], object], text: str, what: str, key: str, path: Path):
    """``_literal`` of ``text``, parsed once per distinct (what, text) in ``cache``."""
    if (what, text) not in cache:
        cache[what, text] = _literal(text, what, key, path)
    return cache[what, text]


def _numbered_keys(keys: list[str]) -> list[str]:
    """The keys, with "#1", "#2", ... appended to a key shared by several questions (e.g. IDIMPORT_W43, asked in
    five wordings)."""
    seen = Counter(keys)
    repeats: Counter[str] = Counter()
    numbered = []
    for key in keys:
        if seen[key] > 1:
            repeats[key] += 1
            key = f"{key}#{repeats[key]}"
        numbered.append(key)
    return numbered


def _ordinal_scale(ordinal: list, key: str, path: Path) -> tuple[np.ndarray, float, float]:
    """The ordinal values of a question as floats, with their minimum and maximum."""
    values = np.asarray(ordinal, dtype=float)
    if not np.isfinite(values).all():
        raise InputError(f"{path}: question {key}: option_ordinal values must be finite numbers.")
    return values, values.min(), values.max()


def _read_info(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    info = read_csv(path, dtype=str, keep_default_na=False)
    require_columns(
        info, ["key", "question", "references", "option_mapping", "option_ordinal"], path, "OpinionQA info"
    )
    literals: dict[tuple[str, str], object] = {}
    scales: dict[str, tuple[np.ndarray, float, float]] = {}
    questions, options = [], []
    for key, question, refs_text, mapping_text, ordinal_text in zip(
        _numbered_keys(info["key"].tolist()),
        *(info[c].tolist() for c in ("question", "references", "option_mapping", "option_ordinal")),
        strict=True,
    ):
        refs = _cached_literal(literals, refs_text, "references", key, path)
        mapping = _cached_literal(literals, mapping_text, "option_mapping", key, path)
        ordinal = _cached_literal(literals, ordinal_text, "option_ordinal", key, path)
        if not (isinstance(refs, list) and isinstance(ordinal, list) and isinstance(mapping, dict)):
            raise InputError(
                f"{path}: question {key}: references/option_ordinal must be lists, option_mapping a dict."
            )
        if not 2 <= len(ordinal) <= len(refs):
            raise InputError(
                f"{path}: question {key} has {len(ordinal)} ordinal values for {len(refs)} options; the "
                "first options (at least two) need one value each."
            )
        if ordinal_text not in scales:
            scales[ordinal_text] = _ordinal_scale(ordinal, key, path)
        values, low, high = scales[ordinal_text]
        codes = {str(option): code for code, option in mapping.items()}
        scored = refs[: len(ordinal)]
        questions.append(
            {
                "key": key,
                "question": question.strip(),
                "text": f"{question.strip()} [Options: {' / '.join(scored)}]",
                "ordinal_min": low,
                "ordinal_max": high,
                "scaled": bool(high > low),
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


def _read_counts(files: dict[str, Path], options: pd.DataFrame) -> dict[str, list]:
    """Columns attribute, group, key, option, count of the ``<ATTRIBUTE>_data.json`` files, options matched.

    Each file is parsed, then checked against info.csv, before the next one is read.
    """
    columns: dict[str, list] = {name: [] for name in (*_COUNT_TEXTS, "count")}
    lookup: dict[str, _OptionMatch] | None = None
    for attribute, path in files.items():
        rows = _flatten_counts(path, _read_json(path), attribute)
        if lookup is None:
            lookup = _option_lookup(options)
        rows["option"] = _match_options(rows["key"], rows["option"], lookup, path)
        rows["attribute"] = [attribute] * len(rows["key"])
        for name, values in rows.items():
            columns[name].extend(values)
    return columns


def _counts_frame(columns: dict[str, list]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            **{name: pd.array(columns[name], dtype=str) for name in _COUNT_TEXTS},
            "count": np.array(columns["count"], dtype=float),
        }
    )


def _read_json(path: Path) -> dict:
    try:
        payload = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: not valid JSON ({err}).") from err
    if not isinstance(payload, dict):
        raise InputError(f"{path}: expected an object of questions.")
    return payload


def _flatten_counts(path: Path, payload: dict, attribute: str) -> dict[str, list]:
    """Columns group (``ATTRIBUTE=group``), key, option, count of one file's answer counts, in file order."""
    rows: dict[str, list] = {"group": [], "key": [], "option": [], "count": []}
    for key, entry in payload.items():
        if not isinstance(entry, dict):
            raise InputError(f"{path}: question {key} must map groups to answer counts.")
        for group, answers in entry.items():
            if group not in _NOT_GROUPS:
                _flatten_group(path, key, group, f"{attribute}={group}", answers, rows)
    return rows


def _flatten_group(path: Path, key: str, group: str, label: str, answers, rows: dict[str, list]) -> None:
    if not isinstance(answers, dict):
        raise InputError(f"{path}: question {key}, group {group}: expected {{option: count}}.")
    if _plain_counts(answers.values()):
        rows["group"].extend([label] * len(answers))
        rows["key"].extend([key] * len(answers))
        rows["option"].extend(answers)
        rows["count"].extend(answers.values())
        return
    for option, value in answers.items():
        if isinstance(value, dict):
            _flatten_group(path, key, f"{group}|{option}", f"{label}|{option}", value, rows)
        elif _is_count(value):
            rows["group"].append(label)
            rows["key"].append(key)
            rows["option"].append(option)
            rows["count"].append(float(value))
        else:
            raise InputError(
                f"{path}: question {key}, group {group}: count {value!r} for '{option}' is not >= 0."
            )


def _plain_counts(values: Iterable) -> bool:
    """Whether every value is a float >= 0 and finite (what :func:`_is_count` accepts, for floats)."""
    for value in values:
        if type(value) is not float or not 0.0 <= value < math.inf:
            return False
    return True


def _is_count(value) -> bool:
    return (
        isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value) and value >= 0
    )


def _canonical(text: pd.Series) -> pd.Series:
    return text.str.casefold().str.split().str.join(" ")


def _canonical_text(text: str) -> str:
    return " ".join(text.casefold().split())


class _OptionMatch(dict):
    """One question's counted option text -> its info.csv option (None if none), filled as texts are asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, str] = {}

    def __missing__(self, name: str) -> str | None:
        self[name] = found = self.texts.get(_canonical_text(name))
        return found


def _option_lookup(options: pd.DataFrame) -> dict[str, _OptionMatch]:
    """Key -> the matches of its counted options (up to case and spacing: the first info.csv option)."""
    lookup: dict[str, _OptionMatch] = {}
    for key, option in zip(options["key"].tolist(), options["option"].tolist(), strict=True):
        match = lookup.setdefault(key, _OptionMatch())
        if isinstance(option, str):
            match.texts.setdefault(_canonical_text(option), option)
    return lookup


def _match_options(keys: list[str], names: list[str], lookup: dict[str, _OptionMatch], path: Path) -> list[str]:
    """The info.csv option of each counted option, exactly or up to case and spacing."""
    unknown_keys = sorted(set(keys) - lookup.keys())
    shared = [k for k in unknown_keys if f"{k}#1" in lookup]
    if shared:
        raise InputError(
            f"{path}: question {shared[0]} has several wordings in info.csv, so its counts are ambiguous; "
            "give each wording its own key."
        )
    if unknown_keys:
        raise InputError(
            f"{path}: questions {unknown_keys[:5]} are not in info.csv; use the files of one wave."
        )
    options = [lookup[key][name] for key, name in zip(keys, names, strict=True)]
    missing = options.count(None)
    if missing:
        first = options.index(None)
        raise InputError(
            f"{path}: {missing} counts are for options not listed in info.csv (e.g. question "
            f"{keys[first]}, option '{names[first]}')."
        )
    return options


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


def _question_topics(
    path: Path, questions: pd.DataFrame, options: pd.DataFrame, topic_maps: dict[Path, dict]
) -> list[str]:
    """Coarse topics of each question ("; "-joined) from topic_mapping.npy beside the waves, else "".

    ``topic_maps`` holds the mappings already read (path -> mapping) and gains this one.
    """
    if not path.is_file():
        return [""] * len(questions)
    if path not in topic_maps:
        topic_maps[path] = read_topic_mapping(path)
    mapping = topic_maps[path]
    names: dict[str, list[str]] = {}
    for key, option in zip(options["key"].tolist(), options["option"].tolist(), strict=True):
        names.setdefault(key, []).append(option)
    refs = {key: "/".join(texts) for key, texts in names.items()}
    found = []
    for key, question in zip(questions["key"].tolist(), questions["question"].tolist(), strict=True):
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
