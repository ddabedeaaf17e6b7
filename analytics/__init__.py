"""Workforce-diversity analytics: warehouse, ingest, metrics, charts and exports. Never imports streamlit."""

import pandas as pd

# Text columns held as Python strings rather than Arrow's (pandas 3's default storage for its `str` dtype):
# the pages work on many small frames, and Arrow-backed text spent a third of a cold Workforce page's time
# converting to and from NumPy (taking rows, grouping, building indexes). The dtype is `str` either way.
pd.options.mode.string_storage = "python"
