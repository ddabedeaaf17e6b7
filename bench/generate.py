"""The bench's data, generated deterministically (fixed seeds) into bench/work/:

- a Massachusetts-scale warehouse: the project's ~410 real organizations, staff for 10 school years in
  every job class and race/ethnicity (about 61,000 teacher FTE, 1,850 schools' worth rolled up to their
  districts), students, the bundled sample's program lists (Fellows, participation, equity leaders, AMSEL)
  and students' reports (discipline, attendance, graduation, climate), and a release of its figures;
- a national-scale warehouse: 13,000 synthetic organizations, 10 school years, 8 job classes x 7
  race/ethnicity categories (about 3.5 million educators a year), students, modest program lists, and a
  release of its figures;
- a 100,000-row per-person roster CSV as an HR system exports it (Windows-1252, CRLF, names and employee
  ids the importer must drop, codes that lost their leading zeros, HR spellings of race);
- a 50,000-row XLSX in the shape of DESE's open-data extract (State, District and School rows).

Facts go in through `analytics.store.save_upload`, the app's own write path, so every row carries its
upload id, the uploads log and statuses are what the app writes, and the current_* views and metrics run on
them unchanged. Each school year's staffing and enrollment is one upload (as DESE loads a year's file),
plus one later correction that supersedes part of the latest year.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from analytics import access, definitions, releases
from analytics.contracts import (
    ENROLLMENT,
    EQUITY_LEADERS,
    FACT_KINDS,
    FELLOWS,
    ORGANIZATIONS,
    PARTICIPATION,
    STAFFING,
)
from analytics.sample import SAMPLE_DIR
from analytics.sample_workforce import load_organizations
from analytics.seed import ensure_organizations, ensure_ready, read_typed_csv
from analytics.sql_files import sql
from analytics.store import save_upload
from analytics.warehouse import connect
from analytics.writes import one_change

YEARS = definitions.school_years_between("2015-16", "2024-25")
PROGRAM_YEARS = YEARS[YEARS.index("2019-20") :]
UPLOADER = "bench generator"
STATE_SEED, NATIONAL_SEED, ROSTER_SEED, XLSX_SEED = 2015, 2016, 2017, 2018

# Staff of each job class per teacher FTE (the Teacher and Superintendent rows are set apart), and the
# statewide share of people of color each class starts from in 2015-16.
STAFF_PER_TEACHER = {
    "Assistant Superintendent": 0.003,
    "Principal": 0.033,
    "Assistant Principal": 0.023,
    "Teacher": 1.0,
    "Central Office Administrator": 0.04,
    "Paraprofessional": 0.30,
    "Other Staff": 0.45,
}
BASE_SHARE_OF_COLOR = {
    "Superintendent": 0.03,
    "Assistant Superintendent": 0.12,
    "Principal": 0.10,
    "Assistant Principal": 0.15,
    "Teacher": 0.075,
    "Central Office Administrator": 0.11,
    "Paraprofessional": 0.22,
    "Other Staff": 0.18,
}
# How people of color split across the six categories (the sample generator's statewide tendencies).
STAFF_MIX = np.array([0.38, 0.14, 0.37, 0.012, 0.005, 0.073])
STUDENT_MIX = np.array([0.22, 0.16, 0.52, 0.005, 0.002, 0.093])
POC_RACES = [r for r in definitions.RACES if r != definitions.WHITE]  # same order as the mixes above
RACE_ORDER = [*POC_RACES, definitions.WHITE]


@dataclass(frozen=True)
class Scale:
    """One warehouse's size."""

    name: str
    seed: int
    teacher_fte: float  # a year's teachers, all organizations
    logsize_sd: float  # spread of organization sizes (log scale)


MASSACHUSETTS = Scale("state", STATE_SEED, 61_000, 1.0)
NATIONAL = Scale("national", NATIONAL_SEED, 1_900_000, 1.3)  # x ~1.85 staff per teacher = 3.5 million
NATIONAL_ORGANIZATIONS = 13_000


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p):
    return np.log(p / (1 - p))


