"""Students' experience: the program's third goal, "accelerated improvement in how students of color are
experiencing school", measured from DESE's own reports (analytics/contracts.py: student-discipline,
student-attendance, graduation, climate-survey).

Definitions (the About page says the same):
- Students of color = All Students minus White, in counts (students × rate), since DESE publishes both and
  its race groups partition All Students. Published rates are rounded to 0.1 points, so a figure of color
  carries an error of at most 0.05 points × (all students ÷ students of color); figures are shown to one
  decimal of a point.
- Where All Students or White is not published for an organization and year (a blank rate: fewer than 6
  counted, or fewer than 10 answered), the organization is left out of that year's figure, and its
  coverage says so, as for staff. A year is complete under the same rule (settings: complete_share).
- Attendance and VOCAL reports carry no head counts per group: they are weighted by the warehouse's
  enrollment by race for the organization and year (VOCAL by its respondents where the file gives them).
- Privacy: the block rule of analytics/privacy.py, for a rate with at least 6 students in each category it
  splits (those it counts and those it does not), of color and White; for an index, 6 or more of each.
- "Accelerated" compares two straight-line trends of the gap, before the baseline and from it, each with a
  90% interval: accelerating when the later narrowing is faster and the interval of the difference says so;
  "too early to tell" with fewer than 3 complete years on either side; "not yet" otherwise. Years DESE flags
  as not comparable (discipline and attendance in 2019-20 and 2020-21) are left out unless asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics import definitions
from analytics.coverage import is_complete
from analytics.filters import ALL, Filters
from analytics.privacy import BLOCK, BLOCK_PASSES, SUPPRESSED, build_blocks, tabulate
from analytics.projection import _t95
from analytics.sql_files import sql
from analytics.warehouse import KeptPerData, cursor

PANDEMIC_YEARS = ("2019-20", "2020-21")
INFLUENCE_100, OTHERS = "Influence 100 organizations", "All other organizations"
RATE_COUNTS = ("yes_c", "no_c", "yes_w", "no_w")  # those a rate counts, and not, of color and White
INDEX_COUNTS = ("n_c", "n_w")
INDEX_FIGURES = ("sum_c", "n_c", "sum_w", "n_w")
MIN_TREND_YEARS = 3


@dataclass(frozen=True)
class Measure:
    """One measure of students' experience: the report it comes from and how it is weighed."""

    key: str
    label: str  # "chronic absence"
    table: str  # the warehouse table (current_ one is read)
    column: str
    base: str | None  # the report's own head count for the rate; None: weighted by enrollment
    index: bool = False  # an index score (1-99), not a rate
    not_comparable: tuple[str, ...] = ()
    better: str = "lower"  # which way the measure is better (goals.toml may say otherwise)

    @property
    def counts(self) -> tuple[str, ...]:
        return INDEX_COUNTS if self.index else RATE_COUNTS

    @property
    def figures(self) -> tuple[str, ...]:
        return INDEX_FIGURES if self.index else RATE_COUNTS

    @property
    def unit(self) -> str:
        return "index points" if self.index else "points"

    @property
    def weighting(self) -> str:
        if self.index:
            return "weighted by respondents where the survey gives them, else by enrollment by race"
        if self.base is None:
            return "weighted by enrollment by race (the report gives no head counts per group)"
        return ""


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure(
            "out_of_school_suspension",
            "out-of-school suspension",
            "student_discipline",
            "pct_out_of_school_suspension",
            "students",
            not_comparable=PANDEMIC_YEARS,
        ),
        Measure(
            "chronic_absence",
            "chronic absence",
            "student_attendance",
            "pct_chronically_absent",
            None,
            not_comparable=PANDEMIC_YEARS,
        ),
        Measure(
            "graduation_4yr",
            "four-year graduation",
            "graduation",
            "pct_graduated",
            "cohort_count",
            better="higher",
        ),
        Measure(
            "climate_index",
            "school climate (VOCAL index)",
            "climate_survey",
            "index_overall",
            None,
            index=True,
            better="higher",
        ),
    )
}


