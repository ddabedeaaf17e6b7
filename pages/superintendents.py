"""Superintendents page (placeholder until its issue lands)."""

import streamlit as st

from ui.layout import page_heading

page_heading(
    "Superintendents",
    "Superintendents of color against the 4% → 14% target path, with projection and scenarios.",
)
st.info("This page is being built. Its data is already in the warehouse; see **About** for definitions.")
