"""The adversary's side of the privacy rule: read what the dashboard shows and exports the way someone out
to learn a hidden figure would, and check it against facts we made up ourselves.

Black box: the audit calls what the pages, the Export page and the command line call (analytics.export's
CSVs and sections, metrics and equity) and works the truth out here, with pandas, from the generated facts,
never from the code under test. The rule it holds them to (PRODUCT.md, "Privacy"): a figure about a group is
shown only when at least 6 people in it are of color and at least 6 are not (zero counts as fewer than 6); a
suppressed row carries nothing but its key; no sum or difference of things a person can see (two views one
inside the other, a view less several inside it, a total less its groups, any linear combination of them
that yields a set of organizations) exposes a group smaller than that; and neither does any of those less
one organization's own figures, which it knows (the insider).

`audit_warehouse(index)` is one warehouse of the randomized differencing test: `random_facts(index)`,
`views_for` and `every_view` rebuild the same warehouse and filters for a failure to be replayed by hand;
`run_audit` reads hand-made facts the same way (the attacks, and the mutation tests that weaken the layer).
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
# Charts drawn from the same figures as another (the network's expectations and its members): the CSV is
# that one's; checked in fewer views (time).
SAME_CSV_AS = {"amsel-expectations": "amsel-members"}
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
OUTSIDE = "outside: "  # how the warehouse names the members at a school outside DESE's organizations


def _no_rows(kind: str) -> pd.DataFrame:
    from analytics.contracts import FACT_KINDS

    return pd.DataFrame(columns=FACT_KINDS[kind].column_names)


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
    equity_leaders: pd.DataFrame = field(default_factory=lambda: _no_rows("equity-leaders"))
    amsel_members: pd.DataFrame = field(default_factory=lambda: _no_rows("amsel-members"))
    # Students' experience reports (contracts: student-discipline, student-attendance, graduation,
    # climate-survey): one row per organization, year and student group, rates as fractions, blank = None.
    discipline: pd.DataFrame = field(default_factory=lambda: _no_rows("student-discipline"))
    attendance: pd.DataFrame = field(default_factory=lambda: _no_rows("student-attendance"))
    graduation: pd.DataFrame = field(default_factory=lambda: _no_rows("graduation"))
    climate: pd.DataFrame = field(default_factory=lambda: _no_rows("climate-survey"))


def _random_fellow(
    rng: random.Random, fellow_id: str, cohort: int, homes, years, codes, of_color: float = 0.65
) -> tuple:
    """One Fellow of `cohort` from one of `homes` (the draws in the order the first audit made them)."""
    start = years[cohort - 1]
    roll = rng.random()
    race = d.UNKNOWN_RACE if roll < 0.05 else rng.choice(POC) if roll < 0.05 + of_color else "White"
    status = rng.choices(d.FELLOW_STATUSES, {1: (10, 65, 25), 2: (35, 50, 15), 3: (70, 15, 15)}[cohort])[0]
    placement = (None, None, None)
    if status == "completed" and rng.random() < 0.6:
        role = rng.choice((d.SUPERINTENDENT, "Assistant Superintendent"))
        placement = (
            role,
            d.school_year_from_spring(d.spring_year(start) + rng.randint(1, 4)),
            rng.choice(codes),
        )
    home = rng.choice(homes)
    return (fellow_id, cohort, start, home, rng.choice(d.FELLOW_ENTRY_ROLES), race, status, *placement)


def _random_members(rng: random.Random, year: str, org: str | None, school: str | None, n: int) -> tuple:
    """One organization's (or outside school's) members of the network in one year, as the list counts."""

    def some(of: int, p: float) -> int:
        return sum(rng.random() < p for _ in range(of))

    new = some(n, 0.35)
    return (year, org, school, n, some(n, 0.5), new, some(new, 0.6), some(n, 0.45), some(n, 0.65))


def random_facts(index: int) -> Facts:
    """Warehouse `index` of the randomized test (seeded by SEED and the index): 16-44 organizations in 3
    regions and 3 types, 4 school years (and sometimes a fifth reported by one or two organizations),
    one superintendent per organization, teachers from none to hundreds of FTE per race (some half FTE,
    some unknown race), a few principals, students, 30-200 Fellows from 3-12 organizations in 3 cohorts,
    participation; then (drawn after all of that, so the earlier draws are the same as before they were
    added) 2-6 home organizations a cohort with 3-16 more Fellows each, equity-leader positions and AMSEL
    membership by organization and year, and the network's members (and an outside school or two)."""
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
    fellow_rows = [
        _random_fellow(rng, f"F{i:03d}", rng.choice((1, 2, 3)), homes, years, codes)
        for i in range(rng.randint(30, 200))
    ]
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

    # Drawn after everything above: more Fellows from most of the same homes (10-30 a cohort, about half
    # of color), so that most cohort × region × type cells pass the rule and their figures are shown (and
    # can be differenced), while some homes send a few only and their cells are merged.
    for cohort in (1, 2, 3):
        for home in homes:
            if rng.random() < 0.75:
                for _ in range(rng.randint(10, 30)):
                    fellow_id = f"G{len(fellow_rows):03d}"
                    fellow_rows.append(_random_fellow(rng, fellow_id, cohort, [home], years, codes, 0.5))
    fellows = pd.DataFrame(fellow_rows, columns=FELLOWS.column_names)

    # Equity-leader positions and AMSEL membership: most organizations report most years; positions are
    # created more often than closed; AMSEL members have a position.
    leader_rows = []
    for org in codes:
        if rng.random() < 0.1:
            continue  # never reports
        has = rng.random() < 0.4
        amsel = has and rng.random() < 0.6
        for year in years:
            if rng.random() >= 0.1:  # a year's survey missed now and then
                leader_rows.append((org, year, has, amsel))
            has = (has and rng.random() > 0.05) or (not has and rng.random() < 0.15)
            amsel = has and (amsel or rng.random() < 0.3)
    if late and leader_rows:  # one organization's report for the late year: a partial year
        org = rng.choice(codes)
        leader_rows.append((org, LATE_YEAR, rng.random() < 0.5, False))
    equity_leaders = pd.DataFrame(
        leader_rows, columns=["org_code", "school_year", "has_equity_leader", "amsel_member"]
    )
    member_rows = []
    schools = [f"Academy {j}" for j in range(rng.randint(0, 3))]
    for year in years:
        in_network = equity_leaders.loc[
            (equity_leaders["school_year"] == year) & equity_leaders["amsel_member"], "org_code"
        ]
        for org in in_network:
            n_members = rng.choice((1, 2, 2, 3, 4, 5, 8, 12))
            member_rows.append(_random_members(rng, year, org, None, n_members))
        for school in schools:
            if rng.random() < 0.8:
                member_rows.append(_random_members(rng, year, None, school, rng.randint(1, 4)))
    from analytics.contracts import AMSEL_MEMBERS

    amsel_members = pd.DataFrame(member_rows, columns=AMSEL_MEMBERS.column_names)
    reports = _random_student_reports(rng, codes, years, enrollment, late)
    return Facts(
        orgs,
        staffing,
        enrollment,
        fellows,
        participation,
        regions,
        org_types,
        equity_leaders,
        amsel_members,
        **reports,
    )


# How often an organization's report leaves a measure blank (not published): every year, some years, never.
_PUBLISHED = (("always", 0.83), ("some years", 0.04), ("never", 0.13))


def _random_student_reports(rng: random.Random, codes, years, enrollment: pd.DataFrame, late: bool) -> dict:
    """Students' experience reports for every organization and year (drawn after everything else, so the
    earlier draws are unchanged): out-of-school suspension with the report's own head counts, four-year
    graduation by cohort, chronic absence as rates only (the dashboard weighs them by the warehouse's
    enrollment) and the VOCAL index (by respondents where given, else by enrollment), each for All
    Students and White, and a race group or two and High Needs (stored, not used). Sizes from a few
    students to thousands and from no White students to all; rates exact or rounded to 0.1 points as DESE
    publishes them; some blank (not published) every year, some in some years. Where `late`, one or two
    organizations report suspensions for the late year (a partial year)."""
    from analytics.contracts import STUDENT_KINDS

    pupils = enrollment.groupby(["school_year", "org_code", "race"])["students"].sum().astype(float)

    def mode() -> str:
        return rng.choices([m for m, _ in _PUBLISHED], [w for _, w in _PUBLISHED])[0]

    def blank(how: str) -> bool:
        return how == "never" or (how == "some years" and rng.random() < 0.5)

    def split(n: int, white: float) -> tuple[int, int]:
        n_w = round(n * white)
        return n - n_w, n_w

    def rate(k: float, n: float, rounded: bool) -> float:
        value = k / n if n else 0.0
        return round(value, 3) if rounded else value

    def counted(n: int, p: float) -> int:
        return min(n, max(0, round(n * p + rng.choice((-1, 0, 0, 1)))))

    discipline, attendance, graduation, climate = [], [], [], []
    for org in codes:
        size = rng.choice((2, 5, 9, 20, 60, 250, 1200, 4000))
        white = rng.choice((0.0, 0.05, 0.2, 0.45, 0.7, 0.9, 1.0))
        cohort = rng.choice((3, 7, 15, 40, 150, 600))
        asked = rng.choice((None, None, 4, 12, 30, 80, 300))  # VOCAL respondents (None: not given)
        rounded = rng.random() < 0.5
        white_row = rng.random() < 0.5  # with no White students: a row of 0 White students, or none
        how = {kind: mode() for kind in ("discipline", "attendance", "graduation", "climate")}
        p_susp = (rng.choice((0.0, 0.02, 0.06, 0.15)), rng.choice((0.0, 0.01, 0.03, 0.08)))
        p_grad = (rng.choice((0.55, 0.8, 0.92, 1.0)), rng.choice((0.7, 0.9, 0.97, 1.0)))
        p_absent = (rng.choice((0.04, 0.12, 0.25, 0.4)), rng.choice((0.03, 0.1, 0.18)))
        index = (rng.uniform(35, 75), rng.uniform(40, 80))
        race = rng.choice(POC)
        for year in [*years, LATE_YEAR] if late else years:
            if year == LATE_YEAR and rng.random() > 2 / len(codes):
                continue  # the late year: one or two organizations' reports only
            jitter = rng.uniform(0.85, 1.15)
            # Out-of-school suspension among the students the report counts.
            n_c, n_w = split(max(1, round(size * jitter)), white)
            y_c, y_w = counted(n_c, p_susp[0]), counted(n_w, p_susp[1])
            b_all, b_w = blank(how["discipline"]), blank(how["discipline"])
            discipline.append(
                (
                    year,
                    org,
                    d.ALL_STUDENTS,
                    n_c + n_w,
                    y_c + y_w + rng.randint(0, 3),
                    None,
                    None if b_all else rate(y_c + y_w, n_c + n_w, rounded),
                    None,
                    None,
                    None,
                    None,
                    None,
                )
            )
            if n_w or white_row:
                discipline.append(
                    (year, org, "White", n_w, y_w, None, None if b_w else rate(y_w, n_w, rounded))
                    + (None,) * 5
                )
            if n_c:
                discipline.append((year, org, race, n_c, y_c, None, rate(y_c, n_c, True)) + (None,) * 5)
            if year == LATE_YEAR:
                continue
            # Four-year graduation in the cohort.
            g_c, g_w = split(max(1, round(cohort * jitter)), white)
            k_c, k_w = counted(g_c, p_grad[0]), counted(g_w, p_grad[1])
            if how["graduation"] != "never" or rng.random() < 0.5:
                blanks = blank(how["graduation"])
                graduation.append(
                    (
                        year,
                        org,
                        d.ALL_STUDENTS,
                        g_c + g_w,
                        None if blanks else rate(k_c + k_w, g_c + g_w, rounded),
                    )
                    + (None,) * 5
                )
                graduation.append(
                    (year, org, "White", g_w, None if blanks else rate(k_w, g_w, rounded)) + (None,) * 5
                )
                graduation.append((year, org, "High Needs", g_c, rate(k_c, max(g_c, 1), True)) + (None,) * 5)
            # Chronic absence: rates only, consistent with the warehouse's enrollment by race.
            e_w = float(pupils.get((year, org, "White"), 0.0))
            e_all = float(sum(pupils.get((year, org, r), 0.0) for r in d.RACES))
            e_c = e_all - e_w
            absent_all = (p_absent[0] * e_c + p_absent[1] * e_w) / e_all if e_all else p_absent[0]
            b_all, b_w = blank(how["attendance"]), blank(how["attendance"])
            attendance.append(
                (
                    year,
                    org,
                    d.ALL_STUDENTS,
                    0.95,
                    9.5,
                    None,
                    None if b_all else round(absent_all, 3),
                    None,
                    None,
                )
            )
            attendance.append((year, org, "White", 0.96, 8.0, None, None if b_w else p_absent[1], None, None))
            attendance.append((year, org, race, 0.93, 11.0, None, p_absent[0], None, None))
            # The VOCAL index: respondents where the file gives them, else weighted by enrollment.
            r_c, r_w = split(round(asked * jitter), white) if asked else (e_c, e_w)
            r_all = r_c + r_w
            if how["climate"] == "never" or (how["climate"] == "some years" and rng.random() < 0.5):
                continue
            mixed = (index[0] * r_c + index[1] * r_w) / r_all if r_all else index[0]
            shown_all = None if asked and r_all < 10 else round(mixed, 1)  # VOCAL: fewer than 10 answered
            shown_w = None if asked and r_w < 10 else round(index[1], 1)
            for group, value, n in ((d.ALL_STUDENTS, shown_all, r_all), ("White", shown_w, r_w)):
                climate.append(
                    (year, org, group, d.ALL_GRADES, value, None, None, None, n if asked else None)
                )
    frames = {}
    for name, kind, rows in (
        ("discipline", "student-discipline", discipline),
        ("attendance", "student-attendance", attendance),
        ("graduation", "graduation", graduation),
        ("climate", "climate-survey", climate),
    ):
        frames[name] = pd.DataFrame(rows, columns=STUDENT_KINDS[kind].column_names)
    return frames


