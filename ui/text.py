"""User text (file names, organization names, uploaders) shown as text: Streamlit renders the message of
st.warning, st.caption, st.markdown ... as Markdown, so a file named "[click](http://x)" would become a live
link. Every ASCII punctuation character is backslash-escaped (CommonMark lets any be), which also stops
Streamlit's own ":red[...]" and ":material/...:" directives.

Data grids are the other door: st.dataframe's toolbar offers "Download as CSV", written in the browser from
the values shown, so a cell "=HYPERLINK(…)" would reach Excel as a formula. grid() quotes such cells before
they are shown (the quote shows on screen too, which is honest about what the cell holds)."""

from __future__ import annotations

import re

import pandas as pd

from analytics.text import spreadsheet_safe

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain(text: object) -> str:
    """`text` escaped so that Streamlit's Markdown shows it exactly as written."""
    return _PUNCTUATION.sub(r"\\\1", str(text))


def grid(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` as a data grid (st.dataframe, st.table) may show it: its formula-leading text cells quoted,
    so the grid's own CSV download cannot carry a formula. Pass every frame holding user text through it."""
    return spreadsheet_safe(frame)
