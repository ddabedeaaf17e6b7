"""Workforce page (placeholder until its issue lands)."""

import streamlit as st

from ui.layout import page_heading

page_heading("Workforce", "Teachers, principals and leaders of color beside the students they serve.")
st.info("This page is being built. Its data is already in the warehouse; see **About** for definitions.")
