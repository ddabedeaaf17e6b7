"""Each metric, defined once: a DuckDB connection and filters in, a DataFrame or plain dict out.

No streamlit here: pages, the command line and tests all call these same functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from analytics import definitions as d
from analytics.goals import Goals
from analytics.warehouse import sql

_PARAM = re.compile(r"\$([a-z_]+)")


@dataclass(frozen=True)
class Filters:
    """What the sidebar narrows every chart to. Empty means 'all'."""

    year_from: str | None = None
    year_to: str | None = None
    regions: tuple[str, ...] = field(default_factory=tuple)
    org_types: tuple[str, ...] = field(default_factory=tuple)

    def params(self) -> dict[str, Any]:
        return {
            "year_from": self.year_from,
            "year_to": self.year_to,
            "regions": list(self.regions) or None,
            "org_types": list(self.org_types) or None,
        }

    @property
    def is_statewide(self) -> bool:
        return not self.regions and not self.org_types


ALL = Filters()


def run_query(
    con: duckdb.DuckDBPyConnection, name: str, filters: Filters = ALL, **params: Any
) -> pd.DataFrame:
    """Run analytics/sql/<name>.sql with the filters and `params`, passing only the parameters it uses."""
    text = sql(name)
    available = {
        **filters.params(),
        "people_of_color": list(d.PEOPLE_OF_COLOR),
        "known_races": list(d.RACES),
        **params,
    }
    used = set(_PARAM.findall(text))
    cur = con.cursor()
    try:
        return cur.execute(text, {k: available[k] for k in used}).df()
    finally:
        cur.close()


# --- workforce and students -----------------------------------------------------------------------


def staff_share_by_year(
    con: duckdb.DuckDBPyConnection, job_class: str, filters: Filters = ALL
) -> pd.DataFrame:
    """school_year, fte, fte_of_color, share for one job class; years with no data are absent."""
    return run_query(con, "staff_share_by_year", filters, job_class=job_class)


def student_share_by_year(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """school_year, students, students_of_color, share; years with no data are absent."""
    return run_query(con, "student_share_by_year", filters)


def superintendent_share_by_year(
    con: duckdb.DuckDBPyConnection, goals: Goals, filters: Filters = ALL
) -> pd.DataFrame:
    """Superintendents by year with the target path: share, target_share, and the gap to the path in
    percentage points and in people (how many more superintendents of color would put the year on it)."""
    frame = staff_share_by_year(con, d.SUPERINTENDENT, filters)
    goal = goals.superintendents
    frame["target_share"] = [goal.target_for(y) for y in frame["school_year"]]
    frame["gap_points"] = (frame["target_share"] - frame["share"]) * 100
    frame["gap_people"] = frame["target_share"] * frame["fte"] - frame["fte_of_color"]
    return frame


# --- Influence 100 --------------------------------------------------------------------------------


def fellows_by_cohort(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """Per cohort: start_year, fellows, cumulative, of_color, statuses, roles at entry, placements."""
    frame = run_query(con, "fellows_by_cohort", filters)
    frame["cumulative"] = frame["fellows"].cumsum()
    return frame


def participation_by_year(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """Per school year: participating, new, continuing, per component, cumulative totals."""
    return run_query(con, "participation_by_year", filters)


def participating_total(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> int:
    """Organizations that have ever taken part (within the filters, up to year_to)."""
    frame = participation_by_year(con, Filters(None, filters.year_to, filters.regions, filters.org_types))
    return int(frame["cumulative_participating"].iloc[-1]) if len(frame) else 0


# --- the headline figures (the `metrics --json` contract) ----------------------------------------


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), digits)


def headline_metrics(con: duckdb.DuckDBPyConnection, goals: Goals) -> dict[str, Any]:
    """The statewide headline figures, in the shape `python -m analytics metrics --json` prints."""
    supers = superintendent_share_by_year(con, goals)
    teachers = staff_share_by_year(con, d.TEACHER)
    students = student_share_by_year(con)
    cohorts = fellows_by_cohort(con)
    participation = participation_by_year(con)
    sg = goals.superintendents
    return {
        "superintendents": {
            "baseline_year": sg.baseline_year,
            "baseline_share": sg.baseline_share,
            "target_share": sg.target_share,
            "target_year": sg.target_year,
            "by_year": [
                {
                    "school_year": r.school_year,
                    "fte": _round(r.fte, 1),
                    "fte_of_color": _round(r.fte_of_color, 1),
                    "share": _round(r.share),
                    "target_share": _round(r.target_share),
                }
                for r in supers.itertuples()
            ],
        },
        "teachers": {
            "by_year": [
                {
                    "school_year": r.school_year,
                    "fte": _round(r.fte, 1),
                    "fte_of_color": _round(r.fte_of_color, 1),
                    "share": _round(r.share),
                }
                for r in teachers.itertuples()
            ]
        },
        "students": {
            "by_year": [
                {
                    "school_year": r.school_year,
                    "students": int(r.students),
                    "students_of_color": int(r.students_of_color),
                    "share": _round(r.share),
                }
                for r in students.itertuples()
            ]
        },
        "fellows": {
            "goal": goals.fellows.goal,
            "total": int(cohorts["fellows"].sum()) if len(cohorts) else 0,
            "by_cohort": [
                {"cohort": int(r.cohort), "start_year": r.start_year, "fellows": int(r.fellows)}
                for r in cohorts.itertuples()
            ],
        },
        "districts": {
            "goal": goals.districts.strategy_goal,
            "participating_total": (
                int(participation["cumulative_participating"].iloc[-1]) if len(participation) else 0
            ),
            "by_year": [
                {"school_year": r.school_year, "participating": int(r.participating), "new": int(r.new)}
                for r in participation.itertuples()
            ],
        },
    }


# --- what is loaded -------------------------------------------------------------------------------


def school_years_loaded(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every school year with any current facts, in order (the range the year filter offers)."""
    return run_query(con, "school_years_loaded")["school_year"].tolist()
