"""Each goal measured against its path (the goals are data/goals.toml's, analytics/goals.py): its figures in
a view, where it stands (`GoalStatus`), and the words every card, chart, slide and `metrics --json` use.

Goals are statewide. In a region or type view:
- a count or organizations goal shows the view's figure as its part of the statewide figure ("Greater
  Boston: 24 of the 47 organizations taking part statewide"), with no verdict, no "to go" and no pace;
- a share goal keeps the statewide target path as a reference (a share does not depend on size) and
  compares the view's share with it, saying so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from analytics import metrics, students
from analytics.definitions import SMALL_CELL_THRESHOLD
from analytics.goals import (
    MET,
    CountGoal,
    CumulativeGoal,
    GapGoal,
    Goal,
    PerYearGoal,
    ShareGoal,
)
from analytics.projection import Projection, project_share

ON_THE_PATH_POINTS = 0.05  # within this many points of the path (one decimal shows 0.0): on it
MIN_PROJECTION_YEARS = 4  # fewer shown, complete years than this make no trend worth drawing


@dataclass(frozen=True)
class GoalStatus:
    """Where a goal stands in a view, as of which school year (or cohort)."""

    as_of: str | None
    value: float | None
    target: float | None  # what the path expects at as_of (None: no path here, or no verdict)
    on_track: bool | None  # None: no verdict (a region's part of a statewide goal, or nothing to judge)
    change: float | None = None  # share goals: since the baseline
    detail: str = ""
    verdict: str = ""  # "On the path", "Behind", "Goal met", ... (on_track says which colour)
    partial_note: str = ""  # "2025-26 is partial so far (1 of 322 organizations reported)", when one is
    gap_points: float | None = None  # share goals: below the target path (negative: above)
    short_of_path: int | None = None  # share goals: whole people of color missing to be on the path
    cohort: int | None = None  # count goals: the latest cohort counted
    statewide: float | None = None  # a region's part: the statewide figure it is part of

    @property
    def on_the_path(self) -> bool:
        """Within a rounding of the path (one decimal of a point shows 0.0)."""
        return self.gap_points is not None and abs(self.gap_points) < ON_THE_PATH_POINTS


@dataclass(frozen=True)
class Progress:
    """One goal in one view: its figures (what its chart draws and its CSV holds) and its status."""

    goal: Goal
    frame: pd.DataFrame
    status: GoalStatus
    statewide_view: bool


# --- share goals -----------------------------------------------------------------------------------------


def gap_to_path(target_share, share, total, of_color):
    """The gap to the target path, defined once: (points below the path, people of color short of it).
    Negative where above the path. Works on numbers and on columns alike."""
    return (target_share - share) * 100, target_share * total - of_color


def people_short_of_path(target_share: float, total: float, of_color: float) -> int:
    """Whole people of color missing to reach the target share of these posts (0 when on the path)."""
    _, gap = gap_to_path(target_share, of_color / total if total else 0.0, total, of_color)
    return max(0, math.ceil(round(gap, 6)))


def with_target_gap(frame: pd.DataFrame, goal: ShareGoal) -> pd.DataFrame:
    """Add target_share, gap_points and gap_people to published shares (the gap only where the share is
    shown and the year complete: a partial year has no gap)."""
    out = frame.copy()
    out["target_share"] = [goal.target_for(y) for y in out["school_year"]]
    counted = (~out["suppressed"].astype(bool)) & out["complete"].astype(bool)
    points, people = gap_to_path(
        out["target_share"].astype(float), out["share"], out["total"], out["of_color"]
    )
    out["gap_points"] = points.where(counted)
    out["gap_people"] = people.where(counted)
    return out


def share_frame(
    con: duckdb.DuckDBPyConnection, goal: ShareGoal, filters: metrics.Filters = metrics.ALL
) -> pd.DataFrame:
    """The goal's population by year in view, published, with the target path and the gap to it."""
    return with_target_gap(metrics.staff_share_by_year(con, goal.job_class, filters), goal)


