"""Headline metrics on a tiny hand-made warehouse; every expected number below is worked out by hand."""

import json
import subprocess
import sys

import pandas as pd
import pytest
from builders import ROOT_DIR, add, new_warehouse, staffing

from analytics import definitions as d
from analytics.goal_progress import share_frame
from analytics.goals import load_goals
from analytics.headline import headline_metrics
from analytics.metrics import Filters, staff_share_by_year

# Fourteen districts, seven in each of two regions: enough superintendents for a statewide figure that
# passes the rule (6 or more of color, 6 or more not, also with any one district's own taken out) in
# 2020-21, too few for either region's.
DISTRICTS = [f"{1000 + i:04d}0000" for i in range(14)]
HAND_ORGS = pd.DataFrame(
    [
        (code, f"District {i + 1}", "district", "Greater Boston" if i < 7 else "Northeast")
        for i, code in enumerate(DISTRICTS)
    ],
    columns=["org_code", "name", "org_type", "region"],
)
D1, D2, D3 = DISTRICTS[:3]


def build_tiny(path=":memory:"):
    con = new_warehouse(path, HAND_ORGS)
    supers = []
    for i, org in enumerate(DISTRICTS):
        # 2019-20: the first 6 districts have a superintendent of color; 2020-21: the first 7.
        supers += staffing("2019-20", org, "Superintendent", **{"Black" if i < 6 else "White": 1})
        supers += staffing("2020-21", org, "Superintendent", **{"Hispanic" if i < 7 else "White": 1})
    add(
        con,
        "staffing",
        supers
        + staffing("2019-20", D1, "Teacher", White=90, Asian=10)
        + staffing("2019-20", D2, "Teacher", White=40, Hispanic=60, Unknown=5),
    )
    # A later upload corrects D1's 2019-20 teachers: it replaces them, and only them.
    add(con, "staffing", staffing("2019-20", D1, "Teacher", White=80, Asian=20))
    # One district's roster for 2021-22: a partial year (1 of the 14 expected reported).
    add(con, "staffing", staffing("2021-22", D1, "Superintendent", Black=1))
    add(
        con,
        "enrollment",
        [
            ("2019-20", D1, "White", 100),
            ("2019-20", D1, "African American/Black", 300),
            ("2019-20", D2, "Hispanic/Latino", 450),
            ("2019-20", D2, "White", 50),
        ],
    )
    add(
        con,
        "fellows",
        [
            (
                "F1",
                1,
                "2019-20",
                D1,
                "Principal",
                "African American/Black",
                "completed",
                "Superintendent",
                "2021-22",
                D2,
            ),
            ("F2", 1, "2019-20", D2, "Central Office", "White", "withdrawn", None, None, None),
            ("F3", 1, "2019-20", D3, "Central Office", "Asian", "completed", None, None, None),
            ("F4", 2, "2020-21", D3, "Principal", "Hispanic/Latino", "completed", None, None, None),
            ("F5", 2, "2020-21", D1, "Assistant Principal", "White", "completed", None, None, None),
        ],
    )
    add(
        con,
        "participation",
        [
            (D1, "2019-20", "capacity building", False, True),
            (D1, "2019-20", "fellowship", False, False),
            (D2, "2019-20", "capacity building", True, True),
            (D1, "2020-21", "capacity building", True, True),
            (D3, "2020-21", "capacity building", False, False),
            (DISTRICTS[13], "2020-21", "fellowship", False, False),
        ],
    )
    return con


def coverage(reported, expected):
    return {
        "organizations_reported": reported,
        "organizations_expected": expected,
        "complete": reported >= 0.95 * expected,
    }


