"""One function per page section: metrics + chart + words, ready to render (and to export as slides).

Pages call these (through the app's cache) and only render what comes back.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from analytics import (
    chart_fit,
    charts,
    definitions,
    equity,
    equity_charts,
    fellows_charts,
    geography,
    goal_charts,
    goal_progress,
    metrics,
    student_charts,
    students,
    superintendent_charts,
    tables,
    workforce_charts,
)
from analytics.definitions import SMALL_CELL_THRESHOLD
from analytics.goals import CountGoal, CumulativeGoal, GapGoal, Goal, Goals, PerYearGoal, ShareGoal
from analytics.projection import Projection, Scenario, scenario_path
from analytics.reference import load_reference_points


class ValidatedFigure(go.Figure):
    """A plotly Figure that was validated when it was built, and so is not validated again when unpickled.

    The app caches every section with st.cache_data, which pickles the result once and unpickles it on
    every cache hit. Plotly's own pickling rebuilds a figure through all its validators, the whole layout
    template included: 30-80 ms a chart, most of a warm page's run time. Rebuilt from its own to_dict()
    without validation it takes a few milliseconds and serialises to the same JSON.
    """

    def __reduce__(self):
        return (_unpickle_figure, (self.to_dict(),))


def _unpickle_figure(spec: dict) -> ValidatedFigure:
    fig = ValidatedFigure(spec, _validate=False)
    fig._validate = True  # later changes to it are validated as usual
    return fig


def validated(fig: go.Figure) -> ValidatedFigure:
    """Mark a figure built through plotly's validating API as one that unpickles without validation."""
    if type(fig) is go.Figure:
        fig.__class__ = ValidatedFigure  # a subclass adding only __reduce__: same object, no copy
    return fig


@dataclass(frozen=True)
class Source:
    """Where a chart's figures came from: in words (metrics.data_source), and whether any of it is the
    bundled sample data."""

    text: str
    is_sample: bool = False


def _source(con: duckdb.DuckDBPyConnection, kinds: tuple[str, ...]) -> Source:
    loaded = metrics.run_query(con, "data_sources")
    return Source(
        metrics.data_source(con, kinds, loaded), bool(loaded[loaded["kind"].isin(kinds)]["any_sample"].any())
    )


@dataclass(frozen=True)
class About:
    """What a chart's figures are about and where they came from, as fields: each edge writes them its own
    way (the figure's subtitle on the page and in its PNG; a slide's source line and notes), and nothing
    reads them back out of the words."""

    scope: str = ""  # the view ('Statewide', a region, an organization's name)
    as_of: str | None = None  # the school year (or cohort) the figures run to; None where the view has none
    source: str = ""  # 'Sample data (synthetic staffing)', 'Uploaded staffing and enrollment'
    is_sample: bool = False  # any of the figures is the bundled sample data
    notes: str = ""  # figure markup under the scope line: what is hidden, what is partial (lines by <br>)

    @classmethod
    def of(cls, scope: str, as_of: str | None, source: Source, notes: str = "") -> About:
        return cls(scope, as_of, source.text, source.is_sample, notes)

    @property
    def subtitle(self) -> str:
        """The figure's subtitle: 'Statewide · data as of 2024-25 · Source: …' and the notes under it."""
        return charts.subtitle(self.scope, self.as_of, self.source, self.notes)


@dataclass(frozen=True)
class Section:
    """A chart with the figures behind it, and its name: the file name of its PNG and CSV wherever the
    chart is offered (a page's camera button, the Export page, `python -m analytics export`). A chart in
    analytics.chart_registry is named there, by its key; the functions here leave its name empty."""

    figure: go.Figure
    data: pd.DataFrame
    status: goal_progress.GoalStatus | None = None
    caption: str = ""
    name: str = ""
    # Why the chart says too little to stand on a slide of its own ("only 1 of 7 regions can be shown"),
    # '' where it says enough; the default deck leaves such a chart out and the Export page says why.
    says_little: str = ""
    # The view, as-of year, source and sample flag the figure's subtitle was written from.
    about: About = About()

    def __post_init__(self) -> None:
        # Titles wrapped and labels placed for the widths the page draws it at (and the PNG's size), once: a
        # copy of a section (the chart registry's, named by its key) keeps the figure as it was fitted.
        if not isinstance(self.figure, ValidatedFigure):
            chart_fit.fit(self.figure)
            validated(self.figure)

    @property
    def scope(self) -> str:
        return self.about.scope

    @property
    def as_of(self) -> str | None:
        return self.about.as_of

    @property
    def source(self) -> str:
        return self.about.source

    @property
    def is_sample(self) -> bool:
        return self.about.is_sample


def _statewide_only(filters: metrics.Filters) -> pd.DataFrame | None:
    """Published reference points apply to the whole state only."""
    return load_reference_points() if filters.is_statewide else None