# --- organizations -----------------------------------------------------------------------------------


def national_organizations(n: int = NATIONAL_ORGANIZATIONS, seed: int = NATIONAL_SEED) -> pd.DataFrame:
    """13,000 synthetic organizations: 8-digit codes (two-digit state, four-digit district, '00'), a type
    and one of the dashboard's regions."""
    rng = np.random.default_rng(seed)
    state = np.arange(n) % 50 + 1
    seq = np.arange(n) // 50 + 1
    codes = [f"{s:02d}{q:04d}00" for s, q in zip(state, seq, strict=True)]
    org_type = rng.choice(definitions.ORG_TYPES, size=n, p=[0.80, 0.14, 0.04, 0.02])
    region = np.array(definitions.REGIONS)[
        (state * 3 + rng.integers(0, 2, size=n)) % len(definitions.REGIONS)
    ]
    names = [
        f"Synthetic {definitions.ORG_TYPE_NAMES[t]} {c[:2]}-{c[2:6]}"
        for c, t in zip(codes, org_type, strict=True)
    ]
    return pd.DataFrame({"org_code": codes, "name": names, "org_type": org_type, "region": region})


# --- staffing and enrollment ---------------------------------------------------------------------------


@dataclass
class Grid:
    """A warehouse's facts as arrays: staff FTE [org, year, job class, race] and students [org, year,
    race], races in RACE_ORDER."""

    codes: np.ndarray
    fte: np.ndarray
    students: np.ndarray


def staff_and_students(codes: np.ndarray, org_types: np.ndarray, scale: Scale) -> Grid:
    """Staff and students for every organization and school year, calibrated to the scale's totals."""
    rng = np.random.default_rng(scale.seed)
    n, n_years, jobs = len(codes), len(YEARS), list(definitions.JOB_CLASSES)
    size = rng.lognormal(0.0, scale.logsize_sd, size=n)
    size *= np.where(org_types == "collaborative", 0.15, 1.0)
    teachers = size / size.sum() * scale.teacher_fte
    growth = 1 + 0.004 * np.arange(n_years)  # staff grow a little each year
    latent = rng.normal(0.0, 0.9, size=n)  # how diverse an organization's community is
    trend = 0.045 * np.arange(n_years)  # shares of color rise each year (logit scale)

    fte = np.zeros((n, n_years, len(jobs), len(RACE_ORDER)))
    staff_mix = rng.dirichlet(STAFF_MIX * 30 + 0.05, size=n)  # [org, 6]
    for j, job in enumerate(jobs):
        logit = _logit(BASE_SHARE_OF_COLOR[job]) + latent[:, None] + trend[None, :]
        share = _sigmoid(logit + rng.normal(0, 0.15, size=(n, n_years)))
        if job == definitions.SUPERINTENDENT:  # one person: of color or not, in one category
            of_color = rng.random((n, n_years)) < share
            category = np.array([rng.choice(6, size=n_years, p=m) for m in staff_mix])
            fte[:, :, j, 6] = np.where(of_color, 0.0, 1.0)
            for c in range(6):
                fte[:, :, j, c] = np.where(of_color & (category == c), 1.0, 0.0)
            continue
        total = teachers[:, None] * STAFF_PER_TEACHER[job] * growth[None, :]
        total *= rng.lognormal(0, 0.05, size=(n, n_years))
        if job in ("Principal", "Assistant Superintendent"):
            total = np.maximum(np.round(total), 1.0 if job == "Principal" else 0.0)
        fte[:, :, j, 6] = total * (1 - share)
        fte[:, :, j, :6] = (total * share)[:, :, None] * staff_mix[:, None, :]
    fte = np.round(fte, 1)

    pupils = teachers * 13.5
    p_students = _sigmoid(_logit(0.39) + 1.3 * latent[:, None] + 0.05 * np.arange(n_years)[None, :])
    p_students = np.where((org_types == "collaborative")[:, None], 0.0, p_students)
    student_mix = rng.dirichlet(STUDENT_MIX * 30 + 0.05, size=n)
    students = np.zeros((n, n_years, len(RACE_ORDER)))
    students[:, :, 6] = pupils[:, None] * (1 - p_students)
    students[:, :, :6] = (pupils[:, None] * p_students)[:, :, None] * student_mix[:, None, :]
    return Grid(codes, fte, np.round(students))


