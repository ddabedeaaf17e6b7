"""The privacy cut kept by the writer (analytics/kept.py): read instead of cut, only for the data and the code
it was cut from, and the same figures as a cut made on the spot. Runs on both warehouses (conftest:
SHARED_WAREHOUSE_MODULES)."""

import pandas as pd
import pytest
from builders import add, staffing

from analytics import access, definitions, kept, metrics, releases, seed, store
from analytics.filters import Filters
from analytics.warehouse import connect, cursor, data_key

POPULATIONS = (*definitions.JOB_CLASSES, definitions.STUDENTS)
PROFILE = "00350000"  # Boston: a block of its own for teachers and students in the sample
REVIEWER = access.Actor("reviewer@doe.mass.edu", access.REVIEWER)
BOSTON_CLERK = access.Actor("clerk@boston.example", access.UPLOADER, frozenset({PROFILE}))


@pytest.fixture
def always_kept(monkeypatch):
    """Keep the cut whatever the warehouse's size (the sample is below KEEP_FROM_ROWS)."""
    monkeypatch.setenv("DASHBOARD_KEEP_FROM_ROWS", "0")


def figures(con) -> dict[tuple, pd.DataFrame]:
    """What pages publish from the cut: shares statewide, by region, of a region and of a year range; each
    year's race make-up; parity by organization; one organization's profile; current and released."""
    out = {}
    years = sorted(metrics.shares_by_year(con, POPULATIONS)["school_year"].unique())  # years with people
    for released in (False, True):
        views = {
            "state": Filters(released=released),
            "range": Filters(years[1], years[-2], released=released),
            "region": Filters(regions=("Greater Boston",), released=released),
        }
        for name, f in views.items():
            out[(released, name)] = metrics.shares_by_year(con, POPULATIONS, f)
            out[(released, name, "by region")] = metrics.shares_by_year(con, POPULATIONS, f, by="region")
        for year in years:
            one = Filters(year, year, released=released)
            out[(released, "makeup", year)] = metrics.race_composition(con, year, one)
            out[(released, "parity", year)] = metrics.parity_by_organization(con, year, one)
        profile = Filters(org_code=PROFILE, released=released)
        out[(released, "profile")] = metrics.shares_by_year(
            con, (definitions.TEACHER, definitions.STUDENTS), profile
        )
    return out


def cut_on_the_spot(con, monkeypatch) -> dict[tuple, pd.DataFrame]:
    metrics.forget_cached_blocks()
    with monkeypatch.context() as m:
        m.setattr(kept, "read", lambda *a, **k: None)
        found = figures(con)
    metrics.forget_cached_blocks()
    return found


def read_from_what_was_kept(con, monkeypatch) -> dict[tuple, pd.DataFrame]:
    """The figures with nothing cut in this process: a cut would raise."""
    metrics.forget_cached_blocks()

    def refused(*args, **kwargs):
        raise AssertionError("cut on the spot although the writer kept the cut of this data")

    with monkeypatch.context() as m:
        m.setattr(metrics, "_fresh_inputs", refused)
        m.setattr(metrics, "_cut_makeup", refused)
        found = figures(con)
    metrics.forget_cached_blocks()
    return found


def kept_versions(con) -> list[int]:
    return [r[0] for r in con.execute("SELECT DISTINCT data_version FROM kept_frames ORDER BY 1").fetchall()]


def teacher_share(con) -> float:
    metrics.forget_cached_blocks()
    frame = metrics.shares_by_year(con, (definitions.TEACHER,), Filters("2019-20", "2019-20"))
    return float(frame["share"].iloc[0])


