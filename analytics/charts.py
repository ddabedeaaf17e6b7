"""Plotly figure builders: DataFrames in, slide-ready figures out.

Every chart: school years on a categorical axis ('2019-20'), percentages as percentages, the Okabe-Ito
colour-blind-safe palette, targets drawn and labelled in the chart, a title that states the finding, a
subtitle with scope, data as-of year and source, and hover text in words. A year with no data is a gap.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics import chart_fit, formats
from analytics.coverage import partial_label
from analytics.definitions import JOB_CLASSES, RACES, school_years_between
from analytics.goals import CountGoal, CumulativeGoal, PerYearGoal, ShareGoal
from analytics.metrics import PARITY_BENCHMARK, FellowsSummary, OrganizationProfile
from analytics.projection import Projection, Scenario
from analytics.text import figure_text

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies.
BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
PURPLE, SKY, YELLOW, GREY, BLACK = "#CC79A7", "#56B4E9", "#F0E442", "#7F7F7F", "#000000"
SERIES = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK, GREY]
RACE_COLORS = dict(zip(RACES, [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, "#BBBBBB"], strict=True))
# Arial (Liberation Sans on Linux): the same metrics in the browser and in PNG/PowerPoint exports.
FONT = "Arial, Liberation Sans, Helvetica, sans-serif"
SUPPRESSED_NOTE = "Groups of fewer than 6 people are hidden, and figures that would give one away."
HIDDEN = "hidden (small numbers)"
# One colour per job class, the same in every view (teachers green, as on the representation-gap chart).
JOB_CLASS_COLORS = dict(
    zip(JOB_CLASSES, [BLUE, SKY, PURPLE, VERMILLION, GREEN, BLACK, "#8C6D31", GREY], strict=True)
)


def _layout(
    fig: go.Figure, title: str, subtitle: str, *, height: int = 460, legend: bool = True
) -> go.Figure:
    fig.update_layout(
        title=dict(
            # Titles are words, never markup: one may quote an organization's name, which came from an upload.
            text=figure_text(title),
            # The family named here too: Streamlit's chart theme gives titles a font of its own otherwise,
            # and the words are fitted with Arial's metrics (analytics/chart_fit.py).
            subtitle=dict(text=subtitle, font=dict(family=FONT, size=13, color="#4A5560")),
            font=dict(family=FONT, size=19, color="#1B2631", weight="bold"),
            x=0,
            xanchor="left",
            pad=dict(l=12),
            y=0.98,
            yanchor="top",
        ),
        font=dict(family=FONT, size=14, color="#1B2631"),
        template="plotly_white",
        height=height,
        margin=dict(l=64, r=130, t=128 + 18 * subtitle.count("<br>"), b=70),
        showlegend=legend,
        # Above the plot, under the subtitle: clear of slanted year labels, and read before the lines.
        legend=dict(
            orientation="h", yanchor="bottom", y=1.01, x=0, xanchor="left", title_text="", font=dict(size=13)
        ),
        hoverlabel=dict(font=dict(family=FONT, size=14)),
        colorway=SERIES,
    )
    return fig


def _year_axis(fig: go.Figure, years: list[str], title: str = "School year") -> None:
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=years,
        range=[-0.5, len(years) - 0.5],
        title_text=title,
        showgrid=False,
        ticks="outside",
        tickfont=dict(size=12 if len(years) > 9 else 13),
        tickangle=-40 if len(years) > 10 else 0,
    )
    if len(years) > 10:
        fig.update_layout(margin_b=100)


def _share_axis(fig: go.Figure, title: str, top: float | None = None) -> None:
    fig.update_yaxes(
        tickformat=".0%",
        title_text=title,
        rangemode="tozero",
        gridcolor="#E5E8EB",
        zeroline=True,
        zerolinecolor="#B0B7BE",
        **({"range": [0, top]} if top else {}),
    )


def _on_years(frame: pd.DataFrame, years: list[str], columns: list[str]) -> pd.DataFrame:
    """The frame on every year of the axis: a year with no data becomes NaN (drawn as a gap, not zero)."""
    return frame.set_index("school_year").reindex(years)[columns].reset_index()


def _counted(frame: pd.DataFrame) -> pd.DataFrame:
    """A published share frame with the share kept only on shown, complete years (the line); partial and
    hidden years become gaps."""
    keep = ~frame["suppressed"].astype(bool) & frame["complete"].astype(bool)
    return frame.assign(share=frame["share"].where(keep))


def _partial(frame: pd.DataFrame) -> pd.DataFrame:
    """The years of a published share frame that are partial: only their coverage is published."""
    return frame[~frame["complete"].astype(bool)]


def _hover_words(frame: pd.DataFrame, unit: str) -> list[str]:
    """'26 of 302 superintendents (FTE)' per row ('' where hidden)."""
    return [
        "" if pd.isna(c) or pd.isna(t) else f"{formats.people(c)} of {formats.people(t)} {unit}"
        for c, t in zip(frame["of_color"], frame["total"], strict=True)
    ]


PARTIAL_NOTE_COLOR = "#595959"  # 7:1 on white: small text that must be read


def _add_partial_years(fig: go.Figure, frame: pd.DataFrame, years: list[str]) -> None:
    """Each partial year's coverage, written at the foot of its place on the axis: a partial year's figure
    would be the few organizations that reported wearing the view's name, so no value is drawn."""
    part = _partial(frame).drop_duplicates("school_year", keep="last")
    part = part[part["school_year"].isin(years)]
    shown = {a.x for a in fig.layout.annotations if getattr(a, "name", None) == chart_fit.PARTIAL_YEAR_NOTE}
    for r in part.itertuples():
        if r.school_year in shown:
            continue  # one note a year, whichever series is partial
        fig.add_annotation(
            name=chart_fit.PARTIAL_YEAR_NOTE,  # moved up where a line runs through its place
            x=r.school_year,
            xref="x",
            y=0.02,
            yref="paper",
            yanchor="bottom",
            text="Partial year:<br>"
            + partial_label(r.organizations_reported, r.organizations_expected).removeprefix("partial: "),
            showarrow=False,
            font=dict(size=11, color=PARTIAL_NOTE_COLOR),
            align="center",
        )


