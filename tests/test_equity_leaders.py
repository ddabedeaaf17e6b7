"""Equity leaders and AMSEL: the metrics worked out by hand, the membership list's upload, privacy under
differencing for the network's figures and the staff comparison, the map's data, and the page."""

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from builders import TESTS, add, new_warehouse, organizations, staffing

from analytics import definitions, equity, geography
from analytics.access import UPLOADER, Actor, NotAllowed
from analytics.chart_fit import unwrap
from analytics.ingest import Answers, check_upload, save_checked
from analytics.metrics import Filters

BOSTON, LAWRENCE, SPRINGFIELD, ABBY, EDCO = "00350000", "01490000", "02810000", "04450000", "56020000"


def leaders(year: str, rows: dict[str, tuple[bool, bool]]) -> list[tuple]:
    return [(code, year, has, amsel) for code, (has, amsel) in rows.items()]


def members_row(year, org=None, school=None, *, n, district=0, new=0, mentor=0, every=0, sub=0) -> tuple:
    return (year, org, school, n, district, new, mentor, every, sub)


# --- organizations with an equity-leader position ------------------------------------------------------


def test_positions_amsel_founders_and_a_partial_year_counted_by_hand():
    con = new_warehouse()
    five = {BOSTON: (True, True), LAWRENCE: (True, False), SPRINGFIELD: (False, False), ABBY: (True, True)}
    add(con, "equity-leaders", leaders("2019-20", five | {EDCO: (False, False)}))
    add(con, "equity-leaders", leaders("2020-21", five | {EDCO: (True, True), SPRINGFIELD: (True, False)}))
    add(con, "equity-leaders", leaders("2021-22", {BOSTON: (True, True)}))  # one organization reported
    add(con, "amsel-members", [members_row("2020-21", school="Milton Academy", n=2)])
    frame = equity.equity_leaders_by_year(con).set_index("school_year")
    assert frame["with_leader"].to_dict() == {"2019-20": 3, "2020-21": 5, "2021-22": 1}
    assert frame["amsel"].to_dict() == {"2019-20": 2, "2020-21": 3, "2021-22": 1}
    assert frame["new_positions"].to_dict() == {"2019-20": 0, "2020-21": 2, "2021-22": 0}
    assert frame["independent_schools"].to_dict() == {"2019-20": 0, "2020-21": 1, "2021-22": 0}
    assert frame["complete"].to_dict() == {"2019-20": True, "2020-21": True, "2021-22": False}
    assert (
        frame.loc["2021-22", "organizations_reported"],
        frame.loc["2021-22", "organizations_expected"],
    ) == (1, 5)
    assert equity.amsel_founders(con)["name"].tolist() == ["Abby Kelley Foster Charter Public", "Boston"]
    # One region: only its organizations, and no independent schools (they are in no region).
    boston_area = equity.equity_leaders_by_year(con, Filters(regions=("Greater Boston",))).set_index(
        "school_year"
    )
    assert boston_area["with_leader"].to_dict() == {"2019-20": 1, "2020-21": 2, "2021-22": 1}
    assert boston_area["independent_schools"].sum() == 0
    by_type = equity.equity_leaders_by_group(con, "org_type")
    year = by_type[by_type["school_year"] == "2020-21"].set_index("group")["amsel"].to_dict()
    assert year == {
        "Districts": 1,
        "Charter schools": 1,
        "Collaboratives": 1,
        definitions.INDEPENDENT_LABEL: 1,
    }


def test_the_positions_section_names_the_partial_year_and_titles_the_latest_complete_one():
    con = new_warehouse()
    five = {c: (True, c == BOSTON) for c in (BOSTON, LAWRENCE, SPRINGFIELD, ABBY, EDCO)}
    add(con, "equity-leaders", leaders("2023-24", five))
    add(con, "equity-leaders", leaders("2024-25", {BOSTON: (True, True)}))
    from analytics import sections

    section = sections.equity_leader_positions(con, Filters())
    assert section.figure.layout.title.text.startswith(
        "5 organizations had an equity-leader position in 2023-24"
    )
    assert "Partial: 2024-25 (1 of 5 organizations reported)" in section.figure.layout.title.subtitle.text
    assert "2024-25 (1 of 5 organizations reported)" in section.caption


