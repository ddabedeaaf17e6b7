"""Coverage: which organizations a school year's figure stands on, against those expected.

A statewide (or region / type) figure for a year is *complete* when the organizations that reported cover
at least `complete_share` (data/settings.toml, default 95%) of those expected; otherwise it is *partial*: it
is drawn apart and labelled, and is never the headline, a card, the deck's figure, a gap, a projection or a
scenario's start. Expected, for each kind, job class and year:
- the list a live statewide file carries for that year (the sample data, a DESE extract with its State row);
- else the organizations that reported in the latest complete year before it;
- else (no complete year before it) the list of the first year that has one.
With no statewide file at all, the year in which the most organizations reported stands as the list.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.settings import load_settings
from analytics.warehouse import cursor, sql

COVERAGE_COLUMNS = ["organizations_reported", "organizations_expected", "complete"]


def organizations_expected(
    con: duckdb.DuckDBPyConnection, kind: str, job_classes: tuple[str, ...] = ()
) -> pd.DataFrame:
    """job_class, school_year, org_code, reported, expected: every organization that reported or was
    expected, per job class (None for enrollment) and school year."""
    cur = cursor(con)
    try:
        frame = cur.execute(
            sql("organizations_reporting"), {"kind": kind, "job_classes": list(job_classes) or [""]}
        ).df()
    finally:
        cur.close()
    share = load_settings().complete_share
    parts = [
        _expected_for(part, share) for _, part in frame.groupby(frame["job_class"].fillna(""), sort=False)
    ]
    if not parts:
        return frame.assign(expected=pd.Series(dtype=bool))[
            ["job_class", "school_year", "org_code", "reported", "expected"]
        ]
    return pd.concat(parts, ignore_index=True)


def _expected_for(frame: pd.DataFrame, complete_share: float) -> pd.DataFrame:
    """The expected list of every school year of one job class (see the module docstring). Organizations
    are handled as integer codes: at national scale a year lists 13,000 of them."""
    codes, _ = pd.factorize(frame["org_code"])
    years_of = frame["school_year"].to_numpy(dtype=object)
    reported_mask = frame["reported"].to_numpy(dtype=bool)
    listed_mask = frame["listed"].to_numpy(dtype=bool)

    def members(mask: np.ndarray) -> dict[str, np.ndarray]:
        return {y: np.unique(codes[mask & (years_of == y)]) for y in pd.unique(years_of[mask])}

    reported, listed = members(reported_mask), members(listed_mask)
    lists = {y: ("listed", y) for y in listed}
    if not lists and reported:
        anchor = max(reported, key=lambda y: (len(reported[y]), y))
        lists = {anchor: ("reported", anchor)}
    sets = {("listed", y): c for y, c in listed.items()} | {("reported", y): c for y, c in reported.items()}
    first = lists[min(lists)] if lists else None
    reference = None
    source: dict[str, tuple[str, str]] = {}  # year -> where its expected list comes from
    for year in sorted(set(reported) | set(lists)):
        wanted = lists.get(year, reference or first)
        if wanted is None:
            continue
        source[year] = wanted
        expected = sets[wanted]
        got = reported.get(year, np.empty(0, dtype=codes.dtype))
        if len(expected) and len(np.intersect1d(got, expected, assume_unique=True)) >= (
            complete_share * len(expected) - 1e-9
        ):
            reference = ("reported", year)
    parts = [
        frame.loc[
            (years_of == from_year) & (reported_mask if column == "reported" else listed_mask), ["org_code"]
        ].assign(school_year=year)
        for year, (column, from_year) in source.items()
    ]
    rows = frame[["job_class", "school_year", "org_code", "reported"]]
    if not parts:
        return rows.assign(expected=False)
    expected = pd.concat(parts, ignore_index=True).assign(expected=True)
    out = rows.merge(expected, on=["school_year", "org_code"], how="outer")
    out["job_class"] = frame["job_class"].iloc[0]
    out["reported"] = out["reported"].fillna(False).astype(bool)
    out["expected"] = out["expected"].fillna(False).astype(bool)
    return out


def coverage_by_year(expected: pd.DataFrame, in_view: np.ndarray | pd.Series) -> pd.DataFrame:
    """school_year (and job_class), organizations_reported (expected ones that did), organizations_expected,
    complete, for the organizations in view (`in_view` marks rows of `expected`)."""
    share = load_settings().complete_share
    view = expected[np.asarray(in_view, dtype=bool)].assign(
        hit=lambda f: f["reported"] & f["expected"], any_reported=lambda f: f["reported"]
    )
    keys = ["job_class", "school_year"]
    out = (
        view.groupby([view["job_class"].fillna(""), "school_year"], sort=True)
        .agg(
            organizations_reported=("hit", "sum"),
            organizations_expected=("expected", "sum"),
            any_reported=("any_reported", "any"),
        )
        .reset_index()
    )
    out["job_class"] = out["job_class"].replace("", None)
    # Nothing expected here (a new region or organization): complete as far as anyone can tell.
    out["complete"] = np.where(
        out["organizations_expected"] > 0,
        out["organizations_reported"] >= share * out["organizations_expected"] - 1e-9,
        out["any_reported"],
    ).astype(bool)
    out[["organizations_reported", "organizations_expected"]] = out[
        ["organizations_reported", "organizations_expected"]
    ].astype(int)
    return out[[*keys, *COVERAGE_COLUMNS]]


@dataclass(frozen=True)
class CoverageNote:
    """What a partial year says: 'partial: 1 of 322 organizations reported'."""

    school_year: str
    reported: int
    expected: int

    def __str__(self) -> str:
        return f"partial: {self.reported:,} of {self.expected:,} organizations reported"


def partial_label(reported: int, expected: int) -> str:
    """'partial: 1 of 322 organizations reported'."""
    return str(CoverageNote("", int(reported), int(expected)))
