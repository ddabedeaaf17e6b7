"""Upload page (placeholder until its issue lands)."""

import streamlit as st

from ui.layout import page_heading

page_heading("Upload", "Load staffing, enrollment, fellows, participation and equity-leader files.")
st.info("This page is being built. Its data is already in the warehouse; see **About** for definitions.")