# --- the network's members: people, through privacy.py ---------------------------------------------------


def network(con, filters=None):
    frame = equity.network_by_year(con, filters or Filters())
    return {(r.school_year, r.measure): (r.count, r.base, r.suppressed) for r in frame.itertuples()}


def test_network_figures_by_hand_and_hidden_when_fewer_than_6_either_way():
    con = new_warehouse()
    add(
        con,
        "amsel-members",
        [
            members_row("2023-24", BOSTON, n=9, district=6, new=7, mentor=4, every=3, sub=9),
            members_row("2023-24", LAWRENCE, n=5, district=0, new=5, mentor=2, every=5, sub=1),
            members_row("2023-24", school="Milton Academy", n=4, new=1, mentor=1, every=1, sub=4),
        ],
    )
    got = network(con)
    assert got[("2023-24", "members")][0] == 18 and not got[("2023-24", "members")][2]
    # 6 through a district (all Boston's) and 12 on their own: Boston knows its own 6, so the share would
    # tell it that Lawrence's and Milton's 9 members hold none: hidden (the insider rule).
    assert got[("2023-24", "district_members")][2]
    # 13 new to their role, 5 not: fewer than 6 not new, so hidden; and so are the mentors among them (7
    # with, 6 without would pass, but their base, 13 new, would give the 5 away).
    assert got[("2023-24", "new_to_role")][2] and np.isnan(got[("2023-24", "new_to_role")][0])
    assert got[("2023-24", "new_with_mentor")][2]
    # 9 at every meeting and 9 not would pass, but Boston (3 of its 9) would learn the others' 6 of 9 (3
    # not): hidden. 14 in a subcommittee and 4 not: hidden.
    assert got[("2023-24", "every_meeting")][2]
    assert got[("2023-24", "in_subcommittee")][2]
    # Greater Boston is Boston's 9 members; Lawrence's 5 and Milton's 4 would make a block of 9, but
    # Lawrence would then know Milton's 4: the three are one block, and Greater Boston is not shown.
    boston_area = network(con, Filters(regions=("Greater Boston",)))
    assert boston_area[("2023-24", "members")][2]
    assert boston_area[("2023-24", "district_members")][2]


def test_network_figures_by_hand_where_no_member_learns_another():
    """With a fourth organization, the figures pass with any one organization's own taken out."""
    con = new_warehouse()
    add(
        con,
        "amsel-members",
        [
            members_row("2023-24", BOSTON, n=9, district=6, new=7, mentor=4, every=3, sub=9),
            members_row("2023-24", SPRINGFIELD, n=10, district=6, new=2, mentor=1, every=6, sub=8),
            members_row("2023-24", LAWRENCE, n=8, district=6, new=5, mentor=2, every=5, sub=1),
            members_row("2023-24", school="Milton Academy", n=7, new=1, mentor=1, every=1, sub=4),
        ],
    )
    got = network(con)
    assert got[("2023-24", "members")][0] == 34 and not got[("2023-24", "members")][2]
    # 18 through a district, 16 not; without Boston 12 and 13, without Springfield 12 and 12, without
    # Lawrence 12 and 14, without Milton 18 and 9: every remainder is 6 or more either way.
    assert got[("2023-24", "district_members")][:2] == (18, 34)
    # 15 at every meeting, 19 not; without Springfield (6 and 4) 9 and 15: shown.
    assert got[("2023-24", "every_meeting")][:2] == (15, 34)


def _views():
    regions = [(), *((r,) for r in definitions.REGIONS)]
    types = [(), *((t,) for t in definitions.ORG_TYPES)]
    return [Filters(regions=r, org_types=t) for r, t in itertools.product(regions, types)]


