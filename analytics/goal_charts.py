"""A goal's chart, whatever its kind: a share against its target path (with the projected trend and the
published figures), Fellows by cohort against the count goal, organizations taking part each year and in all.
They draw; the words (titles, captions) are made in analytics/sections.py."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics import charts
from analytics.charts import BLACK, BLUE, GREEN, GREY, SKY, VERMILLION
from analytics.definitions import SMALL_CELL_THRESHOLD, school_years_between
from analytics.goals import CountGoal, CumulativeGoal, PerYearGoal, ShareGoal
from analytics.projection import Projection


def share_trend(
    frame: pd.DataFrame,
    goal: ShareGoal,
    *,
    title: str,
    subtitle_text: str,
    projection: Projection | None = None,
    references: pd.DataFrame | None = None,
    height: int = 480,
    statewide_view: bool = True,
) -> go.Figure:
    """A share goal's population: its share of color by year against the straight target path (in a region
    or type view, the statewide path as a reference), with the projected trend and its 90% band, and
    published figures as labelled markers. Partial years show their coverage; hidden years are gaps."""
    years = charts.axis_years(frame, until=goal.target_year)
    fig = go.Figure()
    people = goal.population
    if not years:
        return charts.empty_figure(f"No {people} staffing is loaded for this view.", title, subtitle_text)
    if frame["share"].dropna().empty:
        return charts.empty_figure(
            f"Hidden: in every year this view holds fewer than {SMALL_CELL_THRESHOLD} {people} of color or fewer than {SMALL_CELL_THRESHOLD} others"
            "<br>(or a figure that would give such a group away). Widen the region or type.",
            title,
            subtitle_text,
        )
    # The path only where the axis is: a view starting after the baseline starts the path there too.
    target_years = [y for y in school_years_between(goal.baseline_year, goal.target_year) if y in years]
    target = [goal.target_for(y) for y in target_years]
    if target_years:
        fig.add_trace(
            go.Scatter(
                x=target_years,
                y=target,
                name=("Target path" if statewide_view else "Statewide target path")
                + f": {goal.baseline_share:.0%} in {goal.baseline_year} → {goal.target_share:.0%} by {goal.target_year}",
                mode="lines",
                line=dict(color=VERMILLION, width=2.5, dash="dash"),
                hovertemplate="%{x}: target %{y:.1%} of " + people + "<extra></extra>",
            )
        )
        charts.label_end(
            fig,
            target_years[-1],
            target[-1],
            ("Target" if statewide_view else "Statewide target")
            + f" {goal.target_share:.0%}<br>by {goal.target_year}",
            VERMILLION,
        )
    if projection is not None:
        band = projection.path[projection.path["school_year"].isin(years)]
        fig.add_trace(
            go.Scatter(
                x=band["school_year"],
                y=band["high"],
                mode="lines",
                line=dict(width=0),
                showlegend=False,
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=band["school_year"],
                y=band["low"],
                mode="lines",
                line=dict(width=0),
                fill="tonexty",
                fillcolor="rgba(86,180,233,0.22)",
                name="90% band of the trend",
                hovertemplate="%{x}: between %{y:.1%} and %{customdata:.1%}<extra>90% band</extra>",
                customdata=band["high"],
            )
        )
        fig.add_trace(
            go.Scatter(
                x=band["school_year"],
                y=band["share"],
                mode="lines",
                line=dict(color=BLUE, width=2, dash="dot"),
                name=f"Trend since {projection.fitted_years[0]}",
                hovertemplate="%{x}: the trend points to %{y:.1%}<extra></extra>",
            )
        )
        end = band.iloc[-1]
        charts.label_end(fig, end["school_year"], end["share"], trend_label(projection), BLUE)
    line = charts.on_years(charts.counted(frame), years, ["share", "of_color", "total"])
    fig.add_trace(
        go.Scatter(
            x=line["school_year"],
            y=line["share"],
            name=goal.title,
            mode="lines+markers",
            line=dict(color=BLUE, width=3.5),
            marker=dict(size=8),
            connectgaps=False,
            customdata=charts.hover_words(line, f"{people} (FTE)"),
            hovertemplate="%{x}: %{y:.1%} of "
            + people
            + " were people of color (%{customdata})<extra></extra>",
        )
    )
    charts.add_partial_years(fig, frame, years)
    if references is not None:
        add_references(
            fig,
            references[references["group"] == people],
            years,
            path=dict(zip(target_years, target, strict=True)),
        )
    charts.layout(fig, title, subtitle_text, height=height)
    charts.year_axis(fig, years)
    shown = frame["share"].dropna()
    top = max(goal.target_share, float(shown.max()) if len(shown) else 0) * 1.25
    if projection is not None:
        top = max(top, float(projection.path["high"].max()) * 1.05)
    charts.share_axis(fig, f"{people[0].upper()}{people[1:]} who are people of color", top)
    return fig


def trend_label(projection: Projection) -> str:
    """'Trend reaches 14%<br>in 2031-32' or 'Trend: not 14%<br>by 2034-35', from the projection's target."""
    target = f"{projection.target_share:.0%}"
    if projection.year_target_reached:
        return f"Trend reaches {target}<br>in {projection.year_target_reached}"
    return f"Trend stays below {target}<br>through {projection.horizon}"