def partial_note(frame: pd.DataFrame, as_of: str | None) -> str:
    """Words for the years after `as_of` that cannot be the headline: hidden ones, and the latest partial."""
    if frame.empty:
        return ""
    hidden = frame[frame["suppressed"].astype(bool) & frame["complete"].astype(bool)]
    if as_of is not None:
        hidden = hidden[hidden["school_year"] > as_of]
    words = ""
    if len(hidden):
        words = f"{', '.join(hidden['school_year'])} cannot be shown for this view (small numbers). "
    later = frame[~frame["complete"].astype(bool)]
    if as_of is not None:
        later = later[later["school_year"] > as_of]
    if later.empty:
        return words.strip()
    r = later.iloc[-1]
    return words + (
        f"{r['school_year']} is partial so far ({int(r['organizations_reported']):,} of "
        f"{int(r['organizations_expected']):,} organizations reported): the figures here are from {as_of}."
        if as_of
        else f"{r['school_year']} is partial so far."
    )


def share_status(frame: pd.DataFrame, goal: ShareGoal, *, statewide_view: bool = True) -> GoalStatus:
    """The latest complete, shown year's share against that year's point on the target path, and the
    change since the baseline (partial and hidden years never stand as the headline). In a region or type
    view the path is the statewide one, and the words say so."""
    known = metrics.counted_years(frame)
    if known.empty:
        detail = (
            f"No {goal.population} staffing is loaded for this view."
            if frame.empty
            else f"No complete year can be shown for this view (a group of fewer than {SMALL_CELL_THRESHOLD}, or a partial year)."
        )
        return GoalStatus(None, None, None, None, detail=detail, partial_note=partial_note(frame, None))
    latest = known.iloc[-1]
    year = str(latest["school_year"])
    baseline = known[known["school_year"] == goal.baseline_year]
    change = float(latest["share"] - baseline["share"].iloc[0]) if len(baseline) else None
    target = goal.target_for(year)
    path = "the target path" if statewide_view else "the statewide target path"
    on_track = needed = points = None
    if target is None:
        detail = f"The target path starts in {goal.baseline_year}."
    else:
        on_track = bool(latest["share"] >= target - 1e-9)
        needed = people_short_of_path(target, latest["total"], latest["of_color"])
        points = float(gap_to_path(target, latest["share"], 0.0, 0.0)[0])
        if needed > 0:
            who = goal.population[:-1] if needed == 1 and goal.population.endswith("s") else goal.population
            detail = f"{needed} more {who} of color would put {year} on {path}."
        else:
            detail = f"{year} is on or above {path}."
    verdict = ""
    if on_track is not None:
        on_it = points is not None and abs(points) < ON_THE_PATH_POINTS
        if statewide_view:
            verdict = f"On {path}" if on_it else f"Ahead of {path}" if on_track else f"Behind {path}"
        else:  # short enough for a card's badge
            verdict = (
                "On the statewide path" if on_it else f"{'Above' if on_track else 'Below'} the statewide path"
            )
        verdict = verdict[0].upper() + verdict[1:]
    return GoalStatus(
        year,
        float(latest["share"]),
        target,
        on_track,
        change,
        detail,
        verdict,
        partial_note(frame, year),
        points,
        needed,
    )


def share_projection(frame: pd.DataFrame, goal: ShareGoal) -> Projection | None:
    """The trend of the shown, complete years since the baseline, projected to the target year (None with
    fewer than four such years)."""
    counted = metrics.counted_years(frame)
    if (counted["school_year"] >= goal.baseline_year).sum() < MIN_PROJECTION_YEARS:
        return None
    return project_share(counted, goal.target_share, goal.target_year, since=goal.baseline_year)


# --- count goals (Fellows) -------------------------------------------------------------------------------