@pytest.mark.parametrize("seed", range(4))
def test_no_difference_of_network_figures_shown_is_a_group_of_fewer_than_6(seed):
    """Every pair of nested views whose figure is shown differs by 0 or by 6 or more with and without the
    attribute (and 6 or more members for the members' count), for random networks."""
    rng = np.random.default_rng(seed)
    orgs = organizations(
        {
            (r, t): int(rng.integers(0, 4))
            for r in ("Central", "Greater Boston", "Northeast")
            for t in definitions.ORG_TYPES
        }
    )
    con = new_warehouse(orgs=orgs)
    rows = []
    for code in orgs["org_code"]:
        n = int(rng.integers(1, 6))
        new = int(rng.integers(0, n + 1))
        rows.append(
            members_row(
                "2024-25",
                code,
                n=n,
                district=int(rng.integers(0, n + 1)),
                new=new,
                mentor=int(rng.integers(0, new + 1)),
                every=int(rng.integers(0, n + 1)),
                sub=int(rng.integers(0, n + 1)),
            )
        )
    rows.append(members_row("2024-25", school="Milton Academy", n=3, every=2, sub=1))
    add(con, "amsel-members", rows)
    # Where each member's organization is, from the organizations made above (Milton Academy, an independent
    # school, is in no region or type of DESE's: only the whole state's view has it).
    places = {row.org_code: (row.region, row.org_type) for row in orgs.itertuples()}
    places["Milton Academy"] = (None, None)
    seen = {}
    for view in _views():
        selected = frozenset(
            code
            for code, (region, org_type) in places.items()
            if (not view.regions or region in view.regions)
            and (not view.org_types or org_type in view.org_types)
        )
        for (_year, measure), (count, base, hidden) in network(con, view).items():
            if not hidden:
                seen.setdefault(measure, []).append((selected, count, base))
    assert seen["members"], "nothing shown at all"
    for measure, shown in seen.items():
        for (a, ka, na), (b, kb, nb) in itertools.permutations(shown, 2):
            if b < a:  # b nested in a: the difference is a group someone can work out
                k = ka - kb
                if measure == "members":
                    assert k >= 6, (measure, sorted(a - b), k)
                else:
                    assert k >= 6 and (na - nb) - k >= 6, (measure, sorted(a - b), k, na - nb)


# --- staff of color, with an equity leader and without --------------------------------------------------


def test_the_comparison_is_two_unions_of_blocks_with_the_mixed_ones_left_out_and_counted():
    orgs = organizations({("Greater Boston", "district"): 4, ("Central", "district"): 2})
    con = new_warehouse(orgs=orgs)
    codes = orgs["org_code"].tolist()
    big = [10.0, 30.0]  # each passes alone: 10 of color, 30 White
    rows = []
    for year in ("2019-20", "2024-25"):
        for i, code in enumerate(codes[:4]):
            rows += staffing(year, code, "Teacher", Black=big[0] + i + (year > "2020"), White=big[1])
        # Central: two small organizations that pass only together (one with a leader, one without).
        rows += staffing(year, codes[4], "Teacher", Black=3, White=10)
        rows += staffing(year, codes[5], "Teacher", Black=4, White=10)
    add(con, "staffing", rows, covers_state=True)
    has = {codes[0]: True, codes[1]: True, codes[2]: False, codes[3]: False, codes[4]: True, codes[5]: False}
    add(con, "equity-leaders", [(c, "2024-25", v, False) for c, v in has.items()])
    got = equity.leader_comparison(con, definitions.TEACHER)
    frame = got.frame.set_index(["school_year", "group"])
    with_leader = frame.loc[("2024-25", equity.WITH_LEADER)]
    # Codes 0 and 1 (11 + 12 of color of 41 + 42): the Central pair mixes both groups, so is in neither.
    assert (with_leader["of_color"], with_leader["total"]) == (23.0, 83.0)
    assert (with_leader["organizations"], with_leader["left_out"]) == (2, 1)
    # The Central pair (3 + 4 of color) passes together but not with either taken out (the other would
    # know 3 or 4): it joins Greater Boston's cell, and of the four that pass alone, three (smallest first)
    # are split off while what remains passes with any one taken out: code 3 stays with the pair. Without a
    # leader: code 2 (13 of 43); codes 3 and 5 are in the mixed block, left out.
    without = frame.loc[("2024-25", equity.WITHOUT_LEADER)]
    assert (without["of_color"], without["total"], without["left_out"]) == (13.0, 43.0, 2)
    assert got.change[equity.WITH_LEADER][:2] == ("2019-20", "2024-25")
    assert got.change[equity.WITH_LEADER][2] == pytest.approx((23 / 83 - 21 / 81) * 100)


