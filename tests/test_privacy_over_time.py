"""Trust over time and against insiders: what someone outside DESE saw before and sees now differs only by
changes that pass the rule (the figures they see are releases, analytics/releases.py, each checked against
every earlier one), a district that knows its own figures recovers no other's, and a preview shows nothing
the pages hide. Each test replays an attack found by hand on what had landed; the randomized audit over
sequences of uploads, corrections, rollbacks and releases is in tests/test_privacy_attacks.py.

The rule (README, "Privacy"): a figure about a group is hidden when fewer than 6 people in it are of color
or fewer than 6 are not; over time, what was seen before minus what is seen now must pass too; and a
figure minus one organization's own must pass, or be nothing."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from builders import TESTS, add, new_warehouse, organizations, staffing
from privacy_reading import read_csv

from analytics import access, cli, definitions, releases
from analytics.ingest import check_upload, preview_upload
from analytics.ingest.preview import RELEASED_NOTE
from analytics.metrics import Filters, organization_blocks, shares_by_year
from analytics.settings import load_settings
from analytics.warehouse import connect

BERLIN, BOYLSTON = "00280000", "00390000"  # Central districts with no 2024-25 teachers in the sample
MIN = 6  # the rule's threshold, written out (the tests do not follow a change of the code's constant)


def run(argv: list) -> int:
    try:
        return cli.main([str(a) for a in argv])
    except SystemExit as stop:
        return stop.code


@pytest.fixture
def as_viewer(monkeypatch):
    """Run a command as the read-only command line, which sees what a visitor who has not signed in sees."""

    def runner(argv: list) -> int:
        with monkeypatch.context() as env:
            env.setenv("DASHBOARD_OPERATOR_ROLE", "viewer")
            load_settings.cache_clear()
            try:
                return run(argv)
            finally:
                load_settings.cache_clear()

    return runner


def roster(path, org: str, year: str, job_class: str = "Teacher", **people: int):
    """A district's per-person roster: one row per person of each race (1 FTE each)."""
    names = {"Hispanic": "Hispanic or Latino", "Black": "Black or African American", "White": "White"}
    lines = ["District Code,School Year,Job Classification,Race/Ethnicity,FTE"]
    for race, count in people.items():
        lines += [f"{org},{year},{job_class},{names[race]},1"] * count
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def seen_by_viewer(as_viewer, capsys, db, out, *regions: str) -> tuple[dict, dict[str, bytes]]:
    """What a visitor sees: `metrics --json` and the export's CSVs of the view (the deck is the same charts)."""
    capsys.readouterr()
    assert as_viewer(["metrics", "--db", db, "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    argv = ["export", "--db", db, "--out", out]
    for region in regions:
        argv += ["--region", region]
    assert as_viewer(argv) == 0
    capsys.readouterr()
    return figures, {p.name: p.read_bytes() for p in sorted(out.glob("*.csv"))}


def teachers(figures: dict, year: str) -> dict:
    return next(y for y in figures["teachers"]["by_year"] if y["school_year"] == year)


# --- 1. before and after an upload -------------------------------------------------------------------


def test_a_late_districts_file_moves_no_released_figure(sample_db, tmp_path, capsys, as_viewer):
    """Berlin had no 2024-25 teachers. Its file (3 Hispanic, 20 White) moved `metrics --json` and
    `export --region Central` by exactly +3 and +23 while Berlin's own profile hid that year. Now the
    release holds it back: a visitor sees the same figures before and after, DESE sees the current ones."""
    before = seen_by_viewer(as_viewer, capsys, sample_db, tmp_path / "before", "Central")
    assert run(["import", "staffing", roster(tmp_path / "b.csv", BERLIN, "2024-25", Hispanic=3, White=20),
                "--db", sample_db]) == 0  # fmt: skip
    capsys.readouterr()
    assert run(["publish", "--db", sample_db]) == 0
    said = capsys.readouterr().out
    assert "Teachers, 2024-25: the change at Berlin (+3 of color, +20 others) is held back" in said
    after = seen_by_viewer(as_viewer, capsys, sample_db, tmp_path / "after", "Central")
    assert after[0] == before[0]
    assert after[1] == before[1]
    # DESE works on the current figures: Berlin's 23 are there.
    assert run(["metrics", "--db", sample_db, "--json"]) == 0
    current = teachers(json.loads(capsys.readouterr().out), "2024-25")
    released = teachers(before[0], "2024-25")
    assert current["fte"] == pytest.approx(released["fte"] + 23)
    assert current["fte_of_color"] == pytest.approx(released["fte_of_color"] + 3)


def test_changes_held_back_are_released_when_enough_change_together(tmp_path):
    """A small change waits until others in its block change too; released together, their sum passes,
    also with any one district's own change taken out (it knows its own)."""
    orgs = organizations({("Central", "district"): 7, ("Northeast", "district"): 4})
    codes = orgs["org_code"].tolist()
    con = new_warehouse(tmp_path / "w.duckdb", orgs)
    rows = []
    for org in codes[:4] + codes[7:]:
        rows += staffing("2024-25", org, "Teacher", Black=3, White=9)  # none passes alone
    add(con, "staffing", rows)

    def released_central() -> tuple[float, float]:
        shown = shares_by_year(con, ("Teacher",), Filters(regions=("Central",), released=True))
        row = shown[shown["school_year"] == "2024-25"].iloc[0]
        return row["of_color"], row["total"]

    releases.publish(con, actor=TESTS)
    assert released_central() == (12.0, 48.0)
    add(con, "staffing", staffing("2024-25", codes[4], "Teacher", Hispanic=3, White=20))
    held = releases.publish(con, actor=TESTS).held
    assert list(held["organizations"]) == [[codes[4]]] and list(held["outcome"]) == ["held back"]
    assert released_central() == (12.0, 48.0)
    # A second small district: 7 of color and 30 others together, but either one, taking its own out,
    # would know the other's: still held.
    add(con, "staffing", staffing("2024-25", codes[5], "Teacher", Hispanic=4, White=10))
    held = releases.publish(con, actor=TESTS).held
    assert sorted(held["organizations"].iloc[0]) == sorted([codes[4], codes[5]])
    assert released_central() == (12.0, 48.0)
    # A third: 12 of color and 42 others, and 7-9 of color and 22-32 others without any one of them.
    add(con, "staffing", staffing("2024-25", codes[6], "Teacher", Black=5, White=12))
    assert releases.publish(con, actor=TESTS).held.empty
    assert released_central() == (24.0, 102.0)
    con.close()


def test_a_correction_too_small_to_show_is_held_back_and_undoing_it_releases_nothing(tmp_path):
    """A district that passes on its own corrects 2 teachers from White to of color: a visitor must not
    see a change of 2. Rolling the correction back brings the figures back to what was released."""
    orgs = organizations({("Central", "district"): 4})
    codes = orgs["org_code"].tolist()
    con = new_warehouse(tmp_path / "w.duckdb", orgs)
    rows = []
    for org in codes:
        rows += staffing("2024-25", org, "Teacher", Black=20, White=60)
    add(con, "staffing", rows)
    releases.publish(con, actor=TESTS)
    one = Filters(org_code=codes[0], released=True)

    def profile() -> tuple[float, float]:
        row = shares_by_year(con, ("Teacher",), one).iloc[0]
        return row["of_color"], row["total"]

    assert profile() == (20.0, 80.0)
    correction = add(con, "staffing", staffing("2024-25", codes[0], "Teacher", Black=22, White=58))
    release = releases.publish(con, actor=TESTS)
    assert list(release.held["change"].iloc[0]) == [2.0, -2.0]
    assert profile() == (20.0, 80.0)
    from analytics import store

    store.rollback_upload(con, correction.upload_id, actor=TESTS)
    assert releases.publish(con, actor=TESTS).held.empty
    assert profile() == (20.0, 80.0)
    con.close()


def test_a_partial_years_counts_appear_in_no_export(sample_db, tmp_path, capsys, as_viewer):
    """With Boston's 2025-26 file loaded, representation-gap.csv's 2025-26 line read 1100/4100; after
    Berlin's, 1102/4117. A partial year shows its coverage, never its counts, to anyone."""
    boston = roster(tmp_path / "boston.csv", "00350000", "2025-26", Hispanic=40, Black=30, White=60)
    berlin = roster(tmp_path / "berlin.csv", BERLIN, "2025-26", Hispanic=2, White=15)
    lines = []
    for file in (boston, berlin):
        assert run(["import", "staffing", file, "--db", sample_db]) == 0
        assert run(["publish", "--db", sample_db]) == 0
        for who, runner in (("viewer", as_viewer), ("DESE", run)):
            out = tmp_path / f"{file.stem}-{who}"
            assert runner(["export", "--db", sample_db, "--out", out]) == 0
            frame = read_csv((out / "representation-gap.csv").read_bytes())
            partial = frame[frame["school_year"] == "2025-26"]
            assert len(partial), who
            for column in ("of_color", "total", "share"):
                assert (partial[column] == "").all(), (who, column, partial.to_dict("records"))
            lines.append(partial)
    capsys.readouterr()
    assert run(["metrics", "--db", sample_db, "--json"]) == 0
    year = teachers(json.loads(capsys.readouterr().out), "2025-26")
    assert (year["fte"], year["fte_of_color"], year["share"], year["complete"]) == (None, None, None, False)


# --- 2. the insider ------------------------------------------------------------------------------------


def test_a_member_of_a_region_cannot_subtract_itself_to_find_another(sample_db, tmp_path, capsys, as_viewer):
    """`export --region "Virtual (statewide)"` gave teachers 2024-25 = 6.1 of 234.8 for a region of two
    organizations; one, knowing its own 2.7 of 85.6, recovered the other. Now that figure is hidden."""
    _, csvs = seen_by_viewer(as_viewer, capsys, sample_db, tmp_path / "virtual", "Virtual (statewide)")
    frame = read_csv(csvs["workforce-of-color.csv"])
    teachers_2024 = frame[(frame["school_year"] == "2024-25") & (frame["group"] == definitions.TEACHER)]
    assert teachers_2024["suppressed"].str.lower().eq("true").all(), teachers_2024.to_dict("records")


def test_no_figure_shown_of_a_view_minus_any_one_organization_in_it_is_a_small_group(sample_db):
    """Every region, type and region × type view of the sample, for superintendents, teachers and students,
    current and released: where a year's figure is shown, it minus any one organization's own passes."""
    con = connect(sample_db, read_only=True)
    populations = (definitions.SUPERINTENDENT, definitions.TEACHER, "Students")
    truth = organization_blocks(con, populations, Filters())[
        ["population", "school_year", "org_code", "region", "org_type", "of_color", "others"]
    ]
    views = [Filters()]
    views += [Filters(regions=(r,)) for r in definitions.REGIONS]
    views += [Filters(org_types=(t,)) for t in definitions.ORG_TYPES]
    views += [
        Filters(regions=(r,), org_types=(t,)) for r in definitions.REGIONS for t in definitions.ORG_TYPES
    ]
    checked = 0
    for released in (False, True):
        for view in views:
            view = Filters(regions=view.regions, org_types=view.org_types, released=released)
            shown = shares_by_year(con, populations, view)
            shown = shown[~shown["suppressed"].astype(bool) & shown["total"].notna()]
            inside = truth[view.selects(truth)]
            for r in shown.itertuples():
                orgs = inside[
                    (inside["population"] == r.population) & (inside["school_year"] == r.school_year)
                ]
                for o in orgs.itertuples():
                    k, rest = r.of_color - o.of_color, (r.total - r.of_color) - o.others
                    checked += 1
                    assert (abs(k) + abs(rest) < 1e-9) or (k >= MIN - 1e-6 and rest >= MIN - 1e-6), (
                        view,
                        r.population,
                        r.school_year,
                        o.org_code,
                        k,
                        rest,
                    )
    con.close()
    assert checked > 10_000


def test_a_years_figure_and_coverage_are_the_same_whatever_year_range_shows_it(sample_db):
    """On the benchmark's state warehouse a released Assistant Superintendents 2017-18 read 14.8 of color,
    complete (104 of 109 organizations), in a view ending in 2019-20, and partial (105 of 115) with no figure
    in the default view: the release's coverage was worked out from the years in view only. Now a range is
    a slice of the whole history's blocks and coverage, so every range shows each of its years as the whole
    history does: current and released, statewide and for a region."""
    con = connect(sample_db, read_only=True)
    populations = (*definitions.JOB_CLASSES, "Students")
    compared = 0
    for released in (False, True):
        for regions in ((), ("Greater Boston",)):
            whole = shares_by_year(con, populations, Filters(regions=regions, released=released))
            years = sorted(whole["school_year"].unique())
            ranges = [(y, y) for y in years] + [(years[0], years[len(years) // 2]), (years[2], years[-1])]
            for first, last in ranges:
                view = Filters(first, last, regions=regions, released=released)
                part = shares_by_year(con, populations, view)
                expected = whole[whole["school_year"].between(first, last)]
                pd.testing.assert_frame_equal(
                    part.reset_index(drop=True), expected.reset_index(drop=True), obj=str(view)
                )
                compared += len(part)
    con.close()
    assert compared > 400


# --- 3. previews -----------------------------------------------------------------------------------------


def test_a_district_preview_shows_no_statewide_figure_the_pages_hide(tmp_path):
    """With a statewide superintendents file for 2015-16 (30 districts, 4 of color: the pages hide the
    share), a district's upload preview said "superintendents of color, 2015-16: 1.2% → 1.2%
    (statewide)". Now a district sees no statewide before → after at all (they change when DESE releases
    them), and DESE's preview only where the pages show the figure now and after."""
    orgs = organizations({("Central", "district"): 15, ("Northeast", "district"): 15})
    codes = orgs["org_code"].tolist()
    con = new_warehouse(tmp_path / "w.duckdb", orgs)
    rows = []
    for i, org in enumerate(codes):
        rows += staffing(
            "2015-16", org, definitions.SUPERINTENDENT, **({"Black": 1} if i < 4 else {"White": 1})
        )
    add(con, "staffing", rows, covers_state=True)
    releases.publish(con, actor=TESTS)
    shown = shares_by_year(con, (definitions.SUPERINTENDENT,), Filters(released=True))
    assert shown["suppressed"].all()
    clerk = access.Actor("clerk@district.example", access.UPLOADER, frozenset({codes[0]}))
    data = "District Code,School Year,Job Classification,Race/Ethnicity,FTE\n"
    data += f"{codes[0]},2015-16,Superintendent,Black or African American,1\n"
    checked = check_upload(con, "staffing", data.encode(), "mine.csv", actor=clerk)
    assert checked.can_save, [p.message for p in checked.problems]
    for actor in (clerk, TESTS):
        preview = preview_upload(con, checked, actor=actor)
        said = " ".join(preview.changes)
        assert "%" not in said, (actor.role, said)
        assert preview.statewide[["share_now", "share_after"]].isna().all().all(), actor.role
    assert RELEASED_NOTE in preview_upload(con, checked, actor=clerk).changes
    con.close()


def test_a_reviewers_members_preview_shows_no_count_the_pages_hide(tmp_path):
    """A reviewer's AMSEL preview said "2018-19: AMSEL members 3 → 1" for a year the pages hide."""
    con = new_warehouse(tmp_path / "w.duckdb")
    add(con, "amsel-members", [("2018-19", "00350000", None, 3, 0, 0, 0, 0, 0)])
    data = (
        "AMSEL membership 2018-19\r\n"
        "Member,Organization or School,Role Title,Start Date,Membership,Mentor Assigned,Meetings Attended,"
        "Subcommittees\r\n"
        "Ana Diaz,Boston Public Schools,Director of Equity,2017-08-01,District,No,10,Hiring\r\n"
    )
    checked = check_upload(con, "amsel-members", data.encode(), "list.csv", actor=TESTS)
    assert checked.can_save, [p.message for p in checked.problems]
    preview = preview_upload(con, checked, actor=TESTS)
    said = " ".join(preview.changes)
    assert "3 →" not in said and "→ 1" not in said, said
    assert "not previewed" in said
    assert pd.isna(preview.statewide["total_now"]).all()
    con.close()


def test_a_change_of_fellows_statuses_is_released_only_where_no_organization_learns_anothers(tmp_path):
    """Two districts' Fellows in one cohort: A's 6 complete and B's 2. The state's change (8 completed) passes,
    but A, taking its own 6 out, would learn that 2 of B's completed: held back until it does not."""
    from builders import fellow

    orgs = organizations({("Central", "district"): 3})
    a, b, c = orgs["org_code"].tolist()
    con = new_warehouse(tmp_path / "w.duckdb", orgs)

    def cohort(completed: dict[str, int]) -> list[tuple]:
        rows = []
        for org in (a, b, c):
            for i in range(12):
                race = "Black" if i % 2 else "White"
                status = "completed" if i < completed.get(org, 0) else "active"
                rows.append(fellow(f"{org}-{i}", 1, "2019-20", org, race, status=status))
        return rows

    add(con, "fellows", cohort({}))
    releases.publish(con, actor=TESTS)

    def completed() -> float | None:
        from analytics.metrics import fellows_outcomes

        return fellows_outcomes(con, Filters(released=True))[0].completed

    assert completed() is None or completed() == 0  # none completed: 0 is hidden
    add(con, "fellows", cohort({a: 6, b: 2}))
    held = releases.publish(con, actor=TESTS).held
    assert list(held["family"]) == ["fellows"] and list(held["outcome"]) == ["held back"]
    assert completed() in (None, 0)
    add(con, "fellows", cohort({a: 6, b: 6, c: 6}))  # 18 in all, 12 with any one district's own taken out
    assert releases.publish(con, actor=TESTS).held.empty
    assert completed() == 18
    con.close()
