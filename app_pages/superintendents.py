"""Superintendents: the share of color against the 4% → 14% target path, where the trend leads, what
hiring would take, and the representation gap around it."""

import streamlit as st

from analytics import formats, sections
from analytics.definitions import SMALL_CELL_THRESHOLD
from analytics.goal_progress import points_since
from analytics.metrics import counted_years
from analytics.projection import implied_hire_share
from ui.data import goals, shared_call
from ui.layout import caption, chart, empty_state, page_heading, registered, sidebar_filters

g = goals()
goal = g.superintendents
if goal is None:  # goals.toml has no superintendents-of-color goal
    page_heading("Superintendents of color", "No goal for superintendents of color is set in the goals file.")
    st.stop()
page_heading(
    goal.title,
    f"Against the target path from {goal.baseline_share:.0%} in {goal.baseline_year} to "
    f"{goal.target_share:.0%} in {goal.target_year}. Aggregates only: no district's superintendent is shown.",
)
filters = sidebar_filters()
trend, projection = shared_call(sections.goal_trend, goal, filters)
status = trend.status

if trend.data.empty:
    empty_state("superintendent staffing")
    st.stop()
if status.value is None:
    st.info(
        f"{status.detail} Widen the region or type in the sidebar: a view this narrow would show a group of "
        f"fewer than {SMALL_CELL_THRESHOLD} superintendents of color (or fewer than {SMALL_CELL_THRESHOLD} others), which would identify people.",
        icon=":material/visibility_off:",
    )
    st.stop()

latest = counted_years(trend.data).iloc[-1]
a, b, c, d = st.columns(4)
a.metric(
    f"Share of color, {status.as_of}",
    formats.percent(status.value),
    points_since(status.change, goal.baseline_year) if status.change is not None else None,
)
b.metric(f"Target path, {status.as_of}", formats.percent(status.target))
if status.gap_points is None or status.on_the_path:
    c.metric("Against the path", formats.NOT_SHOWN if status.gap_points is None else "On the path")
else:
    c.metric(
        "Below the path by" if status.gap_points > 0 else "Above the path by",
        f"{abs(status.gap_points):.1f} pts",
        help="Difference between the target path and the actual share, in percentage points.",
    )
if status.short_of_path is not None:
    d.metric(
        "Needed now",
        "none" if status.short_of_path == 0 else f"{status.short_of_path} more",
        help=f"Superintendents of color {status.as_of} would need to be on the path: {status.target:.1%} of "
        f"{formats.people(latest['total'])} superintendents (counted in FTE).",
    )
chart(trend)
caption(trend.caption)

st.header("What would it take?")
st.caption(
    "Each year some superintendent posts open; the share of color changes with who is hired. Leavers are "
    "assumed to mirror the current make-up. Turnover cannot be derived from counts by race, so it starts at "
    f"the goals' default of {goal.default_turnover:.0%} a year."
)
inputs, result = st.columns([1, 2])
with inputs:
    posts = st.number_input(
        "Superintendent posts",
        min_value=1,
        max_value=100_000,
        step=1,
        value=round(float(latest["total"])),
        key="scenario_posts",
    )
    turnover = (
        st.slider(
            "Turnover a year",
            5,
            40,
            round(goal.default_turnover * 100),
            1,
            format="%d%%",
            key="scenario_turnover",
            help="Share of posts that open each year.",
        )
        / 100
    )
    implied = implied_hire_share(counted_years(trend.data), turnover, goal.baseline_year)
    hire_share = (
        st.slider(
            "New superintendents who are people of color",
            0,
            100,
            round((implied if implied is not None else 0.25) * 100),
            1,
            format="%d%%",
            key="scenario_hire_share",
            help="Starts at the share that explains the change since the baseline at this turnover"
            + (f" ({implied:.0%})." if implied is not None else "."),
        )
        / 100
    )
planned = shared_call(
    sections.superintendent_scenario, g, filters, float(posts), float(turnover), float(hire_share)
)
with result:
    if planned is not None:
        scenario_section, scenario = planned
        needed = scenario.required_hire_share
        st.metric(
            f"Hiring share needed for {goal.target_share:.0%} by {goal.target_year}",
            "not reachable" if needed is None else f"{needed:.0%} of new hires",
            help="Even if every new superintendent were a person of color, this turnover is too low."
            if needed is None
            else None,
        )
        openings = posts * turnover
        st.caption(
            f"About {openings:,.0f} posts open a year; at {hire_share:.0%} that is about {openings * hire_share:,.0f} "
            f"superintendents of color hired a year"
            + (f", against about {openings * needed:,.0f} needed." if needed is not None else ".")
        )
if planned is not None:
    chart(scenario_section)

st.header("The representation gap")
chart(registered("representation-gap", filters))
if filters.is_statewide:
    st.caption("Diamonds are published figures, labelled with their source (hover for it).")

st.header("By region or type of organization")
group_by = st.segmented_control(
    "Break down by",
    ["region", "org_type"],
    default="region",
    key="breakdown",
    format_func={"region": "Region", "org_type": "Organization type"}.get,
)
chart(
    registered("superintendents-by-type" if group_by == "org_type" else "superintendents-by-region", filters)
)
st.caption(
    f"One year, the latest complete one: a region or type is shown only where it holds at least {SMALL_CELL_THRESHOLD} "
    f"superintendents of color and {SMALL_CELL_THRESHOLD} others, and where no hidden one could be worked out from the rest."
)