def family(measure: Measure) -> str:
    """The release family of a measure (analytics/releases.py)."""
    return f"experience:{measure.key}"


# --- organization by organization --------------------------------------------------------------------------


def _query(con: duckdb.DuckDBPyConnection, measure: Measure, filters: Filters) -> pd.DataFrame:
    if measure.index:
        text = sql("climate_index_by_organization")
    elif measure.base is None:
        text = sql("student_rate_by_enrollment", table=f"current_{measure.table}", rate=measure.column)
    else:
        text = sql(
            "student_rate_with_counts",
            table=f"current_{measure.table}",
            rate=measure.column,
            base=measure.base,
        )
    params = {
        "year_from": filters.year_from,
        "year_to": filters.year_to,
        "known_races": list(definitions.RACES),
    }
    used = {k: v for k, v in params.items() if f"${k}" in text}
    try:
        with cursor(con) as cur:
            return cur.execute(text, used).df()
    except duckdb.CatalogException:  # a warehouse from before these reports: nothing loaded
        return pd.DataFrame(
            columns=[
                "school_year",
                "org_code",
                "region",
                "org_type",
                "rate_all",
                "base_all",
                "rate_white",
                "base_white",
            ]
        )


def atoms(con: duckdb.DuckDBPyConnection, measure: Measure, filters: Filters = ALL) -> pd.DataFrame:
    """Per school year and organization where All Students and White are both published: students of
    color and White students counted by the measure and not (or, for an index, the index times its weight
    and the weight), with the organization's region and type."""
    raw = _query(con, measure, filters)
    raw = raw.dropna(subset=["rate_all", "rate_white", "base_all", "base_white"])
    raw = raw.astype({c: float for c in ("rate_all", "base_all", "rate_white", "base_white")})
    base_c = raw["base_all"] - raw["base_white"]
    keep = (raw["base_all"] > 0) & (base_c >= 0)
    raw, base_c = raw[keep].reset_index(drop=True), base_c[keep].reset_index(drop=True)
    out = raw[["school_year", "org_code", "region", "org_type"]].copy()
    if measure.index:
        out["sum_c"] = raw["rate_all"] * raw["base_all"] - raw["rate_white"] * raw["base_white"]
        out["n_c"] = base_c
        out["sum_w"] = raw["rate_white"] * raw["base_white"]
        out["n_w"] = raw["base_white"]
        return out
    # Rates are published to 0.1 points: All minus White can come out a hair below 0 or above all of color.
    yes_w = (raw["rate_white"] * raw["base_white"]).clip(lower=0)
    yes_c = np.minimum((raw["rate_all"] * raw["base_all"] - yes_w).clip(lower=0), base_c)
    out["yes_c"], out["no_c"] = yes_c, base_c - yes_c
    out["yes_w"], out["no_w"] = yes_w, raw["base_white"] - yes_w
    return out


_RELEASED = KeptPerData()


def _read_released(con: duckdb.DuckDBPyConnection, measure: Measure) -> pd.DataFrame:
    with cursor(con) as cur:
        frame = cur.execute(sql("released_units_of_family"), {"family": family(measure)}).df()
    out = frame[["key_a", "org_code", "region", "org_type", BLOCK, BLOCK_PASSES]].rename(
        columns={"key_a": "school_year"}
    )
    values = (
        np.vstack(frame["vals"].to_numpy()).astype(float)
        if len(frame)
        else np.empty((0, len(measure.figures)))
    )
    for i, name in enumerate(measure.figures):
        out[name] = values[:, i]
    return out


def _released_atoms(con: duckdb.DuckDBPyConnection, measure: Measure, filters: Filters) -> pd.DataFrame:
    """The latest release's units of the measure (analytics/releases.py), with their blocks."""
    out = _RELEASED.get(con, (family(measure),), lambda: _read_released(con, measure))
    return out[filters.in_years(out)].reset_index(drop=True)


