"""Each metric, defined once: a DuckDB connection and filters in, a DataFrame or plain dict out.

No streamlit here: pages, the command line and tests all call these same functions.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics import definitions as d
from analytics.goals import Goals
from analytics.privacy import small, suppress_counts, suppress_shares
from analytics.projection import Projection, project_share
from analytics.warehouse import cursor, sql

_PARAM = re.compile(r"\$([a-z_]+)")


@dataclass(frozen=True)
class Filters:
    """What the sidebar narrows every chart to. Empty means 'all'."""

    year_from: str | None = None
    year_to: str | None = None
    regions: tuple[str, ...] = field(default_factory=tuple)
    org_types: tuple[str, ...] = field(default_factory=tuple)
    org_code: str | None = None  # one organization (district profiles)

    def params(self) -> dict[str, Any]:
        return {
            "year_from": self.year_from,
            "year_to": self.year_to,
            "regions": list(self.regions) or None,
            "org_types": list(self.org_types) or None,
            "org_code": self.org_code,
        }

    @property
    def is_statewide(self) -> bool:
        return not self.regions and not self.org_types and not self.org_code

    def describe(self) -> str:
        """'Statewide', or what the view is narrowed to, in words (for chart subtitles)."""
        parts = [", ".join(self.regions)] if self.regions else []
        if self.org_types:
            parts.append(", ".join(d.ORG_TYPE_LABELS[t].lower() for t in self.org_types))
        return "; ".join(parts) if parts else "Statewide"

    def years(self) -> tuple[str | None, str | None]:
        return self.year_from, self.year_to


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
    cur = cursor(con)
    try:
        return cur.execute(text, {k: available[k] for k in used}).df()
    finally:
        cur.close()


# --- workforce and students -----------------------------------------------------------------------


def staff_share_by_year_and_job_class(
    con: duckdb.DuckDBPyConnection, job_classes: tuple[str, ...] = d.JOB_CLASSES, filters: Filters = ALL
) -> pd.DataFrame:
    """school_year, job_class, fte, fte_of_color, share for each of `job_classes`, ordered by job class and
    year, from one query; years with no data for a class are absent."""
    return run_query(con, "staff_share_by_year_and_job_class", filters, job_classes=list(job_classes))


def staff_share_by_year(
    con: duckdb.DuckDBPyConnection, job_class: str, filters: Filters = ALL
) -> pd.DataFrame:
    """school_year, fte, fte_of_color, share for one job class; years with no data are absent."""
    frame = staff_share_by_year_and_job_class(con, (job_class,), filters)
    return frame.drop(columns="job_class")


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


# --- superintendents: by group, projection, context ------------------------------------------------


def superintendent_share_by_group(
    con: duckdb.DuckDBPyConnection, group_by: str, filters: Filters = ALL
) -> pd.DataFrame:
    """Superintendents of color by school year and region (group_by='region') or organization type
    ('org_type'), with groups of fewer than 6 people on either side suppressed (and their complements)."""
    if group_by not in ("region", "org_type"):
        raise ValueError("group_by is 'region' or 'org_type'")
    frame = run_query(con, "staff_share_by_group", filters, job_class=d.SUPERINTENDENT, group_by=group_by)
    if group_by == "org_type":
        frame["group_name"] = frame["group_name"].map(d.ORG_TYPE_LABELS)
    return suppress_shares(frame, "fte_of_color", "fte", partition="school_year")


def superintendent_projection(supers: pd.DataFrame, goals: Goals) -> Projection | None:
    """The observed trend since the baseline year, projected to the target year."""
    goal = goals.superintendents
    return project_share(supers, goal.target_share, goal.target_year, since=goal.baseline_year)


def representation_context(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """Long form school_year, group (Superintendents / Teachers / Students), share: the representation
    gap the program exists to close, on one axis."""
    staff = staff_share_by_year_and_job_class(con, (d.SUPERINTENDENT, d.TEACHER), filters)
    parts = [
        staff[staff["job_class"] == d.SUPERINTENDENT].assign(group="Superintendents"),
        staff[staff["job_class"] == d.TEACHER].assign(group="Teachers"),
        student_share_by_year(con, filters).assign(group="Students"),
    ]
    frames = [p[["school_year", "group", "share"]] for p in parts if len(p)]
    if not frames:
        return pd.DataFrame(columns=["school_year", "group", "share"])
    return pd.concat(frames, ignore_index=True)


def people_short_of_path(target_share: float, fte: float, fte_of_color: float) -> int:
    """Whole people of color missing to reach the target share of these posts (0 when on the path)."""
    gap = target_share * fte - fte_of_color
    return max(0, math.ceil(round(gap, 6)))


@dataclass(frozen=True)
class GoalStatus:
    """One headline card: where a goal stands, as of which school year."""

    as_of: str | None
    value: float | None
    target: float | None
    on_track: bool | None
    change: float | None = None  # since the baseline
    detail: str = ""
    verdict: str = ""  # "On track", "Behind", "Goal met", ... (on_track says which colour)


def superintendent_status(supers: pd.DataFrame, goals: Goals) -> GoalStatus:
    """Latest share against that year's point on the target path, and the change since the baseline."""
    known = supers.dropna(subset=["share"])
    if known.empty:
        return GoalStatus(None, None, None, None, detail="No superintendent staffing loaded.")
    latest = known.iloc[-1]
    goal = goals.superintendents
    baseline = known[known["school_year"] == goal.baseline_year]
    change = float(latest["share"] - baseline["share"].iloc[0]) if len(baseline) else None
    target = goal.target_for(latest["school_year"])
    on_track = None if target is None else bool(latest["share"] >= target - 1e-9)
    needed = None if target is None else people_short_of_path(target, latest["fte"], latest["fte_of_color"])
    if needed is None:
        detail = f"The target path starts in {goal.baseline_year}."
    elif needed > 0:
        detail = f"{needed} more superintendents of color would put {latest['school_year']} on the path."
    else:
        detail = f"{latest['school_year']} is on or above the path."
    verdict = "" if on_track is None else "On track" if on_track else "Behind the target path"
    return GoalStatus(
        latest["school_year"], float(latest["share"]), target, on_track, change, detail, verdict
    )


