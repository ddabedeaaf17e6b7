"""The headline figures: what `python -m analytics metrics --json` prints (its contract is in the README).
Every figure is published (hidden ones are null) with each year's coverage; a partial year's share is null;
`goals` has one entry per goal in goals.toml, in file order."""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics import definitions, goal_progress, students
from analytics.goals import CountGoal, CumulativeGoal, GapGoal, Goals
from analytics.metrics import (
    ALL,
    STUDENTS,
    Filters,
    fellows_by_cohort,
    latest_complete_year,
    participation_by_year,
    shares_by_year,
)


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), digits)


def _coverage_fields(r: Any) -> dict[str, Any]:
    return {
        "organizations_reported": int(r.organizations_reported),
        "organizations_expected": int(r.organizations_expected),
        "complete": bool(r.complete),
    }


def _share_or_none(r: Any) -> float | None:
    """A share stands only for a complete year (a partial year's share is not the state's)."""
    return _statewide(r, _round(r.share))


def _statewide(r: Any, value: Any) -> Any:
    """A figure of a complete year; None for a partial one (its coverage fields say how partial)."""
    return value if bool(r.complete) else None


def headline_metrics(con: duckdb.DuckDBPyConnection, goals: Goals, filters: Filters = ALL) -> dict[str, Any]:
    """The statewide headline figures, in the shape `python -m analytics metrics --json` prints: published
    (hidden figures are null) with each year's coverage; a partial year's share is null. `filters` says
    which figures (released or current); the view is always the state."""
    view = Filters(released=filters.released)
    sg = goals.superintendents
    count = next((g for g in goals if isinstance(g, CountGoal)), None)
    cumulative = next((g for g in goals if isinstance(g, CumulativeGoal)), None)
    shares = shares_by_year(con, (definitions.SUPERINTENDENT, definitions.TEACHER, STUDENTS), view)
    supers = shares[shares["population"] == definitions.SUPERINTENDENT]
    supers = (
        goal_progress.with_target_gap(supers, sg) if sg is not None else supers.assign(target_share=np.nan)
    )
    teachers = shares[shares["population"] == definitions.TEACHER]
    students = shares[shares["population"] == STUDENTS]
    cohorts = fellows_by_cohort(con, view)
    participation = participation_by_year(con)

    def people(value: float | None) -> int | None:
        return None if value is None or pd.isna(value) else round(float(value))

    return {
        "superintendents": {
            "baseline_year": sg.baseline_year if sg else None,
            "baseline_share": sg.baseline_share if sg else None,
            "target_share": sg.target_share if sg else None,
            "target_year": sg.target_year if sg else None,
            "latest_complete_year": latest_complete_year(supers),
            "by_year": [
                {
                    "school_year": r.school_year,
                    "fte": _statewide(r, _round(r.total, 1)),
                    "fte_of_color": _statewide(r, _round(r.of_color, 1)),
                    "share": _share_or_none(r),
                    "target_share": _round(r.target_share),
                    **_coverage_fields(r),
                }
                for r in supers.itertuples()
            ],
        },
        "teachers": {
            "latest_complete_year": latest_complete_year(teachers),
            "by_year": [
                {
                    "school_year": r.school_year,
                    "fte": _statewide(r, _round(r.total, 1)),
                    "fte_of_color": _statewide(r, _round(r.of_color, 1)),
                    "share": _share_or_none(r),
                    **_coverage_fields(r),
                }
                for r in teachers.itertuples()
            ],
        },
        "students": {
            "latest_complete_year": latest_complete_year(students),
            "by_year": [
                {
                    "school_year": r.school_year,
                    "students": _statewide(r, people(r.total)),
                    "students_of_color": _statewide(r, people(r.of_color)),
                    "share": _share_or_none(r),
                    **_coverage_fields(r),
                }
                for r in students.itertuples()
            ],
        },
        "fellows": {
            "goal": count.goal if count else None,
            "total": int(cohorts["fellows"].sum()) if len(cohorts) else 0,
            "by_cohort": [
                {"cohort": int(r.cohort), "start_year": r.start_year, "fellows": int(r.fellows)}
                for r in cohorts.itertuples()
            ],
        },
        "districts": {
            "goal": cumulative.goal if cumulative else None,
            "participating_total": (
                int(participation["cumulative_participating"].iloc[-1]) if len(participation) else 0
            ),
            "by_year": [
                {"school_year": r.school_year, "participating": int(r.participating), "new": int(r.new)}
                for r in participation.itertuples()
            ],
        },
        "goals": [goal_progress.headline_entry(goal_progress.progress(con, goal, view)) for goal in goals],
        "students_experience": students_experience(con, goals, view),
    }


def students_experience(con: duckdb.DuckDBPyConnection, goals: Goals, view: Filters) -> dict[str, Any]:
    """Per measure of students' experience (the gap goal's, else every measure): each year's rates of
    color and White (fractions; the index itself for the climate index), the gap, whether it is shown and
    its coverage; the gap's trend before the baseline and since (change per year, or null) and whether
    its narrowing accelerated (null: too early to tell)."""
    goal = next((g for g in goals if isinstance(g, GapGoal)), None)
    keys = goal.measures if goal else tuple(students.MEASURES)
    baseline, first = (goal.baseline_year, goal.first_year) if goal else ("2019-20", "2014-15")
    out: dict[str, Any] = {}
    for key in keys:
        measure = students.MEASURES[key]
        frame = students.by_year(con, measure, view)
        c = students.compare(
            frame,
            measure,
            baseline_year=baseline,
            first_year=first,
            better=goal.direction(key) if goal else None,
        )
        out[key] = {
            "by_year": [
                {
                    "school_year": r.school_year,
                    "rate_of_color": _round(r.rate_of_color),
                    "rate_white": _round(r.rate_white),
                    "gap": _round(r.gap),
                    "suppressed": bool(r.suppressed),
                    "organizations_reported": int(r.organizations_reported),
                    "organizations_expected": int(r.organizations_expected),
                    "complete": bool(r.complete),
                }
                for r in frame.itertuples()
            ],
            "trend_before": _round(c.before.slope, 5) if c.before else None,
            "trend_since": _round(c.since.slope, 5) if c.since else None,
            "accelerating": c.accelerating,
        }
    return out