@dataclass(frozen=True)
class View:
    """A filter combination: regions and organization types (empty: all), and a range of school years
    (None: open)."""

    regions: tuple[str, ...] = ()
    org_types: tuple[str, ...] = ()
    year_from: str | None = None
    year_to: str | None = None

    def filters(self, released: bool = False):
        from analytics.metrics import Filters

        return Filters(
            self.year_from, self.year_to, regions=self.regions, org_types=self.org_types, released=released
        )

    def orgs(self, facts: Facts) -> frozenset[str]:
        o = facts.orgs
        keep = pd.Series(True, index=o.index)
        if self.regions:
            keep &= o["region"].isin(self.regions)
        if self.org_types:
            keep &= o["org_type"].isin(self.org_types)
        return frozenset(o.loc[keep, "org_code"])

    @property
    def is_statewide(self) -> bool:
        return not self.regions and not self.org_types

    def __str__(self) -> str:
        years = (
            f", year_from={self.year_from!r}, year_to={self.year_to!r}"
            if self.year_from or self.year_to
            else ""
        )
        return f"Filters(regions={self.regions!r}, org_types={self.org_types!r}{years})"


def views_for(facts: Facts, index: int) -> list[View]:
    """Six nested and overlapping views: statewide, a region, a region and type cell, a type, two regions
    (all but one), and one more at random; every pair one inside the other is a differencing attack. Then
    two with a range of school years: a region over two middle years, and a type from the third year on
    (with the late year, where there is one)."""
    rng = random.Random(SEED * 1000 + index + 500)
    r1, r2, r3 = rng.sample(facts.regions, 3)
    t1, t2, _ = rng.sample(facts.org_types, 3)
    extra = rng.choice([View((r2,), (t2,)), View((r1, r2), (t1, t2)), View((), (t1, t2)), View((r3,), ())])
    nested = [View(), View((r1,)), View((r1,), (t1,)), View((), (t1,)), View((r1, r2)), extra]
    ranged = [View((r2,), (), YEARS[1], YEARS[2]), View((), (t2,), YEARS[2], None)]
    return nested + ranged


def every_view(facts: Facts) -> list[View]:
    """Every view the sidebar can make of the warehouse's 3 regions and 3 types: the state, each region,
    type and region × type cell, and each pair of regions and of types (22 in all)."""
    import itertools

    regions, types = sorted(facts.regions), sorted(facts.org_types)
    found = [View()]
    found += [View((r,)) for r in regions] + [View((), (t,)) for t in types]
    found += [View((r,), (t,)) for r in regions for t in types]
    found += [View(pair) for pair in itertools.combinations(regions, 2)]
    found += [View((), pair) for pair in itertools.combinations(types, 2)]
    return found


# Families of figures: each a partition of some people into categories, a figure a count of the people in
# some of them among all (or, for counts of the network's members, a count alone). The people of a
# population: its races; Fellows: their statuses, placements, roles at entry, races; the network's members:
# each measure and the rest of its base.
STUDENTS = "Students"
FELLOW_PERIOD = "all cohorts"  # Fellows' figures are sums over units cohort|organization
FELLOW_FAMILIES = {
    "Fellows' status": ("active", "completed", "withdrawn"),
    "Fellows' placement": ("superintendent_within_5", "assistant_within_5", "not_placed_within_5"),
    "Fellows' role at entry": ("entered_as_principal", "entered_from_central_office", "entered_otherwise"),
    "Fellows' race": ("of_color", "not_of_color"),
}
FELLOW_FAMILY = {attr: family for family, attrs in FELLOW_FAMILIES.items() for attr in attrs}
# What each measure of the network's members counts among (equity.NETWORK_MEASURES, written out).
NETWORK_BASES = {
    "district_members": "members",
    "new_to_role": "members",
    "new_with_mentor": "new_to_role",
    "every_meeting": "members",
    "in_subcommittee": "members",
}
NETWORK_COUNTS = ("members", *NETWORK_BASES)
MEMBERS = "AMSEL members"


def network_family(measure: str) -> str:
    """The family of a measure among its base: `measure` and the rest of the base."""
    return f"AMSEL {measure}"


def count_family(measure: str) -> str:
    """The family of a count of members alone (the members themselves, or those new to their role)."""
    return MEMBERS if measure == "members" else f"AMSEL {measure} (count)"


# Students' experience (analytics/students.py's measures, written out here from PRODUCT.md and the contracts):
# each measure's report (a Facts attribute), its rate's column, the head count the rate is of (None: the
# report has none, and the warehouse's enrollment by race weighs it), and whether it is an index (1-99).
@dataclass(frozen=True)
class Experience:
    key: str
    report: str
    column: str
    base: str | None
    index: bool = False


EXPERIENCE = {
    e.key: e
    for e in (
        Experience("out_of_school_suspension", "discipline", "pct_out_of_school_suspension", "students"),
        Experience("chronic_absence", "attendance", "pct_chronically_absent", None),
        Experience("graduation_4yr", "graduation", "pct_graduated", "cohort_count"),
        Experience("climate_index", "climate", "index_overall", "respondents", index=True),
    )
}
OF_COLOR, WHITE_STUDENTS = "of color", "White"
# The figures of one organization and year: for a rate, students of color counted by it and not, White
# students counted and not; for an index, the index times its weight and the weight, of color and White.
RATE_FIGURES = ("yes_c", "no_c", "yes_w", "no_w")
INDEX_FIGURES = ("sum_c", "n_c", "sum_w", "n_w")


def experience_family(key: str, who: str) -> str:
    """The family of a measure's students of one kind (of color, or White): for a rate, those it counts and
    those it does not; for an index, the students it weighs (a count alone: 6 or more)."""
    return f"students' {key}: {who}"


EXPERIENCE_FAMILIES = {
    experience_family(key, who): ("weight",) if e.index else ("counted", "not counted")
    for key, e in EXPERIENCE.items()
    for who in (OF_COLOR, WHITE_STUDENTS)
}
# The Export page's charts of each measure (their titles state the latest rates shown).
EXPERIENCE_CHART_KEYS = {f"students-{key.replace('_', '-')}": key for key in EXPERIENCE}


def owner(unit: str) -> str:
    """The organization (or outside school) that knows a unit's figures: its own."""
    return unit.rsplit("|", 1)[-1]


