"""Sign-in and roles as the pages show them (AppTest fakes who is signed in; tests/browser/test_sign_in.py
signs in for real): what each role sees and may do, and the notices when sign-in is off or required."""

from __future__ import annotations

import pytest
from builders import contents
from test_upload_page import AUTH, DESE_ADMIN, frame_with, shown, texts
from upload_files import csv_bytes

from analytics import access
from analytics.ingest import preview_pending
from analytics.settings import load_settings
from analytics.warehouse import connect

BOSTON_CLERK = "clerk@boston.example"
REVIEWER = "reviewer@doe.mass.edu"
BOSTON_FILE = csv_bytes(
    [
        ["School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"],
        ["2025-26", "00350000", "Superintendent", "Black", "1"],
    ]
)
MIXED_FILE = csv_bytes(
    [
        ["School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"],
        ["2025-26", "00350000", "Superintendent", "Black", "1"],
        ["2025-26", "01600000", "Superintendent", "White", "1"],
    ]
)


@pytest.fixture
def roles_db(sample_db):
    with connect(sample_db) as con:
        access.grant_role(con, BOSTON_CLERK, access.UPLOADER, ["00350000"], actor=DESE_ADMIN)
        access.grant_role(con, REVIEWER, access.REVIEWER, actor=DESE_ADMIN)
    return sample_db


def as_user(at, email: str | None):
    """Sign-in on, and `email` signed in (None: nobody)."""
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email} if email else {"is_logged_in": False}
    return at.run()


def upload(at, name: str, data: bytes):
    at.file_uploader(key="upload_file").set_value((name, data, "text/csv"))
    return at.run()


def test_with_sign_in_off_everyone_is_an_administrator_and_told_so(sample_db, open_app):
    at = open_app(sample_db)
    assert any("Sign-in is off: everyone here is an administrator" in w.value for w in at.sidebar.warning)
    at.switch_page("app_pages/access.py").run()
    assert not at.exception and at.title[0].value == "Access"


def test_a_deployment_that_requires_sign_in_refuses_to_run_without_it(sample_db, open_app, monkeypatch):
    monkeypatch.setenv("DASHBOARD_REQUIRE_SIGN_IN", "1")
    load_settings.cache_clear()
    try:
        at = open_app(sample_db)
    finally:
        monkeypatch.delenv("DASHBOARD_REQUIRE_SIGN_IN")
        load_settings.cache_clear()
    assert "set to require sign-in" in at.info[0].value
    assert not at.get("plotly_chart")  # nothing of the dashboard shows


def test_a_viewer_cannot_use_the_upload_page_even_when_run_directly(roles_db, open_app):
    at = as_user(open_app(roles_db, script="app_pages/upload.py"), "stranger@example.org")
    assert "Uploading needs a district uploader's or DESE's role" in at.warning[0].value
    assert not at.get("file_uploader")
    anonymous = as_user(open_app(roles_db, script="app_pages/upload.py"), None)
    assert not anonymous.get("file_uploader")


def test_a_viewer_cannot_read_the_audit_log_or_the_roles(roles_db, open_app):
    for script in ("app_pages/audit.py", "app_pages/access.py"):
        at = as_user(open_app(roles_db, script=script), BOSTON_CLERK)
        assert "Only DESE" in at.warning[0].value
        assert not at.dataframe


def test_a_district_uploads_its_own_rows_and_waits_for_review(roles_db, open_app):
    at = as_user(open_app(roles_db, script="app_pages/upload.py"), BOSTON_CLERK)
    assert "fellows" not in at.selectbox(key="upload_kind").options
    assert "Boston (00350000)" in texts(at)
    # Another organization's row is refused, naming the row as the spreadsheet numbers it.
    upload(at, "mixed.csv", MIXED_FILE)
    problems = shown(at.table[0])
    refused = problems[problems["Value"] == "01600000"].iloc[0]
    assert refused["Row"] == 3 and "your sign-in uploads for (00350000)" in refused["Expected"]
    assert at.button(key="upload_save").disabled
    # Its own file is saved as pending and shown as its own; DESE's sample uploads are not shown.
    before = contents(roles_db)["current_staffing"]
    upload(at, "boston.csv", BOSTON_FILE)
    at.button(key="upload_save").click().run()
    assert "pending: it waits for a DESE reviewer" in texts(at)
    history = frame_with(at, "upload_id")
    assert list(history["file_name"]) == ["boston.csv"]
    assert list(history["review"]) == ["pending"] and list(history["uploaded_by"]) == [BOSTON_CLERK]
    assert contents(roles_db)["current_staffing"] == before  # counts nowhere yet
    assert "Waiting for review" not in [h.value for h in at.header]


