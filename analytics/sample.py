"""Deterministic sample data: synthetic people and counts for the real Massachusetts organizations.

The organizations (names, 8-digit codes) are real public facts (data/organizations.csv). Everything else is
synthetic, drawn with a fixed seed and calibrated so that statewide shares match published figures
(DESE's Diverse Workforce page, school-level Profiles roll-ups, Influence 100 cohort sizes), and students'
experience (discipline, attendance, graduation, the VOCAL survey) to DESE's statewide figures by race, each
cited in student_calibration.csv. It must be shown as sample data wherever it appears.

    python -m analytics.sample            # rewrite data/sample/*.csv
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import definitions as d
from analytics.contracts import FELLOWS
from analytics.definitions import school_years_between, spring_year
from analytics.paths import DATA_DIR, PROJECT_ROOT

SEED = 2019
SAMPLE_DIR = DATA_DIR / "sample"
ORGANIZATIONS_FILE = DATA_DIR / "organizations.csv"
FIRST_YEAR, LAST_YEAR = "2016-17", "2024-25"
YEARS = school_years_between(FIRST_YEAR, LAST_YEAR)
# Students' experience (the third goal): DESE's four reports by student group.
EXPERIENCE_FILES = ("student_discipline", "student_attendance", "graduation", "climate_survey")
SAMPLE_FILES = (
    "staffing",
    "enrollment",
    "fellows",
    "participation",
    "equity_leaders",
    "amsel_members",
    *EXPERIENCE_FILES,
)

# Statewide shares of people of color to hit, by school year (see the module docstring for sources:
# superintendents 3.6% 2018-19, 5% Oct 2020 (14 people), 7.3% 2021-22, over 7% 2023, over 8% 2024;
# teachers 8.0% 2016-17 .. 9.6-9.7% 2022-23, about 10% 2023; students 38.7% 2016-17 .. 45.6% 2022-23).
# A table read by its columns (one per school year), so it keeps its alignment: the one place the formatter
# is told to stay out (the rest of the project is formatted as ruff formats it).
TARGET_SHARES: dict[str, tuple[float, ...]] = {
    #                           16-17  17-18  18-19  19-20  20-21  21-22  22-23  23-24  24-25
    "Superintendent":           (0.030, 0.033, 0.036, 0.040, 0.050, 0.073, 0.076, 0.083, 0.086),
    "Assistant Superintendent": (0.120, 0.125, 0.130, 0.135, 0.140, 0.150, 0.160, 0.165, 0.170),
    "Principal":                (0.105, 0.108, 0.112, 0.116, 0.120, 0.128, 0.134, 0.140, 0.145),
    "Teacher":                  (0.080, 0.082, 0.0815, 0.083, 0.0845, 0.0945, 0.097, 0.100, 0.103),
    "students":                 (0.387, 0.397, 0.411, 0.420, 0.430, 0.442, 0.456, 0.462, 0.468),
}  # fmt: skip
STUDENT_TOTALS = (953_000, 951_000, 950_000, 948_000, 911_000, 911_000, 914_000, 915_000, 912_000)
TEACHER_FTE_TOTALS = (59_600, 59_900, 60_200, 60_600, 60_400, 61_100, 61_000, 61_100, 60_900)

# Approximate enrollment (2016-17) and share of students of color for districts whose size and make-up
# shape the statewide picture; other organizations get sizes and shares drawn at random.
KNOWN_DISTRICTS: dict[str, tuple[int, float]] = {
    "Boston": (49_000, 0.86),
    "Springfield": (25_500, 0.87),
    "Worcester": (25_000, 0.70),
    "Brockton": (17_000, 0.85),
    "Lynn": (16_000, 0.80),
    "Lowell": (14_500, 0.70),
    "Lawrence": (13_800, 0.95),
    "New Bedford": (12_700, 0.60),
    "Newton": (12_600, 0.38),
    "Fall River": (10_000, 0.45),
    "Quincy": (9_700, 0.52),
    "Framingham": (8_800, 0.55),
    "Haverhill": (7_900, 0.42),
    "Taunton": (7_900, 0.25),
    "Plymouth": (7_700, 0.14),
    "Brookline": (7_600, 0.45),
    "Chicopee": (7_500, 0.42),
    "Lexington": (7_100, 0.50),
    "Methuen": (7_000, 0.45),
    "Revere": (7_000, 0.70),
    "Everett": (7_300, 0.80),
    "Cambridge": (7_000, 0.60),
    "Malden": (6_500, 0.75),
    "Chelsea": (6_500, 0.92),
    "Weymouth": (6_000, 0.22),
    "Peabody": (6_000, 0.30),
    "Shrewsbury": (6_000, 0.35),
    "Andover": (6_000, 0.28),
    "Arlington": (5_900, 0.28),
    "Attleboro": (5_800, 0.28),
    "Leominster": (5_800, 0.45),
    "Waltham": (5_500, 0.55),
    "Holyoke": (5_500, 0.84),
    "Pittsfield": (5_600, 0.30),
    "Natick": (5_500, 0.25),
    "Westfield": (5_600, 0.22),
    "Somerville": (5_000, 0.56),
    "Fitchburg": (5_000, 0.58),
    "Barnstable": (5_000, 0.35),
    "Wellesley": (4_900, 0.32),
    "Marlborough": (4_700, 0.50),
    "Medford": (4_500, 0.45),
    "Beverly": (4_300, 0.20),
    "Milford": (4_200, 0.42),
    "Salem": (4_000, 0.55),
    "Whitman-Hanson": (3_900, 0.12),
    "Burlington": (3_500, 0.40),
    "Randolph": (2_800, 0.85),
    "Northampton": (2_800, 0.30),
    "Dedham": (2_700, 0.35),
    "Weston": (2_000, 0.35),
    "Wayland": (2_700, 0.30),
    "Athol-Royalston": (1_500, 0.12),
    "Southbridge": (2_200, 0.70),
    "Acton-Boxborough": (5_600, 0.40),
    "Westford": (5_000, 0.28),
}

# Make-up of people of color, by category (statewide tendencies; a few districts differ strongly).
STUDENT_MIX = {
    "African American/Black": 0.22,
    "Asian": 0.16,
    "Hispanic/Latino": 0.52,
    "Native American": 0.005,
    "Native Hawaiian/Pacific Islander": 0.002,
    "Multi-Race Non-Hispanic": 0.093,
}
STAFF_MIX = {
    "African American/Black": 0.38,
    "Asian": 0.14,
    "Hispanic/Latino": 0.37,
    "Native American": 0.012,
    "Native Hawaiian/Pacific Islander": 0.005,
    "Multi-Race Non-Hispanic": 0.073,
}
MIX_LEANS = {
    "Lawrence": "Hispanic/Latino",
    "Holyoke": "Hispanic/Latino",
    "Chelsea": "Hispanic/Latino",
    "Springfield": "Hispanic/Latino",
    "Southbridge": "Hispanic/Latino",
    "Lexington": "Asian",
    "Acton-Boxborough": "Asian",
    "Westford": "Asian",
    "Quincy": "Asian",
    "Lowell": "Asian",
    "Brockton": "African American/Black",
    "Randolph": "African American/Black",
    "Boston": "African American/Black",
}

# Influence 100 (DESE's Influence 100 page and press releases).
PILOT_ORGS = (
    "Athol-Royalston",
    "Boston",
    "Cambridge",
    "Framingham",
    "Holyoke",
    "Lawrence",
    "Leominster",
    "Malden",
    "Natick",
    "Salem",
    "Somerville",
    "Springfield",
    "Revere",
    "Waltham",
    "Weston",
)
ADDED_2020 = (
    "Assabet Valley Collaborative",
    "Brockton",
    "EDCO Collaborative",
    "Fall River",
    "Milford",
    "Southcoast Collaborative",
    "Wellesley",
)
ADDED_2021 = ("Barnstable", "Burlington", "Dedham", "New Bedford", "Northampton", "Whitman-Hanson")
# Later additions are this sample's choice (no published list): 34 organizations by 2023, then more.
ADDED_2022 = ("Worcester", "Lowell", "Chelsea", "Everett", "Randolph", "Lynn")
ADDED_2023 = ("Quincy", "Medford", "Brookline", "Newton", "Haverhill", "Methuen")
ADDED_2024 = ("Marlborough", "Fitchburg", "Chicopee", "Taunton", "Lexington", "Arlington", "Southbridge")
COHORT_SIZES = (26, 20, 20, 14, 25, 25, 25)  # cohorts 1-7, one a year from 2019-20
COHORT_POC = (24, 16, 17, 12, 21, 22, 21)  # 92% and 80% published for cohorts 1 and 2
COHORT_PRINCIPALS = (11, 8, 9, 6, 11, 11, 12)  # 42% and 40% published for cohorts 1 and 2
AMSEL_FOUNDERS = ("Cambridge", "Lexington", "Newton", "Somerville", "Wayland", "Wellesley")


@dataclass
class _Org:
    code: str
    name: str
    org_type: str
    region: str
    first: int  # spring years active
    last: int


def load_organizations(path: Path = ORGANIZATIONS_FILE) -> pd.DataFrame:
    """The project's organizations table (real names and codes, with the type and region assigned)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _orgs() -> list[_Org]:
    out = []
    for r in load_organizations().itertuples():
        last = spring_year(r.last_year)
        # The reference list ends in 2022-23; organizations open then are assumed open through 2024-25.
        if r.last_year == "2022-23":
            last = spring_year(LAST_YEAR)
        out.append(_Org(r.org_code, r.name, r.org_type, r.region, spring_year(r.first_year), last))
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def _calibrate(latent: np.ndarray, weights: np.ndarray, target: float) -> np.ndarray:
    """Shift `latent` (logits) so that the weighted mean of sigmoid(latent + shift) equals `target`."""
    lo, hi = -15.0, 15.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if np.average(_sigmoid(latent + mid), weights=weights) < target:
            lo = mid
        else:
            hi = mid
    return _sigmoid(latent + (lo + hi) / 2)