EXPECTED = {
    "superintendents": {
        "baseline_year": "2019-20",
        "baseline_share": 0.04,
        "target_share": 0.14,
        "target_year": "2029-30",
        "latest_complete_year": "2020-21",
        "by_year": [
            # 6 of 14 of color: a district with a superintendent of color, taking its own out, would learn
            # that 5 of the other 13 are: hidden.
            {
                "school_year": "2019-20",
                "fte": None,
                "fte_of_color": None,
                "share": None,
                "target_share": 0.04,
                **coverage(14, 14),
            },
            {
                "school_year": "2020-21",
                "fte": 14.0,
                "fte_of_color": 7.0,
                "share": 0.5,
                "target_share": 0.05,
                **coverage(14, 14),
            },
            # One superintendent: hidden (and partial, so no share even if it were not).
            {
                "school_year": "2021-22",
                "fte": None,
                "fte_of_color": None,
                "share": None,
                "target_share": 0.06,
                **coverage(1, 14),
            },
        ],
    },
    # D1 80 + 20 (the correction), D2 40 + 60; D2's 5 FTE of unknown race are left out.
    "teachers": {
        "latest_complete_year": "2019-20",
        "by_year": [
            {"school_year": "2019-20", "fte": 200.0, "fte_of_color": 80.0, "share": 0.4, **coverage(2, 2)}
        ],
    },
    "students": {
        "latest_complete_year": "2019-20",
        "by_year": [
            {
                "school_year": "2019-20",
                "students": 900,
                "students_of_color": 750,
                "share": 0.8333,
                **coverage(2, 2),
            }
        ],
    },
    "fellows": {
        "goal": 100,
        "total": 5,
        "by_cohort": [
            {"cohort": 1, "start_year": "2019-20", "fellows": 3},
            {"cohort": 2, "start_year": "2020-21", "fellows": 2},
        ],
    },
    "districts": {
        "goal": 100,
        "participating_total": 4,
        "by_year": [
            {"school_year": "2019-20", "participating": 2, "new": 2},
            {"school_year": "2020-21", "participating": 3, "new": 2},
        ],
    },
    # One entry per goal in data/goals.toml, in its order.
    "goals": [
        # 2020-21: 7 of 14, against 4% + 1/10 of the way to 14% = 5%.
        {
            "key": "superintendents_of_color",
            "kind": "share",
            "title": "Superintendents of color",
            "as_of": "2020-21",
            "value": 0.5,
            "target_now": 0.05,
            "on_track": True,
            "unit": "share",
        },
        # 5 Fellows after cohort 2; the plan has 100 * 2/4 = 50 by then.
        {
            "key": "fellows",
            "kind": "count",
            "title": "Influence 100 Fellows",
            "as_of": "cohort 2 (2020-21)",
            "value": 5.0,
            "target_now": 50.0,
            "on_track": False,
            "unit": "people",
        },
        # 2020-21: D1 and D3 in capacity building (the 14th district is in the fellowship): 2, below 10.
        {
            "key": "capacity_building",
            "kind": "per_year",
            "title": "Districts in capacity building",
            "as_of": "2020-21",
            "value": 2.0,
            "target_now": 10.0,
            "on_track": False,
            "unit": "organizations",
        },
        # D2 adopted a strategy in 2019-20, D1 in 2020-21: 2 by 2020-21, against 100 * 1/10 = 10.
        {
            "key": "workforce_strategy",
            "kind": "cumulative",
            "title": "Districts with a workforce-diversity strategy",
            "as_of": "2020-21",
            "value": 2.0,
            "target_now": 10.0,
            "on_track": False,
            "unit": "organizations",
        },
        # No students' experience reports are loaded: a comparison of trends, with nothing to compare.
        {
            "key": "students_experience",
            "kind": "gap",
            "title": "How students of color experience school",
            "as_of": None,
            "value": None,
            "target_now": None,
            "on_track": None,
            "unit": "measures",
        },
    ],
    "students_experience": {
        key: {"by_year": [], "trend_before": None, "trend_since": None, "accelerating": None}
        for key in ("out_of_school_suspension", "chronic_absence", "graduation_4yr", "climate_index")
    },
}


def test_headline_metrics_on_a_hand_made_warehouse():
    assert headline_metrics(build_tiny(), load_goals()) == EXPECTED