def count_status(cohorts: pd.DataFrame, goal: CountGoal, statewide: pd.DataFrame | None = None) -> GoalStatus:
    """Cumulative Fellows against the goal by its cohort; in a region or type view (`statewide` given),
    the view's Fellows as part of the statewide number, with no verdict."""
    if cohorts.empty:
        return GoalStatus(None, None, None, None, detail=f"No {goal.noun} loaded for this view.")
    total = int(cohorts["fellows"].sum())
    latest = cohorts.iloc[-1]
    cohort, began = int(latest["cohort"]), str(latest["start_year"])
    if statewide is not None:
        everyone = int(statewide["fellows"].sum()) if len(statewide) else total
        return GoalStatus(
            began,
            float(total),
            None,
            None,
            detail=f"{total:,} of the {everyone:,} {goal.noun} statewide; the goal of {goal.goal} is "
            "statewide.",
            cohort=cohort,
            statewide=float(everyone),
        )
    reached = cohorts[cohorts["cumulative"] >= goal.goal]
    plan = f"the plan was {goal.goal} by cohort {goal.by_cohort} ({goal.goal_year})"
    if len(reached):
        first = reached.iloc[0]
        late = int(first["cohort"]) - goal.by_cohort
        verdict = MET if late <= 0 else f"{MET}, {late} cohort{'s' if late > 1 else ''} late"
        detail = (
            f"The goal of {goal.goal} was reached with cohort {int(first['cohort'])} ({first['start_year']})"
        )
        detail += "." if late <= 0 else f"; {plan}."
        return GoalStatus(began, float(total), float(goal.goal), True, None, detail, verdict, cohort=cohort)
    planned = goal.planned_by(cohort)
    on_track = total >= planned - 1e-9
    if cohort >= goal.by_cohort:
        detail = f"{goal.goal - total:,} to go: {plan}."
    else:
        detail = (
            f"{planned:.0f} planned by cohort {cohort}, on the way to {goal.goal} by cohort {goal.by_cohort}."
        )
    return GoalStatus(
        began,
        float(total),
        float(planned),
        on_track,
        None,
        detail,
        "On the path" if on_track else "Behind the path",
        cohort=cohort,
    )


# --- organizations goals (districts) ---------------------------------------------------------------------


def component_column(goal: PerYearGoal) -> str:
    return goal.component.replace(" ", "_")


def per_year_status(
    participation: pd.DataFrame, goal: PerYearGoal, statewide: pd.DataFrame | None = None
) -> GoalStatus:
    """The latest year's organizations in the goal's component against the band; in a region or type view,
    the view's part of the statewide number, with no verdict."""
    column = component_column(goal)
    if participation.empty:
        return GoalStatus(None, None, None, None, detail="No participation loaded for this view.")
    latest = participation.iloc[-1]
    year, count = str(latest["school_year"]), int(latest[column])
    if statewide is not None:
        row = statewide[statewide["school_year"] == year]
        everyone = int(row[column].iloc[0]) if len(row) else count
        return GoalStatus(
            year,
            float(count),
            None,
            None,
            detail=f"{count:,} of the {everyone:,} {goal.noun} statewide in {year}; the goal of {goal.band} is "
            "statewide.",
            statewide=float(everyone),
        )
    below, above = count < goal.per_year_min, count > goal.per_year_max
    verdict = f"Below {goal.band}" if below else f"Above {goal.band}" if above else f"Within {goal.band}"
    detail = f"In {goal.component} in {year}: {count:,} (goal: {goal.band})."
    return GoalStatus(year, float(count), float(goal.per_year_min), not below, None, detail, verdict)


