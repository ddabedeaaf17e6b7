"""Each metric, defined once: a DuckDB connection and filters in, a DataFrame or plain dict out.

No streamlit here: pages, the command line and tests all call these same functions.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics import definitions, kept, releases
from analytics.contracts import STUDENT_KINDS
from analytics.coverage import COVERAGE_COLUMNS, coverage_of, organizations_reporting
from analytics.definitions import STUDENTS
from analytics.filters import ALL, Filters
from analytics.privacy import BLOCK, BLOCK_PASSES, SUPPRESSED, BlockViews, tabulate
from analytics.sql_files import sql
from analytics.warehouse import KeptPerData, cursor, data_key

_PARAM = re.compile(r"\$([a-z_]+)")


def run_query(
    con: duckdb.DuckDBPyConnection, name: str, filters: Filters = ALL, **params: Any
) -> pd.DataFrame:
    """Run analytics/sql/<name>.sql with the filters and `params`, passing only the parameters it uses."""
    text = sql(name)
    available = {
        **filters.params(),
        "people_of_color": list(definitions.PEOPLE_OF_COLOR),
        "known_races": list(definitions.RACES),
        **params,
    }
    used = set(_PARAM.findall(text))
    with cursor(con) as cur:
        return cur.execute(text, {k: available[k] for k in used}).df()


# --- shares of color: every one published through privacy.py, with its coverage ----------------------

# The columns of every published share: of_color and total are people (FTE for staff, headcount for
# students), share their ratio; suppressed rows carry no figure; coverage says what the figure stands on.
SHARE_FIGURES = ["of_color", "total", "share"]
SHARE_COLUMNS = [*SHARE_FIGURES, "suppressed", *COVERAGE_COLUMNS]
# How much each kind of view weighs when failing cells must be merged (analytics/privacy.py): keep whole
# regions visible first (the sidebar's main filter and the by-region breakdown), then whole types.
_VIEW_WEIGHTS = {"region": 3, "org_type": 2}
_GROUP_VALUES = {"region": definitions.REGIONS, "org_type": definitions.ORG_TYPES}


class ShareInputs:
    """What publishing shares needs: per population (job class or Students) and school year, the people of
    color and in all of each organization, cut into blocks (`organizations`); the same summed per region ×
    type cell and block (`cells`, what filters pick); and each cell's coverage.

    `organizations` (a million rows at national scale) may be given as a function that reads those of a
    year range on a connection: a page of statewide or regional views needs only the cells, and reads the
    organizations, of the years it shows, only if it asks (`organizations_in`)."""

    def __init__(
        self,
        organizations: pd.DataFrame | Callable[[duckdb.DuckDBPyConnection, Filters], pd.DataFrame],
        cells: pd.DataFrame,
        coverage: pd.DataFrame,
        years: Filters = ALL,
    ):
        self._organizations = organizations
        self._years = years  # the school years these inputs hold
        self._lock = threading.Lock()
        # population, school_year, region, org_type, block, block_passes, of_color, total
        self.cells = cells
        # population, school_year, region, org_type, expected, hit, reported
        self.coverage = coverage

    def organizations_in(self, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        """population, school_year, org_code, region, org_type, of_color, others, total, block,
        block_passes, alone (read on `con` the first time, if they were not given)."""
        with self._lock:
            if callable(self._organizations):
                self._organizations = self._organizations(con, self._years)
            return self._organizations

    def organizations_of(self, con: duckdb.DuckDBPyConnection, years: Filters) -> pd.DataFrame:
        """`organizations_in` narrowed to the school years of `years`, read only for those if not read yet."""
        with self._lock:
            source = self._organizations
        if callable(source):
            return source(con, years)
        return _within(source, years)

    def in_years(self, years: Filters) -> ShareInputs:
        """These inputs narrowed to the school years of `years`."""
        return ShareInputs(
            lambda con, _: self.organizations_of(con, years),
            _within(self.cells, years),
            _within(self.coverage, years),
            years,
        )


def _within(frame: pd.DataFrame, years: Filters) -> pd.DataFrame:
    if not years.year_from and not years.year_to:
        return frame
    return frame[years.in_years(frame)].reset_index(drop=True)


def _split(populations: tuple[str, ...]) -> tuple[list[str], bool]:
    return [p for p in populations if p != STUDENTS], STUDENTS in populations


# The blocks of each population, for the data they were cut from: every chart of a page (and every view of an
# export) reads the same ones, so they are cut once per change of the data, not per call. They are cut over
# every school year and a year range is a slice of them: each year's blocks are cut on their own (blocks never
# span two years), so a year is cut the same whatever range asks for it, and a page's trend, its one-year
# breakdowns and a profile's years all read one cut instead of one each.
_INPUTS: OrderedDict[tuple, ShareInputs] = OrderedDict()
_INPUTS_LOCK = threading.Lock()
_INPUTS_KEPT = 32


def share_inputs(
    con: duckdb.DuckDBPyConnection, populations: tuple[str, ...], filters: Filters = ALL
) -> ShareInputs:
    """Organization-level counts for `populations` (job classes and/or 'Students') in the year range, cut
    into blocks (the release's, or cut now by privacy.build_blocks), summed per cell, and the coverage of
    every cell; kept per population until the data changes (warehouse.data_key), in this process and in
    the warehouse (analytics/kept.py)."""
    with cursor(con) as cur:
        data = data_key(cur)
    if data is None:
        return _in_years(_cut_inputs(con, populations, filters.released), filters)
    kept = _population_inputs(con, data, populations, filters.released)
    parts = [kept[p] for p in populations]
    whole = ShareInputs(
        lambda c, years: pd.concat([x.organizations_of(c, years) for x in parts], ignore_index=True),
        *(pd.concat([getattr(x, name) for x in parts], ignore_index=True) for name in ("cells", "coverage")),
    )
    return _in_years(whole, filters)


# Every population a page asks for; what a writer keeps in the warehouse (frames_to_keep).
_POPULATIONS = (*definitions.JOB_CLASSES, STUDENTS)


def _population_inputs(
    con: duckdb.DuckDBPyConnection, data: tuple, populations: tuple[str, ...], released: bool
) -> dict[str, ShareInputs]:
    """Each of `populations`' ShareInputs over every school year for the data `data`: kept in this
    process, else kept in the warehouse by the writer (analytics/kept.py), else cut now."""
    key = (data, released)
    with _INPUTS_LOCK:
        kept = {p: _INPUTS[(*key, p)] for p in populations if (*key, p) in _INPUTS}
    missing = tuple(p for p in populations if p not in kept)
    if missing:
        found = _kept_inputs(con, data, missing, released) or _fresh_inputs(con, missing, released)
        with _INPUTS_LOCK:
            for p in missing:
                kept[p] = _INPUTS[(*key, p)] = found[p]
            while len(_INPUTS) > _INPUTS_KEPT:
                _INPUTS.popitem(last=False)
    return kept


def _fresh_inputs(
    con: duckdb.DuckDBPyConnection, populations: tuple[str, ...], released: bool
) -> dict[str, ShareInputs]:
    fresh = _cut_inputs(con, populations, released)
    split = [_by_population(part) for part in (fresh.organizations_in(con), fresh.cells, fresh.coverage)]
    return {p: ShareInputs(*(part[p] for part in split)) for p in populations}


def _kept_name(family: str, released: bool, *parts: str) -> str:
    """A frame's name among those kept (analytics/kept.py): family/edition/keys..., e.g.
    people/current/Teacher/cells, makeup/released/2023-24/blocks/Teacher."""
    return "/".join((family, "released" if released else "current", *parts))


def _kept_inputs(
    con: duckdb.DuckDBPyConnection, data: tuple, populations: tuple[str, ...], released: bool
) -> dict[str, ShareInputs] | None:
    """`populations`' ShareInputs as the writer kept them for the data `data`, None if it did not; each
    population's organizations are read only when asked for."""
    names = [_kept_name("people", released, p, part) for p in populations for part in ("cells", "coverage")]
    frames = kept.read(con, data, names)
    if frames is None:
        return None

    def organizations(population: str) -> Callable[[duckdb.DuckDBPyConnection, Filters], pd.DataFrame]:
        cells = frames[_kept_name("people", released, population, "cells")]
        held = pd.DataFrame({"school_year": sorted(cells["school_year"].unique())})
        got: dict[str, pd.DataFrame] = {}  # each year's, once read
        lock = threading.Lock()

        def read(con: duckdb.DuckDBPyConnection, years: Filters) -> pd.DataFrame:
            wanted = held["school_year"][years.in_years(held)].tolist() or ["none"]
            with lock:
                missing = [y for y in wanted if y not in got]
            if missing:
                names = {y: _kept_name("people", released, population, "organizations", y) for y in missing}
                found = kept.read(con, data, list(names.values()))
                if found is None:  # the data changed twice since: its frames are gone, cut the population now
                    fresh = _fresh_inputs(con, (population,), released)[population]
                    return _within(fresh.organizations_in(con), years)
                with lock:
                    got.update({y: found[name] for y, name in names.items()})
            parts = [got[y] for y in wanted]
            return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]

        return read

    return {
        p: ShareInputs(
            organizations(p),
            frames[_kept_name("people", released, p, "cells")],
            frames[_kept_name("people", released, p, "coverage")],
        )
        for p in populations
    }


