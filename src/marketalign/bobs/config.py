"""A Bob-generation config file (TOML): the prompt family and the backend that scores it."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from marketalign.bobs.backends import read_backend_settings
from marketalign.bobs.prompts import PromptFamily
from marketalign.errors import InputError

TABLES: tuple[str, ...] = ("family", "prompt", "scale", "backend")


@dataclass(frozen=True)
class GenerationConfig:
    """The parsed config: the prompt family, the raw ``[backend]`` table and the file's SHA-256.

    Attributes
    ----------
    family : PromptFamily
        The validated ``[family]``, ``[prompt]`` and ``[scale]`` tables.
    backend : Mapping
        The ``[backend]`` table as parsed (its settings already validated); pass it to :func:`make_backend`.
    sha256 : str
        Hex SHA-256 of the file's bytes.
    """

    family: PromptFamily
    backend: Mapping
    sha256: str


def load_config(path: str | Path) -> GenerationConfig:
    """Read and validate a TOML config (tables ``[family] [prompt] [scale] [backend]``; see docs/bobs.md).

    Parameters
    ----------
    path : str or Path
        The TOML file.

    Returns
    -------
    GenerationConfig
        The prompt family, the ``[backend]`` table and the file's SHA-256.

    Raises
    ------
    InputError
        When the file cannot be read or parsed, or a table or key is unknown, missing or invalid (the
        ``[backend]`` table is checked against its kind's settings here, before any model is loaded).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
        parsed = tomllib.loads(raw.decode("utf-8"))
    except OSError as err:
        raise InputError(f"Cannot read the config file {path}: {err.strerror}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{path} is not valid TOML ({err}); fix the file.") from None
    unknown = sorted(set(parsed) - set(TABLES))
    if unknown:
        raise InputError(f"{path} has unknown tables {unknown}; a config has only {list(TABLES)}.")
    backend = parsed.get("backend")
    if not isinstance(backend, Mapping) or "kind" not in backend:
        raise InputError(f'{path} needs a [backend] table with kind = "openai" | "llama" | "local" | "embedding".')
    family = PromptFamily.from_config(parsed)
    try:
        read_backend_settings(backend)  # every command refuses a misspelt key, not only the one that asks
    except InputError as err:
        raise InputError(f"{path}: {err}") from None
    return GenerationConfig(family, backend, hashlib.sha256(raw).hexdigest())
