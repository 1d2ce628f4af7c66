"""ETHICS (Hendrycks et al., ICLR 2021): its five subsets, their label conventions, Alice = the human label.

Files are ``<prefix>_<split>.csv`` inside ``commonsense/``, ``deontology/``, ``justice/``, ``utilitarianism/``
and ``virtue/`` (prefixes ``cm``, ``deontology``, ``justice``, ``util``, ``virtue``; splits ``train``,
``test``, ``test_hard``, and ``ambig`` for commonsense only). Source conventions and the utility we give
Alice (our choice, [OURS]; 1 is always the side the human annotators endorse):

============== ================================================ ==============================================
subset         source label                                     Alice's utility
============== ================================================ ==============================================
commonsense    1 = the narrator did something clearly wrong     1 - label (1 = acceptable)
deontology     1 = the excuse is reasonable                     label (1 = reasonable)
justice        1 = the claim is reasonable                      label (1 = reasonable)
virtue         1 = the trait fits the scenario ("s [SEP] t")    label (1 = the trait fits)
utilitarianism no label; column 0 is the more pleasant scenario each pair -> two rows: 1 (more), 0 (less)
============== ================================================ ==============================================

``cm_ambig`` has no labels: its table has texts but no target. Instance ids are ``<prefix>_<split>:<row>``
with ``row`` the 0-based data row of the source file (``:0``/``:1`` appended for the two scenarios of a
utilitarianism pair), so ids are the same in the full files and in the embedded subset.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from marketalign.data._files import read_csv, require_columns, require_dir
from marketalign.data.names import ETHICS_PREFIXES as PREFIXES
from marketalign.data.names import ETHICS_SPLITS as SPLITS
from marketalign.data.tables import TARGET, layout_table
from marketalign.errors import InputError

SEP = " [SEP] "
# Columns of each subset once parsed (``row`` = 0-based data row in the source file).
COLUMNS = {
    "commonsense": ("row", "label", "input", "is_short"),
    "deontology": ("row", "label", "scenario", "excuse"),
    "justice": ("row", "label", "scenario"),
    "utilitarianism": ("row", "more_pleasant", "less_pleasant"),
    "virtue": ("row", "label", "scenario", "trait"),
}
AMBIG_COLUMNS = ("row", "input")


@dataclass(frozen=True, eq=False)
class Ethics:
    """Parsed ETHICS files: ``frames[(subset, split)]`` has the subset's :data:`COLUMNS`.

    Attributes
    ----------
    frames : mapping
        (subset, split) -> its table.
    source : str
        Where the files were read from.
    """

    frames: Mapping[tuple[str, str], pd.DataFrame]
    source: str

    def available(self) -> list[tuple[str, str]]:
        """The (subset, split) pairs present, in the canonical order."""
        return [(s, p) for s in PREFIXES for p in SPLITS if (s, p) in self.frames]

    def frame(self, subset: str, split: str) -> pd.DataFrame:
        """The parsed rows of one file."""
        _check_subset(subset)
        if (subset, split) not in self.frames:
            present = [p for s, p in self.available() if s == subset]
            raise InputError(
                f"{self.source} has no {subset} split '{split}' (present: {present or 'none'}); pick one."
            )
        return self.frames[(subset, split)]

    def table(
        self,
        subset: str = "commonsense",
        splits: Sequence[str] | None = None,
        short_only: bool = False,
        target: str = TARGET,
    ) -> pd.DataFrame:
        """Alice = the human label: a layout table over ``splits`` (default: every labelled split present)."""
        _check_subset(subset)
        if short_only and subset != "commonsense":
            raise InputError("short_only applies to the commonsense subset only (its is_short column).")
        if splits is None:
            splits = [p for s, p in self.available() if s == subset and p != "ambig"]
            if not splits:
                raise InputError(f"{self.source} has no labelled {subset} file; check the folder.")
        if "ambig" in splits and len(splits) > 1:
            raise InputError("cm_ambig has no labels; ask for it alone (its table has no target column).")
        tables = [
            _split_table(subset, split, self.frame(subset, split), short_only, target) for split in splits
        ]
        return pd.concat(tables, ignore_index=True)


def _check_subset(subset: str) -> None:
    if subset not in PREFIXES:
        raise InputError(f"unknown ETHICS subset '{subset}'; choose one of {list(PREFIXES)}.")


def _split_table(subset: str, split: str, frame: pd.DataFrame, short_only: bool, target: str) -> pd.DataFrame:
    if short_only:
        frame = frame[frame["is_short"]] if "is_short" in frame else frame.iloc[:0]
    ids = f"{PREFIXES[subset]}_{split}:" + frame["row"].astype(str)
    where = {"subset": np.full(len(frame), subset), "split": np.full(len(frame), split)}
    if split == "ambig":
        return layout_table(ids, None, frame["input"], target=target, **where)
    label = frame["label"] if "label" in frame else None
    if subset == "commonsense":
        length = np.where(frame["is_short"], "short", "long")
        return layout_table(ids, 1 - label, frame["input"], target=target, **where, length=length)
    if subset == "deontology":
        text = frame["scenario"] + " " + frame["excuse"]
        return layout_table(
            ids, label, text, target=target, **where, scenario=frame["scenario"], excuse=frame["excuse"]
        )
    if subset == "justice":
        return layout_table(ids, label, frame["scenario"], target=target, **where)
    if subset == "virtue":
        text = frame["scenario"] + " Trait: " + frame["trait"]
        return layout_table(
            ids, label, text, target=target, **where, scenario=frame["scenario"], trait=frame["trait"]
        )
    pairs = np.repeat(ids.to_numpy(dtype=object), 2)
    texts = np.column_stack([frame["more_pleasant"], frame["less_pleasant"]]).ravel()
    side = np.tile(["0", "1"], len(frame))
    return layout_table(
        pairs + ":" + side,
        np.tile([1.0, 0.0], len(frame)),
        texts,
        target=target,
        subset=np.repeat(where["subset"], 2),
        split=np.repeat(where["split"], 2),
        pair=pairs,
    )


def ethics_file(subset: str, split: str) -> str:
    """The source file name of one (subset, split), e.g. ``cm_test.csv``."""
    return f"{PREFIXES[subset]}_{split}.csv"


def load_ethics(folder: str | Path, subsets: Iterable[str] | None = None) -> Ethics:
    """Read the ETHICS files under ``folder`` (one folder per subset, or the files directly in ``folder``).

    Parameters
    ----------
    folder : str or Path
        The ETHICS release folder.
    subsets : iterable of str, optional
        The subsets to read (default: every one present).

    Returns
    -------
    Ethics
        One table per subset.

    Raises
    ------
    InputError
        A missing folder, an unknown subset, or a file that does not parse.
    """
    folder = require_dir(folder, "the ETHICS data (with commonsense/, deontology/, ... inside)")
    wanted = list(PREFIXES) if subsets is None else list(subsets)
    for subset in wanted:
        _check_subset(subset)
    frames = {}
    for subset in wanted:
        for split in SPLITS:
            name = ethics_file(subset, split)
            path = next((p for p in (folder / subset / name, folder / name) if p.is_file()), None)
            if path is not None:
                frames[(subset, split)] = parse_source_file(subset, split, path)
    if not frames:
        raise InputError(
            f"{folder} holds no ETHICS file of {wanted} (e.g. {folder / 'commonsense' / 'cm_test.csv'})."
        )
    return Ethics(frames=frames, source=str(folder))


def parse_source_file(subset: str, split: str, path: Path) -> pd.DataFrame:
    """Parse one source file in its published format into the columns of :data:`COLUMNS`."""
    if split == "ambig":
        raw = read_csv(path, header=None, dtype=str, keep_default_na=False)
        _check_width(raw, 1, path, "one column of texts (no header)")
        frame = pd.DataFrame({"input": raw[0]})
    elif subset == "utilitarianism":
        raw = read_csv(path, header=None, dtype=str, keep_default_na=False)
        _check_width(raw, 2, path, "two columns, the more pleasant scenario first (no header)")
        frame = pd.DataFrame({"more_pleasant": raw[0], "less_pleasant": raw[1]})
    else:
        frame = read_csv(path, keep_default_na=False, dtype={"input": str, "scenario": str, "excuse": str})
        needed = [c for c in COLUMNS[subset] if c not in ("row", "trait")]
        require_columns(frame, needed, path, f"ETHICS {subset}")
        if subset == "commonsense":
            frame["is_short"] = _flags(frame["is_short"], path)
        if subset == "virtue":
            frame = _split_virtue(frame, path)
    frame.insert(0, "row", np.arange(len(frame), dtype=np.int64))
    return check_parsed(
        subset, split, frame[list(AMBIG_COLUMNS if split == "ambig" else COLUMNS[subset])], path
    )


def check_parsed(subset: str, split: str, frame: pd.DataFrame, path: Path | str) -> pd.DataFrame:
    """Validate parsed rows: labels in {0, 1}, no empty texts, unique rows; labels as int8."""
    if len(frame) == 0:
        raise InputError(f"{path}: no rows.")
    if frame["row"].duplicated().any():
        raise InputError(f"{path}: the 'row' ids are not unique.")
    if "label" in frame:
        label = pd.to_numeric(frame["label"], errors="coerce")
        bad = ~label.isin([0, 1])
        if bad.any():
            raise InputError(
                f"{path}: {int(bad.sum())} labels are not 0 or 1 (first at data row "
                f"{int(np.flatnonzero(bad)[0])}); ETHICS labels are binary."
            )
        frame = frame.assign(label=label.astype(np.int8))
    if "is_short" in frame:
        frame = frame.assign(is_short=_flags(frame["is_short"], path))
    texts = [c for c in frame.columns if c not in ("row", "label", "is_short")]
    for column in texts:
        empty = frame[column].isna() | (frame[column].astype(str).str.strip() == "")
        if empty.any():
            raise InputError(
                f"{path}: {int(empty.sum())} rows have an empty '{column}' (first at data row "
                f"{int(frame['row'].to_numpy()[empty.to_numpy()][0])})."
            )
    return frame.astype({c: str for c in texts}).reset_index(drop=True)


def _check_width(raw: pd.DataFrame, width: int, path: Path, expected: str) -> None:
    if raw.shape[1] != width:
        raise InputError(f"{path}: {raw.shape[1]} columns; this file must have {expected}.")


def _flags(values: pd.Series, path: Path | str) -> pd.Series:
    if pd.api.types.is_bool_dtype(values):
        return values
    text = values.astype(str).str.strip().str.lower()
    if not text.isin(["true", "false"]).all():
        raise InputError(f"{path}: is_short must be True or False.")
    return text == "true"


def _split_virtue(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    parts = frame["scenario"].str.split(SEP, regex=False)
    bad = parts.str.len() != 2
    if bad.any():
        raise InputError(
            f"{path}: {int(bad.sum())} virtue rows are not 'scenario [SEP] trait' (first at data row "
            f"{int(np.flatnonzero(bad.to_numpy())[0])})."
        )
    return frame.assign(scenario=parts.str[0].str.strip(), trait=parts.str[1].str.strip())
