"""Equity leaders and AMSEL, the network of school equity leaders: each figure defined once, privacy and
coverage decided here before anything is drawn, captioned or exported.

- Organizations with an equity-leader position, and in AMSEL: organizations, not people, shown as they are;
  a year that fewer organizations reported on than expected is partial and says so (`equity_leaders_by_year`).
- The network's members: people. Every count and share of members is published through privacy.py's
  blocks (`network_by_year`): the members of each school year are cut into blocks of region × type cells with
  6 or more members; each share's blocks are built from those (and new members' mentors from the blocks of
  members new to their role), merged until 6 or more have the attribute and 6 or more do not. A view is shown
  only where it is a union of blocks, so no difference of figures shown is a smaller group.
- Staff of color in organizations with an equity leader and without (`leader_comparison`): the people-of-color
  blocks of privacy.py (metrics.organization_blocks); each group is the union of the blocks that lie wholly
  in it, and the organizations in blocks that mix the two are in neither figure (and counted). A comparison,
  never an effect.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics import definitions, geography, releases
from analytics.coverage import is_complete
from analytics.metrics import (
    ALL,
    STUDENTS,
    Filters,
    counted_years,
    organization_blocks,
    run_query,
    shares_by_year,
)
from analytics.privacy import BLOCK, BLOCK_PASSES, SUPPRESSED, tabulate

# An organization with at least this share of students of color and no equity-leader position is a gap the
# page lists (with those in Influence 100 without one).
HIGH_SHARE_OF_COLOR = 0.5
WITH_LEADER, WITHOUT_LEADER = "With an equity leader", "Without an equity leader"
_VIEW_WEIGHTS = {"region": 3, "org_type": 2}


# --- organizations with an equity-leader position --------------------------------------------------------


def _type_label(org_type: str) -> str:
    return (
        definitions.INDEPENDENT_LABEL
        if org_type == definitions.INDEPENDENT
        else definitions.ORG_TYPE_LABELS[org_type]
    )


def _with_coverage(frame: pd.DataFrame) -> pd.DataFrame:
    """Each year's coverage: organizations that reported against those expected (the count of the latest
    complete year before it; the first year stands for itself)."""
    expected, complete, reference = [], [], None
    for reported in frame["reported"]:
        wanted = reported if reference is None else reference
        done = bool(is_complete(reported, wanted)) if wanted else True
        expected.append(int(max(wanted, reported)) if done else int(wanted))
        complete.append(done)
        if done:
            reference = reported
    return frame.assign(
        organizations_reported=frame["reported"], organizations_expected=expected, complete=complete
    )


def equity_leaders_by_year(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """Per school year in view: organizations that reported, those with an equity-leader position, those in
    AMSEL, new positions since the year before, independent schools in AMSEL (statewide views only), and
    coverage (a year far fewer organizations reported on than the latest complete one is partial)."""
    cells = run_query(con, "equity_leaders_by_cell", Filters(filters.year_from, filters.year_to))
    columns = [
        "school_year",
        "reported",
        "with_leader",
        "amsel",
        "new_positions",
        "independent_schools",
        "organizations_reported",
        "organizations_expected",
        "complete",
    ]
    cells = cells[filters.selects(cells)]
    if cells.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    years = cells.groupby("school_year", as_index=False)[["reported", "with_leader", "amsel"]].sum()
    years[["reported", "with_leader", "amsel"]] = years[["reported", "with_leader", "amsel"]].astype(int)
    years["new_positions"] = years["with_leader"].diff().fillna(0).clip(lower=0).astype(int)
    members = _member_atoms(con, Filters(filters.year_from, filters.year_to))
    outside = members[members["outside_dese"].astype(bool)].groupby("school_year")["org_code"].nunique()
    years["independent_schools"] = (
        years["school_year"].map(outside).fillna(0).astype(int) if filters.is_statewide else 0
    )
    return _with_coverage(years)[columns]


def equity_leaders_by_group(con: duckdb.DuckDBPyConnection, by: str, filters: Filters = ALL) -> pd.DataFrame:
    """Per school year and region (`by`='region') or type ('org_type'): organizations with an equity-leader
    position and in AMSEL. By type, independent schools in AMSEL are a group of their own (statewide)."""
    if by not in ("region", "org_type"):
        raise ValueError("by is 'region' or 'org_type'")
    cells = run_query(con, "equity_leaders_by_cell", Filters(filters.year_from, filters.year_to))
    cells = cells[filters.selects(cells)]
    out = cells.groupby(["school_year", by], as_index=False)[["with_leader", "amsel"]].sum()
    if by == "org_type" and filters.is_statewide:
        members = _member_atoms(con, Filters(filters.year_from, filters.year_to))
        outside = members[members["outside_dese"].astype(bool)]
        schools = outside.groupby("school_year", as_index=False)["org_code"].nunique()
        schools = schools.rename(columns={"org_code": "amsel"}).assign(
            org_type=definitions.INDEPENDENT, with_leader=0
        )
        out = pd.concat([out, schools[out.columns]], ignore_index=True)
    order = list(definitions.REGIONS) if by == "region" else [*definitions.ORG_TYPES, definitions.INDEPENDENT]
    out["group"] = out[by] if by == "region" else out[by].map(_type_label)
    out["_order"] = out[by].map({g: i for i, g in enumerate(order)}).fillna(len(order))
    out = out.sort_values(["school_year", "_order"], kind="stable").drop(columns="_order")
    out[["with_leader", "amsel"]] = out[["with_leader", "amsel"]].astype(int)
    return out[["school_year", by, "group", "with_leader", "amsel"]].reset_index(drop=True)


def amsel_founders(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """org_code, name of the organizations in AMSEL in its first year in the data (2019-20 or later)."""
    orgs = run_query(con, "equity_leader_organizations", ALL)
    first = orgs["amsel_since"].dropna()
    first = first[first >= definitions.AMSEL_FIRST_YEAR]
    if first.empty:
        return pd.DataFrame(columns=["org_code", "name"])
    return orgs.loc[orgs["amsel_since"] == first.min(), ["org_code", "name"]].reset_index(drop=True)


# --- the network's members (people: every figure through privacy.py) -------------------------------------


@dataclass(frozen=True)
class NetworkMeasure:
    """One figure about the network's members: `count` of them among `base` (None: the members themselves),
    its blocks built from those of `within`."""

    key: str
    label: str
    count: str
    base: str | None
    within: str | None
    expectation: str = ""


NETWORK_MEASURES: tuple[NetworkMeasure, ...] = (
    NetworkMeasure("members", "Members", "members", None, None),
    NetworkMeasure(
        "district_members", "Through their district's membership", "district_members", "members", "members"
    ),
    NetworkMeasure("new_to_role", "New to their role", "new_to_role", "members", "members"),
    NetworkMeasure(
        "new_with_mentor",
        "New members with a mentor",
        "new_with_mentor",
        "new_to_role",
        "new_to_role",
        "every new member has a mentor",
    ),
    NetworkMeasure(
        "every_meeting",
        "At every monthly meeting",
        "every_meeting",
        "members",
        "members",
        "every member at every monthly meeting",
    ),
    NetworkMeasure(
        "in_subcommittee",
        "In at least one subcommittee",
        "in_subcommittee",
        "members",
        "members",
        "every member in at least one subcommittee",
    ),
)
NETWORK_COLUMNS = ["school_year", "measure", "label", "count", "base", "share", SUPPRESSED]


def _member_atoms(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    return run_query(
        con,
        "amsel_members_by_organization",
        filters.everywhere(),
        outside_region=definitions.OUTSIDE_DESE_REGION,
        independent=definitions.INDEPENDENT,
    )


def network_blocks(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> dict[str, pd.DataFrame]:
    """Per measure, the members' organizations of each year in the range cut into blocks (see the module
    docstring): the latest release's, or cut now the same way (analytics/releases.py) — the members' own
    blocks first, each measure's from those of the measure it is within."""
    if filters.released:
        blocks = {m.key: _released_measure(con, m, filters) for m in NETWORK_MEASURES}
        return blocks
    atoms = _member_atoms(con, filters)
    if atoms.empty:
        return {}
    atoms = atoms.astype({c: float for c in releases.NETWORK_FIGURES})
    members = releases.network_member_blocks(atoms)
    blocks: dict[str, pd.DataFrame] = {"members": members}
    parts = {p.key: p for p in releases.NETWORK_PARTS}
    for measure in NETWORK_MEASURES[1:]:
        part = parts[measure.key]
        within = blocks[part.within]
        within = within if part.within == "members" else _with_members(within, members)
        built = releases.part_blocks(part, within)
        blocks[measure.key] = built.assign(
            **{measure.count: built["count"], measure.base: built["count"] + built["without"]}
        )
    return blocks


