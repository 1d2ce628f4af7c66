"""Which data an experiment reads from a data root, and the sentence every output uses to say so.

The root is :func:`marketalign.data.location.data_root` of ``--data`` (None = the embedded subsets). ETHICS,
MovieLens and LLMBar fall back to their embedded copies when their folder is absent; OpinionQA and the
published LLM panels are never embedded, so their lookups return None or raise :class:`InputError` saying
what to provide (docs/data.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from marketalign.data.location import EMBEDDED
from marketalign.data.names import PANEL_FOLDERS
from marketalign.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from marketalign.data.llm_scores import LLMScores

MOVIELENS_RELEASES = ("ml-latest-small", "ml-latest", "ml-25m", "ml-20m", "ml-1m", "ml-100k")
LLMJUDGE_FOLDER = Path("panels") / "llmjudge_dl23"
PANEL_SOURCES = {name: Path(folder) for name, folder in PANEL_FOLDERS.items()}


@dataclass(frozen=True)
class Loaded:
    """A loaded data set and a sentence saying where it came from (written into every summary).

    Attributes
    ----------
    data : object
        The loaded data (an :class:`~marketalign.data.ethics.Ethics`, a
        :class:`~marketalign.data.movielens.MovieLens`, an LLMBar panel ...).
    source : str
        Where it came from, in words.
    full : bool
        Whether it is the full data set (False: the embedded subset).
    """

    data: object
    source: str
    full: bool


def ethics_data(root: Path | None) -> Loaded:
    """ETHICS from ``root/ethics`` when present, else the embedded subset.

    Parameters
    ----------
    root : Path or None
        The data root (None: the embedded subset).

    Returns
    -------
    Loaded
        The ETHICS files and where they came from.
    """
    from marketalign.data.embedded import load_embedded_ethics
    from marketalign.data.ethics import load_ethics

    if root is not None and (root / "ethics").is_dir():
        return Loaded(load_ethics(root / "ethics"), f"full ETHICS data at {root / 'ethics'}", True)
    return Loaded(load_embedded_ethics(), "embedded ETHICS subset (commonsense short items, subset samples)", False)


def movielens_data(root: Path | None) -> Loaded:
    """MovieLens from the first of :data:`MOVIELENS_RELEASES` under ``root/movielens``, else the embedded
    latest-small.

    Parameters
    ----------
    root : Path or None
        The data root (None: the embedded release).

    Returns
    -------
    Loaded
        The ratings and where they came from.
    """
    from marketalign.data.embedded import load_embedded_movielens
    from marketalign.data.movielens import load_movielens

    if root is not None:
        for name in MOVIELENS_RELEASES:
            folder = root / "movielens" / name
            if folder.is_dir():
                return Loaded(load_movielens(folder), f"full MovieLens data at {folder}", True)
    return Loaded(load_embedded_movielens(), "embedded MovieLens latest-small (a copy of the full release)", False)


def llmbar_data(root: Path | None, missing: str) -> Loaded:
    """The LLMBar market from ``root`` (a folder with ``panels/llmbar/`` or the verdicts), else the embedded
    copy.

    Parameters
    ----------
    root : Path or None
        The data root (None: the embedded copy).
    missing : str
        The unparseable-verdict policy (:func:`marketalign.data.panels.llmbar.load_llmbar`).

    Returns
    -------
    Loaded
        The evaluator market and where it came from.
    """
    from marketalign.data.embedded import load_embedded_llmbar
    from marketalign.data.panels.llmbar import load_llmbar

    if root is None:
        return Loaded(load_embedded_llmbar(missing=missing), "embedded LLMBar copy", full=False)
    return Loaded(load_llmbar(root, missing=missing), f"LLMBar verdicts in {root}", full=True)


def llm_score_matrix(folder: Path | None, embedded: str = "ethics_llm") -> LLMScores:
    """A language model's score matrix from ``folder``, else (None or ``embedded``) the embedded matrix
    ``embedded`` (:mod:`marketalign.data.llm_scores`: ``ethics_llm`` for Figure 1, ``movielens_llm`` for
    Figure 3).

    Parameters
    ----------
    folder : Path or None
        A matrix folder (``--data`` as given: ``$MARKETALIGN_DATA`` does not apply).
    embedded : str
        The embedded matrix used without a folder.

    Returns
    -------
    LLMScores
        The matrix.

    Raises
    ------
    InputError
        When the folder does not hold a matrix.
    """
    from marketalign.data.embedded import EMBEDDED_DIR
    from marketalign.data.llm_scores import load_llm_scores

    return load_llm_scores(EMBEDDED_DIR / embedded if folder is None or str(folder) == EMBEDDED else folder)


def opinionqa_folder(root: Path | None) -> Path | None:
    """``root/opinionqa/human_resp`` when present, else None (OpinionQA is never embedded).

    Parameters
    ----------
    root : Path or None
        The data root (:func:`marketalign.data.location.data_root`); None = no full data.

    Returns
    -------
    Path or None
        The folder of OpinionQA's per-wave group distributions, or None when it is absent.
    """
    if root is None:
        return None
    folder = root / "opinionqa" / "human_resp"
    return folder if folder.is_dir() else None


def llmjudge_folder(root: Path | None) -> Path:
    """``root/panels/llmjudge_dl23`` with its ``judges/`` and ``human_test_qrels.txt``.

    Parameters
    ----------
    root : Path or None
        The data root (:func:`marketalign.data.location.data_root`); None = no full data.

    Returns
    -------
    Path
        The LLMJudge release folder.

    Raises
    ------
    InputError
        When they are absent, saying how to provide them (never embedded: the human qrels carry no licence).
    """
    folder = None if root is None else root / LLMJUDGE_FOLDER
    if folder is None or not (folder / "judges").is_dir() or not (folder / "human_test_qrels.txt").is_file():
        raise InputError(f"LLMJudge data not found ({LLMJUDGE_FOLDER}/judges and {LLMJUDGE_FOLDER}/"
                         "human_test_qrels.txt); pass --data FOLDER or set MARKETALIGN_DATA (never embedded: the "
                         "human qrels carry no licence).")
    return folder


def panel_folder(root: Path | None, source: str) -> Path:
    """``root/panels/<release>`` of a published LLM panel (:data:`PANEL_SOURCES`).

    Parameters
    ----------
    root : Path or None
        The data root (:func:`marketalign.data.location.data_root`); None = no full data.
    source : str
        A key of :data:`PANEL_SOURCES` (e.g. ``"tjuatja"``, ``"meister"``, ``"hwang"``).

    Returns
    -------
    Path
        The release's folder.

    Raises
    ------
    InputError
        When the source is unknown or its folder is absent (these releases are never embedded).
    """
    if source not in PANEL_SOURCES:
        raise InputError(f"unknown source {source!r}; choose one of {', '.join(PANEL_SOURCES)}.")
    folder = None if root is None else root / PANEL_SOURCES[source]
    if folder is None or not folder.is_dir():
        raise InputError(f"{PANEL_SOURCES[source]} not found; pass --data FOLDER holding it (never embedded: the "
                         "human side's licence does not allow it).")
    return folder


def load_market(root: Path | None, source: str) -> tuple[pd.DataFrame, list[str], pd.Series, dict]:
    """A published LLM panel as one long table.

    Parameters
    ----------
    root : Path or None
        The data root.
    source : {"tjuatja", "meister", "hwang"}
        The release (:data:`PANEL_SOURCES`).

    Returns
    -------
    table : pandas.DataFrame
        ``human``, ``instance``, ``group`` (the question), ``alice`` and one column per model.
    bobs : list of str
        The model columns.
    panel_of : pandas.Series
        Each row's panel: the survey wave (tjuatja), the topic (hwang), or one panel (meister).
    loading : dict
        The loader's counts.

    Raises
    ------
    InputError
        When the release, or for ``tjuatja`` OpinionQA's ``human_resp`` folder, is not under ``root``.
    """
    import pandas as pd

    folder = panel_folder(root, source)
    if source == "tjuatja":
        from marketalign.data.panels.tjuatja import load_tjuatja

        humans = opinionqa_folder(root)
        if humans is None:
            raise InputError("Tjuatja et al.'s models are joined with OpinionQA's groups: --data must also hold "
                             "opinionqa/human_resp.")
        loaded = load_tjuatja(folder, humans)
        return loaded.table, loaded.bobs, loaded.table["wave"], loaded.describe()
    if source == "meister":
        from marketalign.data.panels.meister import load_meister

        loaded = load_meister(folder)
        return loaded.table, loaded.bobs, pd.Series("14 groups", index=loaded.table.index), loaded.describe()
    from marketalign.data.panels.hwang import load_hwang

    loaded = load_hwang(folder)
    return loaded.table, loaded.bobs, loaded.table["topic"], loaded.describe()
