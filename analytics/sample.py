"""Deterministic sample data: synthetic people and counts for the real Massachusetts organizations.

The organizations (names, 8-digit codes) are real public facts (data/organizations.csv). Everything else is
synthetic, drawn with a fixed seed and calibrated so that statewide shares match published figures
(DESE's Diverse Workforce page, school-level Profiles roll-ups, Influence 100 cohort sizes), and students'
experience (discipline, attendance, graduation, the VOCAL survey) to DESE's statewide figures by race, each
cited in student_calibration.csv. It must be shown as sample data wherever it appears.

The organizations and people are drawn in analytics/sample_workforce.py, students' experience in
analytics/sample_students.py, to the published figures in analytics/sample_calibration.py; this module puts
them together and writes the files.

    python -m analytics.sample            # rewrite data/sample/*.csv
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

# A name imported `as` itself is re-exported: the About page and ingest take these from here.
from analytics.contracts import FACT_KINDS, STUDENT_KINDS
from analytics.paths import DATA_DIR, PROJECT_ROOT
from analytics.sample_calibration import NOT_FOUND as NOT_FOUND
from analytics.sample_calibration import experience_sources as experience_sources
from analytics.sample_students import students_experience
from analytics.sample_workforce import ORGANIZATIONS_FILE as ORGANIZATIONS_FILE
from analytics.sample_workforce import SEED, _Generator, amsel_members
from analytics.sample_workforce import load_organizations as load_organizations

SAMPLE_DIR = DATA_DIR / "sample"
# Each upload kind's contract names its sample file (analytics/contracts.py): the workforce kinds, then
# students' experience (the third goal), DESE's four reports by student group.
EXPERIENCE_FILES = tuple(kind.sample_file for kind in STUDENT_KINDS.values())
SAMPLE_FILES = tuple(kind.sample_file for kind in FACT_KINDS.values())


def generate(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """All sample tables, keyed by file name (same seed, same tables)."""
    g = _Generator(seed)
    enrollment, teachers, students_by_year = g.enrollment_and_teachers()
    staffing = pd.concat(
        [
            g.superintendents(),
            g.school_leaders("Assistant Superintendent", students_by_year),
            g.school_leaders("Principal", students_by_year),
            teachers,
        ],
        ignore_index=True,
    )
    fellows = g.fellows()
    participation = g.participation(fellows)
    leaders = g.equity_leaders()
    return {
        "staffing": staffing,
        "enrollment": enrollment,
        "fellows": fellows,
        "participation": participation,
        "equity_leaders": leaders,
        "amsel_members": amsel_members(leaders, g.orgs, seed),
        **students_experience(enrollment, participation, g.orgs, seed),
    }


def write_sample(directory: Path = SAMPLE_DIR, seed: int = SEED) -> dict[str, Path]:
    """Write the sample tables as CSV files in `directory`; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, frame in generate(seed).items():
        path = directory / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL, float_format="%.1f")
        paths[name] = path
    return paths


if __name__ == "__main__":
    for _name, path in write_sample().items():
        print(f"wrote {path.relative_to(PROJECT_ROOT)}")
