"""Fellows: Influence 100 Fellows against the goal of 100, and what became of them (aggregates only)."""

import streamlit as st

from analytics import formats, sections, tables
from analytics.definitions import SMALL_CELL_THRESHOLD
from ui.data import goals, shared_call
from ui.layout import caption, chart, data_table, empty_state, page_heading, registered, sidebar_filters
from ui.text import grid

g = goals()
own = g.on_page("fellows")
page_heading(
    "Influence 100 Fellows",
    " ".join(goal.definition() for goal in own)
    + f" Aggregates only: who is of color, and what became of them, is shown only for groups of {SMALL_CELL_THRESHOLD} or more "
    "either way.",
)
filters = sidebar_filters()
progress = [registered(goal.chart, filters) for goal in own]
if not own or progress[0].data.empty:
    empty_state("Influence 100 fellows")
    st.stop()

summary, _, _, table = shared_call(sections.fellows_outcomes, filters)
a, b, c, d = st.columns(4)
a.metric("Fellows enrolled", f"{summary.enrolled:,}")
b.metric(
    "Completed the Fellowship",
    tables.FEWER_THAN_6 if summary.completed is None else f"{summary.completed:,}",
)
c.metric(
    "Superintendents within 5 years",
    tables.FEWER_THAN_6 if summary.placed_superintendent is None else f"{summary.placed_superintendent:,}",
)
d.metric(
    "People of color",
    formats.percent(summary.share_of_color, 0),
    help="Share of Fellows whose race is known who are people of color.",
)
for section in progress:
    chart(section)
    caption(
        section.caption + " Filters by region and type apply to each Fellow's home organization; the "
        "school-year filter does not apply (cohorts are counted whole)."
    )

chart(registered("fellows-outcomes", filters))
chart(registered("fellows-roles-at-entry", filters))

st.header("By cohort")
cohort_table, cohort_caption = tables.fellows_cohort_view(table)
data_table(grid(cohort_table), hide_index=True, width="stretch", key="fellows_table")
caption(cohort_caption)
