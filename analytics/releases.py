"""Releases: the figures people outside DESE see.

DESE staff work on the current figures; everyone else (the public where viewing is open, districts, the
read-only command line) sees the latest *release*. A DESE reviewer releases the current figures
(`publish`: the Upload page, or `python -m analytics publish`). Each release is cut into blocks by the
privacy rule and checked against every earlier release (analytics/privacy.py, `reconcile`): what someone saw
yesterday and sees today may differ only by changes that pass the rule themselves, so a late district's
small file, a correction of a few people or a rollback is held back until enough changes together pass.

The figures are released in *families*, each cut into blocks together:

    people           people of color and others, per population (job class, Students), school year and
                     organization: every share, profile, comparison and parity figure
    makeup           the same people by race (the race make-up), per population and year, built from the
                     people family's blocks; `makeup-hidden` lists the races never shown on their own
    fellows          Influence 100 Fellows per cohort and home organization, with their statuses,
                     placements and roles at entry
    network:<key>    the AMSEL network's members per year and organization (`network:members`), and each
                     measure of them (mentors, meetings, subcommittees), built from the blocks it is within

A release stores, per family, key and unit, the figures released and the block they were released in
(released_units), and for every unit the figures of each release they changed in (release_history), so the
next release can be checked against all of them. The figures released stay until a later release changes
them, whatever is uploaded meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd

from analytics import access, definitions, students
from analytics.access import Actor
from analytics.definitions import STUDENTS
from analytics.privacy import (
    BLOCK,
    BLOCK_PASSES,
    HIDE,
    UNIT,
    Family,
    build_blocks,
    reconcile,
)
from analytics.sql_files import sql
from analytics.warehouse import KeptPerData, cursor, registered
from analytics.writes import bump_data_version, data_version, next_id, write_attempts

PROGRAM = "Influence 100"
# How much each kind of view weighs when failing cells must be merged: whole regions first, then types.
VIEW_WEIGHTS = {"region": 3, "org_type": 2}
FELLOW_WEIGHTS = {"cohort": 4, "region": 2, "org_type": 1}

PEOPLE = Family("people", ("population", "school_year"), ("of_color", "others"), ("of_color", "others"))
MAKEUP_FIGURES = tuple(definitions.RACES)
FELLOW_STATUSES = ("active", "completed", "withdrawn")
FELLOW_PLACEMENTS = ("superintendent_within_5", "assistant_within_5", "not_placed_within_5")
FELLOW_ENTRY = ("entered_as_principal", "entered_from_central_office", "entered_otherwise")
FELLOWS = Family(
    "fellows",
    ("program",),
    ("of_color", "not_of_color"),
    (
        "fellows",
        "of_color",
        "known_race",
        "not_of_color",
        *FELLOW_STATUSES,
        *FELLOW_PLACEMENTS,
        *FELLOW_ENTRY,
    ),
    partitions=(FELLOW_STATUSES, FELLOW_PLACEMENTS, FELLOW_ENTRY),
)
NETWORK_FIGURES = (
    "members",
    "district_members",
    "new_to_role",
    "new_with_mentor",
    "every_meeting",
    "in_subcommittee",
)
NETWORK = Family("network:members", ("school_year",), ("members",), NETWORK_FIGURES)


@dataclass(frozen=True)
class NetworkPart:
    """One measure of the network's members: `count` of them among `base`, cut from `within`'s blocks."""

    key: str
    count: str
    base: str
    within: str

    @property
    def family(self) -> Family:
        return Family(
            f"network:{self.key}", ("school_year",), ("count", "without"), ("count", "without"), mode=HIDE
        )


NETWORK_PARTS = (
    NetworkPart("district_members", "district_members", "members", "members"),
    NetworkPart("new_to_role", "new_to_role", "members", "members"),
    NetworkPart("new_with_mentor", "new_with_mentor", "new_to_role", "new_to_role"),
    NetworkPart("every_meeting", "every_meeting", "members", "members"),
    NetworkPart("in_subcommittee", "in_subcommittee", "members", "members"),
)


def experience_family(measure: students.Measure) -> Family:
    """A measure of students' experience (analytics/students.py): its organizations' counts of color and
    White, released as the people are (a change too small to show is held back); an index's change also by
    the students it weighs where it moved (a corrected index moves no weight)."""
    averages = (("sum_c", "n_c"), ("sum_w", "n_w")) if measure.index else ()
    return Family(
        students.family(measure), ("school_year",), measure.counts, measure.figures, averages=averages
    )


EXPERIENCE = {students.family(m): experience_family(m) for m in students.MEASURES.values()}
FAMILY_FIGURES = {
    PEOPLE.name: PEOPLE.figures,
    **{name: f.figures for name, f in EXPERIENCE.items()},
    "makeup": MAKEUP_FIGURES,
    "makeup-hidden": ("hidden",),
    FELLOWS.name: FELLOWS.figures,
    NETWORK.name: NETWORK.figures,
    **{part.family.name: part.family.figures for part in NETWORK_PARTS},
}
# Which stored key column holds which key of each family.
_KEY_COLUMNS = {
    PEOPLE.name: ("population", "school_year"),
    **{name: ("school_year", None) for name in EXPERIENCE},
    "makeup": ("population", "school_year"),
    "makeup-hidden": ("population", "school_year"),
    FELLOWS.name: ("program", None),
    NETWORK.name: ("school_year", None),
    **{part.family.name: ("school_year", None) for part in NETWORK_PARTS},
}


@dataclass(frozen=True)
class Release:
    """What a release did: its number, and each change it held back or hid (family, key, organizations,
    the change that could not be shown, outcome)."""

    release_id: int
    held: pd.DataFrame
    summary: str


class NothingToRelease(ValueError):
    """Nothing is loaded: there are no figures to release."""


# --- reading a release -----------------------------------------------------------------------------


def _unpack(frame: pd.DataFrame, family: str) -> pd.DataFrame:
    """Stored rows of `family` with their key columns named and `vals` spread into figure columns."""
    figures = FAMILY_FIGURES[family]
    first, second = _KEY_COLUMNS[family]
    out = frame.drop(columns=["vals"]).rename(columns={"key_a": first})
    out = out.drop(columns="key_b") if second is None else out.rename(columns={"key_b": second})
    values = np.vstack(frame["vals"].to_numpy()).astype(float) if len(frame) else np.empty((0, len(figures)))
    for i, name in enumerate(figures):
        out[name] = values[:, i]
    return out


_RELEASED = KeptPerData()


def released(con: duckdb.DuckDBPyConnection, family: str) -> pd.DataFrame:
    """The latest release's units of one family: its keys, unit, org_code, region, org_type, block,
    block_passes and figures (empty when nothing is released); read once per change of the data."""

    def read() -> pd.DataFrame:
        with cursor(con) as cur:
            frame = cur.execute(sql("released_units_of_family"), {"family": family}).df()
        return _unpack(frame, family)

    return _RELEASED.get(con, (family,), read).copy(deep=False)  # (copy on write: what is kept stays)


def latest_release(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The latest release (release_id, released_at, released_by, held, summary) and whether the data
    changed since (`changed_since`), or None when nothing was ever released."""
    with cursor(con) as cur:
        rows = cur.execute(sql("release_latest")).df()
    if rows.empty:
        return None
    r = rows.iloc[0]
    return {
        "release_id": int(r["release_id"]),
        "released_at": r["released_at"],
        "released_by": str(r["released_by"]),
        "held": int(r["held"]),
        "summary": str(r["summary"]),
        "changed_since": int(r["data_version_now"]) != int(r["data_version"]),
    }


