"""Rebuild ``marketalign/data/embedded/`` from the source data, byte for byte.

Usage: ``python -m marketalign.data.build_embedded --ethics DIR --movielens DIR --llmbar DIR [--out DIR]``. The output
depends only on the source files and :data:`SEED`: gzip streams carry no timestamp and CSV rows keep the
source order.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from marketalign.data.embedded import EMBEDDED_DIR, embedded_ethics_name
from marketalign.data.ethics import ethics_file, load_ethics
from marketalign.data.panels.llmbar import DEFAULT_SUBSETS, VERDICT_COLUMNS, VERDICTS_FILE
from marketalign.errors import InputError
from marketalign.seeding import stream

SEED = 20250915
SAMPLE_ROWS = 3000
ALICE_FILES = (("commonsense", "test"), ("commonsense", "test_hard"))
BOB_FILES = (("deontology", "train"), ("justice", "train"), ("utilitarianism", "train"), ("virtue", "train"))
MOVIELENS_FILES = ("ratings.csv", "movies.csv", "tags.csv")
ETHICS_SOURCE = (
    "ETHICS (Hendrycks et al., Aligning AI With Shared Human Values, ICLR 2021), github.com/hendrycks/ethics"
)
MOVIELENS_SOURCE = (
    "MovieLens ml-latest-small (GroupLens, generated 2018-09-26), grouplens.org/datasets/movielens"
)
LLMBAR_SOURCE = (
    "LLMBar (Zeng et al., Evaluating Large Language Models at Evaluating Instruction Following, ICLR 2024), "
    "github.com/princeton-nlp/LLMBar@900616b"
)
MIT_LICENCE = """MIT License