def _split(total: float, mix: dict[str, float], lean: str | None, rng: np.random.Generator) -> np.ndarray:
    """Split people of color across the six categories, with some district-to-district variety."""
    base = np.array(list(mix.values()))
    if lean:
        base = base.copy()
        base[list(mix).index(lean)] *= 2.5
        base /= base.sum()
    return total * rng.dirichlet(base * 40 + 0.05)


class _Generator:
    def __init__(self, seed: int = SEED):
        self.rng = np.random.default_rng(seed)
        self.orgs = _orgs()
        self.by_name = {o.name: o for o in self.orgs}
        schooling = [o for o in self.orgs if o.org_type != "collaborative"]
        self.schooling = schooling
        n = len(schooling)
        rng = self.rng
        size = np.empty(n)
        poc = np.empty(n)
        for i, o in enumerate(schooling):
            if o.name in KNOWN_DISTRICTS:
                size[i], poc[i] = KNOWN_DISTRICTS[o.name]
            elif o.org_type == "charter":
                boston_like = o.region in ("Greater Boston", "Pioneer Valley", "Northeast")
                size[i] = rng.lognormal(np.log(520), 0.5)
                poc[i] = rng.beta(6, 2) if boston_like else rng.beta(2, 4)
            elif o.org_type == "vocational":
                size[i] = rng.lognormal(np.log(1100), 0.5)
                poc[i] = rng.beta(2, 6)
            else:
                size[i] = rng.lognormal(np.log(1900), 0.75)
                poc[i] = rng.beta(2, 8)
        self.size = size
        self.latent = _logit(poc)
        self.teacher_ratio = rng.normal(14.5, 1.6, n).clip(10, 20)
        self.drift = rng.normal(0, 0.015, (len(YEARS), n)).cumsum(axis=0)
        self.student_lean = [MIX_LEANS.get(o.name) for o in schooling]
        self.shared_superintendent = np.array(
            [o.org_type == "district" and size[i] < 900 for i, o in enumerate(schooling)]
        )

    def active(self, y: int) -> np.ndarray:
        sy = spring_year(YEARS[y])
        return np.array([o.first <= sy <= o.last for o in self.schooling])

    # --- students and teachers -------------------------------------------------------------------

    def enrollment_and_teachers(self) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, np.ndarray]]:
        enrol, teach, students_by_year = [], [], {}
        for y, sy in enumerate(YEARS):
            act = self.active(y)
            students = self.size * np.exp(self.drift[y]) * act
            students *= STUDENT_TOTALS[y] / students.sum()
            students_by_year[y] = students
            s_share = _calibrate(self.latent[act], students[act], TARGET_SHARES["students"][y])
            teachers = students / self.teacher_ratio
            teachers *= TEACHER_FTE_TOTALS[y] / teachers.sum()
            # Teachers of color track their students' make-up, far below it.
            t_share = _calibrate(0.9 * self.latent[act], teachers[act], TARGET_SHARES["Teacher"][y])
            for j, i in enumerate(np.flatnonzero(act)):
                code = self.schooling[i].code
                n_students = round(students[i])
                of_color = _split(n_students * s_share[j], STUDENT_MIX, self.student_lean[i], self.rng)
                counts = np.floor(of_color + self.rng.random(6)).astype(int)
                white = max(n_students - counts.sum(), 0)
                for race, c in zip((*STUDENT_MIX, d.WHITE), (*counts, white), strict=True):
                    if c > 0:
                        enrol.append((sy, code, race, int(c)))
                fte = teachers[i]
                of_color = _split(fte * t_share[j], STAFF_MIX, self.student_lean[i], self.rng)
                for race, v in zip((*STAFF_MIX, d.WHITE), (*of_color, fte * (1 - t_share[j])), strict=True):
                    v = round(float(v), 1)
                    if v > 0:
                        teach.append((sy, code, "Teacher", race, v))
        return (
            pd.DataFrame(enrol, columns=["school_year", "org_code", "race", "students"]),
            pd.DataFrame(teach, columns=["school_year", "org_code", "job_class", "race", "fte"]),
            students_by_year,
        )

    # --- leaders: superintendents, assistant superintendents, principals ------------------------

    def superintendents(self) -> pd.DataFrame:
        """One superintendent per district or vocational school (half-time where towns share one), with
        turnover of about 15% a year and the share of color following the published path."""
        eligible = np.array([o.org_type in ("district", "vocational") for o in self.schooling])
        weight = _sigmoid(self.latent) * np.sqrt(self.size)  # diverse, larger districts hire more often
        of_color = np.zeros(len(self.schooling), dtype=bool)
        rows = []
        for y, sy in enumerate(YEARS):
            act = self.active(y) & eligible
            fte = np.where(self.shared_superintendent, 0.5, 1.0) * act
            turnover = self.rng.random(len(fte)) < 0.15
            of_color &= act
            leaving = of_color & turnover
            of_color &= ~leaving
            target = TARGET_SHARES["Superintendent"][y] * fte.sum()
            # Fill (or trim) to the target, drawing among this year's openings first.
            while (fte * of_color).sum() < target - 0.5:
                pool = act & ~of_color & (turnover if (act & ~of_color & turnover).any() else True)
                p = weight * pool
                i = self.rng.choice(len(p), p=p / p.sum())
                of_color[i] = True
            while (fte * of_color).sum() > target + 0.5:
                i = self.rng.choice(np.flatnonzero(of_color))
                of_color[i] = False
            for i in np.flatnonzero(act):
                race = self.rng.choice(list(STAFF_MIX), p=_norm(STAFF_MIX)) if of_color[i] else d.WHITE
                rows.append((sy, self.schooling[i].code, "Superintendent", race, float(fte[i])))
        return pd.DataFrame(rows, columns=["school_year", "org_code", "job_class", "race", "fte"])

    def school_leaders(self, job_class: str, students_by_year: dict[int, np.ndarray]) -> pd.DataFrame:
        """Principals (about one per 480 students) or assistant superintendents (larger districts)."""
        rows = []
        for y, sy in enumerate(YEARS):
            act = self.active(y)
            students = students_by_year[y]
            if job_class == "Principal":
                posts = np.maximum(1, np.round(students / 480)) * act
            else:
                posts = np.where(students >= 2500, np.round(students / 7000) + 1, 0) * act
            share = np.zeros(len(posts))
            held = posts > 0
            share[held] = _calibrate(0.9 * self.latent[held], posts[held], TARGET_SHARES[job_class][y])
            # Systematic rounding in a random order: each district within one person of its expected
            # number, and the statewide count on target.
            expected = posts * share
            order = self.rng.permutation(np.flatnonzero(held))
            cumulative = np.round(np.cumsum(expected[order]))
            people = np.zeros(len(posts), dtype=int)
            people[order] = np.diff(cumulative, prepend=0).astype(int)
            for i in np.flatnonzero(held):
                k = int(min(people[i], posts[i]))
                mix = _split(float(k), STAFF_MIX, self.student_lean[i], self.rng)
                counts = _round_to_total(mix, k)
                for race, c in zip((*STAFF_MIX, d.WHITE), (*counts, posts[i] - k), strict=True):
                    if c > 0:
                        rows.append((sy, self.schooling[i].code, job_class, race, float(c)))
        return pd.DataFrame(rows, columns=["school_year", "org_code", "job_class", "race", "fte"])

    # --- Influence 100 ---------------------------------------------------------------------------

    def fellows(self) -> pd.DataFrame:
        rng = self.rng
        joined: list[tuple[str, ...]] = [
            PILOT_ORGS,
            ADDED_2020,
            ADDED_2021,
            ADDED_2022,
            ADDED_2023,
            ADDED_2024,
        ]
        rows = []
        members: list[str] = []
        for c, size in enumerate(COHORT_SIZES, start=1):
            start = YEARS[YEARS.index("2019-20") + c - 1] if c <= 6 else "2025-26"
            new = list(joined[c - 1]) if c <= len(joined) else []
            members += new
            continuing = [m for m in members if m not in new]
            home = list(new)
            extra = {1: 0, 2: 5, 3: 6, 4: 2, 5: 8, 6: 10, 7: 18}[c]
            home += list(rng.choice(continuing, size=min(extra, len(continuing)), replace=False))
            # Each organization sends at least one fellow; the rest go to the larger ones.
            sends = [home[i % len(home)] for i in range(size)] if size <= len(home) else list(home)
            while len(sends) < size:
                big = [h for h in home if self.by_name[h].org_type != "collaborative"]
                w = np.array([KNOWN_DISTRICTS.get(h, (1000, 0))[0] for h in big], dtype=float)
                candidate = big[rng.choice(len(big), p=w / w.sum())]
                if sends.count(candidate) < 3:
                    sends.append(candidate)
            poc_flags = np.array([True] * COHORT_POC[c - 1] + [False] * (size - COHORT_POC[c - 1]))
            rng.shuffle(poc_flags)
            roles = ["Principal"] * COHORT_PRINCIPALS[c - 1] + ["Central Office"] * (
                size - COHORT_PRINCIPALS[c - 1]
            )
            if c == 2:
                roles[:2] = ["Assistant Principal", "Assistant Principal"]
            rng.shuffle(roles)
            for k, org in enumerate(sends):
                race = rng.choice(list(STAFF_MIX), p=_norm(STAFF_MIX)) if poc_flags[k] else d.WHITE
                finished = spring_year(start) + 2 <= spring_year(LAST_YEAR) + 1
                status = "active"
                if finished:
                    status = (
                        "withdrawn" if (c == 1 and k < 2) or (c > 1 and rng.random() < 0.07) else "completed"
                    )
                placement = (None, None, None)
                if status == "completed":
                    placement = self._placement(start, rng)
                rows.append(
                    (
                        f"I100-{c}-{k + 1:02d}",
                        c,
                        start,
                        self.by_name[org].code,
                        roles[k],
                        race,
                        status,
                        *placement,
                    )
                )
        return pd.DataFrame(
            rows,
            columns=FELLOWS.column_names,
        )

    def _placement(self, start: str, rng: np.random.Generator) -> tuple:
        """A synthetic later placement (no published source gives real ones; this is sample data)."""
        first = YEARS.index(start) + 2  # the fellowship lasts two years
        years_open = len(YEARS) - first
        if years_open <= 0:
            return (None, None, None)
        draw = rng.random()
        if draw < 0.06 * years_open:
            role = "Superintendent"
        elif draw < 0.16 * years_open:
            role = "Assistant Superintendent"
        else:
            return (None, None, None)
        year = YEARS[first + int(rng.integers(0, years_open))]
        districts = [o for o in self.schooling if o.org_type == "district"]
        return (role, year, districts[int(rng.integers(0, len(districts)))].code)

    def participation(self, fellows: pd.DataFrame) -> pd.DataFrame:
        rng = self.rng
        joined = [PILOT_ORGS, ADDED_2020, ADDED_2021, ADDED_2022, ADDED_2023, ADDED_2024]
        rows = []
        strategy: dict[str, bool] = {}
        members: list[str] = []
        for k, sy in enumerate(YEARS[YEARS.index("2019-20") :]):
            new = list(joined[k])
            continuing = [m for m in members if m not in new]
            members += new
            building = (
                new + list(rng.choice(continuing, size=min(len(continuing), 14 - len(new)), replace=False))
                if k
                else new
            )
            active_cohorts = fellows[
                fellows.start_year.map(spring_year).between(spring_year(sy) - 1, spring_year(sy))
            ]
            sending = set(active_cohorts.home_org_code)
            for name in members:
                code = self.by_name[name].code
                for component, present in (
                    ("fellowship", code in sending),
                    ("capacity building", name in building),
                ):
                    if not present:
                        continue
                    if not strategy.get(code) and component == "capacity building":
                        strategy[code] = rng.random() < 0.35
                    rows.append(
                        (
                            code,
                            sy,
                            component,
                            bool(strategy.get(code, False)),
                            component == "capacity building" and rng.random() < 0.85,
                        )
                    )
        return pd.DataFrame(
            rows,
            columns=[
                "org_code",
                "school_year",
                "component",
                "strategy_adopted",
                "climate_assessment_done",
            ],
        )

    def equity_leaders(self) -> pd.DataFrame:
        rng = self.rng
        years = YEARS[YEARS.index("2019-20") :]
        leader_target = (22, 34, 48, 62, 74, 86)
        amsel_target = (6, 14, 22, 30, 38, 45)
        amsel_regions = ("Greater Boston", "Southeast", "Northeast")
        has_leader: set[str] = {self.by_name[n].code for n in AMSEL_FOUNDERS}
        amsel: set[str] = set(has_leader)
        weight = _sigmoid(self.latent) * np.sqrt(self.size)
        rows = []
        for k, sy in enumerate(years):
            act = self.active(YEARS.index(sy))
            codes = [o.code for o in self.schooling]
            while len(has_leader) < leader_target[k]:
                p = weight * act * np.array([c not in has_leader for c in codes])
                has_leader.add(codes[rng.choice(len(codes), p=p / p.sum())])
            while len(amsel) < amsel_target[k]:
                pool = [
                    c
                    for c in sorted(has_leader - amsel)
                    if next(o for o in self.schooling if o.code == c).region in amsel_regions
                ]
                if not pool:
                    break
                amsel.add(pool[int(rng.integers(0, len(pool)))])
            for i in np.flatnonzero(act):
                code = codes[i]
                rows.append((code, sy, code in has_leader, code in amsel))
        return pd.DataFrame(rows, columns=["org_code", "school_year", "has_equity_leader", "amsel_member"])


