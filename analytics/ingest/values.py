"""Turning text cells into the warehouse's values, a whole column at a time, and saying which cells
could not be turned (so the problem names the row)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics import definitions as d
from analytics.ingest.vocabulary import FALSE_KEYS, JOB_CLASS_BY_KEY, RACE_BY_KEY, TRUE_KEYS, spelling

# An upload's text is held by Arrow (pandas' `str` dtype either way): the pages hold theirs as Python strings
# (analytics/__init__.py), many small frames, while an upload's checks work column by column on up to a
# million cells, where Arrow's functions are the faster (a 100,000-row roster checked in 0.19 s, not 0.39 s).
ARROW_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)

FORMULA_START = ("=", "+", "@")
STATE_CODE = "00000000"


def looks_like_formula(value: object) -> bool:
    """A cell a spreadsheet would take for a formula ('=SUM(A1)', '+1', '@x'); it is only ever text."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


@dataclass(frozen=True)
class Bound:
    """The largest figure a cell of one kind can hold in any real file, and how to say so."""

    most: float
    expected: str


# Anything beyond these is a typo or a broken export (a `1e308` once reached the statewide FTE as
# "Infinity"), so it is refused, naming the cell. They are generous on purpose: no real figure comes near
# them, even at national scale.
# One organization, job class and race (or that row's total): New York City, the largest US district, has
# about 75,000 teachers; Massachusetts has about 61,000 teacher FTE in all.
FTE_PER_CELL = Bound(
    100_000,
    "an FTE from 0 to 100,000: no organization has more staff in one job class and race (New York City, "
    "the largest US district, has about 75,000 teachers)",
)
# One row of a per-person roster is one person: 1.0 is full time; two part-time posts may add up to a
# little more, never to two people.
FTE_PER_PERSON = Bound(2, "an FTE from 0 to 2 for one person (1.0 is full time); is this row one person?")
# One organization and race: New York City has about 900,000 students, Massachusetts about 910,000.
STUDENTS_PER_CELL = Bound(
    2_000_000,
    "a number of students from 0 to 2,000,000: no organization has more (New York City, the largest US "
    "district, has about 900,000)",
)
# A percentage cell: 0-100 (files giving fractions 0-1 are inside that too).
PERCENT = Bound(100, "a percentage from 0 to 100")
# Influence 100 cohorts: one a year from 2019-20 (cohort 1); cohort 100 would begin in 2118-19.
COHORT = Bound(100, "a cohort number from 1 to 100 (cohort 1 began in 2019-20; one cohort a year)")
# Average absences: a Massachusetts school year has 180 days; a figure beyond a year of days is no average.
SCHOOL_DAYS = Bound(200, "a number of school days from 0 to 200 (a school year has 180)")
# The bound of each number column of the long shapes (templates, lists), by contract column.
BOUNDS: dict[str, Bound] = {"fte": FTE_PER_CELL, "students": STUDENTS_PER_CELL, "cohort": COHORT}

# Text that a number parser turns into infinity or "not a number": never a figure.
_NOT_FINITE_WORDS = ("nan", "inf", "infinity", "-inf", "-infinity", "+inf", "+infinity", "-nan", "+nan")
# 1,234 and 12,345.5: commas separating groups of three digits (the only commas a comma-separated file's
# numbers may hold). A first group of 0 is no thousands (0,125 is a decimal comma).
_THOUSANDS = r"[-+]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?"
# 1.234 and 12.345.678: in a semicolon-separated file (decimal commas) a point before three digits may be
# a thousands separator or a decimal point; either reading would be a guess (0.125 is not: no thousands).
_POINT_THOUSANDS = r"[-+]?[1-9]\d{0,2}(?:\.\d{3})+"


@dataclass(frozen=True)
class Numbers:
    """A column read as numbers: each cell's value (NaN where blank or refused) and, per cell, why a
    cell with something in it was not read."""

    values: np.ndarray
    blank: np.ndarray
    bad: np.ndarray  # not a number (formula-looking text included: it is never calculated)
    not_finite: np.ndarray  # inf, NaN, or too large to hold (1e309)
    comma: np.ndarray  # comma- or tab-separated: a comma that is not a thousands separator (12,5)
    ambiguous: np.ndarray  # semicolon-separated: 1.234 (thousands or decimal?) or 1.234,5 (both marks)

    @property
    def refused(self) -> np.ndarray:
        """Cells with something in them that gave no number."""
        return self.bad | self.not_finite | self.comma | self.ambiguous

    @property
    def written(self) -> np.ndarray:
        """Cells holding a number, or something meant as one (refused or not): not blank, not words."""
        return np.isfinite(self.values) | self.not_finite | self.comma | self.ambiguous


