"""The privacy audit's random warehouses: `random_facts(index)` draws warehouse `index` from SEED (the same
warehouse, byte for byte, every time: the audits' expectations depend on it, so the order of the draws is
kept), and the views (filter combinations) each is read in."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pandas as pd
from privacy_reading import POC

from analytics import definitions
from analytics.contracts import FELLOWS

SEED = 20_100  # change it only together with the expectations it was run with

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
    race = definitions.UNKNOWN_RACE if roll < 0.05 else rng.choice(POC) if roll < 0.05 + of_color else "White"
    status = rng.choices(
        definitions.FELLOW_STATUSES, {1: (10, 65, 25), 2: (35, 50, 15), 3: (70, 15, 15)}[cohort]
    )[0]
    placement = (None, None, None)
    if status == "completed" and rng.random() < 0.6:
        role = rng.choice((definitions.SUPERINTENDENT, "Assistant Superintendent"))
        placement = (
            role,
            definitions.school_year_from_spring(definitions.spring_year(start) + rng.randint(1, 4)),
            rng.choice(codes),
        )
    home = rng.choice(homes)
    return (
        fellow_id,
        cohort,
        start,
        home,
        rng.choice(definitions.FELLOW_ENTRY_ROLES),
        race,
        status,
        *placement,
    )


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
    membership by organization and year, and the network's members (and an outside school or two).
    Each step below draws from the one generator in turn: their order is the order of the draws."""
    rng = random.Random(SEED * 1000 + index)
    regions, org_types, orgs = _random_organizations(rng)
    codes = orgs["org_code"].tolist()
    years = list(YEARS)
    staffing, enrollment, late = _random_staff_and_students(rng, codes, years)
    fellows, participation = _random_fellows_and_participation(rng, codes, years)
    equity_leaders = _random_equity_leaders(rng, codes, years, late)
    amsel_members = _random_network(rng, equity_leaders, years)
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


def _random_organizations(rng: random.Random) -> tuple[tuple[str, ...], tuple[str, ...], pd.DataFrame]:
    """3 regions, 3 types and 16-44 organizations among them."""
    regions = tuple(rng.sample(definitions.REGIONS, 3))
    org_types = tuple(rng.sample(definitions.ORG_TYPES, 3))
    region_weights = [rng.uniform(0.2, 1) for _ in regions]
    type_weights = [rng.uniform(0.2, 1) for _ in org_types]
    n = rng.randint(16, 44)
    rows = []
    for i in range(n):
        # The first three cover every region and every type, so every view below selects somebody.
        region = regions[i] if i < 3 else rng.choices(regions, region_weights)[0]
        org_type = org_types[i] if i < 3 else rng.choices(org_types, type_weights)[0]
        rows.append((f"{1000 + i:04d}0000", f"Org {i}", org_type, region))
    return regions, org_types, pd.DataFrame(rows, columns=["org_code", "name", "org_type", "region"])