def fellows_status(cohorts: pd.DataFrame, goals: Goals) -> GoalStatus:
    """Cumulative Fellows against the goal, and whether the goal was met by its cohort."""
    goal = goals.fellows
    if cohorts.empty:
        return GoalStatus(None, None, goal.goal, None, detail="No fellows loaded.")
    total = int(cohorts["fellows"].sum())
    reached = cohorts[cohorts["cumulative"] >= goal.goal]
    latest = cohorts.iloc[-1]
    if len(reached):
        first = reached.iloc[0]
        late = int(first["cohort"]) - goal.by_cohort
        on_track = True
        verdict = "Goal met" if late <= 0 else f"Goal met, {late} cohort{'s' if late > 1 else ''} late"
        detail = (
            f"The goal of {goal.goal} was reached with cohort {int(first['cohort'])} ({first['start_year']})"
        )
        detail += "." if late <= 0 else f"; the plan was cohort {goal.by_cohort} ({goal.goal_year})."
    else:
        pace = goal.goal * min(1.0, int(latest["cohort"]) / goal.by_cohort)
        on_track = total >= pace
        verdict = "On track" if on_track else "Behind"
        detail = f"{goal.goal - total} to go; {pace:.0f} were planned by cohort {int(latest['cohort'])}."
    return GoalStatus(latest["start_year"], float(total), float(goal.goal), on_track, None, detail, verdict)


def districts_status(participation: pd.DataFrame, goals: Goals) -> GoalStatus:
    """Organizations that have taken part against the straight path to 100, and the latest year against
    the 10-15 a year band."""
    goal = goals.districts
    if participation.empty:
        return GoalStatus(None, None, goal.strategy_goal, None, detail="No participation loaded.")
    latest = participation.iloc[-1]
    path = goal.path_for(latest["school_year"])
    total = int(latest["cumulative_participating"])
    in_band = int(latest["participating"]) >= goal.per_year_min
    on_path = path is None or total >= path
    on_track = in_band and on_path
    verdict = "On track" if on_track else "Behind the path to 100" if not on_path else "Below 10 a year"
    detail = (
        f"{int(latest['participating'])} took part in {latest['school_year']} "
        f"(goal {goal.per_year_min}-{goal.per_year_max} a year); "
        + (f"{path:.0f} by now would be on the path to {goal.strategy_goal} by {goal.strategy_target_year}; "
           if path is not None else "")
        + f"{int(latest['cumulative_strategy'])} have a workforce-diversity strategy."
    )  # fmt: skip
    return GoalStatus(
        latest["school_year"], float(total), float(goal.strategy_goal), on_track, None, detail, verdict
    )


