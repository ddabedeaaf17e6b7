"""Goal-progress metrics on small hand-made data; every expected number is worked out by hand."""

import itertools
import math

import pandas as pd
import pytest
from builders import add, fellow, new_warehouse, organizations, staffing

from analytics import goal_progress, metrics
from analytics.goals import load_goals
from analytics.projection import implied_hire_share, project_share, required_hire_share, scenario_path

GOALS = load_goals()


# --- the target path and the gap -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "target"),
    [
        ("2018-19", None),
        ("2019-20", 0.04),
        ("2020-21", 0.05),
        ("2024-25", 0.09),
        ("2029-30", 0.14),
        ("2031-32", 0.14),
    ],
)
def test_target_path_is_a_straight_line_from_4_to_14_percent(year, target):
    got = GOALS.superintendents.target_for(year)
    assert got == target if target is None else got == pytest.approx(target)


@pytest.mark.parametrize(
    ("target", "fte", "of_color", "needed"),
    [
        (0.09, 302, 26, 2),  # 27.18 needed: 1.18 short, so 2 more people
        (0.09, 300, 27, 0),  # exactly on the path
        (0.05, 3, 1, 0),  # ahead of the path
        (0.14, 100.5, 10.5, 4),
    ],  # 14.07 needed: 3.57 short
)
def test_people_short_of_the_path(target, fte, of_color, needed):
    assert goal_progress.people_short_of_path(target, fte, of_color) == needed


def published(years, totals, of_color, complete=None, suppressed=None) -> pd.DataFrame:
    """A published share frame, as goal_progress.share_frame returns it."""
    n = len(years)
    frame = pd.DataFrame(
        {
            "school_year": years,
            "total": totals,
            "of_color": of_color,
            "complete": complete or [True] * n,
            "suppressed": suppressed or [False] * n,
            "organizations_reported": [300] * n,
            "organizations_expected": [300] * n,
        }
    )
    frame["share"] = frame["of_color"] / frame["total"]
    return frame


def test_superintendent_status_compares_the_latest_year_with_its_target():
    frame = published(["2019-20", "2024-25"], [300.0, 302.0], [12.0, 26.0])
    status = goal_progress.share_status(frame, GOALS.superintendents)
    assert status.as_of == "2024-25" and status.target == pytest.approx(0.09)
    assert status.on_track is False and status.verdict == "Behind the target path"
    assert status.change == pytest.approx(26 / 302 - 0.04)
    assert status.detail.startswith("2 more superintendents of color")


def test_one_person_short_is_one_superintendent_not_superintendents():
    status = goal_progress.share_status(
        published(["2024-25"], [300.0], [26.0]), GOALS.superintendents
    )  # 27 needed
    assert status.detail == "1 more superintendent of color would put 2024-25 on the target path."


def test_a_partial_year_is_never_the_headline():
    frame = published(
        ["2023-24", "2024-25", "2025-26"],
        [302.0, 302.0, 80.0],
        [25.0, 26.0, 20.0],
        complete=[True, True, False],
    )
    frame.loc[2, ["organizations_reported", "organizations_expected"]] = [60, 322]
    status = goal_progress.share_status(frame, GOALS.superintendents)
    assert status.as_of == "2024-25" and status.value == pytest.approx(26 / 302)
    assert "2025-26 is partial so far (60 of 322 organizations reported)" in status.partial_note
    assert metrics.latest_complete_year(frame) == "2024-25"


def test_a_hidden_year_is_never_the_headline():
    frame = published(
        ["2023-24", "2024-25"], [302.0, float("nan")], [25.0, float("nan")], suppressed=[False, True]
    )
    assert goal_progress.share_status(frame, GOALS.superintendents).as_of == "2023-24"


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
    p = project_share(
        observed({"2019-20": 0.04, "2020-21": 0.06, "2021-22": 0.05, "2022-23": 0.07}), 0.14, "2029-30"
    )
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
    s = scenario_path(
        "2024-25", 0.10, posts=300, turnover=0.2, hire_share=0.5, target_share=0.14, target_year="2026-27"
    )
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


# --- on a hand-made warehouse --------------------------------------------------------------------