def _with_members(within: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    figures = members[["school_year", "org_code", *releases.NETWORK_FIGURES]]
    keep = [c for c in within.columns if c not in (*releases.NETWORK_FIGURES, "count", "without")]
    return within[keep].merge(figures, on=["school_year", "org_code"], how="left")


def _released_measure(
    con: duckdb.DuckDBPyConnection, measure: NetworkMeasure, filters: Filters
) -> pd.DataFrame:
    """One measure's units of the latest release in the year range, with its count and base."""
    family = releases.NETWORK.name if measure.base is None else f"network:{measure.key}"
    units = releases.released(con, family)
    units = units[filters.in_years(units)]
    if measure.base is not None:
        units = units.assign(
            **{measure.count: units["count"], measure.base: units["count"] + units["without"]}
        )
    return units.reset_index(drop=True)


def network_by_year(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """Long form school_year, measure, label, count, base, share, suppressed: each measure of the network's
    members per year in view (shares among the members, or among new members for mentors); a suppressed row
    carries no figure."""
    blocks = network_blocks(con, filters)
    if not blocks or blocks["members"].empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in NETWORK_COLUMNS})
    parts = []
    for measure in NETWORK_MEASURES:
        frame = blocks[measure.key]
        if frame.empty:
            continue
        figures = [measure.count, *([measure.base] if measure.base else [])]
        shown = tabulate(frame, filters.selects(frame), keys=["school_year"], figures=figures)
        if shown.empty:
            continue
        shown["base"] = shown[measure.base] if measure.base else np.nan
        shown = shown.rename(columns={measure.count: "count"})
        shown["share"] = shown["count"] / shown["base"]
        shown = shown.assign(measure=measure.key, label=measure.label)
        hidden = shown[SUPPRESSED].to_numpy(bool)
        shown.loc[hidden, ["count", "base", "share"]] = np.nan
        parts.append(shown[NETWORK_COLUMNS])
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in NETWORK_COLUMNS})
    return (
        pd.concat(parts, ignore_index=True).sort_values(["school_year"], kind="stable").reset_index(drop=True)
    )