def partial_note(frame: pd.DataFrame) -> str:
    """'Partial: 2025-26 (1 of 322 organizations reported); drawn apart, not the headline.' or ''."""
    if frame.empty:
        return ""
    part = frame[~frame["complete"].astype(bool)].drop_duplicates("school_year", keep="last")
    if part.empty:
        return ""
    words = [
        f"{r.school_year} ({int(r.organizations_reported):,} of {int(r.organizations_expected):,} "
        "organizations reported)"
        for r in part.itertuples()
    ]
    return f"Partial: {', '.join(words)}; not shown until more report."


def _label_end(fig: go.Figure, x: str, y: float, text: str, color: str, *, yshift: int = 0) -> None:
    """A label at the right end of a line, in the line's colour, so the chart reads without a legend
    (moved up or down clear of other labels and lines where the chart is drawn: analytics/chart_fit.py)."""
    fig.add_annotation(
        x=x,
        y=y,
        text=text,
        showarrow=False,
        xanchor="left",
        xshift=8,
        yshift=yshift,
        font=dict(color=color, size=13),
        align="left",
    )


def _spread(values: list[float], gap: float) -> list[float]:
    """Label positions near `values`, at least `gap` apart (so end labels of close lines don't overlap)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    placed = [0.0] * len(values)
    last = None
    for i in order:
        y = values[i] if last is None else max(values[i], last + gap)
        placed[i] = last = y
    return placed


def _axis_years(*frames: pd.DataFrame, until: str | None = None) -> list[str]:
    present = sorted({y for f in frames if f is not None and len(f) for y in f["school_year"].dropna()})
    if not present:
        return []
    last = max(present[-1], until) if until else present[-1]
    return school_years_between(present[0], last)


def empty_figure(message: str, title: str = "", subtitle_text: str = "") -> go.Figure:
    """A blank chart that says why it is blank (keeping the title and scope), the message wrapped to the
    narrowest width the chart is drawn at."""
    fig = go.Figure()
    fig.add_annotation(
        text=chart_fit.wrap(message, 16, min(chart_fit.PAGE_WIDTHS) - 120),
        showarrow=False,
        font=dict(size=16, color="#4A5560"),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    _layout(fig, title, subtitle_text, height=300, legend=False)
    return fig.update_layout(margin_l=40, margin_r=40)


def subtitle(scope: str, as_of: str | None, source: str, note: str = "") -> str:
    """'Statewide · data as of 2024-25 · Source: ...' (+ a note, which may break lines with <br>). The scope
    may be an organization's name, so the parts are shown as text."""
    parts = [scope, f"data as of {as_of}" if as_of else "no data", f"Source: {source}"]
    parts = [figure_text(p) for p in parts]
    return " · ".join(parts) + (f"<br>{note}" if note else "")


