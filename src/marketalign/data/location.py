"""Where the full data sets live: ``--data PATH``, else the folder named by ``$MARKETALIGN_DATA``.

The folder holds ``ethics/``, ``movielens/<release>/``, ``opinionqa/human_resp/`` and ``panels/<release>/`` as
published (docs/data.md). There is no other default: without either, the commands use the package's embedded
subsets and every output says so. ``--data embedded`` asks for the embedded subsets whatever is set.
"""

from __future__ import annotations

import os
from pathlib import Path

from marketalign.errors import InputError

DATA_ENV = "MARKETALIGN_DATA"
EMBEDDED = "embedded"


def data_root(path: str | Path | None) -> Path | None:
    """The folder of the full data sets: ``path``, else $MARKETALIGN_DATA if it names a folder, else None.

    ``path == "embedded"`` means the package's embedded subsets, whatever is on disk (None).
    """
    if path is not None and str(path) == EMBEDDED:
        return None
    if path is not None:
        root = Path(path)
        if not root.is_dir():
            raise InputError(f"--data {root}: no such folder; pass the folder that holds ethics/, movielens/ ...")
        return root.resolve()
    named = os.environ.get(DATA_ENV)
    if not named:
        return None
    candidate = Path(named)
    return candidate.resolve() if candidate.is_dir() else None
