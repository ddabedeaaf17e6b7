"""Coverage: which organizations a school year's figure stands on, against those expected.

A statewide (or region / type) figure for a year is *complete* when the organizations that reported cover
at least `complete_share` (data/settings.toml, default 95%) of those expected; otherwise it is *partial*: it
is drawn apart and labelled, and is never the headline, a card, the deck's figure, a gap, a projection or a
scenario's start. Expected, for each kind, job class and year:
- the list a live statewide file carries for that year (the sample data, a DESE extract with its State row);
- else the organizations that reported in the latest complete year before it;
- else (no complete year before it) the list of the first year that has one.
With no statewide file at all, the year in which the most organizations reported stands as the list.

Organizations are handled as integer numbers (their position in org_code order): at national scale a year
lists 13,000 of them for each of nine populations.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.definitions import STUDENTS, TEACHER, school_year_from_spring, spring_year
from analytics.settings import load_settings
from analytics.sql_files import sql
from analytics.warehouse import KeptPerData, cursor

COVERAGE_COLUMNS = ["organizations_reported", "organizations_expected", "complete"]


@dataclass(frozen=True)
class Reporting:
    """Who reported and who was expected, one entry per (population, school year, organization), as
    integer arrays."""

    population: np.ndarray  # index into `names`
    spring: np.ndarray  # the school year's spring year
    org: np.ndarray  # organization number (position in `places`)
    reported: np.ndarray
    expected: np.ndarray
    names: list[str]  # population names
    places: pd.DataFrame  # org_code, region, org_type, in org_code order
    # Per population number: who a school year the warehouse has nothing for yet is expected to hear from.
    upcoming: dict[int, np.ndarray]

    def _years(self, spring: np.ndarray) -> np.ndarray:
        labels = {int(y): school_year_from_spring(int(y)) for y in np.unique(spring)}
        return (
            np.array([labels[int(y)] for y in spring], dtype=object) if len(spring) else spring.astype(object)
        )

    def lists(self, population: str, school_year: str) -> tuple[set[str], set[str]]:
        """(expected, reported): the organization codes `population` expects for `school_year`, and those
        of them that reported — for a year not loaded yet, the organizations it would be expected from."""
        j = self.names.index(population)
        codes = self.places["org_code"].to_numpy()
        rows = (self.population == j) & (self.spring == spring_year(school_year))
        if not rows.any():
            return set(codes[self.upcoming.get(j, np.empty(0, dtype=np.int64))]), set()
        expected = rows & self.expected
        return set(codes[self.org[expected]]), set(codes[self.org[expected & self.reported]])

    def by_cell(self) -> pd.DataFrame:
        """Per population, school year, region and type: expected organizations, those of them that
        reported, and whether any organization reported at all (views are unions of cells)."""
        columns = ["population", "school_year", "region", "org_type", "expected", "hit", "reported"]
        if not len(self.org):
            return pd.DataFrame(columns=columns)
        cells = self.places[["region", "org_type"]].drop_duplicates().reset_index(drop=True)
        cell_of = self.places.merge(cells.reset_index(), on=["region", "org_type"], how="left")["index"]
        cell = cell_of.to_numpy()[self.org]
        # One integer per (population, year, cell), then counts by bincount: a million entries in milliseconds.
        key = (self.population.astype(np.int64) * 10_000 + self.spring) * len(cells) + cell
        keys, inverse = np.unique(key, return_inverse=True)
        expected = np.bincount(inverse, weights=self.expected, minlength=len(keys))
        hit = np.bincount(inverse, weights=self.expected & self.reported, minlength=len(keys))
        reported = np.bincount(inverse, weights=self.reported, minlength=len(keys)) > 0
        cell_index = keys % len(cells)
        spring = (keys // len(cells)) % 10_000
        population = keys // len(cells) // 10_000
        return pd.DataFrame(
            {
                "population": np.array(self.names, dtype=object)[population],
                "school_year": self._years(spring),
                "region": cells["region"].to_numpy()[cell_index],
                "org_type": cells["org_type"].to_numpy()[cell_index],
                "expected": expected.astype(int),
                "hit": hit.astype(int),
                "reported": reported,
            }
        )


# Who reported, kept per change of the data: a page's default years (complete_years) and its figures'
# coverage ask for the same ones.
_KEPT = KeptPerData(size=16)


def organizations_reporting(
    con: duckdb.DuckDBPyConnection,
    table: str,
    job_classes: tuple[str, ...] = (),
    only: pd.DataFrame | None = None,
) -> Reporting:
    """Who reported and who was expected, for each of `job_classes` (`table` 'staffing') or for students
    ('enrollment'), every school year. With `only` (population, school_year, org_code: a release's
    organizations), only those count as having reported, and who is expected follows from them as it would
    from the facts: a released figure's coverage is the release's. Read, never changed, by those who ask."""
    if only is not None:
        return _organizations_reporting(con, table, job_classes, only)
    key = ("reporting", table, tuple(job_classes), load_settings().complete_share)
    return _KEPT.get(con, key, lambda: _organizations_reporting(con, table, job_classes, None))


def _organizations_reporting(
    con: duckdb.DuckDBPyConnection, table: str, job_classes: tuple[str, ...], only: pd.DataFrame | None
) -> Reporting:
    with cursor(con) as cur:
        raw = cur.execute(
            sql("organizations_reporting"), {"table": table, "job_classes": list(job_classes) or [""]}
        ).fetchnumpy()
        places = cur.execute(sql("organization_places")).df()
    share = load_settings().complete_share
    names = ["", *job_classes] if table == "staffing" else [STUDENTS]
    job = np.asarray(raw["job"], dtype=np.int64)
    spring_all, org_all = np.asarray(raw["spring"], dtype=np.int64), np.asarray(raw["org"], dtype=np.int64)
    reported_all, listed_all = np.asarray(raw["reported"], dtype=bool), np.asarray(raw["listed"], dtype=bool)
    if only is not None:
        reported_all = reported_all & _among(only, names, job, spring_all, org_all, places)
    parts, upcoming = [], {}
    for j in np.unique(job):
        rows = job == j
        n = int(j) if table == "staffing" else 0
        spring, org, reported, expected, upcoming[n] = _expected_for(
            spring_all[rows], org_all[rows], reported_all[rows], listed_all[rows], share
        )
        parts.append((np.full(len(spring), n), spring, org, reported, expected))
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return Reporting(empty, empty, empty, empty.astype(bool), empty.astype(bool), names, places, {})
    population, spring, org, reported, expected = (np.concatenate(p) for p in zip(*parts, strict=True))
    return Reporting(population, spring, org, reported, expected, names, places, upcoming)


def _among(only: pd.DataFrame, names: list[str], job, spring, org, places: pd.DataFrame) -> np.ndarray:
    """Whether each (population, spring year, organization) entry is one of `only`'s rows."""
    number = {code: i for i, code in enumerate(places["org_code"])}
    position = {name: i for i, name in enumerate(names)}
    wanted = pd.DataFrame(
        {
            "job": only["population"].map(position),
            "spring": only["school_year"].map(spring_year),
            "org": only["org_code"].map(number),
        }
    ).dropna()
    entries = pd.DataFrame({"job": job, "spring": spring, "org": org})
    found = entries.merge(wanted.astype(np.int64).drop_duplicates().assign(_hit=True), how="left")
    return found["_hit"].fillna(False).to_numpy(dtype=bool)