class Truth:
    """Counts from the generated facts, per unit (an organization; for Fellows, a cohort and home
    organization), so any view's figure is a sum."""

    def __init__(self, facts: Facts):
        self.facts = facts
        s = facts.staffing.rename(columns={"job_class": "population", "fte": "people"})
        e = facts.enrollment.rename(columns={"students": "people"}).assign(population=STUDENTS)
        people = pd.concat([s, e], ignore_index=True)
        people = people[people["race"] != d.UNKNOWN_RACE]
        people = people.assign(people=people["people"].astype(float))
        wide = people.pivot_table(
            index=["population", "school_year", "org_code"],
            columns="race",
            values="people",
            aggfunc="sum",
            fill_value=0.0,
        )
        wide = wide.reindex(columns=list(d.RACES), fill_value=0.0)
        self._tables: dict[tuple[str, str], pd.DataFrame] = {
            key: part.droplevel([0, 1]) for key, part in wide.groupby(level=[0, 1])
        }
        self.populations = tuple(sorted({p for p, _ in self._tables}))
        self.people = {
            key: pd.DataFrame({"k": t[list(POC)].sum(axis=1), "people": t.sum(axis=1)})
            for key, t in self._tables.items()
        }
        self._fellows_table(facts.fellows)
        self._network_tables(facts.amsel_members)
        self._experience_tables(facts)
        self._contributing: dict[tuple[str, str], frozenset[str]] = {}

    def _fellows_table(self, f: pd.DataFrame) -> None:
        placed_within = [
            p is not None and isinstance(y, str) and d.spring_year(y) - d.spring_year(s) < 5
            for p, y, s in zip(f["placement_role"], f["placement_year"], f["start_year"], strict=True)
        ]
        placed_within = pd.Series(placed_within, index=f.index, dtype=bool)
        superintendent = (f["placement_role"] == d.SUPERINTENDENT) & placed_within
        assistant = (f["placement_role"] == "Assistant Superintendent") & placed_within
        principal = f["entry_role"].isin(["Principal", "Assistant Principal"])
        central = f["entry_role"] == "Central Office"
        known = f["race"] != d.UNKNOWN_RACE
        of_color = f["race"].isin(POC)
        self.fellows = pd.DataFrame(
            {
                "cohort": f["cohort"],
                "org_code": f["home_org_code"],
                "fellows": 1,
                "known": known,
                "of_color": of_color,
                "not_of_color": known & ~of_color,
                "active": f["status"] == "active",
                "completed": f["status"] == "completed",
                "withdrawn": f["status"] == "withdrawn",
                "entered_as_principal": principal,
                "entered_from_central_office": central,
                "entered_otherwise": ~principal & ~central,
                "superintendent_within_5": superintendent,
                "assistant_within_5": assistant,
                "not_placed_within_5": ~superintendent & ~assistant,
            }
        )
        units = self.fellows["cohort"].astype(int).astype(str) + "|" + self.fellows["org_code"]
        per_unit = (
            self.fellows.drop(columns=["cohort", "org_code"]).astype(float).groupby(units.to_numpy()).sum()
        )
        for family, attrs in FELLOW_FAMILIES.items():
            self._tables[(family, FELLOW_PERIOD)] = per_unit[list(attrs)]
        self.cohorts = tuple(sorted(int(c) for c in self.fellows["cohort"].unique()))

    def _network_tables(self, members: pd.DataFrame) -> None:
        self.network_regions: dict[str, tuple[str, str]] = {}
        if members.empty:
            return
        unit = members["org_code"].where(members["org_code"].notna(), OUTSIDE + members["outside_school"])
        frame = members.assign(unit=unit.to_numpy())
        for row in frame.itertuples():
            if row.unit.startswith(OUTSIDE):
                self.network_regions[row.unit] = (d.OUTSIDE_DESE_REGION, d.INDEPENDENT)
        for year, part in frame.groupby("school_year"):
            t = part.groupby("unit")[list(NETWORK_COUNTS)].sum().astype(float)
            self._tables[(MEMBERS, year)] = t[["members"]]
            for measure, base in NETWORK_BASES.items():
                family = network_family(measure)
                self._tables[(family, year)] = pd.DataFrame(
                    {measure: t[measure], f"not {measure}": t[base] - t[measure]}
                )
                self._tables[(count_family(measure), year)] = t[[measure]]

    # --- families -------------------------------------------------------------------------------

    def _experience_tables(self, f: Facts) -> None:
        """Per measure, year and organization where All Students and White are both published: students of
        color = All Students minus White, in counts (students × rate), White students as published; the
        head counts are the report's own, or the warehouse's enrollment (students of known race, and White
        students) where the report has none (chronic absence; the climate index where the survey does not
        give its respondents). Counts of color are kept between none and all of them (published rates are
        rounded to 0.1 points). Only the all-grades climate rows are drawn (privacy_audit.random_facts)."""
        known = f.enrollment[f.enrollment["race"].isin(d.RACES)]
        pupils = pd.DataFrame(
            {
                "e_all": known.groupby(["school_year", "org_code"])["students"].sum().astype(float),
                "e_white": known[known["race"] == "White"]
                .groupby(["school_year", "org_code"])["students"]
                .sum()
                .astype(float),
            }
        )
        pupils["e_white"] = pupils["e_white"].fillna(0.0)
        self.experience: dict[str, pd.DataFrame] = {}
        self._experience_years: dict[tuple[str, str], pd.DataFrame] = {}
        for key, e in EXPERIENCE.items():
            rows = getattr(f, e.report)
            rows = rows[rows["student_group"].isin([d.ALL_STUDENTS, "White"])]
            if e.index:
                rows = rows[rows["grade"] == d.ALL_GRADES]
            rows = rows.assign(
                rate=rows[e.column].astype(float),
                base=rows[e.base].astype(float) if e.base else np.nan,
            )
            wide = rows.set_index(["school_year", "org_code", "student_group"])[["rate", "base"]].unstack()
            wide = wide.reindex(
                columns=pd.MultiIndex.from_product([["rate", "base"], [d.ALL_STUDENTS, "White"]])
            )
            frame = pd.DataFrame(
                {
                    "rate_all": wide[("rate", d.ALL_STUDENTS)],
                    "base_all": wide[("base", d.ALL_STUDENTS)],
                    "rate_white": wide[("rate", "White")],
                    "base_white": wide[("base", "White")],
                }
            ).join(pupils)
            if e.base is None or e.index:  # enrollment where the report gives no head count
                frame["base_all"] = frame["base_all"].fillna(frame["e_all"])
                frame["base_white"] = frame["base_white"].fillna(frame["e_white"])
            frame = frame.dropna(subset=["rate_all", "base_all", "rate_white", "base_white"])
            base_c = frame["base_all"] - frame["base_white"]
            frame, base_c = (
                frame[(frame["base_all"] > 0) & (base_c >= 0)],
                base_c[(frame["base_all"] > 0) & (base_c >= 0)],
            )
            all_k = frame["rate_all"] * frame["base_all"]
            white_k = frame["rate_white"] * frame["base_white"]
            if e.index:
                out = pd.DataFrame(
                    {"sum_c": all_k - white_k, "n_c": base_c, "sum_w": white_k, "n_w": frame["base_white"]}
                )
                tables = {OF_COLOR: out[["n_c"]], WHITE_STUDENTS: out[["n_w"]]}
            else:
                yes_w = white_k.clip(lower=0)
                yes_c = np.minimum((all_k - yes_w).clip(lower=0), base_c)
                out = pd.DataFrame(
                    {
                        "yes_c": yes_c,
                        "no_c": base_c - yes_c,
                        "yes_w": yes_w,
                        "no_w": frame["base_white"] - yes_w,
                    }
                )
                tables = {OF_COLOR: out[["yes_c", "no_c"]], WHITE_STUDENTS: out[["yes_w", "no_w"]]}
            out = out.reset_index()
            self.experience[key] = out
            for who, table in tables.items():
                family = experience_family(key, who)
                table = table.reset_index()
                for year, part in table.groupby("school_year"):
                    t = part.drop(columns="school_year").set_index("org_code").astype(float)
                    t.columns = list(EXPERIENCE_FAMILIES[family])
                    self._tables[(family, year)] = t
        first = f.participation.groupby("org_code")["school_year"].min()
        self._joined = first.to_dict()

    def experience_year(self, key: str, year: str) -> pd.DataFrame:
        """A measure's figures in one year, by organization (RATE_FIGURES or INDEX_FIGURES)."""
        found = self._experience_years.get((key, year))
        if found is None:
            frame = self.experience[key]
            figures = list(INDEX_FIGURES if EXPERIENCE[key].index else RATE_FIGURES)
            found = frame[frame["school_year"] == year].set_index("org_code")[figures]
            self._experience_years[(key, year)] = found
        return found

    def experience_orgs(self, key: str, year: str) -> frozenset[str]:
        """The organizations in a measure's figure for a year: All Students and White both published."""
        return frozenset(self.experience_year(key, year).index)

    def experience_sums(self, key: str, year: str, units) -> dict[str, float]:
        """A measure's figures summed over `units` in one year."""
        part = self.experience_year(key, year)
        part = part[part.index.isin(list(units))]
        return {c: float(v) for c, v in part.sum().items()}

    def influence_100(self, year: str) -> frozenset[str]:
        """Influence 100's organizations in a year: those that took part in it that year or before."""
        return frozenset(o for o, first in self._joined.items() if first <= year)

    @staticmethod
    def categories(family: str) -> tuple[str, ...]:
        if family in EXPERIENCE_FAMILIES:
            return EXPERIENCE_FAMILIES[family]
        if family in FELLOW_FAMILIES:
            return FELLOW_FAMILIES[family]
        if family == MEMBERS:
            return ("members",)
        if family.startswith("AMSEL "):
            measure = family.removeprefix("AMSEL ").removesuffix(" (count)")
            return (measure,) if family.endswith(" (count)") else (measure, f"not {measure}")
        return tuple(d.RACES)

    @classmethod
    def count_only(cls, family: str) -> bool:
        return len(cls.categories(family)) == 1

    @classmethod
    def canonical(cls, family: str, attrs: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
        """The same figure written one way: 'k of n have A' is 'n - k of n have the rest'; the way chosen
        leaves out the family's last category (White, withdrawn, ...). Returns (attributes, flipped)."""
        cats = cls.categories(family)
        if len(cats) == 1 or cats[-1] not in attrs:
            return tuple(c for c in cats if c in attrs), False
        return tuple(c for c in cats if c not in attrs), True

    def table(self, family: str, period: str) -> pd.DataFrame:
        """Units × categories of one family in one period (empty when there is nothing)."""
        found = self._tables.get((family, period))
        return found if found is not None else pd.DataFrame(columns=list(self.categories(family)))

    def contributing(self, family: str, period: str) -> frozenset[str]:
        """The units with anybody in the family in the period: only they change a figure."""
        key = (family, period)
        if key not in self._contributing:
            t = self.table(family, period)
            self._contributing[key] = frozenset(t.index[t.sum(axis=1).to_numpy() > TOL])
        return self._contributing[key]

    def count(
        self, family: str, attrs: tuple[str, ...], period: str, units: frozenset[str]
    ) -> tuple[float, float | None]:
        """(people with `attrs`, people in the family) across `units`; None for a count alone."""
        t = self.table(family, period)
        part = t[t.index.isin(units)]
        k = float(part[list(attrs)].to_numpy().sum())
        return k, None if self.count_only(family) else float(part.to_numpy().sum())

    def vectors(self, family: str, attrs: tuple[str, ...], period: str, units: list[str]):
        """Per unit of `units`: people with `attrs`, and people in the family (None for a count alone)."""
        t = self.table(family, period).reindex(units).fillna(0.0)
        k = t[list(attrs)].to_numpy().sum(axis=1)
        return k, None if self.count_only(family) else t.to_numpy().sum(axis=1)

    # --- the older questions, kept for the hand-made attacks ------------------------------------

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

    # --- units of a view ------------------------------------------------------------------------

    def fellow_units(self, orgs: frozenset[str], cohort: int | None = None) -> frozenset[str]:
        """The units cohort|organization of the Fellows of `orgs` (one cohort, or all)."""
        cohorts = self.cohorts if cohort is None else (int(cohort),)
        return frozenset(f"{c}|{o}" for c in cohorts for o in orgs)

    def network_units(self, view: View) -> frozenset[str]:
        """The organizations of a view, and the schools outside DESE's where the view picks them."""
        units = set(view.orgs(self.facts))
        for unit, (region, org_type) in self.network_regions.items():
            if (not view.regions or region in view.regions) and (
                not view.org_types or org_type in view.org_types
            ):
                units.add(unit)
        return frozenset(units)

    def leader_groups(self, year_to: str | None) -> dict[str, frozenset[str]]:
        """The organizations with an equity-leader position in their latest report up to `year_to`, and those
        that reported without one (the equity page's two groups)."""
        from analytics import equity

        rows = self.facts.equity_leaders
        if year_to:
            rows = rows[rows["school_year"] <= year_to]
        latest = rows.sort_values("school_year").groupby("org_code").tail(1)
        has = latest["has_equity_leader"].astype(bool)
        return {
            equity.WITH_LEADER: frozenset(latest.loc[has, "org_code"]),
            equity.WITHOUT_LEADER: frozenset(latest.loc[~has, "org_code"]),
        }


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


def passes_rule(k: float, n: float | None) -> bool:
    """A figure about a group: 6 or more with the attribute and 6 or more without (a count alone: 6 or
    more)."""
    return k >= MIN - TOL if n is None else publishable(k, n)


def nothing_or_passes(k: float, n: float | None) -> bool:
    """What a sum or difference of figures gives: nobody, or a group that passes the rule."""
    if abs(k) <= TOL and (n is None or abs(n) <= TOL):
        return True
    return passes_rule(k, n)


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


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _of(k: float, n: float | None) -> str:
    return f"{k:g} members" if n is None else f"{k:g} of {n:g} ({n - k:g} not)"


# --- the audit -----------------------------------------------------------------------------------

# The kinds of problem the audit reports (the mutation tests ask for them by name).
SMALL = "visible figure about a small group"
WRONG = "wrong figure"
BARE = "suppressed row keeps a figure"
FROM_TOTAL = "recoverable from a total"
DIFFERENCING = "differencing"
SEVERAL = "differencing of several views"
COMBINATION = "linear combination"
PARTITION = "group partition"
INSIDER = "insider"
TITLE = "number in a title or caption not among the visible figures"

DIFFERENCING_KINDS = (DIFFERENCING, SEVERAL, COMBINATION, PARTITION)


@dataclass(frozen=True)
class Seen:
    """A figure someone can see (or work out): `k` of `n` people of a family with some attributes (`n`
    None: a count of people alone) in a period, across a set of units (organizations; for Fellows,
    cohort|organization). Only the units with anybody in the family and period are kept: they alone
    change the figure."""

    what: tuple  # (family, attributes)
    period: str
    orgs: frozenset[str]
    k: float
    n: float | None
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

    # --- one figure ---------------------------------------------------------------------------

    def figure(
        self,
        family: str,
        attrs: tuple[str, ...],
        period: str,
        units: frozenset[str],
        where: str,
        *,
        k: float | None = None,
        n: float | None = None,
        share: float | None = None,
        kind: str = SMALL,
        counted: str | None = "visible figures",
    ) -> Seen | None:
        """A figure someone sees (`k`, `n` or `share` as shown; None: not shown but worked out): true, about
        6 or more either way, and kept for differencing."""
        tk, tn = self.truth.count(family, attrs, period, units)
        for label, shown, true in (
            ("count", k, tk),
            ("out of", n, tn),
            ("share", share, tk / tn if tn else None),
        ):
            if _missing(shown):
                continue
            if true is None or abs(float(shown) - true) > TOL * max(1.0, abs(true)):
                self.problem(WRONG, f"{where}: {label} is {float(shown):g}, the facts say {true}")
        if counted:
            self.checked[counted] += 1
        if not passes_rule(tk, tn):
            self.problem(kind, f"{where}: {', '.join(attrs)} {_of(tk, tn)}")
        attrs_c, flipped = self.truth.canonical(family, attrs)
        units = units & self.truth.contributing(family, period)
        if not units:
            return None
        seen = Seen((family, attrs_c), period, units, tn - tk if flipped else tk, tn, where)
        self.seen.append(seen)
        return seen

    def bare(self, where: str, cells: dict) -> None:
        """A hidden row of a table: no figure at all."""
        self.checked["hidden rows"] += 1
        filled = {c: v for c, v in cells.items() if not _missing(v) and not (isinstance(v, str) and not v)}
        if filled:
            self.problem(BARE, f"{where} is hidden but still shows {filled}")

    # --- export CSVs ----------------------------------------------------------------------------

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
            self.problem(BARE, f"{where}: {p}")
        if frame.empty:
            return
        if "rate_of_color" in frame.columns:
            self._experience_csv(where, frame, view_orgs)
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
        either way (their truth and differences: `network` and `comparison`)."""
        for p in hidden_row_leaks(key, frame):
            self.problem(BARE, f"{where}: {p}")
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
                self.problem(SMALL, f"{here}: {cells}")

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
            seen = self.figure(
                population,
                POC,
                cells["school_year"],
                orgs,
                here,
                k=number(cells.get("of_color", "")),
                n=number(cells.get("total", "")),
                share=number(cells.get("share", "")),
                counted="visible rows",
            )
            if seen is not None and (region or org_type):
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
            size = number(cells.get("fellows", ""))
            if size is not None:
                _, n = self.truth.fellows_count(cohort, view_orgs, "active")
                if abs(size - n) > TOL:
                    self.problem(WRONG, f"{here} fellows is {size:g}, the facts say {n}")
            shown_statuses: dict[str, float] = {}
            for c in columns:
                attribute = FELLOW_ATTRIBUTES.get(c, "of_color" if "share" in c else None)
                value = number(cells[c])
                if attribute is None or value is None:
                    continue
                self._fellow_cell(f"{here} {c}", cohort, attribute, value, view_orgs, share="share" in c)
                if attribute in STATUSES:
                    shown_statuses[attribute] = value
            if status_columns and size is not None:
                # The statuses add up to the cohort's size, which the row shows.
                leak = partition_leak(size, shown_statuses, STATUSES)
                if leak:
                    self.problem(FROM_TOTAL, f"{here}: {leak}")

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
        units = self.truth.fellow_units(view_orgs, cohort)
        self.figure(
            FELLOW_FAMILY[attribute],
            (attribute,),
            FELLOW_PERIOD,
            units,
            here,
            k=None if share else value,
            share=value if share else None,
            counted="visible Fellows cells",
        )

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
                    self.problem(WRONG, f"{here} is {value:g}, the facts say {n}")
            else:
                self._fellow_cell(here, cohort, match, value, view_orgs)
                if match in STATUSES:
                    shown[cohort][match] = value
        for cohort, statuses in shown.items():
            if cohort in sizes:
                leak = partition_leak(sizes[cohort], statuses, STATUSES)
                if leak:
                    self.problem(FROM_TOTAL, f"{where} (cohort {cohort or 'all'}): {leak}")

    # --- what the pages call, beyond the CSVs ---------------------------------------------------

    def shares(self, con, view: View, released: bool, *, by: str | None = None) -> None:
        """metrics.shares_by_year for every population in one view (or broken down by region or type)."""
        from analytics import metrics as m

        frame = m.shares_by_year(con, self.truth.populations, view.filters(released), by=by)
        orgs = view.orgs(self.truth.facts)
        for r in frame.itertuples(index=False):
            cells = r._asdict()
            group = cells.get(by) if by else None
            where = f"{_edition(released)} {view}{f' by {by} = {group}' if by else ''}, {r.population} {r.school_year}"
            if bool(r.suppressed):
                self.bare(where, {c: cells[c] for c in ("of_color", "total", "share")})
                continue
            if _missing(r.of_color) and _missing(r.share):
                continue  # a partial year: coverage only
            in_group = orgs
            if by == "region":
                in_group = orgs & View((group,)).orgs(self.truth.facts)
            elif by == "org_type":
                codes = {d.ORG_TYPE_LABELS[t]: t for t in d.ORG_TYPES}
                in_group = orgs & View((), (codes.get(group, group),)).orgs(self.truth.facts)
            self.figure(
                r.population,
                POC,
                r.school_year,
                in_group,
                where,
                k=r.of_color,
                n=r.total,
                share=r.share,
                counted="visible shares",
            )

    def profiles(self, con, released: bool) -> None:
        """Every organization's profile: its shares by year, per population (metrics.shares_by_year with
        Filters(org_code=...))."""
        from analytics import metrics as m

        for org in self.truth.facts.orgs["org_code"]:
            frame = m.shares_by_year(con, self.truth.populations, m.Filters(org_code=org, released=released))
            for r in frame.itertuples(index=False):
                where = f"{_edition(released)} profile of {org}, {r.population} {r.school_year}"
                if bool(r.suppressed):
                    self.bare(where, {"of_color": r.of_color, "total": r.total, "share": r.share})
                    continue
                self.figure(
                    r.population,
                    POC,
                    r.school_year,
                    frozenset({org}),
                    where,
                    k=r.of_color,
                    n=r.total,
                    share=r.share,
                    counted="visible profile figures",
                )

    def makeup(self, con, year: str, view: View, released: bool) -> None:
        """The make-up by race (metrics.race_composition): each race shown is a group of its population; the
        races hidden, together, are the total minus the races shown."""
        from analytics import metrics as m

        frame = m.race_composition(con, year, view.filters(released))
        orgs = view.orgs(self.truth.facts)
        for population, part in frame.groupby("population", sort=True):
            where = f"{_edition(released)} {view}, make-up of {population} {year}"
            visible = part[~part["suppressed"].astype(bool)]
            for r in part[part["suppressed"].astype(bool)].itertuples(index=False):
                cells = {"people": r.people, "share": r.share}
                if visible.empty:
                    cells["total"] = r.total
                self.bare(f"{where} {r.race}", cells)
            if visible.empty:
                continue
            total = float(visible["total"].iloc[0])
            for r in visible.itertuples(index=False):
                self.figure(
                    population,
                    (r.race,),
                    year,
                    orgs,
                    f"{where} {r.race}",
                    k=r.people,
                    n=r.total,
                    share=r.share,
                    counted="visible make-up figures",
                )
            hidden = tuple(r for r in d.RACES if r not in set(visible["race"]))
            if hidden:
                rest = total - float(visible["people"].sum())
                self.figure(
                    population,
                    hidden,
                    year,
                    orgs,
                    f"{where}: {', '.join(hidden)} together (the total minus the races shown)",
                    k=rest,
                    n=total,
                    kind=FROM_TOTAL,
                    counted="make-up remainders",
                )

    def fellows(self, con, view: View, released: bool) -> None:
        """The Fellows page's summary and per-cohort table (metrics.fellows_outcomes)."""
        from analytics import metrics as m

        summary, table = m.fellows_outcomes(con, view.filters(released))
        orgs = view.orgs(self.truth.facts)
        where = f"{_edition(released)} {view}, Fellows"
        shown = {
            "active": summary.active,
            "completed": summary.completed,
            "withdrawn": summary.withdrawn,
            "superintendent_within_5": summary.placed_superintendent,
            "assistant_within_5": summary.placed_assistant,
            "entered_as_principal": summary.entered_as_principal,
            "entered_from_central_office": summary.entered_from_central_office,
            "of_color": summary.of_color,
        }
        self._fellow_row(f"{where} summary", None, orgs, summary.enrolled, shown, known=summary.known_race)
        for r in table.to_dict("records"):
            cohort = int(r["cohort"])
            shown = {a: r[a] for a in FELLOW_FAMILY if a in r}
            self._fellow_row(
                f"{where} cohort {cohort}", cohort, orgs, r["fellows"], shown, share=r["share_of_color"]
            )

    def _fellow_row(self, where, cohort, orgs, size, shown, *, known=None, share=None) -> None:
        units = self.truth.fellow_units(orgs, cohort)
        _, n = self.truth.count("Fellows' status", STATUSES, FELLOW_PERIOD, units)
        if abs(float(size) - n) > TOL:
            self.problem(WRONG, f"{where}: {size} Fellows, the facts say {n:g}")
        for family, attrs in FELLOW_FAMILIES.items():
            values = {a: float(shown[a]) for a in attrs if a in shown and not _missing(shown[a])}
            hidden = tuple(a for a in attrs if a not in values)
            for a in attrs:
                if a in shown and _missing(shown[a]):
                    self.checked["hidden Fellows cells"] += 1
            for a, value in values.items():
                out_of = known if family == "Fellows' race" else size
                self.figure(
                    family,
                    (a,),
                    FELLOW_PERIOD,
                    units,
                    f"{where} {a}",
                    k=value,
                    n=out_of,
                    counted="visible Fellows cells",
                )
            if family == "Fellows' race" and "of_color" not in values and not _missing(share):
                self.figure(
                    family,
                    ("of_color",),
                    FELLOW_PERIOD,
                    units,
                    f"{where} share of color",
                    share=share,
                    counted="visible Fellows cells",
                )
            elif values and hidden and family != "Fellows' race":
                self.figure(
                    family,
                    hidden,
                    FELLOW_PERIOD,
                    units,
                    f"{where}: {', '.join(hidden)} (the Fellows minus those shown)",
                    k=float(size) - sum(values.values()),
                    n=float(size),
                    kind=FROM_TOTAL,
                    counted="Fellows remainders",
                )

    def network(self, con, view: View, released: bool) -> None:
        """The network's members and each measure of them by year (equity.network_by_year)."""
        from analytics import equity

        frame = equity.network_by_year(con, view.filters(released))
        units = self.truth.network_units(view)
        for r in frame.itertuples(index=False):
            where = f"{_edition(released)} {view}, AMSEL {r.measure} {r.school_year}"
            if bool(r.suppressed):
                self.bare(where, {"count": r.count, "base": r.base, "share": r.share})
                continue
            if r.measure == "members":
                self.figure(
                    MEMBERS,
                    ("members",),
                    r.school_year,
                    units,
                    where,
                    k=r.count,
                    counted="visible network figures",
                )
                continue
            base = NETWORK_BASES[r.measure]
            self.figure(
                network_family(r.measure),
                (r.measure,),
                r.school_year,
                units,
                where,
                k=r.count,
                n=r.base,
                share=r.share,
                counted="visible network figures",
            )
            for measure, value in ((r.measure, r.count), (base, r.base)):
                self.figure(
                    count_family(measure),
                    (measure,),
                    r.school_year,
                    units,
                    f"{where} ({measure})",
                    k=value,
                    counted=None,
                )

    def comparison(self, con, view: View, released: bool) -> None:
        """Teachers of color with an equity leader and without (equity.leader_comparison): each group shown is
        the organizations of the group in view but those left out; which ones is worked out from the
        figures (as someone who knows the organizations' own figures could)."""
        from analytics import equity

        found = equity.leader_comparison(con, d.TEACHER, view.filters(released))
        groups = self.truth.leader_groups(view.year_to)
        orgs = view.orgs(self.truth.facts)
        for r in found.frame.itertuples(index=False):
            where = f"{_edition(released)} {view}, teachers of color {r.group.lower()} {r.school_year}"
            if bool(r.suppressed):
                self.bare(where, {"of_color": r.of_color, "total": r.total, "share": r.share})
                continue
            members = sorted(
                groups.get(r.group, frozenset()) & orgs & self.truth.contributing(d.TEACHER, r.school_year)
            )
            chosen = self._which(
                members, d.TEACHER, r.school_year, int(r.organizations), int(r.left_out), r.of_color, r.total
            )
            if chosen is False:  # which organizations is not known: the figure itself must pass
                self.checked["comparison figures whose organizations are not known"] += 1
                if not publishable(r.of_color, r.total):
                    self.problem(SMALL, f"{where}: {_of(r.of_color, r.total)}")
                continue
            if chosen is None:
                self.problem(
                    WRONG,
                    f"{where}: {r.of_color:g} of {r.total:g} from {r.organizations} organizations "
                    f"({r.left_out} left out) is no set of the {len(members)} in the group",
                )
                continue
            self.figure(
                d.TEACHER,
                POC,
                r.school_year,
                chosen,
                where,
                k=r.of_color,
                n=r.total,
                share=r.share,
                counted="visible comparison figures",
            )

    def _which(self, members, family, year, size, left_out, k, n) -> frozenset[str] | bool | None:
        """The `size` of `members` whose figures add up to (k, n): None when none does, False when more than
        one does (organizations with the same figures) or there are too many ways to try."""
        import itertools

        if size + left_out != len(members):
            return None
        kv, nv = self.truth.vectors(family, POC, year, members)
        if len(members) <= 22:  # every subset at once: sums, sizes
            sums_k, sums_n, sizes = np.zeros(1), np.zeros(1), np.zeros(1, dtype=np.int8)
            for a, b in zip(kv, nv, strict=True):
                sums_k = np.concatenate([sums_k, sums_k + a])
                sums_n = np.concatenate([sums_n, sums_n + b])
                sizes = np.concatenate([sizes, sizes + 1])
            hits = np.flatnonzero(
                (sizes == size)
                & (np.abs(sums_k - k) <= TOL * max(1, k))
                & (np.abs(sums_n - n) <= TOL * max(1, n))
            )
            if len(hits) > 1:
                return False
            return frozenset(m for i, m in enumerate(members) if hits[0] >> i & 1) if len(hits) else None
        if math.comb(len(members), left_out) > 200_000:
            return False
        found = []
        for out in itertools.combinations(range(len(members)), left_out):
            rest_k = kv.sum() - kv[list(out)].sum()
            rest_n = nv.sum() - nv[list(out)].sum()
            if abs(rest_k - k) <= TOL * max(1, k) and abs(rest_n - n) <= TOL * max(1, n):
                found.append(frozenset(m for i, m in enumerate(members) if i not in out))
                if len(found) > 1:
                    return False
        return found[0] if found else None

    # --- students' experience -------------------------------------------------------------------

    def experience_row(
        self,
        where: str,
        key: str,
        year: str,
        units: frozenset[str],
        shown: dict[str, float | None],
        *,
        suppressed: bool,
        tol: float = TOL,
        counted: str,
    ) -> None:
        """One year of a measure of students' experience over `units`, as shown (`shown`: rate_of_color,
        rate_white, gap; as numbers, None where empty): hidden (suppressed) with none of them; a partial
        year (none shown); or all three true within `tol` (the rounding of the output), about 6 or more
        counted by the rate and 6 or more not, of color and White (an index: 6 or more of each), and kept
        for differencing."""
        if suppressed:
            self.bare(where, shown)
            return
        present = {c: v for c, v in shown.items() if not _missing(v)}
        if not present:
            self.checked["students' experience years without a figure (partial)"] += 1
            return
        sums = self.truth.experience_sums(key, year, units)
        if EXPERIENCE[key].index:
            c_of, w_of = (sums["sum_c"], sums["n_c"]), (sums["sum_w"], sums["n_w"])
        else:
            c_of = (sums["yes_c"], sums["yes_c"] + sums["no_c"])
            w_of = (sums["yes_w"], sums["yes_w"] + sums["no_w"])
        true_c = c_of[0] / c_of[1] if c_of[1] > TOL else None
        true_w = w_of[0] / w_of[1] if w_of[1] > TOL else None
        gap = None if true_c is None or true_w is None else true_c - true_w
        for column, true in (("rate_of_color", true_c), ("rate_white", true_w), ("gap", gap)):
            value = present.get(column)
            if value is None:
                self.problem(WRONG, f"{where}: {column} is empty beside {present} (the facts say {true})")
            elif true is None or abs(float(value) - true) > tol * max(1.0, abs(true)):
                self.problem(WRONG, f"{where}: {column} is {float(value):.9g}, the facts say {true}")
        for who in (OF_COLOR, WHITE_STUDENTS):
            family = experience_family(key, who)
            self.figure(
                family,
                self.truth.categories(family)[:1],
                year,
                units,
                f"{where} (students {who})",
                counted=counted if who == OF_COLOR else None,
            )

    def _experience_frame(
        self, where: str, key: str, frame: pd.DataFrame, units: frozenset[str], counted: str, tol: float = TOL
    ) -> None:
        """students.by_year's rows (or a CSV's, or metrics' by_year entries) of one measure over `units`."""
        for r in frame.itertuples(index=False):
            year = str(r.school_year)
            reported = getattr(r, "organizations_reported", None)
            in_figure = units & self.truth.experience_orgs(key, year)
            if not _missing(reported) and int(float(reported)) != len(in_figure):
                self.problem(
                    WRONG,
                    f"{where} {year}: {reported} organizations reported, the facts say {len(in_figure)}",
                )
            self.experience_row(
                f"{where} {year}",
                key,
                year,
                units,
                {c: getattr(r, c) for c in ("rate_of_color", "rate_white", "gap")},
                suppressed=bool(r.suppressed),
                tol=tol,
                counted=counted,
            )

    def experience(self, con, view: View, released: bool, keys=None) -> None:
        """students.by_year of every measure (or `keys`) in one view (the page's charts and CSVs)."""
        from analytics import students

        orgs = view.orgs(self.truth.facts)
        for key in keys or EXPERIENCE:
            frame = students.by_year(con, students.MEASURES[key], view.filters(released))
            where = f"{_edition(released)} {view}, students' {key}"
            self._experience_frame(where, key, frame, orgs, "visible students' experience figures")

    def experience_profiles(self, con, released: bool, keys=None) -> None:
        """Each organization's own figures of every measure (or `keys`): the page's 'One organization'."""
        from analytics import students
        from analytics.filters import Filters

        for org in self.truth.facts.orgs["org_code"]:
            for key in keys or EXPERIENCE:
                frame = students.by_year(
                    con, students.MEASURES[key], Filters(org_code=org, released=released)
                )
                where = f"{_edition(released)} profile of {org}, students' {key}"
                self._experience_frame(
                    where, key, frame, frozenset({org}), "visible students' experience profile figures"
                )

    def experience_comparison(self, con, view: View, released: bool, keys=None) -> None:
        """Influence 100's organizations (each from the year it joined) and all others in one view
        (students.influence_comparison)."""
        from analytics import students

        orgs = view.orgs(self.truth.facts)
        for key in keys or EXPERIENCE:
            frame = students.influence_comparison(con, students.MEASURES[key], view.filters(released))
            where = f"{_edition(released)} {view}, students' {key}"
            self._influence_frame(where, key, frame, orgs)

    def _influence_frame(self, where: str, key: str, frame: pd.DataFrame, orgs, tol: float = TOL) -> None:
        """Each group's rows: hidden, or the figure of the organizations of the group in view less those
        left out, which are worked out from the rates shown (as someone who knows the organizations' own
        figures could): every set of that many that gives the rates shown must pass."""
        from analytics import students

        for r in frame.itertuples(index=False):
            year = str(r.school_year)
            here = f"{where} {r.group} {year}"
            shown = {c: getattr(r, c) for c in ("rate_of_color", "rate_white", "gap")}
            shown = {c: None if _missing(v) else float(v) for c, v in shown.items()}
            if bool(r.suppressed):
                self.bare(here, shown)
                continue
            joined = self.truth.influence_100(year)
            group = joined if r.group == students.INFLUENCE_100 else frozenset(orgs) - joined
            members = sorted(group & orgs & self.truth.experience_orgs(key, year))
            size, left = int(float(r.organizations)), int(float(r.left_out))
            if size + left != len(members):
                self.problem(
                    WRONG,
                    f"{here}: {size} organizations and {left} left out, of the {len(members)} in the group",
                )
                continue
            sets = self._experience_sets(key, year, members, left, shown, tol)
            if sets is None:
                self.checked["comparison figures whose organizations are not known"] += 1
                continue
            if not sets:
                self.problem(WRONG, f"{here}: {shown} is no set of {size} of the group's {len(members)}")
                continue
            if len(sets) > 1:  # several sets give the rates shown: none may be a small group
                self.checked["comparison figures matched by several sets of organizations"] += 1
                for units in sets:
                    self._experience_passes(f"{here} (if it is {sorted(units)[:6]})", key, year, units)
                continue
            self.experience_row(
                here,
                key,
                year,
                sets[0],
                shown,
                suppressed=False,
                tol=tol,
                counted="visible students' experience comparison figures",
            )

    def _experience_passes(self, where: str, key: str, year: str, units) -> None:
        for who in (OF_COLOR, WHITE_STUDENTS):
            family = experience_family(key, who)
            k, n = self.truth.count(family, self.truth.categories(family)[:1], year, frozenset(units))
            if not passes_rule(k, n):
                self.problem(SMALL, f"{where} (students {who}): {_of(k, n)}")

    def _experience_sets(self, key, year, members, left, shown, tol, limit=100_000):
        """Every set of `members` less `left` of them whose figures give the rates shown (None: too many
        ways to try)."""
        import itertools

        if math.comb(len(members), left) > limit:
            return None
        part = self.truth.experience_year(key, year).reindex(members).fillna(0.0)
        if EXPERIENCE[key].index:
            parts = part[["sum_c", "n_c", "sum_w", "n_w"]].to_numpy(dtype=float)
        else:
            y = part[list(RATE_FIGURES)].to_numpy(dtype=float)
            parts = np.column_stack([y[:, 0], y[:, 0] + y[:, 1], y[:, 2], y[:, 2] + y[:, 3]])
        combos = list(itertools.combinations(range(len(members)), left))
        out = np.array(combos, dtype=np.int64).reshape(len(combos), left)
        sums = parts.sum(axis=0)[None, :] - parts[out].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate_c, rate_w = sums[:, 0] / sums[:, 1], sums[:, 2] / sums[:, 3]
        ok = np.ones(len(out), dtype=bool)
        for rate, column in ((rate_c, "rate_of_color"), (rate_w, "rate_white")):
            value = shown.get(column)
            if value is not None:
                ok &= np.abs(rate - value) <= tol * max(1.0, abs(value))
        return [frozenset(members) - {members[i] for i in row} for row in out[ok]]

    def _experience_csv(self, where: str, frame: pd.DataFrame, view_orgs: frozenset[str]) -> None:
        """A students' experience CSV (a measure's rates, the goal's gaps, or the comparison with Influence
        100's organizations): its visible rows as the page's (a hidden row keeps only its key, checked by
        hidden_row_leaks)."""
        tol = 1e-6  # the CSV's 6 decimals
        for i in range(len(frame)):
            cells = frame.iloc[i].to_dict()
            if is_true(cells.get("suppressed", "")):
                self.checked["hidden students' experience CSV rows"] += 1
                continue
            key = str(cells.get("measure", "")).strip()
            if key not in EXPERIENCE:
                self.problem("row not understood", f"{where} {row_label(frame, i)}: which measure?")
                continue
            row = {
                c: number(cells.get(c, ""))
                for c in ("rate_of_color", "rate_white", "gap", "organizations", "left_out")
            }
            if "group" in frame.columns:
                one = pd.DataFrame([{**cells, **row, "suppressed": False}])
                self._influence_frame(where, key, one, view_orgs, tol)
                self.checked["visible students' experience CSV rows"] += 1
                continue
            one = pd.DataFrame(
                [
                    {
                        **row,
                        "school_year": cells["school_year"],
                        "suppressed": False,
                        "organizations_reported": number(cells.get("organizations_reported", "")),
                    }
                ]
            )
            self._experience_frame(where, key, one, view_orgs, "visible students' experience CSV rows", tol)

    def experience_metrics(self, con, released: bool, goals=None) -> None:
        """metrics --json's `students_experience`: each measure's by_year, statewide (4 decimals)."""
        from analytics import headline
        from analytics.filters import Filters
        from analytics.goals import load_goals

        found = headline.students_experience(con, goals or load_goals(), Filters(released=released))
        orgs = View().orgs(self.truth.facts)
        for key, entry in found.items():
            frame = pd.DataFrame(entry["by_year"])
            if frame.empty:
                continue
            where = f"{_edition(released)} metrics --json students_experience {key}"
            self._experience_frame(where, key, frame, orgs, "students' experience metrics figures", 5.1e-5)

    def parity_by_organization(self, con, year: str, view: View, released: bool) -> None:
        """Teacher and student shares per organization (metrics.parity_by_organization)."""
        from analytics import metrics as m

        frame = m.parity_by_organization(con, year, view.filters(released))
        orgs = view.orgs(self.truth.facts)
        for r in frame.itertuples(index=False):
            where = f"{_edition(released)} {view}, parity of {r.org_code} {year}"
            if r.org_code not in orgs:
                self.problem(WRONG, f"{where}: not in the view")
            if bool(r.suppressed):
                self.bare(
                    where,
                    {"teacher_share": r.teacher_share, "student_share": r.student_share, "parity": r.parity},
                )
                continue
            for population, share in ((d.TEACHER, r.teacher_share), (STUDENTS, r.student_share)):
                self.figure(
                    population,
                    POC,
                    year,
                    frozenset({r.org_code}),
                    f"{where} {population}",
                    share=share,
                    counted="visible parity figures",
                )

    def map_shares(self, con, view: View, released: bool) -> None:
        """Students of color per organization on the Equity leaders map and gaps list (the latest complete
        year of students shown)."""
        from analytics import equity
        from analytics import metrics as m

        students = m.counted_years(m.shares_by_year(con, (STUDENTS,), m.Filters(released=released)))
        if students.empty:
            return
        year = str(students["school_year"].max())
        frame = equity.organizations_and_leaders(con, view.filters(released))
        for r in frame.itertuples(index=False):
            if _missing(r.students_of_color):
                continue
            self.figure(
                STUDENTS,
                POC,
                year,
                frozenset({r.org_code}),
                f"{_edition(released)} {view}, map: students of color in {r.org_code} {year}",
                share=r.students_of_color,
                counted="visible map shares",
            )

    def titles(self, where: str, key: str, section, frame: pd.DataFrame) -> None:
        """The numbers a section's title and caption state are figures its CSV shows (or the goal's own),
        never one the CSV hides."""
        if key not in TITLE_KEYS and key not in EXPERIENCE_CHART_KEYS:
            return
        allowed = _visible_numbers(frame)
        title = (section.figure.layout.title.text or "") if section.figure.layout.title else ""
        said = [("title", title)]
        if key in TITLE_KEYS:  # a measure's caption compares the trends of the gaps shown: no one's figure
            said.append(("caption", section.caption or ""))
        for label, text in said:
            text = _TITLE_WORDS.sub(" ", str(text))
            for value, tol in text_numbers(text):
                self.checked["title and caption numbers"] += 1
                if not any(abs(value - a) <= tol + 1e-9 for a in allowed):
                    self.problem(TITLE, f"{where}: the {label} says {value:g} ({text.strip()[:120]!r})")

    # --- what figures give away together --------------------------------------------------------

    def differencing(self) -> None:
        """Whatever sum or difference of figures someone can see yields a set of organizations must pass
        the rule, also with any one organization's own figures taken out (an insider): pairs one inside the
        other, a figure minus two or three disjoint figures inside it, a total minus its groups shown, and
        every set of up to three classes of organizations that any linear combination of the figures
        gives (all of them, where the figures determine every class)."""
        unique: dict[tuple, Seen] = {}
        for s in self.seen:
            unique.setdefault((s.what, s.period, s.orgs), s)
        by_figure: dict[tuple, list[Seen]] = defaultdict(list)
        for s in unique.values():
            by_figure[(s.what, s.period)].append(s)
        for (what, period), items in by_figure.items():
            _Group(self, what, period, items).check()
        for view_orgs, where, grouped in self.groups:
            parts: dict[tuple, list[Seen]] = defaultdict(list)
            for s in grouped:
                parts[(s.what, s.period)].append(s)
            for (what, period), shown in parts.items():
                inside = view_orgs & self.truth.contributing(what[0], period)
                total = unique.get((what, period, inside))
                if total is None or len(shown) < 1:
                    continue
                self.checked["partitions"] += 1
                dk = total.k - sum(s.k for s in shown)
                dn = total.n - sum(s.n for s in shown)
                if not nothing_or_passes(dk, dn):
                    self.problem(
                        PARTITION,
                        f"{where} {period}: {total.where} minus the groups shown leaves {_of(dk, dn)}",
                    )


