"""The default data shipped with the package (no path needed): an ETHICS subset and MovieLens latest-small.

- ``embedded/ethics/``: the short commonsense items of cm_test and cm_test_hard (Alice's default domain),
  plus seeded 3,000-row samples of the deontology, justice, utilitarianism and virtue train splits (data for
  Bobs trained on other subsets); rows parsed as in :mod:`marketalign.data.ethics`, original row ids kept.
  MIT licence and citation in ``LICENSE``/``README.txt`` beside them.
- ``embedded/movielens/``: ml-latest-small's ratings, movies and tags, gzip-compressed and otherwise
  unchanged (links.csv dropped), with its README (licence terms) beside them.
- ``embedded/llmbar/``: LLMBar's evaluator verdicts on the Natural + Adversarial subsets, only the columns
  :mod:`marketalign.data.panels.llmbar` reads (MIT licence, ``LICENSE``/``README.txt`` beside them).

``PROVENANCE.json`` records the source files' sha256, what was filtered and the seed; ``build_embedded``
rebuilds the folder byte for byte from the source data.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from marketalign.data._files import read_csv
from marketalign.data.ethics import COLUMNS, PREFIXES, SPLITS, Ethics, check_parsed
from marketalign.data.movielens import MovieLens, load_movielens
from marketalign.data.panels.llmbar import LLMBarPanel, load_llmbar

EMBEDDED_DIR = Path(__file__).with_name("embedded")


def embedded_ethics_name(subset: str, split: str) -> str:
    """File name of one embedded ETHICS (subset, split), e.g. ``cm_test.csv.gz``."""
    return f"{PREFIXES[subset]}_{split}.csv.gz"


def load_embedded_ethics(folder: Path = EMBEDDED_DIR / "ethics") -> Ethics:
    """The embedded ETHICS subset as an :class:`~marketalign.data.ethics.Ethics`, like the full loader's.

    Parameters
    ----------
    folder : Path
        The embedded files (default: those shipped with the package).

    Returns
    -------
    Ethics
        The subsets, in the layout of :func:`~marketalign.data.ethics.load_ethics`.
    """
    frames = {}
    for subset in PREFIXES:
        for split in SPLITS:
            path = folder / embedded_ethics_name(subset, split)
            if path.is_file():
                frame = read_csv(path, keep_default_na=False, dtype={c: str for c in COLUMNS[subset][2:]})
                frames[(subset, split)] = check_parsed(subset, split, frame[list(COLUMNS[subset])], path)
    return Ethics(frames=frames, source="embedded")


def load_embedded_movielens() -> MovieLens:
    """The embedded MovieLens latest-small as a :class:`~marketalign.data.movielens.MovieLens`.

    Returns
    -------
    MovieLens
        Ratings and movies, in the layout of :func:`~marketalign.data.movielens.load_movielens`.
    """
    return replace(load_movielens(EMBEDDED_DIR / "movielens"), source="embedded")


def load_embedded_llmbar(missing: str = "error") -> LLMBarPanel:
    """The embedded LLMBar market (419 items, 65 evaluators), as :func:`marketalign.data.panels.llmbar.load_llmbar`."""
    return load_llmbar(EMBEDDED_DIR / "llmbar", missing=missing)


def embedded_provenance() -> dict:
    """The contents of ``PROVENANCE.json``: sources, sha256 of source and shipped files, filters, seed.

    Returns
    -------
    dict
        The parsed ``PROVENANCE.json`` of the embedded data folder.
    """
    return json.loads((EMBEDDED_DIR / "PROVENANCE.json").read_text())