def held_back(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What the latest release held back or hid (family, key_a, key_b, organizations, change, outcome)."""
    with cursor(con) as cur:
        return cur.execute(sql("release_held_latest")).df()


# --- what is current, per family -------------------------------------------------------------------


def _query(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    text = sql(name)
    available = {
        "people_of_color": list(definitions.PEOPLE_OF_COLOR),
        "known_races": list(definitions.RACES),
        "job_classes": list(definitions.JOB_CLASSES),
        "students": True,
        "year_from": None,
        "year_to": None,
        "school_year": None,
        "outside_region": definitions.OUTSIDE_DESE_REGION,
        "independent": definitions.INDEPENDENT,
        **params,
    }
    used = {k: v for k, v in available.items() if f"${k}" in text}
    with cursor(con) as cur:
        return cur.execute(text, used).df()


def current_people(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """People of color and others per population, school year and organization, as loaded now."""
    atoms = _query(con, "people_of_color_by_organization")
    atoms = atoms.astype({"of_color": float, "total": float})
    return atoms.assign(others=atoms["total"] - atoms["of_color"]).drop(columns="total")


def people_blocks(atoms: pd.DataFrame) -> pd.DataFrame:
    """The people family's blocks of `atoms` (population, school_year, org_code, region, org_type,
    of_color, others): region × type cells merged until each passes, also with any one organization taken
    out, and organizations that pass alone split off where what remains still passes."""
    return build_blocks(
        atoms,
        keys=["population", "school_year"],
        dims=["region", "org_type"],
        counts=["of_color", "others"],
        unit="org_code",
        weights=VIEW_WEIGHTS,
    )


def current_fellows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Fellows per cohort and home organization as loaded now, with every count the pages show."""
    atoms = _query(con, "fellows_by_cohort_and_organization")
    counts = [c for c in atoms.columns if c not in ("cohort", "start_year", "org_code", "region", "org_type")]
    atoms[counts] = atoms[counts].astype(float)
    atoms["not_placed_within_5"] = (
        atoms["fellows"] - atoms["superintendent_within_5"] - atoms["assistant_within_5"]
    )
    atoms["entered_otherwise"] = (
        atoms["fellows"] - atoms["entered_as_principal"] - atoms["entered_from_central_office"]
    )
    atoms["not_of_color"] = atoms["known_race"] - atoms["of_color"]
    return atoms.assign(program=PROGRAM)