def test_metrics_json_from_the_command_line(tmp_path):
    db = tmp_path / "tiny.duckdb"
    build_tiny(db).close()
    out = subprocess.run(
        [sys.executable, "-m", "analytics", "metrics", "--db", str(db), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT_DIR,
        check=True,
    )
    assert json.loads(out.stdout) == EXPECTED


def test_metrics_json_from_the_sample_warehouse_has_the_documented_shape(sample_db):
    out = subprocess.run(
        [sys.executable, "-m", "analytics", "metrics", "--db", str(sample_db), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT_DIR,
        check=True,
    )
    figures = json.loads(out.stdout)
    s = figures["superintendents"]
    assert (s["baseline_share"], s["target_share"], s["target_year"]) == (0.04, 0.14, "2029-30")
    assert [r["school_year"] for r in s["by_year"]] == d.school_years_between("2016-17", "2024-25")
    coverage_keys = {"organizations_reported", "organizations_expected", "complete"}
    assert set(s["by_year"][3]) == {
        "school_year",
        "fte",
        "fte_of_color",
        "share",
        "target_share",
        *coverage_keys,
    }
    assert s["by_year"][3]["target_share"] == 0.04 and s["by_year"][0]["target_share"] is None
    assert set(figures["teachers"]["by_year"][0]) == {
        "school_year",
        "fte",
        "fte_of_color",
        "share",
        *coverage_keys,
    }
    assert set(figures["students"]["by_year"][0]) == {
        "school_year",
        "students",
        "students_of_color",
        "share",
        *coverage_keys,
    }
    # The sample is one statewide file a year: every year complete, 2024-25 the latest.
    for group in ("superintendents", "teachers", "students"):
        assert figures[group]["latest_complete_year"] == "2024-25"
        assert all(r["complete"] and r["share"] is not None for r in figures[group]["by_year"])
    assert s["by_year"][-1]["organizations_reported"] == s["by_year"][-1]["organizations_expected"] == 322
    assert figures["fellows"]["total"] == 155 and figures["fellows"]["goal"] == 100
    assert figures["fellows"]["by_cohort"][0] == {"cohort": 1, "start_year": "2019-20", "fellows": 26}
    assert figures["districts"]["goal"] == 100
    assert figures["districts"]["by_year"][0] == {"school_year": "2019-20", "participating": 15, "new": 15}


def test_filters_narrow_to_region_and_type():
    con = build_tiny()
    boston_area = share_frame(con, load_goals().superintendents, Filters(regions=("Greater Boston",)))
    # Greater Boston: 6 of color and 1 White in 2019-20, 7 and 0 in 2020-21: fewer than 6 others, hidden.
    assert boston_area["school_year"].tolist()[:2] == ["2019-20", "2020-21"]
    assert boston_area["suppressed"].all() and boston_area[["of_color", "total", "share"]].isna().all().all()
    charters = staff_share_by_year(con, d.TEACHER, Filters(org_types=("charter",)))
    assert charters.empty  # no charter staffing loaded: no rows, not zeros
    later = staff_share_by_year(con, d.SUPERINTENDENT, Filters(year_from="2020-21"))
    assert later["school_year"].tolist() == ["2020-21", "2021-22"]
    assert later["complete"].tolist() == [True, False]


def test_gap_to_the_target_path_in_points_and_people():
    supers = share_frame(build_tiny(), load_goals().superintendents).set_index("school_year")
    # 2020-21: target 5% of 14 superintendents = 0.7 people of color; 7 in post, so 6.3 ahead of the path.
    assert supers.loc["2020-21", "gap_people"] == pytest.approx(0.7 - 7.0)
    assert supers.loc["2020-21", "gap_points"] == pytest.approx((0.05 - 0.5) * 100)
    # The partial year has no gap: it is not the state's figure.
    assert pd.isna(supers.loc["2021-22", "gap_points"]) and pd.isna(supers.loc["2021-22", "gap_people"])


def test_cli_usage_errors_exit_2(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "analytics", "metrics", "--nope"], capture_output=True, text=True, cwd=ROOT_DIR
    )
    assert out.returncode == 2 and "unrecognized arguments: --nope" in out.stderr


def test_fte_is_summed_exactly_so_every_run_and_server_cuts_the_same_blocks():
    """The privacy cut stands on each organization's FTE sums, and DuckDB adds a group's rows in whatever
    order its threads meet them: summed as doubles, a sum could differ in its last bit from one run (one
    server) to the next, and so could a block that sits at the threshold. Summed as decimals they are exact:
    0.1 + 0.2 + 0.3 FTE is 0.6, where doubles give 0.6000000000000001."""
    from analytics.metrics import run_query

    con = new_warehouse()
    add(
        con,
        "staffing",
        staffing("2020-21", "00350000", "Teacher", Black=0.1, Asian=0.2, Hispanic=0.3, White=2),
    )
    people = run_query(con, "people_of_color_by_organization", job_classes=["Teacher"], students=False)
    assert people[["of_color", "total"]].values.tolist() == [[0.6, 2.6]]
    races = run_query(con, "people_by_race_and_organization", school_year=None)
    assert sorted(races["people"]) == [0.1, 0.2, 0.3, 2.0]
