"""Overview: are we on track? One card and one chart per goal (data/goals.toml)."""

import streamlit as st

from analytics import goal_progress
from ui.data import goals
from ui.layout import caption, chart, goal_card, page_heading, registered, sidebar_filters

page_heading(
    "Are we on track?", "Influence 100's goals for Massachusetts: where each stands, and the path to it."
)
filters = sidebar_filters()
every_goal = list(goals())
found = [registered(goal.chart, filters, compact=True) for goal in every_goal]
statewide_view = not filters.regions and not filters.org_types
progress = [
    goal_progress.Progress(goal, section.data, section.status, statewide_view)
    for goal, section in zip(every_goal, found, strict=True)
]

for row in (progress[i : i + 4] for i in range(0, len(progress), 4)):
    for column, p in zip(st.columns(len(row)), row, strict=True):
        with column:
            goal_card(
                p.goal.title,
                goal_progress.value_words(p),
                goal_progress.change_words(p),
                p.status,
                goal_progress.as_of_words(p),
                goal_progress.card_detail(p),
            )

if not statewide_view:
    st.caption(
        "The goals are statewide: this view shows its own figures, as its part of the state's, and compares "
        "shares with the statewide target path."
    )
for section in found:
    chart(section)
    caption(section.caption)