def _notes(frame: pd.DataFrame) -> str:
    """The subtitle's second line: what is hidden and what is partial."""
    notes = []
    if len(frame) and frame["suppressed"].astype(bool).any():
        notes.append(charts.SUPPRESSED_NOTE)
    partial = charts.partial_note(frame)
    if partial:
        notes.append(partial)
    return "<br>".join(notes)


# --- titles: the finding, in words (every chart's title is made here) ------------------------------


def goal_title(p: goal_progress.Progress, view: str) -> str:
    """A goal's chart title, its finding: 'Superintendents of color: 8.6% in 2024-25, 0.4 points below the
    target path'; in a region or type view, a count or organizations goal is the view's part of the
    statewide figure ('Greater Boston: 87 of the 155 Influence 100 Fellows statewide')."""
    goal, status = p.goal, p.status
    if status.value is None:
        return f"{goal.title}: nothing can be shown for this view"
    if isinstance(goal, ShareGoal):
        head = f"{goal.title}: {status.value:.1%} in {status.as_of}"
        if status.gap_points is None:
            return head
        path = "the target path" if p.statewide_view else "the statewide target path"
        if status.on_the_path:
            return f"{head}, on {path}"
        side = "below" if status.gap_points > 0 else "above"
        return f"{head}, {abs(status.gap_points):.1f} points {side} {path}"
    value = f"{status.value:,.0f}"
    if status.statewide is not None:
        when = f" in {status.as_of}" if isinstance(goal, PerYearGoal) else ""
        return f"{view}: {value} of the {status.statewide:,.0f} {goal.noun} statewide{when}"
    if isinstance(goal, CountGoal):
        return f"{value} {goal.noun} so far against the goal of {goal.goal} by cohort {goal.by_cohort}"
    if isinstance(goal, PerYearGoal):
        return f"{value} organizations in {goal.component} in {status.as_of} (goal: {goal.band})"
    if isinstance(goal, CumulativeGoal):
        return f"{value} {goal.noun} by {status.as_of}, against {goal.goal} by {goal.target_year}"
    if isinstance(goal, GapGoal):
        return (
            f"Gaps between students of color and White students: {status.value:.0f} of {len(goal.measures)} "
            f"narrowing faster since {goal.baseline_year}"
        )
    return goal.title


def reached_words(projection: Projection) -> str:
    """'reaches 14% in 2031-32' or 'does not reach 14% by 2034-35'."""
    target = f"{projection.target_share:.0%}"
    if projection.year_target_reached:
        return f"reaches {target} in {projection.year_target_reached}"
    return f"does not reach {target} by {projection.horizon}"


# --- superintendents -----------------------------------------------------------------------------


def goal_section(
    con: duckdb.DuckDBPyConnection, goal: Goal, filters: metrics.Filters, *, compact: bool = False
) -> Section:
    """A goal's chart with its figures and status, whatever its kind (the Overview's charts, each goal's
    page, the deck)."""
    return goal_trend(con, goal, filters, compact=compact)[0]


def goal_trend(
    con: duckdb.DuckDBPyConnection, goal: Goal, filters: metrics.Filters, *, compact: bool = False
) -> tuple[Section, Projection | None]:
    """A goal's section, and (a share goal's) the projection of its trend to the target year."""
    p = goal_progress.progress(con, goal, filters)
    status, view = p.status, filters.describe()
    title = goal_title(p, view)
    projection = None
    if isinstance(goal, ShareGoal):
        projection = goal_progress.share_projection(p.frame, goal)
        source = _source(con, ("staffing",))
        about = About.of(view, status.as_of, source, _notes(p.frame))
        fig = goal_charts.share_trend(
            p.frame,  # hidden years stay on the axis, as gaps; partial years show their coverage
            goal,
            title=title,
            subtitle_text=about.subtitle,
            projection=None if compact else projection,
            references=None if compact else _statewide_only(filters),
            height=460 if compact else 520,
            statewide_view=p.statewide_view,
        )
        caption = status.detail
        if projection is not None:
            caption += (
                f" At the pace since {projection.fitted_years[0]} ({projection.slope_per_year * 100:+.1f} points "
                f"a year) the share {reached_words(projection)}."
            )
        if status.partial_note:
            caption += " " + status.partial_note
        if not p.statewide_view:
            caption += (
                " The target path is the statewide one; a share can be set beside it whatever the size."
            )
    elif isinstance(goal, CountGoal):
        place = metrics.fellows_filters(filters)
        about = About.of(place.describe(), goal_progress.as_of_words(p), _source(con, ("fellows",)))
        fig = goal_charts.fellows_cumulative(
            p.frame,
            goal,
            title=title,
            subtitle_text=about.subtitle,
            height=400 if compact else 460,
            statewide_view=p.statewide_view,
        )
        caption = status.detail
    elif isinstance(goal, PerYearGoal):
        about = About.of(view, status.as_of, _source(con, ("participation",)))
        fig = goal_charts.participation_per_year(
            p.frame,
            goal,
            title=title,
            subtitle_text=about.subtitle,
            height=400 if compact else 440,
            statewide_view=p.statewide_view,
        )
        caption = status.detail
    elif isinstance(goal, GapGoal):
        about = About.of(view, status.as_of, _student_source(con), STUDENT_GAP_NOTE)
        fig = student_charts.gaps(
            p.frame,
            goal,
            title=title,
            subtitle_text=about.subtitle,
            height=420 if compact else 460,
        )
        caption = status.detail
    elif isinstance(goal, CumulativeGoal):
        about = About.of(view, status.as_of, _source(con, ("participation",)))
        fig = goal_charts.participation_cumulative(
            p.frame,
            goal,
            title=title,
            subtitle_text=about.subtitle,
            height=400 if compact else 440,
            statewide_view=p.statewide_view,
        )
        caption = status.detail
    else:
        raise TypeError(f"no chart for a {goal.kind} goal")
    return Section(fig, p.frame, status, caption, name=goal.chart, about=about), projection