# --- Fellows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FellowsSummary:
    """Aggregates over all cohorts in view; counts of fewer than 6 are None (suppressed)."""

    enrolled: int
    completed: int | None
    active: int | None
    withdrawn: int | None
    placed_superintendent: int | None
    placed_assistant: int | None
    of_color: int | None
    known_race: int
    entered_as_principal: int | None
    entered_from_central_office: int | None

    @property
    def share_of_color(self) -> float | None:
        if self.of_color is None or not self.known_race or small(self.known_race - self.of_color):
            return None
        return self.of_color / self.known_race


def fellows_summary(cohorts: pd.DataFrame) -> FellowsSummary:
    """Totals over the cohorts in view, with small counts suppressed."""

    def total(col: str) -> int | None:
        value = int(cohorts[col].sum()) if len(cohorts) else 0
        return None if small(value) else value

    return FellowsSummary(
        enrolled=int(cohorts["fellows"].sum()) if len(cohorts) else 0,
        completed=total("completed"),
        active=total("active"),
        withdrawn=total("withdrawn"),
        placed_superintendent=total("superintendent_within_5"),
        placed_assistant=total("assistant_within_5"),
        of_color=total("of_color"),
        known_race=int(cohorts["known_race"].sum()) if len(cohorts) else 0,
        entered_as_principal=total("entered_as_principal"),
        entered_from_central_office=total("entered_from_central_office"),
    )


