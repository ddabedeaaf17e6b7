"""Districts page (placeholder until its issue lands)."""

import streamlit as st

from ui.layout import page_heading

page_heading("Districts", "Organizations taking part each year, against the 10-15 band and the goal of 100.")
st.info("This page is being built. Its data is already in the warehouse; see **About** for definitions.")
