"""The sample's organizations and people: enrollment and staffing by race, superintendents, principals and
teachers calibrated to the statewide shares DESE published, the Influence 100 Fellows and participating
organizations, equity leaders and the AMSEL network. Synthetic counts for the real organizations; see
analytics/sample.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import definitions
from analytics.contracts import FELLOWS
from analytics.definitions import school_years_between, spring_year
from analytics.paths import DATA_DIR

SEED = 2019
ORGANIZATIONS_FILE = DATA_DIR / "organizations.csv"
FIRST_YEAR, LAST_YEAR = "2016-17", "2024-25"
YEARS = school_years_between(FIRST_YEAR, LAST_YEAR)

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
                for race, c in zip((*STUDENT_MIX, definitions.WHITE), (*counts, white), strict=True):
                    if c > 0:
                        enrol.append((sy, code, race, int(c)))
                fte = teachers[i]
                of_color = _split(fte * t_share[j], STAFF_MIX, self.student_lean[i], self.rng)
                for race, v in zip(
                    (*STAFF_MIX, definitions.WHITE), (*of_color, fte * (1 - t_share[j])), strict=True
                ):
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
                race = (
                    self.rng.choice(list(STAFF_MIX), p=_norm(STAFF_MIX)) if of_color[i] else definitions.WHITE
                )
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
                for race, c in zip((*STAFF_MIX, definitions.WHITE), (*counts, posts[i] - k), strict=True):
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
                race = rng.choice(list(STAFF_MIX), p=_norm(STAFF_MIX)) if poc_flags[k] else definitions.WHITE
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
    years = [y for y in years if y >= definitions.AMSEL_FIRST_YEAR]
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
