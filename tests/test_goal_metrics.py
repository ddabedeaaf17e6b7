"""Goal-progress metrics on small hand-made data; every expected number is worked out by hand."""

import itertools
import math

import pandas as pd
import pytest
from builders import add, new_warehouse, staffing

from analytics import metrics as m
from analytics.goals import load_goals
from analytics.privacy import suppress_counts, suppress_shares
from analytics.projection import implied_hire_share, project_share, required_hire_share, scenario_path

GOALS = load_goals()


# --- the target path and the gap -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "target"),
    [("2018-19", None), ("2019-20", 0.04), ("2020-21", 0.05), ("2024-25", 0.09), ("2029-30", 0.14),
     ("2031-32", 0.14)],
)  # fmt: skip
def test_target_path_is_a_straight_line_from_4_to_14_percent(year, target):
    got = GOALS.superintendents.target_for(year)
    assert got == target if target is None else got == pytest.approx(target)


@pytest.mark.parametrize(
    ("target", "fte", "of_color", "needed"),
    [(0.09, 302, 26, 2),  # 27.18 needed: 1.18 short, so 2 more people
     (0.09, 300, 27, 0),  # exactly on the path
     (0.05, 3, 1, 0),  # ahead of the path
     (0.14, 100.5, 10.5, 4)],  # 14.07 needed: 3.57 short
)  # fmt: skip
def test_people_short_of_the_path(target, fte, of_color, needed):
    assert m.people_short_of_path(target, fte, of_color) == needed


def test_superintendent_status_compares_the_latest_year_with_its_target():
    frame = pd.DataFrame({"school_year": ["2019-20", "2024-25"], "fte": [300.0, 302.0],
                          "fte_of_color": [12.0, 26.0], "share": [0.04, 26 / 302]})  # fmt: skip
    status = m.superintendent_status(frame, GOALS)
    assert status.as_of == "2024-25" and status.target == pytest.approx(0.09)
    assert status.on_track is False and status.verdict == "Behind the target path"
    assert status.change == pytest.approx(26 / 302 - 0.04)
    assert status.detail.startswith("2 more superintendents of color")


# --- projection and scenarios --------------------------------------------------------------------


