"""Students' experience (the program's third goal) on small hand-made data: every expected number below is
worked out by hand. Students of color are All Students minus White, in counts; a figure is shown only where
its blocks pass the rule; "accelerated" compares the gap's trend before the baseline and since."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pytest
from builders import ROOT_DIR, TESTS, add, new_warehouse, organizations
from markdown_reading import as_read

from analytics import releases, students
from analytics.filters import Filters
from analytics.goals import load_goals

GOAL = load_goals()["students_experience"]
OSS = students.MEASURES["out_of_school_suspension"]
GRAD = students.MEASURES["graduation_4yr"]
ABSENCE = students.MEASURES["chronic_absence"]
CLIMATE = students.MEASURES["climate_index"]


def discipline(year: str, org: str, group: str, students_: int | None, rate: float | None) -> tuple:
    """One SSDR row: students, and the out-of-school suspension rate (the other columns not published)."""
    return (year, org, group, students_, None, None, rate, None, None, None, None, None)


def graduation(year: str, org: str, group: str, cohort: int, rate: float | None) -> tuple:
    return (year, org, group, cohort, rate, None, None, None, None, None)


def three_districts(tmp_path, *, small_third: bool = False):
    orgs = organizations({("Central", "district"): 3, ("Northeast", "district"): 1})
    con = new_warehouse(tmp_path / "w.duckdb", orgs)
    return con, orgs["org_code"].tolist()


def test_students_of_color_are_all_students_minus_white_in_counts(tmp_path):
    """Three districts, each 1,000 students with 5% suspended out of school, 400 White with 2%: of color,
    50 - 8 = 42 of 600 (7%) in each; statewide 126 of 1,800 (7.0%) against 24 of 1,200 White (2.0%)."""
    con, codes = three_districts(tmp_path)
    rows = []
    for org in codes[:3]:
        rows += [
            discipline("2023-24", org, "All Students", 1000, 0.05),
            discipline("2023-24", org, "White", 400, 0.02),
        ]
    add(con, "student-discipline", rows)
    frame = students.by_year(con, OSS).set_index("school_year")
    row = frame.loc["2023-24"]
    assert row["rate_of_color"] == pytest.approx(126 / 1800)
    assert row["rate_white"] == pytest.approx(24 / 1200)
    assert row["gap"] == pytest.approx(0.05)
    assert (row["organizations_reported"], row["organizations_expected"], bool(row["suppressed"])) == (
        3,
        3,
        False,
    )
    con.close()


def test_a_rate_not_published_is_left_out_and_the_coverage_says_so(tmp_path):
    """The third district's White rate is blank (not published, never 0): it is out of 2023-24's figure; the
    year is 2 of 3 organizations, partial, and shows no figure."""
    con, codes = three_districts(tmp_path)
    rows = []
    for year in ("2022-23", "2023-24"):
        for i, org in enumerate(codes[:3]):
            white = None if (year == "2023-24" and i == 2) else 0.02
            rows += [
                discipline(year, org, "All Students", 1000, 0.05),
                discipline(year, org, "White", 400, white),
            ]
    add(con, "student-discipline", rows)
    frame = students.by_year(con, OSS).set_index("school_year")
    assert frame.loc["2022-23", "organizations_reported"] == 3 and bool(frame.loc["2022-23", "complete"])
    late = frame.loc["2023-24"]
    assert (late["organizations_reported"], late["organizations_expected"]) == (2, 3)
    assert not bool(late["complete"]) and pd.isna(late["rate_of_color"])
    con.close()


def test_a_group_too_small_to_show_is_hidden(tmp_path):
    """Northeast's one district: 3 White students suspended (fewer than 6): Northeast shows nothing, and
    neither does Central (the state minus Central would be Northeast); the state shows, all four together:
    (126 + 22) of color of (1,800 + 200), against (24 + 3) of (1,200 + 300) White."""
    con, codes = three_districts(tmp_path)
    rows = [
        discipline("2023-24", codes[3], "All Students", 500, 0.05),
        discipline("2023-24", codes[3], "White", 300, 0.01),
    ]
    for org in codes[:3]:
        rows += [
            discipline("2023-24", org, "All Students", 1000, 0.05),
            discipline("2023-24", org, "White", 400, 0.02),
        ]
    add(con, "student-discipline", rows)
    for region in ("Northeast", "Central"):
        view = students.by_year(con, OSS, Filters(regions=(region,)))
        assert view["suppressed"].all() and view["rate_of_color"].isna().all(), region
    state = students.by_year(con, OSS).iloc[0]
    assert state["rate_of_color"] == pytest.approx(148 / 2000) and state["rate_white"] == pytest.approx(
        27 / 1500
    )
    con.close()


# --- has the gap been closing faster? ---------------------------------------------------------------------


def gaps(values: dict[str, float], comparable: tuple[str, ...] = ()) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "school_year": list(values),
            "rate_of_color": [0.8 + g for g in values.values()],
            "rate_white": 0.8,
            "gap": list(values.values()),
            "suppressed": False,
            "organizations_reported": 3,
            "organizations_expected": 3,
            "complete": True,
            "comparable": [y not in comparable for y in values],
        }
    )


def test_a_gap_narrowing_faster_since_the_baseline_is_accelerating():
    """Graduation (higher is better): the gap was -10 points and flat 2014-15 to 2018-19, and has closed 1
    point a year since: accelerating."""
    before = {f"{2014 + i}-{15 + i}": -0.10 + (0.001 if i % 2 else -0.001) for i in range(5)}
    since = {f"{2019 + i}-{20 + i}": -0.10 + 0.01 * i + (0.0005 if i % 2 else -0.0005) for i in range(6)}
    c = students.compare(gaps(before | since), GRAD, baseline_year="2019-20", first_year="2014-15")
    assert c.accelerating is True
    assert c.since.slope == pytest.approx(0.01, abs=0.001) and abs(c.before.slope) < 0.001
    words = students.comparison_words(c)
    assert words.startswith("The gap in four-year graduation has narrowed by 1.0 points a year since 2019-20")
    assert words.endswith(
        "in 2014-15 to 2018-19 (-0.1 to +0.1): accelerating. A comparison of trends, not a cause."
    )


def test_a_gap_narrowing_no_faster_than_before_is_not_yet():
    """Suspension (lower is better): narrowing 0.3 points a year before and after: not yet."""
    years = {f"{2014 + i}-{15 + i}": 0.05 - 0.003 * i + (0.002 if i % 3 == 0 else -0.001) for i in range(11)}
    c = students.compare(gaps(years), OSS, baseline_year="2019-20", first_year="2014-15")
    assert c.accelerating is False
    assert ": not yet accelerating (the intervals do not say it is faster)." in students.comparison_words(c)


def test_fewer_than_three_complete_years_on_a_side_is_too_early_to_tell():
    """Chronic absence: 2019-20 and 2020-21 are not comparable and left out, so only 2021-22 and 2022-23 are
    'since': too early to tell (and with them counted, it can be told)."""
    years = {f"{2014 + i}-{15 + i}": 0.10 - 0.002 * i for i in range(9)}  # to 2022-23
    frame = gaps(years, comparable=students.PANDEMIC_YEARS)
    c = students.compare(frame, ABSENCE, baseline_year="2019-20", first_year="2014-15")
    assert c.accelerating is None and c.since is None
    assert students.comparison_words(c).startswith("Too early to tell for chronic absence")
    counted = students.compare(
        frame, ABSENCE, baseline_year="2019-20", first_year="2014-15", include_not_comparable=True
    )
    assert counted.since is not None and counted.since.years == 4


# --- Influence 100's organizations, against all others ----------------------------------------------------


def test_influence_100_organizations_count_from_the_year_they_joined(tmp_path):
    """Six districts in two regions; three join Influence 100 in 2022-23. In 2021-22 all six are 'all
    others'; from 2022-23 three are in each group (each group's blocks whole: Central's three join)."""
    orgs = organizations({("Central", "district"): 3, ("Northeast", "district"): 3})
    codes = orgs["org_code"].tolist()
    con = new_warehouse(tmp_path / "w.duckdb", orgs)
    rows = []
    for year in ("2021-22", "2022-23"):
        for org in codes:
            rows += [
                graduation(year, org, "All Students", 200, 0.85),
                graduation(year, org, "White", 100, 0.95),
            ]
    add(con, "graduation", rows)
    add(con, "participation", [(org, "2022-23", "capacity building", False, False) for org in codes[:3]])
    frame = students.influence_comparison(con, GRAD).set_index(["school_year", "group"])
    assert (frame.loc[("2021-22", students.OTHERS), "organizations"]) == 6
    assert ("2021-22", students.INFLUENCE_100) not in frame.index
    joined = frame.loc[("2022-23", students.INFLUENCE_100)]
    assert joined["organizations"] == 3 and joined["left_out"] == 0
    # Of color: 0.85 * 200 - 0.95 * 100 = 75 of 100 graduated (75%) against 95% of White students.
    assert joined["rate_of_color"] == pytest.approx(0.75) and joined["gap"] == pytest.approx(-0.20)
    con.close()


