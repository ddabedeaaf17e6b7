"""The Equity leaders page's charts: equity-leader positions and AMSEL by year and by group, the network's
members and expectations, staff of color with an equity leader and without, and the map of organizations."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics import charts, equity, formats
from analytics.charts import (
    BLACK,
    BLUE,
    GREEN,
    HIDDEN,
    ORANGE,
    PURPLE,
    SERIES,
    SKY,
    VERMILLION,
    YELLOW,
)
from analytics.coverage import partial_label
from analytics.text import figure_text

STANDING_STYLES = {  # the map's categories: colour, symbol, size (Okabe-Ito; shapes differ too)
    equity.AMSEL_MEMBER: (ORANGE, "circle", 11),
    equity.LEADER_NOT_IN_AMSEL: (BLUE, "diamond", 10),
    equity.LEADER_GAP: (VERMILLION, "x", 10),
    equity.NO_LEADER: ("#AAB2BA", "circle", 5),
    equity.NO_RECENT_REPORT: ("#8A96A3", "circle-open", 6),
}


def equity_leaders_growth(
    frame: pd.DataFrame, founders: list[str], *, title: str, subtitle_text: str
) -> go.Figure:
    """Organizations with an equity-leader position and those in AMSEL, each year; partial years drawn
    lighter and labelled; AMSEL's founders named at its first year."""
    if frame.empty:
        return charts.empty_figure("No equity-leader survey is loaded for this view.", title, subtitle_text)
    years = charts.axis_years(frame)
    shown = charts.on_years(
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
    charts.layout(fig, title, subtitle_text, height=460)
    fig.update_layout(barmode="group", bargap=0.25)
    charts.year_axis(fig, years)
    fig.update_yaxes(
        title_text="Organizations", rangemode="tozero", gridcolor="#E5E8EB", range=[0, top * 1.25]
    )
    return fig


def equity_leaders_by_group_chart(
    frame: pd.DataFrame, column: str, what: str, *, title: str, subtitle_text: str
) -> go.Figure:
    """Organizations (`column`: with_leader or amsel) each year, stacked by group (region or type)."""
    if frame.empty or not frame[column].sum():
        return charts.empty_figure(f"No organizations {what} for this view.", title, subtitle_text)
    years = charts.axis_years(frame)
    fig = go.Figure()
    groups = list(dict.fromkeys(frame["group"]))
    for i, group in enumerate(groups):
        part = charts.on_years(frame[frame["group"] == group], years, [column])
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
    charts.layout(fig, title, subtitle_text, height=480)
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    charts.year_axis(fig, years)
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
        return charts.empty_figure("No AMSEL membership list is loaded for this view.", title, subtitle_text)
    years = charts.axis_years(network)
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
    charts.layout(fig, title, subtitle_text, height=480)
    fig.update_layout(barmode="stack")
    charts.year_axis(fig, years)
    top = float(members.max()) if members.notna().any() else 10.0
    fig.update_yaxes(
        title_text="Members (people)", rangemode="tozero", gridcolor="#E5E8EB", range=[0, top * 1.2]
    )
    return fig


def network_expectations_chart(network: pd.DataFrame, *, title: str, subtitle_text: str) -> go.Figure:
    """Shares of members meeting the network's expectations each year (every monthly meeting, at least one
    subcommittee; a mentor for each new member) against the expectation, 100%. Hidden years are gaps."""
    if network.empty:
        return charts.empty_figure("No AMSEL membership list is loaded for this view.", title, subtitle_text)
    years = charts.axis_years(network)
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
    placed = charts.spread([y for _, y, _, _ in ends], 0.05)
    for (x, _, text, color), y in zip(ends, placed, strict=True):
        charts.label_end(fig, x, y, text, color)
    charts.layout(fig, title, subtitle_text, height=480)
    charts.year_axis(fig, years)
    charts.share_axis(fig, "Share of members (mentors: of new members)", 1.08)
    return fig


def leader_comparison_chart(comparison, *, title: str, subtitle_text: str) -> go.Figure:
    """Share of staff who are people of color in organizations with an equity leader and without, each year
    (partial years drawn apart), with the number of organizations behind each figure in the hover."""
    frame = comparison.frame
    if frame.empty or frame["share"].isna().all():
        return charts.empty_figure(
            "No staffing can be shown for these groups in this view.", title, subtitle_text
        )
    years = charts.axis_years(frame)
    fig = go.Figure()
    ends = []
    for group, color, symbol in (
        ("With an equity leader", ORANGE, "circle"),
        ("Without an equity leader", BLUE, "square"),
    ):
        part = frame[frame["group"] == group]
        if part.empty:
            continue
        line = charts.on_years(charts.counted(part), years, ["share", "of_color", "total", "organizations"])
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
        charts.add_partial_years(fig, part, years)
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
    placed = charts.spread([y for _, y, _, _ in ends], 0.02)
    for (x, _, text, color), y in zip(ends, placed, strict=True):
        charts.label_end(fig, x, y, text, color)
    charts.layout(fig, title, subtitle_text, height=480)
    charts.year_axis(fig, years)
    top = float(frame["share"].max()) if frame["share"].notna().any() else 0.2
    charts.share_axis(fig, f"{comparison.population}s who are people of color", top * 1.3)
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
    for standing in reversed(equity.STANDINGS):
        color, symbol, size = STANDING_STYLES[standing]
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
    charts.layout(fig, title, subtitle_text, height=560)
    fig.update_layout(
        margin=dict(l=20, r=20, t=150 + 18 * subtitle_text.count("<br>"), b=20),
        legend=dict(orientation="h", y=1.0, yanchor="bottom"),
        plot_bgcolor="white",
    )
    fig.update_xaxes(visible=False, range=[-73.6, -69.8])
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / 0.74, range=[41.2, 42.95])
    return fig
