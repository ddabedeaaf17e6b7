"""Equity leaders and AMSEL: equity-leader positions and the network of school equity leaders, its members
against its expectations, where the gaps are, and staff of color beside it."""

import streamlit as st

from analytics import definitions as d
from analytics import sections
from analytics.equity import leader_gaps
from ui.data import call
from ui.layout import caption, chart, data_table, empty_state, page_heading, sidebar_filters
from ui.text import grid

page_heading(
    "Equity leaders and AMSEL",
    "How many organizations have an equity leader, how the network of school equity leaders (AMSEL) has grown "
    "since its six founders met in 2019-20, and where there is none yet.",
)
filters = sidebar_filters()

positions = call(sections.equity_leader_positions, filters)
if positions.data.empty:
    empty_state("equity-leader survey")
    st.stop()
chart(positions, "equity_positions")
caption(positions.caption)
by_region = call(sections.equity_leaders_by_group, filters, "region")
chart(by_region, "equity_by_region")
by_type = call(sections.equity_leaders_by_group, filters, "org_type")
chart(by_type, "equity_by_type")

st.header("The network")
members, expectations = call(sections.amsel_network, filters)
if members.data.empty:
    empty_state("AMSEL membership list")
else:
    chart(members, "amsel_members")
    chart(expectations, "amsel_expectations")
    caption(members.caption)

st.header("Where the gaps are")
st.caption(
    "Organizations without an equity-leader position in their latest report that take part in Influence 100 "
    "or whose students are half or more of color (that share only where it may be shown)."
)
mapped = call(sections.equity_map, filters)
chart(mapped, "equity_map")
caption(mapped.caption)
gaps = call(leader_gaps, filters)
st.caption(f"{len(gaps):,} organizations to follow up.")
data_table(
    grid(sections.equity_gaps_display(gaps)), hide_index=True, width="stretch", key="equity_gaps", height=320
)

st.header("Beside the workforce")
population = st.radio(
    "Staff",
    (d.TEACHER, "Principal"),
    format_func=lambda p: f"{p}s",
    horizontal=True,
    key="equity_population",
)
comparison = call(sections.equity_comparison, filters, population)
chart(comparison, "equity_comparison")
caption(comparison.caption)
