"""The Fellows page's charts: the funnel from Fellowship to the superintendent's office, and the roles
Fellows come from."""

from __future__ import annotations

import plotly.graph_objects as go

from analytics import charts
from analytics.charts import BLUE, GREEN, HIDDEN, ORANGE, PURPLE, SKY
from analytics.metrics import FellowsSummary


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
    charts.layout(fig, title, subtitle_text, height=360, legend=False)
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
    charts.layout(fig, title, subtitle_text, height=360, legend=False)
    fig.update_yaxes(title_text="Fellows", gridcolor="#E5E8EB", range=[0, max([*heights, 1]) * 1.25])
    fig.update_xaxes(title_text="Role when they entered")
    return fig
