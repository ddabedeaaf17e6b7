"""How numbers and yes/no read wherever they are shown: cards, captions, tables, chart hover text and the
upload preview all write them through these, so "8.6%", "26" and "Yes" look the same everywhere."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

NOT_SHOWN = "—"  # a figure there is none of (no data, a hidden group)


def percent(value: float | None, digits: int = 1) -> str:
    """'8.6%', or '—' for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return NOT_SHOWN
    return f"{value:.{digits}%}"


def people(value: float) -> str:
    """People counted in FTE, as a person reads them: '26' where whole, '25.5' where not."""
    return f"{value:,.0f}" if abs(value - round(value)) < 1e-6 else f"{value:,.1f}"


def count(value: float | None) -> str:
    """A whole count with thousands separators: '1,234'; '0' for none."""
    return "0" if value is None or pd.isna(value) else f"{value:,.0f}"


def yes_no(value: bool | None, unknown: str = "") -> str:
    """'Yes' / 'No', or `unknown` where nothing was reported."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return unknown
    return "Yes" if value else "No"


def yes_no_column(values: pd.Series, unknown: str = "", no: str = "No") -> pd.Series:
    """`yes_no` for a whole column at once (tables of thousands of organizations); `no` may be '' where
    only the yeses matter (a year's participation)."""
    if values.empty:
        return values.astype(str)
    known = values.notna().to_numpy()
    truthy = values.where(values.notna(), False).astype(bool).to_numpy()
    words = np.where(known, np.where(truthy, "Yes", no), unknown)
    return pd.Series(words, index=values.index, dtype=str)