# --- students' experience --------------------------------------------------------------------------------

STUDENT_GAP_NOTE = (
    "Students of color = All Students minus White. Discipline and attendance in "
    f"{' and '.join(students.PANDEMIC_YEARS)} are not comparable (pandemic)."
)
_STUDENT_KINDS = ("student_discipline", "student_attendance", "graduation", "climate_survey")


def _student_source(con: duckdb.DuckDBPyConnection, measure: students.Measure | None = None) -> Source:
    return _source(con, (measure.table,) if measure else _STUDENT_KINDS)


def student_measure(
    con: duckdb.DuckDBPyConnection,
    goal: GapGoal,
    key: str,
    filters: metrics.Filters,
    *,
    include_not_comparable: bool = False,
) -> Section:
    """One measure: students of color beside White students each year, and whether the gap has been
    narrowing faster since the baseline (the comparison of trends, in the caption)."""
    measure = students.MEASURES[key]
    frame = students.by_year(con, measure, filters)
    comparison = students.compare(
        frame,
        measure,
        baseline_year=goal.baseline_year,
        first_year=goal.first_year,
        better=goal.direction(key),
        include_not_comparable=include_not_comparable,
    )
    latest = frame[frame["gap"].notna()]
    label = measure.label[0].upper() + measure.label[1:]
    if latest.empty:
        title = f"{label}: nothing can be shown for this view"
        as_of = None
    else:
        r = latest.iloc[-1]
        as_of = str(r["school_year"])
        if measure.index:
            title = f"{label}: {r['rate_of_color']:.0f} for students of color, {r['rate_white']:.0f} for White students, {as_of}"
        else:
            title = f"{label}: {r['rate_of_color']:.1%} of students of color, {r['rate_white']:.1%} of White students, {as_of}"
    notes = " ".join(p for p in (measure.weighting and f"Rates {measure.weighting}.", _notes(frame)) if p)
    about = About.of(filters.describe(), as_of, _student_source(con, measure), notes)
    fig = student_charts.measure_rates(
        frame,
        measure,
        goal.baseline_year,
        title=title,
        subtitle_text=about.subtitle,
    )
    caption = students.comparison_words(comparison, goal.baseline_year)
    if not include_not_comparable and measure.not_comparable:
        caption += f" {', '.join(measure.not_comparable)} are left out of the trends (not comparable)."
    return Section(fig, frame.assign(measure=key), None, caption, about=about)


def student_influence(
    con: duckdb.DuckDBPyConnection, goal: GapGoal, key: str, filters: metrics.Filters
) -> Section:
    """One measure's gap in Influence 100's organizations (each counted from the year it joined) and in all
    others, as a comparison, never an effect."""
    measure = students.MEASURES[key]
    frame = students.influence_comparison(con, measure, filters)
    label = measure.label[0].upper() + measure.label[1:]
    left = int(frame["left_out"].max()) if len(frame) else 0
    note = (
        f"{left} organizations a year at most are in neither group: their figures are in blocks with the other "
        "group's."
        if left
        else ""
    )
    about = About.of(
        filters.describe(),
        None if frame.empty else str(frame["school_year"].max()),
        _student_source(con, measure),
        note,
    )
    fig = student_charts.influence_gaps(
        frame,
        measure,
        goal.baseline_year,
        title=f"{label}: the gap in Influence 100's organizations and in all others",
        subtitle_text=about.subtitle,
    )
    caption = (
        "Each organization counts among Influence 100's from the year it first took part. A comparison of the "
        "two groups' gaps, not a measure of what the program did."
    )
    return Section(
        fig,
        frame.assign(measure=key),
        None,
        caption,
        about=about,
    )