def test_a_reviewer_approves_and_the_figure_counts(roles_db, open_app):
    clerk = as_user(open_app(roles_db, script="app_pages/upload.py"), BOSTON_CLERK)
    upload(clerk, "boston.csv", BOSTON_FILE)
    clerk.button(key="upload_save").click().run()
    reviewer = as_user(open_app(roles_db, script="app_pages/upload.py"), REVIEWER)
    queue = frame_with(reviewer, "upload_id")
    assert list(queue["file_name"]) == ["boston.csv"]
    reviewer.button(key="upload_approve").click().run()
    assert "approved; its status is now active" in texts(reviewer)
    with connect(roles_db) as con:
        fte = con.execute(
            "SELECT sum(fte) FROM current_staffing WHERE org_code = '00350000' AND school_year = '2025-26'"
        ).fetchall()[0][0]
    assert fte == 1.0


def test_a_reviewer_rejects_with_a_note_the_district_sees(roles_db, open_app):
    clerk = as_user(open_app(roles_db, script="app_pages/upload.py"), BOSTON_CLERK)
    upload(clerk, "boston.csv", BOSTON_FILE)
    clerk.button(key="upload_save").click().run()
    reviewer = as_user(open_app(roles_db, script="app_pages/upload.py"), REVIEWER)
    reviewer.button(key="upload_reject").click().run()
    assert "Say why the upload is rejected" in texts(reviewer)
    reviewer.text_area(key="upload_review_note").set_value("Superintendent FTE is for 2024-25").run()
    reviewer.button(key="upload_reject").click().run()
    again = as_user(open_app(roles_db, script="app_pages/upload.py"), BOSTON_CLERK)
    assert list(frame_with(again, "upload_id")["review"]) == ["rejected: Superintendent FTE is for 2024-25"]


def test_the_access_page_grants_a_role_and_the_audit_page_shows_it(roles_db, open_app, monkeypatch):
    monkeypatch.setenv("DASHBOARD_ADMINISTRATORS", "boss@doe.mass.edu")
    load_settings.cache_clear()
    try:
        at = as_user(open_app(roles_db, script="app_pages/access.py"), "boss@doe.mass.edu")
        holders = frame_with(at, "identity")
        assert list(holders["identity"][:1]) == ["boss@doe.mass.edu"]
        assert BOSTON_CLERK in set(holders["identity"])
        at.text_input(key="access_identity").set_value("clerk@lowell.example")
        at.selectbox(key="access_role").set_value("uploader")
        at.multiselect(key="access_orgs").set_value(["01600000"])
        at.button[0].click().run()  # the form's Grant
        assert "Granted: clerk@lowell.example: district uploader for 01600000 (Lowell)" in texts(at)
        audit = as_user(open_app(roles_db, script="app_pages/audit.py"), "boss@doe.mass.edu")
        log = frame_with(audit, "action")
        assert log.iloc[0]["action"] == "granted role" and log.iloc[0]["who"] == "boss@doe.mass.edu"
    finally:
        monkeypatch.delenv("DASHBOARD_ADMINISTRATORS")
        load_settings.cache_clear()


@pytest.mark.parametrize(
    ("setting", "email", "said"),
    [
        ("DASHBOARD_UNKNOWN_USERS=refuse", "stranger@example.org", "who has no access to this dashboard yet"),
        ("DASHBOARD_PUBLIC_VIEWING=0", None, "Sign in to see the dashboard."),
    ],
)
def test_a_deployment_can_refuse_strangers_and_visitors(
    roles_db, open_app, monkeypatch, setting, email, said
):
    name, value = setting.split("=")
    monkeypatch.setenv(name, value)
    load_settings.cache_clear()
    try:
        at = as_user(open_app(roles_db), email)
    finally:
        monkeypatch.delenv(name)
        load_settings.cache_clear()
    assert said in at.info[0].value
    assert not at.get("plotly_chart")
    # Someone the roles table knows still gets in.
    monkeypatch.setenv(name, value)
    load_settings.cache_clear()
    try:
        known = as_user(open_app(roles_db), BOSTON_CLERK)
    finally:
        monkeypatch.delenv(name)
        load_settings.cache_clear()
    assert known.get("plotly_chart")


def test_a_reviewer_sees_what_approving_would_change_before_deciding(roles_db, open_app):
    clerk = as_user(open_app(roles_db, script="app_pages/upload.py"), BOSTON_CLERK)
    upload(clerk, "boston.csv", BOSTON_FILE)
    clerk.button(key="upload_save").click().run()
    pending = int(frame_with(clerk, "upload_id")["upload_id"].iloc[0])
    reviewer = as_user(open_app(roles_db, script="app_pages/upload.py"), REVIEWER)
    assert "What approving it would change" in [h.value for h in reviewer.subheader]
    preview = frame_with(reviewer, "FTE after")
    boston = preview[preview["Organization"].astype(str).str.contains("Boston")].iloc[0]
    assert boston["FTE after"] == 1.0  # the file's one superintendent, for 2025-26
    # Only DESE may look at another's pending upload.
    with connect(roles_db) as con:
        clerk_actor = access.signed_in(con, BOSTON_CLERK)
        with pytest.raises(access.NotAllowed):
            preview_pending(con, pending, actor=clerk_actor)
