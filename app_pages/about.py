"""About: what the dashboard tracks, how each figure is defined, where the data comes from."""

import pandas as pd
import streamlit as st

from analytics import definitions
from analytics.sample import NOT_FOUND, experience_sources
from ui.data import goals
from ui.layout import data_table, page_heading

page_heading(
    "About this dashboard", "What it tracks, how each number is defined, and where the data comes from."
)
st.markdown(
    """
## The goals (Influence 100)
Influence 100 began in school year 2019-20 with the New York City Leadership Academy: a two-year Fellowship
for educators who aim to become superintendents within five years, and support for districts to build
a climate, policies and an intentional strategy that diversify their educator workforce. The goals are
statewide; a region's or type's figures are its part of them. DESE sets them: the dashboard draws every
path, band and gap from its goals file."""
)
data_table(
    pd.DataFrame(
        {"Goal": [goal.title for goal in goals()], "Target": [goal.definition() for goal in goals()]}
    ),
    hide_index=True,
    width="stretch",
    key="about_goals",
)
st.markdown(
    f"""
## Definitions
- **Race/ethnicity** uses DESE's seven categories: {", ".join(definitions.RACES)}.
  **People of color** are all but White.
- **Share** = FTE (or students) of color ÷ all FTE (or students) whose race is known.
- **Staff** are counted in full-time equivalents (FTE) as of October 1; **students** by headcount.
- **School years** are written `2019-20`; a bare year in a file is the spring year (`2024` = `2023-24`).
- Facts are stored once per organization, so statewide totals count each person once, even where a file
  carried State, district and school rows of the same people.
- A **superintendent** is a staffing row with the job class Superintendent; a **teacher**, Teacher.

## Privacy
Race of an individual is personal data (M.G.L. c.66A). This dashboard shows aggregates only; a district has
one superintendent, so superintendent race is never shown by district. Groups of fewer than
{definitions.SMALL_CELL_THRESHOLD} people are suppressed, with a second cell hidden where a total would reveal the first.
Fellows are stored without names.

## Sources
- DESE, *Diverse Workforce* and *Influence 100* pages; school-level *Profiles* staffing and enrollment data.
- Rennie Center / Eos, *The Power Gap* (October 2020).
- Organization names and 8-digit codes: DESE's district list. Educational collaboratives are not on that
  list: their codes here (from 56010000) are the dashboard's own, so find a collaborative by its name.
"""
)
st.markdown(
    """
## Students' experience: sources
The sample data's discipline, attendance, graduation and VOCAL climate-survey figures are synthetic. Their
statewide figures by race are calibrated to these published ones (the file `data/sample/student_calibration.csv`
lists every figure, its year and where it was published):
"""
    + "\n".join(f"- [{title}]({address})" for title, address in experience_sources())
    + "\n\nNo published figure was found for "
    + "; ".join(NOT_FOUND)
    + ". There the sample's values are plausible, chosen to fit the published ones, and marked as such."
)
