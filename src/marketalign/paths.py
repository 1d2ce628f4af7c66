"""Output paths made ready before anything is written: parent folders created, failures as one-line errors.

Every command that writes files goes through :func:`prepare_dir` (an output folder) or :func:`prepare_file`
(an output file), so ``--out`` under a file, under /proc or in a missing folder fails the same way everywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from marketalign.errors import InputError


def prepare_dir(out: str | Path) -> Path:
    """Create the output folder (and parents) if needed and return it as a Path.

    Raises
    ------
    InputError
        When the folder cannot be created or written to (a file is in the way, a read-only or virtual file
        system such as /proc); the message names the path and why.
    """
    path = Path(out)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(
            f"Cannot create the output folder {path}: {_why_not(path, err)}; choose another path."
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise InputError(f"Cannot write into the output folder {path}: permission denied; choose another path.")
    return path


def prepare_file(out: str | Path) -> Path:
    """Create the parent folders of the output file ``out`` if needed and return it as a Path.

    Raises
    ------
    InputError
        When ``out`` is an existing folder or its parent cannot be created (see :func:`prepare_dir`).
    """
    path = Path(out)
    if path.is_dir():
        raise InputError(f"The output file {path} is an existing folder; give a file name inside it.")
    prepare_dir(path.parent)
    return path


def _why_not(path: Path, err: OSError) -> str:
    """Why ``mkdir`` failed, in words: the file in the way, the folder refusing new entries, or the system's
    reason."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            if not candidate.is_dir():
                return f"{candidate} is a file, not a folder"
            if isinstance(err, FileNotFoundError):  # e.g. /proc: the folder exists but takes no new entries
                return f"{candidate} does not accept new folders ({err.strerror})"
            break
    return err.strerror or type(err).__name__
