"""Export page (placeholder until its issue lands)."""

import streamlit as st

from ui.layout import page_heading

page_heading("Export", "Slide-ready charts as PNG and PowerPoint.")
st.info("This page is being built. Its data is already in the warehouse; see **About** for definitions.")