def fellow_blocks(atoms: pd.DataFrame) -> pd.DataFrame:
    """Fellows cut into blocks: cohort × region × type cells merged until each has 6 or more Fellows of
    color and 6 or more others, also with any one home organization's Fellows taken out."""
    return build_blocks(
        atoms,
        keys=["program"],
        dims=["cohort", "region", "org_type"],
        counts=["of_color", "not_of_color"],
        weights=FELLOW_WEIGHTS,
        insider="org_code",
    )


def current_network(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The AMSEL network's members per school year and organization (or school outside DESE's) now."""
    atoms = _query(con, "amsel_members_by_organization")
    return atoms.astype({c: float for c in NETWORK_FIGURES})


def network_member_blocks(atoms: pd.DataFrame) -> pd.DataFrame:
    """The members' own blocks: region × type cells with 6 or more members, also with any one organization's
    taken out."""
    return build_blocks(
        atoms,
        keys=["school_year"],
        dims=["region", "org_type"],
        counts=["members"],
        weights=VIEW_WEIGHTS,
        insider="org_code",
    )


def cell_constant(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """A block number per row that is the same for every row of a region × type cell: the blocks of
    `frame` joined wherever a cell spans several (an organization split off, a cell that moved). Blocks
    built from it (`build_blocks(start=...)`) are unions of `frame`'s blocks."""
    if frame.empty:
        return np.empty(0, dtype=np.int64)
    cell = frame.groupby([*keys, "region", "org_type"], sort=False, dropna=False).ngroup().to_numpy()
    block = frame[BLOCK].to_numpy(dtype=np.int64)
    label = block.copy()
    while True:  # each row takes the least label of its cell, then of its block, until none changes
        before = label
        for group in (cell, block):
            least = np.full(int(group.max()) + 1, np.iinfo(np.int64).max)
            np.minimum.at(least, group, label)
            label = least[group]
        if np.array_equal(label, before):
            return label