def _edition(released: bool) -> str:
    return "released" if released else "current"


# Sections whose titles and captions state figures about people (organizations' counts are public: they
# are taken out of the words before checking, as are school years, slopes and the goal's own numbers).
TITLE_KEYS = frozenset(
    {
        "superintendents-target-path",
        "representation-gap",
        "workforce-of-color",
        "teacher-student-parity",
        "amsel-members",
        "amsel-expectations",
        "teachers-of-color-with-equity-leaders",
    }
)
_TITLE_WORDS = re.compile(
    r"\d[\d,]* (of \d[\d,]* )?organizations"
    r"|\([+-]?\d+\.\d points a year\)"
    r"|(does not )?reach(es)? \d+% (in|by)"
    r"|the \d\.\d\d benchmark"
    r"|\d{4}-\d{2}"
)


def _visible_numbers(frame: pd.DataFrame) -> np.ndarray:
    """Every number a CSV shows on a row that is not hidden, those rounded up (people short of a path),
    and the differences of two shares in points (a change since a year)."""
    if frame.empty:
        return np.array([0.0, float(MIN)])
    rows = frame
    if "suppressed" in frame.columns:
        rows = frame[~frame["suppressed"].map(is_true)]
    values = [number(v) for c in rows.columns if c not in KEY_COLUMNS for v in rows[c]]
    values = np.array([v for v in values if v is not None], dtype=float)
    shares = [number(v) for v in rows["share"]] if "share" in rows.columns else []
    shares = np.array([v for v in shares if v is not None], dtype=float)
    points = (shares[:, None] - shares[None, :]).ravel() * 100
    values = np.concatenate([values, np.ceil(values - 1e-9), points])
    return np.concatenate([values, -values, [0.0, float(MIN)]])  # "0.4 points above" is a gap of -0.4