def cumulative_status(
    participation: pd.DataFrame, goal: CumulativeGoal, statewide: pd.DataFrame | None = None
) -> GoalStatus:
    """Organizations with the goal's measure so far against the straight path to the goal; in a region or
    type view, the view's part of the statewide number, with no verdict or path."""
    column = f"cumulative_{goal.measure}"
    if participation.empty:
        return GoalStatus(None, None, None, None, detail="No participation loaded for this view.")
    latest = participation.iloc[-1]
    year, count = str(latest["school_year"]), int(latest[column])
    if statewide is not None:
        row = statewide[statewide["school_year"] == year]
        everyone = int(row[column].iloc[0]) if len(row) else count
        return GoalStatus(
            year,
            float(count),
            None,
            None,
            detail=f"{count:,} of the {everyone:,} {goal.noun} statewide by {year}; the goal of {goal.goal} by "
            f"{goal.target_year} is statewide.",
            statewide=float(everyone),
        )
    path = goal.path_for(year)
    on_track = None if path is None else count >= path - 1e-9
    detail = f"With a workforce-diversity strategy: {count:,} of {goal.goal} by {goal.target_year}" + (
        f" (path: {path:.0f} by now, {year})." if path is not None else "."
    )
    if goal.measure != "strategy":
        detail = detail.replace("With a workforce-diversity strategy", goal.noun[0].upper() + goal.noun[1:])
    verdict = (
        ""
        if on_track is None
        else f"On the path to {goal.goal}"
        if on_track
        else f"Behind the path to {goal.goal}"
    )
    return GoalStatus(year, float(count), path, on_track, None, detail, verdict)


# --- the gap goal (students' experience) -------------------------------------------------------------------


def gap_frame(
    con: duckdb.DuckDBPyConnection,
    goal: GapGoal,
    filters: metrics.Filters = metrics.ALL,
    *,
    include_not_comparable: bool = True,
) -> pd.DataFrame:
    """Each of the goal's measures by year in view (analytics/students.py), in long form with `measure`."""
    parts = []
    for key in goal.measures:
        frame = students.by_year(
            con, students.MEASURES[key], filters, include_not_comparable=include_not_comparable
        )
        parts.append(frame.assign(measure=key))
    out = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["measure", *students.YEAR_COLUMNS])
    )
    return out[["measure", *students.YEAR_COLUMNS]]


def gap_comparisons(frame: pd.DataFrame, goal: GapGoal) -> dict[str, students.Comparison]:
    """Per measure: the gap's trend before the baseline and since, and whether it accelerated."""
    return {
        key: students.compare(
            frame[frame["measure"] == key],
            students.MEASURES[key],
            baseline_year=goal.baseline_year,
            first_year=goal.first_year,
            better=goal.direction(key),
        )
        for key in goal.measures
    }


def gap_status(frame: pd.DataFrame, goal: GapGoal) -> GoalStatus:
    """How many of the measures' gaps are narrowing faster since the baseline than before it: a comparison
    of trends, not a target, so there is no on-track verdict."""
    comparisons = gap_comparisons(frame, goal)
    counted = frame[frame["gap"].notna()]
    if counted.empty:
        return GoalStatus(
            None, None, None, None, detail="No students' experience reports are loaded for this view."
        )
    faster = [k for k, c in comparisons.items() if c.accelerating]
    not_yet = [k for k, c in comparisons.items() if c.accelerating is False]
    early = [k for k, c in comparisons.items() if c.accelerating is None]

    def names(keys: list[str]) -> str:
        return ", ".join(students.MEASURES[k].label for k in keys)

    parts = [
        f"Narrowing faster since {goal.baseline_year} than before: {len(faster)} of {len(goal.measures)}"
    ]
    parts[0] += f" ({names(faster)})." if faster else "."
    if not_yet:
        parts.append(f"Not yet: {names(not_yet)}.")
    if early:
        parts.append(f"Too early to tell: {names(early)}.")
    return GoalStatus(
        str(counted["school_year"].max()),
        float(len(faster)),
        None,
        None,
        detail=" ".join(parts) + " A comparison of trends, not a target.",
    )


# --- any goal ---------------------------------------------------------------------------------------------