def part_blocks(part: NetworkPart, within: pd.DataFrame) -> pd.DataFrame:
    """One measure of the members cut into blocks from the blocks of what it is within (`within`: released
    units with block and block_passes); a block passes only where those it was built from all pass (the base
    is shown with the figure)."""
    frame = within.assign(
        count=within[part.count], without=within[part.base] - within[part.count], _start=0
    ).copy()
    frame["_start"] = cell_constant(frame, ["school_year"])
    frame["_start_passes"] = frame.groupby("_start")[BLOCK_PASSES].transform("all").astype(bool)
    built = build_blocks(
        frame.drop(columns=[BLOCK, BLOCK_PASSES]),
        keys=["school_year"],
        dims=["region", "org_type"],
        counts=["count", "without"],
        weights=VIEW_WEIGHTS,
        start="_start",
        insider="org_code",
    )
    whole = built.groupby(BLOCK)["_start_passes"].transform("all").astype(bool)
    built[BLOCK_PASSES] = built[BLOCK_PASSES].astype(bool) & whole
    return built.drop(columns=["_start", "_start_passes"])


def always_hidden_races(atoms: pd.DataFrame) -> list[str]:
    """The races of color hidden in every view of one population's make-up in one year: those that fail
    the rule in the whole state or in at least half the regions, then the smallest others until at least
    two are hidden and together pass in the state (so none of them follows from the total of color)."""
    colored = list(definitions.PEOPLE_OF_COLOR)
    statewide = atoms[list(definitions.RACES)].sum()
    regions = atoms.groupby("region")[list(definitions.RACES)].sum()
    threshold = definitions.SMALL_CELL_THRESHOLD
    regions = regions[(regions[colored].sum(axis=1) >= threshold) & (regions[definitions.WHITE] >= threshold)]
    failing = (regions[colored] < threshold).sum() if len(regions) else pd.Series(0, index=colored)
    hidden = [r for r in colored if statewide[r] < threshold or failing[r] * 2 >= max(len(regions), 1)]
    if hidden:
        for race in sorted(colored, key=lambda r: statewide[r]):
            if len(hidden) >= 2 and statewide[hidden].sum() >= threshold:
                break
            if race not in hidden:
                hidden.append(race)
    return hidden


def makeup_blocks(atoms: pd.DataFrame, hidden: list[str], start: np.ndarray) -> pd.DataFrame:
    """One population-year's make-up (org-level races) cut into blocks from `start` (cell-constant blocks
    of the people family): merged until each has 6 or more of every race shown, of the hidden ones
    together, of color and White, also with any one organization taken out."""
    shown = [r for r in definitions.PEOPLE_OF_COLOR if r not in hidden]
    frame = atoms.assign(
        of_color=atoms[list(definitions.PEOPLE_OF_COLOR)].sum(axis=1),
        hidden_together=atoms[hidden].sum(axis=1) if hidden else 0.0,
        _start=start,
    )
    counts = ["of_color", definitions.WHITE, *shown, *(["hidden_together"] if hidden else [])]
    built = build_blocks(
        frame,
        keys=["population", "school_year"],
        dims=["region", "org_type"],
        counts=counts,
        weights=VIEW_WEIGHTS,
        start="_start",
        insider="org_code",
    )
    return built.drop(columns=["_start"])


def makeup_family(hidden: list[str]) -> Family:
    """The make-up's family for one population-year whose `hidden` races are never shown on their own."""
    shown = [r for r in definitions.PEOPLE_OF_COLOR if r not in hidden]
    counts = ("of_color", definitions.WHITE, *shown, *(("hidden_together",) if hidden else ()))
    figures = tuple(dict.fromkeys((*counts, *definitions.RACES)))
    return Family("makeup", ("population", "school_year"), counts, figures, mode=HIDE)


# --- cutting a release -----------------------------------------------------------------------------


def _stored(con: duckdb.DuckDBPyConnection, families: list[str]) -> tuple[dict, dict]:
    """The latest release's units and the release history of `families`, unpacked, by family."""
    with cursor(con) as cur:
        units = cur.execute(sql("released_units_of_families"), {"families": families}).df()
        history = cur.execute(sql("release_history_of_families"), {"families": families}).df()
    now = {f: _unpack(units[units["family"] == f].drop(columns="family"), f) for f in families}
    past = {f: _unpack(history[history["family"] == f].drop(columns="family"), f) for f in families}
    return now, past


def _with_unit(frame: pd.DataFrame, unit: pd.Series) -> pd.DataFrame:
    return frame.assign(**{UNIT: unit.astype(str).to_numpy()})