class _Group:
    """The visible figures of one family, attributes and period, as sets of units: what their sums and
    differences give away."""

    MAX_REPORTED = 5  # problems of one kind per group, written out in full (all are counted)

    def __init__(self, audit: Audit, what: tuple, period: str, items: list[Seen]):
        self.audit, self.items = audit, items
        self.family, self.attrs = what
        self.period = period
        self.units = sorted(set().union(*(s.orgs for s in items)))
        index = {u: i for i, u in enumerate(self.units)}
        self.x = np.zeros((len(items), len(self.units)), dtype=bool)
        for r, s in enumerate(items):
            self.x[r, [index[u] for u in s.orgs]] = True
        self.kv, self.nv = audit.truth.vectors(self.family, self.attrs, period, self.units)
        self.k = self.x @ self.kv
        self.n = None if self.nv is None else self.x @ self.nv
        self.reported: dict[str, int] = defaultdict(int)
        self.more: dict[str, int] = defaultdict(int)  # problems found beyond those written out

    def name(self) -> str:
        return f"{self.family} ({', '.join(self.attrs)}) {self.period}"

    def report(self, kind: str, message: str) -> None:
        self.reported[kind] += 1
        self.audit.problem(kind, message)

    def each(self, kind: str, found):
        """The first few of `found` (problems of one kind), to be written out in full; the rest are counted
        in one line."""
        room = max(0, self.MAX_REPORTED - self.reported[kind])
        if len(found) > room:
            self.more[kind] += len(found) - room
        return found[:room]

    def failing(self, k: np.ndarray, n: np.ndarray | None) -> np.ndarray:
        """Which (sum or difference) of figures give a group that is neither nobody nor passes."""
        k = np.asarray(k, dtype=float)
        if n is None:
            return (np.abs(k) > TOL) & (k < MIN - TOL)
        n = np.asarray(n, dtype=float)
        nobody = (np.abs(k) <= TOL) & (np.abs(n) <= TOL)
        return ~nobody & ~((k >= MIN - TOL) & (n - k >= MIN - TOL))

    def check(self) -> None:
        sets = [self.x]
        sets.append(self.nested_pairs())
        sets.append(self.several())
        sets.append(self.combinations())
        self.insiders(np.vstack([s for s in sets if len(s)]))
        for kind, count in self.more.items():
            self.audit.problem(kind, f"{self.name()}: {count} more of the same")

    def nested_pairs(self) -> np.ndarray:
        """A minus B for every B inside A: the organizations between."""
        sizes = self.x.sum(axis=1)
        inter = self.x.astype(np.int32) @ self.x.T.astype(np.int32)
        a, b = np.nonzero((inter == sizes[None, :]) & (sizes[:, None] > sizes[None, :]))
        self.audit.checked["nested pairs"] += len(a)
        if not len(a):
            return np.zeros((0, len(self.units)), dtype=bool)
        dk = self.k[a] - self.k[b]
        dn = None if self.n is None else self.n[a] - self.n[b]
        for i in self.each(DIFFERENCING, np.flatnonzero(self.failing(dk, dn))):
            A, B = self.items[a[i]], self.items[b[i]]
            self.report(
                DIFFERENCING,
                f"{A.where} minus {B.where}: {_of(dk[i], None if dn is None else dn[i])} in the "
                f"{len(A.orgs - B.orgs)} units between ({self.name()})",
            )
        return self.x[a] & ~self.x[b]

    def several(self) -> np.ndarray:
        """A minus two or three figures inside it that share no organization."""
        sizes = self.x.sum(axis=1)
        inter = self.x.astype(np.int32) @ self.x.T.astype(np.int32)
        inside = (inter == sizes[None, :]) & (sizes[:, None] > sizes[None, :])
        found = []
        for a in range(len(self.items)):
            subs = np.flatnonzero(inside[a])
            if len(subs) < 2:
                continue
            if len(subs) > 40:  # the largest ones: the rest is what the linear combinations are for
                subs = subs[np.argsort(-sizes[subs], kind="stable")[:40]]
            apart = inter[np.ix_(subs, subs)] == 0
            i, j = np.nonzero(np.triu(apart, 1))
            combos = [(subs[i], subs[j], None)]
            if len(subs) >= 3:
                t = np.nonzero(
                    np.triu(apart, 1)[:, :, None]
                    & apart[:, None, :]
                    & apart[None, :, :]
                    & (np.arange(len(subs))[None, None, :] > np.arange(len(subs))[None, :, None])
                )
                combos.append((subs[t[0]], subs[t[1]], subs[t[2]]))
            for first, second, third in combos:
                if not len(first):
                    continue
                self.audit.checked["several views"] += len(first)
                dk = self.k[a] - self.k[first] - self.k[second]
                dn = None if self.n is None else self.n[a] - self.n[first] - self.n[second]
                union = self.x[first] | self.x[second]
                if third is not None:
                    dk = dk - self.k[third]
                    dn = None if dn is None else dn - self.n[third]
                    union = union | self.x[third]
                for q in self.each(SEVERAL, np.flatnonzero(self.failing(dk, dn))):
                    parts = [self.items[first[q]], self.items[second[q]]]
                    if third is not None:
                        parts.append(self.items[third[q]])
                    self.report(
                        SEVERAL,
                        f"{self.items[a].where} minus {' and '.join(p.where for p in parts)}: "
                        f"{_of(dk[q], None if dn is None else dn[q])} ({self.name()})",
                    )
                found.append(self.x[a][None, :] & ~union)
        return np.vstack(found) if found else np.zeros((0, len(self.units)), dtype=bool)

    def combinations(self) -> np.ndarray:
        """Every set of one, two or three classes of units (units in the same figures) whose indicator is
        a linear combination of the figures' sets: its figure follows from those shown."""
        classes, member = np.unique(self.x.T, axis=0, return_inverse=True)  # classes × figures
        member = np.asarray(member).ravel()
        m = classes.T.astype(float)  # figures × classes
        c = m.shape[1]
        pinv = np.linalg.pinv(m)
        residue = pinv @ m - np.eye(c)  # zero on a class combination the figures determine
        class_k = np.bincount(member, weights=self.kv, minlength=c)
        class_n = None if self.nv is None else np.bincount(member, weights=self.nv, minlength=c)
        alone = np.linalg.norm(residue, axis=0) < 1e-6
        combos: list[tuple[int, ...]] = [(j,) for j in np.flatnonzero(alone)]
        rest = np.flatnonzero(~alone)
        self.audit.checked["classes of units"] += c
        self.audit.checked["classes determined by the figures"] += int(alone.sum())
        if len(rest) >= 2:
            cols = residue[:, rest]
            pair = np.linalg.norm(cols[:, :, None] + cols[:, None, :], axis=0) < 1e-6
            combos += [(rest[i], rest[j]) for i, j in zip(*np.nonzero(np.triu(pair, 1)), strict=True)]
            if len(rest) >= 3 and len(rest) <= 60:
                for i in range(len(rest)):
                    sums = cols[:, i][:, None] + cols[:, i + 1 :]  # with each j > i
                    gap = np.linalg.norm(sums[:, :, None] + cols[:, None, :], axis=0) < 1e-6
                    for j, third in zip(*np.nonzero(gap), strict=True):
                        if third > i + 1 + j:
                            combos.append((rest[i], rest[i + 1 + j], rest[third]))
        self.audit.checked["linear combinations"] += len(combos)
        if not combos:
            return np.zeros((0, len(self.units)), dtype=bool)
        x = np.zeros((len(combos), c))
        for row, combo in enumerate(combos):
            x[row, list(combo)] = 1
        k = x @ class_k
        n = None if class_n is None else x @ class_n
        for row in self.each(COMBINATION, np.flatnonzero(self.failing(k, n))):
            units = x[row][member] > 0
            weights = pinv.T @ x[row]
            terms = [f"{w:+g} × {self.items[i].where}" for i, w in enumerate(weights) if abs(w) > 1e-6]
            self.report(
                COMBINATION,
                f"{', '.join(terms[:6])}{' ...' if len(terms) > 6 else ''} = "
                f"{_of(k[row], None if n is None else n[row])} in {int(units.sum())} units "
                f"({self.name()}: {sorted(str(u) for u in np.array(self.units)[units])[:6]})",
            )
        return x[:, member] > 0

    def insiders(self, sets: np.ndarray) -> None:
        """Each set someone can see or work out, minus the units one organization in it holds (its own
        figures): nobody, or a group that passes."""
        owners = np.array([owner(u) for u in self.units])
        names, which = np.unique(owners, return_inverse=True)
        held = np.zeros((len(self.units), len(names)))
        held[np.arange(len(self.units)), which] = 1
        packed = np.packbits(sets, axis=1)  # each set as bytes: unique rows fast
        _, first = np.unique(packed.view(np.dtype((np.void, packed.shape[1]))).ravel(), return_index=True)
        sets = sets[np.sort(first)]
        sets = sets[sets.any(axis=1)]
        s = sets.astype(float)
        inside = (s @ held) > 0  # sets × owners
        k = s @ self.kv
        rest_k = k[:, None] - (s * self.kv) @ held
        if self.nv is None:
            rest_n = None
        else:
            n = s @ self.nv
            rest_n = n[:, None] - (s * self.nv) @ held
        left = (s.sum(axis=1)[:, None] - s @ held) > 0
        bad = inside & left & self.failing(rest_k, rest_n)
        self.audit.checked["insider checks"] += int(inside.sum())
        for i, o in self.each(INSIDER, np.argwhere(bad)):
            units = np.array(self.units)[sets[i]]
            shown = [x.where for x in self.items if x.orgs == frozenset(units)]
            about = shown[0] if shown else f"the units {sorted(str(u) for u in units)[:6]} (worked out)"
            self.report(
                INSIDER,
                f"{about} minus {names[o]}'s own: {_of(rest_k[i, o], None if rest_n is None else rest_n[i, o])} "
                f"({self.name()})",
            )


