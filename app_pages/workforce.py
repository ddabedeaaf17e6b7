"""Workforce: educators of color in each role beside the students they serve, and the parity measure."""

import streamlit as st

from ui.data import goals
from ui.layout import caption, chart, empty_state, page_heading, registered, sidebar_filters

page_heading(
    "Workforce",
    "Teachers, principals and leaders of color beside the students they serve: the gap Influence 100 exists "
    "to close.",
)
filters = sidebar_filters()
trend = registered("workforce-of-color", filters)
if trend.data.empty:
    empty_state("staffing or enrollment")
    st.stop()
chart(trend)
for goal in goals().on_page(
    "workforce"
):  # the goals for a share of color of another role than superintendents
    st.header(goal.title)
    section = registered(goal.chart, filters)
    chart(section)
    caption(section.caption)

st.header("Parity: teachers of color beside students of color")
st.caption(
    "Parity = the share of teachers who are people of color ÷ the share of students who are (that share is "
    "floored at 5%). 1 means teachers mirror their students; Massachusetts districts use 0.25 as a benchmark."
)
for key in ("teacher-student-parity", "parity-by-organization", "race-composition"):
    chart(registered(key, filters))