def add_references(
    fig: go.Figure,
    references: pd.DataFrame | None,
    years: list[str],
    *,
    labels: bool = True,
    path: dict[str, float] | None = None,
) -> None:
    if references is None or references.empty:
        return
    points = references[references["school_year"].isin(years)]
    if points.empty:
        return
    fig.add_trace(
        go.Scatter(
            x=points["school_year"],
            y=points["share"],
            mode="markers+text" if labels else "markers",
            name="Published figures",
            marker=dict(symbol="diamond-open", size=12, color=BLACK, line=dict(width=2)),
            text=points["label"],
            # Below and to the right: the lines rise to the right, so that corner stays clear of them; a
            # figure above the target path (`path`, by year) goes above and to the left instead, or the
            # dashed path below it would run through its label.
            textposition=[
                "top left" if path and share > path.get(year, float("inf")) + 0.002 else "bottom right"
                for year, share in zip(points["school_year"], points["share"], strict=True)
            ],
            textfont=dict(size=11, color="#333"),
            customdata=points[["source", "label"]],
            hovertemplate="%{x}: %{customdata[1]} (published by %{customdata[0]})<extra></extra>",
        )
    )


def _cohort_labels(cohorts: pd.DataFrame) -> list[str]:
    return [f"Cohort {int(c)}<br>{y}" for c, y in zip(cohorts["cohort"], cohorts["start_year"], strict=True)]


def fellows_cumulative(
    cohorts: pd.DataFrame,
    goal: CountGoal,
    *,
    title: str,
    subtitle_text: str,
    height: int = 460,
    statewide_view: bool = True,
) -> go.Figure:
    """Cohort sizes as bars, the running total as a line, against the goal and its pace (a statewide goal:
    a region or type view draws its own Fellows, with neither)."""
    if cohorts.empty:
        return charts.empty_figure(
            "No Influence 100 Fellows come from organizations in this view.", title, subtitle_text
        )
    labels = _cohort_labels(cohorts)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=labels,
            y=cohorts["fellows"],
            name="Fellows in the cohort",
            marker_color=SKY,
            text=cohorts["fellows"],
            # At the bar's foot, clear of the running total's line that starts at the first bar's top.
            textposition="inside",
            insidetextanchor="start",
            constraintext="none",
            textangle=0,
            hovertemplate="%{x}: %{y} fellows began<extra></extra>",
        )
    )
    if statewide_view:
        pace = [goal.planned_by(int(c)) for c in cohorts["cohort"]]
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=pace,
                name=f"Plan: {goal.goal} by cohort {goal.by_cohort}",
                mode="lines",
                line=dict(color=GREY, width=2, dash="dot"),
                hovertemplate="%{x}: %{y:.0f} planned by this cohort<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=cohorts["cumulative"],
            name="Fellows so far",
            mode="lines+markers+text",
            line=dict(color=BLUE, width=3.5),
            marker=dict(size=9),
            text=[""] + [str(v) for v in cohorts["cumulative"].iloc[1:]],  # the first equals its bar
            textposition="top center",
            textfont=dict(color=BLUE, size=13),
            cliponaxis=False,
            hovertemplate="%{x}: %{y} fellows in all so far<extra></extra>",
        )
    )
    top = int(cohorts["cumulative"].max())
    if statewide_view:
        top = max(top, goal.goal)
        fig.add_hline(y=goal.goal, line=dict(color=VERMILLION, width=2.5, dash="dash"))
        fig.add_annotation(
            x=1,
            xref="paper",
            y=goal.goal,
            text=f"Goal: {goal.goal}<br>by cohort {goal.by_cohort}",
            showarrow=False,
            xanchor="left",
            xshift=8,
            font=dict(color=VERMILLION, size=13),
            align="left",
        )
    charts.layout(fig, title, subtitle_text, height=height)
    fig.update_xaxes(title_text="Cohort (school year it began)", type="category", tickangle=0)
    fig.update_yaxes(
        title_text="Fellows",
        rangemode="tozero",
        gridcolor="#E5E8EB",
        range=[0, top * 1.15],
    )
    return fig


