"""Small-cell suppression (DESE's educator-data rule): no figure describing fewer than 6 people is shown,
and a second cell is hidden where a total would let the first be worked out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.definitions import SMALL_CELL_THRESHOLD


def small(count: float | None, threshold: int = SMALL_CELL_THRESHOLD) -> bool:
    """True when a count of people is above zero but below the threshold (or unknown)."""
    return count is None or pd.isna(count) or 0 < round(float(count), 6) < threshold


def suppress_shares(
    frame: pd.DataFrame,
    part: str,
    whole: str,
    *,
    partition: str | None = None,
    threshold: int = SMALL_CELL_THRESHOLD,
) -> pd.DataFrame:
    """Hide shares whose people of color (`part`) or others (`whole` - `part`) number 1 to 5.

    With `partition` (e.g. the school year, when each row is a region of the same statewide total), a
    lone hidden cell in a partition also hides the next-smallest one (complementary suppression).
    Adds a boolean column `suppressed`; the share, part and whole of hidden rows become NaN.
    """
    out = frame.copy()
    others = out[whole] - out[part]
    hide = ((out[part] > 0) & (out[part] < threshold)) | ((others > 0) & (others < threshold))
    hide |= (out[whole] > 0) & (out[whole] < threshold)
    if partition is not None:
        hide = hide.copy()
        for _, idx in out.groupby(partition).groups.items():
            cells = hide.loc[idx]
            if cells.sum() == 1 and len(cells) > 1:
                shown = out.loc[idx][~cells]
                hide.loc[shown[whole].idxmin()] = True
    out["suppressed"] = hide.to_numpy()
    for col in [c for c in (part, whole, "share") if c in out]:
        out[col] = out[col].astype(float)
        out.loc[out["suppressed"], col] = np.nan
    return out


def suppress_counts(
    frame: pd.DataFrame, columns: list[str], threshold: int = SMALL_CELL_THRESHOLD
) -> pd.DataFrame:
    """Replace counts of 1 to 5 people with NaN (shown as 'fewer than 6'), column by column."""
    out = frame.copy()
    for col in columns:
        values = out[col].astype(float)
        out[col] = values.where(~((values > 0) & (values < threshold)))
    return out
