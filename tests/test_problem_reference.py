"""The problem reference: every code an upload's check can give is declared with its meaning, listed in the
committed docs/problems.md, and that file is what the generator writes now."""

from __future__ import annotations

import ast
from pathlib import Path

from analytics.ingest import problems
from analytics.ingest.problem_reference import REFERENCE_FILE, reference_markdown

INGEST = Path(problems.__file__).resolve().parent
# Besides analytics/ingest/, the modules that give or match on problem codes.
ALSO = [INGEST.parent.parent / "ui" / "upload_state.py"]


def _declared_names() -> dict[str, str]:
    """Every upper-case string constant of problems.py that is a code: name -> code."""
    codes = {c.code for c in problems.CODES}
    return {
        name: value
        for name, value in vars(problems).items()
        if name.isupper() and isinstance(value, str) and value in codes
    }


def _codes_used(path: Path) -> set[str]:
    """The problem constants a module names: as attributes of the problems module (under any name it is
    imported as), or imported from it by name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module_names, imported = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "analytics.ingest":
            module_names |= {a.asname or a.name for a in node.names if a.name == "problems"}
        elif isinstance(node, ast.ImportFrom) and node.module == "analytics.ingest.problems":
            imported |= {a.asname or a.name for a in node.names if a.name.isupper()}
    used = set(imported)
    for node in ast.walk(tree):
        named = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
        if named and node.value.id in module_names and node.attr.isupper():
            used.add(node.attr)
    return used


def test_every_code_the_ingest_modules_give_is_declared_and_in_the_reference():
    declared = _declared_names()
    written = REFERENCE_FILE.read_text(encoding="utf-8")
    not_codes = {"ERROR", "WARNING", "LISTED_PER_KIND", "LISTED_IN_ALL"}
    modules = [p for p in INGEST.glob("*.py") if p.name != "problems.py"] + ALSO
    used = set().union(*(_codes_used(p) for p in modules)) - not_codes
    assert used, "no problem code found: the scan is broken"
    assert used <= set(declared), f"named but not declared with a meaning: {sorted(used - set(declared))}"
    for name in sorted(used):
        assert f"| `{declared[name]}` |" in written, f"{declared[name]} is not in docs/problems.md"


def test_every_declared_code_is_listed_once_with_a_meaning():
    codes = [c.code for c in problems.CODES]
    assert len(codes) == len(set(codes))
    assert all(c.meaning.strip() and c.where.strip() for c in problems.CODES)
    assert [code for code, _, _ in problems.reference()] == codes


def test_the_committed_reference_is_what_the_generator_writes():
    assert REFERENCE_FILE.read_text(encoding="utf-8") == reference_markdown(), (
        "docs/problems.md is out of date: run python -m analytics.ingest.problem_reference"
    )
