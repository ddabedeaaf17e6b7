"""The adversary's side of issue 10: read what the dashboard exports the way someone out to learn a hidden
figure would, and check every export against facts we made up ourselves.

Black box: only `analytics.export` (CHART_KEYS, chart_csv, chart_section) is called; the truth is worked out
here, with pandas, from the generated facts, never by the code under test. The rule it holds the exports to
(PRODUCT.md, "Privacy"): a figure about a group is shown only when at least 6 people in it are of color and
at least 6 are not (zero counts as fewer than 6); a suppressed row carries nothing but its key; and no two
things a person can see may be subtracted to expose a group smaller than that.

`audit_warehouse(index)` is one warehouse of the randomized differencing test: `random_facts(index)` and
`VIEWS` rebuild the same warehouse and filters for a failure to be replayed by hand.
"""

from __future__ import annotations

import base64
import io
import math
import multiprocessing
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics import definitions as d
from analytics.contracts import FELLOWS

SEED = 20_100  # issue 10; change it only together with the expectations it was run with
MIN = 6  # the rule's threshold, written out here so the tests do not follow a change to the code's constant
TOL = 1e-6
POC = tuple(r for r in d.RACES if r != "White")
KEY_COLUMNS = {"school_year", "suppressed", "cohort", "start_year"}
GROUP_COLUMNS = ("group", "group_name", "region", "org_type", "job_class", "population")
SHARE_CONTRACT = ("school_year", "of_color", "total", "share", "suppressed")
# Charts of how many organizations take part: no figure about people; checked in fewer views (time).
PARTICIPATION_KEYS = {"districts-per-year", "districts-cumulative"}
NON_FINITE = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "+nan", "-nan"}


# --- reading an export as an attacker does ---------------------------------------------------------


