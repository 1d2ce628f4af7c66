"""Score matrices that a language model produced offline, shipped so that figures need no model.

A matrix is a folder with ``scores.csv.gz`` (one row per instance: ``instance``, Alice's utility ``alice``,
then one column per prompt Bob, as ``marketalign bobs generate`` wrote them) and ``provenance.json`` (the
generation's provenance record: the model file's name, size and sha256, every Bob's prompt, the family's seed,
the item sample and the data hash, the answer counts). ``embedded/ethics_llm/`` holds Figure 1's: 16 prompt
Bobs of Qwen2.5-Coder-1.5B-Instruct on a seeded sample of ETHICS commonsense test items, and the screen the
family was chosen by (``screen.csv.gz``, ``screen.provenance.json``, on test_hard items).
``embedded/movielens_llm/`` holds Figure 3's: 16 taste-community persona Bobs of the same model on a seeded
sample of MovieLens user 414's movies (:mod:`marketalign.bobs.personas`). docs/bobs.md gives the commands that
rebuild them; ``python -m marketalign.data.llm_scores`` packs a generation into this layout.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from marketalign.bobs.items import read_items
from marketalign.bobs.models import known_model
from marketalign.bobs.runner import provenance_path
from marketalign.data.embedded import EMBEDDED_DIR
from marketalign.errors import InputError

ETHICS_LLM_DIR = EMBEDDED_DIR / "ethics_llm"
MOVIELENS_LLM_DIR = EMBEDDED_DIR / "movielens_llm"
SCORES_FILE = "scores.csv.gz"
PROVENANCE_FILE = "provenance.json"
SCREEN_FILE = "screen.csv.gz"
SCREEN_PROVENANCE_FILE = "screen.provenance.json"
TARGET = "alice"


@dataclass(frozen=True)
class LLMScores:
    """One matrix: the table (``instance``, ``alice``, Bob columns), the Bob names, the provenance, and its
    source (``"embedded score matrix (ethics_llm)"`` for a shipped one, else the folder)."""

    table: pd.DataFrame
    bobs: list[str]
    provenance: dict
    source: str

    def generation(self) -> dict:
        """What a figure's summary says of the generation: the model, the family, every Bob's prompt, the seed,
        the items and the answer counts."""
        record = self.provenance
        return {"model": record["model"], "family": record["family"], "prompts": record["bobs"],
                "seed": record["seed"], "items": record["data"], "generation": record["counts"]}


def load_llm_scores(path: str | Path = ETHICS_LLM_DIR, *, screen: bool = False) -> LLMScores:
    """Read a matrix folder (default: the embedded Figure 1 matrix; ``screen=True`` for its screen; the
    embedded Figure 3 matrix is :data:`MOVIELENS_LLM_DIR`).

    Raises
    ------
    InputError
        When a file is missing, a Bob named in the provenance has no column, a column is not named in the
        provenance (every column is used or refused), or a score or label is missing.
    """
    folder = Path(path)
    scores_path = folder / (SCREEN_FILE if screen else SCORES_FILE)
    sidecar = folder / (SCREEN_PROVENANCE_FILE if screen else PROVENANCE_FILE)
    for needed in (scores_path, sidecar):
        if not needed.is_file():
            raise InputError(
                f"{needed} is missing: a score-matrix folder holds {SCORES_FILE} and {PROVENANCE_FILE} "
                "(python -m marketalign.data.llm_scores writes them from a `bobs generate` output)."
            )
    provenance = json.loads(sidecar.read_text())
    bobs = [bob["column"] for bob in provenance["bobs"]]
    table = pd.read_csv(scores_path, dtype={"instance": str})
    expected = ["instance", TARGET, *bobs]
    if list(table.columns) != expected:
        missing = [c for c in expected if c not in table.columns]
        extra = [c for c in table.columns if c not in expected]
        raise InputError(
            f"{scores_path} has columns that do not match its provenance (missing {missing}, not named {extra}); "
            "rebuild the folder with python -m marketalign.data.llm_scores."
        )
    empty = table[[TARGET, *bobs]].isna().sum()
    if empty.any():
        raise InputError(
            f"{scores_path} has missing values ({dict(empty[empty > 0])}); re-run the generation until it is "
            "complete before packing it."
        )
    embedded = folder.resolve().parent == EMBEDDED_DIR.resolve()
    return LLMScores(table, bobs, provenance, f"embedded score matrix ({folder.name})" if embedded else str(folder))


def pack_generation(scored: Path, out: Path, model: str, *, screen: bool = False) -> dict:
    """Write a complete ``bobs generate`` output into the matrix layout; return the provenance written.

    Only ``instance``, ``alice`` and the Bob columns are kept (the others are named in the provenance as
    dropped). The model's name, file size and sha256 come from the installable model registry.

    Raises
    ------
    InputError
        When the model is not registered (:func:`marketalign.bobs.models.known_model`), the table has no
        ``alice`` column or a score is missing.
    """
    spec = known_model(model)
    provenance = json.loads(provenance_path(scored).read_text())
    bobs = [bob["column"] for bob in provenance["bobs"]]
    table = read_items(scored)
    if TARGET not in table or table[bobs].isna().any().any():
        raise InputError(f"{scored} needs an '{TARGET}' column and a score in every Bob cell (a complete run).")
    kept = table[["instance", TARGET, *bobs]]
    packed = gzip.compress(kept.to_csv(index=False, lineterminator="\n").encode(), compresslevel=9, mtime=0)
    out.mkdir(parents=True, exist_ok=True)
    (out / (SCREEN_FILE if screen else SCORES_FILE)).write_bytes(packed)
    record = {
        **provenance,
        "model": {"name": spec.name, "file": spec.file_name, "bytes": spec.size, "sha256": spec.sha256,
                  "licence": spec.licence},
        "columns_dropped": [c for c in table.columns if c not in kept.columns],
        "file_sha256": hashlib.sha256(packed).hexdigest(),
    }
    text = json.dumps(record, indent=2, sort_keys=True) + "\n"
    (out / (SCREEN_PROVENANCE_FILE if screen else PROVENANCE_FILE)).write_text(text)
    return record


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m marketalign.data.llm_scores", description=__doc__)
    parser.add_argument("--scores", type=Path, required=True, help="a complete `bobs generate` output table")
    parser.add_argument("--screen", type=Path, help="the screen's `bobs generate` output table")
    parser.add_argument("--model", required=True,
                        help="the installable model that answered, e.g. qwen2.5-coder-1.5b")
    parser.add_argument("--out", type=Path, default=ETHICS_LLM_DIR)
    args = parser.parse_args()
    record = pack_generation(args.scores, args.out, args.model)
    if args.screen is not None:
        pack_generation(args.screen, args.out, args.model, screen=True)
    print(f"wrote {args.out}: {len(record['bobs'])} Bobs x {record['data']['rows']} items")


if __name__ == "__main__":
    main()
