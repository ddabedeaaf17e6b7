"""Equity leaders and AMSEL: equity-leader positions and the network of school equity leaders, its members
against its expectations, where the gaps are, and staff of color beside it."""

import streamlit as st

from analytics import definitions, tables
from analytics.equity import leader_gaps
from ui.data import call
from ui.layout import caption, chart, data_table, empty_state, page_heading, registered, sidebar_filters
from ui.text import grid

page_heading(
    "Equity leaders and AMSEL",
    "How many organizations have an equity leader, how the network of school equity leaders (AMSEL) has grown "
    "since its six founders met in 2019-20, and where there is none yet.",
)
filters = sidebar_filters()

positions = registered("equity-leader-positions", filters)
if positions.data.empty:
    empty_state("equity-leader survey")
    st.stop()
chart(positions)
caption(positions.caption)
chart(registered("equity-leaders-by-region", filters))
chart(registered("amsel-by-type", filters))

st.header("The network")
members = registered("amsel-members", filters)
if members.data.empty:
    empty_state("AMSEL membership list")
else:
    chart(members)
    chart(registered("amsel-expectations", filters))
    caption(members.caption)

st.header("Where the gaps are")
st.caption(
    "Organizations without an equity-leader position in their latest report that take part in Influence 100 "
    "or whose students are half or more of color (that share only where it may be shown)."
)
mapped = registered("equity-leaders-map", filters)
chart(mapped)
caption(mapped.caption)
gaps = call(leader_gaps, filters)
st.caption(f"{len(gaps):,} organizations to follow up.")
data_table(
    grid(tables.equity_gaps_display(gaps)), hide_index=True, width="stretch", key="equity_gaps", height=320
)

st.header("Beside the workforce")
population = st.radio(
    "Staff",
    (definitions.TEACHER, "Principal"),
    format_func=lambda p: f"{p}s",
    horizontal=True,
    key="equity_population",
)
comparison = registered(f"{population.lower()}s-of-color-with-equity-leaders", filters)
chart(comparison)
caption(comparison.caption)