def read_csv(data: bytes) -> pd.DataFrame:
    """An export CSV with every cell as text ('' where empty), as a spreadsheet shows it."""
    text = data.decode("utf-8-sig")
    if not text.strip():
        return pd.DataFrame()
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def number(text: object) -> float | None:
    """The number a cell holds, or None (empty, words, a school year, or not finite)."""
    try:
        value = float(str(text).replace(",", "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def is_true(text: object) -> bool:
    return str(text).strip().lower() in {"true", "1", "1.0", "yes"}


def figure_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that hold figures: every column but the key ones (school year, cohort, suppressed) whose
    cells are numbers somewhere. Textual columns (group, region, ...) are keys."""
    return [
        c
        for c in frame.columns
        if c not in KEY_COLUMNS
        and any(number(v) is not None or str(v).strip().lower() in NON_FINITE for v in frame[c])
    ]


def row_label(frame: pd.DataFrame, i: int) -> str:
    row = frame.iloc[i]
    keys = [f"{c}={row[c]}" for c in frame.columns if c in KEY_COLUMNS - {"suppressed"} or c in GROUP_COLUMNS]
    return f"row {i + 1} ({', '.join(keys)})"


def hidden_row_leaks(key: str, frame: pd.DataFrame) -> list[str]:
    """A row marked suppressed that still holds a figure (gap, FTE, ratio, target...): only its key columns
    and `suppressed` may be filled."""
    if "suppressed" not in frame.columns:
        return []
    figures = figure_columns(frame)
    found = []
    for i, row in enumerate(frame.itertuples(index=False)):
        cells = dict(zip(frame.columns, row, strict=True))
        if not is_true(cells["suppressed"]):
            continue
        filled = {c: cells[c] for c in figures if str(cells[c]).strip()}
        if filled:
            shown = ", ".join(f"{c}={v}" for c, v in filled.items())
            found.append(f"{key} {row_label(frame, i)} is suppressed but still shows {shown}")
    return found


# The Equity leaders page's charts (analytics/export.py): members of the network and staff with an equity
# leader and without, checked by Audit._equity; organization counts need no hiding.
EQUITY_KEYS = frozenset(
    {
        "equity-leader-positions",
        "equity-leaders-by-region",
        "amsel-by-type",
        "amsel-members",
        "amsel-expectations",
        "equity-leaders-map",
        "teachers-of-color-with-equity-leaders",
    }
)


def share_contract_problems(key: str, frame: pd.DataFrame) -> list[str]:
    """A CSV of a share has school_year, of_color, total, share, suppressed; a CSV of ratios says which
    rows are suppressed."""
    columns = set(frame.columns)
    if "share" in columns:
        missing = [c for c in SHARE_CONTRACT if c not in columns]
        if missing:
            return [
                f"{key}: a CSV of a share lacks {', '.join(missing)} (columns: {', '.join(frame.columns)})"
            ]
    elif any("share" in c or "parity" in c for c in columns) and "suppressed" not in columns:
        return [
            f"{key}: shares or ratios ({', '.join(frame.columns)}) but no suppressed column: never hidden"
        ]
    return []


def non_finite_cells(key: str, frame: pd.DataFrame) -> list[str]:
    found = []
    for c in frame.columns:
        for i, v in enumerate(frame[c]):
            if str(v).strip().lower() in NON_FINITE:
                found.append(f"{key} {row_label(frame, i)}: {c}={v!r}")
    return found


# --- numbers a chart carries -----------------------------------------------------------------------

_SCHOOL_YEAR = re.compile(r"\d{4}-\d{2}")
_NUMBER = re.compile(r"(?<![\w.])(-?\d[\d,]*(?:\.(\d+))?)(%?)")


def text_numbers(text: str) -> list[tuple[float, float]]:
    """Numbers written in a label, each with the tolerance its rounding allows ('9.1%' -> 0.091 ± 0.0005)."""
    text = _SCHOOL_YEAR.sub(" ", str(text).replace("<br>", " "))
    found = []
    for m in _NUMBER.finditer(text):
        value = float(m.group(1).replace(",", ""))
        tol = 0.5 * 10 ** -len(m.group(2) or "")
        if m.group(3):
            value, tol = value / 100, tol / 100
        found.append((value, tol))
    return found


def figure_numbers(fig) -> list[tuple[float, float, str]]:
    """(value, tolerance, where) for every number a figure carries: trace data, custom data, text and
    hover text, annotations and titles."""
    spec = fig.to_dict()
    found: list[tuple[float, float, str]] = []

    def walk(value, where: str, exact: bool = True) -> None:
        if hasattr(value, "tolist"):
            value = value.tolist()
        if isinstance(value, dict):
            for k, v in value.items():
                if k not in ("hovertemplate", "texttemplate", "bdata", "dtype", "shape"):
                    walk(v, f"{where}.{k}")
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v, where)
        elif isinstance(value, bool) or value is None:
            return
        elif isinstance(value, int | float):
            if math.isfinite(value):
                found.append((float(value), 1e-9, where))
        elif isinstance(value, str):
            found.extend((v, tol, where) for v, tol in text_numbers(value))

    for i, trace in enumerate(spec.get("data", [])):
        for part in ("x", "y", "z", "customdata", "text", "hovertext", "values", "base"):
            if part in trace:
                walk(decode_array(trace[part]), f"trace {i} ({trace.get('name', '')}).{part}")
    layout = spec.get("layout", {})
    for j, note in enumerate(layout.get("annotations", [])):
        walk(note.get("text", ""), f"annotation {j}")
    title = layout.get("title", {})
    walk(title.get("text", ""), "title")
    walk(title.get("subtitle", {}).get("text", ""), "subtitle")
    return found


def decode_array(value):
    """Plotly may store arrays as {'dtype': ..., 'bdata': base64}: decode them to lists."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        if "shape" in value:
            array = array.reshape([int(s) for s in str(value["shape"]).split(",")])
        return array.tolist()
    if isinstance(value, list):
        return [decode_array(v) for v in value]
    return value


def figure_leaks(fig, secrets: dict[str, float]) -> list[str]:
    """Each secret value the figure carries (within the rounding of the label that shows it)."""
    numbers = figure_numbers(fig)
    found = []
    for name, secret in secrets.items():
        for value, tol, where in numbers:
            if abs(value - secret) <= tol:
                found.append(f"{name} = {secret:.6g} is in the chart's {where} (as {value:g})")
                break
    return found


# --- what a row is about ---------------------------------------------------------------------------

_POPULATIONS = {
    **{jc.lower(): jc for jc in d.JOB_CLASSES},
    **{f"{jc}s".lower(): jc for jc in d.JOB_CLASSES},
    "students": "Students",
    "student": "Students",
}
_REGIONS = {r.lower(): r for r in d.REGIONS}
_TYPES = {
    n.lower(): code for code in d.ORG_TYPES for n in (code, d.ORG_TYPE_LABELS[code], d.ORG_TYPE_NAMES[code])
}
_EVERYONE = {"statewide", "all", "total", "everyone"}


def row_scope(key: str, cells: dict[str, str]) -> tuple[str | None, str | None, str | None, list[str]]:
    """(population, region, org_type, values not understood) of one share row, from its group columns;
    the population defaults to superintendents for the superintendent charts."""
    population = d.SUPERINTENDENT if key.startswith("superintendent") else None
    region = org_type = None
    unknown = []
    for c in GROUP_COLUMNS:
        value = str(cells.get(c, "")).strip()
        if not value:
            continue
        low = value.lower()
        if low in _POPULATIONS:
            population = _POPULATIONS[low]
        elif low in _REGIONS:
            region = _REGIONS[low]
        elif low in _TYPES:
            org_type = _TYPES[low]
        elif low not in _EVERYONE:
            unknown.append(f"{c}={value}")
    return population, region, org_type, unknown


# --- generated facts and their truth ---------------------------------------------------------------

YEARS = ("2019-20", "2020-21", "2021-22", "2022-23")
LATE_YEAR = "2023-24"  # in some warehouses only one or two organizations report it (a district's roster)


@dataclass
class Facts:
    """What one random warehouse holds, as the tests wrote it."""

    orgs: pd.DataFrame  # org_code, name, org_type, region
    staffing: pd.DataFrame  # school_year, org_code, job_class, race, fte
    enrollment: pd.DataFrame  # school_year, org_code, race, students
    fellows: pd.DataFrame  # the fellows contract's columns
    participation: pd.DataFrame  # the participation contract's columns
    regions: tuple[str, ...] = ()
    org_types: tuple[str, ...] = ()


def random_facts(index: int) -> Facts:
    """Warehouse `index` of the randomized test (seeded by SEED and the index): 16-44 organizations in 3
    regions and 3 types, 4 school years (and sometimes a fifth reported by one or two organizations),
    one superintendent per organization, teachers from none to hundreds of FTE per race (some half FTE,
    some unknown race), a few principals, students, 30-200 Fellows from 3-12 organizations in 3 cohorts,
    participation."""
    rng = random.Random(SEED * 1000 + index)
    regions = tuple(rng.sample(d.REGIONS, 3))
    org_types = tuple(rng.sample(d.ORG_TYPES, 3))
    region_weights = [rng.uniform(0.2, 1) for _ in regions]
    type_weights = [rng.uniform(0.2, 1) for _ in org_types]
    n = rng.randint(16, 44)
    rows = []
    for i in range(n):
        # The first three cover every region and every type, so every view below selects somebody.
        region = regions[i] if i < 3 else rng.choices(regions, region_weights)[0]
        org_type = org_types[i] if i < 3 else rng.choices(org_types, type_weights)[0]
        rows.append((f"{1000 + i:04d}0000", f"Org {i}", org_type, region))
    orgs = pd.DataFrame(rows, columns=["org_code", "name", "org_type", "region"])
    codes = orgs["org_code"].tolist()

    p_color = rng.uniform(0.15, 0.6)
    years = list(YEARS)
    late = rng.random() < 0.35
    staff, pupils = [], []
    for year in [*years, LATE_YEAR] if late else years:
        reporting = rng.sample(codes, rng.randint(1, 2)) if year == LATE_YEAR else codes
        for org in reporting:
            race = rng.choice(POC) if rng.random() < p_color else "White"
            staff.append((year, org, d.SUPERINTENDENT, race, 1.0))
            staff.append((year, org, d.TEACHER, "White", rng.choice([0, 2, 4.5, 12, 40, 150])))
            for race in rng.sample(POC, rng.randint(1, 3)):
                staff.append((year, org, d.TEACHER, race, rng.choice([0, 1, 2, 3.5, 6, 9, 25, 80])))
            if rng.random() < 0.2:
                staff.append((year, org, d.TEACHER, d.UNKNOWN_RACE, rng.choice([1, 3])))
            principals = rng.randint(1, 3)
            of_color = sum(rng.random() < p_color for _ in range(principals))
            if of_color:
                staff.append((year, org, "Principal", rng.choice(POC), float(of_color)))
            if principals - of_color:
                staff.append((year, org, "Principal", "White", float(principals - of_color)))
            if year == LATE_YEAR:
                continue  # the late roster is staff only
            pupils.append((year, org, "White", rng.choice([0, 3, 40, 300, 1200])))
            for race in rng.sample(POC, rng.randint(1, 3)):
                pupils.append((year, org, race, rng.choice([0, 2, 5, 30, 250, 900])))
    staffing = pd.DataFrame(staff, columns=["school_year", "org_code", "job_class", "race", "fte"])
    enrollment = pd.DataFrame(pupils, columns=["school_year", "org_code", "race", "students"])

    homes = rng.sample(codes, rng.randint(3, 12))
    fellow_rows = []
    for i in range(rng.randint(30, 200)):
        cohort = rng.choice((1, 2, 3))
        start = years[cohort - 1]
        roll = rng.random()
        race = d.UNKNOWN_RACE if roll < 0.05 else rng.choice(POC) if roll < 0.7 else "White"
        status = rng.choices(d.FELLOW_STATUSES, {1: (10, 65, 25), 2: (35, 50, 15), 3: (70, 15, 15)}[cohort])[
            0
        ]
        placement = (None, None, None)
        if status == "completed" and rng.random() < 0.6:
            role = rng.choice((d.SUPERINTENDENT, "Assistant Superintendent"))
            placement = (
                role,
                d.school_year_from_spring(d.spring_year(start) + rng.randint(1, 4)),
                rng.choice(codes),
            )
        fellow_rows.append(
            (
                f"F{i:03d}",
                cohort,
                start,
                rng.choice(homes),
                rng.choice(d.FELLOW_ENTRY_ROLES),
                race,
                status,
                *placement,
            )
        )
    fellows = pd.DataFrame(
        fellow_rows,
        columns=FELLOWS.column_names,
    )
    taking_part = [
        (org, year, rng.choice(d.PARTICIPATION_COMPONENTS), rng.random() < 0.3, rng.random() < 0.5)
        for year in years
        for org in codes
        if rng.random() < 0.3
    ]
    participation = pd.DataFrame(
        taking_part,
        columns=["org_code", "school_year", "component", "strategy_adopted", "climate_assessment_done"],
    )
    return Facts(orgs, staffing, enrollment, fellows, participation, regions, org_types)


@dataclass(frozen=True)
class View:
    """A filter combination: regions and organization types (empty: all)."""

    regions: tuple[str, ...] = ()
    org_types: tuple[str, ...] = ()

    def filters(self):
        from analytics.metrics import Filters

        return Filters(regions=self.regions, org_types=self.org_types)

    def orgs(self, facts: Facts) -> frozenset[str]:
        o = facts.orgs
        keep = pd.Series(True, index=o.index)
        if self.regions:
            keep &= o["region"].isin(self.regions)
        if self.org_types:
            keep &= o["org_type"].isin(self.org_types)
        return frozenset(o.loc[keep, "org_code"])

    def __str__(self) -> str:
        return f"Filters(regions={self.regions!r}, org_types={self.org_types!r})"


def views_for(facts: Facts, index: int) -> list[View]:
    """Six nested and overlapping views: statewide, a region, a region and type cell, a type, two regions
    (all but one), and one more at random; every pair one inside the other is a differencing attack."""
    rng = random.Random(SEED * 1000 + index + 500)
    r1, r2, r3 = rng.sample(facts.regions, 3)
    t1, t2, _ = rng.sample(facts.org_types, 3)
    extra = rng.choice([View((r2,), (t2,)), View((r1, r2), (t1, t2)), View((), (t1, t2)), View((r3,), ())])
    return [View(), View((r1,)), View((r1,), (t1,)), View((), (t1,)), View((r1, r2)), extra]


class Truth:
    """Counts from the generated facts, per organization, so any view's figure is a sum."""

    def __init__(self, facts: Facts):
        self.facts = facts
        s = facts.staffing.rename(columns={"job_class": "population", "fte": "people"})
        e = facts.enrollment.rename(columns={"students": "people"}).assign(population="Students")
        people = pd.concat([s, e], ignore_index=True)
        people = people[people["race"] != d.UNKNOWN_RACE]
        people = people.assign(k=people["people"].where(people["race"].isin(POC), 0.0))
        grouped = people.groupby(["population", "school_year", "org_code"])[["k", "people"]].sum()
        self.people = {key: part.droplevel([0, 1]) for key, part in grouped.groupby(level=[0, 1])}
        f = facts.fellows
        placed_within = [
            p is not None and isinstance(y, str) and d.spring_year(y) - d.spring_year(s) < 5
            for p, y, s in zip(f["placement_role"], f["placement_year"], f["start_year"], strict=True)
        ]
        self.fellows = pd.DataFrame(
            {
                "cohort": f["cohort"],
                "org_code": f["home_org_code"],
                "fellows": 1,
                "known": f["race"] != d.UNKNOWN_RACE,
                "of_color": f["race"].isin(POC),
                "active": f["status"] == "active",
                "completed": f["status"] == "completed",
                "withdrawn": f["status"] == "withdrawn",
                "entered_as_principal": f["entry_role"].isin(["Principal", "Assistant Principal"]),
                "entered_from_central_office": f["entry_role"] == "Central Office",
                "superintendent_within_5": (f["placement_role"] == d.SUPERINTENDENT)
                & pd.Series(placed_within),
                "assistant_within_5": (f["placement_role"] == "Assistant Superintendent")
                & pd.Series(placed_within),
            }
        )

    def share(self, population: str, year: str, orgs: frozenset[str]) -> tuple[float, float]:
        """(people of color, people of known race) of `population` in `year` across `orgs`."""
        part = self.people.get((population, year))
        if part is None:
            return 0.0, 0.0
        part = part[part.index.isin(orgs)]
        return float(part["k"].sum()), float(part["people"].sum())

    def fellows_count(self, cohort: int | None, orgs: frozenset[str], attribute: str) -> tuple[int, int]:
        """(Fellows with `attribute`, Fellows it is counted among) of one cohort (None: all) across `orgs`."""
        part = self.fellows[self.fellows["org_code"].isin(orgs)]
        if cohort is not None:
            part = part[part["cohort"] == cohort]
        among = "known" if attribute == "of_color" else "fellows"
        return int(part[attribute].sum()), int(part[among].sum())


# Fellows CSV columns: the attribute each counts (aliases a rewrite might use), and those that count no
# attribute (cohort sizes, organizations, the running total, how many have a known race).
FELLOW_ATTRIBUTES = {
    "of_color": "of_color",
    "active": "active",
    "completed": "completed",
    "withdrawn": "withdrawn",
    "withdrew": "withdrawn",
    "entered_as_principal": "entered_as_principal",
    "entered_from_central_office": "entered_from_central_office",
    "superintendent_within_5": "superintendent_within_5",
    "placed_superintendent": "superintendent_within_5",
    "assistant_within_5": "assistant_within_5",
    "placed_assistant": "assistant_within_5",
}
FELLOW_COUNTS = {"cohort", "fellows", "organizations", "known_race", "cumulative", "total", "enrolled"}
STATUSES = ("active", "completed", "withdrawn")
# Fellows CSVs in long form (one row per step of the funnel, role or status): the column naming the row,
# the column counting it, and what a row's words say it counts (None: all Fellows, no attribute).
STEP_COLUMNS = ("step", "measure", "status", "outcome", "role", "label")
COUNT_COLUMNS = ("fellows", "count", "people", "value")
STEP_WORDS = (
    ("withdr", "withdrawn"),
    ("complet", "completed"),
    ("active", "active"),
    ("assistant superintendent", "assistant_within_5"),
    ("superintendent", "superintendent_within_5"),
    ("principal", "entered_as_principal"),
    ("central office", "entered_from_central_office"),
    ("of color", "of_color"),
    ("enrolled", None),
    ("all fellows", None),
    ("total", None),
)


def publishable(k: float, n: float) -> bool:
    return k >= MIN - TOL and n - k >= MIN - TOL


def partition_leak(total: float, shown: dict[str, float], parts: tuple[str, ...]) -> str | None:
    """What the parts of a visible total that are not shown give away: together they are the total minus
    the parts shown (one hidden part is that exactly), and that remainder must itself be publishable."""
    hidden = [p for p in parts if p not in shown]
    if not hidden or not shown:
        return None
    rest = total - sum(shown.values())
    if publishable(rest, total):
        return None
    if len(hidden) == 1:
        return f"{hidden[0]} is not shown, but it is {total:g} minus those shown = {rest:g}"
    return f"those not shown ({', '.join(hidden)}) add up to {total:g} minus those shown = {rest:g}"


# --- the audit -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """A figure someone can see: `k` of `n` people of `population` (or Fellows with an attribute) in a
    period, across an organization set."""

    what: tuple  # (population, attribute)
    period: str
    orgs: frozenset[str]
    k: float
    n: float
    where: str


@dataclass
class Audit:
    """Problems found in one warehouse, by kind, and how much was checked."""

    label: str
    truth: Truth
    problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    seen: list[Seen] = field(default_factory=list)
    groups: list[tuple[frozenset[str], str, list[Seen]]] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def problem(self, kind: str, message: str) -> None:
        self.problems[kind].append(f"{self.label}: {message}")

    def csv(self, view: View, key: str, frame: pd.DataFrame, view_orgs: frozenset[str]) -> None:
        """Check one export CSV of one view."""
        where = f"view {view}, {key}"
        for p in non_finite_cells(key, frame):
            self.problem("inf/NaN in a CSV", f"{where}: {p}")
        if key in EQUITY_KEYS:
            self._equity(where, key, frame)
            return
        for p in share_contract_problems(key, frame):
            self.problem("CSV contract", f"{where}: {p}")
        for p in hidden_row_leaks(key, frame):
            self.problem("suppressed row keeps a figure", f"{where}: {p}")
        if frame.empty:
            return
        steps = next((c for c in STEP_COLUMNS if c in frame.columns), None)
        if steps and ("fellow" in key or "influence" in key):
            self._fellow_steps(where, frame, steps, view_orgs)
        elif "cohort" in frame.columns:
            self._fellows(where, key, frame, view_orgs)
        elif "share" in frame.columns or (
            "suppressed" in frame.columns and any("share" in c or "parity" in c for c in frame.columns)
        ):
            self._shares(where, key, frame, view_orgs)

    def _equity(self, where: str, key: str, frame: pd.DataFrame) -> None:
        """The Equity leaders page's CSVs: organization counts need no hiding; every visible figure about
        the network's members, or about staff with an equity leader and without, is about 6 or more people
        either way (tests/test_equity_leaders.py checks their blocks against differencing)."""
        for p in hidden_row_leaks(key, frame):
            self.problem("suppressed row keeps a figure", f"{where}: {p}")
        for i in range(len(frame)):
            cells = frame.iloc[i].to_dict()
            if "suppressed" not in cells or is_true(cells["suppressed"]):
                continue
            here = f"{where} {row_label(frame, i)}"
            if "measure" in cells:
                count, base = number(cells["count"]), number(cells.get("base", ""))
                ok = count is not None and (count >= MIN - TOL if base is None else publishable(count, base))
            else:
                k, n = number(cells.get("of_color", "")), number(cells.get("total", ""))
                ok = k is not None and n is not None and publishable(k, n)
            self.checked["visible equity rows"] += 1
            if not ok:
                self.problem("visible figure about a small group", f"{here}: {cells}")

    def _shares(self, where: str, key: str, frame: pd.DataFrame, view_orgs: frozenset[str]) -> None:
        figures = figure_columns(frame)
        grouped: list[Seen] = []
        for i in range(len(frame)):
            cells = frame.iloc[i].to_dict()
            if "suppressed" in cells and is_true(cells["suppressed"]):
                self.checked["hidden rows"] += 1
                continue
            if not any(str(cells[c]).strip() for c in figures):
                continue  # nothing shown
            here = f"{where} {row_label(frame, i)}"
            if "school_year" not in cells:
                continue  # reported as a contract problem
            population, region, org_type, unknown = row_scope(key, cells)
            if population is None or unknown:
                self.problem(
                    "row not understood", f"{here}: which people? ({', '.join(unknown) or 'no group'})"
                )
                continue
            orgs = view_orgs & View((region,) if region else (), (org_type,) if org_type else ()).orgs(
                self.truth.facts
            )
            k, n = self.truth.share(population, cells["school_year"], orgs)
            self.checked["visible rows"] += 1
            if not publishable(k, n):
                self.problem(
                    "visible figure about a small group",
                    f"{here}: shown, but {k:g} of {n:g} "
                    f"{population} FTE/people are of color ({n - k:g} are not)",
                )
            for column, true in (("of_color", k), ("total", n), ("share", k / n if n else None)):
                shown = number(cells.get(column, ""))
                if shown is not None and (true is None or abs(shown - true) > TOL * max(1, abs(true))):
                    self.problem("wrong figure", f"{here}: {column} is {shown:g}, the facts say {true}")
            seen = Seen((population, "of_color"), cells["school_year"], orgs, k, n, here)
            self.seen.append(seen)
            if region or org_type:
                grouped.append(seen)
        if grouped:
            self.groups.append((view_orgs, where, grouped))

    def _fellows(self, where: str, key: str, frame: pd.DataFrame, view_orgs: frozenset[str]) -> None:
        columns = [c for c in figure_columns(frame) if c not in FELLOW_COUNTS]
        for c in columns:
            if c not in FELLOW_ATTRIBUTES and "share" not in c:
                self.problem("row not understood", f"{where}: what does column {c} count?")
        status_columns = [c for c in frame.columns if FELLOW_ATTRIBUTES.get(c) in STATUSES]
        for i in range(len(frame)):
            cells = frame.iloc[i].to_dict()
            cohort = number(cells["cohort"])
            if cohort is None:
                continue
            cohort = int(cohort)
            here = f"{where} {row_label(frame, i)}"
            shown_statuses: dict[str, float] = {}
            for c in columns:
                attribute = FELLOW_ATTRIBUTES.get(c, "of_color" if "share" in c else None)
                value = number(cells[c])
                if attribute is None or value is None:
                    continue
                self._fellow_cell(f"{here} {c}", cohort, attribute, value, view_orgs, share="share" in c)
                if attribute in STATUSES:
                    shown_statuses[attribute] = value
            size = number(cells.get("fellows", ""))
            if status_columns and size is not None:
                # The statuses add up to the cohort's size, which the row shows.
                leak = partition_leak(size, shown_statuses, STATUSES)
                if leak:
                    self.problem("recoverable from a total", f"{here}: {leak}")

    def _fellow_cell(
        self,
        here: str,
        cohort: int | None,
        attribute: str,
        value: float,
        view_orgs: frozenset[str],
        *,
        share: bool = False,
    ) -> None:
        """One visible count (or share) of Fellows with an attribute: true, and about 6 or more either way."""
        k, n = self.truth.fellows_count(cohort, view_orgs, attribute)
        self.checked["visible Fellows cells"] += 1
        true = (k / n if n else math.nan) if share else k
        if not abs(value - true) <= TOL:
            self.problem("wrong figure", f"{here} is {value:g}, the facts say {true:g}")
        if not publishable(k, n):
            self.problem(
                "visible figure about a small group",
                f"{here} shown, but {k} of {n} Fellows have it ({n - k} do not)",
            )
        period = "all cohorts" if cohort is None else f"cohort {cohort}"
        self.seen.append(Seen(("Fellows", attribute), period, view_orgs, k, n, here))

    def _fellow_steps(self, where: str, frame: pd.DataFrame, steps: str, view_orgs: frozenset[str]) -> None:
        """A Fellows CSV in long form: one row per step (enrolled, completed, placed...), optionally per cohort."""
        counts = next((c for c in COUNT_COLUMNS if c in frame.columns), None)
        if counts is None:
            self.problem("row not understood", f"{where}: no column of counts ({', '.join(frame.columns)})")
            return
        sizes: dict[int | None, float] = {}
        shown: dict[int | None, dict[str, float]] = defaultdict(dict)
        for i in range(len(frame)):
            cells = frame.iloc[i].to_dict()
            value = number(cells[counts])
            cohort = number(cells.get("cohort", ""))
            cohort = None if cohort is None else int(cohort)
            here = f"{where} {row_label(frame, i)} {steps}={cells[steps]!r}"
            label = str(cells[steps]).lower()
            match = next((attr for word, attr in STEP_WORDS if word in label), "?")
            if value is None:
                continue
            if match == "?":
                self.problem("row not understood", f"{here}: what does it count?")
            elif match is None:
                sizes[cohort] = value
                _, n = self.truth.fellows_count(cohort, view_orgs, "active")
                if abs(value - n) > TOL:
                    self.problem("wrong figure", f"{here} is {value:g}, the facts say {n}")
            else:
                self._fellow_cell(here, cohort, match, value, view_orgs)
                if match in STATUSES:
                    shown[cohort][match] = value
        for cohort, statuses in shown.items():
            if cohort in sizes:
                leak = partition_leak(sizes[cohort], statuses, STATUSES)
                if leak:
                    self.problem("recoverable from a total", f"{where} (cohort {cohort or 'all'}): {leak}")

    def differencing(self) -> None:
        """Two visible figures, one's organizations inside the other's: their difference is a group too."""
        unique: dict[tuple, Seen] = {}
        for s in self.seen:
            unique.setdefault((s.what, s.period, s.orgs), s)
        by_figure: dict[tuple, list[Seen]] = defaultdict(list)
        for s in unique.values():
            by_figure[(s.what, s.period)].append(s)
        for items in by_figure.values():
            for a in items:
                for b in items:
                    if b.orgs < a.orgs:
                        self.checked["nested pairs"] += 1
                        dk, dn = a.k - b.k, a.n - b.n
                        if (abs(dn) > TOL or abs(dk) > TOL) and not publishable(dk, dn):
                            self.problem(
                                "differencing",
                                f"{a.where} minus {b.where}: {dk:g} of {dn:g} "
                                f"people are of color in the organizations between "
                                f"({len(a.orgs - b.orgs)} organizations)",
                            )
        for view_orgs, where, grouped in self.groups:
            parts: dict[tuple, list[Seen]] = defaultdict(list)
            for s in grouped:
                parts[(s.what, s.period)].append(s)
            for (what, period), shown in parts.items():
                total = unique.get((what, period, view_orgs))
                if total is None or len(shown) < 1:
                    continue
                self.checked["partitions"] += 1
                dk = total.k - sum(s.k for s in shown)
                dn = total.n - sum(s.n for s in shown)
                if (abs(dn) > TOL or abs(dk) > TOL) and not publishable(dk, dn):
                    self.problem(
                        "group partition",
                        f"{where} {period}: {total.where} minus the groups shown "
                        f"leaves {dk:g} of {dn:g} people of color",
                    )


def build_warehouse(facts: Facts):
    """A private in-memory warehouse holding `facts`."""
    from builders import add, new_warehouse

    con = new_warehouse(":memory:", facts.orgs)
    for kind, frame in (
        ("staffing", facts.staffing),
        ("enrollment", facts.enrollment),
        ("fellows", facts.fellows),
        ("participation", facts.participation),
    ):
        if len(frame):
            add(con, kind, list(frame.itertuples(index=False, name=None)))
    return con


def facts_from(orgs: pd.DataFrame, staffing=(), enrollment=(), fellows=(), participation=()) -> Facts:
    """Facts from rows as tests/builders.py writes them (staffing(...), enrollment(...), fellow(...))."""
    from analytics.contracts import FACT_KINDS

    def frame(kind: str, rows) -> pd.DataFrame:
        return pd.DataFrame(list(rows), columns=FACT_KINDS[kind].column_names)

    return Facts(
        orgs,
        frame("staffing", staffing),
        frame("enrollment", enrollment),
        frame("fellows", fellows),
        frame("participation", participation),
        tuple(orgs["region"].unique()),
        tuple(orgs["org_type"].unique()),
    )


def run_audit(facts: Facts, views: list[View], label: str, keys: tuple[str, ...] | None = None) -> Audit:
    """Build a warehouse of `facts`, export `keys` (every chart) for each view, and audit them, differencing
    included."""
    from analytics import export
    from analytics.goals import load_goals

    con = build_warehouse(facts)
    goals = load_goals()
    audit = Audit(label, Truth(facts))
    try:
        for view in views:
            for key in keys or export.CHART_KEYS:
                audit.csv(
                    view, key, read_csv(export.chart_csv(con, goals, view.filters(), key)), view.orgs(facts)
                )
    finally:
        con.close()
    audit.differencing()
    return audit


def audit_warehouse(index: int) -> dict:
    """Build random warehouse `index`, export every chart's CSV for each of its views, and check them all.
    Returns the problems by kind and what was checked (plain data, so it crosses process boundaries)."""
    from analytics import export
    from analytics.goals import load_goals

    if multiprocessing.parent_process() is not None:
        _plain_templates()  # only in a worker process: the tests' own figures keep the real templates
    facts = random_facts(index)
    con = build_warehouse(facts)
    goals = load_goals()
    audit = Audit(f"warehouse {index} (seed {SEED}, random_facts({index}))", Truth(facts))
    con.execute("SET threads TO 1")  # two worker processes share two cores; tiny queries gain nothing
    try:
        for n, view in enumerate(views_for(facts, index)):
            orgs = view.orgs(facts)
            for key in export.CHART_KEYS:
                if key in PARTICIPATION_KEYS and n not in (0, 2):
                    continue  # counts of organizations, no one's race: statewide and the smallest view suffice
                frame = read_csv(export.chart_csv(con, goals, view.filters(), key))
                audit.csv(view, key, frame, orgs)
    finally:
        con.close()
    audit.differencing()
    return {"problems": dict(audit.problems), "checked": dict(audit.checked)}


def _plain_templates() -> None:
    """Speed only: charts built in this worker process skip plotly's large theme templates (the CSVs are
    the same; each figure builds ~30% faster)."""
    import plotly.graph_objects as go
    import plotly.io as pio

    for name in list(pio.templates):
        pio.templates[name] = go.layout.Template()