def _random_staff_and_students(
    rng: random.Random, codes: list[str], years: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """Staffing and enrollment of every organization and year; whether the late year is there (staff of
    one or two organizations only)."""
    p_color = rng.uniform(0.15, 0.6)
    late = rng.random() < 0.35
    staff, pupils = [], []
    for year in [*years, LATE_YEAR] if late else years:
        reporting = rng.sample(codes, rng.randint(1, 2)) if year == LATE_YEAR else codes
        for org in reporting:
            staff += _random_staff(rng, year, org, p_color)
            if year == LATE_YEAR:
                continue  # the late roster is staff only
            pupils.append((year, org, "White", rng.choice([0, 3, 40, 300, 1200])))
            for race in rng.sample(POC, rng.randint(1, 3)):
                pupils.append((year, org, race, rng.choice([0, 2, 5, 30, 250, 900])))
    staffing = pd.DataFrame(staff, columns=["school_year", "org_code", "job_class", "race", "fte"])
    enrollment = pd.DataFrame(pupils, columns=["school_year", "org_code", "race", "students"])
    return staffing, enrollment, late


def _random_staff(rng: random.Random, year: str, org: str, p_color: float) -> list[tuple]:
    """One organization's superintendent, teachers and principals in one year."""
    staff = []
    race = rng.choice(POC) if rng.random() < p_color else "White"
    staff.append((year, org, definitions.SUPERINTENDENT, race, 1.0))
    staff.append((year, org, definitions.TEACHER, "White", rng.choice([0, 2, 4.5, 12, 40, 150])))
    for race in rng.sample(POC, rng.randint(1, 3)):
        staff.append((year, org, definitions.TEACHER, race, rng.choice([0, 1, 2, 3.5, 6, 9, 25, 80])))
    if rng.random() < 0.2:
        staff.append((year, org, definitions.TEACHER, definitions.UNKNOWN_RACE, rng.choice([1, 3])))
    principals = rng.randint(1, 3)
    of_color = sum(rng.random() < p_color for _ in range(principals))
    if of_color:
        staff.append((year, org, "Principal", rng.choice(POC), float(of_color)))
    if principals - of_color:
        staff.append((year, org, "Principal", "White", float(principals - of_color)))
    return staff


def _random_fellows_and_participation(
    rng: random.Random, codes: list[str], years: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """30-200 Fellows from 3-12 home organizations, participation, then more Fellows from the same homes."""
    homes = rng.sample(codes, rng.randint(3, 12))
    fellow_rows = [
        _random_fellow(rng, f"F{i:03d}", rng.choice((1, 2, 3)), homes, years, codes)
        for i in range(rng.randint(30, 200))
    ]
    taking_part = [
        (org, year, rng.choice(definitions.PARTICIPATION_COMPONENTS), rng.random() < 0.3, rng.random() < 0.5)
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
    return pd.DataFrame(fellow_rows, columns=FELLOWS.column_names), participation


def _random_equity_leaders(
    rng: random.Random, codes: list[str], years: list[str], late: bool
) -> pd.DataFrame:
    """Equity-leader positions and AMSEL membership: most organizations report most years; positions are
    created more often than closed; AMSEL members have a position."""
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
    return pd.DataFrame(leader_rows, columns=["org_code", "school_year", "has_equity_leader", "amsel_member"])


def _random_network(rng: random.Random, equity_leaders: pd.DataFrame, years: list[str]) -> pd.DataFrame:
    """The network's members of each AMSEL organization, and of an outside school or two, each year."""
    from analytics.contracts import AMSEL_MEMBERS

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
    return pd.DataFrame(member_rows, columns=AMSEL_MEMBERS.column_names)


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
    reports = _StudentReports(rng, pupils)
    for org in codes:
        reports.organization = _ReportingOrganization.drawn(rng, org)
        for year in [*years, LATE_YEAR] if late else years:
            if year == LATE_YEAR and rng.random() > 2 / len(codes):
                continue  # the late year: one or two organizations' reports only
            reports.year(year)
    frames = {}
    for name, kind in (
        ("discipline", "student-discipline"),
        ("attendance", "student-attendance"),
        ("graduation", "graduation"),
        ("climate", "climate-survey"),
    ):
        frames[name] = pd.DataFrame(getattr(reports, name), columns=STUDENT_KINDS[kind].column_names)
    return frames


def _publishing(rng: random.Random) -> str:
    """How an organization's report leaves one measure blank: every year, some years, never."""
    return rng.choices([m for m, _ in _PUBLISHED], [w for _, w in _PUBLISHED])[0]


def _split(n: int, white: float) -> tuple[int, int]:
    """`n` students as (of color, White)."""
    n_w = round(n * white)
    return n - n_w, n_w


def _rate(k: float, n: float, rounded: bool) -> float:
    value = k / n if n else 0.0
    return round(value, 3) if rounded else value


@dataclass(frozen=True)
class _ReportingOrganization:
    """One organization's students, as its reports describe them every year (drawn once, in this order)."""

    org: str
    size: int
    white: float
    cohort: int
    asked: int | None  # VOCAL respondents (None: not given)
    rounded: bool
    white_row: bool  # with no White students: a row of 0 White students, or none
    how: dict[str, str]  # each report's publishing: always, some years, never
    p_susp: tuple[float, float]
    p_grad: tuple[float, float]
    p_absent: tuple[float, float]
    index: tuple[float, float]
    race: str

    @classmethod
    def drawn(cls, rng: random.Random, org: str) -> _ReportingOrganization:
        return cls(
            org,
            rng.choice((2, 5, 9, 20, 60, 250, 1200, 4000)),
            rng.choice((0.0, 0.05, 0.2, 0.45, 0.7, 0.9, 1.0)),
            rng.choice((3, 7, 15, 40, 150, 600)),
            rng.choice((None, None, 4, 12, 30, 80, 300)),
            rng.random() < 0.5,
            rng.random() < 0.5,
            {kind: _publishing(rng) for kind in ("discipline", "attendance", "graduation", "climate")},
            (rng.choice((0.0, 0.02, 0.06, 0.15)), rng.choice((0.0, 0.01, 0.03, 0.08))),
            (rng.choice((0.55, 0.8, 0.92, 1.0)), rng.choice((0.7, 0.9, 0.97, 1.0))),
            (rng.choice((0.04, 0.12, 0.25, 0.4)), rng.choice((0.03, 0.1, 0.18))),
            (rng.uniform(35, 75), rng.uniform(40, 80)),
            rng.choice(POC),
        )


@dataclass
class _StudentReports:
    """The four reports' rows, drawn organization by organization and year by year."""

    rng: random.Random
    pupils: pd.Series  # the warehouse's enrollment by school year, organization and race
    organization: _ReportingOrganization | None = None
    discipline: list[tuple] = field(default_factory=list)
    attendance: list[tuple] = field(default_factory=list)
    graduation: list[tuple] = field(default_factory=list)
    climate: list[tuple] = field(default_factory=list)

    def blank(self, how: str) -> bool:
        return how == "never" or (how == "some years" and self.rng.random() < 0.5)

    def counted(self, n: int, p: float) -> int:
        return min(n, max(0, round(n * p + self.rng.choice((-1, 0, 0, 1)))))

    def year(self, year: str) -> None:
        """The organization's reports for `year` (the late year: suspensions only)."""
        jitter = self.rng.uniform(0.85, 1.15)
        self.suspensions(year, jitter)
        if year == LATE_YEAR:
            return
        self.graduates(year, jitter)
        e_c, e_w = self.absences(year)
        self.climate_index(year, jitter, e_c, e_w)

    def suspensions(self, year: str, jitter: float) -> None:
        """Out-of-school suspension among the students the report counts."""
        o, rng = self.organization, self.rng
        n_c, n_w = _split(max(1, round(o.size * jitter)), o.white)
        y_c, y_w = self.counted(n_c, o.p_susp[0]), self.counted(n_w, o.p_susp[1])
        b_all, b_w = self.blank(o.how["discipline"]), self.blank(o.how["discipline"])
        self.discipline.append(
            (year, o.org, definitions.ALL_STUDENTS, n_c + n_w, y_c + y_w + rng.randint(0, 3), None)
            + (None if b_all else _rate(y_c + y_w, n_c + n_w, o.rounded),)
            + (None,) * 5
        )
        if n_w or o.white_row:
            self.discipline.append(
                (year, o.org, "White", n_w, y_w, None, None if b_w else _rate(y_w, n_w, o.rounded))
                + (None,) * 5
            )
        if n_c:
            self.discipline.append((year, o.org, o.race, n_c, y_c, None, _rate(y_c, n_c, True)) + (None,) * 5)

    def graduates(self, year: str, jitter: float) -> None:
        """Four-year graduation in the cohort."""
        o = self.organization
        g_c, g_w = _split(max(1, round(o.cohort * jitter)), o.white)
        k_c, k_w = self.counted(g_c, o.p_grad[0]), self.counted(g_w, o.p_grad[1])
        if o.how["graduation"] == "never" and self.rng.random() >= 0.5:
            return
        blanks = self.blank(o.how["graduation"])
        rows = (
            (definitions.ALL_STUDENTS, g_c + g_w, None if blanks else _rate(k_c + k_w, g_c + g_w, o.rounded)),
            ("White", g_w, None if blanks else _rate(k_w, g_w, o.rounded)),
            ("High Needs", g_c, _rate(k_c, max(g_c, 1), True)),
        )
        self.graduation += [(year, o.org, *row) + (None,) * 5 for row in rows]

    def absences(self, year: str) -> tuple[float, float]:
        """Chronic absence: rates only, consistent with the warehouse's enrollment by race. Returns that
        enrollment (of color, White)."""
        o = self.organization
        e_w = float(self.pupils.get((year, o.org, "White"), 0.0))
        e_all = float(sum(self.pupils.get((year, o.org, r), 0.0) for r in definitions.RACES))
        e_c = e_all - e_w
        absent_all = (o.p_absent[0] * e_c + o.p_absent[1] * e_w) / e_all if e_all else o.p_absent[0]
        b_all, b_w = self.blank(o.how["attendance"]), self.blank(o.how["attendance"])
        all_students = None if b_all else round(absent_all, 3)
        self.attendance += [
            (year, o.org, definitions.ALL_STUDENTS, 0.95, 9.5, None, all_students, None, None),
            (year, o.org, "White", 0.96, 8.0, None, None if b_w else o.p_absent[1], None, None),
            (year, o.org, o.race, 0.93, 11.0, None, o.p_absent[0], None, None),
        ]
        return e_c, e_w

    def climate_index(self, year: str, jitter: float, e_c: float, e_w: float) -> None:
        """The VOCAL index: respondents where the file gives them, else weighted by enrollment."""
        o = self.organization
        r_c, r_w = _split(round(o.asked * jitter), o.white) if o.asked else (e_c, e_w)
        r_all = r_c + r_w
        if self.blank(o.how["climate"]):
            return
        mixed = (o.index[0] * r_c + o.index[1] * r_w) / r_all if r_all else o.index[0]
        shown_all = None if o.asked and r_all < 10 else round(mixed, 1)  # VOCAL: fewer than 10 answered
        shown_w = None if o.asked and r_w < 10 else round(o.index[1], 1)
        for group, value, n in ((definitions.ALL_STUDENTS, shown_all, r_all), ("White", shown_w, r_w)):
            self.climate.append(
                (year, o.org, group, definitions.ALL_GRADES, value, None, None, None, n if o.asked else None)
            )


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