def representation_gap(con: duckdb.DuckDBPyConnection, goals: Goals, filters: metrics.Filters) -> Section:
    """Superintendents, teachers and students of color on one axis."""
    context = metrics.representation_context(con, filters)
    counted = metrics.counted_years(context)
    as_of = None
    latest = pd.Series(dtype=float)
    if len(counted):
        # The latest year every group shown has a complete figure for, so the title compares like with like.
        per_group = counted.groupby("group")["school_year"].max()
        as_of = str(per_group.min())
        latest = counted[counted["school_year"] == as_of].set_index("group")["share"]
    if {"Teachers", "Students"} <= set(latest.index):
        # To a tenth of a point, as every share on the Superintendents page (8.6%, not 9%).
        title = (
            f"In {as_of}, {latest['Students']:.1%} of students were people of color; "
            f"{latest['Teachers']:.1%} of teachers"
            + (
                f" and {latest['Superintendents']:.1%} of superintendents"
                if "Superintendents" in latest
                else ""
            )
        )
    else:
        title = "The representation gap: superintendents, teachers and students of color"
    about = About.of(filters.describe(), as_of, _source(con, ("staffing", "enrollment")), _notes(context))
    fig = superintendent_charts.representation_gap(
        context,
        title=title,
        subtitle_text=about.subtitle,
        references=_statewide_only(filters),
    )
    return Section(fig, context, about=about)


def superintendents_by_group(
    con: duckdb.DuckDBPyConnection, goals: Goals, filters: metrics.Filters, group_by: str
) -> Section:
    """Superintendents of color by region or organization type in the latest complete year of the view,
    'hidden (small numbers)' where a group cannot be shown; the data carries every year."""
    frame = metrics.superintendent_share_by_group(con, group_by, filters)
    year = metrics.latest_complete_year(metrics.staff_share_by_year(con, definitions.SUPERINTENDENT, filters))
    word = "region" if group_by == "region" else "type of organization"
    says_little = ""
    if year is not None and len(frame):
        in_year = frame[frame["school_year"] == year]
        shown = int((~in_year["suppressed"].astype(bool)).sum())
        title = f"Superintendents of color by {word}, {year}: {shown} of {len(in_year)} can be shown"
        # A breakdown that shows one group or none, or fewer than half, says little the statewide figure
        # does not: each group hidden holds fewer than the threshold of superintendents of color or of others.
        if shown < 2 or 2 * shown < len(in_year):
            plural = "regions" if group_by == "region" else "types of organization"
            which = (
                f"none of the {len(in_year)} {plural} can be shown in {year}; each holds"
                if shown == 0
                else f"only {shown} of {len(in_year)} {plural} can be shown in {year}; the others hold"
            )
            says_little = (
                f"{which} fewer than {SMALL_CELL_THRESHOLD} superintendents of color or fewer than "
                f"{SMALL_CELL_THRESHOLD} others"
            )
    else:
        title = f"Superintendents of color by {word}"
    drawn = year is not None and bool((frame["school_year"] == year).any())  # bars, or a message
    about = About.of(
        filters.describe(), year, _source(con, ("staffing",)), charts.SUPPRESSED_NOTE if drawn else ""
    )
    fig = superintendent_charts.group_bars(
        frame,
        group_by,
        year,
        title=title,
        subtitle_text=about.subtitle,
    )
    return Section(
        fig,
        frame,
        says_little=says_little,
        about=about,
    )


def superintendent_scenario(
    con: duckdb.DuckDBPyConnection,
    goals: Goals,
    filters: metrics.Filters,
    posts: float,
    turnover: float,
    hire_share: float,
) -> tuple[Section, Scenario] | None:
    """The path implied by posts, turnover and the share of hires of color, from the latest complete,
    shown year (never a partial one)."""
    goal = goals.superintendents
    if goal is None:
        return None
    supers = goal_progress.share_frame(con, goal, filters)
    counted = metrics.counted_years(supers)
    if counted.empty:
        return None
    latest = counted.iloc[-1]
    scenario = scenario_path(
        latest["school_year"],
        float(latest["share"]),
        posts,
        turnover,
        hire_share,
        goal.target_share,
        goal.target_year,
    )
    end = scenario.path.iloc[-1]
    verdict = "reaching" if scenario.reaches_target else "short of"
    about = About.of(
        filters.describe(),
        latest["school_year"],
        _source(con, ("staffing",)),
        f"Scenario: {posts:,.0f} posts, {turnover:.0%} turnover a year, leavers like the current mix.",
    )
    fig = superintendent_charts.scenario_chart(
        supers,
        scenario,
        goal,
        title=f"Hiring {hire_share:.0%} of color: {end['share']:.1%} by {goal.target_year}, "
        f"{verdict} {goal.target_share:.0%}",
        subtitle_text=about.subtitle,
    )
    return Section(fig, scenario.path, name="superintendents-scenario", about=about), scenario


# --- Fellows -------------------------------------------------------------------------------------

FUNNEL_STEPS = (
    "Enrolled",
    "Completed the Fellowship",
    "Assistant superintendent within 5 years",
    "Superintendent within 5 years",
)


