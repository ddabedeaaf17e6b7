"""Domain definitions used everywhere: race/ethnicity categories, job classes, school years, org codes.

Each definition lives here once; SQL, ingest, metrics and charts read it from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# DESE's seven race/ethnicity categories, in DESE's report order, plus "Unknown" for rosters that carry
# no race for a person (kept for completeness, never part of a share's denominator).
RACES: tuple[str, ...] = (
    "African American/Black",
    "Asian",
    "Hispanic/Latino",
    "Native American",
    "Native Hawaiian/Pacific Islander",
    "Multi-Race Non-Hispanic",
    "White",
)
UNKNOWN_RACE = "Unknown"
ALL_RACES: tuple[str, ...] = (*RACES, UNKNOWN_RACE)
WHITE = "White"
# People of color = every known category but White.
PEOPLE_OF_COLOR: tuple[str, ...] = tuple(r for r in RACES if r != WHITE)

# DESE's open-data column prefixes for each category (BAA_CNT, AS_PCT, ...).
RACE_OPEN_DATA_CODES: dict[str, str] = {
    "African American/Black": "BAA",
    "Asian": "AS",
    "Hispanic/Latino": "HL",
    "Native American": "AIAN",
    "Native Hawaiian/Pacific Islander": "NHPI",
    "Multi-Race Non-Hispanic": "MNHL",
    "White": "WH",
}

# Job classes as the warehouse stores them. DESE's staffing reports use these names (singular).
JOB_CLASSES: tuple[str, ...] = (
    "Superintendent",
    "Assistant Superintendent",
    "Principal",
    "Assistant Principal",
    "Teacher",
    "Central Office Administrator",
    "Paraprofessional",
    "Other Staff",
)
SUPERINTENDENT = "Superintendent"
TEACHER = "Teacher"
# The population students are counted as, beside the job classes (enrollment's coverage is filed under it).
STUDENTS = "Students"

ORG_TYPES: tuple[str, ...] = ("district", "charter", "vocational", "collaborative")
ORG_TYPE_NAMES: dict[str, str] = {  # one organization of the type
    "district": "District",
    "charter": "Charter school",
    "vocational": "Vocational school",
    "collaborative": "Collaborative",
}
ORG_TYPE_LABELS: dict[str, str] = {  # the type as a group (filters, breakdowns)
    "district": "Districts",
    "charter": "Charter schools",
    "vocational": "Vocational schools",
    "collaborative": "Collaboratives",
}
REGIONS: tuple[str, ...] = (
    "Berkshires",
    "Pioneer Valley",
    "Central",
    "Northeast",
    "Greater Boston",
    "Southeast",
    "Virtual (statewide)",
)

FELLOW_STATUSES: tuple[str, ...] = ("active", "completed", "withdrawn")
FELLOW_ENTRY_ROLES: tuple[str, ...] = ("Principal", "Assistant Principal", "Central Office", "Other")
PARTICIPATION_COMPONENTS: tuple[str, ...] = ("fellowship", "capacity building")

# The student groups DESE reports students' experience by (discipline, attendance, graduation, the VOCAL
# climate survey), as the warehouse stores them. DESE spelled them differently across years ("Afr.
# Amer./Black", "Black or African American"): analytics/ingest/vocabulary.py reads every spelling to these.
# Its seven race groups are RACES and partition All Students; a group DESE adds later is stored as given.
ALL_STUDENTS = "All Students"
STUDENT_GROUPS: tuple[str, ...] = (
    ALL_STUDENTS,
    *RACES,
    "High Needs",
    "Low Income",
    "Economically Disadvantaged",
    "English Learners",
    "Former English Learners",
    "Students with Disabilities",
    "Female",
    "Male",
    "Non-Binary",
)
# A VOCAL file without grades reports every grade surveyed together: stored under this grade.
ALL_GRADES = "All"

# DESE's educator-data rule: cells describing fewer than this many people are not shown.
SMALL_CELL_THRESHOLD = 6


# --- school years ---------------------------------------------------------------------------------

_SY_FULL = re.compile(r"^(?:SY|FY)?\s*'?(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$", re.IGNORECASE)
_SY_SHORT = re.compile(r"^(?:SY|FY)\s*'?(\d{2})\s*[-/–]\s*(\d{2})$", re.IGNORECASE)
_SY_SPRING = re.compile(r"^(?:SY|FY)?\s*'?(\d{4})(?:\.0+)?$", re.IGNORECASE)


def school_year_from_spring(spring_year: int) -> str:
    """Label for the school year ending in `spring_year`: 2020 -> '2019-20'."""
    return f"{spring_year - 1}-{spring_year % 100:02d}"


def spring_year(school_year: str) -> int:
    """The spring (fiscal) year of a canonical label: '2019-20' -> 2020."""
    return int(school_year[:4]) + 1


def parse_school_year(value: object) -> str | None:
    """Canonical '2023-24' for the ways files write a school year, or None if it is not one.

    A bare four-digit year is the spring year (DESE's SY and FY): 2024 means 2023-24.
    Also accepted: '2023-2024', '2023-24', 'SY23-24', 'SY2024', 'FY2024', 'FY24'.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    m = _SY_FULL.match(text)
    if m:
        start, end = int(m.group(1)), m.group(2)
        end_full = int(end) if len(end) == 4 else (start + 1) // 100 * 100 + int(end)
        if end_full != start + 1:
            return None
        return school_year_from_spring(start + 1)
    m = _SY_SHORT.match(text)
    if m:
        start, end = 2000 + int(m.group(1)), int(m.group(2))
        if (start + 1) % 100 != end:
            return None
        return school_year_from_spring(start + 1)
    m = _SY_SPRING.match(text)
    if m:
        year = int(m.group(1))
        return school_year_from_spring(year) if 1990 <= year <= 2100 else None
    m = re.match(r"^(?:SY|FY)\s*'?(\d{2})$", text, re.IGNORECASE)
    if m:
        return school_year_from_spring(2000 + int(m.group(1)))
    return None


def school_years_between(first: str, last: str) -> list[str]:
    """Every school year from `first` to `last`, inclusive, in order."""
    return [school_year_from_spring(y) for y in range(spring_year(first), spring_year(last) + 1)]


# --- organization codes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgCode:
    """An 8-digit DESE code, normalised (leading zeros restored)."""

    code: str

    @property
    def district_code(self) -> str:
        """The district a school code belongs to: its first four digits + '0000'."""
        return self.code[:4] + "0000"

    @property
    def is_district(self) -> bool:
        return self.code.endswith("0000")


_CODE = re.compile(r"^\d{1,8}$")


def parse_org_code(value: object) -> OrgCode | None:
    """Normalise an organization code as files write it (lost leading zeros, '350000.0'), or None."""
    if value is None:
        return None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not _CODE.match(text) or len(text) < 5:
        # DESE codes have at least 5 significant digits (the smallest district, 00010000, is '10000').
        return None
    code = text.zfill(8)
    return OrgCode(code)


def share(part: float | None, whole: float | None) -> float | None:
    """part / whole, or None where the whole is zero or missing."""
    if part is None or whole is None or whole == 0:
        return None
    return part / whole


# --- equity leaders and AMSEL ------------------------------------------------------------------------

# AMSEL (the network of school equity leaders) began in 2019-20 as monthly meetings of the equity leaders
# of six districts. Its founders are the organizations that were members in its first year in the data.
AMSEL_FIRST_YEAR = "2019-20"
# The network meets monthly through the school year, September to June. A membership list that gives
# meetings attended but not how many were held is read against this (and the upload says so).
AMSEL_MEETINGS_A_YEAR = 10
# How a person belongs to the network: on their own, or through their district's membership.
MEMBERSHIP_TYPES: tuple[str, ...] = ("Individual", "District")
# Members whose school is not one of DESE's organizations (an independent school) are counted apart: kept
# under the school's name, with no organization code, in this region and type (no sidebar filter picks them).
OUTSIDE_DESE_REGION = "Outside DESE's organizations"
INDEPENDENT = "independent"
INDEPENDENT_LABEL = "Independent schools (outside DESE)"


def new_to_role(start: object, school_year: str) -> bool:
    """A member is new to their role in a school year when they started it on or after July 1 of that year
    (2023-24: from 2023-07-01)."""
    return str(start)[:10] >= f"{school_year[:4]}-07-01"
