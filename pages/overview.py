"""Overview page (placeholder until its issue lands)."""

import streamlit as st

from ui.layout import page_heading

page_heading("Overview", "Are we on track to the goals? Headline cards and one chart per goal.")
st.info("This page is being built. Its data is already in the warehouse; see **About** for definitions.")
