"""What the sample's students' experience is calibrated to: DESE's statewide figures by race (or others
quoting DESE's data), each with its source, interpolated where no figure was published for a year and
plausible, and labelled so, where none was found (written out as student_calibration.csv)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics import definitions
from analytics.definitions import ALL_STUDENTS, school_years_between
from analytics.sample_workforce import LAST_YEAR

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
    definitions.RACES
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
             / STUDENTS_DISCIPLINED["2021-22"][g].value for g in definitions.RACES}  # fmt: skip
    for year in EXPERIENCE_YEARS:
        for group in definitions.RACES:
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
    groups = {g: i for i, g in enumerate((ALL_STUDENTS, *definitions.RACES))}
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