# --- staff of color, with an equity leader and without ------------------------------------------------


COMPARISON_COLUMNS = [
    "school_year",
    "group",
    "of_color",
    "total",
    "share",
    "organizations",
    "left_out",
    SUPPRESSED,
    "organizations_reported",
    "organizations_expected",
    "complete",
]


@dataclass(frozen=True)
class Comparison:
    """Staff of color in organizations with an equity leader and without, per year, and the change in each
    group between its first and latest complete year shown (in points of share)."""

    population: str
    as_of: str | None  # the year whose equity-leader positions make the groups
    frame: pd.DataFrame  # COMPARISON_COLUMNS
    change: dict[str, tuple[str, str, float] | None]  # group -> (from year, to year, points)


def leader_comparison(
    con: duckdb.DuckDBPyConnection, population: str = definitions.TEACHER, filters: Filters = ALL
) -> Comparison:
    """Staff of `population` (a job class) who are people of color, in the organizations that have an
    equity-leader position in the latest year reported and in those that do not, each year from 2019-20 (the
    network's first). Each group's figure is the union of the people-of-color blocks lying wholly in it; a
    block mixing both is left out of both (and its organizations counted in left_out). Years whose staffing is
    partial are marked so, and never make the change."""
    orgs = run_query(con, "equity_leader_organizations", Filters(year_to=filters.year_to))
    first = max(filters.year_from or definitions.AMSEL_FIRST_YEAR, definitions.AMSEL_FIRST_YEAR)
    empty = Comparison(
        population, None, pd.DataFrame({c: pd.Series(dtype=object) for c in COMPARISON_COLUMNS}), {}
    )
    if orgs.empty:
        return empty
    as_of = str(orgs["latest_year"].max())
    leaders = set(orgs.loc[orgs["has_equity_leader"].astype(bool), "org_code"])
    reported = set(orgs["org_code"])
    blocks = organization_blocks(con, (population,), filters.between(first, filters.year_to))
    if blocks.empty:
        return empty
    in_view = filters.selects(blocks)
    coverage = shares_by_year(
        con,
        (population,),
        Filters(first, filters.year_to, filters.regions, filters.org_types, released=filters.released),
    )
    coverage = coverage.set_index("school_year")[
        ["organizations_reported", "organizations_expected", "complete"]
    ]
    parts = []
    for group, member in (
        (WITH_LEADER, blocks["org_code"].isin(leaders).to_numpy()),
        (WITHOUT_LEADER, (blocks["org_code"].isin(reported) & ~blocks["org_code"].isin(leaders)).to_numpy()),
    ):
        wanted = in_view & member
        whole = pd.Series(wanted).groupby([blocks["school_year"], blocks[BLOCK]]).transform("all").to_numpy()
        mask = wanted & whole & blocks[BLOCK_PASSES].to_numpy(bool)
        shown = tabulate(blocks, mask, keys=["school_year"], figures=["of_color", "total"])
        count = pd.Series(mask).groupby(blocks["school_year"]).sum()
        left = pd.Series(wanted & ~mask).groupby(blocks["school_year"]).sum()
        in_view_years = sorted(blocks.loc[wanted, "school_year"].unique())
        if not in_view_years:
            # No organization of this group in view (a region without an equity leader): the group has no
            # rows. (Merged, an empty list's float64 column met tabulate's object one and raised.)
            continue
        frame = pd.DataFrame({"school_year": in_view_years})
        frame = frame.merge(shown, on="school_year", how="left")
        frame[SUPPRESSED] = frame["total"].isna()
        frame["group"] = group
        frame["share"] = frame["of_color"] / frame["total"]
        frame["organizations"] = frame["school_year"].map(count).fillna(0).astype(int)
        frame["left_out"] = frame["school_year"].map(left).fillna(0).astype(int)
        parts.append(frame)
    if not parts:
        return empty
    out = pd.concat(parts, ignore_index=True).join(coverage, on="school_year")
    out["complete"] = out["complete"].fillna(True).astype(bool)
    out[["organizations_reported", "organizations_expected"]] = (
        out[["organizations_reported", "organizations_expected"]].fillna(0).astype(int)
    )
    out = out[COMPARISON_COLUMNS].sort_values(["school_year", "group"], kind="stable").reset_index(drop=True)
    change: dict[str, tuple[str, str, float] | None] = {}
    for group in (WITH_LEADER, WITHOUT_LEADER):
        counted = counted_years(out[out["group"] == group])
        change[group] = (
            (
                str(counted["school_year"].iloc[0]),
                str(counted["school_year"].iloc[-1]),
                float(counted["share"].iloc[-1] - counted["share"].iloc[0]) * 100,
            )
            if len(counted) >= 2
            else None
        )
    return Comparison(population, as_of, out, change)