def frames_to_keep(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """What a writer keeps in the warehouse after its write (analytics/kept.py): every population's
    ShareInputs, current and as released, for the data the warehouse has now."""
    with cursor(con) as cur:
        data = data_key(cur)
    frames = {}
    for released in (False, True):
        for p, inputs in _population_inputs(con, data, _POPULATIONS, released).items():
            frames[_kept_name("people", released, p, "cells")] = inputs.cells
            frames[_kept_name("people", released, p, "coverage")] = inputs.coverage
            organizations = inputs.organizations_in(con)
            # Each school year's apart (a page of one year reads that year's), and none (their columns).
            frames[_kept_name("people", released, p, "organizations", "none")] = organizations.iloc[:0]
            for year, rows in organizations.groupby("school_year", sort=True).indices.items():
                frames[_kept_name("people", released, p, "organizations", year)] = organizations.iloc[
                    rows
                ].reset_index(drop=True)
        cells = [frames[_kept_name("people", released, p, "cells")] for p in _POPULATIONS]
        years = sorted({y for frame in cells for y in frame["school_year"]})
        frames.update(_makeup_frames(con, released, years))
    return frames


def _by_population(frame: pd.DataFrame) -> defaultdict[str, pd.DataFrame]:
    """`frame`'s rows per population, in their order (no rows: an empty frame)."""
    empty = frame.iloc[:0].reset_index(drop=True)
    parts = defaultdict(lambda: empty)
    for population, rows in frame.groupby("population", sort=False).indices.items():
        parts[population] = frame.iloc[rows].reset_index(drop=True)
    return parts


def _in_years(inputs: ShareInputs, filters: Filters) -> ShareInputs:
    """`inputs` narrowed to the view's school years."""
    if not filters.year_from and not filters.year_to:
        return inputs
    return inputs.in_years(filters)


def forget_cached_blocks() -> None:
    """Drop the blocks kept by `share_inputs` and what else is kept per change of the data (the benchmark's
    cold runs; they are dropped by themselves when the data changes)."""
    with _INPUTS_LOCK:
        _INPUTS.clear()
    KeptPerData.forget_all()  # the latest release's units, likewise


_ORGANIZATION_COLUMNS = [
    "population", "school_year", "org_code", "region", "org_type", "of_color", "others", "total",
    BLOCK, BLOCK_PASSES, "alone",
]  # fmt: skip
_CELL_COLUMNS = ["population", "school_year", "region", "org_type", BLOCK, BLOCK_PASSES]


def _cut_inputs(con: duckdb.DuckDBPyConnection, populations: tuple[str, ...], released: bool) -> ShareInputs:
    """ShareInputs of `populations` over every school year: the latest release's, or current ones."""
    job_classes, students = _split(populations)
    orgs = _organization_blocks(con, populations, released)
    cells = (
        orgs.groupby(_CELL_COLUMNS, sort=True, observed=True)[["of_color", "total"]].sum().reset_index()
        if len(orgs)
        else pd.DataFrame(columns=[*_CELL_COLUMNS, "of_color", "total"])
    )
    # Who a released figure stands on: the organizations released, not those loaded since.
    only = orgs[["population", "school_year", "org_code"]] if released else None
    parts = []
    if job_classes:
        parts.append(organizations_reporting(con, "staffing", tuple(job_classes), only))
    if students:
        parts.append(organizations_reporting(con, "enrollment", only=only))
    coverage = pd.concat([reporting.by_cell() for reporting in parts], ignore_index=True)
    return ShareInputs(orgs, cells, coverage)


def _organization_blocks(
    con: duckdb.DuckDBPyConnection, populations: tuple[str, ...], released: bool
) -> pd.DataFrame:
    """Per population, school year (every one) and organization: people of color, others and in all, the
    block (of the latest release, or cut now) and whether the organization is a block of its own."""
    if released:
        blocks = releases.released(con, releases.PEOPLE.name)
        keep = blocks["population"].isin(populations).to_numpy()
        blocks = blocks[keep & ((blocks["of_color"] + blocks["others"]) > 0).to_numpy()]
        blocks = blocks.drop(columns=[releases.UNIT]).reset_index(drop=True)
    else:
        job_classes, students = _split(populations)
        atoms = run_query(
            con,
            "people_of_color_by_organization",
            ALL,
            job_classes=job_classes or [""],
            students=students,
        )
        atoms = atoms.astype({"of_color": float, "total": float})
        # The query's rows come one per population, school year and organization, in that order: their
        # place is the order to give the blocks back in (an integer sort, not one of three text columns).
        atoms = atoms.assign(others=atoms["total"] - atoms["of_color"], _order=np.arange(len(atoms)))
        atoms = atoms.drop(columns="total")
        blocks = (
            releases.people_blocks(atoms) if len(atoms) else atoms.assign(**{BLOCK: 0, BLOCK_PASSES: True})
        )
    blocks = blocks.assign(total=blocks["of_color"] + blocks["others"])
    units = blocks.groupby(["population", "school_year", BLOCK])["org_code"].transform("size")
    blocks = blocks.assign(alone=(units == 1).to_numpy() & blocks[BLOCK_PASSES].astype(bool).to_numpy())
    if "_order" in blocks:
        ordered = blocks.iloc[np.argsort(blocks["_order"].to_numpy(), kind="stable")]
    else:
        ordered = blocks.sort_values(["population", "school_year", "org_code"])
    return ordered[_ORGANIZATION_COLUMNS].reset_index(drop=True)


def organization_blocks(
    con: duckdb.DuckDBPyConnection, populations: tuple[str, ...], filters: Filters = ALL
) -> pd.DataFrame:
    """Organization-level counts for `populations` in the year range, cut into blocks (region × type cells
    merged until each passes, also with any one organization taken out, and each organization that passes
    on its own split off where what is left still passes), and `alone`: the organization is a block of
    its own, so its own figure may be shown."""
    return share_inputs(con, populations, filters).organizations_in(con)


def publish_shares(inputs: ShareInputs, filters: Filters = ALL, *, by: str | None = None) -> pd.DataFrame:
    """The one way a share of a view reaches anything shown: population, school_year, [region |
    org_type], of_color, total, share, suppressed, organizations_reported, organizations_expected,
    complete.

    A row is suppressed when privacy.tabulate says the view is not a union of blocks that pass the rule;
    its figures are then empty. `by` breaks the view down by region or organization type (one row per
    group with any data). One organization's view is `organization_shares`."""
    if filters.org_code:
        raise ValueError("one organization's shares come from organization_shares")
    cells, coverage = inputs.cells, inputs.coverage
    in_view = filters.selects(cells)
    covered = filters.selects(coverage)
    groups = [(None, in_view, covered)]
    if by is not None:
        chosen = filters.regions if by == "region" else filters.org_types
        groups = [
            (value, in_view & (cells[by] == value).to_numpy(), covered & (coverage[by] == value).to_numpy())
            for value in chosen or _GROUP_VALUES[by]
        ]
    parts = []
    keys = ["population", "school_year"]
    for value, mask, cover_mask in groups:
        shown = tabulate(cells, mask, keys=keys, figures=["of_color", "total"])
        if shown.empty:
            continue
        shown = shown.merge(coverage_of(coverage, cover_mask), on=keys, how="left")
        shown["organizations_reported"] = shown["organizations_reported"].fillna(0).astype(int)
        shown["organizations_expected"] = shown["organizations_expected"].fillna(0).astype(int)
        shown["complete"] = shown["complete"].fillna(True).astype(bool)
        if by is not None:
            shown.insert(2, by, definitions.ORG_TYPE_LABELS[value] if by == "org_type" else value)
        parts.append(shown)
    return _finish_shares(parts, [*keys, *([by] if by else [])])


def _finish_shares(parts: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    columns = [*keys, *SHARE_COLUMNS]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    out = pd.concat(parts, ignore_index=True)
    out["share"] = out["of_color"] / out["total"]
    hidden = out["suppressed"].to_numpy(dtype=bool)
    out.loc[hidden, SHARE_FIGURES] = np.nan
    # A partial year's figure is the few organizations that reported wearing the view's name: only its
    # coverage is published (how many reported, of how many expected), never its counts or share.
    out.loc[~out["complete"].astype(bool).to_numpy(), SHARE_FIGURES] = np.nan
    return out[columns].sort_values(keys, kind="stable").reset_index(drop=True)


def organization_shares(
    con: duckdb.DuckDBPyConnection, populations: tuple[str, ...], filters: Filters
) -> pd.DataFrame:
    """One organization's published shares (filters.org_code): shown only in the years it is a block of
    its own. Its coverage is itself: it reported or it did not."""
    blocks = organization_blocks(con, populations, filters)
    mask = (blocks["org_code"] == filters.org_code).to_numpy()
    keys = ["population", "school_year"]
    shown = tabulate(blocks, mask, keys=keys, figures=["of_color", "total"])
    if len(shown):
        shown = shown.assign(organizations_reported=1, organizations_expected=1, complete=True)
    return _finish_shares([shown] if len(shown) else [], keys)


def shares_by_year(
    con: duckdb.DuckDBPyConnection,
    populations: tuple[str, ...],
    filters: Filters = ALL,
    *,
    by: str | None = None,
) -> pd.DataFrame:
    """Published shares of color for each of `populations` (job classes and/or 'Students') by year."""
    if filters.org_code:
        return organization_shares(con, populations, filters)
    return publish_shares(share_inputs(con, populations, filters), filters, by=by)


def staff_share_by_year(
    con: duckdb.DuckDBPyConnection, job_class: str, filters: Filters = ALL
) -> pd.DataFrame:
    """school_year, of_color, total, share, suppressed and coverage for one job class (FTE)."""
    return shares_by_year(con, (job_class,), filters).drop(columns="population")


def student_share_by_year(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """school_year, of_color, total, share, suppressed and coverage for students (headcount)."""
    return shares_by_year(con, (STUDENTS,), filters).drop(columns="population")


def counted_years(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows a headline may stand on: shown (not suppressed) and complete."""
    if frame.empty:
        return frame
    return frame[~frame["suppressed"].astype(bool) & frame["complete"].astype(bool)]


def latest_complete_year(frame: pd.DataFrame) -> str | None:
    """The latest school year whose figure is complete and shown."""
    counted = counted_years(frame)
    return None if counted.empty else str(counted["school_year"].max())


# --- Influence 100 --------------------------------------------------------------------------------

# The counts of Fellows with an attribute, each set of them a partition of the Fellows (so that hiding
# works out what the others would give away: privacy.hidden_categories).
FELLOW_STATUSES = list(releases.FELLOW_STATUSES)
FELLOW_PLACEMENTS = list(releases.FELLOW_PLACEMENTS)
FELLOW_ENTRY = list(releases.FELLOW_ENTRY)
FELLOW_RACE = ["of_color", "known_race"]


def fellows_filters(filters: Filters) -> Filters:
    """Fellows are counted by cohort, whatever the school-year range: only place filters apply."""
    return Filters(regions=filters.regions, org_types=filters.org_types, released=filters.released)


def fellow_blocks(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """Fellows per cohort and home organization (the latest release's, or as loaded now), cut into blocks
    (cohort × region × type cells merged until each has 6 or more Fellows of color and 6 or more others,
    also with any one organization's Fellows taken out)."""
    if not filters.released:
        return releases.fellow_blocks(releases.current_fellows(con))
    blocks = releases.released(con, releases.FELLOWS.name)
    blocks = blocks[blocks["fellows"] > 0].reset_index(drop=True)
    blocks["cohort"] = blocks[releases.UNIT].str.split("|").str[0].astype(int)
    starts = run_query(con, "fellows_by_cohort_and_organization").groupby("cohort")["start_year"].min()
    blocks["start_year"] = blocks["cohort"].map(starts)
    return blocks


def fellows_by_cohort(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """Per cohort: start_year, fellows, organizations, cumulative — how many, never who (the Fellows
    themselves are a public program; what they are and became is in `fellows_outcomes`)."""
    atoms = fellow_blocks(con, filters)
    columns = ["cohort", "start_year", "fellows", "organizations", "cumulative"]
    if atoms.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    shown = atoms[fellows_filters(filters).selects(atoms)]
    if shown.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    out = shown.groupby("cohort", as_index=False).agg(
        start_year=("start_year", "min"), fellows=("fellows", "sum"), organizations=("org_code", "nunique")
    )
    out["cohort"] = out["cohort"].astype(int)
    out["fellows"] = out["fellows"].astype(int)
    out["cumulative"] = out["fellows"].cumsum()
    return out[columns]


_FELLOW_FIGURES = [*FELLOW_STATUSES, *FELLOW_PLACEMENTS, *FELLOW_ENTRY, *FELLOW_RACE]


def _fellow_figures(views: BlockViews, mask: np.ndarray) -> dict[str, float | None]:
    """Every attribute count of the Fellows in one view, None where hidden (privacy.BlockViews)."""
    shown = views.view(mask)
    return {c: None for c in _FELLOW_FIGURES} if shown is None else shown


@dataclass(frozen=True)
class FellowsSummary:
    """Aggregates over all cohorts in view; a count is None where it is hidden (privacy.py)."""

    enrolled: int
    completed: int | None
    active: int | None
    withdrawn: int | None
    placed_superintendent: int | None
    placed_assistant: int | None
    of_color: int | None
    known_race: int | None
    entered_as_principal: int | None
    entered_from_central_office: int | None

    @property
    def share_of_color(self) -> float | None:
        if self.of_color is None or not self.known_race:
            return None
        return self.of_color / self.known_race


def _int(value: float | None) -> int | None:
    return None if value is None else round(value)


def fellows_outcomes(
    con: duckdb.DuckDBPyConnection, filters: Filters = ALL
) -> tuple[FellowsSummary, pd.DataFrame]:
    """The Fellows in view (all cohorts) and per cohort: statuses, placements, role at entry and people
    of color, each hidden where privacy.py says so. The table: cohort, start_year, fellows,
    organizations, the counts, share_of_color (NaN where hidden)."""
    blocks = fellow_blocks(con, filters)
    in_view = fellows_filters(filters).selects(blocks)
    views = BlockViews(
        blocks, _FELLOW_FIGURES, [FELLOW_STATUSES, FELLOW_PLACEMENTS, FELLOW_ENTRY], insider="org_code"
    )
    total = _fellow_figures(views, in_view)
    summary = FellowsSummary(
        enrolled=int(blocks.loc[in_view, "fellows"].sum()),
        completed=_int(total["completed"]),
        active=_int(total["active"]),
        withdrawn=_int(total["withdrawn"]),
        placed_superintendent=_int(total["superintendent_within_5"]),
        placed_assistant=_int(total["assistant_within_5"]),
        of_color=_int(total["of_color"]),
        known_race=_int(total["known_race"]),
        entered_as_principal=_int(total["entered_as_principal"]),
        entered_from_central_office=_int(total["entered_from_central_office"]),
    )
    rows = []
    for cohort in sorted(blocks.loc[in_view, "cohort"].unique()):
        mask = in_view & (blocks["cohort"] == cohort).to_numpy()
        figures = _fellow_figures(views, mask)
        share = (
            None
            if figures["of_color"] is None or not figures["known_race"]
            else (figures["of_color"] / figures["known_race"])
        )
        rows.append(
            {
                "cohort": int(cohort),
                "start_year": blocks.loc[mask, "start_year"].min(),
                "fellows": int(blocks.loc[mask, "fellows"].sum()),
                "organizations": int(blocks.loc[mask, "org_code"].nunique()),
                **{
                    c: figures[c]
                    for c in (
                        *FELLOW_STATUSES,
                        "entered_as_principal",
                        "entered_from_central_office",
                        "superintendent_within_5",
                        "assistant_within_5",
                    )
                },
                "share_of_color": share,
            }
        )
    table = pd.DataFrame(rows)
    if len(table):
        table = table.astype(
            {c: float for c in table.columns if c not in ("cohort", "start_year", "fellows", "organizations")}
        )
    return summary, table


def participation_by_year(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """Per school year: participating, new, continuing, per component, cumulative totals (organizations,
    not people: shown as they are)."""
    return run_query(con, "participation_by_year", filters)


def participating_total(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> int:
    """Organizations that have ever taken part (within the filters, up to year_to)."""
    frame = participation_by_year(con, Filters(None, filters.year_to, filters.regions, filters.org_types))
    return int(frame["cumulative_participating"].iloc[-1]) if len(frame) else 0


# --- superintendents: by group, projection, context ------------------------------------------------


def superintendent_share_by_group(
    con: duckdb.DuckDBPyConnection, group_by: str, filters: Filters = ALL
) -> pd.DataFrame:
    """Superintendents of color by school year and region (group_by='region') or organization type
    ('org_type'), published through privacy.py (a group is shown only where nothing hidden follows)."""
    if group_by not in ("region", "org_type"):
        raise ValueError("group_by is 'region' or 'org_type'")
    return shares_by_year(con, (definitions.SUPERINTENDENT,), filters, by=group_by).drop(columns="population")


GROUP_NAMES = {
    definitions.SUPERINTENDENT: "Superintendents",
    definitions.TEACHER: "Teachers",
    STUDENTS: "Students",
}


def representation_context(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """Long form school_year, group (Superintendents / Teachers / Students) and the published share
    columns: the representation gap the program exists to close, on one axis."""
    frame = shares_by_year(con, (definitions.SUPERINTENDENT, definitions.TEACHER, STUDENTS), filters)
    frame.insert(1, "group", frame.pop("population").map(GROUP_NAMES))
    return frame.sort_values(["school_year", "group"], kind="stable").reset_index(drop=True)


# --- Districts ------------------------------------------------------------------------------------


def organizations_overview(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """One row per organization in view: type, region, years taking part, fellows sent, strategy,
    equity-leader position, AMSEL membership."""
    frame = run_query(con, "organizations_overview", filters)
    frame["org_type"] = frame["org_type"].map(definitions.ORG_TYPE_NAMES)
    return frame


@dataclass(frozen=True)
class OrganizationProfile:
    """What one organization's page shows (no superintendent race: one person per district)."""

    org_code: str
    name: str
    org_type: str
    region: str
    participation: pd.DataFrame  # school_year, fellowship, capacity_building, strategy_adopted, ...
    fellows_sent: int
    teachers: pd.DataFrame  # published shares (school_year, of_color, total, share, suppressed, ...)
    students: pd.DataFrame  # published shares
    infrastructure: pd.DataFrame  # school_year, has_equity_leader, amsel_member

    @property
    def has_equity_leader(self) -> bool | None:
        return None if self.infrastructure.empty else bool(self.infrastructure["has_equity_leader"].iloc[-1])

    @property
    def amsel_member(self) -> bool | None:
        return None if self.infrastructure.empty else bool(self.infrastructure["amsel_member"].iloc[-1])


def organization_profile(
    con: duckdb.DuckDBPyConnection, org_code: str, filters: Filters = ALL
) -> OrganizationProfile | None:
    """One organization's participation, fellows sent, teachers and students of color over time (shown
    only where the organization is a block of its own: privacy.py), and its equity-leader position; None
    if the code is unknown."""
    one = Filters(filters.year_from, filters.year_to, org_code=org_code, released=filters.released)
    row = run_query(
        con, "organizations_overview", Filters(filters.year_from, filters.year_to, org_code=org_code)
    )
    if row.empty:
        return None
    r = row.iloc[0]
    shares = shares_by_year(con, (definitions.TEACHER, STUDENTS), one)
    teachers = (
        shares[shares["population"] == definitions.TEACHER].drop(columns="population").reset_index(drop=True)
    )
    students = shares[shares["population"] == STUDENTS].drop(columns="population").reset_index(drop=True)
    return OrganizationProfile(
        org_code=org_code,
        name=r["name"],
        org_type=definitions.ORG_TYPE_NAMES[r["org_type"]],
        region=r["region"],
        participation=run_query(con, "organization_participation", one),
        fellows_sent=int(r["fellows_sent"]),
        teachers=teachers,
        students=students,
        infrastructure=run_query(con, "organization_infrastructure", one),
    )


# --- Workforce ------------------------------------------------------------------------------------

PARITY_STUDENT_FLOOR = 0.05  # the parity measure's floor on the student share
PARITY_BENCHMARK = 0.25


# Every role's published shares of a view, kept per change of the data: the Workforce page's trend and its
# make-up (which stands on the trend's latest complete year) ask for the same ones.
_WORKFORCE_SHARES = KeptPerData(size=64)


def workforce_shares_by_year(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """Long form school_year, group (job class or Students) and the published share columns, for each job
    class loaded and for students."""

    def publish() -> pd.DataFrame:
        frame = shares_by_year(con, (*definitions.JOB_CLASSES, STUDENTS), filters)
        frame.insert(1, "group", frame.pop("population"))
        return frame

    return _WORKFORCE_SHARES.get(con, ("workforce", filters), publish).copy()


def parity(teacher_share: pd.Series, student_share: pd.Series) -> pd.Series:
    """Teachers-of-color share / students-of-color share, with the student share floored at 5%."""
    return teacher_share / student_share.clip(lower=PARITY_STUDENT_FLOOR)


def parity_by_year(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """Long form school_year, group (Teachers / Students), the published share columns, and parity on
    both rows of a year where both shares are shown (empty otherwise: a ratio of a hidden share is hidden)."""
    frame = shares_by_year(con, (definitions.TEACHER, STUDENTS), filters)
    frame.insert(1, "group", frame.pop("population").map(GROUP_NAMES))
    wide = frame.pivot(index="school_year", columns="group", values="share")
    for col in ("Teachers", "Students"):
        if col not in wide:
            wide[col] = np.nan
    ratio = parity(wide["Teachers"], wide["Students"])
    frame["parity"] = frame["school_year"].map(ratio)
    both = frame.groupby("school_year")["group"].transform("nunique") == 2
    frame.loc[~both | frame["suppressed"].astype(bool), "parity"] = np.nan
    hidden_years = frame.loc[frame["suppressed"].astype(bool), "school_year"]
    frame.loc[frame["school_year"].isin(hidden_years), "parity"] = np.nan
    return frame.sort_values(["school_year", "group"], ascending=[True, False], kind="stable").reset_index(
        drop=True
    )


def parity_by_organization(
    con: duckdb.DuckDBPyConnection, school_year: str, filters: Filters = ALL
) -> pd.DataFrame:
    """Per organization in view with teachers and students in one year: org_code, name, teacher and
    student shares of color and parity — shown only for organizations that are blocks of their own for
    both (privacy.py), suppressed otherwise."""
    blocks = organization_blocks(
        con, (definitions.TEACHER, STUDENTS), filters.between(school_year, school_year)
    )
    view = blocks[filters.selects(blocks)]
    columns = ["org_code", "name", "school_year", "teacher_share", "student_share", "parity", "suppressed"]
    sides = []
    for population, prefix in ((definitions.TEACHER, "teacher"), (STUDENTS, "student")):
        rows = view[(view["population"] == population).to_numpy()]
        sides.append(
            pd.DataFrame(
                {
                    "org_code": rows["org_code"].to_numpy(),
                    f"{prefix}_share": (rows["of_color"] / rows["total"]).to_numpy(),
                    f"{prefix}_alone": rows["alone"].to_numpy(dtype=bool),
                }
            )
        )
    if not len(sides[0]) or not len(sides[1]):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    # Organizations with both teachers and students in view, in the order of their codes.
    out = sides[0].merge(sides[1], on="org_code", how="inner").sort_values("org_code", kind="stable")
    out = out[(out["teacher_share"].notna() & out["student_share"].notna()).to_numpy()]
    out = out.assign(shown=out.pop("teacher_alone") & out.pop("student_alone")).reset_index(drop=True)
    names = run_query(con, "organization_codes")
    out = out.merge(names, on="org_code", how="left")
    out["school_year"] = school_year
    out["suppressed"] = ~out.pop("shown").astype(bool)
    out.loc[out["suppressed"], ["teacher_share", "student_share"]] = np.nan
    out["parity"] = parity(out["teacher_share"], out["student_share"])
    return out[columns].sort_values("name", kind="stable").reset_index(drop=True)


def race_composition(
    con: duckdb.DuckDBPyConnection, school_year: str, filters: Filters = ALL
) -> pd.DataFrame:
    """population (job class or Students), race, people, total, share, suppressed for one year.

    Per population, some races of color are hidden in every view (releases.always_hidden_races); blocks
    are built from the blocks of the share of color (so a make-up shown is also a union of those: nothing
    shown here differences against a share there) and merged until each has at least 6 of every other
    race, 6 of the hidden ones together, 6 of color and 6 White, also with any one organization taken out.
    A view that is not a union of those blocks shows no make-up. The released make-up is the latest
    release's (its blocks checked against every earlier release)."""
    columns = ["school_year", "population", "race", "people", "total", "share", "suppressed"]
    parts = []
    for population, blocks, hidden in _makeup_blocks(con, school_year, filters.released):
        in_view = filters.selects(blocks)
        if not in_view.any():
            continue
        figures = blocks.assign(total=blocks[list(definitions.RACES)].sum(axis=1))
        shown = tabulate(
            figures, in_view, keys=["population", "school_year"], figures=[*definitions.RACES, "total"]
        )
        row = shown.iloc[0]
        suppressed = bool(row[SUPPRESSED])
        for race in definitions.RACES:
            visible = not suppressed and race not in hidden
            people = float(row[race]) if visible else np.nan
            parts.append(
                (
                    school_year,
                    population,
                    race,
                    people,
                    np.nan if suppressed else float(row["total"]),
                    people / float(row["total"]) if visible else np.nan,
                    not visible,
                )
            )
    return pd.DataFrame(parts, columns=columns)


# One year's make-up blocks, cut once per change of the data: every region's and type's view of that year
# (a page's filters, an export's views, the deck) is a selection of the same blocks.
_MAKEUP = KeptPerData(size=16)


def _makeup_blocks(
    con: duckdb.DuckDBPyConnection, school_year: str, released: bool
) -> list[tuple[str, pd.DataFrame, list[str]]]:
    """Per population with people in `school_year`: (population, org-level races cut into blocks, the races
    never shown alone). Kept until the data changes; read, never changed, by those who ask."""

    def find() -> list[tuple[str, pd.DataFrame, list[str]]]:
        with cursor(con) as cur:
            data = data_key(cur)
        found = None if data is None else _kept_makeup(con, data, school_year, released)
        return list(_cut_makeup(con, school_year, released)) if found is None else found

    return _MAKEUP.get(con, ("makeup", school_year, released), find)


def _kept_makeup(
    con: duckdb.DuckDBPyConnection, data: tuple, school_year: str, released: bool
) -> list[tuple[str, pd.DataFrame, list[str]]] | None:
    """One year's make-up blocks as the writer kept them for the data `data` (frames_to_keep), or None."""
    index = _kept_name("makeup", released, school_year, "populations")
    found = kept.read(con, data, [index])
    if found is None:
        return None
    rows = found[index]
    names = [_kept_name("makeup", released, school_year, "blocks", p) for p in rows["population"]]
    blocks = kept.read(con, data, names) if names else {}
    if blocks is None:
        return None
    return [
        (p, blocks[name], [str(r) for r in hidden])
        for p, hidden, name in zip(rows["population"], rows["hidden"], names, strict=True)
    ]


def _makeup_frames(
    con: duckdb.DuckDBPyConnection, released: bool, years: list[str]
) -> dict[str, pd.DataFrame]:
    """Every year's make-up blocks, to keep (frames_to_keep): per year, its populations with the races they
    hide, and each population's blocks."""
    frames = {}
    for year in years:
        cut = _makeup_blocks(con, year, released)
        frames[_kept_name("makeup", released, year, "populations")] = pd.DataFrame(
            {"population": [p for p, _, _ in cut], "hidden": [list(h) for _, _, h in cut]},
            columns=["population", "hidden"],
        )
        for population, blocks, _ in cut:
            frames[_kept_name("makeup", released, year, "blocks", population)] = blocks
    return frames


def _cut_makeup(con: duckdb.DuckDBPyConnection, school_year: str, released: bool):
    if released:
        units = releases.released(con, "makeup")
        units = units[units["school_year"] == school_year]
        hidden_units = releases.released(con, "makeup-hidden")
        hidden_units = hidden_units[hidden_units["school_year"] == school_year]
        for population, blocks in units.groupby("population", sort=True):
            hidden = hidden_units.loc[hidden_units["population"] == population, releases.UNIT].tolist()
            blocks = blocks[blocks[list(definitions.RACES)].sum(axis=1) > 0].reset_index(drop=True)
            if len(blocks):
                yield population, blocks, hidden
        return
    wide = releases.current_races(con, school_year)
    if wide.empty:
        return
    populations = tuple(sorted(wide["population"].unique()))
    people = organization_blocks(con, populations, Filters(school_year, school_year))
    people = people[["population", "school_year", "org_code", BLOCK]]
    wide = wide.merge(people, on=["population", "school_year", "org_code"], how="inner")
    wide = wide[wide[list(definitions.RACES)].sum(axis=1) > 0]
    for population, atoms in wide.groupby("population", sort=True):
        atoms = atoms.reset_index(drop=True)
        hidden = releases.makeup_hidden(atoms)
        start = releases.cell_constant(atoms, ["population", "school_year"])
        yield population, releases.makeup_blocks(atoms.drop(columns=[BLOCK]), hidden, start), hidden


# --- where the data came from --------------------------------------------------------------------


def data_source(
    con: duckdb.DuckDBPyConnection, kinds: tuple[str, ...], loaded: pd.DataFrame | None = None
) -> str:
    """A chart subtitle's source: 'Sample data (synthetic)', 'DESE staffing uploads', or a mix. `loaded`:
    the data_sources query's result, where the caller has it already."""
    frame = run_query(con, "data_sources") if loaded is None else loaded
    frame = frame[frame["kind"].isin(kinds)]
    if frame.empty:
        return "No data loaded"
    names = {
        "staffing": "staffing",
        "enrollment": "enrollment",
        "fellows": "Influence 100 fellows list",
        "participation": "participation list",
        "equity_leaders": "equity-leader survey",
        "amsel_members": "AMSEL membership list",
        "student_discipline": "student discipline reports",
        "student_attendance": "student attendance reports",
        "graduation": "graduation reports",
        "climate_survey": "VOCAL climate survey",
    }
    reports = tuple(kind.table for kind in STUDENT_KINDS.values())
    kinds = list(frame["kind"])
    if sum(k in reports for k in kinds) > 1:  # one name for DESE's student reports together
        kinds = [k for k in kinds if k not in reports] + ["student reports"]
        names["student reports"] = "DESE student reports"
    what = " and ".join(names.get(k, k.replace("_", " ")) for k in kinds)
    if frame["all_sample"].all():
        return f"Sample data (synthetic {what})"
    if frame["any_sample"].any():
        return f"Uploaded {what}, partly sample data"
    return f"Uploaded {what}"


# --- what is loaded -------------------------------------------------------------------------------


def school_years_loaded(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every school year with any current facts, in order (the range the year filter offers)."""
    return run_query(con, "school_years_loaded")["school_year"].tolist()