def test_superintendents_by_region_hide_small_regions():
    con = new_warehouse()
    rows = []
    # Greater Boston: Boston + EDCO (no superintendent) -> Boston only; Northeast: Lawrence; Pioneer Valley
    for org, race in (("00350000", "Black"), ("01490000", "White"), ("02810000", "Hispanic")):
        rows += staffing("2019-20", org, "Superintendent", **{race: 1})
    add(con, "staffing", rows)
    frame = metrics.superintendent_share_by_group(con, "region")
    assert frame["suppressed"].all()  # one superintendent per region: nothing can be shown
    assert frame["share"].isna().all()


def test_fellows_status_against_the_goal():
    cohorts = pd.DataFrame(
        {
            "cohort": [1, 2, 3, 4, 5],
            "start_year": ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24"],
            "fellows": [26, 20, 20, 14, 25],
        }
    )
    cohorts["cumulative"] = cohorts["fellows"].cumsum()  # 26, 46, 66, 80, 105
    status = goal_progress.count_status(cohorts, GOALS["fellows"])
    assert status.value == 105 and status.on_track and status.verdict == "Goal met, 1 cohort late"
    assert status.detail == (
        "The goal of 100 was reached with cohort 5 (2023-24); the plan was 100 by cohort 4 (2022-23)."
    )
    early = goal_progress.count_status(
        cohorts.iloc[:2], GOALS["fellows"]
    )  # 46 after 2 cohorts; 50 planned (100 * 2/4)
    assert early.on_track is False and early.verdict == "Behind the path" and early.target == 50
    assert early.detail == "50 planned by cohort 2, on the way to 100 by cohort 4."
    # After cohort 4, short of 100: how many to go, and the cohort the plan named (never 'by cohort 7').
    late = goal_progress.count_status(cohorts.iloc[:4], GOALS["fellows"])  # 80 after 4 cohorts
    assert late.on_track is False and late.detail == "20 to go: the plan was 100 by cohort 4 (2022-23)."
    # In a region's view: its part of the statewide number, and no verdict.
    part = goal_progress.count_status(cohorts.iloc[:2], GOALS["fellows"], statewide=cohorts)
    assert part.on_track is None and part.verdict == "" and part.statewide == 105
    assert part.detail == "46 of the 105 Influence 100 Fellows statewide; the goal of 100 is statewide."


def test_fellows_outcomes_hide_what_a_total_would_give_away():
    # One cohort of 26 from one district: 24 completed, 2 withdrew, none active. Showing "completed 24"
    # beside "26 Fellows" would give away "2 withdrew": all three statuses are hidden.
    orgs = organizations({("Central", "district"): 1})
    con = new_warehouse(orgs=orgs)
    home = orgs["org_code"].iloc[0]
    rows = [
        fellow(
            f"A{i}",
            1,
            "2019-20",
            home,
            "Black" if i < 13 else "White",
            status="completed" if i < 24 else "withdrawn",
            entry_role="Principal" if i < 11 else "Central Office",
            placement_role="Superintendent" if i < 7 else None,
            placement_year="2022-23" if i < 7 else None,
        )
        for i in range(26)
    ]
    add(con, "fellows", rows)
    summary, table = metrics.fellows_outcomes(con)
    assert summary.enrolled == 26
    assert (summary.completed, summary.withdrawn, summary.active) == (None, None, None)
    # 13 of color, 13 not: shown. No assistant superintendents within 5 years: 0 is fewer than 6, so it is
    # hidden, and with it the 7 superintendents (else 26 - 7 - 19 unplaced would give the 0 away).
    assert summary.share_of_color == pytest.approx(0.5)
    assert summary.placed_assistant is None and summary.placed_superintendent is None
    # 11 principals and 15 from the central office at entry, 0 otherwise: the 0 hides the 11 with it.
    assert summary.entered_as_principal is None and summary.entered_from_central_office == 15
    assert table["completed"].isna().all() and table["withdrawn"].isna().all()