def cut_blocks(frame: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """Organizations' figures cut into blocks: region × type cells merged until each has 6 or more of color
    and White counted and not (for an index, 6 or more of each), also with any one organization taken out;
    organizations that pass alone split off where what remains still passes."""
    return build_blocks(
        frame,
        keys=["school_year"],
        dims=["region", "org_type"],
        counts=list(measure.counts),
        unit="org_code",
        weights={"region": 3, "org_type": 2},
    )


def blocks(con: duckdb.DuckDBPyConnection, measure: Measure, filters: Filters = ALL) -> pd.DataFrame:
    """The measure's organizations cut into blocks: the latest release's, or cut now."""
    if filters.released:
        return _released_atoms(con, measure, filters)
    found = atoms(con, measure, Filters(filters.year_from, filters.year_to))
    return cut_blocks(found, measure) if len(found) else found.assign(**{BLOCK: 0, BLOCK_PASSES: True})


# --- a view, year by year ----------------------------------------------------------------------------------

YEAR_COLUMNS = [
    "school_year",
    "rate_of_color",
    "rate_white",
    "gap",
    SUPPRESSED,
    "organizations_reported",
    "organizations_expected",
    "complete",
    "comparable",
]


def _rates(sums: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """rate_of_color, rate_white and gap from summed figures."""
    if measure.index:
        color = sums["sum_c"] / sums["n_c"]
        white = sums["sum_w"] / sums["n_w"]
    else:
        color = sums["yes_c"] / (sums["yes_c"] + sums["no_c"])
        white = sums["yes_w"] / (sums["yes_w"] + sums["no_w"])
    return sums.assign(rate_of_color=color, rate_white=white, gap=color - white)


def _expected(frame: pd.DataFrame, in_view: np.ndarray) -> dict[str, int]:
    """Organizations in view expected each year: those that reported in the year most reported in (no
    statewide list of these reports is kept), and any other that reported that year."""
    if frame.empty:
        return {}
    per_year = frame.groupby("school_year")["org_code"].apply(set)
    anchor = max(per_year, key=len)
    view = set(frame.loc[in_view, "org_code"])
    return {year: len((anchor | orgs) & view) for year, orgs in per_year.items()}


def by_year(
    con: duckdb.DuckDBPyConnection,
    measure: Measure,
    filters: Filters = ALL,
    *,
    include_not_comparable: bool = True,
) -> pd.DataFrame:
    """Per school year in view: the rate (or index) of students of color and of White students, the gap,
    suppressed, coverage (organizations in the figure of those expected) and whether the year is comparable
    with the others."""
    found = blocks(con, measure, filters)
    if found.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in YEAR_COLUMNS})
    if not include_not_comparable:
        found = found[~found["school_year"].isin(measure.not_comparable)].reset_index(drop=True)
    everywhere = found
    mask = filters.selects(found)
    shown = tabulate(found, mask, keys=["school_year"], figures=list(measure.figures))
    if shown.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in YEAR_COLUMNS})
    out = _rates(shown, measure)
    in_view = found[mask]
    reported = in_view.groupby("school_year")["org_code"].nunique()
    expected = _expected(everywhere, mask)
    out["organizations_reported"] = out["school_year"].map(reported).fillna(0).astype(int)
    out["organizations_expected"] = out["school_year"].map(expected).fillna(0).astype(int)
    out["complete"] = is_complete(out["organizations_reported"], out["organizations_expected"])
    out["comparable"] = ~out["school_year"].isin(measure.not_comparable)
    hidden = out[SUPPRESSED].astype(bool) | ~out["complete"].astype(bool)
    out.loc[hidden, ["rate_of_color", "rate_white", "gap"]] = np.nan
    return out[YEAR_COLUMNS].reset_index(drop=True)


# --- has the gap been closing faster? ------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """A straight-line trend of the gap over some school years: change per year and its 90% interval."""

    first: str
    last: str
    years: int
    slope: float  # change of the gap per school year (fraction, or index points)
    low: float
    high: float


