"""Workforce: educators of color in each role beside the students they serve, and the parity measure."""

import streamlit as st

from analytics import sections
from ui.data import call, goals
from ui.layout import caption, chart, empty_state, page_heading, sidebar_filters

page_heading(
    "Workforce",
    "Teachers, principals and leaders of color beside the students they serve: the gap Influence 100 exists "
    "to close.",
)
filters = sidebar_filters()
trend = call(sections.workforce_trend, filters)
if trend.data.empty:
    empty_state("staffing or enrollment")
    st.stop()
chart(trend, "workforce_trend")
for goal in goals().on_page(
    "workforce"
):  # the goals for a share of color of another role than superintendents
    st.header(goal.title)
    section = call(sections.goal_section, goal, filters)
    chart(section, f"workforce_{goal.key}")
    caption(section.caption)

st.header("Parity: teachers of color beside students of color")
st.caption(
    "Parity = the share of teachers who are people of color ÷ the share of students who are (that share is "
    "floored at 5%). 1 means teachers mirror their students; Massachusetts districts use 0.25 as a benchmark."
)
parity_trend, parity_spread = call(sections.parity, filters)
chart(parity_trend, "workforce_parity")
chart(parity_spread, "workforce_parity_by_org")

composition = call(sections.race_composition, filters)
chart(composition, "workforce_composition")