def _cut(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Every family's next release, and what it holds back: (units by family, held)."""
    families = list(FAMILY_FIGURES)
    previous, history = _stored(con, families)
    state: dict[str, pd.DataFrame] = {}
    held_parts: list[pd.DataFrame] = []

    # People: released where the change passes; the rest held back as it was released.
    people = current_people(con)
    fresh = people_blocks(people) if len(people) else people
    fresh = _with_unit(fresh, fresh["org_code"]) if len(fresh) else fresh
    state[PEOPLE.name], held = reconcile(PEOPLE, fresh, previous[PEOPLE.name], history[PEOPLE.name])
    held_parts.append(held.assign(family=PEOPLE.name))

    state["makeup"], state["makeup-hidden"], held = _cut_makeup(con, state[PEOPLE.name], previous, history)
    held_parts.append(held)

    fellows = current_fellows(con)
    fresh = fellow_blocks(fellows) if len(fellows) else fellows
    if len(fresh):
        fresh = _with_unit(fresh, fresh["cohort"].astype(int).astype(str) + "|" + fresh["org_code"])
    state[FELLOWS.name], held = reconcile(FELLOWS, fresh, previous[FELLOWS.name], history[FELLOWS.name])
    held_parts.append(held.assign(family=FELLOWS.name))

    for measure in students.MEASURES.values():
        name = students.family(measure)
        found = students.atoms(con, measure)
        fresh = students.cut_blocks(found, measure) if len(found) else found
        fresh = _with_unit(fresh, fresh["org_code"]) if len(fresh) else fresh
        state[name], held = reconcile(EXPERIENCE[name], fresh, previous[name], history[name])
        held_parts.append(held.assign(family=name))

    network = current_network(con)
    fresh = network_member_blocks(network) if len(network) else network
    fresh = _with_unit(fresh, fresh["org_code"]) if len(fresh) else fresh
    state[NETWORK.name], held = reconcile(NETWORK, fresh, previous[NETWORK.name], history[NETWORK.name])
    held_parts.append(held.assign(family=NETWORK.name))
    members = state[NETWORK.name]
    for part in NETWORK_PARTS:
        family = part.family
        within = members if part.within == "members" else state[f"network:{part.within}"]
        within = within if part.within == "members" else _base_from(within, members, part)
        if within.empty:
            state[family.name] = within.iloc[0:0]
            continue
        fresh = _with_unit(part_blocks(part, within), part_blocks(part, within)["org_code"])
        state[family.name], held = reconcile(family, fresh, previous[family.name], history[family.name])
        held_parts.append(held.assign(family=family.name))
    held = (
        pd.concat([h for h in held_parts if len(h)], ignore_index=True)
        if any(len(h) for h in held_parts)
        else pd.DataFrame(columns=["family", "units", "organizations", "change", "outcome"])
    )
    return state, held


def _base_from(within: pd.DataFrame, members: pd.DataFrame, part: NetworkPart) -> pd.DataFrame:
    """A measure within another measure (mentors among new members): the other measure's blocks, with
    the released members' figures of the same organizations."""
    figures = members[["school_year", "org_code", *NETWORK_FIGURES]]
    return (
        within[["school_year", UNIT, "org_code", "region", "org_type", BLOCK, BLOCK_PASSES]]
        .merge(figures, on=["school_year", "org_code"], how="left")
        .fillna({c: 0.0 for c in NETWORK_FIGURES})
    )


def _cut_makeup(con, people: pd.DataFrame, previous: dict, history: dict):
    """The race make-up's next release, from the people released now: per population and year, the races
    never shown alone (those hidden before stay hidden), blocks from the people blocks, checked over time."""
    columns_held = ["family", "population", "school_year", "units", "organizations", "change", "outcome"]
    wide = current_races(con)
    if wide.empty or people.empty:
        empty = people.iloc[0:0]
        return empty, pd.DataFrame(), pd.DataFrame(columns=columns_held)
    # The make-up of the people released: an organization whose change is held back keeps its make-up as
    # released (or none, if it was never released).
    keys = ["population", "school_year", "org_code"]
    released_people = people[[*keys, "of_color", "others", BLOCK]]
    wide = wide.merge(released_people, on=keys, how="inner")
    current_of_color = wide[list(definitions.PEOPLE_OF_COLOR)].sum(axis=1)
    same = np.isclose(current_of_color, wide["of_color"]) & np.isclose(
        wide[definitions.WHITE], wide["others"]
    )
    before = previous["makeup"]
    if len(before):
        was = before[[*keys, *definitions.RACES]].rename(columns={r: f"_was_{r}" for r in definitions.RACES})
        wide = wide.merge(was, on=keys, how="left")
        for race in definitions.RACES:
            wide[race] = np.where(same, wide[race], wide[f"_was_{race}"].fillna(0.0))
        wide = wide.drop(columns=[f"_was_{r}" for r in definitions.RACES])
    else:
        wide = wide[same]
    hidden_before = previous["makeup-hidden"]
    parts, hidden_rows, held_parts = [], [], []
    for (population, year), atoms in wide.groupby(["population", "school_year"], sort=True):
        atoms = atoms.reset_index(drop=True)
        earlier = set(_of_key(hidden_before, population, year).get(UNIT, ()))
        hidden = makeup_hidden(atoms, earlier)
        start = cell_constant(atoms, ["population", "school_year"])
        built = makeup_blocks(atoms.drop(columns=[BLOCK]), hidden, start)
        family = makeup_family(hidden)
        built = built.assign(**{UNIT: built["org_code"]})
        before_key = _makeup_counts(_of_key(before, population, year), hidden)
        past_key = _makeup_counts(_of_key(history["makeup"], population, year), hidden)
        cut, held = reconcile(family, built, before_key, past_key)
        if len(cut):
            parts.append(cut)
        held_parts.append(held.assign(family="makeup"))
        hidden_rows += [
            {
                "population": population,
                "school_year": year,
                UNIT: race,
                "org_code": "",
                "region": "",
                "org_type": "",
                BLOCK: 0,
                BLOCK_PASSES: True,
                "hidden": 1.0,
            }
            for race in hidden
        ]
    makeup = pd.concat(parts, ignore_index=True) if parts else wide.iloc[0:0]
    held = (
        pd.concat([h for h in held_parts if len(h)], ignore_index=True)
        if any(len(h) for h in held_parts)
        else pd.DataFrame(columns=columns_held)
    )
    return makeup, pd.DataFrame(hidden_rows), held


def current_races(con: duckdb.DuckDBPyConnection, school_year: str | None = None) -> pd.DataFrame:
    """People by race per population, school year and organization as loaded now (one column per race),
    for one school year or all."""
    races = _query(con, "people_by_race_and_organization", school_year=school_year)
    index = ["population", "school_year", "org_code", "region", "org_type"]
    if races.empty:
        return pd.DataFrame(columns=[*index, *definitions.RACES])
    # One row per population, school year and organization: the query gives them in that order, one row per
    # race each, so a new one starts where any of the three changes (a table of plain arrays, not a pivot).
    keys = [races[c].to_numpy() for c in ("population", "school_year", "org_code")]
    starts = np.ones(len(races), dtype=bool)
    starts[1:] = np.logical_or.reduce([k[1:] != k[:-1] for k in keys])
    row = np.cumsum(starts) - 1
    present = sorted(races["race"].unique())
    column = pd.Categorical(races["race"], categories=present).codes
    people = np.zeros((int(starts.sum()), len(present)))
    np.add.at(people, (row, column), races["people"].to_numpy(dtype=float))
    wide = races.loc[starts, index].reset_index(drop=True)
    wide = pd.concat([wide, pd.DataFrame(people, columns=present)], axis=1)
    for race in definitions.RACES:
        if race not in wide:
            wide[race] = 0.0
    return wide


def _of_key(frame: pd.DataFrame, population: str, year: str) -> pd.DataFrame:
    if frame.empty:
        return frame
    return frame[(frame["population"] == population) & (frame["school_year"] == year)]


def makeup_hidden(atoms: pd.DataFrame, earlier: set[str] = frozenset()) -> list[str]:
    """The races of color never shown alone in one population-year's make-up: those always hidden now, and
    those hidden in an earlier release (a race once hidden stays so: shown later beside the others hidden
    with it, it would give their count away). Never exactly one (it would follow from the total)."""
    hidden = set(always_hidden_races(atoms)) | earlier
    if len(hidden) == 1:
        colored = [r for r in definitions.PEOPLE_OF_COLOR if r not in hidden]
        smallest = min(colored, key=lambda r: (atoms[r].sum(), r))
        hidden.add(smallest)
    return sorted(hidden, key=list(definitions.RACES).index)


def _makeup_counts(frame: pd.DataFrame, hidden: list[str]) -> pd.DataFrame:
    """Stored make-up rows with the counts its family tests added (of color, the hidden races together)."""
    if frame.empty:
        return frame
    return frame.assign(
        of_color=frame[list(definitions.PEOPLE_OF_COLOR)].sum(axis=1),
        hidden_together=frame[hidden].sum(axis=1) if hidden else 0.0,
    )


def _packed(family: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Units of `family` in the stored shape (key_a, key_b, unit, org_code, region, org_type, block,
    block_passes, vals)."""
    columns = [
        "family",
        "key_a",
        "key_b",
        UNIT,
        "org_code",
        "region",
        "org_type",
        BLOCK,
        BLOCK_PASSES,
        "vals",
    ]
    if frame is None or frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    first, second = _KEY_COLUMNS[family]
    figures = list(FAMILY_FIGURES[family])
    out = pd.DataFrame(
        {
            "family": family,
            "key_a": frame[first].astype(str).to_numpy(),
            "key_b": frame[second].astype(str).to_numpy() if second else "",
            UNIT: frame[UNIT].astype(str).to_numpy(),
            "org_code": frame["org_code"].astype(str).to_numpy(),
            "region": frame["region"].fillna("").astype(str).to_numpy(),
            "org_type": frame["org_type"].fillna("").astype(str).to_numpy(),
            BLOCK: frame[BLOCK].astype(np.int64).to_numpy(),
            BLOCK_PASSES: frame[BLOCK_PASSES].astype(bool).to_numpy(),
        }
    )
    out["vals"] = list(frame[figures].to_numpy(dtype=float))
    return out[columns]


def _changes(new: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    """History rows: each unit whose figures differ between `old` and `new` stored units (zeros where a
    unit left)."""
    ident = ["family", "key_a", "key_b", UNIT]
    merged = new[[*ident, "org_code", "vals"]].merge(
        old[[*ident, "org_code", "vals"]], on=ident, how="outer", suffixes=("", "_old")
    )
    rows = []
    for r in merged.itertuples(index=False):
        now, was = r.vals, r.vals_old
        width = len(FAMILY_FIGURES[r.family])
        now_v = np.zeros(width) if not isinstance(now, list | np.ndarray) else np.asarray(now, float)
        was_v = np.zeros(width) if not isinstance(was, list | np.ndarray) else np.asarray(was, float)
        if np.allclose(now_v, was_v, atol=1e-9) and isinstance(was, list | np.ndarray):
            continue
        org = r.org_code if isinstance(r.org_code, str) else r.org_code_old
        rows.append((r.family, r.key_a, r.key_b, getattr(r, UNIT), org, list(now_v)))
    return pd.DataFrame(rows, columns=[*ident, "org_code", "vals"])


def publish(con: duckdb.DuckDBPyConnection, *, actor: Actor) -> Release:
    """Release the current figures to everyone who is not DESE (a DESE reviewer's decision): cut every
    family anew, check it against every earlier release, hold back or hide what cannot be shown yet, and
    write it in one transaction. Raises access.NotAllowed for anyone else."""
    access.require_dese(actor, "release figures")
    state, held = _cut(con)
    stored_now = pd.concat(
        [_packed(family, state.get(family)) for family in FAMILY_FIGURES], ignore_index=True
    )
    with cursor(con) as cur:
        old = cur.execute(sql("released_units_of_families"), {"families": list(FAMILY_FIGURES)}).df()
    history = _changes(stored_now, old)
    held_stored = _held_rows(held)
    summary = _summary(held_stored)
    for attempt in write_attempts(con):
        with attempt:
            release_id = next_id(con, "release_id")
            con.execute(sql("released_units_clear"))
            with registered(con, "incoming_release_units", stored_now):
                con.execute(sql("released_units_add"))
            if len(history):
                with registered(con, "incoming_release_history", history):
                    con.execute(sql("release_history_add"), {"release_id": release_id})
            if len(held_stored):
                with registered(con, "incoming_release_held", held_stored):
                    con.execute(sql("release_held_add"), {"release_id": release_id})
            bump_data_version(con)
            con.execute(
                sql("release_record"),
                {
                    "release_id": release_id,
                    "released_at": datetime.now(),
                    "released_by": actor.recorded_as,
                    "data_version": data_version(con),
                    "held": len(held_stored),
                    "summary": summary,
                },
            )
            access.record(con, actor, "released", detail=f"release {release_id}: {summary}")
    return Release(release_id, held_stored, summary)


def _held_rows(held: pd.DataFrame) -> pd.DataFrame:
    columns = ["family", "key_a", "key_b", "organizations", "change", "outcome"]
    if held.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    rows = []
    for r in held.to_dict("records"):
        first, second = _KEY_COLUMNS[r["family"]]
        rows.append(
            {
                "family": r["family"],
                "key_a": str(r.get(first, "")),
                "key_b": str(r.get(second, "")) if second else "",
                "organizations": [str(o) for o in r["organizations"]],
                "change": r["change"],
                "outcome": r["outcome"],
            }
        )
    return pd.DataFrame(rows, columns=columns)


def organization_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Organization code -> name, for saying what a release held back."""
    with cursor(con) as cur:
        return dict(cur.execute(sql("organization_codes")).fetchall())


def _family_words(family: str, key_a: str, key_b: str) -> str:
    if family == PEOPLE.name:
        group = "students" if key_a == STUDENTS else f"{key_a.lower()}s"
        return f"{group[0].upper()}{group[1:]}, {key_b}"
    if family == "makeup":
        group = "students" if key_a == STUDENTS else f"{key_a.lower()}s"
        return f"Race make-up of {group}, {key_b}"
    if family == FELLOWS.name:
        return "Influence 100 Fellows"
    if family in EXPERIENCE:
        label = students.MEASURES[family.split(":", 1)[1]].label
        return f"Students' {label}, {key_a}"
    measure = family.split(":", 1)[1].replace("_", " ")
    return f"AMSEL network ({measure}), {key_a}"


def held_words(held: pd.DataFrame, names: dict[str, str] | None = None) -> list[str]:
    """One line per change a release held back or hid: what, where, and why."""
    names = names or {}
    lines = []
    for r in held.itertuples(index=False):
        orgs = [names.get(o, o) for o in r.organizations]
        where = ", ".join(orgs[:3]) + (f" and {len(orgs) - 3:,} more" if len(orgs) > 3 else "")
        change = list(r.change) if r.change is not None and len(r.change) else []
        size = ""
        if len(change) == 2 and any(abs(x) > 1e-9 for x in change):  # a corrected index moves no one
            size = f" ({_signed(change[0])} of color, {_signed(change[1])} others)"
        lines.append(
            f"{_family_words(r.family, r.key_a, r.key_b)}: the change at {where}{size} is "
            + (
                "held back until more changes there let it be shown without singling out a small group."
                if r.outcome == "held back"
                else "hidden for now (too small a change to show on its own)."
            )
        )
    return lines


def held_back_words(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What the latest release held back or hid, one line each (held_words), for DESE reviewers."""
    return held_words(held_back(con), organization_names(con))


def _signed(value: float) -> str:
    return f"{value:+,.1f}".replace(".0", "")


def _summary(held: pd.DataFrame) -> str:
    """A release in words: everything released, or how many changes wait."""
    if held.empty:
        return "every current figure released"
    waiting = held[held["outcome"] == "held back"]
    hidden = held[held["outcome"] == "hidden"]
    parts = []
    if len(waiting):
        parts.append(
            f"{len(waiting):,} change{'s' if len(waiting) != 1 else ''} held back until more change with "
            "them (too small to show without singling people out)"
        )
    if len(hidden):
        parts.append(f"{len(hidden):,} breakdown{'s' if len(hidden) != 1 else ''} hidden for now")
    return "; ".join(parts)
