"""Overview: are we on track? One card and one chart per goal."""

import streamlit as st

from analytics import formats, sections
from ui.data import call, goals
from ui.layout import caption, chart, goal_card, page_heading, sidebar_filters

page_heading(
    "Are we on track?", "Influence 100's goals for Massachusetts: where each stands, and the path to it."
)
filters = sidebar_filters()
g = goals()

(supers, _), fellows, districts = (
    call(sections.superintendent_trend, g, filters, compact=True),
    call(sections.fellows_progress, g, filters, compact=True),
    call(sections.districts_cumulative, g, filters, compact=True),
)

left, middle, right = st.columns(3)
with left:
    s = supers.status
    goal_card(
        g.superintendents.title,
        formats.percent(s.value),
        f"{s.change * 100:+.1f} points since {g.superintendents.baseline_year}"
        if s.change is not None
        else None,
        s,
        s.as_of,
        (
            f"Target for {s.as_of}: {formats.percent(s.target)} on the way to "
            f"{g.superintendents.target_share:.0%} by {g.superintendents.target_year}. "
            if s.target
            else ""
        )
        + s.detail
        + (f" {s.partial_note}" if s.partial_note else ""),
    )
with middle:
    f = fellows.status
    goal_card(
        g.fellows.title,
        formats.count(f.value) if f.value is not None else formats.NOT_SHOWN,
        None,
        f,
        f.as_of and f"cohort {f.cohort}, which began in {f.as_of}",
        f.detail,
    )
with right:
    d = districts.status
    goal_card(
        g.districts.title,
        formats.count(d.value) if d.value is not None else formats.NOT_SHOWN,
        None,
        d,
        d.as_of,
        d.detail,
    )

chart(supers, "overview_superintendents")
caption(supers.caption)
chart(fellows, "overview_fellows")
caption(fellows.caption)
chart(districts, "overview_districts")
caption(districts.caption)