def test_a_view_none_of_whose_organizations_reported_has_an_empty_comparison(tmp_path):
    """Central's three districts report graduation; Northeast's three report nothing. Northeast's view has
    no year with a figure for either group, and says so with an empty comparison rather than failing (found
    by the privacy audit's random warehouses)."""
    orgs = organizations({("Central", "district"): 3, ("Northeast", "district"): 3})
    codes = orgs["org_code"].tolist()
    con = new_warehouse(tmp_path / "w.duckdb", orgs)
    add(
        con,
        "graduation",
        [graduation("2021-22", o, g, 200, 0.9) for o in codes[:3] for g in ("All Students", "White")],
    )
    add(con, "participation", [(codes[0], "2021-22", "capacity building", False, False)])
    assert students.influence_comparison(con, GRAD, Filters(regions=("Northeast",))).empty
    assert set(students.influence_comparison(con, GRAD)["school_year"]) == {"2021-22"}
    con.close()


# --- what every output says --------------------------------------------------------------------------------


def test_metrics_json_carries_students_experience_in_its_contract_shape(tmp_path):
    con, codes = three_districts(tmp_path)
    rows = []
    for i in range(11):
        year = f"{2014 + i}-{15 + i}"
        for org in codes[:3]:
            rows += [
                graduation(year, org, "All Students", 200, 0.85 + 0.005 * i),
                graduation(year, org, "White", 100, 0.95),
            ]
    add(con, "graduation", rows)
    releases.publish(con, actor=TESTS)
    con.close()
    out = subprocess.run(
        [sys.executable, "-m", "analytics", "metrics", "--db", str(tmp_path / "w.duckdb"), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT_DIR,
        check=True,
    )
    figures = json.loads(out.stdout)["students_experience"]
    assert list(figures) == ["out_of_school_suspension", "chronic_absence", "graduation_4yr", "climate_index"]
    grad = figures["graduation_4yr"]
    first = grad["by_year"][0]
    assert set(first) == {
        "school_year",
        "rate_of_color",
        "rate_white",
        "gap",
        "suppressed",
        "organizations_reported",
        "organizations_expected",
        "complete",
    }
    # 2014-15: 170 - 95 = 75 of 100 of color (0.75), against 0.95: a gap of -0.2; it closes 1 point a year.
    assert (first["school_year"], first["rate_of_color"], first["rate_white"], first["gap"]) == (
        "2014-15",
        0.75,
        0.95,
        -0.2,
    )
    assert grad["trend_before"] == pytest.approx(0.01) and grad["trend_since"] == pytest.approx(0.01)
    assert grad["accelerating"] is False  # no faster since 2019-20 than before
    assert figures["climate_index"] == {
        "by_year": [],
        "trend_before": None,
        "trend_since": None,
        "accelerating": None,
    }


def test_the_page_shows_each_measure_its_trend_and_influence_100_beside_all_others(tmp_path, open_app):
    con, codes = three_districts(tmp_path)
    rows = []
    for i in range(11):
        year = f"{2014 + i}-{15 + i}"
        for org in codes[:3]:
            rows += [
                graduation(year, org, "All Students", 200, 0.85 + 0.005 * i),
                graduation(year, org, "White", 100, 0.95),
            ]
    add(con, "graduation", rows)
    releases.publish(con, actor=TESTS)
    con.close()
    at = open_app(tmp_path / "w.duckdb", "students")
    # Titles as read: a line break a long title is wrapped at reads as a space.
    titles = [
        re.sub(r"<br[^>]*>", " ", json.loads(c.proto.spec)["layout"]["title"]["text"])
        for c in at.get("plotly_chart")
    ]
    # The goal's chart, then each measure's rates and its Influence 100 comparison.
    assert len(titles) == 1 + 2 * len(GOAL.measures), titles
    assert titles[0].startswith("Gaps between students of color and White students: 0 of 4 narrowing faster")
    assert "Four-year graduation: 85.0% of students of color, 95.0% of White students, 2024-25" in titles
    words = " ".join(as_read(c.value) for c in at.caption)
    assert "The gap in four-year graduation has narrowed by 1.0 points a year since 2019-20" in words
    assert "Too early to tell for chronic absence" in words
    assert [as_read(h.value) for h in at.header][:4] == [
        "Out-of-school suspension",
        "Chronic absence",
        "Four-year graduation",
        "School climate (VOCAL index)",
    ]
