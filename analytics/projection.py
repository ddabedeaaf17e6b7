"""Where the superintendent trend leads: a linear projection with a prediction band, and a scenario
planner built on turnover and the make-up of new hires. Pure arithmetic; no data access."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.definitions import school_year_from_spring, spring_year

# Two-sided 90% Student-t quantiles (t at 0.95) by degrees of freedom; beyond 30, the normal's 1.645.
_T95 = {
    1: 6.314,
    2: 2.920,
    3: 2.353,
    4: 2.132,
    5: 2.015,
    6: 1.943,
    7: 1.895,
    8: 1.860,
    9: 1.833,
    10: 1.812,
    12: 1.782,
    15: 1.753,
    20: 1.725,
    30: 1.697,
}
HORIZON_SPRING_YEAR = 2035  # "not by 2035" beyond this


def _t95(df: int) -> float:
    for k in sorted(_T95, reverse=True):
        if df >= k:
            return _T95[k] if df <= 30 else 1.645
    return _T95[1]


@dataclass(frozen=True)
class Projection:
    """A straight-line fit of share on school year and what it implies."""

    slope_per_year: float  # change in share per school year (0.01 = one point a year)
    fitted_years: tuple[str, ...]
    path: pd.DataFrame  # school_year, share, low, high (90% prediction band)
    year_target_reached: str | None  # first school year on or above the target, None if not by 2035
    target_share: float

    @property
    def horizon(self) -> str:
        """The last school year a projection looks at: '2034-35'."""
        return school_year_from_spring(HORIZON_SPRING_YEAR)

    @property
    def reached_label(self) -> str:
        """'2030-31', or 'not by 2034-35'."""
        if self.year_target_reached is None:
            return f"not by {self.horizon}"
        return self.year_target_reached


def project_share(
    observed: pd.DataFrame, target_share: float, until: str, *, since: str | None = None
) -> Projection | None:
    """Project the share to `until` at the observed pace: the slope of a straight-line fit over the
    observed years (from `since`, if at least three remain), starting from the latest observed share.
    The 90% band combines the slope's uncertainty with year-to-year scatter; it is zero-width at the
    start. None when fewer than three years are observed."""
    data = observed.dropna(subset=["share"])
    if since is not None and (data["school_year"] >= since).sum() >= 3:
        data = data[data["school_year"] >= since]
    if len(data) < 3:
        return None
    x = data["school_year"].map(spring_year).to_numpy(dtype=float)
    y = data["share"].to_numpy(dtype=float)
    n = len(x)
    slope, intercept = np.polyfit(x, y, 1)
    residuals = y - (intercept + slope * x)
    s = math.sqrt(float(residuals @ residuals) / (n - 2))
    se_slope = s / math.sqrt(float(((x - x.mean()) ** 2).sum()))
    last, start = int(x[-1]), float(y[-1])
    ahead = np.arange(0, spring_year(until) - last + 1, dtype=float)
    centre = start + slope * ahead
    half = _t95(n - 2) * np.sqrt((ahead * se_slope) ** 2 + s**2 * np.minimum(ahead, 1.0))
    path = pd.DataFrame(
        {
            "school_year": [school_year_from_spring(last + int(k)) for k in ahead],
            "share": centre,
            "low": np.clip(centre - half, 0, 1),
            "high": np.clip(centre + half, 0, 1),
        }
    )
    reached = None
    if start >= target_share:
        reached = school_year_from_spring(last)
    elif slope > 0:
        year = last + math.ceil((target_share - start) / slope - 1e-9)
        if year <= HORIZON_SPRING_YEAR:
            reached = school_year_from_spring(year)
    return Projection(float(slope), tuple(data["school_year"]), path, reached, target_share)


@dataclass(frozen=True)
class Scenario:
    """The path implied by a number of posts, yearly turnover and the share of hires who are of color."""

    posts: float
    turnover: float
    hire_share: float
    path: pd.DataFrame  # school_year, share, people_of_color
    required_hire_share: float | None  # to reach the target by the target year; None if it can't be
    target_share: float
    target_year: str

    @property
    def reaches_target(self) -> bool:
        final = self.path[self.path["school_year"] == self.target_year]
        return bool(len(final)) and final["share"].iloc[0] >= self.target_share - 1e-9


def scenario_path(
    start_year: str,
    start_share: float,
    posts: float,
    turnover: float,
    hire_share: float,
    target_share: float,
    target_year: str,
) -> Scenario:
    """Each year a fraction `turnover` of posts open (leavers are assumed to mirror the current make-up)
    and `hire_share` of the new hires are people of color:
    share(next) = share * (1 - turnover) + turnover * hire_share."""
    years = range(spring_year(start_year), max(spring_year(target_year), spring_year(start_year)) + 1)
    share = start_share
    rows = []
    for k, year in enumerate(years):
        if k:
            share = share * (1 - turnover) + turnover * hire_share
        rows.append((school_year_from_spring(year), share, share * posts))
    path = pd.DataFrame(rows, columns=["school_year", "share", "people_of_color"])
    required = required_hire_share(start_share, turnover, target_share, len(years) - 1)
    return Scenario(posts, turnover, hire_share, path, required, target_share, target_year)


def required_hire_share(start_share: float, turnover: float, target_share: float, years: int) -> float | None:
    """Share of new hires who must be people of color to go from `start_share` to `target_share` in
    `years` years at this turnover. 0 if already there; None if even all-of-color hiring falls short."""
    if start_share >= target_share:
        return 0.0
    if years <= 0 or turnover <= 0:
        return None
    kept = (1 - turnover) ** years
    needed = (target_share - start_share * kept) / (1 - kept)
    return needed if needed <= 1 + 1e-12 else None


def implied_hire_share(observed: pd.DataFrame, turnover: float, since: str) -> float | None:
    """The share of new hires of color that explains the observed change from `since` to the latest year
    at this turnover (the same arithmetic as the scenario, run backwards); None without both years."""
    data = observed.dropna(subset=["share"])
    start = data[data["school_year"] == since]
    if start.empty or len(data) < 2 or data["school_year"].iloc[-1] <= since:
        return None
    years = spring_year(data["school_year"].iloc[-1]) - spring_year(since)
    first, last = float(start["share"].iloc[0]), float(data["share"].iloc[-1])
    if last <= first:
        return None
    return required_hire_share(first, turnover, last, years)
