"""The problem reference, docs/problems.md: every problem code with where it is found and what it means,
written from the codes' declarations (analytics/ingest/problems.py). Run `python -m
analytics.ingest.problem_reference` after adding or changing a code; a test checks the file is up to date."""

from __future__ import annotations

from analytics.ingest.problems import reference
from analytics.paths import PROJECT_ROOT


def reference_markdown() -> str:
    """The problem reference as docs/problems.md holds it."""
    lines = [
        "# What each problem means",
        "",
        "Every problem the Upload page (and the command line's `import`) lists carries one of these codes.",
        "Tests and tools match on the code; the words beside a problem may change.",
        "Written by `python -m analytics.ingest.problem_reference` from `analytics/ingest/problems.py`: "
        "do not edit by hand.",
        "",
        "| Code | Where | What it means |",
        "| --- | --- | --- |",
    ]
    lines += [f"| `{code}` | {where} | {meaning} |" for code, where, meaning in reference()]
    return "\n".join(lines) + "\n"


REFERENCE_FILE = PROJECT_ROOT / "docs" / "problems.md"


def write_reference() -> None:
    """Write docs/problems.md."""
    REFERENCE_FILE.parent.mkdir(exist_ok=True)
    REFERENCE_FILE.write_text(reference_markdown(), encoding="utf-8")


if __name__ == "__main__":
    write_reference()
    print(f"wrote {REFERENCE_FILE}")