def _categorical(values: list[str], codes: np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=values)


def staffing_frame(grid: Grid, year_index: int, orgs: np.ndarray | None = None) -> pd.DataFrame:
    """One school year's staffing facts in the contract's long form (every job class and race)."""
    orgs = np.arange(len(grid.codes)) if orgs is None else orgs
    jobs, races = len(definitions.JOB_CLASSES), len(RACE_ORDER)
    n = len(orgs)
    return pd.DataFrame(
        {
            "school_year": _categorical([YEARS[year_index]], np.zeros(n * jobs * races, dtype=np.int8)),
            "org_code": _categorical(list(grid.codes), np.repeat(orgs, jobs * races)),
            "job_class": _categorical(
                list(definitions.JOB_CLASSES), np.tile(np.repeat(np.arange(jobs), races), n)
            ),
            "race": _categorical(RACE_ORDER, np.tile(np.arange(races), n * jobs)),
            "fte": grid.fte[orgs, year_index].reshape(-1),
        }
    )


def enrollment_frame(grid: Grid, year_index: int) -> pd.DataFrame:
    """One school year's enrollment facts in the contract's long form."""
    n, races = len(grid.codes), len(RACE_ORDER)
    return pd.DataFrame(
        {
            "school_year": _categorical([YEARS[year_index]], np.zeros(n * races, dtype=np.int8)),
            "org_code": _categorical(list(grid.codes), np.repeat(np.arange(n), races)),
            "race": _categorical(RACE_ORDER, np.tile(np.arange(races), n)),
            "students": grid.students[:, year_index].reshape(-1).astype("int64"),
        }
    )


def _save(con, kind, frame: pd.DataFrame, name: str, scale: Scale, description: str) -> None:
    save_upload(
        con,
        kind,
        frame,
        file_name=name,
        sha256=_sha(f"{scale.name}/{name}"),
        actor=access.system(UPLOADER),
        description=description,
    )