# Independent schools whose equity leaders belong to AMSEL in the sample (real schools, synthetic counts),
# in the order they join; members outside DESE's organizations are counted apart by the school's name.
SAMPLE_INDEPENDENT_SCHOOLS = (
    "Milton Academy",
    "Beaver Country Day School",
    "Noble and Greenough School",
    "Buckingham Browne & Nichols School",
    "Dexter Southfield",
    "Brookwood School",
)
# The network's own shape, year by year from 2019-20: independent schools in it, the share of members
# through a district membership (district memberships began in 2021-22), new to their role, new members
# with a mentor (mentoring began in 2020-21), at every monthly meeting, in a subcommittee (from 2020-21).
AMSEL_SHAPE: dict[str, tuple[float, ...]] = {
    #                   19-20  20-21  21-22  22-23  23-24  24-25
    "independent":      (0,     1,     2,     3,     5,     6),
    "district":         (0.0,   0.0,   0.30,  0.38,  0.42,  0.45),
    "new_to_role":      (0.20,  0.45,  0.42,  0.40,  0.38,  0.36),
    "mentor":           (0.0,   0.50,  0.58,  0.62,  0.66,  0.68),
    "every_meeting":    (0.80,  0.62,  0.55,  0.52,  0.50,  0.48),
    "in_subcommittee":  (0.0,   0.55,  0.68,  0.74,  0.78,  0.82),
}  # fmt: skip


def amsel_members(equity_leaders: pd.DataFrame, orgs: list[_Org], seed: int = SEED) -> pd.DataFrame:
    """The network's members by school year and organization, counted as the warehouse keeps them: one to
    three equity leaders per AMSEL member organization (more in the largest), plus independent schools. A
    generator of its own, so that adding it left every other sample file as it was."""
    rng = np.random.default_rng(seed + 12)
    big = {"Boston", "Springfield", "Worcester", "Cambridge", "Newton", "Lowell", "Brockton", "Lynn"}
    name_of = {o.code: o.name for o in orgs}
    years = sorted(equity_leaders["school_year"].unique())
    years = [y for y in years if y >= d.AMSEL_FIRST_YEAR]
    rows = []
    for k, sy in enumerate(years):
        year = equity_leaders[(equity_leaders["school_year"] == sy) & equity_leaders["amsel_member"]]
        places = [(code, None) for code in sorted(year["org_code"])]
        places += [(None, s) for s in SAMPLE_INDEPENDENT_SCHOOLS[: int(AMSEL_SHAPE["independent"][k])]]
        for code, school in places:
            if code is not None and name_of.get(code) in big:
                n = int(rng.integers(2, 4))
            else:
                n = 1 + int(rng.random() < (0.15 if k == 0 else 0.3))
            p = {key: AMSEL_SHAPE[key][k] for key in AMSEL_SHAPE if key != "independent"}
            district = int(rng.binomial(n, p["district"])) if code is not None else 0
            new = int(rng.binomial(n, p["new_to_role"]))
            rows.append(
                (
                    sy,
                    code,
                    school,
                    n,
                    district,
                    new,
                    int(rng.binomial(new, p["mentor"])),
                    int(rng.binomial(n, p["every_meeting"])),
                    int(rng.binomial(n, p["in_subcommittee"])),
                )
            )
    return pd.DataFrame(
        rows,
        columns=[
            "school_year",
            "org_code",
            "outside_school",
            "members",
            "district_members",
            "new_to_role",
            "new_with_mentor",
            "every_meeting",
            "in_subcommittee",
        ],
    )


# --- Students' experience: discipline, attendance, graduation and the VOCAL climate survey ------------------
#
# The program's third goal is a comparison of trends: the gap between students of color and White students,
# per measure, narrowing faster since 2019-20 than before. The sample gives every organization with enrollment
# DESE's four reports by student group, 2014-15 to 2024-25, its statewide figures by race calibrated to the
# figures DESE (or others quoting DESE's data) published (below; every figure cited, written out with the
# sample as student_calibration.csv). Where no figure was found for a year the target is interpolated between
# published ones; where none was found at all, it is a plausible value, labelled as such. In some Influence
# 100 organizations (counted from the year each joined) the gap narrows faster after joining; in the others,
# and elsewhere, it does not: a pattern for the page to find, not a finding about the program.

ALL_STUDENTS = "All Students"
ALL_GRADES = "All"  # a VOCAL row for every grade surveyed together
EXPERIENCE_FIRST_YEAR = "2014-15"
EXPERIENCE_YEARS = school_years_between(EXPERIENCE_FIRST_YEAR, LAST_YEAR)
# VOCAL began statewide in spring 2018 (2017-18; a pilot in 2017) and is given with MCAS, which was cancelled in
# spring 2020: no 2019-20 survey.
CLIMATE_YEARS = tuple(y for y in school_years_between("2017-18", LAST_YEAR) if y != "2019-20")
CALIBRATION_NAME = "student_calibration"
# A few of DESE's non-race groups, so the sample exercises them (their rates follow All Students' by plausible
# ratios, not calibrated).
NON_RACE_GROUPS = ("Low Income", "English Learners", "Students with Disabilities")
NON_RACE_FIRST_YEAR = "2021-22"
# Each one's share of an organization's students: from the first number where none are of color to the second
# where all are (varying by organization).
NON_RACE_SHARES = {
    "Low Income": (0.15, 0.85),
    "English Learners": (0.02, 0.35),
    "Students with Disabilities": (0.16, 0.22),
}
# DESE leaves a rate blank where fewer than this many were counted: students disciplined (discipline), students
# in the group (attendance), students in the cohort (graduation); VOCAL where fewer than 10 answered.
FEWEST_COUNTED = 6
FEWEST_RESPONDENTS = 10
# Columns DESE added later: school-based arrests from 2018-19, law-enforcement referrals from 2019-20, chronic
# absence of 20% or more from 2021-22 (empty before: not published).
ARREST_FIRST_YEAR, REFERRAL_FIRST_YEAR, CHRONIC_20_FIRST_YEAR = "2018-19", "2019-20", "2021-22"