def numbers(cells: pd.Series, *, decimal_comma: bool = False) -> Numbers:
    """Each cell as a float, a whole column at a time, with the cells that could not be read and why.

    Comma- and tab-separated files (and Excel text cells) write decimals with a point; a comma is read
    only as a thousands separator (1,234; 12,345.5), never guessed otherwise (12,5 and 1.234,5 are
    refused). A semicolon-separated file writes decimals with a comma (12,5) or a point (12.5); a cell
    that could be either (1.234) or holds both marks is refused."""
    n = len(cells)
    blank = cells.isna().to_numpy()
    none = np.zeros(n, dtype=bool)
    if pd.api.types.is_float_dtype(cells.dtype):  # a typed Excel column: numbers already
        values = cells.to_numpy(dtype="float64", copy=True)
        not_finite = ~blank & ~np.isfinite(values)
        values[not_finite] = np.nan
        return Numbers(values, blank, none, not_finite, none, none)
    try:  # the usual case, plain numbers: one vectorised cast, no text clean-up
        strings = pa.array(cells, type=pa.string(), from_pandas=True)
        fast = pc.cast(strings, pa.float64())
        values = fast.to_numpy(zero_copy_only=False).astype("float64", copy=True)
        plain = np.isfinite(values[~blank]).all()
        if plain and decimal_comma:  # 1.234 casts, but in a decimal-comma file it may mean 1234
            plain = not pc.any(pc.match_substring_regex(strings, f"^{_POINT_THOUSANDS}$")).as_py()
        if plain:
            return Numbers(values, blank, none, none, none, none)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    text = cells.fillna("").astype(ARROW_TEXT)
    text = text.str.replace("%", "", regex=False).str.replace(" ", "", regex=False)
    has_comma = text.str.contains(",", regex=False).to_numpy()
    comma = ambiguous = none
    if decimal_comma:
        has_point = text.str.contains(".", regex=False).to_numpy()
        ambiguous = ~blank & (
            (has_comma & has_point) | text.str.fullmatch(_POINT_THOUSANDS).fillna(False).to_numpy(bool)
        )
        text = text.str.replace(",", ".", regex=False)
    elif has_comma.any():
        thousands = text.str.fullmatch(_THOUSANDS).fillna(False).to_numpy(bool)
        comma = ~blank & has_comma & ~thousands
        text = text.str.replace(",", "", regex=False)
    values = pd.to_numeric(text.where(~blank, None), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan, copy=True
    )
    formula = text.str.startswith(FORMULA_START).to_numpy()
    unread = ~blank & (~np.isfinite(values) | formula)
    not_finite = unread & (np.isinf(values) | text.str.lower().isin(_NOT_FINITE_WORDS).to_numpy()) & ~formula
    not_finite &= ~comma & ~ambiguous
    bad = unread & ~not_finite & ~comma & ~ambiguous
    values[unread | comma | ambiguous] = np.nan
    return Numbers(values, blank, bad, not_finite, comma, ambiguous)


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
    as_text = pd.Series(codes.to_pandas(types_mapper={pa.string(): ARROW_TEXT}.get), index=cells.index)
    return as_text, present & ~ok


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
    return by_unique(cells, lambda v: RACE_BY_KEY.get(spelling(v)))


def job_classes(cells: pd.Series) -> pd.Series:
    """The warehouse's job class for each spelling; NaN where blank or unknown."""
    return by_unique(cells, lambda v: JOB_CLASS_BY_KEY.get(spelling(v)))


def accepted_values(cells: pd.Series, accepted: tuple[str, ...]) -> pd.Series:
    """The accepted value each cell spells (any case or punctuation); NaN where blank or not accepted."""
    lookup = {spelling(a): a for a in accepted}
    return by_unique(cells, lambda v: lookup.get(spelling(v)))


def yes_no(cells: pd.Series) -> pd.Series:
    """True/False for Yes/No, Y/N, TRUE/FALSE, 1/0, x; NaN where blank or neither."""

    def parse(v):
        k = spelling(v)
        return True if k in TRUE_KEYS else False if k in FALSE_KEYS else None

    return by_unique(cells, parse)