@dataclass(frozen=True)
class Comparison:
    """The gap's trend before the baseline and since, and whether its narrowing accelerated (None: too early
    to tell)."""

    measure: Measure
    before: Trend | None
    since: Trend | None
    accelerating: bool | None
    better: str

    def improvement(self, trend: Trend | None) -> float | None:
        """How fast the gap narrows a year (positive: narrowing), in the measure's direction."""
        if trend is None:
            return None
        return -trend.slope if self.better == "lower" else trend.slope


def _fit(rows: pd.DataFrame) -> Trend | None:
    if len(rows) < MIN_TREND_YEARS:
        return None
    x = rows["school_year"].map(definitions.spring_year).to_numpy(dtype=float)
    y = rows["gap"].to_numpy(dtype=float)
    slope, intercept = np.polyfit(x, y, 1)
    residual = y - (slope * x + intercept)
    df = len(x) - 2
    spread = float(np.sum((x - x.mean()) ** 2))
    se = math.sqrt(float(np.sum(residual**2)) / df / spread) if df > 0 and spread > 0 else 0.0
    t = _t95(max(df, 1))
    return Trend(
        str(rows["school_year"].iloc[0]),
        str(rows["school_year"].iloc[-1]),
        len(x),
        float(slope),
        slope - t * se,
        slope + t * se,
    )


def compare(
    frame: pd.DataFrame,
    measure: Measure,
    *,
    baseline_year: str,
    first_year: str,
    better: str | None = None,
    include_not_comparable: bool = False,
) -> Comparison:
    """The gap's trend in the complete, shown years before `baseline_year` (from `first_year`) and from it,
    and whether the narrowing since is faster than before by more than the trends' 90% intervals allow."""
    better = better or measure.better
    rows = frame[~frame[SUPPRESSED].astype(bool) & frame["complete"].astype(bool) & frame["gap"].notna()]
    if not include_not_comparable:
        rows = rows[rows["comparable"].astype(bool)]
    rows = rows.sort_values("school_year")
    before = _fit(rows[(rows["school_year"] < baseline_year) & (rows["school_year"] >= first_year)])
    since = _fit(rows[rows["school_year"] >= baseline_year])
    comparison = Comparison(measure, before, since, None, better)
    if before is None or since is None:
        return comparison
    faster = comparison.improvement(since) - comparison.improvement(before)
    half_before, half_since = (before.high - before.low) / 2, (since.high - since.low) / 2
    margin = math.sqrt(half_before**2 + half_since**2)
    return Comparison(measure, before, since, bool(faster - margin > 0), better)


def _points(value: float, measure: Measure) -> float:
    return value if measure.index else value * 100


def _signed(value: float) -> str:
    """+0.4, -0.2, 0.0 (never -0.0)."""
    return "0.0" if abs(value) < 0.05 else f"{value:+.1f}"


def comparison_words(c: Comparison, baseline_year: str | None = None) -> str:
    """'The gap in chronic absence has narrowed by 0.4 points a year since 2019-20 (2021-22 to 2024-25;
    90% interval 0.0 to +0.9), against 0.1 a year in 2016-17 to 2018-19 (-0.2 to +0.4): not yet
    accelerating.'"""
    m = c.measure
    if c.since is None or c.before is None:
        have = [t for t in (c.before, c.since) if t is not None]
        seen = ", ".join(f"{t.years} ({t.first} to {t.last})" for t in have)
        return (
            f"Too early to tell for {m.label}: a trend needs {MIN_TREND_YEARS} or more complete years on each side "
            f"of the baseline" + (f" (the data has {seen})." if have else ".")
        )

    def narrowing(trend: Trend) -> tuple[float, float, float]:
        # Narrowing a year (positive) and its 90% interval, in the measure's direction, in points.
        if c.better == "lower":
            value, low, high = -trend.slope, -trend.high, -trend.low
        else:
            value, low, high = trend.slope, trend.low, trend.high
        return _points(value, m), _points(low, m), _points(high, m)

    now, now_low, now_high = narrowing(c.since)
    then, then_low, then_high = narrowing(c.before)
    start = baseline_year or c.since.first
    verb = "narrowed" if now > 0 else "widened"
    then_verb = "narrowing" if then > 0 else "widening"
    span = f"{c.since.first} to {c.since.last}; " if c.since.first != start else ""
    verdict = (
        "accelerating" if c.accelerating else "not yet accelerating (the intervals do not say it is faster)"
    )
    return (
        f"The gap in {m.label} has {verb} by {abs(now):.1f} {m.unit} a year since {start} ({span}90% interval "
        f"{_signed(now_low)} to {_signed(now_high)}), against {then_verb} by {abs(then):.1f} a year in "
        f"{c.before.first} to {c.before.last} ({_signed(then_low)} to {_signed(then_high)}): {verdict}. A "
        "comparison of trends, not a cause."
    )