def is_complete(reported: int | np.ndarray, expected: int | np.ndarray, share: float | None = None):
    """The one test of completeness: those that reported cover at least `complete_share` of those expected."""
    share = load_settings().complete_share if share is None else share
    return reported >= share * expected - 1e-9


def _expected_for(spring, org, reported, listed, complete_share: float):
    """For one population: every (spring year, organization) that reported or was expected, with whether
    it reported and whether it was expected, and who a year not loaded yet would be expected from. See the
    module docstring for what is expected."""
    years = np.unique(spring)
    reported_sets = {y: np.unique(org[(spring == y) & reported]) for y in years}
    reported_sets = {y: s for y, s in reported_sets.items() if len(s)}
    listed_sets = {y: np.unique(org[(spring == y) & listed]) for y in years}
    lists = {y: s for y, s in listed_sets.items() if len(s)}
    if not lists and reported_sets:
        anchor = max(reported_sets, key=lambda y: (len(reported_sets[y]), y))
        lists = {anchor: reported_sets[anchor]}
    first = lists[min(lists)] if lists else None
    reference = None
    out = []
    for year in years:
        wanted = lists.get(year, reference if reference is not None else first)
        got = reported_sets.get(year, np.empty(0, dtype=org.dtype))
        present = np.unique(org[spring == year])
        every = present if wanted is None else np.union1d(present, wanted)
        is_expected = (
            np.zeros(len(every), dtype=bool) if wanted is None else np.isin(every, wanted, assume_unique=True)
        )
        out.append((np.full(len(every), year), every, np.isin(every, got, assume_unique=True), is_expected))
        if wanted is not None and len(wanted):
            hit = len(np.intersect1d(got, wanted, assume_unique=True))
            if is_complete(hit, len(wanted), complete_share):
                reference = got
    upcoming = reference if reference is not None else (first if first is not None else np.empty(0, np.int64))
    return (*(np.concatenate(p) for p in zip(*out, strict=True)), upcoming)


