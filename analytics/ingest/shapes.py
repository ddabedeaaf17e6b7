"""Recognising what a table is (a DESE Profiles export, the open-data extract, a per-person roster, the
dashboard's own template, a list of people, a report by student group) and handing it to the reader of
that shape, which turns it into the warehouse's long form, reporting each problem with the row and column
the user will find it at.

The readers, one module each: wide.py (one column per race/ethnicity), long.py (one row per fact, and a
roster's one row per person, with roster.py), members.py (a list of people, counted), student_reports.py
(DESE's reports by student group). What they share is in steps.py and roles.py.
"""

from __future__ import annotations

from collections.abc import Callable

from analytics.contracts import STUDENT_KINDS, UploadKind
from analytics.ingest import problems
from analytics.ingest.long import normalise_long
from analytics.ingest.members import normalise_member_list
from analytics.ingest.problems import ProblemLog
from analytics.ingest.reading import Table
from analytics.ingest.roles import Roles, is_template
from analytics.ingest.steps import Answers, Normalised
from analytics.ingest.student_reports import normalise_student_report
from analytics.ingest.wide import normalise_wide


def normalise(
    kind: UploadKind,
    table: Table,
    roles: Roles,
    answers: Answers,
    log: ProblemLog,
    *,
    known: Callable[[], dict[str, str]],
    allowed: frozenset[str] | None,
) -> Normalised:
    """The table read by the reader of its shape; `known()` gives the warehouse's organizations (code -> name), asked only by the readers that need them."""
    # A kind of people counted by race (its contract has a row total) comes wide or long.
    by_race = kind.row_total is not None
    wide = bool(roles.race_counts or roles.race_percents)
    if kind.person_list:  # a list of people (the AMSEL membership list), counted here
        return normalise_member_list(kind, table, answers, log, known())
    if kind.name in STUDENT_KINDS:  # DESE's reports by student group
        return normalise_student_report(kind, table, roles, answers, log, known=known(), allowed=allowed)
    if by_race and wide:
        return normalise_wide(kind, table, roles, answers, log, allowed=allowed)
    if by_race and "race" not in roles.contract:
        log.add(
            "a “Race/Ethnicity” column (one race per row), or one column per race/ethnicity (e.g. “African "
            f"American (#)”, “BAA_CNT”); the header (row {table.header_row}) has " + ", ".join(table.header),
            row=table.header_row,
            column="Race/Ethnicity",
            code=problems.MISSING_COLUMN,
        )
        return Normalised(None, "unknown")
    roster = kind.roster and (bool(roles.people) or not is_template(kind, roles))
    return normalise_long(kind, table, roles, answers, log, roster=roster, allowed=allowed)