# --- running it ------------------------------------------------------------------------------------

# What an audit reads: the export CSVs (and their sections' titles and captions), and what the pages call
# beyond them: shares of every view and breakdown, every organization's profile, the make-up by race, the
# Fellows' summary and cohort table, the network's figures, the equity-leader comparison, parity by
# organization, the map's shares of students, and students' experience (each measure by year in a view and
# for one organization, Influence 100's organizations beside all others, metrics --json's).
OUTPUTS = (
    "csv",
    "titles",
    "shares",
    "profiles",
    "makeup",
    "fellows",
    "network",
    "comparison",
    "parity",
    "map",
    "students",
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
        ("equity-leaders", facts.equity_leaders),
        ("amsel-members", facts.amsel_members),
        ("student-discipline", facts.discipline),
        ("student-attendance", facts.attendance),
        ("graduation", facts.graduation),
        ("climate-survey", facts.climate),
    ):
        if len(frame):
            rows = [
                tuple(None if _missing(v) else v for v in r) for r in frame.itertuples(index=False, name=None)
            ]
            add(con, kind, rows)
    return con


def facts_from(
    orgs: pd.DataFrame,
    staffing=(),
    enrollment=(),
    fellows=(),
    participation=(),
    equity_leaders=(),
    amsel_members=(),
    discipline=(),
    attendance=(),
    graduation=(),
    climate=(),
) -> Facts:
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
        frame("equity-leaders", equity_leaders),
        frame("amsel-members", amsel_members),
        frame("student-discipline", discipline),
        frame("student-attendance", attendance),
        frame("graduation", graduation),
        frame("climate-survey", climate),
    )


