"""Influence 100 workforce-diversity goals dashboard: `streamlit run app.py` (or `make run`)."""

import streamlit as st

from ui.layout import sample_banner

st.set_page_config(
    page_title="Workforce diversity goals · DESE",
    page_icon=":material/diversity_3:",
    layout="wide",
    initial_sidebar_state="expanded",
)

# One flat list: Streamlit's grouped navigation nests a <div> in the nav's <ul>, which screen readers
# trip over (axe: list/listitem, serious).
PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/flag:", default=True),
    st.Page("pages/superintendents.py", title="Superintendents", icon=":material/trending_up:"),
    st.Page("pages/fellows.py", title="Fellows", icon=":material/school:"),
    st.Page("pages/districts.py", title="Districts", icon=":material/location_city:"),
    st.Page("pages/workforce.py", title="Workforce", icon=":material/groups:"),
    st.Page("pages/upload.py", title="Upload", icon=":material/upload_file:"),
    st.Page("pages/export.py", title="Export", icon=":material/slideshow:"),
    st.Page("pages/about.py", title="About", icon=":material/info:"),
]

page = st.navigation(PAGES)
sample_banner()
page.run()