def fellows_outcomes(
    con: duckdb.DuckDBPyConnection, filters: metrics.Filters
) -> tuple[metrics.FellowsSummary, Section, Section, pd.DataFrame]:
    """Status funnel, roles at entry and the per-cohort table, hidden where privacy.py says so."""
    place = metrics.fellows_filters(filters)
    summary, table = metrics.fellows_outcomes(con, place)
    source = _source(con, ("fellows",))
    latest = None if table.empty else table.iloc[-1]
    as_of = None if latest is None else f"cohort {int(latest['cohort'])} ({latest['start_year']})"
    funnel_about = About.of(place.describe(), as_of, source, charts.SUPPRESSED_NOTE)
    funnel = fellows_charts.fellows_funnel(
        summary,
        title="From Fellowship to the superintendent's office",
        subtitle_text=funnel_about.subtitle,
    )
    role_names = ("Principal or assistant principal", "Central office")
    role_counts = (summary.entered_as_principal, summary.entered_from_central_office)
    hidden_roles = [n for n, v in zip(role_names, role_counts, strict=True) if v is None]
    # Fellows also enter from other roles (not drawn): a role can be hidden to protect them, so the note says
    # that a hidden bar may hide another group with it.
    if len(hidden_roles) == 1:
        role_note = (
            f"{hidden_roles[0]} is hidden: it, or the Fellows who entered from another role, number fewer "
            f"than {SMALL_CELL_THRESHOLD}, and the total would give one away from the other."
        )
    elif hidden_roles:
        role_note = f"Both are hidden: fewer than {SMALL_CELL_THRESHOLD} Fellows in a role, or a role the total would give away."
    else:
        role_note = ""
    roles_about = About.of(place.describe(), as_of, source, role_note)
    roles = fellows_charts.fellows_roles(
        summary,
        title="Where Fellows come from",
        subtitle_text=roles_about.subtitle,
    )
    steps = [summary.enrolled, summary.completed, summary.placed_assistant, summary.placed_superintendent]
    funnel_data = pd.DataFrame(
        {
            "step": FUNNEL_STEPS,
            "fellows": pd.array(steps, dtype="Int64"),
            "suppressed": [v is None for v in steps],
        }
    )
    roles_data = pd.DataFrame(
        {
            "role_at_entry": ["Principal or assistant principal", "Central office"],
            "fellows": pd.array(
                [summary.entered_as_principal, summary.entered_from_central_office], dtype="Int64"
            ),
            "suppressed": [summary.entered_as_principal is None, summary.entered_from_central_office is None],
        }
    )
    return (
        summary,
        Section(funnel, funnel_data, about=funnel_about),
        Section(roles, roles_data, about=roles_about),
        table,
    )


# --- Districts -----------------------------------------------------------------------------------


def organization_profile(
    con: duckdb.DuckDBPyConnection, org_code: str, filters: metrics.Filters
) -> tuple[metrics.OrganizationProfile, Section] | None:
    """One organization's profile and its teachers/students chart."""
    profile = metrics.organization_profile(con, org_code, filters)
    if profile is None:
        return None
    both = pd.concat([profile.teachers, profile.students]).dropna(subset=["share"]).sort_values("school_year")
    as_of = None if both.empty else str(both["school_year"].iloc[-1])
    note = ""
    if charts.axis_years(profile.teachers, profile.students):  # a chart that draws: what is hidden
        hidden = int(profile.teachers["suppressed"].astype(bool).sum()) if len(profile.teachers) else 0
        note = charts.SUPPRESSED_NOTE + (f" Teacher figures hidden for {hidden} year(s)." if hidden else "")
    about = About.of(profile.name, as_of, _source(con, ("staffing", "enrollment")), note)
    fig = workforce_charts.organization_trend(
        profile,
        subtitle_text=about.subtitle,
    )
    both = pd.concat([profile.teachers.assign(group="Teachers"), profile.students.assign(group="Students")])
    return profile, Section(fig, both, name=f"{org_code}-staff-and-students", about=about)


# --- Workforce -----------------------------------------------------------------------------------


def workforce_trend(con: duckdb.DuckDBPyConnection, filters: metrics.Filters) -> Section:
    """Share of color in each job class loaded, and among students."""
    shares = metrics.workforce_shares_by_year(con, filters)
    counted = metrics.counted_years(shares)
    as_of = None if counted.empty else str(counted["school_year"].max())
    latest = counted[counted["school_year"] == as_of].set_index("group")["share"] if as_of else pd.Series()
    if "Students" in latest and len(latest) > 1 and (latest.drop("Students") < latest["Students"]).all():
        title = (
            f"In {as_of}, {latest['Students']:.0%} of students were people of color; "
            f"no group of educators was above {latest.drop('Students').max():.0%}"
        )
    else:
        title = "Educators and students of color, by role"
    about = About.of(filters.describe(), as_of, _source(con, ("staffing", "enrollment")), _notes(shares))
    fig = workforce_charts.workforce_trend(
        shares,
        title=title,
        subtitle_text=about.subtitle,
    )
    return Section(fig, shares, about=about)


