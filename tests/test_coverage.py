"""Coverage: a school year's figure is complete only when nearly all the organizations expected reported;
a partial year is marked, never the headline. Every expected number is worked out by hand."""

import numpy as np
import pytest
from builders import TESTS, add, new_warehouse, organizations, staffing

from analytics import metrics as m
from analytics.coverage import coverage_of, organizations_reporting
from analytics.goals import load_goals
from analytics.headline import headline_metrics
from analytics.ingest import check_upload, preview_upload
from analytics.settings import load_settings
from analytics.store import rollback_upload

GOALS = load_goals()
# Twenty districts in one region: a statewide list of 20.
ORGS = organizations({("Central", "district"): 20})
CODES = ORGS["org_code"].tolist()


def teachers(year: str, codes: list[str]) -> list[tuple]:
    """Each district: 10 teachers of color and 30 White (every group passes the rule on its own)."""
    rows = []
    for code in codes:
        rows += staffing(year, code, "Teacher", Black=10, White=30)
    return rows


def coverage(con, year: str) -> dict:
    frame = m.staff_share_by_year(con, "Teacher").set_index("school_year")
    return frame.loc[year, ["organizations_reported", "organizations_expected", "complete"]].to_dict()


@pytest.fixture
def con():
    con = new_warehouse(orgs=ORGS)
    add(con, "staffing", teachers("2023-24", CODES), covers_state=True)  # DESE's statewide file
    return con


def test_a_statewide_file_is_complete_by_its_own_list(con):
    assert coverage(con, "2023-24") == {
        "organizations_reported": 20,
        "organizations_expected": 20,
        "complete": True,
    }


def test_one_districts_file_for_a_later_year_is_partial_and_not_the_headline(con):
    add(con, "staffing", teachers("2024-25", CODES[:1]))
    assert coverage(con, "2024-25") == {
        "organizations_reported": 1,
        "organizations_expected": 20,
        "complete": False,
    }
    shares = m.staff_share_by_year(con, "Teacher")
    assert m.latest_complete_year(shares) == "2023-24"
    figures = headline_metrics(con, GOALS)["teachers"]
    assert figures["latest_complete_year"] == "2023-24"
    assert figures["by_year"][-1]["share"] is None and figures["by_year"][-1]["complete"] is False


def test_nineteen_of_twenty_is_complete_at_95_percent(con):
    add(con, "staffing", teachers("2024-25", CODES[:18]))
    assert coverage(con, "2024-25")["complete"] is False  # 18 of 20 = 90%
    add(con, "staffing", teachers("2024-25", CODES[18:19]))
    assert coverage(con, "2024-25") == {
        "organizations_reported": 19,
        "organizations_expected": 20,
        "complete": True,
    }


def test_the_share_that_counts_as_complete_is_a_setting(con, monkeypatch):
    add(con, "staffing", teachers("2024-25", CODES[:18]))
    monkeypatch.setenv("DASHBOARD_COMPLETE_SHARE", "0.9")
    load_settings.cache_clear()
    try:
        assert coverage(con, "2024-25")["complete"] is True
    finally:
        monkeypatch.delenv("DASHBOARD_COMPLETE_SHARE")
        load_settings.cache_clear()


def test_a_district_file_changes_its_own_rows_and_nothing_else(con):
    before = m.staff_share_by_year(con, "Teacher").set_index("school_year").loc["2023-24"]
    add(con, "staffing", staffing("2023-24", CODES[0], "Teacher", Black=20, White=20))
    after = m.staff_share_by_year(con, "Teacher").set_index("school_year").loc["2023-24"]
    assert (after["of_color"], after["total"]) == (before["of_color"] + 10, before["total"])
    assert after["complete"] and after["organizations_reported"] == 20