_B, _A, _H, _N, _P, _M, _W = (
    d.RACES
)  # DESE's order: Black, Asian, Hispanic, Native American, NHPI, Multi, White


@dataclass(frozen=True)
class Published:
    """A figure someone published (percent, or index points), where, and to what precision (points)."""

    value: float
    source: str
    precision: float = 0.1
    note: str = ""


# Where each published figure comes from: (title, address).
SOURCES: dict[str, tuple[str, str]] = {
    "ssdr_2022": (
        "DESE School and District Profiles, 2021-22 Student Discipline Data Report, Massachusetts (state)",
        "https://profiles.doe.mass.edu/ssdr/?fycode=2022&orgcode=00000000",
    ),
    "dese_discipline_2016": (
        "DESE press release, 'Massachusetts Releases Second Year of Suspension Data' (17 November 2016)",
        "https://www.doe.mass.edu/news/news.aspx?id=24012",
    ),
    "metrowest_2016": (
        "MetroWest Daily News, 'Racial disparity remains in school suspension rates' (27 November 2016), "
        "reporting DESE's 2014-15 and 2015-16 discipline data",
        "https://www.metrowestdailynews.com/news/20161127/racial-disparity-remains-in-school-suspension-rates",
    ),
    "blog_ssdr_2019": (
        "Un Educación (blog), 'Over 2 Dozen MA Schools Reported Suspension Rates of Black Students Over 20% in "
        "2018-19' (June 2020), quoting DESE's 2018-19 Student Discipline Data Report",
        "https://uneducacion.blogspot.com/2020/06",
    ),
    "necn_2021": (
        "NECN, 'Chronic Absenteeism Rate Rose Across Mass. in Disrupted School Year' (2021), reporting DESE's "
        "attendance data",
        "https://www.necn.com/news/national-international/chronic-absenteeism-rate-rose-across-mass-in-"
        "disrupted-school-year/2460458/",
    ),
    "e2c_absence": (
        "Massachusetts Education-to-Career Research and Data Hub, 'Reducing chronic absenteeism in our schools' "
        "(data story; original, and as updated 1 October 2024)",
        "https://educationtocareer.data.mass.gov/stories/s/Reducing-chronic-absenteeism-in-our-schools/vuut-f46x/",
    ),
    "blog_absence_2025": (
        "SDS 236 student blog, 'Chronic Absenteeism Declines in Massachusetts, Though Barriers Remain' "
        "(February 2026), quoting the Education-to-Career Hub's end-of-year 2024-25 figure",
        "https://beanumber.github.io/sds236-s26-blog/posts/html/ma_sds236/index.html",
    ),
    "nces_acgr_2015": (
        "NCES Common Core of Data, Public high school 4-year adjusted cohort graduation rate (ACGR) by "
        "race/ethnicity and selected demographics, school year 2014-15",
        "http://nces.ed.gov/ccd/tables/ACGR_RE_and_characteristics_2014-15.asp",
    ),
    "nces_digest_2017": (
        "NCES Digest of Education Statistics 2017, table 219.46 (ACGR by state, 2015-16; whole percents)",
        "https://nces.ed.gov/programs/digest/d17/tables/dt17_219.46.asp",
    ),
    "dese_grad_2018": (
        "DESE press release, 'Massachusetts' Four-Year Graduation Rate Improves for 11th Consecutive Year' "
        "(26 February 2018): the 2016 and 2017 cohorts",
        "http://www.doe.mass.edu/news/news.aspx?id=24843",
    ),
    "profiles_grad_2018": (
        "DESE School and District Profiles, 4-Year Graduation Rate (2018), Massachusetts",
        "https://profiles.doe.mass.edu/grad/grad_report.aspx?fycode=2018&orgtypecode=5",
    ),
    "nces_acgr_2019": (
        "NCES Common Core of Data, ACGR by race/ethnicity and selected demographic characteristics, school "
        "year 2018-19",
        "https://nces.ed.gov/ccd/tables/ACGR_RE_and_characteristics_2018-19.asp",
    ),
    "nces_acgr_2020": (
        "NCES Common Core of Data, ACGR by race/ethnicity and selected demographic characteristics, school "
        "year 2019-20",
        "https://nces.ed.gov/ccd/tables/ACGR_RE_and_characteristics_2019-20.asp",
    ),
    "profiles_grad_2021": (
        "DESE School and District Profiles, Cohort 2021 Graduation Rates, Massachusetts",
        "https://profiles.doe.mass.edu/grad/grad_report.aspx?fycode=2021",
    ),
    "globe_grad_2024": (
        "Boston Globe, 'Mass. graduation rates dipped. See how your school or district did.' (15 May 2024)",
        "https://www.bostonglobe.com/2024/05/15/metro/massachusetts-boston-bps-graduation-rates/",
    ),
}


@dataclass(frozen=True)
class Chosen:
    """A plausible figure with the reason it was chosen (no published one was found)."""

    value: float
    note: str


def experience_sources() -> list[tuple[str, str]]:
    """The published sources the sample's students' experience is calibrated to: (title, address)."""
    return list(SOURCES.values())


# What no search found: the sample's values for these are plausible, labelled so in the calibration table.
NOT_FOUND = (
    "DESE's statewide VOCAL index scores by race",
    "chronic absence by race other than Hispanic/Latino and Asian students",
    "out-of-school suspension by race before 2018-19",
    "four-year graduation by race after the class of 2021",
)


def _pub(value: float, source: str, precision: float = 0.1, note: str = "") -> Published:
    return Published(value, source, precision, note)