def test_districts_status_against_the_band_and_the_path():
    part = pd.DataFrame(
        {
            "school_year": ["2019-20", "2024-25"],
            "participating": [15, 12],
            "new": [15, 3],
            "capacity_building": [15, 12],
            "cumulative_participating": [15, 52],
            "cumulative_strategy": [2, 20],
        }
    )
    # Two goals, two figures: 12 in capacity building in 2024-25 is within 10-15 a year ...
    per_year = goal_progress.per_year_status(part, GOALS["capacity_building"])
    assert per_year.on_track and per_year.value == 12 and per_year.verdict == "Within 10-15 a year"
    assert per_year.detail == "In capacity building in 2024-25: 12 (goal: 10-15 a year)."
    below = goal_progress.per_year_status(part.assign(capacity_building=[15, 8]), GOALS["capacity_building"])
    assert below.on_track is False and below.verdict == "Below 10-15 a year"
    # ... and 20 with a strategy is behind the path: 100 * (2025 - 2020) / (2030 - 2020) = 50 by 2024-25.
    strategy = goal_progress.cumulative_status(part, GOALS["workforce_strategy"])
    assert strategy.value == 20 and strategy.target == 50 and strategy.on_track is False
    assert strategy.verdict == "Behind the path to 100"
    assert (
        strategy.detail
        == "With a workforce-diversity strategy: 20 of 100 by 2029-30 (path: 50 by now, 2024-25)."
    )
    ahead = goal_progress.cumulative_status(
        part.assign(cumulative_strategy=[2, 52]), GOALS["workforce_strategy"]
    )
    assert ahead.on_track and ahead.verdict == "On the path to 100"


def test_organization_table_and_profile():
    con = new_warehouse()
    add(
        con,
        "participation",
        [
            ("00350000", "2019-20", "capacity building", False, True),
            ("00350000", "2020-21", "fellowship", True, False),
        ],
    )
    add(
        con,
        "fellows",
        [
            (f"F{i}", 1, "2019-20", "00350000", "Principal", "Asian", "completed", None, None, None)
            for i in range(3)
        ],
    )
    add(con, "equity-leaders", [("00350000", "2019-20", False, False), ("00350000", "2020-21", True, True)])
    add(
        con,
        "staffing",
        staffing("2020-21", "00350000", "Teacher", White=80, Asian=20)
        + staffing("2021-22", "00350000", "Teacher", White=80, Asian=4),
    )
    table = metrics.organizations_overview(con).set_index("org_code")
    boston = table.loc["00350000"]
    assert (boston["years_participating"], boston["first_year"], boston["last_year"]) == (
        2,
        "2019-20",
        "2020-21",
    )
    assert boston["fellows_sent"] == 3 and boston["strategy_adopted"] and boston["equity_leader"]
    assert table.loc["01490000", "years_participating"] == 0
    profile = metrics.organization_profile(con, "00350000")
    assert profile.name == "Boston" and profile.org_type == "District" and profile.has_equity_leader
    teachers = profile.teachers.set_index("school_year")
    assert teachers.loc["2020-21", "share"] == pytest.approx(0.2)
    assert math.isnan(teachers.loc["2021-22", "share"])  # 4 teachers of color: hidden
    assert teachers.loc["2021-22", "suppressed"] and math.isnan(teachers.loc["2021-22", "total"])
    assert metrics.organization_profile(con, "99990000") is None


def test_parity_floors_the_student_share_at_5_percent():
    got = metrics.parity(pd.Series([0.10, 0.02]), pd.Series([0.40, 0.01]))
    assert got.tolist() == pytest.approx([0.25, 0.4])  # 0.02 / max(0.01, 0.05)


def test_race_composition_hides_a_small_race_and_what_would_give_it_away():
    con = new_warehouse()
    add(con, "staffing", staffing("2019-20", "00350000", "Teacher", White=90, Asian=3, Black=7))
    frame = metrics.race_composition(con, "2019-20").set_index("race")
    assert frame.loc["White", "share"] == pytest.approx(0.9) and frame.loc["Asian", "suppressed"]
    assert math.isnan(frame.loc["Asian", "share"])
    # 10 of color is shown elsewhere; showing 7 Black teachers would give away the 3 Asian ones.
    assert frame.loc["African American/Black", "suppressed"]
    assert math.isnan(frame.loc["African American/Black", "people"])