def participation_per_year(
    participation: pd.DataFrame,
    goal: PerYearGoal,
    *,
    title: str,
    subtitle_text: str,
    height: int = 440,
    statewide_view: bool = True,
) -> go.Figure:
    """Organizations taking part each year (new and continuing) and those in the goal's component, against
    its band (a statewide goal: a region or type view draws its own organizations, without the band)."""
    if participation.empty:
        return charts.empty_figure("No participation is loaded for this view.", title, subtitle_text)
    column = goal.component.replace(" ", "_")
    years = charts.axis_years(participation)
    shown = charts.on_years(participation, years, ["new", "continuing", column, "participating"])
    fig = go.Figure()
    if statewide_view:
        fig.add_hrect(
            y0=goal.per_year_min, y1=goal.per_year_max, fillcolor="rgba(0,158,115,0.14)", line_width=0
        )
        for edge in (goal.per_year_min, goal.per_year_max):  # the band's edges stay visible over the bars
            fig.add_hline(y=edge, line=dict(color=GREEN, width=1.5, dash="dot"), layer="above")
        fig.add_annotation(
            x=1,
            xref="paper",
            y=(goal.per_year_min + goal.per_year_max) / 2,
            text=f"Goal: {goal.per_year_min}-{goal.per_year_max}<br>a year",
            showarrow=False,
            xanchor="left",
            xshift=8,
            font=dict(color=GREEN, size=13),
            align="left",
        )
    fig.add_trace(
        go.Bar(
            x=shown["school_year"],
            y=shown["continuing"],
            name="Continuing",
            marker_color=BLUE,
            hovertemplate="%{x}: %{y} organizations continuing<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            x=shown["school_year"],
            y=shown["new"],
            name="New this year",
            marker_color=SKY,
            text=shown["participating"],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y} organizations new this year<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=shown["school_year"],
            y=shown[column],
            name=f"In {goal.component}",
            mode="lines+markers",
            line=dict(color=GREEN, width=3),
            marker=dict(size=9, symbol="diamond"),
            connectgaps=False,
            hovertemplate=f"%{{x}}: %{{y}} organizations in {goal.component}<extra></extra>",
        )
    )
    charts.layout(fig, title, subtitle_text, height=height)
    fig.update_layout(barmode="stack")
    charts.year_axis(fig, years)
    fig.update_yaxes(
        title_text="Organizations",
        rangemode="tozero",
        gridcolor="#E5E8EB",
        range=[
            0,
            max(goal.per_year_max if statewide_view else 0, float(shown["participating"].max() or 0)) * 1.2,
        ],
    )
    return fig


def participation_cumulative(
    participation: pd.DataFrame,
    goal: CumulativeGoal,
    *,
    title: str,
    subtitle_text: str,
    height: int = 440,
    statewide_view: bool = True,
) -> go.Figure:
    """Organizations that have ever taken part, and those with the goal's measure (a workforce-diversity
    strategy), against the goal's straight path by its target year (a statewide goal: a region or type view
    draws its own organizations, without the path)."""
    if participation.empty:
        return charts.empty_figure("No participation is loaded for this view.", title, subtitle_text)
    start = min(goal.start_year, participation["school_year"].min())
    until = max(goal.target_year, participation["school_year"].max()) if statewide_view else None
    years = school_years_between(start, until or participation["school_year"].max())
    shown = charts.on_years(participation, years, ["cumulative_participating", f"cumulative_{goal.measure}"])
    fig = go.Figure()
    if statewide_view:
        fig.add_trace(
            go.Scatter(
                x=[goal.start_year, goal.target_year],
                y=[0, goal.goal],
                mode="lines",
                name=f"Path to {goal.goal} by {goal.target_year}",
                line=dict(color=VERMILLION, width=2.5, dash="dash"),
                hovertemplate="Goal path<extra></extra>",
            )
        )
        charts.label_end(
            fig, goal.target_year, goal.goal, f"Goal: {goal.goal}<br>by {goal.target_year}", VERMILLION
        )
    for col, name, color in (
        ("cumulative_participating", "Have taken part", BLUE),
        (f"cumulative_{goal.measure}", "Have a workforce-diversity strategy", GREEN),
    ):
        fig.add_trace(
            go.Scatter(
                x=shown["school_year"],
                y=shown[col],
                name=name,
                mode="lines+markers",
                connectgaps=False,
                line=dict(color=color, width=3),
                marker=dict(size=8),
                hovertemplate=f"%{{x}}: %{{y}} organizations {name.lower()}<extra></extra>",
            )
        )
        last = participation.iloc[-1]
        charts.label_end(fig, last["school_year"], last[col], f"{int(last[col])}", color)
    charts.layout(fig, title, subtitle_text, height=height)
    charts.year_axis(fig, years)
    fig.update_yaxes(
        title_text="Organizations (running total)",
        rangemode="tozero",
        gridcolor="#E5E8EB",
        range=[
            0,
            (goal.goal if statewide_view else float(shown["cumulative_participating"].max() or 1)) * 1.12,
        ],
    )
    return fig