def test_a_region_is_measured_against_its_own_expected_organizations():
    orgs = organizations({("Central", "district"): 10, ("Northeast", "district"): 10})
    con = new_warehouse(orgs=orgs)
    codes = orgs["org_code"].tolist()
    add(con, "staffing", teachers("2023-24", codes), covers_state=True)
    add(con, "staffing", teachers("2024-25", codes[:10]))  # all of Central, none of Northeast
    central = m.staff_share_by_year(con, "Teacher", m.Filters(regions=("Central",))).set_index("school_year")
    assert central.loc["2024-25", "complete"] and central.loc["2024-25", "organizations_expected"] == 10
    state = m.staff_share_by_year(con, "Teacher").set_index("school_year")
    assert not state.loc["2024-25", "complete"] and state.loc["2024-25", "organizations_reported"] == 10


def test_without_a_statewide_file_the_year_most_reported_is_the_list():
    con = new_warehouse(orgs=ORGS)
    add(con, "staffing", teachers("2022-23", CODES[:5]))
    add(con, "staffing", teachers("2023-24", CODES))
    cells = organizations_reporting(con, "staffing", ("Teacher",)).by_cell()
    got = coverage_of(cells, np.ones(len(cells), dtype=bool)).set_index("school_year")
    assert got.loc["2022-23", ["organizations_reported", "organizations_expected"]].tolist() == [5, 20]
    assert not got.loc["2022-23", "complete"] and got.loc["2023-24", "complete"]


def test_rolling_back_the_statewide_file_takes_its_list_with_it(con):
    saved = add(con, "staffing", teachers("2024-25", CODES[:3]), covers_state=True)  # a "statewide" file of 3
    assert coverage(con, "2024-25")["complete"] is True  # by its own list
    rollback_upload(con, saved.upload_id, actor=TESTS)
    assert m.staff_share_by_year(con, "Teacher")["school_year"].tolist() == ["2023-24"]


def test_the_preview_says_a_year_stays_partial(con):
    data = b"School Year,Org Code,Job Class,Race/Ethnicity,FTE\n" + b"".join(
        f"2024-25,{CODES[0]},Teacher,{race},{n}\n".encode() for race, n in (("White", 30), ("Asian", 10))
    )
    checked = check_upload(con, "staffing", data, "one.csv")
    assert checked.can_save, checked.problems
    changes = preview_upload(con, checked).changes
    assert (
        "This adds 2024-25 for 1 organization; the statewide figure for 2024-25 stays partial until more "
        "report (1 of 20 expected organizations after this file)." in changes
    )
    # A partial year has no statewide figure: no "now → after" line for it.
    assert not any(c.startswith("teachers of color, 2024-25") for c in changes)


def test_the_preview_never_gives_away_what_a_file_replaces(con):
    """Replacing one district's superintendent and reading the statewide change would give away the
    superintendent's race; replacing a district whose teachers pass the rule on their own is fine."""
    add(
        con,
        "staffing",
        [r for code in CODES for r in staffing("2023-24", code, "Superintendent", White=1)]
        + [r for code in CODES[:7] for r in staffing("2023-24", code, "Superintendent", Black=1)],
    )
    one = f"School Year,Org Code,Job Class,Race/Ethnicity,FTE\n2023-24,{CODES[0]},Superintendent,White,1\n"
    checked = check_upload(con, "staffing", one.encode(), "super.csv")
    preview = preview_upload(con, checked)
    assert not any(c.startswith("superintendents of color, 2023-24:") and "→" in c for c in preview.changes)
    assert any("is not previewed" in c for c in preview.changes)
    assert preview.written["share_now"].isna().all()  # one superintendent's race, now: hidden
    mine = f"School Year,Org Code,Job Class,Race/Ethnicity,FTE\n2023-24,{CODES[0]},Teacher,White,20\n2023-24,{CODES[0]},Teacher,Black,20\n"
    preview = preview_upload(con, check_upload(con, "staffing", mine.encode(), "teachers.csv"))
    # 200 of 800 now; the file replaces 10 of 40 with 20 of 40: 210 of 800.
    assert "teachers of color, 2023-24: 25.0% → 26.2% (statewide)" in preview.changes