def parity(con: duckdb.DuckDBPyConnection, filters: metrics.Filters) -> tuple[Section, Section]:
    """Parity over time in view, and across organizations in the latest complete year."""
    both = metrics.parity_by_year(con, filters)
    counted = both[both["complete"].astype(bool) & both["parity"].notna()]
    as_of = None if counted.empty else str(counted["school_year"].max())
    source = _source(con, ("staffing", "enrollment"))
    if as_of:
        latest = float(counted.loc[counted["school_year"] == as_of, "parity"].iloc[0])
        side = "below" if latest < metrics.PARITY_BENCHMARK else "at or above"
        title = f"Parity {latest:.2f} in {as_of}, {side} the {metrics.PARITY_BENCHMARK:.2f} benchmark"
    else:
        title = "Parity of teachers and students of color"
    trend_about = About.of(filters.describe(), as_of, source, _notes(both))
    trend = Section(
        workforce_charts.parity_trend(both, title=title, subtitle_text=trend_about.subtitle),
        both,
        about=trend_about,
    )
    per_org = (
        metrics.parity_by_organization(con, as_of, filters)
        if as_of
        else pd.DataFrame(
            columns=[
                "org_code",
                "name",
                "school_year",
                "teacher_share",
                "student_share",
                "parity",
                "suppressed",
            ]
        )
    )
    above = int((per_org["parity"] >= metrics.PARITY_BENCHMARK).sum())
    shown = int(per_org["parity"].notna().sum())
    hidden = int(per_org["parity"].isna().sum())
    note = (
        f"{hidden:,} organizations are not shown: too few teachers or students of color (or others) to show"
        " one organization on its own."
        if hidden and shown  # under a chart that draws
        else ""
    )
    dist_about = About.of(filters.describe(), as_of, source, note)
    dist = workforce_charts.parity_distribution(
        per_org,
        title=f"{above:,} of {shown:,} organizations shown meet the {metrics.PARITY_BENCHMARK:.2f} benchmark in {as_of}"
        if as_of
        else "Parity by organization",
        subtitle_text=dist_about.subtitle,
    )
    return trend, Section(dist, per_org, about=dist_about)


def race_composition(con: duckdb.DuckDBPyConnection, filters: metrics.Filters) -> Section:
    """Make-up by race/ethnicity of each job class and of students in the latest complete year in view."""
    years = metrics.counted_years(metrics.workforce_shares_by_year(con, filters))
    as_of = None if years.empty else str(years["school_year"].max())
    frame = (
        metrics.race_composition(con, as_of, filters)
        if as_of
        else pd.DataFrame(
            columns=["school_year", "population", "race", "people", "total", "share", "suppressed"]
        )
    )
    drawn = bool(frame["total"].notna().any())
    about = About.of(
        filters.describe(),
        as_of,
        _source(con, ("staffing", "enrollment")),
        charts.SUPPRESSED_NOTE if drawn else "",  # under a chart that draws: what is hidden
    )
    fig = workforce_charts.race_composition_chart(
        frame,
        title=f"Who works in schools, and who learns there, {as_of}"
        if as_of
        else "Make-up by race/ethnicity",
        subtitle_text=about.subtitle,
    )
    return Section(fig, frame, about=about)


# --- Equity leaders and AMSEL ----------------------------------------------------------------------------


def _equity_source(con: duckdb.DuckDBPyConnection) -> Source:
    return _source(con, ("equity_leaders",))


def equity_leader_positions(con: duckdb.DuckDBPyConnection, filters: metrics.Filters) -> Section:
    """Organizations with an equity-leader position and in AMSEL each year; founders named; the title from the
    latest complete year (a partial year is drawn apart and said)."""
    frame = equity.equity_leaders_by_year(con, filters)
    founders = equity.amsel_founders(con)["name"].tolist()
    complete = frame[frame["complete"].astype(bool)] if len(frame) else frame
    as_of = None if complete.empty else str(complete["school_year"].iloc[-1])
    if as_of:
        r = complete.iloc[-1]
        title = (
            f"{int(r['with_leader'])} organizations had an equity-leader position in {as_of}; "
            f"{int(r['amsel'])} of them in AMSEL"
        )
    else:
        title = "Equity-leader positions and AMSEL"
    notes = charts.partial_note(frame) if len(frame) else ""
    about = About.of(filters.describe(), as_of, _equity_source(con), notes)
    fig = equity_charts.equity_leaders_growth(
        frame,
        founders if filters.is_statewide else [],
        title=title,
        subtitle_text=about.subtitle,
    )
    caption = ""
    if as_of:
        r = complete.iloc[-1]
        first = complete.iloc[0]
        caption = (
            f"From {int(first['with_leader'])} organizations with a position in {first['school_year']} to "
            f"{int(r['with_leader'])} in {as_of} ({int(r['reported'])} organizations reported)."
        )
        if founders and filters.is_statewide:
            caption += f" AMSEL began with {len(founders)} founding organizations: {', '.join(founders)}."
        if int(r["independent_schools"]):
            caption += (
                f" {int(r['independent_schools'])} independent schools, outside DESE's organizations, also have "
                "members in AMSEL (counted apart, not in these bars)."
            )
    later = frame[~frame["complete"].astype(bool)] if len(frame) else frame
    if len(later) and as_of and str(later["school_year"].iloc[-1]) > as_of:
        caption += " " + notes
    return Section(fig, frame, caption=caption, about=about)