def load_facts(con: duckdb.DuckDBPyConnection, grid: Grid, scale: Scale) -> None:
    """Each school year's staffing and enrollment as one upload; then a correction of 5% of the
    organizations' latest year, which supersedes those rows of the year's upload."""
    for y, year in enumerate(YEARS):
        _save(
            con,
            STAFFING,
            staffing_frame(grid, y),
            f"staffing_{year}.csv",
            scale,
            f"Bench staffing {year}, every organization",
        )
        _save(
            con,
            ENROLLMENT,
            enrollment_frame(grid, y),
            f"enrollment_{year}.csv",
            scale,
            f"Bench enrollment {year}",
        )
    rng = np.random.default_rng(scale.seed + 1)
    corrected = np.sort(rng.choice(len(grid.codes), size=max(1, len(grid.codes) // 20), replace=False))
    frame = staffing_frame(grid, len(YEARS) - 1, corrected)
    frame["fte"] = np.round(frame["fte"] * 1.02, 1)
    _save(
        con,
        STAFFING,
        frame,
        f"staffing_{YEARS[-1]}_corrections.csv",
        scale,
        "Bench staffing corrections, 5% of organizations",
    )


# --- Influence 100 lists (national scale; the state scale uses the bundled sample lists) ------------------


def program_lists(codes: np.ndarray, seed: int) -> dict[str, pd.DataFrame]:
    """Modest fellows, participation and equity-leader lists over `codes`."""
    rng = np.random.default_rng(seed)
    n = len(codes)
    fellows = []
    for cohort, start in enumerate(PROGRAM_YEARS[:7], start=1):
        for i in range(150):
            status = "active" if cohort >= 6 else rng.choice(definitions.FELLOW_STATUSES, p=[0.0, 0.85, 0.15])
            placed = status == "completed" and rng.random() < 0.3
            spring = definitions.spring_year(start) + int(rng.integers(2, 5))
            fellows.append(
                (
                    f"N-{cohort}-{i:03d}",
                    cohort,
                    start,
                    codes[rng.integers(n)],
                    rng.choice(definitions.FELLOW_ENTRY_ROLES, p=[0.4, 0.2, 0.3, 0.1]),
                    RACE_ORDER[rng.choice(7, p=[0.35, 0.1, 0.3, 0.02, 0.01, 0.07, 0.15])],
                    status,
                    rng.choice(["Superintendent", "Assistant Superintendent"]) if placed else None,
                    definitions.school_year_from_spring(spring) if placed else None,
                    codes[rng.integers(n)] if placed else None,
                )
            )
    taking_part = rng.permutation(n)[: n // 10]
    joined = np.array_split(taking_part, len(PROGRAM_YEARS))
    participation, members = [], np.array([], dtype=int)
    for k, year in enumerate(PROGRAM_YEARS):
        members = np.concatenate([members, joined[k]])
        for i in members:
            participation.append(
                (codes[i], year, "capacity building", bool(rng.random() < 0.1 * k), bool(rng.random() < 0.5))
            )
            if rng.random() < 0.2:
                participation.append((codes[i], year, "fellowship", False, False))
    leaders = rng.random(n) < 0.3
    amsel = leaders & (rng.random(n) < 0.3)
    equity = pd.DataFrame(
        {
            "org_code": np.tile(codes, len(PROGRAM_YEARS)),
            "school_year": np.repeat(PROGRAM_YEARS, n),
            "has_equity_leader": np.tile(leaders, len(PROGRAM_YEARS)),
            "amsel_member": np.tile(amsel, len(PROGRAM_YEARS)),
        }
    )
    return {
        "fellows": pd.DataFrame(fellows, columns=FELLOWS.column_names),
        "participation": pd.DataFrame(participation, columns=PARTICIPATION.column_names),
        "equity_leaders": equity,
    }


# --- the two warehouses ------------------------------------------------------------------------------


def build_state_warehouse(path: Path) -> dict[str, int]:
    """The Massachusetts-scale warehouse at `path` (replaced if it exists)."""
    _remove(path)
    con = connect(path)
    try:
        with one_change(con):  # one change of the data: its cut is kept once, at the end (kept.py)
            ensure_organizations(con)
            orgs = con.execute(sql("organization_types")).df()
            grid = staff_and_students(orgs["org_code"].to_numpy(), orgs["org_type"].to_numpy(), MASSACHUSETTS)
            load_facts(con, grid, MASSACHUSETTS)
            # The bundled sample's lists and students' reports are of the same 412 organizations.
            for kind in FACT_KINDS.values():
                if kind in (STAFFING, ENROLLMENT):
                    continue
                frame = read_typed_csv(kind, SAMPLE_DIR / f"{kind.sample_file}.csv")
                _save(
                    con, kind, frame, f"{kind.table}.csv", MASSACHUSETTS, f"Bench {kind.title} (sample lists)"
                )
            # What a visitor who has not signed in sees: DESE's release of these figures.
            releases.publish(con, actor=access.system(UPLOADER))
        return _counts(con)
    finally:
        con.close()


def build_national_warehouse(path: Path) -> dict[str, int]:
    """The national-scale warehouse at `path` (replaced if it exists)."""
    _remove(path)
    con = connect(path)
    try:
        with one_change(con):  # one change of the data: its cut is kept once, at the end (kept.py)
            orgs = national_organizations()
            save_upload(
                con,
                ORGANIZATIONS,
                orgs,
                file_name="national_organizations.csv",
                sha256=_sha("national/orgs"),
                actor=access.system(UPLOADER),
                new_organizations=orgs,
                description="Bench: 13,000 synthetic organizations",
            )
            grid = staff_and_students(orgs["org_code"].to_numpy(), orgs["org_type"].to_numpy(), NATIONAL)
            load_facts(con, grid, NATIONAL)
            lists = program_lists(orgs["org_code"].to_numpy(), NATIONAL_SEED + 2)
            for kind in (FELLOWS, PARTICIPATION, EQUITY_LEADERS):
                _save(con, kind, lists[kind.table], f"{kind.table}.csv", NATIONAL, f"Bench {kind.title}")
            # Released, as the state warehouse is (the app makes a first release of a warehouse that has none, which
            # the first page measured would otherwise pay for).
            releases.publish(con, actor=access.system(UPLOADER))
        return _counts(con)
    finally:
        con.close()


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)


def _counts(con) -> dict[str, int]:
    latest = {"school_year": YEARS[-1]}
    return {
        "organizations": con.execute(sql("table_rows", table="organizations")).fetchone()[0],
        "uploads": con.execute(sql("table_rows", table="uploads")).fetchone()[0],
        "staffing_rows": con.execute(sql("table_rows", table="staffing")).fetchone()[0],
        "enrollment_rows": con.execute(sql("table_rows", table="enrollment")).fetchone()[0],
        "teacher_fte_latest": round(
            con.execute(sql("fte_of_year_and_job"), {**latest, "job_class": definitions.TEACHER}).fetchone()[
                0
            ]
        ),
        "educator_fte_latest": round(con.execute(sql("fte_of_year"), latest).fetchone()[0]),
    }


# --- upload files -----------------------------------------------------------------------------------

FIRST_NAMES = [
    "José",
    "María",
    "Zoë",
    "Anh",
    "Siobhán",
    "Renée",
    "James",
    "Mary",
    "Luis",
    "Aaliyah",
    "Wei",
    "Olga",
    "Chloé",
    "Noah",
    "Fatima",
    "André",
    "Kwame",
    "Priya",
    "Sean",
    "Inés",
]
LAST_NAMES = [
    "Nuñez",
    "Smith",
    "Nguyen",
    "O'Brien",
    "García",
    "Müller",
    "Johnson",
    "Silva",
    "Peña",
    "Chen",
    "Okafor",
    "Rodríguez",
    "Brown",
    "Patel",
    "Côté",
    "Kowalski",
    "Lee",
    "Santos",
    "Doyle",
    "Ibáñez",
]
HR_JOB_CLASSES = {  # HR systems' spelling -> share of staff
    "Teacher": 0.42,
    "Classroom Teacher": 0.13,
    "Paraprofessional": 0.12,
    "Instructional Aide": 0.05,
    "Other Staff": 0.2,
    "Principal": 0.018,
    "Assistant Principal": 0.012,
    "Vice Principal": 0.003,
    "Central Office Administrator": 0.02,
    "Assistant Superintendent": 0.002,
    "Superintendent": 0.005,
}
HR_RACES = {  # HR systems' spelling -> share of staff
    "White": 0.82,
    "Black or African American": 0.05,
    "Hispanic or Latino": 0.06,
    "Asian": 0.025,
    "Two or More Races": 0.012,
    "American Indian or Alaska Native": 0.002,
    "Native Hawaiian or Other Pacific Islander": 0.001,
    "Declined to state": 0.01,
}


def _probabilities(weights: dict[str, float]) -> tuple[list[str], np.ndarray]:
    p = np.array(list(weights.values()))
    return list(weights), p / p.sum()


def write_roster_csv(path: Path, rows: int = 100_000, seed: int = ROSTER_SEED) -> Path:
    """A statewide per-person staff roster for 2024-25 as an HR system exports it: Windows-1252, CRLF,
    names and employee ids, district codes mostly without their leading zeros, HR race spellings."""
    rng = np.random.default_rng(seed)
    orgs = load_organizations()
    orgs = orgs[orgs["org_type"] != "collaborative"]
    weight = rng.lognormal(0, 1.0, size=len(orgs))
    district = rng.choice(orgs["org_code"].to_numpy(), size=rows, p=weight / weight.sum())
    lost_zeros = rng.random(rows) < 0.6
    codes = np.where(lost_zeros, pd.Series(district).str.lstrip("0").to_numpy(), district)
    jobs, pj = _probabilities(HR_JOB_CLASSES)
    races, pr = _probabilities(HR_RACES)
    fte = rng.choice([1.0, 1.0, 1.0, 1.0, 0.8, 0.5, 0.6], size=rows)
    frame = pd.DataFrame(
        {
            "Employee ID": [f"E{n:07d}" for n in rng.permutation(rows) + 1_000_000],
            "Last Name": rng.choice(LAST_NAMES, size=rows),
            "First Name": rng.choice(FIRST_NAMES, size=rows),
            "District Code": codes,
            "School Year": "2024-2025",
            "Job Classification": rng.choice(jobs, size=rows, p=pj),
            "Race/Ethnicity": rng.choice(races, size=rows, p=pr),
            "FTE": fte,
        }
    )
    frame.to_csv(path, index=False, encoding="cp1252", lineterminator="\r\n")
    return path


OPEN_DATA_CODES = {
    "African American/Black": "BAA",
    "Asian": "AS",
    "Hispanic/Latino": "HL",
    "White": "WH",
    "Native American": "AIAN",
    "Native Hawaiian/Pacific Islander": "NHPI",
    "Multi-Race Non-Hispanic": "MNHL",
}
OPEN_DATA_HEADER = [
    "SY",
    "DIST_CODE",
    "DIST_NAME",
    "ORG_CODE",
    "ORG_NAME",
    "ORG_TYPE",
    "JOBCLASS_CAT",
    "JOBCLASS",
    "FTE_TOTAL",
    *[f"{c}_{m}" for c in OPEN_DATA_CODES.values() for m in ("CNT", "PCT")],
]
SCHOOL_LEVEL_JOBS = ("Principal", "Assistant Principal", "Teacher", "Paraprofessional", "Other Staff")
JOB_CATEGORY = {"Teacher": "Teachers", "Paraprofessional": "Paraprofessionals", "Other Staff": "Other"}


def open_data_rows(rows: int = 50_000, seed: int = XLSX_SEED) -> pd.DataFrame:
    """DESE's open-data staffing extract for recent school years: a State row, each district's row and
    its schools' rows (school-level job classes), per job class, as the portal writes them (codes as
    numbers without leading zeros, SY as the spring year, counts and percentages per race). Cut at `rows`."""
    rng = np.random.default_rng(seed)
    orgs = load_organizations()
    orgs = orgs[orgs["org_type"] != "collaborative"].reset_index(drop=True)
    codes, names = orgs["org_code"].to_numpy(), orgs["name"].to_numpy()
    grid = staff_and_students(codes, orgs["org_type"].to_numpy(), MASSACHUSETTS)
    teachers = grid.fte[:, -1, definitions.JOB_CLASSES.index("Teacher")].sum(axis=1)
    schools = np.maximum(1, np.round(teachers / teachers.sum() * 1_850)).astype(int)
    school_org = np.repeat(np.arange(len(orgs)), schools)
    school_no = np.concatenate([np.arange(1, k + 1) for k in schools])
    school_codes = np.array(
        [int(c[:4]) * 10_000 + 5 * s for c, s in zip(codes[school_org], school_no, strict=True)]
    )
    school_names = np.array([f"{n} - School {s}" for n, s in zip(names[school_org], school_no, strict=True)])
    order = [RACE_ORDER.index(r) for r in OPEN_DATA_CODES]
    parts = []
    for y in range(len(YEARS) - 1, -1, -1):  # newest first, as the portal lists them
        for j, job in enumerate(definitions.JOB_CLASSES):
            district = grid.fte[:, y, j, :]
            if job in SCHOOL_LEVEL_JOBS:  # schools split their district's staff; the district is their sum
                weight = rng.gamma(3.0, size=len(school_org))
                weight /= np.bincount(school_org, weights=weight)[school_org]
                per_school = np.round(weight[:, None] * district[school_org], 1)
                district = np.zeros_like(district)
                np.add.at(district, school_org, per_school)
            else:
                per_school = np.zeros((0, len(RACE_ORDER)))
            # State first, then each district followed by its schools.
            level = np.concatenate(
                [["State"], np.repeat("District", len(orgs)), np.repeat("School", len(per_school))]
            )
            sort_key = np.concatenate(
                [
                    [-1],
                    np.arange(len(orgs)) * 10_000,
                    school_org[: len(per_school)] * 10_000 + school_no[: len(per_school)],
                ]
            )
            counts = np.round(np.vstack([district.sum(axis=0, keepdims=True), district, per_school]), 1)
            org = np.concatenate([[0], codes.astype(int), codes[school_org[: len(per_school)]].astype(int)])
            frame = pd.DataFrame(
                {
                    "SY": definitions.spring_year(YEARS[y]),
                    "DIST_CODE": org,
                    "DIST_NAME": np.concatenate([["State"], names, names[school_org[: len(per_school)]]]),
                    "ORG_CODE": np.concatenate([[0], codes.astype(int), school_codes[: len(per_school)]]),
                    "ORG_NAME": np.concatenate([["State"], names, school_names[: len(per_school)]]),
                    "ORG_TYPE": level,
                    "JOBCLASS_CAT": JOB_CATEGORY.get(job, "Administrators"),
                    "JOBCLASS": job,
                    "FTE_TOTAL": np.round(counts.sum(axis=1), 1),
                }
            )
            total = frame["FTE_TOTAL"].to_numpy()
            for k, race in zip(order, OPEN_DATA_CODES.values(), strict=True):
                frame[f"{race}_CNT"] = counts[:, k]
                frame[f"{race}_PCT"] = np.round(
                    100 * np.divide(counts[:, k], total, out=np.zeros(len(total)), where=total > 0), 1
                )
            parts.append(frame.iloc[np.argsort(sort_key, kind="stable")])
            if sum(len(p) for p in parts) >= rows:
                return pd.concat(parts, ignore_index=True).iloc[:rows]
    return pd.concat(parts, ignore_index=True).iloc[:rows]


def write_staffing_xlsx(path: Path, rows: int = 50_000, seed: int = XLSX_SEED) -> Path:
    """The open-data extract as an .xlsx workbook with one sheet (written by xlsxwriter)."""
    import xlsxwriter

    data = open_data_rows(rows, seed)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Staffing Race Gender")
    sheet.write_row(0, 0, OPEN_DATA_HEADER)
    text = {i for i, c in enumerate(data.columns) if data[c].dtype == object or str(data[c].dtype) == "str"}
    for r, values in enumerate(data.itertuples(index=False), start=1):
        for c, value in enumerate(values):
            if c in text:
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    book.close()
    return path


def ready(path: Path) -> dict[str, int]:
    """Open the warehouse at `path` as the dashboard's first start does (migrations, and the cut blocks kept
    if the code that cuts changed since they were: analytics/kept.py)."""
    con = connect(path)
    try:
        ensure_ready(con)
        return {}
    finally:
        con.close()


BUILDERS = {
    "ready": ready,
    "state": build_state_warehouse,
    "national": build_national_warehouse,
    "roster": lambda path: (write_roster_csv(path), {})[1],
    "xlsx": lambda path: (write_staffing_xlsx(path), {})[1],
}

if __name__ == "__main__":  # python -m bench.generate NAME PATH: build one thing, print its sizes as JSON
    import json
    import sys

    print(json.dumps(BUILDERS[sys.argv[1]](Path(sys.argv[2]))))