# --- Influence 100's organizations, against all others ---------------------------------------------------------


def influence_comparison(
    con: duckdb.DuckDBPyConnection,
    measure: Measure,
    filters: Filters = ALL,
    *,
    include_not_comparable: bool = True,
) -> pd.DataFrame:
    """Per school year and group — Influence 100's organizations (each counted from the year it first took
    part) and all other organizations in view — the rates of color and White and the gap. Each group's figure
    is the union of the blocks lying wholly in it; organizations in blocks that mix the two are in neither
    (`left_out`). A comparison, never an effect."""
    columns = [
        "school_year",
        "group",
        "rate_of_color",
        "rate_white",
        "gap",
        SUPPRESSED,
        "organizations",
        "left_out",
    ]
    found = blocks(con, measure, filters)
    if found.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    if not include_not_comparable:
        found = found[~found["school_year"].isin(measure.not_comparable)].reset_index(drop=True)
    # A year that is partial in view has no figure for either group (its few organizations are no group).
    whole = by_year(con, measure, filters)
    complete_years = set(whole.loc[whole["complete"].astype(bool), "school_year"])
    found = found[found["school_year"].isin(complete_years)].reset_index(drop=True)
    with cursor(con) as cur:
        joined = cur.execute(sql("influence_100_first_year")).df()
    first = dict(zip(joined["org_code"], joined["first_year"], strict=True))
    member = np.array(
        [
            first.get(o) is not None and y >= first[o]
            for o, y in zip(found["org_code"], found["school_year"], strict=True)
        ],
        dtype=bool,  # (also where no year is complete: an empty array is float otherwise)
    )
    in_view = np.asarray(filters.selects(found), dtype=bool)
    parts = []
    for group, wanted in ((INFLUENCE_100, in_view & member), (OTHERS, in_view & ~member)):
        whole = pd.Series(wanted).groupby([found["school_year"], found[BLOCK]]).transform("all").to_numpy()
        mask = wanted & whole & found[BLOCK_PASSES].to_numpy(bool)
        years = sorted(found.loc[wanted, "school_year"].unique())
        if not years:
            continue
        shown = tabulate(found, mask, keys=["school_year"], figures=list(measure.figures))
        frame = pd.DataFrame({"school_year": years}).merge(shown, on="school_year", how="left")
        frame = _rates(frame.fillna({c: np.nan for c in measure.figures}), measure)
        frame[SUPPRESSED] = frame[list(measure.figures)].isna().any(axis=1) | frame[SUPPRESSED].fillna(
            True
        ).astype(bool)
        frame.loc[frame[SUPPRESSED], ["rate_of_color", "rate_white", "gap"]] = np.nan
        frame["group"] = group
        frame["organizations"] = (
            frame["school_year"]
            .map(pd.Series(mask).groupby(found["school_year"]).sum())
            .fillna(0)
            .astype(int)
        )
        frame["left_out"] = (
            frame["school_year"]
            .map(pd.Series(wanted & ~mask).groupby(found["school_year"]).sum())
            .fillna(0)
            .astype(int)
        )
        parts.append(frame[columns])
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return (
        pd.concat(parts, ignore_index=True)
        .sort_values(["school_year", "group"], kind="stable")
        .reset_index(drop=True)
    )