def observed(shares: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({"school_year": list(shares), "share": list(shares.values())})


def test_projection_of_a_steady_rise_reaches_the_target_on_time():
    # +1 point a year from 6% in 2021-22: 14% in 2029-30, with no scatter, so no band.
    p = project_share(observed({"2019-20": 0.04, "2020-21": 0.05, "2021-22": 0.06}), 0.14, "2029-30")
    assert p.slope_per_year == pytest.approx(0.01)
    final = p.path.iloc[-1]
    assert final["school_year"] == "2029-30" and final["share"] == pytest.approx(0.14)
    assert final["low"] == pytest.approx(0.14) and final["high"] == pytest.approx(0.14)
    assert p.year_target_reached == "2029-30"


def test_projection_band_widens_with_scatter_and_starts_at_the_last_observed_year():
    p = project_share(observed({"2019-20": 0.04, "2020-21": 0.06, "2021-22": 0.05, "2022-23": 0.07}), 0.14,
                      "2029-30")  # fmt: skip
    assert p.path["school_year"].iloc[0] == "2022-23" and p.path["share"].iloc[0] == pytest.approx(0.07)
    widths = (p.path["high"] - p.path["low"]).tolist()
    assert widths[0] == pytest.approx(0) and all(a < b for a, b in itertools.pairwise(widths))
    # slope of the fit: x = 2020..2023, y = 4,6,5,7 (%) -> 0.8 points a year
    assert p.slope_per_year == pytest.approx(0.008)
    # 7% + 0.8k >= 14% -> k = 9 years after 2022-23 -> 2031-32
    assert p.year_target_reached == "2031-32"


def test_a_flat_trend_never_reaches_the_target():
    p = project_share(observed({"2019-20": 0.05, "2020-21": 0.05, "2021-22": 0.05}), 0.14, "2029-30")
    assert p.year_target_reached is None and p.reached_label == "not by 2034-35"


def test_projection_needs_three_years():
    assert project_share(observed({"2019-20": 0.04, "2020-21": 0.05}), 0.14, "2029-30") is None


def test_scenario_path_follows_turnover_and_hiring():
    s = scenario_path("2024-25", 0.10, posts=300, turnover=0.2, hire_share=0.5, target_share=0.14,
                      target_year="2026-27")  # fmt: skip
    # 0.10 -> 0.10*0.8 + 0.2*0.5 = 0.18 -> 0.18*0.8 + 0.1 = 0.244
    assert s.path["share"].tolist() == pytest.approx([0.10, 0.18, 0.244])
    assert s.path["people_of_color"].tolist() == pytest.approx([30, 54, 73.2])
    assert s.reaches_target


def test_required_hiring_share_by_hand():
    kept = 0.85**5
    assert required_hire_share(0.086, 0.15, 0.14, 5) == pytest.approx((0.14 - 0.086 * kept) / (1 - kept))
    assert required_hire_share(0.15, 0.15, 0.14, 5) == 0.0  # already there
    assert required_hire_share(0.0, 0.05, 0.14, 1) is None  # 0.14 / 0.05 = 280% of hires: impossible


def test_implied_hiring_share_inverts_the_scenario():
    s = scenario_path("2019-20", 0.04, 300, 0.15, 0.2, 0.14, "2024-25")
    assert implied_hire_share(s.path, 0.15, "2019-20") == pytest.approx(0.2)


# --- suppression ---------------------------------------------------------------------------------


def test_shares_with_fewer_than_6_on_either_side_are_hidden():
    frame = pd.DataFrame({"group": ["a", "b", "c", "d"], "part": [3.0, 10.0, 10.0, 0.0],
                          "whole": [50.0, 50.0, 12.0, 40.0]})  # fmt: skip
    frame["share"] = frame["part"] / frame["whole"]
    out = suppress_shares(frame, "part", "whole")
    # a: 3 of color; c: only 2 others; b and d are safe (a zero is not a person)
    assert out["suppressed"].tolist() == [True, False, True, False]
    assert out["share"].isna().tolist() == [True, False, True, False]


def test_a_lone_hidden_cell_takes_the_next_smallest_with_it():
    frame = pd.DataFrame({"year": ["y"] * 3 + ["z"] * 2, "region": ["A", "B", "C", "A", "B"],
                          "part": [2.0, 10.0, 20.0, 10.0, 10.0], "whole": [40.0, 60.0, 90.0, 50.0, 60.0]})  # fmt: skip
    out = suppress_shares(frame, "part", "whole", partition="year")
    # year y: A is small, so B (the smallest other) is hidden too; year z: nothing small
    assert out["suppressed"].tolist() == [True, True, False, False, False]


def test_counts_of_1_to_5_are_hidden_but_0_and_6_are_shown():
    out = suppress_counts(pd.DataFrame({"n": [0, 1, 5, 6]}), ["n"])
    assert out["n"].isna().tolist() == [False, True, True, False]


# --- on a hand-made warehouse --------------------------------------------------------------------


def test_superintendents_by_region_hide_small_regions():
    con = new_warehouse()
    rows = []
    # Greater Boston: Boston + EDCO (no superintendent) -> Boston only; Northeast: Lawrence; Pioneer Valley
    for org, race in (("00350000", "Black"), ("01490000", "White"), ("02810000", "Hispanic")):
        rows += staffing("2019-20", org, "Superintendent", **{race: 1})
    add(con, "staffing", rows)
    frame = m.superintendent_share_by_group(con, "region")
    assert frame["suppressed"].all()  # one superintendent per region: nothing can be shown
    assert frame["share"].isna().all()


def test_fellows_summary_and_status():
    cohorts = pd.DataFrame({"cohort": [1, 2, 3, 4, 5], "start_year": ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24"],
                            "fellows": [26, 20, 20, 14, 25], "known_race": [26, 20, 20, 14, 25],
                            "of_color": [24, 16, 17, 12, 21], "active": [0, 0, 0, 0, 25],
                            "completed": [24, 18, 19, 14, 0], "withdrawn": [2, 2, 1, 0, 0],
                            "entered_as_principal": [11, 8, 9, 6, 11], "entered_from_central_office": [15, 12, 11, 8, 14],
                            "superintendent_within_5": [3, 1, 0, 0, 0], "assistant_within_5": [4, 2, 1, 0, 0]})  # fmt: skip
    cohorts["cumulative"] = cohorts["fellows"].cumsum()  # 26, 46, 66, 80, 105
    summary = m.fellows_summary(cohorts)
    assert (summary.enrolled, summary.completed, summary.withdrawn) == (105, 75, None)  # 5 withdrew: hidden
    assert summary.placed_superintendent is None and summary.placed_assistant == 7
    assert summary.share_of_color == pytest.approx(90 / 105)
    status = m.fellows_status(cohorts, GOALS)
    assert status.value == 105 and status.on_track and status.verdict == "Goal met, 1 cohort late"
    early = m.fellows_status(cohorts.iloc[:2], GOALS)  # 46 after 2 cohorts; 50 planned (100 * 2/4)
    assert early.on_track is False and early.verdict == "Behind"


def test_districts_status_against_the_band_and_the_path():
    part = pd.DataFrame({"school_year": ["2019-20", "2024-25"], "participating": [15, 12], "new": [15, 3],
                         "capacity_building": [15, 12], "cumulative_participating": [15, 52],
                         "cumulative_strategy": [2, 20]})  # fmt: skip
    status = m.districts_status(part, GOALS)
    # path: 100 * (2025 - 2020) / (2030 - 2020) = 50 by 2024-25; 52 is above it; 12 a year is in the band
    assert status.on_track and status.value == 52 and "50 by now" in status.detail
    behind = m.districts_status(part.assign(cumulative_participating=[15, 40]), GOALS)
    assert behind.on_track is False and behind.verdict == "Behind the path to 100"


def test_organization_table_and_profile():
    con = new_warehouse()
    add(con, "participation", [("00350000", "2019-20", "capacity building", False, True),
                               ("00350000", "2020-21", "fellowship", True, False)])  # fmt: skip
    add(con, "fellows", [(f"F{i}", 1, "2019-20", "00350000", "Principal", "Asian", "completed", None, None, None)
                         for i in range(3)])  # fmt: skip
    add(con, "equity-leaders", [("00350000", "2019-20", False, False), ("00350000", "2020-21", True, True)])
    add(con, "staffing", staffing("2020-21", "00350000", "Teacher", White=80, Asian=20)
        + staffing("2021-22", "00350000", "Teacher", White=80, Asian=4))  # fmt: skip
    table = m.organizations_overview(con).set_index("org_code")
    boston = table.loc["00350000"]
    assert (boston["years_participating"], boston["first_year"], boston["last_year"]) == (
        2,
        "2019-20",
        "2020-21",
    )
    assert boston["fellows_sent"] == 3 and boston["strategy_adopted"] and boston["equity_leader"]
    assert table.loc["01490000", "years_participating"] == 0
    profile = m.organization_profile(con, "00350000")
    assert profile.name == "Boston" and profile.org_type == "District" and profile.has_equity_leader
    teachers = profile.teachers.set_index("school_year")
    assert teachers.loc["2020-21", "share"] == pytest.approx(0.2)
    assert math.isnan(teachers.loc["2021-22", "share"])  # 4 teachers of color: hidden
    assert m.organization_profile(con, "99990000") is None


def test_parity_floors_the_student_share_at_5_percent():
    got = m.parity(pd.Series([0.10, 0.02]), pd.Series([0.40, 0.01]))
    assert got.tolist() == pytest.approx([0.25, 0.4])  # 0.02 / max(0.01, 0.05)


def test_race_composition_hides_small_cells():
    con = new_warehouse()
    add(con, "staffing", staffing("2019-20", "00350000", "Teacher", White=90, Asian=3, Black=7))
    frame = m.race_composition(con, "2019-20").set_index("race")
    assert frame.loc["White", "share"] == pytest.approx(0.9) and frame.loc["Asian", "suppressed"]
    assert math.isnan(frame.loc["Asian", "share"]) and frame.loc["African American/Black", "people"] == 7
