"""Turning text cells into the warehouse's values, a whole column at a time, and saying which cells
could not be turned (so the problem names the row)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics import definitions as d
from analytics.ingest.vocabulary import FALSE_KEYS, JOB_CLASS_BY_KEY, RACE_BY_KEY, TRUE_KEYS, key

FORMULA_START = ("=", "+", "@")
STATE_CODE = "00000000"


def looks_like_formula(value: object) -> bool:
    """A cell a spreadsheet would take for a formula ('=SUM(A1)', '+1', '@x'); it is only ever text."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def numbers(cells: pd.Series, *, decimal_comma: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, bad, blank): each cell as a float (NaN where blank or bad); bad marks text that is not a
    number (formula-looking text included: it is never calculated)."""
    blank = cells.isna().to_numpy()
    if pd.api.types.is_float_dtype(cells.dtype):  # a typed Excel column: numbers already
        return cells.to_numpy(dtype="float64", copy=True), np.zeros(len(cells), dtype=bool), blank
    try:  # the usual case, plain numbers: one vectorised cast, no text clean-up
        fast = pc.cast(pa.array(cells, type=pa.string(), from_pandas=True), pa.float64())
        values = fast.to_numpy(zero_copy_only=False).astype("float64", copy=True)
        if np.isfinite(values[~blank]).all():
            return values, np.zeros(len(values), dtype=bool), blank
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    text = cells.fillna("").astype(str)
    text = text.str.replace("%", "", regex=False).str.replace(" ", "", regex=False)
    if decimal_comma:
        text = text.str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    values = pd.to_numeric(text.where(~blank, None), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan, copy=True
    )
    formula = text.str.startswith(FORMULA_START).to_numpy()
    bad = ~blank & (~np.isfinite(values) | formula)
    values[bad] = np.nan
    return values, bad, blank


def org_codes(cells: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """(8-digit codes, malformed): codes as files write them (lost zeros, '350000.0', a number in an
    Excel cell); NaN where blank or malformed."""
    present = cells.notna().to_numpy()
    if pd.api.types.is_float_dtype(cells.dtype):
        values = cells.to_numpy(dtype="float64")
        whole = present & (values == np.round(values)) & (values >= 0) & (values < 1e8)
        text = pc.cast(pa.array(np.where(whole, values, 0).astype(np.int64)), pa.string())
        text = pc.if_else(pa.array(whole), text, pa.scalar(None, pa.string()))
    else:
        text = pc.utf8_trim_whitespace(pa.array(cells, type=pa.string(), from_pandas=True))
        text = pc.replace_substring_regex(text, r"\.0+$", "")
    # DESE codes have at least 5 digits as written ('10000' is the smallest district); 0 is the state.
    ok = pc.fill_null(pc.match_substring_regex(text, r"^(?:\d{5,8}|0+)$"), False).to_numpy(
        zero_copy_only=False
    )
    codes = pc.utf8_lpad(pc.if_else(pa.array(ok), text, pa.scalar(None, pa.string())), 8, "0")
    return pd.Series(codes.to_pandas(), index=cells.index, dtype="str"), present & ~ok


def by_unique(cells: pd.Series, parse) -> pd.Series:
    """Apply `parse` to each distinct cell once (files repeat a handful of spellings many times); missing
    where the cell is blank or `parse` gives None. The result is categorical: cheap to compare and group."""
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    parsed = [parse(u) for u in uniques]
    categories = list(dict.fromkeys(p for p in parsed if p is not None))
    position = {c: i for i, c in enumerate(categories)}
    recode = np.array([position.get(p, -1) if p is not None else -1 for p in parsed] + [-1], dtype=np.int64)
    values = pd.Categorical.from_codes(recode[codes], categories=categories)
    return pd.Series(values, index=cells.index)


def school_years(cells: pd.Series) -> pd.Series:
    """Canonical '2023-24' labels; NaN where blank or not a school year."""
    return by_unique(cells, d.parse_school_year)


def races(cells: pd.Series) -> pd.Series:
    """DESE's race/ethnicity category for each spelling; NaN where blank or unknown."""
    return by_unique(cells, lambda v: RACE_BY_KEY.get(key(v)))


def job_classes(cells: pd.Series) -> pd.Series:
    """The warehouse's job class for each spelling; NaN where blank or unknown."""
    return by_unique(cells, lambda v: JOB_CLASS_BY_KEY.get(key(v)))


def accepted_values(cells: pd.Series, accepted: tuple[str, ...]) -> pd.Series:
    """The accepted value each cell spells (any case or punctuation); NaN where blank or not accepted."""
    lookup = {key(a): a for a in accepted}
    return by_unique(cells, lambda v: lookup.get(key(v)))


def yes_no(cells: pd.Series) -> pd.Series:
    """True/False for Yes/No, Y/N, TRUE/FALSE, 1/0, x; NaN where blank or neither."""

    def parse(v):
        k = key(v)
        return True if k in TRUE_KEYS else False if k in FALSE_KEYS else None

    return by_unique(cells, parse)