# --- the membership list, uploaded ---------------------------------------------------------------------

LIST = (
    "AMSEL membership 2024-25\r\n"
    "Member,Organization or School,Role Title,Start Date,Membership,Mentor Assigned,Meetings Attended,"
    "Subcommittees\r\n"
    "Ana Diaz,Boston Public Schools,Director of Equity,2019-08-01,District,No,10,Hiring; Curriculum\r\n"
    "Ben Lee,Lawrence,Equity Coordinator,9/1/2024,Individual,Yes,7 of 9,\r\n"
    "Cara Ng,Milton Academy,DEI Director,2024-08-15,Individual,No,9,Policy\r\n"
    "Ben Lee,Lawrence,Equity Coordinator,9/1/2024,Individual,Yes,7 of 9,\r\n"
    "Dee Fox,00350505,Assistant Director,2020-01-01,Indiv.,,10,None\r\n"
).encode("cp1252")


def test_a_membership_list_in_the_coordinators_shape_is_counted_and_its_names_dropped():
    con = new_warehouse()
    checked = check_upload(con, "amsel-members", LIST, "AMSEL members.csv")
    assert checked.can_save, checked.problems
    assert "school year 2024-25" in checked.recognition.description
    assert [(p.row, p.column, p.code) for p in checked.problems] == [
        (5, "Organization or School", "outside-dese"),
        (6, None, "duplicate-row"),
    ]
    facts = checked.facts.set_index(checked.facts["org_code"].fillna(checked.facts["outside_school"]))
    assert facts.loc[
        BOSTON, ["members", "district_members", "new_to_role", "every_meeting", "in_subcommittee"]
    ].tolist() == [2, 1, 0, 2, 1]
    assert facts.loc[LAWRENCE, ["members", "new_to_role", "new_with_mentor", "every_meeting"]].tolist() == [
        1,
        1,
        1,
        0,
    ]
    assert facts.loc[
        "Milton Academy", ["members", "new_to_role", "new_with_mentor", "in_subcommittee"]
    ].tolist() == [1, 1, 0, 1]
    saved = save_checked(con, checked, actor=TESTS)
    stored = con.execute("SELECT * FROM current_amsel_members").df()
    assert len(stored) == 3 and saved.organizations == 2
    text = " ".join(str(v) for v in stored.to_numpy().ravel())
    assert "Diaz" not in text and "Ben Lee" not in text  # names never reach the warehouse


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("Eve Ray,Lawrence,Coordinator,yesterday,Individual,No,3,", (2, "Start Date", "not-a-date")),
        ("Eve Ray,Lawrence,Coordinator,2020-01-01,Friend,No,3,", (2, "Membership", "not-accepted")),
        ("Eve Ray,Lawrence,Coordinator,2024-09-01,Individual,,3,", (2, "Mentor Assigned", "missing-value")),
        (
            "Eve Ray,Lawrence,Coordinator,2020-01-01,Individual,No,12,",
            (2, "Meetings Attended", "out-of-range"),
        ),
        (",Lawrence,Coordinator,2020-01-01,Individual,No,3,", (2, "Member", "missing-value")),
        ("Eve Ray,,Coordinator,2020-01-01,Individual,No,3,", (2, "Organization or School", "missing-value")),
    ],
)
def test_a_membership_list_with_a_problem_names_its_row_and_column(row, problem):
    header = "Member,Organization or School,Role Title,Start Date,Membership,Mentor Assigned,Meetings Attended,Subcommittees"
    data = f"{header}\n{row}\n".encode()
    checked = check_upload(new_warehouse(), "amsel-members", data, "m.csv", Answers(school_year="2024-25"))
    assert not checked.can_save
    assert problem in [(p.row, p.column, p.code) for p in checked.errors]