def equity_leaders_by_group(con: duckdb.DuckDBPyConnection, filters: metrics.Filters, by: str) -> Section:
    """By region: organizations with an equity-leader position; by type: AMSEL members, independent schools a
    group of their own. Organizations, not people."""
    frame = equity.equity_leaders_by_group(con, by, filters)
    column, what = (
        ("with_leader", "with an equity-leader position") if by == "region" else ("amsel", "in AMSEL")
    )
    latest = frame[frame["school_year"] == frame["school_year"].max()] if len(frame) else frame
    as_of = None if latest.empty else str(latest["school_year"].iloc[0])
    if as_of and latest[column].sum() and by == "region":
        top = latest.sort_values(column, ascending=False).iloc[0]
        title = (
            f"Organizations {what} by region: {int(latest[column].sum())} in {as_of}, "
            f"{int(top[column])} of them in {top['group']}"
        )
    elif as_of and latest[column].sum():
        # DESE's organizations counted as on the rest of the page (44 in AMSEL), the independent schools
        # that have members apart: one count per fact.
        outside = latest[latest["org_type"] == definitions.INDEPENDENT]
        inside = latest[latest["org_type"] != definitions.INDEPENDENT]
        top = inside.sort_values(column, ascending=False).iloc[0] if inside[column].sum() else None
        schools = int(outside[column].sum())
        title = f"AMSEL in {as_of}: {int(inside[column].sum())} organizations" + (
            f" ({int(top[column])} of them {top['group'].lower()})" if top is not None else ""
        )
        if schools:
            title += f" and {schools} independent school{'s' if schools != 1 else ''}"
    else:
        title = f"Organizations {what}, by {'region' if by == 'region' else 'type'}"
    kinds = ("equity_leaders",) if by == "region" else ("equity_leaders", "amsel_members")
    about = About.of(filters.describe(), as_of, _source(con, kinds))
    fig = equity_charts.equity_leaders_by_group_chart(
        frame,
        column,
        what,
        title=title,
        subtitle_text=about.subtitle,
    )
    return Section(fig, frame, about=about)


def amsel_network(con: duckdb.DuckDBPyConnection, filters: metrics.Filters) -> tuple[Section, Section]:
    """The network's members by year (individual and district, new to their role) and the shares meeting its
    expectations; every figure published through privacy.py (equity.network_by_year)."""
    network = equity.network_by_year(con, filters)
    source = _source(con, ("amsel_members",))
    members = network[(network["measure"] == "members")] if len(network) else network
    shown = members.dropna(subset=["count"]) if len(members) else members
    as_of = None if shown.empty else str(shown["school_year"].iloc[-1])
    if as_of:
        r = shown.iloc[-1]
        new = network[(network["measure"] == "new_to_role") & (network["school_year"] == as_of)]
        new_words = (
            f", {int(new['count'].iloc[0])} of them new to their role"
            if len(new) and pd.notna(new["count"].iloc[0])
            else ""
        )
        title = f"AMSEL had {int(r['count'])} members in {as_of}{new_words}"
    else:
        title = "AMSEL's members: nothing can be shown for this view"
    # Under a chart that draws (a membership list is loaded): what is hidden.
    note = "" if network.empty else charts.SUPPRESSED_NOTE
    members_about = About.of(filters.describe(), as_of, source, note)
    members_fig = equity_charts.network_members_chart(
        network, title=title, subtitle_text=members_about.subtitle
    )
    latest = network[network["school_year"] == as_of] if as_of else network.iloc[0:0]
    shares = latest.set_index("measure")["share"] if len(latest) else pd.Series(dtype=float)
    parts = [
        f"{shares[k]:.0%} {words}"
        for k, words in (
            ("every_meeting", "at every monthly meeting"),
            ("in_subcommittee", "in a subcommittee"),
        )
        if k in shares and pd.notna(shares[k])
    ]
    title = (
        f"In {as_of}: {', '.join(parts)} (the network expects all)"
        if parts
        else "Meeting the network's expectations"
    )
    expectations_about = About.of(filters.describe(), as_of, source, note)
    expectations_fig = equity_charts.network_expectations_chart(
        network, title=title, subtitle_text=expectations_about.subtitle
    )
    mentors = network[(network["measure"] == "new_with_mentor")] if len(network) else network
    hidden = mentors[mentors["suppressed"].astype(bool)]["school_year"].tolist() if len(mentors) else []
    caption = (
        "Shares among the members of each year's list; mentors among members new to their role (who "
        f"started it that school year). A figure is hidden where fewer than {SMALL_CELL_THRESHOLD} members have the attribute or "
        f"fewer than {SMALL_CELL_THRESHOLD} do not, or where it would give such a group away."
    )
    if hidden:
        caption += f" Mentors cannot be shown for {', '.join(hidden)}."
    return (
        Section(members_fig, network, caption=caption, about=members_about),
        Section(
            expectations_fig,
            network,
            caption=caption,
            about=expectations_about,
        ),
    )


