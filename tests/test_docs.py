"""The documents keep up with the code (in the manner of datasette's documentation tests): every module is in
the README's layout, every document the code and the README cite is in the repository, every README section
they name is there, and every problem code an upload can carry is in the problem reference."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CITING = ("*.py", "*.md", "*.toml", "Makefile")  # where a citation of a document may be written
SKIPPED_FOLDERS = {".venv", ".git", "node_modules", "screenshots", "__pycache__", ".ruff_cache"}
ENTRY_INDENT = 16  # a layout line indented less than this names a file or folder; more: a description


def layout_block() -> str:
    """The README's layout: the first code block under "## Layout"."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1]
    return section.split("```", 2)[1]


def layout_paths() -> set[str]:
    """The files the layout names, with their folders ("analytics/ingest/wide.py"): a folder's entries are
    indented two spaces under it."""
    folders: list[tuple[int, str]] = []  # (indent, folder) of the folders the current line is under
    found = set()
    for line in layout_block().splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent >= ENTRY_INDENT:
            continue  # a description's next line
        name = line.split()[0]
        folders = [(i, f) for i, f in folders if i < indent]
        if name.endswith("/"):
            folders.append((indent, name))
        elif name.endswith(".py"):
            found.add("".join(f for _, f in folders) + name)
    return found


def modules() -> set[str]:
    """Every Python module of the app (a package's __init__.py is its folder's entry)."""
    files = {"app.py"}
    for folder in ("analytics", "ui", "app_pages"):
        files |= {
            p.relative_to(ROOT).as_posix()
            for p in (ROOT / folder).rglob("*.py")
            if p.name != "__init__.py" and "__pycache__" not in p.parts
        }
    return files


def test_every_module_is_in_the_readmes_layout():
    missing = sorted(modules() - layout_paths())
    assert not missing, f"README.md's Layout leaves out {missing}: add a line for each, saying what it holds"


def test_the_readmes_layout_names_only_modules_there_are():
    stale = sorted(p for p in layout_paths() - modules() if not (ROOT / p).exists())
    assert not stale, f"README.md's Layout names files there are not: {stale}"


def citing_files() -> list[Path]:
    files = []
    for pattern in CITING:
        files += [p for p in ROOT.rglob(pattern) if not SKIPPED_FOLDERS & set(p.relative_to(ROOT).parts)]
    return sorted(set(files))


def citations(pattern: str) -> list[tuple[Path, str]]:
    """(file, what it cites) for every match of `pattern`'s group 1 in the files that may cite."""
    return [
        (path, match.group(1))
        for path in citing_files()
        for match in re.finditer(pattern, path.read_text(encoding="utf-8", errors="replace"))
    ]


def test_every_document_cited_is_in_the_repository():
    cited = citations(r"(?<![\w/.-])((?:[\w.-]+/)*[A-Z][A-Z_]*\.md|docs/[\w-]+\.md)\b")
    assert any(name == "docs/privacy.md" for _, name in cited)
    missing = []
    for path, name in cited:
        if not any((base / name).is_file() for base in (ROOT, path.parent, ROOT / "analytics")):
            missing.append(f"{path.relative_to(ROOT)} cites {name}")
    assert not missing, missing


@pytest.mark.parametrize("document", ["privacy.md", "definitions.md", "file-shapes.md"])
def test_the_rules_the_code_relies_on_are_written_down(document):
    assert (ROOT / "docs" / document).is_file()
    assert f"docs/{document}" in README.read_text(encoding="utf-8")


def test_every_readme_section_cited_is_there():
    headings = [h.strip() for h in re.findall(r"^#+ (.+)$", README.read_text(encoding="utf-8"), re.M)]
    cited = citations(r"\bREADME(?:\.md)?[:,]?\s*[“\"]?([A-Z][\w' -]*[\w])")
    assert cited, "no README section is cited anywhere"
    missing = [
        f"{path.relative_to(ROOT)} cites README section “{name}”"
        for path, name in cited
        if not any(h.startswith(" ".join(name.split())) for h in headings)
    ]
    assert not missing, missing


def problem_codes() -> set[str]:
    """Every problem code: those problems.py declares, and every `code="..."` an upload problem is made with
    anywhere in analytics/ (one word, like `formula`, or several joined by hyphens)."""
    from analytics.ingest import problems

    found = {declared.code for declared in problems.CODES}
    for path in (ROOT / "analytics").rglob("*.py"):
        found |= set(re.findall(r"\bcode=\"([a-z]+(?:-[a-z]+)*)\"", path.read_text(encoding="utf-8")))
    return found


def test_every_problem_code_is_in_the_problem_reference():
    reference = (ROOT / "docs" / "problems.md").read_text(encoding="utf-8")
    codes = problem_codes()
    assert len(codes) > 20
    missing = sorted(c for c in codes if f"`{c}`" not in reference)
    assert not missing, f"docs/problems.md leaves out {missing}: python -m analytics.ingest.problem_reference"
