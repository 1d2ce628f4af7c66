"""A checkpoint folder: every finished chunk's result on disk, so a killed sweep resumes where it stopped.

Layout: ``manifest.json`` names the sweep (a SHA-256 fingerprint of the function, the chunks and the package
version) and ``chunk-000017.pkl`` holds the result of chunk 17. Each file is written to a temporary name and
renamed, so a kill leaves either a whole result or none. A folder holding another sweep is refused rather than
mixed in. Results are pickles: load checkpoints only from folders you wrote.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from marketalign.errors import InputError

MANIFEST = "manifest.json"
FORMAT = 1


def sweep_fingerprint(func: Callable[[Any], Any], chunks: Sequence[Any]) -> str:
    """SHA-256 of the pickled function and chunks and of the package version: the identity of a sweep.

    Functions pickle by name, so editing a function's code does not change the fingerprint; start a new
    folder after changing the code of a sweep.
    """
    try:
        payload = pickle.dumps((package_version(), func, list(chunks)), protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError) as err:
        raise InputError(
            f"a checkpointed sweep needs a picklable function and chunks ({err}); use a module-level function "
            "(functools.partial for its settings) and plain data in the chunks."
        ) from err
    return hashlib.sha256(payload).hexdigest()


def function_name(func: Callable[[Any], Any]) -> str:
    """``module.qualname`` of a function (of the wrapped one for a ``functools.partial``)."""
    while isinstance(func, functools.partial):
        func = func.func
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', type(func).__name__)}"


def package_version() -> str:
    try:
        return metadata.version("marketalign")
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class Checkpoint:
    """An opened checkpoint folder for one sweep of ``n_chunks`` chunks."""

    folder: Path
    n_chunks: int

    def path(self, index: int) -> Path:
        return self.folder / f"chunk-{index:06d}.pkl"

    def load(self) -> dict[int, Any]:
        """Results of the chunks already finished (a damaged file is recomputed, with a warning)."""
        done = {}
        for index in range(self.n_chunks):
            path = self.path(index)
            if not path.exists():
                continue
            try:
                with path.open("rb") as handle:
                    done[index] = pickle.load(handle)
            except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError) as err:
                warnings.warn(f"checkpoint {path} cannot be read ({err}); recomputing that chunk.", stacklevel=2)
        return done

    def save(self, index: int, result: Any) -> Path:
        """Write one chunk's result atomically (temporary file, flush to disk, rename)."""
        path = self.path(index)
        temporary = path.with_suffix(f".tmp{os.getpid()}")
        with temporary.open("wb") as handle:
            pickle.dump(result, handle, protocol=5)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        return path


def open_checkpoint(folder: str | Path, func: Callable[[Any], Any], chunks: Sequence[Any]) -> Checkpoint:
    """Create the folder for this sweep, or reopen it if it holds the same sweep; InputError otherwise."""
    folder = Path(folder)
    fingerprint = sweep_fingerprint(func, chunks)
    manifest = {
        "format": FORMAT,
        "fingerprint": fingerprint,
        "function": function_name(func),
        "chunks": len(chunks),
        "marketalign": package_version(),
    }
    path = folder / MANIFEST
    if path.exists():
        try:
            found = json.loads(path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise InputError(f"{path} is not a checkpoint manifest ({err}); delete it or use another folder.") from err
        if found.get("fingerprint") != fingerprint:
            raise InputError(
                f"checkpoint folder {folder} holds another sweep ({found.get('function')}, {found.get('chunks')} "
                "chunks, different settings or data); use a new folder, or delete this one to start over."
            )
    else:
        if folder.exists() and any(folder.iterdir()):
            raise InputError(f"checkpoint folder {folder} is not empty and has no {MANIFEST}; use a new folder.")
        folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        os.replace(temporary, path)
    return Checkpoint(folder, len(chunks))