def test_after_an_upload_the_writer_keeps_the_cut_and_pages_read_the_same_figures(
    sample_db, always_kept, monkeypatch
):
    con = connect(sample_db)
    add(con, "staffing", staffing("2019-20", PROFILE, "Teacher", White=50, Asian=30, Black=25))
    with cursor(con) as cur:
        stamp = data_key(cur)
    names = [
        r[0] for r in con.execute("SELECT name FROM kept_frames WHERE data_stamp = ?", [stamp[2]]).fetchall()
    ]
    assert any(n.endswith("/people/current/Teacher/cells") for n in names)
    assert any(n.endswith("/people/released/Students/coverage") for n in names)
    assert any("/makeup/current/2019-20/" in n for n in names)

    kept_figures = read_from_what_was_kept(con, monkeypatch)
    fresh = cut_on_the_spot(con, monkeypatch)
    assert kept_figures.keys() == fresh.keys() and len(fresh) > 30
    for key, frame in fresh.items():
        pd.testing.assert_frame_equal(kept_figures[key], frame, obj=str(key))
    # Something is shown, and something hidden, in what was compared.
    shown = pd.concat([f for k, f in fresh.items() if k[1] == "state"])
    assert shown["share"].notna().any() and shown["suppressed"].astype(bool).any()


def test_a_cut_kept_for_other_data_or_by_other_code_is_never_read(sample_db, always_kept, monkeypatch):
    con = connect(sample_db)
    before = teacher_share(con)
    monkeypatch.setenv("DASHBOARD_KEEP_FROM_ROWS", str(10**12))  # the next writer keeps nothing
    add(con, "staffing", staffing("2019-20", PROFILE, "Teacher", White=10, Asian=400, Black=400))
    with cursor(con) as cur:
        stamp = data_key(cur)
    assert kept.read(con, stamp, ["people/current/Teacher/cells"]) is None
    after = teacher_share(con)
    # The new data's figure, cut on the spot: not the one kept for the data before.
    with monkeypatch.context() as m:
        m.setattr(kept, "read", lambda *a, **k: None)
        assert after > before and after == teacher_share(con)

    monkeypatch.setenv("DASHBOARD_KEEP_FROM_ROWS", "0")
    assert kept.keep(con)
    assert kept.read(con, stamp, ["people/current/Teacher/cells"]) is not None
    monkeypatch.setattr(kept, "_code", lambda: "another version")
    assert kept.read(con, stamp, ["people/current/Teacher/cells"]) is None


def test_an_approved_upload_shows_at_once_on_a_server_reading_the_kept_cut(
    sample_db, always_kept, monkeypatch
):
    """A district's upload waits for review; a server that read the kept cut before shows the new figure
    in its next view once DESE approves it (the same connection, as one server), never the kept old one."""
    con = connect(sample_db)
    assert seed.ensure_ready(con) is False  # a start keeps the cut of the data it finds (here the sample's)
    read_from_what_was_kept(con, monkeypatch)
    before = teacher_share(con)
    pending = add(
        con,
        "staffing",
        staffing("2019-20", PROFILE, "Teacher", White=10, Asian=400, Black=400),
        actor=BOSTON_CLERK,
    )
    assert pending.pending and teacher_share(con) == pytest.approx(before)
    store.review_upload(con, pending.upload_id, approve=True, actor=REVIEWER)
    assert teacher_share(con) > before
    # ... and that figure came from the cut the approval's writer kept.
    after = read_from_what_was_kept(con, monkeypatch)
    assert after[(False, "state")].equals(cut_on_the_spot(con, monkeypatch)[(False, "state")])


def test_the_cuts_of_the_latest_two_versions_of_the_data_are_kept(sample_db, always_kept):
    con = connect(sample_db)
    for fte in (20, 30, 40):
        add(con, "staffing", staffing("2019-20", PROFILE, "Teacher", White=50, Asian=fte))
    version = con.execute("SELECT value FROM warehouse_meta WHERE key = 'data_version'").fetchall()[0][0]
    assert kept_versions(con) == [version - 1, version]
    releases.publish(con, actor=REVIEWER)
    assert kept_versions(con) == [version, version + 1]


def test_a_small_warehouse_keeps_nothing_and_its_pages_cut_as_before(sample_db):
    con = connect(sample_db)
    add(con, "staffing", staffing("2019-20", PROFILE, "Teacher", White=50, Asian=30))
    assert con.execute("SELECT count(*) FROM kept_frames").fetchall()[0][0] == 0
    assert 0 < teacher_share(con) < 1


@pytest.mark.embedded_only("a DuckLake server's connection is never read-only")
def test_a_read_only_server_keeps_nothing_and_says_nothing(sample_db, always_kept, caplog):
    con = connect(sample_db, read_only=True)
    assert kept.keep(con) is False
    assert not caplog.records
    con.close()
