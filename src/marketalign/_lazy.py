"""Lazy package attributes (PEP 562): a public name imports its defining module on first access."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def attach(
    package: str, names: Mapping[str, str], submodules: Iterable[str] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Module-level ``__getattr__`` and ``__dir__`` for ``package``.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    names : Mapping[str, str]
        Public name -> ``"module"`` (the attribute of that name) or ``"module:attribute"`` (another name).
    submodules : Iterable[str]
        Names of the package's modules, reachable as attributes (``package.name``) without an import statement.

    Returns
    -------
    tuple
        ``(__getattr__, __dir__)``, to bind at the package's module level.
    """
    modules = frozenset(submodules)

    def __getattr__(name: str) -> Any:
        if name in names:
            module, _, attribute = names[name].partition(":")
            value = getattr(importlib.import_module(module), attribute or name)
        elif name in modules:
            value = importlib.import_module(f"{package}.{name}")
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(sys.modules[package], name, value)  # later look-ups skip this function
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *names, *modules})

    return __getattr__, __dir__
