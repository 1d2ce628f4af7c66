"""Every reference in the code and the documentation points at something this repository has.

Scanned: the text files of ``src/`` (not the embedded data), ``docs/*.md``, README.md and CONTRIBUTING.md. A
problem is a markdown link ``[..](path)`` or ``[..](path#anchor)`` to a missing file or anchor, a repository path
(``docs/....md``, ``tests/....py``, ...) that does not exist, a mention of a file that is not shipped
(``THEORY.md``, ``ARCHITECTURE.md``) or of the folder beside a checkout (``../shared``), and a ``§N.M`` that is
not a section of docs/theory.md (the only document cited by section).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
THEORY = ROOT / "docs" / "theory.md"
TEXT_SUFFIXES = {".py", ".md", ".toml", ".html", ".txt", ".css", ".js"}
SKIPPED = (ROOT / "src" / "marketalign" / "data" / "embedded",)
NOT_SHIPPED = ("THEORY.md", "ARCHITECTURE.md", "../shared")

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
REPO_PATH = re.compile(
    r"(?<![\w./-])((?:docs|src|tests|configs|scripts|benchmarks)/[\w./-]*\w\.(?:md|py|toml|csv|json|txt|sh))(?![\w/])"
)
SECTION = re.compile(r"§\s*(\d+(?:\.\d+)?)(?:\s*[–-]\s*(\d+(?:\.\d+)?))?")
THEORY_HEADING = re.compile(r"^#{2,3} (\d+(?:\.\d+)?)[. ]", re.M)
ANCHOR = re.compile(r'<a id="([^"]+)"></a>')


def scanned_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
    for path in sorted((ROOT / "src").rglob("*")):
        built = "__pycache__" in path.parts or any(part.endswith(".egg-info") for part in path.parts)
        if path.suffix in TEXT_SUFFIXES and path.is_file() and not built \
                and not any(path.is_relative_to(skip) for skip in SKIPPED):
            files.append(path)
    return files


def theory_sections(text: str | None = None) -> set[str]:
    """The section numbers of docs/theory.md ("1", "1.3", ...), from its "## N." / "### N.M" headings."""
    return set(THEORY_HEADING.findall(THEORY.read_text(encoding="utf-8") if text is None else text))


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = page.read_text(encoding="utf-8")
    found = set(ANCHOR.findall(text))
    found.update(_slug(h) for h in re.findall(r"^#+ (.+)$", text, re.M))
    return found


def reference_problems(text: str, where: Path, sections: set[str] | None = None) -> list[str]:
    """What in ``text`` (the contents of the file ``where``) refers to a file, anchor or section that is missing."""
    sections = theory_sections() if sections is None else sections
    name = where.relative_to(ROOT) if where.is_relative_to(ROOT) else where
    problems = [f"{name}: mentions {bad}, which is not in this repository" for bad in NOT_SHIPPED if bad in text]
    for target in LINK.findall(text):
        if "://" in target or target.startswith("mailto:") or (target.startswith("#") and where.suffix != ".md"):
            continue
        path, _, fragment = target.partition("#")
        page = where if not path else (where.parent / path)
        if not page.exists():
            problems.append(f"{name}: links to {target}, which does not exist")
        elif fragment and page.suffix == ".md" and fragment not in anchors(page):
            problems.append(f"{name}: links to {target}, but {page.name} has no anchor #{fragment}")
    for path in REPO_PATH.findall(text):
        if not (ROOT / path).exists():
            problems.append(f"{name}: names {path}, which does not exist")
    for first, last in SECTION.findall(text):
        for number in filter(None, (first, last)):
            if number not in sections:
                problems.append(f"{name}: cites docs/theory.md §{number}, which docs/theory.md does not have")
    return problems


def test_theory_has_numbered_sections_with_anchors():
    sections = theory_sections()
    assert {"1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.4", "2.5", "3.1"} <= sections
    missing = {s for s in sections if f"s{s}" not in anchors(THEORY)}
    assert not missing, f"docs/theory.md sections without an anchor: {sorted(missing)}"


@pytest.mark.parametrize("path", scanned_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_reference_exists(path):
    problems = reference_problems(path.read_text(encoding="utf-8"), path)
    assert not problems, "\n".join(problems)


def test_the_check_finds_bad_references(tmp_path):
    page = ROOT / "docs" / "example.md"  # a page that would sit beside the others; only its text is checked
    bad = ("See THEORY.md 1.3, ARCHITECTURE.md and ../shared/data; [gone](missing.md), [anchor](theory.md#s9.9),"
           " `docs/nowhere.md`, docs/theory.md §1.3 and §7.2–7.4.")
    problems = reference_problems(bad, page)
    expected = ["THEORY.md", "ARCHITECTURE.md", "../shared", "missing.md", "#s9.9", "docs/nowhere.md", "§7.2", "§7.4"]
    for needle in expected:
        assert any(needle in p for p in problems), (needle, problems)
    assert not any("§1.3" in p for p in problems)
    good = "docs/theory.md §1.3 and §3.1–3.4, [the theory](theory.md#s1.7), `docs/data.md`."
    assert reference_problems(good, page) == []
    written = tmp_path / "bad.py"
    written.write_text('"""Cites docs/theory.md §12.1."""\n')
    assert reference_problems(written.read_text(), written) == [
        f"{written}: cites docs/theory.md §12.1, which docs/theory.md does not have"]


def _numpydoc_missing(obj) -> list[str]:
    """The numpydoc sections ``obj``'s docstring lacks: Parameters (when it takes any), Returns (a function)
    and Raises (when its body raises)."""
    import inspect

    doc = inspect.getdoc(obj) or ""
    has = {section: f"{section}\n{'-' * len(section)}" in doc for section in ("Parameters", "Returns", "Raises")}
    if inspect.isclass(obj):
        has["Parameters"] = has["Parameters"] or "Attributes\n----------" in doc
        params = [p for p in inspect.signature(obj).parameters if p not in ("self", "args", "kwargs")]
        wanted = ["Parameters"] if params else []
    else:
        params = list(inspect.signature(obj).parameters)
        wanted = (["Parameters"] if params else []) + ["Returns"]
        if "raise " in inspect.getsource(obj):
            wanted.append("Raises")
    return [section for section in wanted if not has[section]]


NUMPYDOC_PACKAGES = ("marketalign.hull", "marketalign.games", "marketalign.network", "marketalign.data")
# Every name in these subpackages' __all__ is checked.
NUMPYDOC_SUBPACKAGES = ("marketalign.bobs", "marketalign.games", "marketalign.network", "marketalign.parallel",
                        "marketalign.data", "marketalign.hull", "marketalign.report", "marketalign.experiments")


def _documented(obj) -> bool:
    """Whether ``obj`` is a function or a class other than an exception: what the check covers."""
    import inspect

    return inspect.isfunction(obj) or inspect.isclass(obj) and not issubclass(obj, Exception)


def test_public_functions_and_classes_of_the_core_packages_have_numpydoc_sections():
    import marketalign

    missing = {}
    for name in marketalign.__all__:
        module = marketalign._PUBLIC[name].split(":")[0]
        obj = getattr(marketalign, name)
        if module.startswith(NUMPYDOC_PACKAGES) and _documented(obj) and _numpydoc_missing(obj):
            missing[name] = _numpydoc_missing(obj)
    assert not missing, f"add numpydoc sections: {missing}"


@pytest.mark.parametrize("package", NUMPYDOC_SUBPACKAGES)
def test_every_name_a_subpackage_exports_has_numpydoc_sections(package):
    import importlib

    module = importlib.import_module(package)
    assert module.__all__, f"{package} exports nothing"
    missing = {}
    for name in module.__all__:
        obj = getattr(module, name)
        if _documented(obj) and _numpydoc_missing(obj):
            missing[name] = _numpydoc_missing(obj)
    assert not missing, f"add numpydoc sections to these names of {package}: {missing}"