class _KeptSections:
    """While open, every section export.chart_section builds is kept by key (the CSV is made from it), so
    its title and caption are read without building the chart twice."""

    def __init__(self):
        self.kept: dict[str, object] = {}

    def __enter__(self):
        from analytics import export

        self._original = original = export.chart_section

        def chart_section(con, goals, filters, key):
            section = original(con, goals, filters, key)
            self.kept[key] = section
            return section

        export.chart_section = chart_section
        return self

    def __exit__(self, *exc):
        from analytics import export

        export.chart_section = self._original


def audit_edition(
    audit: Audit,
    con,
    views: list[View],
    *,
    released: bool = False,
    outputs: tuple[str, ...] = OUTPUTS,
    keys: tuple[str, ...] | None = None,
    every: list[View] | None = None,
    makeup_years: dict[View, tuple[str, ...]] | None = None,
    csv_views: list[View] | None = None,
    goals=None,
    experience_views: list[View] | None = None,
    experience_profile_keys: tuple[str, ...] | None = None,
    experience_comparison_views: list[View] | None = None,
    experience_keys: tuple[str, ...] | None = None,
) -> None:
    """Read one edition of the figures (current, or the latest release) as `outputs` give them, for
    `views` (CSVs, make-up, network, comparison, parity; the CSVs of `csv_views` if given) and `every` view (shares and Fellows;
    default `views`); students' experience (`experience_keys`' measures; default all) in
    `experience_views` (default: as shares), Influence 100's organizations and others in
    `experience_comparison_views` (default `views`), each organization's (`experience_profile_keys`'
    measures; default all), and metrics --json's (all)."""
    from analytics import export

    facts = audit.truth.facts
    if goals is None and "csv" in outputs:
        from analytics.goals import load_goals

        goals = load_goals()
    every = every if every is not None else views
    if "csv" in outputs:
        for n, view in enumerate(csv_views if csv_views is not None else views):
            orgs = view.orgs(facts)
            read: dict[str, pd.DataFrame] = {}
            for key in keys or export.CHART_KEYS:
                if key in PARTICIPATION_KEYS and n not in (0, 2):
                    continue  # counts of organizations, no one's race: statewide and the smallest view suffice
                if key in SAME_CSV_AS and n not in (0, 2):
                    continue  # the same figures as another chart's CSV: read for its title in two views
                if key.startswith("students-") and n not in (0, 2):
                    continue  # students' experience: read directly in every view; its CSVs in two (time)
                with _KeptSections() as kept:
                    frame = read_csv(export.chart_csv(con, goals, view.filters(released), key))
                read[key] = frame
                same = read.get(SAME_CSV_AS.get(key, ""))
                if same is not None and not same.equals(frame):
                    audit.problem(
                        "CSV contract",
                        f"view {view}: {key} no longer has the figures of {SAME_CSV_AS[key]}: the audit must "
                        "read it in every view (privacy_audit.SAME_CSV_AS)",
                    )
                audit.csv(view, key, frame, orgs)
                if "titles" in outputs and key in kept.kept:
                    audit.titles(f"{_edition(released)} view {view}, {key}", key, kept.kept[key], frame)
    if "shares" in outputs:
        ranged = [v for v in views if (v.year_from or v.year_to) and v not in every]
        for view in [*every, *ranged]:
            audit.shares(con, view, released)
        for by in ("region", "org_type"):
            audit.shares(con, View(), released, by=by)
    if "profiles" in outputs:
        audit.profiles(con, released)
    if "makeup" in outputs:
        for view in views:
            years = (makeup_years or {}).get(view, YEARS)
            for year in years:
                audit.makeup(con, year, view, released)
    for view in every:
        if "fellows" in outputs:
            audit.fellows(con, view, released)
    for view in views:  # cut anew per call (the network's blocks): the views of the CSVs only
        if "network" in outputs:
            audit.network(con, view, released)
        if "comparison" in outputs:
            audit.comparison(con, view, released)
    if "parity" in outputs:
        for view in views[:2]:
            for year in YEARS:
                audit.parity_by_organization(con, year, view, released)
    if "map" in outputs:
        audit.map_shares(con, View(), released)
    if "students" in outputs:
        ranged = [v for v in views if (v.year_from or v.year_to) and v not in every]
        for view in experience_views if experience_views is not None else [*every, *ranged]:
            audit.experience(con, view, released, keys=experience_keys)
        audit.experience_profiles(con, released, keys=experience_profile_keys)
        for view in experience_comparison_views if experience_comparison_views is not None else views:
            audit.experience_comparison(con, view, released, keys=experience_keys)
        audit.experience_metrics(con, released, goals)


