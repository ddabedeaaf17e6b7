"""Districts: organizations taking part each year, against 10-15 a year and 100 in all; the list of
organizations; and one organization's profile."""

import streamlit as st

from analytics import formats, sections, tables
from analytics.metrics import organizations_overview
from ui.data import call, goals, shared_call
from ui.layout import caption, chart, data_table, empty_state, page_heading, registered, sidebar_filters
from ui.text import grid

g = goals()
own = g.on_page("districts")
page_heading("Districts and collaboratives", " ".join(goal.definition() for goal in own))
filters = sidebar_filters()
shown = [registered(goal.chart, filters) for goal in own]
if not shown or shown[0].data.empty:
    empty_state("participation")
else:
    for section in shown:
        chart(section)
        caption(section.caption)

st.header("Organizations")
orgs = call(organizations_overview, filters)
search_col, toggle_col = st.columns([2, 1])
search = search_col.text_input("Find an organization", key="org_search", placeholder="Name or 8-digit code")
only_taking_part = toggle_col.toggle("Only those taking part", value=True, key="org_only_participating")
table = tables.organizations_display(
    tables.find_organizations(orgs, search, taking_part_only=only_taking_part)
)
st.caption(f"{len(table):,} of {len(orgs):,} organizations. Select a row to see its profile below.")
picked = data_table(
    grid(table),
    hide_index=True,
    width="stretch",
    key="org_table",
    on_select="rerun",
    selection_mode="single-row",
    height=380,
)

st.header("Profile")
names = dict(zip(orgs["org_code"], orgs["name"], strict=True))
rows = picked.selection.rows if picked else []
if rows:
    st.query_params["org"] = table.iloc[rows[0]]["Code"]
wanted = st.query_params.get("org")
codes = list(names)
choice = st.selectbox(
    "Organization",
    codes,
    index=codes.index(wanted) if wanted in names else None,
    format_func=lambda c: f"{names[c]} ({c})",
    key=f"org_profile_{wanted}",
    placeholder="Choose an organization",
)
if choice and choice != wanted:
    st.query_params["org"] = choice
if choice:
    found = shared_call(sections.organization_profile, choice, filters)
    if found is None:
        st.warning("That organization is not in the warehouse.")
    else:
        profile, trend = found
        a, b, c, d = st.columns(4)
        a.metric("Type", profile.org_type)
        taking_part = profile.participation
        b.metric(
            "Years taking part",
            f"{len(taking_part)}",
            help=", ".join(taking_part["school_year"]) if len(taking_part) else "Not yet",
        )
        c.metric("Fellows sent", f"{profile.fellows_sent}")
        leader = formats.yes_no(profile.has_equity_leader, unknown="Not reported")
        d.metric(
            "Equity-leader position",
            leader,
            help="AMSEL member" if profile.amsel_member else "Not an AMSEL member",
        )
        caption(f"{profile.name} is in the {profile.region} region.")
        if len(taking_part):
            data_table(
                grid(tables.participation_display(taking_part)),
                hide_index=True,
                width="stretch",
                key="org_participation",
            )
        chart(trend)
else:
    st.caption("Choose an organization above, or select a row in the table.")