def equity_comparison(
    con: duckdb.DuckDBPyConnection, filters: metrics.Filters, population: str = "Teacher"
) -> Section:
    """Staff of color in organizations with an equity leader and without, over the same years: a comparison,
    never an effect."""
    comparison = equity.leader_comparison(con, population, filters)
    frame = comparison.frame
    word = f"{population.lower()}s"
    with_change = comparison.change.get(equity.WITH_LEADER)
    without_change = comparison.change.get(equity.WITHOUT_LEADER)
    if with_change and without_change:
        title = (
            f"{word.capitalize()} of color, {with_change[0]} to {with_change[1]}: {with_change[2]:+.1f} points where "
            f"there is an equity leader, {without_change[2]:+.1f} where there is not"
        )
    else:
        title = f"{word.capitalize()} of color, with an equity leader and without"
    counted = metrics.counted_years(frame) if len(frame) else frame
    as_of = None if counted.empty else str(counted["school_year"].max())
    notes = [n for n in (_notes(frame) if len(frame) else "",) if n]
    about = About.of(
        filters.describe(), as_of, _source(con, ("staffing", "equity_leaders")), "<br>".join(notes)
    )
    fig = equity_charts.leader_comparison_chart(
        comparison,
        title=title,
        subtitle_text=about.subtitle,
    )
    caption = ""
    if comparison.as_of and len(frame):
        latest = frame[frame["school_year"] == frame["school_year"].max()]
        n = latest.set_index("group")
        left = int(latest["left_out"].sum())
        caption = (
            f"Groups by the equity-leader position in {comparison.as_of}, the same organizations every year. "
            + " ".join(
                f"{g}: {int(n.loc[g, 'organizations'])} organizations in {latest['school_year'].iloc[0]}."
                for g in (equity.WITH_LEADER, equity.WITHOUT_LEADER)
                if g in n.index
            )
            + (
                f" {left} organizations whose small numbers are counted together with organizations of the other "
                "group are in neither figure."
                if left
                else ""
            )
            + " This compares the two groups; it does not show what the position caused (districts that create "
            "one differ in many other ways)."
        )
    return Section(fig, frame, caption=caption, about=about)


def equity_map(con: duckdb.DuckDBPyConnection, filters: metrics.Filters) -> Section:
    """Organizations placed by their town over the state and county outlines, by their standing."""
    found = equity.organization_map(con, filters)
    # Placed or not, every organization counts (the list of gaps below the map counts them all).
    counts = pd.concat([found.placed["standing"], found.unplaced["standing"]]).value_counts()
    gaps = int(counts.get(equity.LEADER_GAP, 0))
    title = (
        f"Where the gaps are: {gaps} organizations without an equity leader, {found.as_of}"
        if found.as_of
        else "Equity leaders across Massachusetts"
    )
    unplaced = len(found.unplaced)
    names = found.unplaced["name"].tolist()
    note = (
        f"Not on the map (no single town): {names[0]}" + (f" and {unplaced - 1} more" if unplaced > 1 else "")
        if unplaced
        else ""
    )
    listed = (
        f"Not on the map (no single town): {', '.join(names[:8])}" + ("…" if unplaced > 8 else "")
        if unplaced
        else ""
    )
    about = About.of(
        filters.describe(),
        found.as_of,
        _source(con, ("equity_leaders", "enrollment", "participation")),
        charts.figure_text(note),
    )
    fig = equity_charts.organization_map_chart(
        found.placed,
        geography.outlines(),
        title=title,
        subtitle_text=about.subtitle,
    )
    data = pd.concat([found.placed, found.unplaced], ignore_index=True)
    caption = (
        "Each organization at its town's centre (a regional district at its first-named town; several in one "
        "town are set around it). Outlines: the state and its counties (U.S. Census Bureau)."
        + (f" {listed}." if listed else "")
    )
    return Section(fig, data, caption=caption, about=about)


# The per-cohort table as shown, here too for the privacy attacks' tests (the tables live in analytics.tables).
fellows_cohort_display = tables.fellows_cohort_display