Copyright (c) the authors of the ETHICS dataset: Dan Hendrycks, Collin Burns,
Steven Basart, Andrew Critch, Jerry Li, Dawn Song and Jacob Steinhardt
(https://github.com/hendrycks/ethics).

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_gzip(path: Path, data: bytes) -> dict:
    packed = gzip.compress(data, compresslevel=9, mtime=0)
    path.write_bytes(packed)
    return {"sha256": sha256(packed), "bytes": len(packed)}


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode()


def build_ethics(source: Path, out: Path) -> dict:
    """Write the commonsense short items and the seeded samples of the other subsets; return provenance."""
    ethics = load_ethics(source, subsets=["commonsense", "deontology", "justice", "utilitarianism", "virtue"])
    out.mkdir(parents=True, exist_ok=True)
    rng = stream(SEED)
    files, sources = {}, {}
    for subset, split in ALICE_FILES + BOB_FILES:
        frame = ethics.frame(subset, split)
        if (subset, split) in ALICE_FILES:
            kept, rule = frame[frame["is_short"]], "rows with is_short == True"
        else:
            rows = np.sort(rng.choice(len(frame), size=min(SAMPLE_ROWS, len(frame)), replace=False))
            kept, rule = (
                frame.iloc[rows],
                f"{len(rows)} rows drawn without replacement (numpy default_rng({SEED}))",
            )
        name = embedded_ethics_name(subset, split)
        files[f"ethics/{name}"] = {
            **_write_gzip(out / name, _csv_bytes(kept)),
            "rows": len(kept),
            "filter": rule,
            "from": f"{subset}/{ethics_file(subset, split)}",
        }
        source_file = source / subset / ethics_file(subset, split)
        sources[f"{subset}/{ethics_file(subset, split)}"] = sha256(source_file.read_bytes())
    (out / "LICENSE").write_text(MIT_LICENCE)
    (out / "README.txt").write_bytes((source / "README.txt").read_bytes())
    return {
        "source": ETHICS_SOURCE,
        "licence": "MIT (ethics/LICENSE); cite the paper (ethics/README.txt)",
        "source_sha256": sources,
        "files": files,
        "seed": SEED,
        "parsing": "columns as in marketalign.data.ethics.COLUMNS; row = 0-based data row of the source file",
    }


def build_movielens(source: Path, out: Path) -> dict:
    """Gzip ratings, movies and tags unchanged, copy the README (licence terms); return provenance."""
    out.mkdir(parents=True, exist_ok=True)
    files, sources = {}, {}
    for name in MOVIELENS_FILES:
        data = (source / name).read_bytes()
        sources[name] = sha256(data)
        files[f"movielens/{name}.gz"] = {
            **_write_gzip(out / f"{name}.gz", data),
            "from": name,
            "filter": "none (byte-identical after decompression)",
        }
    readme = (source / "README.txt").read_bytes()
    (out / "README.txt").write_bytes(readme)
    sources["README.txt"] = sha256(readme)
    return {
        "source": MOVIELENS_SOURCE,
        "licence": "GroupLens research terms; redistributed under the same conditions (movielens/README.txt)",
        "source_sha256": sources,
        "files": files,
        "dropped": ["links.csv"],
    }


def build_llmbar(source: Path, out: Path) -> dict:
    """Keep the verdict columns the loader needs for the Natural + Adversarial subsets; copy the LICENSE."""
    out.mkdir(parents=True, exist_ok=True)
    data = (source / VERDICTS_FILE).read_bytes()
    verdicts = pd.read_csv(source / VERDICTS_FILE)
    kept = verdicts.loc[verdicts["subset"].isin(DEFAULT_SUBSETS), VERDICT_COLUMNS]
    licence = (source / "LICENSE").read_bytes()
    (out / "LICENSE").write_bytes(licence)
    (out / "README.txt").write_text(
        f"{LLMBAR_SOURCE}, MIT licence (LICENSE beside this file).\n"
        f"{VERDICTS_FILE}: the evaluators' verdicts on the {len(DEFAULT_SUBSETS)} subsets "
        f"{', '.join(DEFAULT_SUBSETS)}, reduced to the columns {', '.join(VERDICT_COLUMNS)} "
        "(the column 'sample' and the other subsets dropped); 'label' is the dataset's better output (1 or 2).\n"
    )
    return {
        "source": LLMBAR_SOURCE,
        "licence": "MIT (llmbar/LICENSE)",
        "source_sha256": {VERDICTS_FILE: sha256(data), "LICENSE": sha256(licence)},
        "files": {
            f"llmbar/{VERDICTS_FILE}": {
                **_write_gzip(out / VERDICTS_FILE, _csv_bytes(kept)),
                "from": VERDICTS_FILE,
                "filter": f"subsets {', '.join(DEFAULT_SUBSETS)}; columns {', '.join(VERDICT_COLUMNS)}",
                "rows": len(kept),
            }
        },
    }


def build(ethics_source: Path, movielens_source: Path, llmbar_source: Path, out: Path = EMBEDDED_DIR) -> dict:
    """Rebuild the whole embedded folder and its PROVENANCE.json; return the provenance."""
    from marketalign.report.outputs import write_json  # imported here: it sets matplotlib's backend

    sources = ((ethics_source, "ETHICS"), (movielens_source, "ml-latest-small"), (llmbar_source, "LLMBar"))
    for path, what in sources:
        if not Path(path).is_dir():
            raise InputError(f"{path}: not a folder; pass the {what} source folder.")
    provenance = {
        "ethics": build_ethics(Path(ethics_source), out / "ethics"),
        "movielens": build_movielens(Path(movielens_source), out / "movielens"),
        "llmbar": build_llmbar(Path(llmbar_source), out / "llmbar"),
        "rebuild": (
            "python -m marketalign.data.build_embedded --ethics ETHICS --movielens ML_LATEST_SMALL --llmbar LLMBAR"
        ),
    }
    write_json(provenance, out / "PROVENANCE.json")
    return provenance


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m marketalign.data.build_embedded", description=__doc__)
    parser.add_argument("--ethics", type=Path, required=True, help="the ETHICS folder (commonsense/, ...)")
    parser.add_argument("--movielens", type=Path, required=True, help="the ml-latest-small folder")
    parser.add_argument("--llmbar", type=Path, required=True, help="the LLMBar folder (verdicts_long.csv.gz)")
    parser.add_argument("--out", type=Path, default=EMBEDDED_DIR)
    args = parser.parse_args()
    provenance = build(args.ethics, args.movielens, args.llmbar, args.out)
    total = sum(f["bytes"] for part in ("ethics", "movielens", "llmbar") for f in provenance[part]["files"].values())
    print(f"wrote {args.out} ({total / 1e6:.2f} MB of data files)")


if __name__ == "__main__":
    main()
