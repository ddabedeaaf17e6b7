"""Influence 100 workforce-diversity goals dashboard: `streamlit run app.py` (or `make run`)."""

import streamlit as st

from ui.layout import keep_filters_in_address, sample_banner

st.set_page_config(
    page_title="Workforce diversity goals · DESE",
    page_icon=":material/diversity_3:",
    layout="wide",
    initial_sidebar_state="expanded",
)

# Pages live in app_pages/, not pages/: Streamlit 1.67 treats a pages/ folder beside the entrypoint as an
# old-style multipage app until st.navigation has run once in the process, so a bookmarked link opened first
# after a restart would run its page alone (no navigation, no page config, no sample-data notice).
# One flat list: Streamlit's grouped navigation nests a <div> in the nav's <ul>, which screen readers
# trip over (axe: list/listitem, serious).
PAGES = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/flag:", default=True),
    st.Page("app_pages/superintendents.py", title="Superintendents", icon=":material/trending_up:"),
    st.Page("app_pages/fellows.py", title="Fellows", icon=":material/school:"),
    st.Page("app_pages/districts.py", title="Districts", icon=":material/location_city:"),
    st.Page("app_pages/workforce.py", title="Workforce", icon=":material/groups:"),
    st.Page("app_pages/upload.py", title="Upload", icon=":material/upload_file:"),
    st.Page("app_pages/export.py", title="Export", icon=":material/slideshow:"),
    st.Page("app_pages/about.py", title="About", icon=":material/info:"),
]

page = st.navigation(PAGES)
keep_filters_in_address()
sample_banner()
page.run()