# The targets, in percent (the VOCAL index in index points), one per school year 2014-15 .. 2024-25 and race
# group: a Published figure, a plain number (plausible: no published figure found), or None (interpolated
# between its neighbours). All Students is not a target (it is the sum of the race groups); its published
# figures are kept in CHECKS to compare with.
_R, _S1, _S2 = "ssdr_2022", "metrowest_2016", "blog_ssdr_2019"
OUT_OF_SCHOOL_SUSPENSION: dict[str, tuple] = {
    # 2014-15 and 2015-16: the published share suspended or expelled × that race's 2021-22 share of those
    # disciplined who were suspended out of school; 2019-20 (a part year) and 2020-21 (schools mostly remote)
    # were lower, as DESE's district reports show.
    #       14-15 15-16 16-17 17-18 18-19                            19-20 20-21 21-22            22-23 23-24 24-25
    _B: (7.3, 7.5, None, None, _pub(6.2, _S2),                       4.3, 0.7, _pub(6.2, _R), 6.0, 5.8, 5.6),
    _A: (0.8, 0.8, None, None, 0.7,                                  0.5, 0.1, _pub(0.7, _R), 0.7, None, 0.65),
    _H: (5.8, 6.0, None, None, _pub(5.0, _S2, 1.0),                  3.5, 0.6, _pub(4.9, _R), 4.8, 4.6, 4.5),
    _N: (4.6, None, None, None, 4.4,                                 3.0, 0.5, _pub(4.3, _R), None, None, 4.0),
    _P: (3.8, None, None, None, 3.7,                                 2.5, 0.4, _pub(3.6, _R), None, None, 3.4),
    _M: (3.9, None, None, None, 3.6,                                 2.5, 0.4, _pub(3.5, _R), None, None, 3.2),
    _W: (1.85, 1.85, None, None, _pub(2.0, _S2, 1.0),                1.4, 0.25, _pub(2.1, _R), 2.1, 2.05, 2.05),
}  # fmt: skip
# Students disciplined (any of DESE's removals) ÷ students. Where no figure was published it follows from the
# suspension target and that race's 2021-22 share (STUDENTS_DISCIPLINED_FROM_OSS).
STUDENTS_DISCIPLINED: dict[str, dict[str, Published]] = {
    "2014-15": {_B: _pub(9.0, _S1), _H: _pub(7.4, _S1), _W: _pub(2.7, _S1)},
    "2015-16": {_B: _pub(9.3, _S1), _H: _pub(7.7, _S1), _W: _pub(2.7, _S1)},
    # 2021-22: students disciplined ÷ students, both published counts.
    "2021-22": {
        _B: _pub(100 * 6_794 / 88_818, _R, 0.01),
        _A: _pub(100 * 727 / 68_503, _R, 0.01),
        _H: _pub(100 * 14_075 / 225_542, _R, 0.01),
        _N: _pub(100 * 134 / 2_203, _R, 0.01),
        _P: _pub(100 * 41 / 831, _R, 0.01),
        _M: _pub(100 * 1_920 / 40_490, _R, 0.01),
        _W: _pub(100 * 15_985 / 517_162, _R, 0.01),
    },
}
_E = "e2c_absence"
CHRONIC_ABSENCE: dict[str, tuple] = {
    # 2019-20: counted to 2 March 2020 only; 2020-21: much of it remote.
    #       14-15 15-16 16-17 17-18 18-19               19-20 20-21 21-22 22-23              23-24               24-25
    _B: (15.8, None, None, 15.9, 15.3,                  15.5, 22.0, 33.0, 26.5,              23.2,               22.0),
    _A: (7.8, None, None, 7.9, _pub(7.6, _E),           7.5, 11.0, 17.0, _pub(13.9, _E),     _pub(11.8, _E),     11.2),
    _H: (21.2, None, None, 21.4, 20.8,                  20.5, 26.5, 40.0, _pub(34.5, _E),    _pub(31.3, _E),     29.8),
    _N: (19.5, None, None, None, 19.0,                  19.0, 25.0, 38.0, 31.0,              28.0,               27.0),
    _P: (17.0, None, None, None, 16.5,                  16.5, 22.0, 34.0, 27.0,              24.0,               23.0),
    _M: (14.5, None, None, 14.4, 14.2,                  14.5, 19.0, 30.0, 24.5,              21.8,               20.8),
    _W: (10.3, None, None, 10.5, 10.1,                  10.0, 12.5, 22.8, 17.0,              14.8,               14.2),
}  # fmt: skip
_N15, _D17, _G18, _PG, _N19, _N20, _P21 = (
    "nces_acgr_2015", "nces_digest_2017", "dese_grad_2018", "profiles_grad_2018", "nces_acgr_2019",
    "nces_acgr_2020", "profiles_grad_2021",
)  # fmt: skip
GRADUATION_4YR: dict[str, tuple] = {
    # School year = the cohort's graduation year (2014-15 is the class of 2015).
    _B: (_pub(77.5, _N15), _pub(78.9, _G18), _pub(80.0, _G18), _pub(80.1, _PG), _pub(79.9, _N19),
         _pub(83.1, _N20), _pub(84.4, _P21), 84.8, 84.0, 84.6, 85.0),
    _A: (_pub(92.3, _N15, note="Asian/Pacific Islander together"), _pub(92.7, _G18), _pub(94.1, _G18),
         _pub(94.3, _PG), _pub(95.2, _N19), _pub(95.0, _N20), _pub(96.1, _P21), 96.0, 95.6, 95.8, 96.0),
    _H: (_pub(72.2, _N15), _pub(72.7, _G18), _pub(74.4, _G18), _pub(73.8, _PG), _pub(74.4, _N19),
         _pub(77.2, _N20), _pub(80.0, _P21), 80.6, 79.6, 80.4, 81.0),
    _N: (_pub(80.0, _N15, 1.0), _pub(85.0, _D17, 1.0), None, _pub(83.4, _PG), _pub(83.0, _N19, 1.0),
         _pub(86.0, _N20, 1.0), _pub(82.3, _P21), 83.0, None, None, 84.0),
    _P: (86.0, _pub(89.0, _D17, 1.0), None, _pub(90.2, _PG), _pub(86.0, _N19, 1.0),
         88.0, _pub(86.0, _P21), None, None, None, 87.0),
    _M: (84.0, _pub(84.0, _D17, 1.0), None, _pub(86.5, _PG), _pub(88.0, _N19, 1.0),
         _pub(89.0, _N20, 1.0), _pub(88.8, _P21), 89.0, 88.5, 89.0, 89.3),
    _W: (_pub(91.6, _N15), _pub(92.0, _D17, 1.0),
         Chosen(92.5, "between the rounded 2015-16 figure and 2017-18's, so that All Students comes near the "
                "published 88.3"),
         _pub(92.2, _PG), _pub(92.7, _N19),
         _pub(93.2, _N20), _pub(93.2, _P21), 93.4, 93.0, 93.2, 93.4),
}  # fmt: skip
# No statewide VOCAL index by race was found (DESE publishes it in a Power BI report the search could not
# read): plausible values, on DESE's scale (1-99; the middle 70% of schools scored 52-65 in grade 5 and 41-50
# in grades 8 and 10 in 2018; "a difference of 3 to 4 points or more is meaningful").
CLIMATE_INDEX: dict[str, tuple] = {
    #       17-18 18-19 20-21 21-22 22-23 23-24 24-25   (no survey in 2019-20)
    _B: (48.6, 48.8, 48.4, 47.9, 48.6, 49.2, 49.6),
    _A: (52.6, 52.8, 52.2, 51.6, 52.0, 52.4, 52.6),
    _H: (49.0, 49.2, 48.8, 48.3, 49.0, 49.6, 50.0),
    _N: (48.0, 48.2, 47.8, 47.4, 48.0, 48.6, 49.0),
    _P: (49.0, 49.2, 48.8, 48.4, 49.0, 49.6, 50.0),
    _M: (49.4, 49.6, 49.0, 48.5, 49.2, 49.8, 50.2),
    _W: (52.4, 52.6, 52.0, 51.2, 51.6, 52.0, 52.3),
}  # fmt: skip
# Published All Students figures: not targets (All Students is the sum of the race groups), but the sample's
# must come out near them.
CHECKS: dict[str, dict[str, Published]] = {
    "out_of_school_suspension": {
        "2018-19": _pub(3.0, _S2, 1.0),
        "2021-22": _pub(3.1, _R),
    },
    "students_disciplined": {
        "2014-15": _pub(4.1, "dese_discipline_2016", note="students suspended at least once"),
        "2015-16": _pub(4.3, "dese_discipline_2016", note="students suspended at least once"),
        "2021-22": _pub(100 * 39_676 / 943_549, _R, 0.01),
    },
    "chronic_absence": {
        "2017-18": _pub(13.2, "necn_2021"),
        "2018-19": _pub(12.9, _E),
        "2019-20": _pub(13.0, "necn_2021", 1.0, "to 2 March 2020"),
        "2020-21": _pub(17.0, "necn_2021", 1.0, "to March 2021"),
        "2021-22": _pub(27.7, _E),
        "2022-23": _pub(22.2, _E),
        "2023-24": _pub(19.7, _E),
        "2024-25": _pub(18.8, "blog_absence_2025"),
    },
    "graduation_4yr": {
        "2014-15": _pub(87.3, _N15),
        "2015-16": _pub(87.5, _G18),
        "2016-17": _pub(88.3, _G18),
        "2017-18": _pub(87.9, _PG),
        "2018-19": _pub(88.0, _N19),
        "2019-20": _pub(89.0, _N20),
        "2020-21": _pub(89.8, _P21),
        "2022-23": _pub(89.2, "globe_grad_2024"),
    },
}
# The sample's cohort-to-enrollment tilt: four-year cohorts are Whiter than the whole enrollment (in 2021 the
# cohort was 60.6% White while 56% of students were).
COHORT_WHITE_TILT = 1.15
STATEWIDE_COHORT = 74_000  # about 73,000-75,000 a year (DESE)


def calibration_targets() -> pd.DataFrame:
    """Every target the sample is calibrated to, and the published All Students figures it is checked against:
    measure, school_year, student_group, value (a fraction 0-1; the VOCAL index in points), status
    (published, interpolated, derived or plausible), precision (points), source, address, note."""
    rows: list[tuple] = []

    def grid(measure: str, table: dict[str, tuple], years: tuple[str, ...] | list[str]) -> None:
        for group, cells in table.items():
            if len(cells) != len(years):
                raise ValueError(f"{measure} {group}: {len(cells)} targets for {len(years)} years")
            known = [i for i, c in enumerate(cells) if c is not None]
            for i, (year, cell) in enumerate(zip(years, cells, strict=True)):
                if isinstance(cell, Published):
                    found = ("published", cell.precision, cell.source, cell.note)
                elif isinstance(cell, Chosen):
                    found = ("plausible", None, "", cell.note)
                elif cell is not None:
                    found = ("plausible", None, "", "no published figure found")
                else:
                    lo, hi = max(k for k in known if k < i), min(k for k in known if k > i)
                    a, b = _value(cells[lo]), _value(cells[hi])
                    cell = a + (b - a) * (i - lo) / (hi - lo)
                    found = ("interpolated", None, "", f"between {years[lo]} and {years[hi]}")
                rows.append((measure, year, group, _value(cell), *found))

    grid("out_of_school_suspension", OUT_OF_SCHOOL_SUSPENSION, EXPERIENCE_YEARS)
    oss = {(r[1], r[2]): r[3] for r in rows}
    share = {g: _value(OUT_OF_SCHOOL_SUSPENSION[g][EXPERIENCE_YEARS.index("2021-22")])
             / STUDENTS_DISCIPLINED["2021-22"][g].value for g in d.RACES}  # fmt: skip
    for year in EXPERIENCE_YEARS:
        for group in d.RACES:
            cell = STUDENTS_DISCIPLINED.get(year, {}).get(group)
            if cell is not None:
                rows.append(("students_disciplined", year, group, cell.value, "published", cell.precision,
                             cell.source, cell.note))  # fmt: skip
            else:
                note = (
                    "the suspension target ÷ the share of those disciplined suspended out of school, 2021-22"
                )
                rows.append(("students_disciplined", year, group, oss[year, group] / share[group], "derived", None,
                             "", note))  # fmt: skip
    grid("chronic_absence", CHRONIC_ABSENCE, EXPERIENCE_YEARS)
    grid("graduation_4yr", GRADUATION_4YR, EXPERIENCE_YEARS)
    grid("climate_index", CLIMATE_INDEX, CLIMATE_YEARS)
    for measure, checks in CHECKS.items():
        for year, cell in checks.items():
            note = "; ".join(
                n for n in (cell.note, "a check: All Students is the sum of the race groups") if n
            )
            rows.append(
                (measure, year, ALL_STUDENTS, cell.value, "published", cell.precision, cell.source, note)
            )
    frame = pd.DataFrame(
        rows,
        columns=["measure", "school_year", "student_group", "value", "status", "precision", "source", "note"],
    )
    rate = frame["measure"] != "climate_index"
    frame.loc[rate, "value"] = frame.loc[rate, "value"] / 100
    frame.loc[rate, "precision"] = frame.loc[rate, "precision"] / 100
    frame["address"] = frame["source"].map(lambda s: SOURCES[s][1] if s else "")
    frame["source"] = frame["source"].map(lambda s: SOURCES[s][0] if s else "")
    order = {m: i for i, m in enumerate(dict.fromkeys(frame["measure"]))}
    groups = {g: i for i, g in enumerate((ALL_STUDENTS, *d.RACES))}
    frame = frame.sort_values(
        ["measure", "school_year", "student_group"],
        key=lambda s: (
            s.map(order) if s.name == "measure" else s.map(groups) if s.name == "student_group" else s
        ),
    )
    return frame[
        [
            "measure",
            "school_year",
            "student_group",
            "value",
            "status",
            "precision",
            "source",
            "address",
            "note",
        ]
    ].reset_index(drop=True)