def progress(con: duckdb.DuckDBPyConnection, goal: Goal, filters: metrics.Filters = metrics.ALL) -> Progress:
    """The goal in the view `filters` picks: its figures and where it stands."""
    statewide_view = not filters.regions and not filters.org_types
    state = metrics.Filters(released=filters.released)
    if isinstance(goal, ShareGoal):
        frame = share_frame(con, goal, filters)
        return Progress(goal, frame, share_status(frame, goal, statewide_view=statewide_view), statewide_view)
    if isinstance(goal, CountGoal):
        cohorts = metrics.fellows_by_cohort(con, metrics.fellows_filters(filters))
        whole = None if statewide_view else metrics.fellows_by_cohort(con, state)
        return Progress(goal, cohorts, count_status(cohorts, goal, whole), statewide_view)
    if isinstance(goal, PerYearGoal):
        frame = metrics.participation_by_year(con, filters)
        whole = (
            None
            if statewide_view
            else metrics.participation_by_year(con, metrics.Filters(filters.year_from, filters.year_to))
        )
        return Progress(goal, frame, per_year_status(frame, goal, whole), statewide_view)
    if isinstance(goal, CumulativeGoal):
        frame = metrics.participation_by_year(
            con, metrics.Filters(None, filters.year_to, filters.regions, filters.org_types)
        )
        whole = (
            None
            if statewide_view
            else metrics.participation_by_year(con, metrics.Filters(None, filters.year_to))
        )
        return Progress(goal, frame, cumulative_status(frame, goal, whole), statewide_view)
    if isinstance(goal, GapGoal):
        frame = gap_frame(con, goal, filters)
        return Progress(goal, frame, gap_status(frame, goal), statewide_view)
    raise TypeError(f"no measure for a {goal.kind} goal")


def as_of_words(p: Progress) -> str | None:
    """What a goal's figure is as of, in words: a school year, or 'cohort 7 (2025-26)'."""
    if p.status.cohort is not None:
        return f"cohort {p.status.cohort} ({p.status.as_of})"
    return p.status.as_of


def value_words(p: Progress) -> str:
    """The figure as a card shows it."""
    from analytics import formats

    if p.status.value is None:
        return formats.NOT_SHOWN
    if isinstance(p.goal, GapGoal):
        return f"{p.status.value:.0f} of {len(p.goal.measures)}"
    return formats.percent(p.status.value) if p.goal.unit == "share" else formats.count(p.status.value)


def points_since(change: float, baseline_year: str) -> str:
    """A share's change since a baseline, in points: '+4.6 points since 2019-20'."""
    return f"{change * 100:+.1f} points since {baseline_year}"


def change_words(p: Progress) -> str | None:
    """A share goal's change since its baseline, in points."""
    if isinstance(p.goal, ShareGoal) and p.status.change is not None:
        return points_since(p.status.change, p.goal.baseline_year)
    return None


def card_detail(p: Progress) -> str:
    """A card's words under the figure: the path now, what it would take, what is partial."""
    s = p.status
    words = ""
    if isinstance(p.goal, ShareGoal) and s.target is not None:
        path = "Target" if p.statewide_view else "Statewide target path"
        words = (
            f"{path} for {s.as_of}: {s.target:.1%} on the way to {p.goal.target_share:.0%} by "
            f"{p.goal.target_year}. "
        )
    return (words + s.detail + (f" {s.partial_note}" if s.partial_note else "")).strip()


def headline_entry(p: Progress) -> dict[str, Any]:
    """The goal in `metrics --json`'s `goals` list: key, kind, title, as_of, value, target_now, on_track,
    unit (shares as fractions)."""
    s = p.status

    def number(value):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        return round(float(value), 4) if p.goal.unit == "share" else round(float(value), 1)

    return {
        "key": p.goal.key,
        "kind": p.goal.kind,
        "title": p.goal.title,
        "as_of": as_of_words(p),
        "value": number(s.value),
        "target_now": number(s.target) if s.on_track is not None else None,
        "on_track": s.on_track,
        "unit": p.goal.unit,
    }