# --- where the gaps are -------------------------------------------------------------------------------


GAP_COLUMNS = [
    "org_code",
    "name",
    "org_type",
    "region",
    "latest_year",
    "in_influence_100",
    "students_of_color",
    "why",
]


def _student_shares(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> tuple[str | None, pd.Series]:
    """The latest complete year of enrollment, and each organization's share of students of color in it
    where the organization is a block of its own (privacy.py); others are not in the series."""
    students = counted_years(shares_by_year(con, (STUDENTS,), filters.between(None, None)))
    if students.empty:
        return None, pd.Series(dtype=float)
    year = str(students["school_year"].max())
    blocks = organization_blocks(con, (STUDENTS,), filters.between(year, year))
    alone = blocks[blocks["alone"].astype(bool)]
    return year, pd.Series(
        (alone["of_color"] / alone["total"]).to_numpy(), index=alone["org_code"].to_numpy()
    )


# Each organization's standing on the equity-leader maps and lists (organizations_and_leaders).
AMSEL_MEMBER = "AMSEL member"
LEADER_NOT_IN_AMSEL = "Equity leader, not in AMSEL"
LEADER_GAP = "Gap: no equity leader"
NO_LEADER = "No equity leader"
NO_RECENT_REPORT = "No report in the latest year"
STANDINGS = (AMSEL_MEMBER, LEADER_NOT_IN_AMSEL, LEADER_GAP, NO_LEADER, NO_RECENT_REPORT)


def organizations_and_leaders(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """One row per organization in view that reported on its position: its latest report, whether it is a
    founder of AMSEL, in Influence 100, its share of students of color (where it may be shown), and its
    standing for the map: 'AMSEL member', 'Equity leader, not in AMSEL', 'Gap: no equity leader' (in Influence
    100, or half or more of its students of color) or 'No equity leader', as its report for the latest year
    in view says; an organization whose latest report is older is 'No report in the latest year' (counted
    under no other standing: the map, its title and the list of gaps count the year they are titled with,
    as the bars do)."""
    orgs = run_query(con, "equity_leader_organizations", filters)
    founders = set(amsel_founders(con)["org_code"])
    _, shares = _student_shares(con, filters)
    orgs["founder"] = orgs["org_code"].isin(founders)
    orgs["students_of_color"] = orgs["org_code"].map(shares)
    leader = orgs["has_equity_leader"].astype(bool)
    amsel = orgs["amsel_member"].astype(bool)
    high = orgs["students_of_color"].ge(HIGH_SHARE_OF_COLOR)
    gap = ~leader & (orgs["in_influence_100"].astype(bool) | high)
    latest = orgs["latest_year"].max() if len(orgs) else None
    old = orgs["latest_year"] != latest
    orgs["standing"] = np.select(
        [old, amsel, leader, gap],
        [NO_RECENT_REPORT, AMSEL_MEMBER, LEADER_NOT_IN_AMSEL, LEADER_GAP],
        NO_LEADER,
    )
    return orgs


def leader_gaps(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> pd.DataFrame:
    """Organizations in view without an equity-leader position in their latest report that are in Influence
    100 or have half or more students of color (the share only where it may be shown): a list DESE can act
    on. Organizations, not people; the students' share is published through privacy.py."""
    orgs = organizations_and_leaders(con, filters)
    gaps = orgs[orgs["standing"] == LEADER_GAP].copy()
    reasons = []
    for r in gaps.itertuples():
        why = []
        if r.in_influence_100:
            why.append("in Influence 100")
        if pd.notna(r.students_of_color) and r.students_of_color >= HIGH_SHARE_OF_COLOR:
            why.append(f"{r.students_of_color:.0%} of students are of color")
        reasons.append("; ".join(why))
    gaps["why"] = reasons
    gaps["org_type"] = gaps["org_type"].map(definitions.ORG_TYPE_NAMES)
    order = gaps["students_of_color"].fillna(-1)
    gaps = gaps.assign(_order=order).sort_values(
        ["in_influence_100", "_order"], ascending=False, kind="stable"
    )
    return gaps[GAP_COLUMNS].reset_index(drop=True)


@dataclass(frozen=True)
class OrganizationMap:
    """Organizations placed by their town, with their standing; and how many could not be placed."""

    placed: pd.DataFrame  # org_code, name, region, org_type, standing, founder, town, latitude, longitude
    unplaced: pd.DataFrame  # org_code, name, standing
    as_of: str | None


def organization_map(con: duckdb.DuckDBPyConnection, filters: Filters = ALL) -> OrganizationMap:
    """Every organization in view that reported on its position, placed by its town (data/README.md)."""
    orgs = organizations_and_leaders(con, filters)
    as_of = None if orgs.empty else str(orgs["latest_year"].max())
    placed = geography.place(orgs)
    where = placed["latitude"].notna()
    columns = [
        "org_code",
        "name",
        "region",
        "org_type",
        "standing",
        "founder",
        "town",
        "latitude",
        "longitude",
    ]
    return OrganizationMap(
        placed.loc[where, columns].reset_index(drop=True),
        placed.loc[~where, ["org_code", "name", "standing"]].reset_index(drop=True),
        as_of,
    )
