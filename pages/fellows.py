"""Fellows page (placeholder until its issue lands)."""

import streamlit as st

from ui.layout import page_heading

page_heading("Fellows", "Influence 100 Fellows against the goal of 100: cohorts, status, placements.")
st.info("This page is being built. Its data is already in the warehouse; see **About** for definitions.")
