"""Charts of students' experience (analytics/students.py): the gaps between students of color and White
students, each measure's rates, and Influence 100's organizations beside all others. They draw; the words
(titles, captions) are made in analytics/sections.py."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics import chart_fit, charts
from analytics.charts import BLUE, GREY, ORANGE, SERIES, VERMILLION
from analytics.definitions import SMALL_CELL_THRESHOLD, school_years_between
from analytics.goals import GapGoal
from analytics.students import MEASURES, Measure

PANDEMIC_FILL = "rgba(127,127,127,0.12)"


def _years(frame: pd.DataFrame, first: str | None = None) -> list[str]:
    present = sorted(frame["school_year"].dropna().unique())
    if not present:
        return []
    return school_years_between(min(first or present[0], present[0]), present[-1])


def _mark_baseline_and_pandemic(
    fig: go.Figure, years: list[str], baseline: str, pandemic: tuple[str, ...]
) -> None:
    """A line where the program began, and the years DESE flags as not comparable shaded and named."""
    shown = [y for y in pandemic if y in years]
    if shown:
        fig.add_vrect(
            x0=years.index(shown[0]) - 0.5,
            x1=years.index(shown[-1]) + 0.5,
            fillcolor=PANDEMIC_FILL,
            line_width=0,
            layer="below",
        )
        fig.add_annotation(
            # Inside the shaded years, clear of the legend above the plot; moved down, where the chart is
            # drawn, to a place no line or marker crosses (analytics/chart_fit.py).
            name=chart_fit.MOVABLE_NOTE,
            x=(years.index(shown[0]) + years.index(shown[-1])) / 2,
            y=0.99,
            yref="paper",
            yanchor="top",
            text="Not comparable<br>(pandemic)",
            showarrow=False,
            font=dict(size=11, color="#595959"),
        )
    if baseline in years:
        fig.add_vline(x=years.index(baseline) - 0.5, line=dict(color=GREY, width=1.5, dash="dot"))


def _headroom(fig: go.Figure, not_comparable: tuple[str, ...]) -> None:
    """Room above the lines for the 'Not comparable (pandemic)' note, so that at no size does a line run
    through it: the y axis from below the lowest figure (and zero) to a quarter above the highest."""
    values = [v for t in fig.data for v in t.y if v is not None and v == v]
    if not not_comparable or not values:
        return
    low, high = min([*values, 0.0]), max([*values, 0.0])
    span = (high - low) or 1.0
    fig.update_yaxes(range=[low - 0.08 * span, high + 0.3 * span])


def _points(values: pd.Series, measure: Measure) -> pd.Series:
    return values if measure.index else values * 100


def gaps(
    frame: pd.DataFrame, goal: GapGoal, *, title: str, subtitle_text: str, height: int = 460
) -> go.Figure:
    """Each measure's gap (students of color minus White, in points) by year, the program's start marked."""
    counted = frame[frame["gap"].notna()] if len(frame) else frame
    if counted.empty:
        return charts.empty_figure(
            "No students' experience reports are loaded for this view.", title, subtitle_text
        )
    years = _years(counted, goal.first_year)
    fig = go.Figure()
    pandemic: tuple[str, ...] = ()
    for i, key in enumerate(goal.measures):
        measure = MEASURES[key]
        pandemic = pandemic or measure.not_comparable
        part = counted[counted["measure"] == key].set_index("school_year").reindex(years)
        fig.add_trace(
            go.Scatter(
                x=years,
                y=_points(part["gap"], measure),
                name=measure.label[0].upper() + measure.label[1:],
                mode="lines+markers",
                line=dict(color=SERIES[i % len(SERIES)], width=3),
                marker=dict(size=8),
                connectgaps=False,
                hovertemplate="%{x}: a gap of %{y:+.1f} "
                + measure.unit
                + "<extra>"
                + measure.label
                + "</extra>",
            )
        )
    fig.add_hline(y=0, line=dict(color="#B0B7BE", width=1))
    _mark_baseline_and_pandemic(fig, years, goal.baseline_year, pandemic)
    charts.layout(fig, title, subtitle_text, height=height)
    charts.year_axis(fig, years)
    fig.update_yaxes(title_text="Gap: students of color minus White (points)", gridcolor="#E5E8EB")
    _headroom(fig, tuple(pandemic))
    return fig


def measure_rates(
    frame: pd.DataFrame, measure: Measure, baseline: str, *, title: str, subtitle_text: str, height: int = 440
) -> go.Figure:
    """One measure's rate (or index) for students of color and for White students by year."""
    counted = frame[frame["rate_of_color"].notna()] if len(frame) else frame
    if counted.empty:
        return charts.empty_figure(
            f"No {measure.label} figure can be shown for this view (not loaded, a partial year, or a group of fewer "
            f"than {SMALL_CELL_THRESHOLD}).",
            title,
            subtitle_text,
        )
    years = _years(frame)
    shown = frame.set_index("school_year").reindex(years)
    fig = go.Figure()
    for column, name, color in (
        ("rate_of_color", "Students of color", ORANGE),
        ("rate_white", "White students", BLUE),
    ):
        fig.add_trace(
            go.Scatter(
                x=years,
                y=shown[column],
                name=name,
                mode="lines+markers",
                line=dict(color=color, width=3),
                marker=dict(size=8),
                connectgaps=False,
                hovertemplate="%{x}: %{y"
                + ("" if measure.index else ":.1%")
                + "}<extra>"
                + name
                + "</extra>",
            )
        )
    _mark_baseline_and_pandemic(fig, years, baseline, measure.not_comparable)
    charts.layout(fig, title, subtitle_text, height=height)
    charts.year_axis(fig, years)
    if measure.index:
        fig.update_yaxes(title_text="VOCAL index (1-99)", gridcolor="#E5E8EB")
    else:
        fig.update_yaxes(
            title_text=measure.label[0].upper() + measure.label[1:] + " rate",
            tickformat=".0%",
            rangemode="tozero",
            gridcolor="#E5E8EB",
        )
    return fig


def influence_gaps(
    frame: pd.DataFrame, measure: Measure, baseline: str, *, title: str, subtitle_text: str, height: int = 420
) -> go.Figure:
    """The gap by year in Influence 100's organizations (each from the year it joined) and in all others."""
    counted = frame[frame["gap"].notna()] if len(frame) else frame
    if counted.empty:
        return charts.empty_figure(
            f"Neither group can be shown for this view (a group of fewer than {SMALL_CELL_THRESHOLD}, or none loaded).",
            title,
            subtitle_text,
        )
    years = _years(frame)
    fig = go.Figure()
    colors = {"Influence 100 organizations": VERMILLION}
    for group in sorted(frame["group"].unique(), key=lambda g: g not in colors):
        color = colors.get(group, GREY)
        part = frame[frame["group"] == group].set_index("school_year").reindex(years)
        fig.add_trace(
            go.Scatter(
                x=years,
                y=_points(part["gap"], measure),
                name=group,
                mode="lines+markers",
                line=dict(color=color, width=3),
                marker=dict(size=8),
                connectgaps=False,
                hovertemplate="%{x}: a gap of %{y:+.1f} " + measure.unit + "<extra>" + group + "</extra>",
            )
        )
    fig.add_hline(y=0, line=dict(color="#B0B7BE", width=1))
    _mark_baseline_and_pandemic(fig, years, baseline, measure.not_comparable)
    charts.layout(fig, title, subtitle_text, height=height)
    charts.year_axis(fig, years)
    fig.update_yaxes(title_text="Gap: students of color minus White (points)", gridcolor="#E5E8EB")
    _headroom(fig, measure.not_comparable)
    return fig