def _value(cell: Published | Chosen | float) -> float:
    return cell.value if isinstance(cell, Published | Chosen) else float(cell)


# How much faster the gap narrows, per year since joining (at most STORY_YEARS), in the Influence 100
# organizations where it does: on the logit scale for rates, in index points for VOCAL. About 0.25 points of
# suspension, 0.7 of chronic absence, 0.7 of graduation and 0.4 index points a year, varying by organization.
STORY_STEP = {"discipline": 0.09, "attendance": 0.035, "graduation": 0.045, "climate": 0.4}
STORY_YEARS = 6
NARROWING_SHARE = 0.6  # of Influence 100 organizations, chosen at random with the seed


class _Experience:
    """The four reports for every organization with enrollment, as arrays over organization × year × race."""

    def __init__(self, enrollment: pd.DataFrame, participation: pd.DataFrame, orgs: list[_Org], seed: int):
        self.rng = rng = np.random.default_rng(seed + 21)
        self.targets = calibration_targets()
        years = EXPERIENCE_YEARS
        counts = enrollment.astype({"students": int}).pivot_table(
            index=["org_code", "school_year"], columns="race", values="students", aggfunc="sum", fill_value=0
        )
        by_code = {o.code: o for o in orgs}
        self.codes = sorted(set(enrollment["org_code"]))
        self.orgs = [by_code[c] for c in self.codes]
        n_org, n_year, n_race = len(self.codes), len(years), len(d.RACES)
        enrolled = np.zeros((n_org, n_year, n_race))
        for (code, year), row in counts.iterrows():
            enrolled[self.codes.index(code), years.index(year)] = [row.get(r, 0) for r in d.RACES]
        # Before the sample's enrollment (2016-17) each organization is counted back from its 2016-17 make-up:
        # a little larger and a little Whiter each year back (38.7% of color in 2016-17, about 37% in 2014-15).
        first = years.index(FIRST_YEAR)
        back = np.array([0.978 if r != d.WHITE else 1.013 for r in d.RACES])
        for k in range(first - 1, -1, -1):
            enrolled[:, k] = np.round(enrolled[:, k + 1] * back)
        self.n = enrolled
        self.active = enrolled.sum(axis=2) > 0
        total = enrolled.sum(axis=2)
        start = np.where(total[:, first] > 0, first, self.active.argmax(axis=1))
        of_color = 1 - enrolled[np.arange(n_org), start, -1] / np.maximum(total[np.arange(n_org), start], 1)
        self.of_color = of_color
        urban = _logit(np.clip(of_color, 0.02, 0.98))
        urban = (urban - urban.mean()) / urban.std()
        self.urban = urban
        self.lean = 0.7 * urban + 0.7 * rng.normal(size=n_org)  # an organization's own lean, all measures
        self.size = total[np.arange(n_org), start]
        self.kind = np.array([o.org_type for o in self.orgs])
        # Influence 100: the year each joined; in some the gap narrows faster from then on.
        joined = participation.groupby("org_code")["school_year"].min()
        self.joined = {c: years.index(y) for c, y in joined.items() if c in self.codes and y in years}
        members = sorted(self.joined)
        narrowing = [c for c in members if rng.random() < NARROWING_SHARE]
        self.narrowing = tuple(narrowing)
        strength = np.zeros(n_org)
        story = np.zeros((n_org, n_year))
        for c in narrowing:
            i = self.codes.index(c)
            strength[i] = rng.uniform(0.6, 1.4)
            since = np.arange(n_year) - self.joined[c] + 1
            story[i] = np.clip(since, 0, STORY_YEARS) * strength[i]
        self.story = story
        # Every organization's gap drifts a little of its own accord, narrowing in some and widening in others.
        self.drift = np.outer(rng.normal(0, 0.015, n_org), np.arange(n_year) - years.index("2019-20"))
        self.colour = np.array([r != d.WHITE for r in d.RACES], dtype=float)
        # Which organizations have a high school (graduation) and which grades they survey (VOCAL): every
        # vocational school; most districts but the smallest (towns whose students go on to a regional school);
        # about half the charter schools.
        draw = rng.random(n_org)
        charter, vocational = self.kind == "charter", self.kind == "vocational"
        self.high_school = vocational | np.where(charter, draw < 0.45, (self.size >= 900) | (draw < 0.35))
        self.shares = {
            group: np.clip((low + (high - low) * of_color) * np.exp(rng.normal(0, 0.15, n_org)), 0.01, 0.95)
            for group, (low, high) in NON_RACE_SHARES.items()
        }

    # --- shared pieces ---------------------------------------------------------------------------------------

    def target(self, measure: str, year: str, group: str) -> float:
        t = self.targets
        hit = t[(t.measure == measure) & (t.school_year == year) & (t.student_group == group)]
        return float(hit["value"].iloc[0])

    def latent(self, lean: float, spread: float, step: float, better: int) -> np.ndarray:
        """Logits before calibration: the organization's lean, the race's own spread within it, a common
        year-to-year wobble, each organization's drift of the gap, and the narrowing where it happens
        (`better` is -1 where lower is better)."""
        rng = self.rng
        n_org, n_year, n_race = self.n.shape
        base = lean * self.lean[:, None, None] + rng.normal(0, spread, (n_org, 1, n_race))
        wobble = rng.normal(0, 0.06, (n_org, n_year, 1)) + rng.normal(0, 0.03, (n_org, n_year, n_race))
        gap = better * (self.drift + step * self.story)[:, :, None] * self.colour[None, None, :]
        return base + wobble + gap

    def grid(self, measure: str) -> np.ndarray:
        """The targets of a measure as year × race (NaN for a year it has none)."""
        t = self.targets[(self.targets.measure == measure) & (self.targets.student_group != ALL_STUDENTS)]
        out = np.full((len(EXPERIENCE_YEARS), len(d.RACES)), np.nan)
        for row in t.itertuples():
            out[EXPERIENCE_YEARS.index(row.school_year), d.RACES.index(row.student_group)] = row.value
        return out

    @staticmethod
    def calibrate(latent: np.ndarray, weights: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Probabilities whose average by year and race, weighted, is the target there (0 where none)."""
        out = np.zeros_like(latent)
        for k, j in zip(*np.nonzero(~np.isnan(targets)), strict=True):
            w = weights[:, k, j]
            if w.sum() > 0:
                out[:, k, j] = _calibrate(latent[:, k, j], w, targets[k, j])
        return out

    def counted(self, n: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Whole numbers of n × p, each within one of it, rounded systematically across organizations in a
        random order per year and race, so that every total (statewide, or over any many organizations) is
        within a hair of its expected value: calibrated counts without the noise of random draws."""
        expected = np.broadcast_to(n * p, n.shape).transpose(1, 2, 0)  # year × race × organization
        order = np.argsort(self.rng.random(expected.shape), axis=2)
        running = np.round(np.cumsum(np.take_along_axis(expected, order, axis=2), axis=2))
        counts = np.empty_like(expected)
        np.put_along_axis(counts, order, np.diff(running, axis=2, prepend=0), axis=2)
        return np.minimum(counts.transpose(2, 0, 1), n).astype(int)

    def share_of(self, group: str) -> np.ndarray:
        """A non-race group's share of each organization's students (higher where more are of color), the same
        in every report."""
        return self.shares[group]

    # --- the four reports ------------------------------------------------------------------------------------

    def discipline(self) -> pd.DataFrame:
        """The Student Discipline Data Report: students, students disciplined and the share of students with
        each removal, by group. Rates blank where fewer than 6 students were disciplined."""
        rng, n = self.rng, self.n
        lean = self.latent(0.35, 0.25, STORY_STEP["discipline"], -1)
        students = n.astype(int)
        disciplined = self.counted(n, self.calibrate(lean, n, self.grid("students_disciplined")))
        # Suspension rates are published where 6 or more were disciplined: calibrated on those, so that the
        # statewide rate a reader can compute from the file is the target.
        shown = disciplined >= FEWEST_COUNTED
        per_student = (n * shown).sum(axis=0) / np.maximum((disciplined * shown).sum(axis=0), 1)
        share_target = self.grid("out_of_school_suspension") * per_student
        share = _sigmoid(0.2 * lean + rng.normal(0, 0.15, n.shape))
        q = self.calibrate(_logit(share), disciplined * shown, share_target)
        in_school_share = np.array(
            [0.29, 0.38, 0.34, 0.39, 0.39, 0.38, 0.45]
        )  # of those disciplined, 2021-22
        in_school = _sigmoid(_logit(in_school_share)[None, None, :] + 0.6 * rng.normal(size=(len(n), 1, 1)))
        removals = {
            "pct_in_school_suspension": in_school,
            "pct_out_of_school_suspension": q,
            "pct_expulsion": 0.004,
            "pct_alternate_setting": 0.003,
            "pct_emergency_removal": 0.07,
            "pct_school_based_arrest": 0.005,
            "pct_law_enforcement_referral": 0.008,
        }
        removed = {
            k: self.counted(disciplined, share)
            if k == "pct_out_of_school_suspension"
            else rng.binomial(disciplined, share)
            for k, share in removals.items()
        }
        # All Students, then the non-race groups: disciplined at a multiple of All Students' rate, each removal
        # at All Students' share of those disciplined.
        all_n, all_hit = students.sum(axis=2), disciplined.sum(axis=2)
        all_removed = {k: v.sum(axis=2) for k, v in removed.items()}
        extra_n, extra_hit, extra_removed = [], [], {k: [] for k in removals}
        for group, ratio in {
            "Low Income": 1.55,
            "English Learners": 1.05,
            "Students with Disabilities": 1.7,
        }.items():
            size = np.round(all_n * self.share_of(group)[:, None]).astype(int)
            hit = rng.binomial(size, np.clip(all_hit / np.maximum(all_n, 1) * ratio, 0, 0.9))
            extra_n.append(size)
            extra_hit.append(hit)
            for k in removals:
                extra_removed[k].append(rng.binomial(hit, all_removed[k] / np.maximum(all_hit, 1)))
        base = _by_group(all_n, students, extra_n)
        hit = _by_group(all_hit, disciplined, extra_hit)
        frame, at = self._cells(base > 0)
        frame["students"] = _whole(base[at])
        frame["students_disciplined"] = _whole(hit[at])
        shown = hit[at] >= FEWEST_COUNTED
        year = frame["school_year"].to_numpy()
        for k in removals:
            count = _by_group(all_removed[k], removed[k], extra_removed[k])[at]
            blank = ~shown
            if k == "pct_school_based_arrest":
                blank |= year < ARREST_FIRST_YEAR
            if k == "pct_law_enforcement_referral":
                blank |= year < REFERRAL_FIRST_YEAR
            frame[k] = _fraction(count / base[at], blank)
        return frame

    def attendance(self) -> pd.DataFrame:
        """Student Attendance (end of year) by group: the attendance rate, average absences and the shares
        absent 10 or more days, chronically absent (10% or more; 20% or more from 2021-22) and unexcused more
        than 9 days. Blank for a group of fewer than 6 students."""
        rng, n = self.rng, self.n
        students = n.astype(int)
        p = self.calibrate(
            self.latent(0.3, 0.2, STORY_STEP["attendance"], -1),
            n * (n >= FEWEST_COUNTED),
            self.grid("chronic_absence"),
        )
        n_org = len(n)
        partial = np.array([y == "2019-20" for y in EXPERIENCE_YEARS])  # counted to 2 March 2020
        days = np.where(partial, 117.0, 178.0)[None, :, None]
        more = rng.uniform(0.18, 0.30, (n_org, 1, 1)) * np.where(partial, 0.7, 1.0)[None, :, None]
        chronic = self.counted(n, p)
        counts = {
            "pct_chronically_absent": chronic,
            "pct_absent_10_days": chronic + rng.binomial(students - chronic, more),
            "pct_chronically_absent_20": rng.binomial(chronic, rng.uniform(0.28, 0.38, (n_org, 1, 1))),
        }
        counts["pct_unexcused_over_9_days"] = rng.binomial(
            counts["pct_absent_10_days"], rng.uniform(0.1, 0.9, (n_org, 1, 1))
        )
        rate = chronic / np.maximum(students, 1)
        absences = (4.5 + 38 * rate + rng.normal(0, 0.4, n.shape)).clip(0.5) * days / 178 * students
        all_n = students.sum(axis=2)
        all_counts = {k: v.sum(axis=2) for k, v in counts.items()}
        all_absences = absences.sum(axis=2)
        extra_n, extra_counts, extra_absences = [], {k: [] for k in counts}, []
        for group, ratio in {
            "Low Income": 1.55,
            "English Learners": 1.4,
            "Students with Disabilities": 1.5,
        }.items():
            size = np.round(all_n * self.share_of(group)[:, None]).astype(int)
            share = all_counts["pct_chronically_absent"] / np.maximum(all_n, 1)
            group_chronic = rng.binomial(size, np.clip(share * ratio, 0, 0.95))
            extra_n.append(size)
            for k in counts:
                of_chronic = all_counts[k] / np.maximum(all_counts["pct_chronically_absent"], 1)
                if k == "pct_chronically_absent":
                    extra_counts[k].append(group_chronic)
                elif k == "pct_chronically_absent_20":
                    extra_counts[k].append(rng.binomial(group_chronic, np.clip(of_chronic, 0, 1)))
                else:
                    extra_counts[k].append(np.minimum(size, np.round(group_chronic * of_chronic).astype(int)))
            extra_absences.append(all_absences / np.maximum(all_n, 1) * ratio**0.5 * size)
        base = _by_group(all_n, students, extra_n)
        frame, at = self._cells(base > 0)
        size = base[at]
        blank = size < FEWEST_COUNTED
        per_day = _by_group(all_absences, absences, extra_absences)[at] / np.maximum(size, 1)
        frame["attendance_rate"] = _fraction(1 - per_day / days[0, at[1], 0], blank)
        frame["average_absences"] = _fraction(per_day, blank, decimals=1)
        year = frame["school_year"].to_numpy()
        for k in ("pct_absent_10_days", "pct_chronically_absent", "pct_chronically_absent_20",
                  "pct_unexcused_over_9_days"):  # fmt: skip
            count = _by_group(all_counts[k], counts[k], extra_counts[k])[at]
            gone = blank | (year < CHRONIC_20_FIRST_YEAR) if k == "pct_chronically_absent_20" else blank
            frame[k] = _fraction(count / np.maximum(size, 1), gone)
        return frame

    def graduation(self) -> pd.DataFrame:
        """Four-year cohort graduation by group, for organizations with a high school: the cohort and its
        outcomes. Rates blank for a cohort of fewer than 6."""
        rng, n = self.rng, self.n
        n_org, n_year, _ = n.shape
        high_school = self.high_school
        tilt = np.array([COHORT_WHITE_TILT if r == d.WHITE else 1.0 for r in d.RACES])
        reach = (
            np.where(self.kind == "vocational", 0.24, 1.0)[:, None, None] * high_school[:, None, None] * tilt
        )
        voc = self.kind == "vocational"
        share = np.empty((n_org, n_year, 1))
        for k in range(n_year):
            fixed = (n[voc, k] * reach[voc, 0]).sum()
            rest = (n[~voc, k] * reach[~voc, 0]).sum()
            share[:, k, 0] = np.where(voc, 1.0, (STATEWIDE_COHORT - fixed) / rest)
        cohort = rng.binomial(n.astype(int), np.clip(reach * share, 0, 1))
        p = self.calibrate(
            self.latent(-0.3, 0.25, STORY_STEP["graduation"], 1),
            cohort * (cohort >= FEWEST_COUNTED),
            self.grid("graduation_4yr"),
        )
        graduated = self.counted(cohort, p)
        rest = cohort - graduated
        still = rng.binomial(rest, 0.45)
        completers = rng.binomial(rest - still, 0.12)
        equivalency = rng.binomial(rest - still - completers, 0.08)
        excluded = rng.binomial(rest - still - completers - equivalency, 0.004)
        dropped = rest - still - completers - equivalency - excluded
        outcomes = {  # the report's order
            "pct_graduated": graduated,
            "pct_still_in_school": still,
            "pct_non_grad_completers": completers,
            "pct_hs_equivalency": equivalency,
            "pct_dropped_out": dropped,
            "pct_permanently_excluded": excluded,
        }
        all_n = cohort.sum(axis=2)
        all_out = {k: v.sum(axis=2) for k, v in outcomes.items()}
        extra_n, extra_out = [], {k: [] for k in outcomes}
        for group, shift in {
            "Low Income": -0.75,
            "English Learners": -1.3,
            "Students with Disabilities": -1.0,
        }.items():
            size = np.round(all_n * self.share_of(group)[:, None]).astype(int)
            rate = all_out["pct_graduated"] / np.maximum(all_n, 1)
            grads = rng.binomial(size, _sigmoid(_logit(np.clip(rate, 0.02, 0.995)) + shift))
            extra_n.append(size)
            left = size - grads
            non_grads = np.maximum(all_n - all_out["pct_graduated"], 1)
            placed = grads.copy()
            parts = {"pct_graduated": grads}
            for k in ("pct_still_in_school", "pct_non_grad_completers", "pct_hs_equivalency",
                      "pct_permanently_excluded"):  # fmt: skip
                parts[k] = np.minimum(np.round(left * all_out[k] / non_grads).astype(int), size - placed)
                placed = placed + parts[k]
            parts["pct_dropped_out"] = size - placed
            for k in outcomes:
                extra_out[k].append(parts[k])
        base = _by_group(all_n, cohort, extra_n)
        frame, at = self._cells(base > 0)
        size = base[at]
        frame["cohort_count"] = _whole(size)
        blank = size < FEWEST_COUNTED
        for k in outcomes:
            frame[k] = _fraction(_by_group(all_out[k], outcomes[k], extra_out[k])[at] / size, blank)
        return frame

    def climate(self) -> pd.DataFrame:
        """VOCAL index scores (overall, engagement, safety, environment) by group, every grade together, and by
        grade for All Students and White students; with the number who answered. Blank where fewer than 10
        answered."""
        rng, n = self.rng, self.n
        n_org = len(n)
        k_years = [EXPERIENCE_YEARS.index(y) for y in CLIMATE_YEARS]
        grades = (4, 5, 8, 10)
        offset = np.array([7.0, 5.0, -4.0, -6.0])
        # The grades each organization surveys.
        draw = rng.random(n_org)
        hs = self.high_school
        has = np.zeros((n_org, len(grades)), dtype=bool)
        has[:] = True
        has[self.kind == "vocational"] = [False, False, False, True]
        charter = self.kind == "charter"
        has[charter & hs] = [False, False, True, True]
        has[charter & ~hs] = [True, True, True, False]
        elementary = (self.kind == "district") & ~hs
        has[elementary & (draw < 0.5)] = [True, True, False, False]
        has[elementary & (draw >= 0.5)] = [True, True, True, False]
        per_grade = np.where(self.kind == "vocational", 0.25, 1 / 13)
        answered = rng.uniform(0.55, 0.95, (n_org, len(k_years)))
        answered[:, CLIMATE_YEARS.index("2020-21")] *= 0.75
        pupils = n[:, k_years].astype(int)  # org × year × race
        asked = (
            np.round(pupils[..., None] * per_grade[:, None, None, None]).astype(int) * has[:, None, None, :]
        )
        asked[:, CLIMATE_YEARS.index("2017-18"), :, 0] = 0  # grade 4 surveyed from 2019 on
        said = rng.binomial(asked, answered[:, :, None, None])  # org × year × race × grade
        # Index scores at the finest level: the organization's lean, the race's spread within it, a wobble,
        # the drift and narrowing of the gap, the grade, and sampling noise.
        years = len(k_years)
        step = STORY_STEP["climate"]
        gap = (10 * self.drift[:, k_years] + step * self.story[:, k_years])[:, :, None] * self.colour
        level = (
            -1.5 * self.lean[:, None, None]
            + rng.normal(0, 1.2, (n_org, 1, len(d.RACES)))
            + rng.normal(0, 0.8, (n_org, years, 1))
            + gap
        )[..., None] + offset
        level = level + rng.normal(0, 1, said.shape) * 9 / np.sqrt(np.maximum(said, 1))
        targets = self.grid("climate_index")[k_years]
        for k in range(years):
            for j in range(len(d.RACES)):
                w = said[:, k, j, :] * (said[:, k, j, :].sum(axis=1, keepdims=True) >= FEWEST_RESPONDENTS)
                if w.sum() > 0:
                    level[:, k, j, :] += targets[k, j] - (level[:, k, j, :] * w).sum() / w.sum()
        dims = {
            "index_overall": level,
            "index_engagement": level
            + rng.normal(-1, 1.2, (n_org, 1, 1, 1))
            + rng.normal(0, 0.5, level.shape),
            "index_safety": level + rng.normal(2, 1.5, (n_org, 1, 1, 1)) + rng.normal(0, 0.5, level.shape),
            "index_environment": level
            + rng.normal(-1, 1.2, (n_org, 1, 1, 1))
            + rng.normal(0, 0.5, level.shape),
        }
        dims = {k: v.clip(1, 99) for k, v in dims.items()}
        frames = []
        # Every grade together, All Students and the race groups; then grade by grade, All Students.
        race_n = said.sum(axis=3)
        race_sum = {k: (v * said).sum(axis=3) for k, v in dims.items()}
        race_groups = (ALL_STUDENTS, *d.RACES)
        cuts = [(ALL_GRADES, race_groups, _by_group(race_n.sum(axis=2), race_n), race_sum)]
        for g, grade in enumerate(grades):
            grade_n = said[:, :, :, g].sum(axis=2, keepdims=True)
            sums = {k: (v[:, :, :, g] * said[:, :, :, g]).sum(axis=2, keepdims=True) for k, v in dims.items()}
            cuts.append((str(grade), (ALL_STUDENTS,), grade_n, sums))
        for grade, groups, n_group, sums in cuts:
            frame, at = self._cells(n_group > 0, years=CLIMATE_YEARS, groups=groups)
            frame.insert(3, "grade", grade)
            size = n_group[at]
            for k in dims:
                total = sums[k] if len(groups) == 1 else _by_group(sums[k].sum(axis=2), sums[k])
                frame[k] = _fraction(total[at] / np.maximum(size, 1), size < FEWEST_RESPONDENTS, decimals=1)
            frame["respondents"] = _whole(size)
            frames.append(frame)
        out = pd.concat(frames, ignore_index=True)
        order = {g: i for i, g in enumerate(GROUPS)}
        grade_order = {"All": 0, **{str(g): i + 1 for i, g in enumerate(grades)}}
        out = out.sort_values(
            ["school_year", "org_code", "student_group", "grade"],
            key=lambda s: (
                s.map(order) if s.name == "student_group" else s.map(grade_order) if s.name == "grade" else s
            ),
            kind="stable",
        )
        return out.reset_index(drop=True)

    def _cells(
        self,
        present: np.ndarray,
        years: tuple[str, ...] | list[str] = EXPERIENCE_YEARS,
        groups: tuple[str, ...] = (),
    ) -> tuple[pd.DataFrame, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The rows to write (organization × year × group where `present`), in order of year, organization and
        group, and their positions in the arrays."""
        if not groups:
            # The non-race groups from 2021-22 on only (when DESE's "Low Income" returned): enough to exercise
            # them, at a third less bulk.
            groups = GROUPS
            recent = np.array([y >= NON_RACE_FIRST_YEAR for y in years])
            present = present & (
                recent[None, :, None] | (np.arange(len(groups)) <= len(d.RACES))[None, None, :]
            )
        y, o, g = np.nonzero(present.transpose(1, 0, 2))
        frame = pd.DataFrame(
            {
                "school_year": np.array(years)[y],
                "org_code": np.array(self.codes)[o],
                "student_group": np.array(groups)[g],
            }
        )
        return frame, (o, y, g)


GROUPS = (ALL_STUDENTS, *d.RACES, *NON_RACE_GROUPS)


def _by_group(all_: np.ndarray, races: np.ndarray, extra: list[np.ndarray] | None = None) -> np.ndarray:
    """All Students, the race groups and the non-race groups side by side (organization × year × group)."""
    parts = [all_[:, :, None], races] + ([np.stack(extra, axis=2)] if extra else [])
    return np.concatenate(parts, axis=2).astype(float)


def _whole(values: np.ndarray) -> np.ndarray:
    return np.array([str(int(v)) for v in values], dtype=object)


def _fraction(values: np.ndarray, blank: np.ndarray, decimals: int = 3) -> np.ndarray:
    """Rates as DESE rounds them (0.1 points: three decimals of a fraction), written short ('0.035', '0');
    empty where not published."""
    out = np.empty(len(values), dtype=object)
    for i, (v, b) in enumerate(zip(values, blank, strict=True)):
        out[i] = "" if b else (f"{v:.{decimals}f}".rstrip("0").rstrip(".") or "0")
    return out


def students_experience(
    enrollment: pd.DataFrame, participation: pd.DataFrame, orgs: list[_Org], seed: int = SEED
) -> dict[str, pd.DataFrame]:
    """The four reports of students' experience for every organization with enrollment, and the calibration
    table, keyed by file name. A generator of its own (seed + 21), so the other sample files stay as they were."""
    e = _Experience(enrollment, participation, orgs, seed)
    return {
        "student_discipline": e.discipline(),
        "student_attendance": e.attendance(),
        "graduation": e.graduation(),
        "climate_survey": e.climate(),
        CALIBRATION_NAME: _calibration_text(e.targets),
    }


def _calibration_text(targets: pd.DataFrame) -> pd.DataFrame:
    out = targets.copy()
    rate = out["measure"] != "climate_index"
    out["value"] = [
        f"{v:.5f}".rstrip("0").rstrip(".") if r else f"{v:.1f}"
        for v, r in zip(out["value"], rate, strict=True)
    ]
    out["precision"] = ["" if pd.isna(p) else f"{p:g}" for p in out["precision"]]
    return out


def _norm(mix: dict[str, float]) -> np.ndarray:
    p = np.array(list(mix.values()))
    return p / p.sum()


def _round_to_total(values: np.ndarray, total: int) -> np.ndarray:
    """Integers summing to `total`, as close to `values` as possible (largest remainder)."""
    floor = np.floor(values).astype(int)
    rest = total - floor.sum()
    if rest > 0:
        floor[np.argsort(-(values - floor))[:rest]] += 1
    return floor


def generate(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """All sample tables, keyed by file name (same seed, same tables)."""
    g = _Generator(seed)
    enrollment, teachers, students_by_year = g.enrollment_and_teachers()
    staffing = pd.concat(
        [
            g.superintendents(),
            g.school_leaders("Assistant Superintendent", students_by_year),
            g.school_leaders("Principal", students_by_year),
            teachers,
        ],
        ignore_index=True,
    )
    fellows = g.fellows()
    participation = g.participation(fellows)
    leaders = g.equity_leaders()
    return {
        "staffing": staffing,
        "enrollment": enrollment,
        "fellows": fellows,
        "participation": participation,
        "equity_leaders": leaders,
        "amsel_members": amsel_members(leaders, g.orgs, seed),
        **students_experience(enrollment, participation, g.orgs, seed),
    }


def write_sample(directory: Path = SAMPLE_DIR, seed: int = SEED) -> dict[str, Path]:
    """Write the sample tables as CSV files in `directory`; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, frame in generate(seed).items():
        path = directory / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL, float_format="%.1f")
        paths[name] = path
    return paths


def read_sample(directory: Path = SAMPLE_DIR) -> dict[str, pd.DataFrame]:
    """The bundled sample tables, typed as the warehouse stores them."""
    frames = {}
    for name in SAMPLE_FILES:
        frame = pd.read_csv(directory / f"{name}.csv", dtype=str, keep_default_na=False)
        frames[name] = frame.replace({"": None})
    return frames


if __name__ == "__main__":
    for _name, path in write_sample().items():
        print(f"wrote {path.relative_to(PROJECT_ROOT)}")