def test_a_list_without_a_school_year_asks_for_one():
    data = b"Member,Organization or School,Start Date,Membership,Meetings Attended\nA B,Lawrence,2020-01-01,District,4\n"
    checked = check_upload(new_warehouse(), "amsel-members", data, "m.csv")
    assert [q.name for q in checked.questions] == ["school_year"]


def test_the_membership_list_is_uploaded_by_dese_only():
    con = new_warehouse()
    clerk = Actor("clerk@lawrence.example", UPLOADER, frozenset({LAWRENCE}))
    checked = check_upload(con, "amsel-members", LIST, "m.csv", actor=clerk)
    assert [p.code for p in checked.errors] == ["not-allowed"]
    with pytest.raises(NotAllowed, match="uploaded by DESE"):
        add(con, "amsel-members", [members_row("2024-25", LAWRENCE, n=1)], actor=clerk)


# --- the map's data ---------------------------------------------------------------------------------------


def test_the_map_is_drawn_from_files_the_project_carries():
    assert geography.BOUNDARIES_FILE.stat().st_size < 300_000
    names = [name for name, _, _ in geography.outlines()]
    assert names[0] == "Massachusetts" and len(names) == 15
    towns = pd.read_csv(geography.ORGANIZATION_TOWNS_FILE, dtype=str, keep_default_na=False)
    known = set(pd.read_csv(geography.TOWNS_FILE)["town"])
    assert set(towns.loc[towns["town"] != "", "town"]) <= known
    assert (towns["town"] == "").sum() == 3  # the two virtual schools and Southcoast Collaborative
    placed = geography.place(pd.DataFrame({"org_code": ["00350000", "00010000", "39010000"]}))
    assert placed["town"].tolist()[:2] == ["Boston", "Abington"] and pd.isna(placed["latitude"].iloc[2])


# --- the page -------------------------------------------------------------------------------------------


def test_the_equity_leaders_page_draws_its_charts_and_the_map_on_plain_axes(sample_db, open_app):
    at = open_app(sample_db, page="equity_leaders")
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    for spec in specs:  # titles as read, without the line breaks that fit them to the chart's width
        spec["layout"]["title"]["text"] = unwrap(spec["layout"]["title"]["text"])
    titles = [s["layout"]["title"]["text"] for s in specs]
    assert len(specs) == 7
    assert titles[0].startswith(
        "85 organizations had an equity-leader position in 2024-25; 44 of them in AMSEL"
    )
    # One count per fact: the 44 organizations in AMSEL are 44 on the map and in the by-type chart's title
    # too (the independent schools that have members counted apart).
    assert titles[2].startswith("AMSEL in 2024-25: 44 organizations (33 of them districts) and 6 independent")
    legend = [t["name"] for t in specs[5]["data"] if t.get("name")]
    assert "AMSEL member (44)" in legend, legend
    positions = {t["name"]: t["text"] for t in specs[0]["data"] if t["type"] == "bar"}
    assert positions["In AMSEL"][0] == "6"  # the six founders, 2019-20
    assert "AMSEL's 6 founders" in " ".join(a["text"] for a in specs[0]["layout"]["annotations"])
    members = specs[3]
    assert members["layout"]["title"]["text"].startswith("AMSEL had 68 members in 2024-25")
    the_map = next(s for s in specs if s["layout"]["title"]["text"].startswith("Where the gaps are"))
    assert {t["type"] for t in the_map["data"]} == {"scatter"}  # no geo trace: nothing fetched from a CDN
    assert the_map["layout"]["yaxis"]["scaleanchor"] == "x"
    assert any(t.get("fill") == "toself" for t in the_map["data"])
    comparison = specs[-1]
    assert "where there is an equity leader" in comparison["layout"]["title"]["text"]
    assert "it does not show what the position caused" in " ".join(c.value for c in at.caption)
    # The gaps table: one row for each organization the map's title counts, and said so above it.
    gaps = next(f.value for f in at.dataframe if "Organization" in f.value.columns)
    assert len(gaps) == 99 and the_map["layout"]["title"]["text"].startswith(
        "Where the gaps are: 99 organizations"
    )
    assert "99 organizations to follow up." in [c.value for c in at.caption]
