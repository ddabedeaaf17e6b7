"""Students' experience: the program's third goal. For each measure, students of color beside White
students each year, the gap, and whether it has been closing faster since the program began than before;
Influence 100's organizations beside all others, as a comparison."""

import dataclasses

import streamlit as st

from analytics.chart_registry import influence_key, measure_key
from analytics.goals import GapGoal
from analytics.releases import organization_names
from analytics.students import MEASURES
from ui.data import call, goals
from ui.layout import caption, chart, page_heading, registered, sidebar_filters

own = [g for g in goals().on_page("students") if isinstance(g, GapGoal)]
page_heading(
    "How students of color experience school",
    " ".join(goal.definition() for goal in own)
    or "No goal for students' experience is set in the goals file.",
)
filters = sidebar_filters()
if not own:
    st.stop()
names = call(organization_names)
chosen = st.selectbox(
    "One organization",
    list(names),
    index=None,
    format_func=lambda code: f"{names[code]} ({code})",
    key="students_org",
    placeholder="All organizations in view",
)
if chosen:  # one organization's own figures, where it is a block of its own
    filters = dataclasses.replace(filters, org_code=chosen, org_name=names[chosen])
include = st.toggle(
    "Include the pandemic years in the trends",
    key="students_include_pandemic",
    help="DESE flags discipline and attendance in 2019-20 and 2020-21 as not comparable with other years; they "
    "are shown on the charts either way.",
)
for goal in own:
    overview = registered(goal.chart, filters)
    chart(overview)
    caption(overview.caption)
    for key in goal.measures:
        measure = registered(measure_key(key), filters, include_not_comparable=include)
        label = MEASURES[key].label
        st.header(label[0].upper() + label[1:])
        chart(measure)
        caption(measure.caption)
        if not chosen:
            chart(registered(influence_key(key), filters))
st.caption(
    "Students of color = All Students minus White, in counts (students × rate): DESE publishes both, and its "
    "race groups partition All Students. Rates are published to 0.1 points, so a rate of color may be off by "
    "a few hundredths of a point; it is shown to one decimal. An organization where either is not published "
    "(DESE leaves a rate blank where fewer than 6 were counted, or fewer than 10 answered) is left out of that "
    "year, and the coverage says so."
)
