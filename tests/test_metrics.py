"""Headline metrics on a tiny hand-made warehouse; every expected number below is worked out by hand."""

import json
import subprocess
import sys

import pytest
from builders import ROOT_DIR, add, new_warehouse, staffing

from analytics import definitions as d
from analytics.goals import load_goals
from analytics.metrics import Filters, headline_metrics, staff_share_by_year, superintendent_share_by_year


def build_tiny(path=":memory:"):
    con = new_warehouse(path)
    add(con, "staffing",
        staffing("2019-20", "00350000", "Superintendent", Black=1)
        + staffing("2019-20", "01490000", "Superintendent", White=1)
        + staffing("2019-20", "02810000", "Superintendent", Hispanic=1)
        + staffing("2020-21", "00350000", "Superintendent", White=1)
        + staffing("2020-21", "01490000", "Superintendent", White=1)
        + staffing("2020-21", "02810000", "Superintendent", Hispanic=1)
        + staffing("2019-20", "00350000", "Teacher", White=90, Asian=10)
        + staffing("2019-20", "01490000", "Teacher", White=40, Hispanic=60, Unknown=5))  # fmt: skip
    # A later upload corrects Boston's 2019-20 teachers: it replaces them, and only them.
    add(con, "staffing", staffing("2019-20", "00350000", "Teacher", White=80, Asian=20))
    add(con, "enrollment", [
        ("2019-20", "00350000", "White", 100), ("2019-20", "00350000", "African American/Black", 300),
        ("2019-20", "01490000", "Hispanic/Latino", 450), ("2019-20", "01490000", "White", 50),
    ])  # fmt: skip
    add(con, "fellows", [
        ("F1", 1, "2019-20", "00350000", "Principal", "African American/Black", "completed",
         "Superintendent", "2021-22", "01490000"),
        ("F2", 1, "2019-20", "01490000", "Central Office", "White", "withdrawn", None, None, None),
        ("F3", 1, "2019-20", "56020000", "Central Office", "Asian", "completed", None, None, None),
        ("F4", 2, "2020-21", "02810000", "Principal", "Hispanic/Latino", "completed", None, None, None),
        ("F5", 2, "2020-21", "00350000", "Assistant Principal", "White", "completed", None, None, None),
    ])  # fmt: skip
    add(con, "participation", [
        ("00350000", "2019-20", "capacity building", False, True),
        ("00350000", "2019-20", "fellowship", False, False),
        ("01490000", "2019-20", "capacity building", True, True),
        ("00350000", "2020-21", "capacity building", True, True),
        ("02810000", "2020-21", "capacity building", False, False),
        ("56020000", "2020-21", "fellowship", False, False),
    ])  # fmt: skip
    return con


EXPECTED = {
    "superintendents": {
        "baseline_year": "2019-20", "baseline_share": 0.04, "target_share": 0.14, "target_year": "2029-30",
        "by_year": [
            {"school_year": "2019-20", "fte": 3.0, "fte_of_color": 2.0, "share": 0.6667, "target_share": 0.04},
            {"school_year": "2020-21", "fte": 3.0, "fte_of_color": 1.0, "share": 0.3333, "target_share": 0.05},
        ],
    },
    # Boston 80 + 20 (the correction), Lawrence 40 + 60; Lawrence's 5 FTE of unknown race are left out.
    "teachers": {"by_year": [{"school_year": "2019-20", "fte": 200.0, "fte_of_color": 80.0, "share": 0.4}]},
    "students": {"by_year": [
        {"school_year": "2019-20", "students": 900, "students_of_color": 750, "share": 0.8333}]},
    "fellows": {"goal": 100, "total": 5, "by_cohort": [
        {"cohort": 1, "start_year": "2019-20", "fellows": 3}, {"cohort": 2, "start_year": "2020-21", "fellows": 2}]},
    "districts": {"goal": 100, "participating_total": 4, "by_year": [
        {"school_year": "2019-20", "participating": 2, "new": 2},
        {"school_year": "2020-21", "participating": 3, "new": 2}]},
}  # fmt: skip


def test_headline_metrics_on_a_hand_made_warehouse():
    assert headline_metrics(build_tiny(), load_goals()) == EXPECTED


def test_metrics_json_from_the_command_line(tmp_path):
    db = tmp_path / "tiny.duckdb"
    build_tiny(db).close()
    out = subprocess.run(
        [sys.executable, "-m", "analytics", "metrics", "--db", str(db), "--json"],
        capture_output=True, text=True, cwd=ROOT_DIR, check=True,
    )  # fmt: skip
    assert json.loads(out.stdout) == EXPECTED


def test_metrics_json_from_the_sample_warehouse_has_the_documented_shape(sample_db):
    out = subprocess.run(
        [sys.executable, "-m", "analytics", "metrics", "--db", str(sample_db), "--json"],
        capture_output=True, text=True, cwd=ROOT_DIR, check=True,
    )  # fmt: skip
    figures = json.loads(out.stdout)
    s = figures["superintendents"]
    assert (s["baseline_share"], s["target_share"], s["target_year"]) == (0.04, 0.14, "2029-30")
    assert [r["school_year"] for r in s["by_year"]] == d.school_years_between("2016-17", "2024-25")
    assert set(s["by_year"][3]) == {"school_year", "fte", "fte_of_color", "share", "target_share"}
    assert s["by_year"][3]["target_share"] == 0.04 and s["by_year"][0]["target_share"] is None
    assert set(figures["teachers"]["by_year"][0]) == {"school_year", "fte", "fte_of_color", "share"}
    assert set(figures["students"]["by_year"][0]) == {"school_year", "students", "students_of_color", "share"}
    assert figures["fellows"]["total"] == 155 and figures["fellows"]["goal"] == 100
    assert figures["fellows"]["by_cohort"][0] == {"cohort": 1, "start_year": "2019-20", "fellows": 26}
    assert figures["districts"]["goal"] == 100
    assert figures["districts"]["by_year"][0] == {"school_year": "2019-20", "participating": 15, "new": 15}


def test_filters_narrow_to_region_and_type():
    con = build_tiny()
    boston_only = Filters(regions=("Greater Boston",))
    supers = superintendent_share_by_year(con, load_goals(), boston_only)
    assert supers["fte"].tolist() == [1.0, 1.0] and supers["fte_of_color"].tolist() == [1.0, 0.0]
    charters = staff_share_by_year(con, d.TEACHER, Filters(org_types=("charter",)))
    assert charters.empty  # no charter staffing loaded: no rows, not zeros
    later = staff_share_by_year(con, d.SUPERINTENDENT, Filters(year_from="2020-21"))
    assert later["school_year"].tolist() == ["2020-21"]


def test_gap_to_the_target_path_in_points_and_people():
    supers = superintendent_share_by_year(build_tiny(), load_goals()).set_index("school_year")
    # 2020-21: target 5% of 3 FTE = 0.15 people of color; 1 in post, so 0.85 ahead of the path.
    assert supers.loc["2020-21", "gap_people"] == pytest.approx(0.15 - 1.0)
    assert supers.loc["2020-21", "gap_points"] == pytest.approx((0.05 - 1 / 3) * 100)


def test_cli_usage_errors_exit_2(tmp_path):
    out = subprocess.run([sys.executable, "-m", "analytics", "metrics", "--nope"], capture_output=True,
                         text=True, cwd=ROOT_DIR)  # fmt: skip
    assert out.returncode == 2 and "unrecognized arguments: --nope" in out.stderr
