"""What every chart shares: the palette, the font and layout, the axes, the notes on hidden and partial
years, the subtitle and the empty chart. The charts themselves are built by page or family
(goal_charts, superintendent_charts, fellows_charts, workforce_charts, equity_charts, student_charts):
DataFrames in, slide-ready figures out.

Every chart: school years on a categorical axis ('2019-20'), percentages as percentages, the Okabe-Ito
colour-blind-safe palette, targets drawn and labelled in the chart, a title that states the finding, a
subtitle with scope, data as-of year and source, and hover text in words. A year with no data is a gap.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from analytics import chart_fit, formats
from analytics.coverage import partial_label
from analytics.definitions import JOB_CLASSES, RACES, SMALL_CELL_THRESHOLD, school_years_between
from analytics.text import figure_text

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies.
BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"


PURPLE, SKY, YELLOW, GREY, BLACK = "#CC79A7", "#56B4E9", "#F0E442", "#7F7F7F", "#000000"


SERIES = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK, GREY]


RACE_COLORS = dict(zip(RACES, [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, "#BBBBBB"], strict=True))


# Arial (Liberation Sans on Linux): the same metrics in the browser and in PNG/PowerPoint exports.
FONT = "Arial, Liberation Sans, Helvetica, sans-serif"


SUPPRESSED_NOTE = (
    f"Groups of fewer than {SMALL_CELL_THRESHOLD} people are hidden, and figures that would give one away."
)


HIDDEN = "hidden (small numbers)"


# Every figure starts from the plain white template: a new figure takes the default template without
# validating it again, where `template=` in update_layout validates and copies all of it (about 15 ms a chart,
# 10% of a cold Workforce page). The figures are the same either way.
pio.templates.default = "plotly_white"

# One colour per job class, the same in every view (teachers green, as on the representation-gap chart).
JOB_CLASS_COLORS = dict(
    zip(JOB_CLASSES, [BLUE, SKY, PURPLE, VERMILLION, GREEN, BLACK, "#8C6D31", GREY], strict=True)
)


def layout(fig: go.Figure, title: str, subtitle: str, *, height: int = 460, legend: bool = True) -> go.Figure:
    _update_layout(
        fig,
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


def _update_layout(fig: go.Figure, **changes) -> None:
    """`fig.update_layout(**changes)` for the many properties `layout` sets at once on a new figure, in a
    third of the time (about 9 ms a chart to 2.5 ms; 10% of a cold Workforce page): Plotly's update walks
    property by property. The changes are validated as a Layout of their own, merged into the figure's layout
    as plain dicts (a nested property updated, any other replaced, as Plotly updates), and the result set as
    the figure's layout. The template is left out of the merge, so the figure takes the default one again
    without validating it (charts here never set a template of their own). A change of a few properties is
    cheaper through Plotly's own update, which does not copy the whole layout."""
    if "template" in changes:
        fig.update_layout(**changes)
        return
    current = fig.layout.to_plotly_json()
    current.pop("template", None)
    fig.layout = go.Layout(_merged(current, go.Layout(**changes).to_plotly_json()))


def _merged(old: dict, new: dict) -> dict:
    """`old` updated by `new`: a property both hold as a dict is merged, any other is `new`'s."""
    out = dict(old)
    for key, value in new.items():
        nested = isinstance(value, dict) and isinstance(old.get(key), dict)
        out[key] = _merged(old[key], value) if nested else value
    return out


def year_axis(fig: go.Figure, years: list[str], title: str = "School year") -> None:
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


def share_axis(fig: go.Figure, title: str, top: float | None = None) -> None:
    fig.update_yaxes(
        tickformat=".0%",
        title_text=title,
        rangemode="tozero",
        gridcolor="#E5E8EB",
        zeroline=True,
        zerolinecolor="#B0B7BE",
        **({"range": [0, top]} if top else {}),
    )


def on_years(frame: pd.DataFrame, years: list[str], columns: list[str]) -> pd.DataFrame:
    """The frame on every year of the axis: a year with no data becomes NaN (drawn as a gap, not zero)."""
    return frame.set_index("school_year").reindex(years)[columns].reset_index()


def counted(frame: pd.DataFrame) -> pd.DataFrame:
    """A published share frame with the share kept only on shown, complete years (the line); partial and
    hidden years become gaps."""
    keep = ~frame["suppressed"].astype(bool) & frame["complete"].astype(bool)
    return frame.assign(share=frame["share"].where(keep))


def _partial(frame: pd.DataFrame) -> pd.DataFrame:
    """The years of a published share frame that are partial: only their coverage is published."""
    return frame[~frame["complete"].astype(bool)]


def hover_words(frame: pd.DataFrame, unit: str) -> list[str]:
    """'26 of 302 superintendents (FTE)' per row ('' where hidden)."""
    return [
        "" if pd.isna(c) or pd.isna(t) else f"{formats.people(c)} of {formats.people(t)} {unit}"
        for c, t in zip(frame["of_color"], frame["total"], strict=True)
    ]


PARTIAL_NOTE_COLOR = "#595959"  # 7:1 on white: small text that must be read


def add_partial_years(fig: go.Figure, frame: pd.DataFrame, years: list[str]) -> None:
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


def label_end(fig: go.Figure, x: str, y: float, text: str, color: str, *, yshift: int = 0) -> None:
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


def spread(values: list[float], gap: float) -> list[float]:
    """Label positions near `values`, at least `gap` apart (so end labels of close lines don't overlap)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    placed = [0.0] * len(values)
    last = None
    for i in order:
        y = values[i] if last is None else max(values[i], last + gap)
        placed[i] = last = y
    return placed


def axis_years(*frames: pd.DataFrame, until: str | None = None) -> list[str]:
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
    layout(fig, title, subtitle_text, height=300, legend=False)
    return fig.update_layout(margin_l=40, margin_r=40)


def subtitle(scope: str, as_of: str | None, source: str, note: str = "") -> str:
    """'Statewide · data as of 2024-25 · Source: ...' (+ a note, which may break lines with <br>). The scope
    may be an organization's name, so the parts are shown as text."""
    parts = [scope, f"data as of {as_of}" if as_of else "no data", f"Source: {source}"]
    parts = [figure_text(p) for p in parts]
    return " · ".join(parts) + (f"<br>{note}" if note else "")
