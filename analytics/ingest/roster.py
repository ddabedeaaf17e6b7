"""A per-person staff roster (one row per person, as HR keeps it): its people with no race/ethnicity
counted as Unknown, and its people added up by district, school year, job class and race. Names and
employee ids are read only to tell a roster apart, never stored."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import definitions
from analytics.contracts import UploadKind
from analytics.ingest import problems
from analytics.ingest.problems import WARNING, ProblemLog
from analytics.ingest.reading import Table
from analytics.ingest.steps import plain_values, plural, rows_at


def unknown_race_for_blanks(
    table: Table, header: str, parsed: pd.Series, raw: pd.Series, blank: np.ndarray, log: ProblemLog
) -> tuple[pd.Series, np.ndarray]:
    """A roster's people with no race/ethnicity are counted as Unknown (with a warning), so their cells
    are no longer empty."""
    if definitions.UNKNOWN_RACE not in parsed.cat.categories:
        parsed = parsed.cat.add_categories([definitions.UNKNOWN_RACE])
    parsed = parsed.where(raw.notna(), definitions.UNKNOWN_RACE)
    if blank.any():
        log.add_rows(
            "a race/ethnicity; people with none are counted as Unknown (in no share)",
            rows=rows_at(table, blank),
            column=header,
            severity=WARNING,
            code=problems.RACE_NOT_GIVEN,
        )
    return parsed, np.zeros(len(table.frame), dtype=bool)


def add_up_roster(kind: UploadKind, long: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """A roster's people added up by district, school year, job class and race; and how many there were."""
    measure = kind.row_total.name
    people = len(long)
    long["org_code"] = long["org_code"].str[:4] + "0000"
    facts = long.groupby(
        [c for c in kind.column_names if c != measure], as_index=False, sort=True, observed=True
    )[measure].sum()
    facts = plain_values(facts)
    facts[measure] = facts[measure].round(3)
    said = f"{plural(people, 'person', 'people')} in {plural(facts['org_code'].nunique(), 'district')}"
    return facts, said