# --- superintendents -----------------------------------------------------------------------------


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
    years = _axis_years(frame, until=goal.target_year)
    fig = go.Figure()
    people = goal.population
    if not years:
        return empty_figure(f"No {people} staffing is loaded for this view.", title, subtitle_text)
    if frame["share"].dropna().empty:
        return empty_figure(
            f"Hidden: in every year this view holds fewer than 6 {people} of color or fewer than 6 others"
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
        _label_end(
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
        _label_end(fig, end["school_year"], end["share"], trend_label(projection), BLUE)
    line = _on_years(_counted(frame), years, ["share", "of_color", "total"])
    fig.add_trace(
        go.Scatter(
            x=line["school_year"],
            y=line["share"],
            name=goal.title,
            mode="lines+markers",
            line=dict(color=BLUE, width=3.5),
            marker=dict(size=8),
            connectgaps=False,
            customdata=_hover_words(line, f"{people} (FTE)"),
            hovertemplate="%{x}: %{y:.1%} of "
            + people
            + " were people of color (%{customdata})<extra></extra>",
        )
    )
    _add_partial_years(fig, frame, years)
    if references is not None:
        _add_references(
            fig,
            references[references["group"] == people],
            years,
            path=dict(zip(target_years, target, strict=True)),
        )
    _layout(fig, title, subtitle_text, height=height)
    _year_axis(fig, years)
    shown = frame["share"].dropna()
    top = max(goal.target_share, float(shown.max()) if len(shown) else 0) * 1.25
    if projection is not None:
        top = max(top, float(projection.path["high"].max()) * 1.05)
    _share_axis(fig, f"{people[0].upper()}{people[1:]} who are people of color", top)
    return fig


def trend_label(projection: Projection) -> str:
    """'Trend reaches 14%<br>in 2031-32' or 'Trend: not 14%<br>by 2034-35', from the projection's target."""
    target = f"{projection.target_share:.0%}"
    if projection.year_target_reached:
        return f"Trend reaches {target}<br>in {projection.year_target_reached}"
    return f"Trend stays below {target}<br>through {projection.horizon}"


def _add_references(
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


def representation_gap(
    context: pd.DataFrame, *, title: str, subtitle_text: str, references: pd.DataFrame | None = None
) -> go.Figure:
    """Superintendents, teachers and students of color on one axis: the gap the program exists to close
    (complete, shown years on the lines; partial years apart; hidden years are gaps)."""
    years = _axis_years(context)
    if not years or context["share"].dropna().empty:
        return empty_figure("No staffing or enrollment can be shown for this view.", title, subtitle_text)
    fig = go.Figure()
    colors = {"Students": ORANGE, "Teachers": GREEN, "Superintendents": BLUE}
    units = {"Students": "students", "Teachers": "teachers (FTE)", "Superintendents": "superintendents (FTE)"}
    ends = {}
    for group, color in colors.items():
        part = context[context["group"] == group]
        if part.empty:
            continue
        line = _on_years(_counted(part), years, ["share", "of_color", "total"])
        fig.add_trace(
            go.Scatter(
                x=line["school_year"],
                y=line["share"],
                name=f"{group} of color",
                mode="lines+markers",
                line=dict(color=color, width=3),
                marker=dict(size=7),
                connectgaps=False,
                customdata=_hover_words(line, units[group]),
                hovertemplate=f"%{{x}}: %{{y:.1%}} of {group.lower()} were people of color (%{{customdata}})"
                "<extra></extra>",
            )
        )
        _add_partial_years(fig, part, years)
        drawn = line.dropna(subset=["share"])
        if len(drawn):
            ends[group] = drawn.iloc[-1]
    top = float(context["share"].max())
    spread = _spread([e["share"] for e in ends.values()], gap=0.07 * top)
    for (group, last), y in zip(ends.items(), spread, strict=True):
        _label_end(fig, last["school_year"], y, f"{group} {last['share']:.1%}", colors[group])
    if references is not None:
        refs = references[references["group"].isin(["superintendents", "teachers", "students"])]
        _add_references(fig, refs, years, labels=False)
    _layout(fig, title, subtitle_text, height=460)
    _year_axis(fig, years)
    _share_axis(fig, "Share who are people of color", top * 1.15)
    return fig


def group_bars(
    frame: pd.DataFrame, group_col: str, school_year: str | None, *, title: str, subtitle_text: str
) -> go.Figure:
    """One bar per group (region or type) for one school year, with the share written on it, and
    'hidden (small numbers)' written where the group cannot be shown."""
    year = frame[frame["school_year"] == school_year] if school_year else frame.iloc[0:0]
    if year.empty:
        return empty_figure(
            "No year of superintendent staffing can be shown for this view: none is complete, or each holds "
            "fewer than 6 superintendents of color or fewer than 6 others.",
            title,
            subtitle_text,
        )
    year = year.sort_values(group_col, kind="stable")
    shown = ~year["suppressed"].astype(bool)
    words = [f"{v:.1%}" if ok else HIDDEN for v, ok in zip(year["share"], shown, strict=True)]
    hover = [
        f"{v:.1%} of superintendents were people of color ({w})" if ok else "Hidden: small numbers"
        for v, ok, w in zip(year["share"], shown, _hover_words(year, "superintendents, FTE"), strict=True)
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
    _layout(fig, title, subtitle_text + "<br>" + SUPPRESSED_NOTE, height=200 + 44 * len(year), legend=False)
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
    years = _axis_years(supers, scenario.path, until=goal.target_year)
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
    shown = _on_years(_counted(supers), years, ["share"])
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
    _label_end(fig, end["school_year"], end["share"], f"Scenario<br>{end['share']:.1%}", PURPLE)
    _layout(fig, title, subtitle_text, height=420)
    _year_axis(fig, years)
    _share_axis(
        fig,
        "Superintendents who are people of color",
        max(goal.target_share, float(path["share"].max())) * 1.2,
    )
    return fig


# --- Fellows -------------------------------------------------------------------------------------


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
        return empty_figure(
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
    _layout(fig, title, subtitle_text, height=height)
    fig.update_xaxes(title_text="Cohort (school year it began)", type="category", tickangle=0)
    fig.update_yaxes(
        title_text="Fellows",
        rangemode="tozero",
        gridcolor="#E5E8EB",
        range=[0, top * 1.15],
    )
    return fig


def _bar_with_suppression(values: list[int | None]) -> tuple[list[float], list[str]]:
    heights = [0 if v is None else v for v in values]
    texts = [HIDDEN if v is None else f"{v:,}" for v in values]
    return heights, texts


def _bar_hover(texts: list[str], what: str) -> list[str]:
    return ["hidden: small numbers" if t == HIDDEN else f"{t} {what}" for t in texts]


def fellows_funnel(summary: FellowsSummary, *, title: str, subtitle_text: str) -> go.Figure:
    """Enrolled → completed → placed as superintendent or assistant superintendent within five years."""
    steps = [
        "Enrolled",
        "Completed the Fellowship",
        "Assistant superintendent<br>within 5 years",
        "Superintendent<br>within 5 years",
    ]
    heights, texts = _bar_with_suppression(
        [summary.enrolled, summary.completed, summary.placed_assistant, summary.placed_superintendent]
    )
    fig = go.Figure(
        go.Bar(
            y=steps,
            x=heights,
            orientation="h",
            text=texts,
            textposition="outside",
            cliponaxis=False,
            marker_color=[BLUE, SKY, GREEN, GREEN],
            customdata=_bar_hover(texts, "fellows"),
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    _layout(fig, title, subtitle_text + "<br>" + SUPPRESSED_NOTE, height=360, legend=False)
    fig.update_yaxes(autorange="reversed", title_text="")
    fig.update_xaxes(
        title_text="Fellows", gridcolor="#E5E8EB", range=[0, max(heights) * 1.2 if heights else 1]
    )
    return fig


def fellows_roles(summary: FellowsSummary, *, title: str, subtitle_text: str) -> go.Figure:
    """Role at entry: principals and assistant principals, central office."""
    roles = ["Principal or assistant principal", "Central office"]
    heights, texts = _bar_with_suppression(
        [summary.entered_as_principal, summary.entered_from_central_office]
    )
    fig = go.Figure(
        go.Bar(
            x=roles,
            y=heights,
            text=texts,
            textposition="outside",
            marker_color=[ORANGE, PURPLE],
            cliponaxis=False,
            customdata=_bar_hover(texts, "fellows at entry"),
            hovertemplate="%{x}: %{customdata}<extra></extra>",
        )
    )
    _layout(fig, title, subtitle_text, height=360, legend=False)
    fig.update_yaxes(title_text="Fellows", gridcolor="#E5E8EB", range=[0, max([*heights, 1]) * 1.25])
    fig.update_xaxes(title_text="Role when they entered")
    return fig


# --- Districts -----------------------------------------------------------------------------------


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
        return empty_figure("No participation is loaded for this view.", title, subtitle_text)
    column = goal.component.replace(" ", "_")
    years = _axis_years(participation)
    shown = _on_years(participation, years, ["new", "continuing", column, "participating"])
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
    _layout(fig, title, subtitle_text, height=height)
    fig.update_layout(barmode="stack")
    _year_axis(fig, years)
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
        return empty_figure("No participation is loaded for this view.", title, subtitle_text)
    start = min(goal.start_year, participation["school_year"].min())
    until = max(goal.target_year, participation["school_year"].max()) if statewide_view else None
    years = school_years_between(start, until or participation["school_year"].max())
    shown = _on_years(participation, years, ["cumulative_participating", f"cumulative_{goal.measure}"])
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
        _label_end(
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
        _label_end(fig, last["school_year"], last[col], f"{int(last[col])}", color)
    _layout(fig, title, subtitle_text, height=height)
    _year_axis(fig, years)
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


def organization_trend(profile: OrganizationProfile, *, subtitle_text: str) -> go.Figure:
    """One organization's teachers and students of color over time (years it cannot be shown are gaps)."""
    teachers = profile.teachers.assign(group="Teachers")
    students = profile.students.assign(group="Students")
    years = _axis_years(teachers, students)
    title = f"{profile.name}: teachers and students of color"
    if not years:
        return empty_figure(
            "No staffing or enrollment is loaded for this organization.", title, subtitle_text
        )
    fig = go.Figure()
    for frame, color, word, unit in (
        (students, ORANGE, "students", "students"),
        (teachers, GREEN, "teachers", "teachers (FTE)"),
    ):
        if frame.empty:
            continue
        shown = _on_years(frame, years, ["share", "of_color", "total"])
        fig.add_trace(
            go.Scatter(
                x=shown["school_year"],
                y=shown["share"],
                name=f"{word.capitalize()} of color",
                mode="lines+markers",
                line=dict(color=color, width=3),
                connectgaps=False,
                customdata=_hover_words(shown, unit),
                hovertemplate=f"%{{x}}: %{{y:.1%}} of {word} were people of color (%{{customdata}})<extra></extra>",
            )
        )
    hidden = int(teachers["suppressed"].astype(bool).sum()) if len(teachers) else 0
    note = SUPPRESSED_NOTE + (f" Teacher figures hidden for {hidden} year(s)." if hidden else "")
    _layout(fig, title, subtitle_text + "<br>" + note, height=400)
    _year_axis(fig, years)
    _share_axis(fig, "Share who are people of color")
    return fig


# --- Workforce -----------------------------------------------------------------------------------


def workforce_trend(shares: pd.DataFrame, *, title: str, subtitle_text: str) -> go.Figure:
    """Share of color by job class, and students, over time (partial years apart, hidden years gaps)."""
    years = _axis_years(shares)
    if not years or shares["share"].dropna().empty:
        return empty_figure("No staffing or enrollment can be shown for this view.", title, subtitle_text)
    fig = go.Figure()
    groups = [g for g in shares["group"].unique() if g != "Students"] + (
        ["Students"] if (shares["group"] == "Students").any() else []
    )
    for group in groups:
        part = shares[shares["group"] == group]
        if part["share"].dropna().empty:
            continue
        line = _on_years(_counted(part), years, ["share", "of_color", "total"])
        color = ORANGE if group == "Students" else JOB_CLASS_COLORS.get(group, GREY)
        name = group if group == "Students" else f"{group}s"
        unit = "students" if group == "Students" else f"{name.lower()} (FTE)"
        fig.add_trace(
            go.Scatter(
                x=line["school_year"],
                y=line["share"],
                name=name,
                mode="lines+markers",
                line=dict(color=color, width=3 if group in ("Teacher", "Students") else 2),
                connectgaps=False,
                customdata=_hover_words(line, unit),
                hovertemplate=f"{name}, %{{x}}: %{{y:.1%}} people of color (%{{customdata}})<extra></extra>",
            )
        )
        _add_partial_years(fig, part, years)
    _layout(fig, title, subtitle_text, height=480)
    _year_axis(fig, years)
    _share_axis(fig, "Share who are people of color")
    return fig


def parity_trend(parity_by_year: pd.DataFrame, *, title: str, subtitle_text: str) -> go.Figure:
    """Parity (teachers-of-color share / students-of-color share) against the 0.25 benchmark, on the
    complete years where both shares are shown."""
    years = _axis_years(parity_by_year)
    counted = parity_by_year[parity_by_year["complete"].astype(bool)]
    per_year = counted.drop_duplicates("school_year")[["school_year", "parity"]]
    if not years or per_year["parity"].dropna().empty:
        return empty_figure(
            "Parity needs teachers and students of color that can both be shown, for the same complete years.",
            title,
            subtitle_text,
        )
    shown = _on_years(per_year, years, ["parity"])
    fig = go.Figure()
    fig.add_hline(y=PARITY_BENCHMARK, line=dict(color=VERMILLION, dash="dash", width=2))
    fig.add_annotation(
        x=1,
        xref="paper",
        y=PARITY_BENCHMARK,
        text=f"Benchmark<br>{PARITY_BENCHMARK:.2f}",
        showarrow=False,
        xanchor="left",
        xshift=8,
        font=dict(color=VERMILLION, size=13),
        align="left",
    )
    fig.add_trace(
        go.Scatter(
            x=shown["school_year"],
            y=shown["parity"],
            mode="lines+markers",
            name="Parity",
            line=dict(color=GREEN, width=3),
            connectgaps=False,
            hovertemplate="%{x}: teachers of color were %{y:.2f} times as represented as students of color"
            "<extra></extra>",
        )
    )
    _layout(fig, title, subtitle_text, height=380, legend=False)
    _year_axis(fig, years)
    fig.update_yaxes(
        title_text="Parity (1 = teachers mirror students)",
        rangemode="tozero",
        gridcolor="#E5E8EB",
        tickformat=".2f",
    )
    return fig


def parity_distribution(per_org: pd.DataFrame, *, title: str, subtitle_text: str) -> go.Figure:
    """How many organizations sit at each level of parity, with the benchmark."""
    values = per_org["parity"].dropna()
    if values.empty:
        return empty_figure(
            "No organization has enough teachers of color to show (6 or more).", title, subtitle_text
        )
    fig = go.Figure(
        go.Histogram(
            x=values.clip(upper=1.5),
            xbins=dict(start=0, end=1.5, size=0.05),
            marker_color=GREEN,
            hovertemplate="parity %{x}: %{y} organizations<extra></extra>",
        )
    )
    fig.add_vline(x=PARITY_BENCHMARK, line=dict(color=VERMILLION, dash="dash", width=2))
    fig.add_annotation(
        x=PARITY_BENCHMARK,
        y=1,
        yref="paper",
        text=f"Benchmark {PARITY_BENCHMARK:.2f}",
        showarrow=False,
        xanchor="left",
        xshift=6,
        font=dict(color=VERMILLION, size=13),
    )
    hidden = int(per_org["parity"].isna().sum())
    note = (
        f"{hidden:,} organizations are not shown: too few teachers or students of color (or others) to show"
        " one organization on its own."
        if hidden
        else ""
    )
    _layout(fig, title, subtitle_text + ("<br>" + note if note else ""), height=380, legend=False)
    fig.update_xaxes(
        title_text="Parity (teachers-of-color share ÷ students-of-color share; 1.5+ grouped)",
        tickformat=".2f",
    )
    fig.update_yaxes(title_text="Organizations", gridcolor="#E5E8EB")
    return fig


def race_composition_chart(composition: pd.DataFrame, *, title: str, subtitle_text: str) -> go.Figure:
    """Each population's make-up by race/ethnicity, as 100% bars (people of color first, White last);
    hidden races are one grey segment, 'hidden (small numbers)', never a figure."""
    composition = composition[composition["total"].notna()]
    if composition.empty:
        return empty_figure(
            "No make-up by race/ethnicity can be shown for this view and year.", title, subtitle_text
        )
    present = list(dict.fromkeys(composition["population"]))
    order = [p for p in present if p != "Students"] + (["Students"] if "Students" in present else [])
    labels = [p if p == "Students" else f"{p}s" for p in order]
    fig = go.Figure()
    # What the hidden races add up to is itself hidden: one hatched remainder beside the races of color
    # shown, with no figure in it.
    hidden = composition[composition["suppressed"].astype(bool)]
    shown_share = composition.groupby("population")["share"].sum(min_count=1).reindex(order).fillna(0)
    rest = (1 - shown_share).clip(lower=0).where(pd.Series(order, index=order).isin(hidden["population"]), 0)
    for race in [r for r in RACES if r != "White"] + ["hidden", "White"]:
        if race == "hidden":
            if rest.sum() > 0:
                fig.add_trace(
                    go.Bar(
                        y=labels,
                        x=rest.to_numpy(),
                        name="Other races of color: " + HIDDEN,
                        orientation="h",
                        marker=dict(color="#E8ECEF", pattern=dict(shape="/", fgcolor="#8A96A3", size=6)),
                        hovertemplate="%{y}: other races of color, hidden (small numbers)<extra></extra>",
                    )
                )
            continue
        part = composition[composition["race"] == race].set_index("population").reindex(order)
        shown = part["share"].notna()
        if not shown.any():
            continue
        words = [
            f"{share:.1%} {race} ({formats.people(count)})" if ok else ""
            for share, count, ok in zip(part["share"], part["people"], shown, strict=True)
        ]
        fig.add_trace(
            go.Bar(
                y=labels,
                x=part["share"].fillna(0),
                name=race,
                orientation="h",
                marker_color=RACE_COLORS[race],
                customdata=words,
                hovertemplate="%{y}: %{customdata}<extra></extra>",
            )
        )
    _layout(fig, title, subtitle_text + "<br>" + SUPPRESSED_NOTE, height=260 + 46 * len(order))
    fig.update_layout(barmode="stack", margin_t=190, legend_traceorder="normal")
    fig.update_xaxes(tickformat=".0%", range=[0, 1], title_text="Share of each group", gridcolor="#E5E8EB")
    fig.update_yaxes(autorange="reversed", title_text="")
    return fig


# --- Equity leaders and AMSEL ----------------------------------------------------------------------------

STANDING_STYLES = {  # the map's categories: colour, symbol, size (Okabe-Ito; shapes differ too)
    "AMSEL member": (ORANGE, "circle", 11),
    "Equity leader, not in AMSEL": (BLUE, "diamond", 10),
    "Gap: no equity leader": (VERMILLION, "x", 10),
    "No equity leader": ("#AAB2BA", "circle", 5),
    "No report in the latest year": ("#8A96A3", "circle-open", 6),
}


def equity_leaders_growth(
    frame: pd.DataFrame, founders: list[str], *, title: str, subtitle_text: str
) -> go.Figure:
    """Organizations with an equity-leader position and those in AMSEL, each year; partial years drawn
    lighter and labelled; AMSEL's founders named at its first year."""
    if frame.empty:
        return empty_figure("No equity-leader survey is loaded for this view.", title, subtitle_text)
    years = _axis_years(frame)
    shown = _on_years(
        frame, years, ["with_leader", "amsel", "complete", "organizations_reported", "organizations_expected"]
    )
    complete = shown["complete"].fillna(True).astype(bool)
    fig = go.Figure()
    for col, name, color, light in (
        ("with_leader", "Equity-leader position", BLUE, "rgba(0,114,178,0.35)"),
        ("amsel", "In AMSEL", ORANGE, "rgba(230,159,0,0.35)"),
    ):
        fig.add_trace(
            go.Bar(
                x=shown["school_year"],
                y=shown[col],
                name=name,
                marker_color=[color if c else light for c in complete],
                text=[formats.count(v) if pd.notna(v) else "" for v in shown[col]],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"%{{x}}: %{{y}} organizations — {name.lower()}<extra></extra>",
            )
        )
    for r in shown[~complete & shown["with_leader"].notna()].itertuples():
        fig.add_annotation(
            x=r.school_year,
            y=0,
            yshift=-4,
            yanchor="top",
            text=partial_label(r.organizations_reported, r.organizations_expected),
            showarrow=False,
            font=dict(size=11, color="#4A5560"),
        )
    top = float(pd.concat([shown["with_leader"], shown["amsel"]]).max() or 1)
    if founders:
        first = shown.dropna(subset=["amsel"]).iloc[0]
        # The note in the plot's top left corner, where the first years' short bars leave room at any
        # width, its arrow down to AMSEL's first bar.
        fig.add_annotation(
            x=first["school_year"],
            y=first["amsel"],
            axref="x",
            ayref="y",
            ax=years.index(first["school_year"]) - 0.45,
            ay=top * 1.2,
            text=f"AMSEL's {len(founders)} founders:<br>"
            + "<br>".join(figure_text(", ".join(founders[i : i + 3])) for i in range(0, len(founders), 3)),
            font=dict(size=12, color="#8A5A00"),
            arrowcolor="#8A5A00",
            bgcolor="rgba(255,255,255,0.9)",
            xanchor="left",
            yanchor="top",
            align="left",
        )
    _layout(fig, title, subtitle_text, height=460)
    fig.update_layout(barmode="group", bargap=0.25)
    _year_axis(fig, years)
    fig.update_yaxes(
        title_text="Organizations", rangemode="tozero", gridcolor="#E5E8EB", range=[0, top * 1.25]
    )
    return fig


def equity_leaders_by_group_chart(
    frame: pd.DataFrame, column: str, what: str, *, title: str, subtitle_text: str
) -> go.Figure:
    """Organizations (`column`: with_leader or amsel) each year, stacked by group (region or type)."""
    if frame.empty or not frame[column].sum():
        return empty_figure(f"No organizations {what} for this view.", title, subtitle_text)
    years = _axis_years(frame)
    fig = go.Figure()
    groups = list(dict.fromkeys(frame["group"]))
    for i, group in enumerate(groups):
        part = _on_years(frame[frame["group"] == group], years, [column])
        if not part[column].fillna(0).any():
            continue
        fig.add_trace(
            go.Bar(
                x=part["school_year"],
                y=part[column],
                name=figure_text(group),
                marker_color=SERIES[i % len(SERIES)],
                hovertemplate=f"%{{x}}: %{{y}} organizations {what} — {figure_text(group)}<extra></extra>",
            )
        )
    totals = frame.groupby("school_year")[column].sum().reindex(years)
    fig.add_trace(
        go.Scatter(
            x=years,
            y=totals,
            mode="text",
            text=[formats.count(v) if pd.notna(v) else "" for v in totals],
            textposition="top center",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
        )
    )
    _layout(fig, title, subtitle_text, height=480)
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    _year_axis(fig, years)
    fig.update_yaxes(
        title_text=f"Organizations {what}",
        rangemode="tozero",
        gridcolor="#E5E8EB",
        range=[0, float(totals.max()) * 1.2],
    )
    return fig


def _network_values(network: pd.DataFrame, years: list[str], measure: str, column: str) -> pd.Series:
    part = network[network["measure"] == measure].set_index("school_year")[column]
    return part.reindex(years)


def network_members_chart(network: pd.DataFrame, *, title: str, subtitle_text: str) -> go.Figure:
    """The network's members each year: individual and district memberships (stacked where the split may be
    shown; the total alone, in grey, where it may not), and members new to their role."""
    if network.empty:
        return empty_figure("No AMSEL membership list is loaded for this view.", title, subtitle_text)
    years = _axis_years(network)
    members = _network_values(network, years, "members", "count")
    district = _network_values(network, years, "district_members", "count")
    new = _network_values(network, years, "new_to_role", "count")
    split = district.notna() & members.notna()
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=years,
            y=(members - district).where(split),
            name="Individual members",
            marker_color=BLUE,
            hovertemplate="%{x}: %{y} individual members<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            x=years,
            y=district.where(split),
            name="Through their district's membership",
            marker_color=SKY,
            hovertemplate="%{x}: %{y} members through their district<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            x=years,
            y=members.where(~split),
            name="Members (split hidden: small numbers)",
            marker_color="#C5CCD3",
            hovertemplate="%{x}: %{y} members (individual and district not shown: small numbers)<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=years,
            y=members,
            mode="text",
            text=[formats.count(v) if pd.notna(v) else HIDDEN for v in members],
            textposition="top center",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=years,
            y=new,
            name="New to their role",
            mode="lines+markers",
            line=dict(color=BLACK, width=2.5, dash="dot"),
            marker=dict(size=9, symbol="diamond"),
            connectgaps=False,
            hovertemplate="%{x}: %{y} members new to their role<extra></extra>",
        )
    )
    _layout(fig, title, subtitle_text + "<br>" + SUPPRESSED_NOTE, height=480)
    fig.update_layout(barmode="stack")
    _year_axis(fig, years)
    top = float(members.max()) if members.notna().any() else 10.0
    fig.update_yaxes(
        title_text="Members (people)", rangemode="tozero", gridcolor="#E5E8EB", range=[0, top * 1.2]
    )
    return fig


def network_expectations_chart(network: pd.DataFrame, *, title: str, subtitle_text: str) -> go.Figure:
    """Shares of members meeting the network's expectations each year (every monthly meeting, at least one
    subcommittee; a mentor for each new member) against the expectation, 100%. Hidden years are gaps."""
    if network.empty:
        return empty_figure("No AMSEL membership list is loaded for this view.", title, subtitle_text)
    years = _axis_years(network)
    fig = go.Figure()
    fig.add_hline(y=1, line=dict(color=VERMILLION, width=2, dash="dash"))
    fig.add_annotation(
        x=1,
        xref="paper",
        y=1,
        text="Expected:<br>everyone",
        showarrow=False,
        xanchor="left",
        xshift=8,
        font=dict(color=VERMILLION, size=13),
        align="left",
    )
    ends = []
    for measure, color, symbol, among in (
        ("in_subcommittee", GREEN, "square", "members"),
        ("every_meeting", BLUE, "circle", "members"),
        ("new_with_mentor", PURPLE, "diamond", "members new to their role"),
    ):
        share = _network_values(network, years, measure, "share")
        count = _network_values(network, years, measure, "count")
        base = _network_values(network, years, measure, "base")
        label = (
            network.loc[network["measure"] == measure, "label"].iloc[0]
            if (network["measure"] == measure).any()
            else measure
        )
        words = [
            "" if pd.isna(c) else f"{formats.count(c)} of {formats.count(b)} {among}"
            for c, b in zip(count, base, strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=years,
                y=share,
                name=label,
                mode="lines+markers",
                line=dict(color=color, width=3),
                marker=dict(size=9, symbol=symbol),
                connectgaps=False,
                customdata=words,
                hovertemplate=f"%{{x}}: %{{y:.0%}} {label.lower()} (%{{customdata}})<extra></extra>",
            )
        )
        last = share.dropna()
        if len(last):
            ends.append((last.index[-1], float(last.iloc[-1]), f"{last.iloc[-1]:.0%}", color))
    placed = _spread([y for _, y, _, _ in ends], 0.05)
    for (x, _, text, color), y in zip(ends, placed, strict=True):
        _label_end(fig, x, y, text, color)
    _layout(fig, title, subtitle_text + "<br>" + SUPPRESSED_NOTE, height=480)
    _year_axis(fig, years)
    _share_axis(fig, "Share of members (mentors: of new members)", 1.08)
    return fig


def leader_comparison_chart(comparison, *, title: str, subtitle_text: str) -> go.Figure:
    """Share of staff who are people of color in organizations with an equity leader and without, each year
    (partial years drawn apart), with the number of organizations behind each figure in the hover."""
    frame = comparison.frame
    if frame.empty or frame["share"].isna().all():
        return empty_figure("No staffing can be shown for these groups in this view.", title, subtitle_text)
    years = _axis_years(frame)
    fig = go.Figure()
    ends = []
    for group, color, symbol in (
        ("With an equity leader", ORANGE, "circle"),
        ("Without an equity leader", BLUE, "square"),
    ):
        part = frame[frame["group"] == group]
        if part.empty:
            continue
        line = _on_years(_counted(part), years, ["share", "of_color", "total", "organizations"])
        words = [
            "" if pd.isna(s) else f"{formats.people(c)} of {formats.people(t)} FTE; {int(n)} organizations"
            for s, c, t, n in zip(
                line["share"], line["of_color"], line["total"], line["organizations"].fillna(0), strict=True
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=line["school_year"],
                y=line["share"],
                name=group,
                mode="lines+markers",
                line=dict(color=color, width=3),
                marker=dict(size=9, symbol=symbol),
                connectgaps=False,
                customdata=words,
                hovertemplate=f"%{{x}}: %{{y:.1%}} of staff were people of color — {group.lower()} (%{{customdata}})<extra></extra>",
            )
        )
        _add_partial_years(fig, part, years)
        last = line.dropna(subset=["share"])
        if len(last):
            r = last.iloc[-1]
            ends.append(
                (
                    r["school_year"],
                    float(r["share"]),
                    f"{r['share']:.1%}<br>{int(r['organizations'])} orgs",
                    color,
                )
            )
    placed = _spread([y for _, y, _, _ in ends], 0.02)
    for (x, _, text, color), y in zip(ends, placed, strict=True):
        _label_end(fig, x, y, text, color)
    _layout(fig, title, subtitle_text, height=480)
    _year_axis(fig, years)
    top = float(frame["share"].max()) if frame["share"].notna().any() else 0.2
    _share_axis(fig, f"{comparison.population}s who are people of color", top * 1.3)
    return fig


def organization_map_chart(placed: pd.DataFrame, outlines, *, title: str, subtitle_text: str) -> go.Figure:
    """Massachusetts and its counties as outlines on plain axes (no map tiles, nothing fetched), and each
    organization as a point at its town, coloured and shaped by its standing; AMSEL's founders starred."""
    fig = go.Figure()
    for kind in ("state", "county"):  # one trace each, rings separated by gaps
        rings = [ring for _, k, shape in outlines if k == kind for ring in shape]
        xs = [v for ring in rings for v in (*ring[:, 0], None)]
        ys = [v for ring in rings for v in (*ring[:, 1], None)]
        state = kind == "state"
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself" if state else None,
                fillcolor="#F4F6F8" if state else None,
                line=dict(color="#6B7680" if state else "#C3CAD1", width=1.4 if state else 0.8),
                hoverinfo="skip",
                showlegend=False,
            )
        )
    for standing, (color, symbol, size) in reversed(STANDING_STYLES.items()):
        part = placed[placed["standing"] == standing]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=part["longitude"],
                y=part["latitude"],
                mode="markers",
                name=f"{standing} ({len(part)})",
                marker=dict(color=color, symbol=symbol, size=size, line=dict(color="white", width=0.6)),
                customdata=[
                    figure_text(f"{n} ({t})") for n, t in zip(part["name"], part["town"], strict=True)
                ],
                hovertemplate=f"%{{customdata}}: {standing.lower()}<extra></extra>",
            )
        )
    founders = placed[placed["founder"].astype(bool)]
    if len(founders):
        fig.add_trace(
            go.Scatter(
                x=founders["longitude"],
                y=founders["latitude"],
                mode="markers",
                name=f"AMSEL founder ({len(founders)})",
                marker=dict(symbol="star", size=16, color=YELLOW, line=dict(color=BLACK, width=1)),
                customdata=[figure_text(n) for n in founders["name"]],
                hovertemplate="%{customdata}: a founder of AMSEL (2019-20)<extra></extra>",
            )
        )
    _layout(fig, title, subtitle_text, height=560)
    fig.update_layout(
        margin=dict(l=20, r=20, t=150 + 18 * subtitle_text.count("<br>"), b=20),
        legend=dict(orientation="h", y=1.0, yanchor="bottom"),
        plot_bgcolor="white",
    )
    fig.update_xaxes(visible=False, range=[-73.6, -69.8])
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / 0.74, range=[41.2, 42.95])
    return fig
