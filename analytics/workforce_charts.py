"""The Workforce and Districts pages' charts: educators of color by role beside students, parity of
teachers and students, race/ethnicity make-up, and one organization's teachers and students."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics import charts, formats
from analytics.charts import (
    GREEN,
    GREY,
    HIDDEN,
    JOB_CLASS_COLORS,
    ORANGE,
    RACE_COLORS,
    VERMILLION,
)
from analytics.definitions import RACES, SMALL_CELL_THRESHOLD
from analytics.metrics import PARITY_BENCHMARK, OrganizationProfile


def organization_trend(profile: OrganizationProfile, *, subtitle_text: str) -> go.Figure:
    """One organization's teachers and students of color over time (years it cannot be shown are gaps)."""
    teachers = profile.teachers.assign(group="Teachers")
    students = profile.students.assign(group="Students")
    years = charts.axis_years(teachers, students)
    title = f"{profile.name}: teachers and students of color"
    if not years:
        return charts.empty_figure(
            "No staffing or enrollment is loaded for this organization.", title, subtitle_text
        )
    fig = go.Figure()
    for frame, color, word, unit in (
        (students, ORANGE, "students", "students"),
        (teachers, GREEN, "teachers", "teachers (FTE)"),
    ):
        if frame.empty:
            continue
        shown = charts.on_years(frame, years, ["share", "of_color", "total"])
        fig.add_trace(
            go.Scatter(
                x=shown["school_year"],
                y=shown["share"],
                name=f"{word.capitalize()} of color",
                mode="lines+markers",
                line=dict(color=color, width=3),
                connectgaps=False,
                customdata=charts.hover_words(shown, unit),
                hovertemplate=f"%{{x}}: %{{y:.1%}} of {word} were people of color (%{{customdata}})<extra></extra>",
            )
        )
    charts.layout(fig, title, subtitle_text, height=400)
    charts.year_axis(fig, years)
    charts.share_axis(fig, "Share who are people of color")
    return fig


def workforce_trend(shares: pd.DataFrame, *, title: str, subtitle_text: str) -> go.Figure:
    """Share of color by job class, and students, over time (partial years apart, hidden years gaps)."""
    years = charts.axis_years(shares)
    if not years or shares["share"].dropna().empty:
        return charts.empty_figure(
            "No staffing or enrollment can be shown for this view.", title, subtitle_text
        )
    fig = go.Figure()
    groups = [g for g in shares["group"].unique() if g != "Students"] + (
        ["Students"] if (shares["group"] == "Students").any() else []
    )
    for group in groups:
        part = shares[shares["group"] == group]
        if part["share"].dropna().empty:
            continue
        line = charts.on_years(charts.counted(part), years, ["share", "of_color", "total"])
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
                customdata=charts.hover_words(line, unit),
                hovertemplate=f"{name}, %{{x}}: %{{y:.1%}} people of color (%{{customdata}})<extra></extra>",
            )
        )
        charts.add_partial_years(fig, part, years)
    charts.layout(fig, title, subtitle_text, height=480)
    charts.year_axis(fig, years)
    charts.share_axis(fig, "Share who are people of color")
    return fig


def parity_trend(parity_by_year: pd.DataFrame, *, title: str, subtitle_text: str) -> go.Figure:
    """Parity (teachers-of-color share / students-of-color share) against the 0.25 benchmark, on the
    complete years where both shares are shown."""
    years = charts.axis_years(parity_by_year)
    counted = parity_by_year[parity_by_year["complete"].astype(bool)]
    per_year = counted.drop_duplicates("school_year")[["school_year", "parity"]]
    if not years or per_year["parity"].dropna().empty:
        return charts.empty_figure(
            "Parity needs teachers and students of color that can both be shown, for the same complete years.",
            title,
            subtitle_text,
        )
    shown = charts.on_years(per_year, years, ["parity"])
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
    charts.layout(fig, title, subtitle_text, height=380, legend=False)
    charts.year_axis(fig, years)
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
        return charts.empty_figure(
            f"No organization has enough teachers of color to show ({SMALL_CELL_THRESHOLD} or more).",
            title,
            subtitle_text,
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
    charts.layout(fig, title, subtitle_text, height=380, legend=False)
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
        return charts.empty_figure(
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
    charts.layout(fig, title, subtitle_text, height=260 + 46 * len(order))
    fig.update_layout(barmode="stack", margin_t=190, legend_traceorder="normal")
    fig.update_xaxes(tickformat=".0%", range=[0, 1], title_text="Share of each group", gridcolor="#E5E8EB")
    fig.update_yaxes(autorange="reversed", title_text="")
    return fig