def run_audit(
    facts: Facts,
    views: list[View],
    label: str,
    keys: tuple[str, ...] | None = None,
    *,
    outputs: tuple[str, ...] = ("csv",),
    editions: tuple[str, ...] = ("current",),
    every: list[View] | None = None,
) -> Audit:
    """Build a warehouse of `facts`, read `outputs` (by default every chart's CSV, or `keys`) for each view
    in each edition ('current'; 'released': right after a release of the current figures, which then are
    the same), and audit them, differencing included."""
    from analytics import metrics

    metrics.forget_cached_blocks()  # blocks are cut anew by whatever privacy layer is in place now
    con = build_warehouse(facts)
    audit = Audit(label, Truth(facts))
    try:
        for edition in editions:
            if edition == "released":
                _release(con)
            audit_edition(
                audit, con, views, released=edition == "released", outputs=outputs, keys=keys, every=every
            )
    finally:
        con.close()
        metrics.forget_cached_blocks()
    audit.differencing()
    return audit


def _release(con) -> None:
    from builders import TESTS

    from analytics import releases

    releases.publish(con, actor=TESTS)


def audit_warehouse(index: int, outputs: tuple[str, ...] = OUTPUTS) -> dict:
    """Build random warehouse `index` and read it as the dashboard shows it: the current figures (every
    chart's CSV for 5 of its 8 views, with titles and captions; shares and Fellows of all 22 views; every
    profile; make-up, network, comparison for the 8 views; parity; the map), then a release of them (the
    same outputs, for 3 of the views; the state's CSVs); then check them all together. Returns the
    problems by kind and what was checked (plain data, so it crosses process boundaries). About 17 s of
    CPU a warehouse, half of it the CSVs (each chart built whole)."""
    from analytics import metrics
    from analytics.goals import load_goals

    if multiprocessing.parent_process() is not None:
        _plain_templates()  # only in a worker process: the tests' own figures keep the real templates
    facts = random_facts(index)
    con = build_warehouse(facts)
    goals = load_goals()
    audit = Audit(f"warehouse {index} (seed {SEED}, random_facts({index}))", Truth(facts))
    con.execute("SET threads TO 1")  # two worker processes share two cores; tiny queries gain nothing
    views = views_for(facts, index)
    every = every_view(facts)
    # The make-up is cut anew per year and view (the slowest figure): one year a view, all four statewide.
    makeup_years = {v: YEARS if i == 0 else (YEARS[i % 4],) for i, v in enumerate(views)}
    try:
        for released in (False, True):
            if released:
                _release(con)
            audit_edition(
                audit,
                con,
                views[:3] if released else views,
                released=released,
                outputs=outputs,
                every=every,
                makeup_years=makeup_years,
                # Every chart's CSV: the state, a region, a cell, a type and a region over two years (the
                # other views' figures are read directly); released, the state's.
                csv_views=views[:1] if released else [views[i] for i in (0, 1, 2, 3, 6)],
                goals=goals,
                # Students' experience, released: every measure in all 22 views and the two with a range
                # of years, every organization's, Influence 100's and the others' in the 8 views. Current
                # (blocks cut anew per call: time): two measures (a different two by warehouse) in the 8
                # views and Influence 100's in the state, a region and a cell; every organization's one.
                experience_views=[*every, *views[6:]] if released else views,
                experience_comparison_views=views if released else views[:3],
                experience_keys=None if released else _rotating(index, 2),
                experience_profile_keys=None if released else _rotating(index, 1),
            )
    finally:
        con.close()
        metrics.forget_cached_blocks()
    audit.differencing()
    return {"problems": dict(audit.problems), "checked": dict(audit.checked)}


def _rotating(index: int, n: int) -> tuple[str, ...]:
    """`n` of the measures of students' experience, a different `n` by warehouse."""
    keys = list(EXPERIENCE)
    return tuple(keys[(index + i) % len(keys)] for i in range(n))


def _plain_templates() -> None:
    """Speed only: charts built in this worker process skip plotly's large theme templates (the CSVs are
    the same; each figure builds ~30% faster)."""
    import plotly.graph_objects as go
    import plotly.io as pio

    for name in list(pio.templates):
        pio.templates[name] = go.layout.Template()
