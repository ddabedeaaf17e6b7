"""The Superintendents page's other charts: the representation gap (superintendents, teachers and students
of color on one axis), superintendents of color by region or type, and the hiring scenario."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics import charts, goal_charts
from analytics.charts import BLUE, GREEN, HIDDEN, ORANGE, PURPLE, VERMILLION
from analytics.definitions import SMALL_CELL_THRESHOLD, school_years_between
from analytics.goals import ShareGoal
from analytics.projection import Scenario
from analytics.text import figure_text


def representation_gap(
    context: pd.DataFrame, *, title: str, subtitle_text: str, references: pd.DataFrame | None = None
) -> go.Figure:
    """Superintendents, teachers and students of color on one axis: the gap the program exists to close
    (complete, shown years on the lines; partial years apart; hidden years are gaps)."""
    years = charts.axis_years(context)
    if not years or context["share"].dropna().empty:
        return charts.empty_figure(
            "No staffing or enrollment can be shown for this view.", title, subtitle_text
        )
    fig = go.Figure()
    colors = {"Students": ORANGE, "Teachers": GREEN, "Superintendents": BLUE}
    units = {"Students": "students", "Teachers": "teachers (FTE)", "Superintendents": "superintendents (FTE)"}
    ends = {}
    for group, color in colors.items():
        part = context[context["group"] == group]
        if part.empty:
            continue
        line = charts.on_years(charts.counted(part), years, ["share", "of_color", "total"])
        fig.add_trace(
            go.Scatter(
                x=line["school_year"],
                y=line["share"],
                name=f"{group} of color",
                mode="lines+markers",
                line=dict(color=color, width=3),
                marker=dict(size=7),
                connectgaps=False,
                customdata=charts.hover_words(line, units[group]),
                hovertemplate=f"%{{x}}: %{{y:.1%}} of {group.lower()} were people of color (%{{customdata}})"
                "<extra></extra>",
            )
        )
        charts.add_partial_years(fig, part, years)
        drawn = line.dropna(subset=["share"])
        if len(drawn):
            ends[group] = drawn.iloc[-1]
    top = float(context["share"].max())
    spread = charts.spread([e["share"] for e in ends.values()], gap=0.07 * top)
    for (group, last), y in zip(ends.items(), spread, strict=True):
        charts.label_end(fig, last["school_year"], y, f"{group} {last['share']:.1%}", colors[group])
    if references is not None:
        refs = references[references["group"].isin(["superintendents", "teachers", "students"])]
        goal_charts.add_references(fig, refs, years, labels=False)
    charts.layout(fig, title, subtitle_text, height=460)
    charts.year_axis(fig, years)
    charts.share_axis(fig, "Share who are people of color", top * 1.15)
    return fig


def group_bars(
    frame: pd.DataFrame, group_col: str, school_year: str | None, *, title: str, subtitle_text: str
) -> go.Figure:
    """One bar per group (region or type) for one school year, with the share written on it, and
    'hidden (small numbers)' written where the group cannot be shown."""
    year = frame[frame["school_year"] == school_year] if school_year else frame.iloc[0:0]
    if year.empty:
        return charts.empty_figure(
            "No year of superintendent staffing can be shown for this view: none is complete, or each holds "
            f"fewer than {SMALL_CELL_THRESHOLD} superintendents of color or fewer than {SMALL_CELL_THRESHOLD} others.",
            title,
            subtitle_text,
        )
    year = year.sort_values(group_col, kind="stable")
    shown = ~year["suppressed"].astype(bool)
    words = [f"{v:.1%}" if ok else HIDDEN for v, ok in zip(year["share"], shown, strict=True)]
    hover = [
        f"{v:.1%} of superintendents were people of color ({w})" if ok else "Hidden: small numbers"
        for v, ok, w in zip(
            year["share"], shown, charts.hover_words(year, "superintendents, FTE"), strict=True
        )
    ]
    fig = go.Figure(
        go.Bar(
            y=[figure_text(g) for g in year[group_col]],  # tick labels and hover draw markup too
            x=year["share"].fillna(0),
            orientation="h",
            text=words,
            textposition="outside",
            cliponaxis=False,
            marker_color=[BLUE if ok else "#D5DBE0" for ok in shown],
            customdata=hover,
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    top = float(year["share"].max()) if shown.any() else 0.1
    charts.layout(fig, title, subtitle_text, height=200 + 44 * len(year), legend=False)
    fig.update_layout(margin_r=190)
    fig.update_xaxes(
        tickformat=".0%",
        range=[0, max(top * 1.35, 0.05)],
        title_text=f"Superintendents who are people of color, {school_year}",
        gridcolor="#E5E8EB",
    )
    fig.update_yaxes(autorange="reversed", title_text="")
    return fig


def scenario_chart(
    supers: pd.DataFrame, scenario: Scenario, goal: ShareGoal, *, title: str, subtitle_text: str
) -> go.Figure:
    """Observed share, the path the scenario implies, and the target path."""
    years = charts.axis_years(supers, scenario.path, until=goal.target_year)
    fig = go.Figure()
    target_years = [y for y in school_years_between(goal.baseline_year, goal.target_year) if y in years]
    fig.add_trace(
        go.Scatter(
            x=target_years,
            y=[goal.target_for(y) for y in target_years],
            name="Target path",
            mode="lines",
            line=dict(color=VERMILLION, width=2.5, dash="dash"),
            hovertemplate="%{x}: target %{y:.1%}<extra></extra>",
        )
    )
    shown = charts.on_years(charts.counted(supers), years, ["share"])
    fig.add_trace(
        go.Scatter(
            x=shown["school_year"],
            y=shown["share"],
            name="Observed",
            mode="lines+markers",
            line=dict(color=BLUE, width=3),
            connectgaps=False,
            hovertemplate="%{x}: %{y:.1%} observed<extra></extra>",
        )
    )
    path = scenario.path
    fig.add_trace(
        go.Scatter(
            x=path["school_year"],
            y=path["share"],
            name="Scenario",
            mode="lines+markers",
            line=dict(color=PURPLE, width=3, dash="dot"),
            marker=dict(symbol="circle-open", size=8),
            customdata=path["people_of_color"],
            hovertemplate="%{x}: %{y:.1%} in this scenario (about %{customdata:.0f} superintendents of color)"
            "<extra></extra>",
        )
    )
    end = path.iloc[-1]
    charts.label_end(fig, end["school_year"], end["share"], f"Scenario<br>{end['share']:.1%}", PURPLE)
    charts.layout(fig, title, subtitle_text, height=420)
    charts.year_axis(fig, years)
    charts.share_axis(
        fig,
        "Superintendents who are people of color",
        max(goal.target_share, float(path["share"].max())) * 1.2,
    )
    return fig