def coverage_of(cells: pd.DataFrame, in_view: np.ndarray) -> pd.DataFrame:
    """population, school_year, organizations_reported (expected ones that did), organizations_expected,
    complete: for the cells in view (`Reporting.by_cell` rows), in population and year order."""
    view = cells[np.asarray(in_view, dtype=bool)]
    # Summed by bincount over the (population, year) groups: a page asks this of every chart's view.
    populations, population_names = pd.factorize(view["population"], sort=True)
    years, year_names = pd.factorize(view["school_year"], sort=True)
    per_population = max(len(year_names), 1)
    group, keys = pd.factorize(populations.astype(np.int64) * per_population + years, sort=True)
    reported, expected, complete = _summed(
        group, len(keys), view["hit"].to_numpy(), view["expected"].to_numpy(), view["reported"].to_numpy()
    )
    return pd.DataFrame(
        {
            "population": pd.Series(
                population_names.to_numpy()[keys // per_population], dtype=view["population"].dtype
            ),
            "school_year": pd.Series(
                year_names.to_numpy()[keys % per_population], dtype=view["school_year"].dtype
            ),
            "organizations_reported": reported,
            "organizations_expected": expected,
            "complete": complete,
        }
    )


def _summed(
    group: np.ndarray, size: int, hit, expected, reported
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group: the expected organizations that reported, those expected, and whether the group is
    complete (is_complete; where nothing was expected, a new region or organization, complete as far as anyone
    can tell if any reported)."""
    hits = np.bincount(group, weights=np.asarray(hit, dtype=float), minlength=size).astype(int)
    wanted = np.bincount(group, weights=np.asarray(expected, dtype=float), minlength=size).astype(int)
    heard = np.bincount(group, weights=np.asarray(reported, dtype=float), minlength=size) > 0
    return hits, wanted, np.where(wanted > 0, is_complete(hits, wanted), heard).astype(bool)


def partial_label(reported: int, expected: int) -> str:
    """'partial: 1 of 322 organizations reported'."""
    return f"partial: {int(reported):,} of {int(expected):,} organizations reported"


def complete_years(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The school years complete statewide for teachers' staffing or for enrollment, in order: the years a
    view spans unless someone asks for more (a year that one district's file began stays partial, and out of
    the default range, until more report)."""
    found: set[str] = set()
    for table, job_classes in (("staffing", (TEACHER,)), ("enrollment", ())):
        reporting = organizations_reporting(con, table, job_classes)
        # Statewide: every organization of the population, year by year (coverage_of over every cell).
        rows = reporting.population == (reporting.names.index(TEACHER) if table == "staffing" else 0)
        years, year = np.unique(reporting.spring[rows], return_inverse=True)
        expected, reported = reporting.expected[rows], reporting.reported[rows]
        complete = _summed(year, len(years), expected & reported, expected, reported)[2]
        found |= {school_year_from_spring(int(y)) for y in years[complete]}
    return sorted(found)