def fellows_cohort_table(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Per cohort, for display: sizes and statuses with counts of 1-5 suppressed (NaN), and the share of
    color hidden where fewer than 6 fellows are of color or not."""
    shown = suppress_counts(
        cohorts,
        ["active", "completed", "withdrawn", "superintendent_within_5", "assistant_within_5",
         "entered_as_principal", "entered_from_central_office"],
    )  # fmt: skip
    shares = suppress_shares(
        cohorts.assign(share=cohorts["of_color"] / cohorts["known_race"]), "of_color", "known_race"
    )
    shown["share_of_color"] = shares["share"]
    return shown


def fellows_filters(filters: Filters) -> Filters:
    """Fellows are counted by cohort, whatever the school-year range: only place filters apply."""
    return Filters(regions=filters.regions, org_types=filters.org_types)


# --- Districts ------------------------------------------------------------------------------------


def organizations_overview(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """One row per organization in view: type, region, years taking part, fellows sent, strategy,
    equity-leader position, AMSEL membership."""
    frame = run_query(con, "organizations_overview", filters)
    frame["org_type"] = frame["org_type"].map(d.ORG_TYPE_NAMES)
    return frame


@dataclass(frozen=True)
class OrganizationProfile:
    """What one organization's page shows (no superintendent race: one person per district)."""

    org_code: str
    name: str
    org_type: str
    region: str
    participation: pd.DataFrame  # school_year, fellowship, capacity_building, strategy_adopted, ...
    fellows_sent: int
    teachers: pd.DataFrame  # school_year, fte, fte_of_color, share, suppressed
    students: pd.DataFrame  # school_year, students, students_of_color, share, suppressed
    infrastructure: pd.DataFrame  # school_year, has_equity_leader, amsel_member

    @property
    def has_equity_leader(self) -> bool | None:
        return None if self.infrastructure.empty else bool(self.infrastructure["has_equity_leader"].iloc[-1])

    @property
    def amsel_member(self) -> bool | None:
        return None if self.infrastructure.empty else bool(self.infrastructure["amsel_member"].iloc[-1])


def organization_profile(
    con: duckdb.DuckDBPyConnection, org_code: str, filters: Filters = ALL
) -> OrganizationProfile | None:
    """One organization's participation, fellows sent, staff and students of color over time, and its
    equity-leader position; None if the code is unknown."""
    one = Filters(filters.year_from, filters.year_to, org_code=org_code)
    orgs = run_query(con, "organizations_overview", Filters(filters.year_from, filters.year_to))
    row = orgs[orgs["org_code"] == org_code]
    if row.empty:
        return None
    r = row.iloc[0]
    teachers = suppress_shares(staff_share_by_year(con, d.TEACHER, one), "fte_of_color", "fte")
    students = suppress_shares(student_share_by_year(con, one), "students_of_color", "students")
    return OrganizationProfile(
        org_code=org_code,
        name=r["name"],
        org_type=d.ORG_TYPE_NAMES[r["org_type"]],
        region=r["region"],
        participation=run_query(con, "organization_participation", one),
        fellows_sent=int(r["fellows_sent"]),
        teachers=teachers,
        students=students,
        infrastructure=run_query(con, "organization_infrastructure", one),
    )


# --- Workforce ------------------------------------------------------------------------------------

PARITY_STUDENT_FLOOR = 0.05  # the parity measure's floor on the student share
PARITY_BENCHMARK = 0.25


def workforce_shares_by_year(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """Long form school_year, group, share, people, people_of_color for each job class loaded and for
    students."""
    frames = []
    staff = staff_share_by_year_and_job_class(con, d.JOB_CLASSES, filters)
    for job_class in d.JOB_CLASSES:
        part = staff[staff["job_class"] == job_class].drop(columns="job_class")
        if len(part):
            frames.append(part.rename(columns={"fte": "people", "fte_of_color": "people_of_color"})
                          .assign(group=job_class))  # fmt: skip
    pupils = student_share_by_year(con, filters)
    if len(pupils):
        frames.append(pupils.rename(columns={"students": "people", "students_of_color": "people_of_color"})
                      .assign(group="Students"))  # fmt: skip
    if not frames:
        return pd.DataFrame(columns=["school_year", "group", "people", "people_of_color", "share"])
    return pd.concat(frames, ignore_index=True)[
        ["school_year", "group", "people", "people_of_color", "share"]
    ]


def parity(teacher_share: pd.Series, student_share: pd.Series) -> pd.Series:
    """Teachers-of-color share / students-of-color share, with the student share floored at 5%."""
    return teacher_share / student_share.clip(lower=PARITY_STUDENT_FLOOR)


def parity_by_organization(
    con: duckdb.DuckDBPyConnection, school_year: str, filters: Filters = ALL
) -> pd.DataFrame:
    """Per organization in one year: teacher and student shares of color and their parity; organizations
    with fewer than 6 teachers of color or not are left out (suppressed)."""
    frame = run_query(con, "teacher_student_parity_by_org", filters, school_year=school_year)
    frame["teacher_share"] = frame["teacher_fte_of_color"] / frame["teacher_fte"]
    frame["student_share"] = frame["students_of_color"] / frame["students"]
    frame = suppress_shares(frame.assign(share=frame["teacher_share"]), "teacher_fte_of_color", "teacher_fte")
    frame["parity"] = parity(frame["share"], frame["student_share"])
    return frame


def race_composition(
    con: duckdb.DuckDBPyConnection, school_year: str, filters: Filters = ALL
) -> pd.DataFrame:
    """population (job class or Students), race, people, share of that population, for one year;
    groups of 1-5 people suppressed."""
    frame = run_query(con, "race_composition", filters, school_year=school_year)
    small_cells = (frame["people"] > 0) & (frame["people"] < d.SMALL_CELL_THRESHOLD)
    frame.loc[small_cells, ["people", "share"]] = np.nan
    frame["suppressed"] = small_cells
    return frame


# --- where the data came from --------------------------------------------------------------------


def data_source(con: duckdb.DuckDBPyConnection, kinds: tuple[str, ...]) -> str:
    """A chart subtitle's source: 'Sample data (synthetic)', 'DESE staffing uploads', or a mix."""
    frame = run_query(con, "data_sources")
    frame = frame[frame["kind"].isin(kinds)]
    if frame.empty:
        return "No data loaded"
    names = {"staffing": "staffing", "enrollment": "enrollment", "fellows": "Influence 100 fellows list",
             "participation": "participation list", "equity_leaders": "equity-leader survey"}  # fmt: skip
    what = " and ".join(names[k] for k in frame["kind"])
    if frame["all_sample"].all():
        return f"Sample data (synthetic {what})"
    if frame["any_sample"].any():
        return f"Uploaded {what}, partly sample data"
    return f"Uploaded {what}"


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
