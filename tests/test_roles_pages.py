"""Sign-in and roles as the pages show them (AppTest fakes who is signed in; tests/browser/test_sign_in.py
signs in for real): what each role sees and may do, and the notices when sign-in is off or required."""

from __future__ import annotations

import re
import time

import pytest
from builders import contents
from markdown_reading import as_read
from test_upload_page import AUTH, DESE_ADMIN, frame_with, shown, texts
from upload_files import csv_bytes

from analytics import access
from analytics.contracts import FACT_KINDS
from analytics.export import frame_csv
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


ISSUER = "http://localhost:9400"


def claims(email: str | None = None, *, sub: str | None = None, age: float = 60, lasts: float = 3600, **more):
    """What st.user holds for a sign-in (an ID token's claims, as Streamlit's cookie keeps them): issued
    `age` seconds ago, expiring `lasts` seconds after that; the subject is the email unless given."""
    issued = time.time() - age
    found = {"is_logged_in": True, "iss": ISSUER, "sub": sub or email, "iat": int(issued)}
    found["exp"] = int(issued + lasts)
    if email is not None:
        found["email"] = email
    return {**found, **more}


def as_user(at, email: str | dict | None):
    """Sign-in on, and `email` signed in (a dict: those claims; None: nobody)."""
    at.secrets["auth"] = AUTH
    if isinstance(email, dict):
        at.user = email
    else:
        at.user = claims(email) if email else {"is_logged_in": False}
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
    assert FACT_KINDS["fellows"].title not in at.selectbox(key="upload_kind").options
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


def test_a_districts_own_figures_are_shown_to_it_as_its_file_and_to_no_other_district(roles_db, open_app):
    with connect(roles_db) as con:
        access.grant_role(con, "clerk@lowell.example", access.UPLOADER, ["01600000"], actor=DESE_ADMIN)
    at = as_user(open_app(roles_db, script="app_pages/upload.py"), BOSTON_CLERK)
    upload(at, "boston.csv", BOSTON_FILE)
    said = texts(at)
    assert "Your file, as you sent it: not published." in said
    preview = frame_with(at, "FTE after")
    assert preview[["FTE now", "FTE after", "Share of color after"]].to_dict("records") == [
        {"FTE now": "not reported", "FTE after": "1", "Share of color after": "100.0%"}
    ]
    assert not {"None", "nan"} & set(preview.astype(str).to_numpy().ravel())
    at.button(key="upload_save").click().run()
    # Another district sees neither the upload nor its figures.
    lowell = as_user(open_app(roles_db, script="app_pages/upload.py"), "clerk@lowell.example")
    assert "boston.csv" not in texts(lowell)
    assert not [
        f for f in lowell.dataframe if "FTE after" in f.value.columns or "file_name" in f.value.columns
    ]


def test_each_role_is_offered_only_what_it_may_do_on_the_upload_page(roles_db, open_app):
    clerk = as_user(open_app(roles_db, script="app_pages/upload.py"), BOSTON_CLERK)
    question = clerk.caption[0].value
    assert question.startswith("Load your organizations' staffing") and "fellows" not in question.lower()
    offered = clerk.selectbox(key="upload_kind").options  # as shown: each kind's title
    assert set(offered) == {FACT_KINDS[k].title for k in access.DISTRICT_KINDS}
    # The sample-data notice tells only DESE to roll the sample back (a district may roll back its own only).
    banner = "roll the sample uploads back"
    district_app = as_user(open_app(roles_db), BOSTON_CLERK)
    notices = " ".join(w.value for w in district_app.warning)
    assert "Sample data." in notices and banner not in notices
    reviewer = as_user(open_app(roles_db), REVIEWER)
    assert banner in " ".join(w.value for w in reviewer.warning)
    dese_page = as_user(open_app(roles_db, script="app_pages/upload.py"), REVIEWER)
    assert "fellows" in dese_page.caption[0].value
    assert FACT_KINDS["fellows"].title in dese_page.selectbox(key="upload_kind").options


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
        at.multiselect(key="access_orgs").set_value(["01600000"]).run()
        at.button(key="access_grant").click().run()
        assert "Granted: clerk@lowell.example: district uploader for 01600000 (Lowell)" in texts(at)
        audit = as_user(open_app(roles_db, script="app_pages/audit.py"), "boss@doe.mass.edu")
        log = frame_with(audit, "action")
        assert log.iloc[0]["action"] == "granted role" and log.iloc[0]["who"] == "boss@doe.mass.edu"
    finally:
        monkeypatch.delenv("DASHBOARD_ADMINISTRATORS")
        load_settings.cache_clear()


@pytest.fixture
def boss_on_access(roles_db, open_app, monkeypatch):
    """The Access page, a configured administrator (boss@doe.mass.edu) signed in."""
    monkeypatch.setenv("DASHBOARD_ADMINISTRATORS", "boss@doe.mass.edu")
    load_settings.cache_clear()
    yield as_user(open_app(roles_db, script="app_pages/access.py"), "boss@doe.mass.edu")
    monkeypatch.delenv("DASHBOARD_ADMINISTRATORS")
    load_settings.cache_clear()


def roles_held(db) -> dict[str, tuple[str, list[str]]]:
    with connect(db) as con:
        rows = con.execute("SELECT identity, role, org_codes FROM roles").fetchall()
    return {who: (role, sorted(codes or [])) for who, role, codes in rows}


def test_a_grant_is_exactly_what_was_picked_said_before_and_cleared_after(boss_on_access, roles_db):
    at = boss_on_access
    orgs = at.multiselect(key="access_orgs")
    assert orgs.proto.select_all == 0  # no "Select 2 matches": each organization is picked on its own
    assert at.button(key="access_grant").disabled  # nothing chosen, nothing to grant
    at.text_input(key="access_identity").set_value("clerk@lowell.example")
    at.multiselect(key="access_orgs").set_value(["01600000", "01490000"]).run()
    said = "\n".join(i.value for i in at.info)
    assert as_read(said) == (
        "Grant clerk@lowell.example the role district uploader for 2 organizations: Lowell (01600000), "
        "Lawrence (01490000). Any role they hold now is replaced."
    )
    assert not at.button(key="access_grant").disabled
    at.button(key="access_grant").click().run()
    assert roles_held(roles_db)["clerk@lowell.example"] == ("uploader", ["01490000", "01600000"])
    assert "Granted: clerk@lowell.example: district uploader for" in texts(at)
    # Cleared for the next grant: nothing of the last one is left to be granted again by mistake.
    assert at.text_input(key="access_identity").value == ""
    assert at.multiselect(key="access_orgs").value == []
    assert at.selectbox(key="access_role").value == "uploader"
    assert at.button(key="access_grant").disabled
    # The next grant goes through (it failed before: the last one's organizations were still chosen).
    at.text_input(key="access_identity").set_value("analyst@doe.mass.edu")
    at.selectbox(key="access_role").set_value("reviewer").run()
    assert not at.get("multiselect")  # a reviewer has every organization: none to pick
    at.button(key="access_grant").click().run()
    assert not at.error, [e.value for e in at.error]
    assert roles_held(roles_db)["analyst@doe.mass.edu"] == ("reviewer", [])


def test_the_roles_table_shows_when_each_role_was_granted_never_none(boss_on_access):
    holders = frame_with(boss_on_access, "identity").set_index("identity")
    assert holders.loc["boss@doe.mass.edu", "granted_at"] == ""  # from configuration: no time
    for who in (BOSTON_CLERK, REVIEWER):
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", holders.loc[who, "granted_at"])
    shown_cells = holders.reset_index().astype(str).to_numpy().ravel()
    assert not {"None", "NaT", "nan"} & set(shown_cells)


def test_removing_a_role_asks_first(boss_on_access, roles_db):
    at = boss_on_access
    at.selectbox(key="access_remove_who").set_value(BOSTON_CLERK).run()
    assert at.button(key="access_remove").disabled  # not until confirmed
    sure = at.checkbox(key="access_remove_confirm")
    assert "Yes, remove clerk@boston.example's role (district uploader for Boston (00350000))" in as_read(
        sure.label
    )
    sure.check().run()
    at.button(key="access_remove").click().run()
    assert BOSTON_CLERK not in roles_held(roles_db)
    assert "Removed: clerk@boston.example: was district uploader" in texts(at)
    assert not at.checkbox(key="access_remove_confirm").value  # the next removal asks again
    assert at.button(key="access_remove").disabled


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
    assert boston["FTE after"] == "1"  # the file's one superintendent, for 2025-26
    assert boston["FTE now"] == "not reported" and boston["Share of color now"] == "not reported"
    said = texts(reviewer)
    assert "The district's file, as it sent it: not published. Shown here to DESE's reviewers" in said
    # Only DESE may look at another's pending upload.
    with connect(roles_db) as con:
        clerk_actor = access.signed_in(con, BOSTON_CLERK)
        with pytest.raises(access.NotAllowed):
            preview_pending(con, pending, actor=clerk_actor)


# --- sign-ins that end, identities matched exactly, and an audit log of every refusal ---------------------


def audit_lines(db, action: str | None = None) -> list[tuple]:
    """(who, action, subject, detail) of the audit log, oldest first; only `action`'s lines if given."""
    with connect(db) as con:
        rows = con.execute("SELECT who, action, subject, detail FROM audit_log ORDER BY event_id").fetchall()
    return [r for r in rows if action is None or r[1] == action]


def warnings(at) -> str:
    """The page's warnings as a reader sees them (the Markdown that shows user text as text read)."""
    return as_read("\n".join(w.value for w in at.warning))


def signed_in_caption(at) -> str:
    said = "\n".join(c.value for c in at.sidebar.caption if "Signed in as" in c.value)
    return as_read(said)


@pytest.mark.parametrize(
    ("token", "said"),
    [
        (claims(BOSTON_CLERK, age=2 * 3600, lasts=3600), "your identity provider's sign-in expired at"),
        (claims(BOSTON_CLERK, age=9 * 3600, lasts=24 * 3600), "it expired after 8 hours"),
    ],
    ids=["token expired", "older than the session lifetime"],
)
def test_a_sign_in_that_has_ended_is_refused_and_the_visitor_is_not_signed_in(
    roles_db, open_app, token, said
):
    at = as_user(open_app(roles_db), token)
    assert f"Your sign-in has ended ({said}" in warnings(at), warnings(at)
    assert at.button(key="auth_sign_in_again").label == "Sign in again"
    assert at.sidebar.button(key="auth_sign_in").label == "Sign in"
    assert not signed_in_caption(at)
    assert at.get("plotly_chart")  # public viewing is on: what any visitor sees
    # Not the district uploader any more: no upload, by a direct run of the page either.
    page = as_user(open_app(roles_db, script="app_pages/upload.py"), token)
    assert not page.get("file_uploader")
    refused = audit_lines(roles_db, "refused")
    assert [(who, detail.split(" (")[0]) for who, _, _, detail in refused] == [
        (BOSTON_CLERK, "sign-in: it has ended")
    ]


def test_signing_out_ends_the_sign_in_in_every_browser_and_a_new_sign_in_works(roles_db, open_app):
    token = claims(BOSTON_CLERK, sub="00u-boston")
    first, second = as_user(open_app(roles_db), token), as_user(open_app(roles_db), token)
    assert signed_in_caption(second).startswith(f"Signed in as {BOSTON_CLERK} · district uploader")
    first.sidebar.button(key="auth_sign_out").click().run()
    assert not signed_in_caption(first)
    # The other browser, still holding the cookie from before, and a replay of it, are signed in no more.
    for replay in (second.run(), as_user(open_app(roles_db), token)):
        assert "Your sign-in has ended (you signed out at" in warnings(replay), warnings(replay)
        assert not signed_in_caption(replay)
    signed_out = audit_lines(roles_db, "signed out")
    assert [(who, subject) for who, _, subject, _ in signed_out] == [(BOSTON_CLERK, "00u-boston")]
    # Signing in again (a new token, issued after the sign-out) works.
    again = as_user(open_app(roles_db), claims(BOSTON_CLERK, sub="00u-boston", age=-2))
    assert signed_in_caption(again).startswith(f"Signed in as {BOSTON_CLERK}")
    assert "Your sign-in has ended" not in warnings(again)


def test_one_sign_in_is_one_line_in_the_audit_log_however_many_browser_sessions(roles_db, open_app):
    token = claims(BOSTON_CLERK, sub="00u-boston")
    for _ in range(3):
        as_user(open_app(roles_db), token).run()
    assert [(w, s) for w, _, s, _ in audit_lines(roles_db, "signed in")] == [(BOSTON_CLERK, "00u-boston")]
    as_user(open_app(roles_db), claims(BOSTON_CLERK, sub="00u-boston", age=30))  # signed in again
    assert len(audit_lines(roles_db, "signed in")) == 2


FOLDED = {  # four sign-ins that once all became the administrator
    "email + zero-width space": claims("ADMIN@doe.mass.edu\u200b", sub="mallory-1"),
    "unverified email": claims("admin@doe.mass.edu", sub="mallory-2", email_verified=False),
    "space + right-to-left override": claims(" admin@doe.mass.edu\u202e", sub="mallory-3"),
    "no email, subject + zero-width space": claims(sub="admin@doe.mass.edu\u200b"),
}


@pytest.mark.parametrize("token", FOLDED.values(), ids=FOLDED.keys())
def test_identities_that_folded_into_the_administrator_get_nothing_of_its(
    roles_db, open_app, monkeypatch, token
):
    monkeypatch.setenv("DASHBOARD_ADMINISTRATORS", "admin@doe.mass.edu")
    load_settings.cache_clear()
    try:
        at = as_user(open_app(roles_db), token)
        access_page = as_user(open_app(roles_db, script="app_pages/access.py"), token)
    finally:
        monkeypatch.delenv("DASHBOARD_ADMINISTRATORS")
        load_settings.cache_clear()
    assert "administrator" not in signed_in_caption(at)
    assert "Only DESE administrators" in warnings(access_page) and not access_page.dataframe
    lines = audit_lines(roles_db)
    # Nothing done under the administrator's name (the fixture's grants aside).
    assert not [line for line in lines if line[0] == "admin@doe.mass.edu" and line[1] != "granted role"]
    if token.get("email_verified") is False:  # kept apart: signed in as its subject, a viewer
        assert signed_in_caption(at).startswith("Signed in as subject:mallory-2 · viewer")
    else:  # refused, and named in the audit log exactly as the provider sent it
        assert "Your sign-in was refused" in warnings(at), warnings(at)
        refused = [
            (who, d) for who, action, _, d in lines if action == "refused" and d.startswith("sign-in:")
        ]
        assert len(refused) == 1, refused  # once, though two browser sessions carried it
        (who, detail), sent = refused[0], token.get("email", token["sub"])
        assert "\\u" in who and who != sent and ("U+200B" in detail or "space" in detail), refused


def test_the_audit_page_shows_the_providers_subject_and_downloads_it(roles_db, open_app, monkeypatch):
    monkeypatch.setenv("DASHBOARD_ADMINISTRATORS", "boss@doe.mass.edu")
    load_settings.cache_clear()
    try:
        as_user(open_app(roles_db), claims(BOSTON_CLERK, sub="00u-boston"))
        boss = claims("boss@doe.mass.edu", sub="00u-boss")
        at = as_user(open_app(roles_db, script="app_pages/audit.py"), boss)
    finally:
        monkeypatch.delenv("DASHBOARD_ADMINISTRATORS")
        load_settings.cache_clear()
    log = frame_with(at, "subject")
    clerk = log[log["who"] == BOSTON_CLERK]
    assert list(clerk["action"]) == ["signed in"] and list(clerk["subject"]) == ["00u-boston"]
    assert set(clerk["issuer"]) == {ISSUER}
    # The CSV the page offers is the same log, written out (analytics/export.py's frame_csv).
    assert any(d.proto.label == "Download as CSV" for d in at.get("download_button"))
    with connect(roles_db) as con:
        written = frame_csv(access.audit_log(con, actor=DESE_ADMIN)).decode("utf-8-sig")
    assert written.splitlines()[0].startswith("happened_at,who,subject,issuer,role,action")
    assert f"{BOSTON_CLERK},00u-boston,{ISSUER},uploader,signed in" in written


def test_every_refusal_is_in_the_audit_log_once(roles_db, open_app):
    from streamlit.util import calc_hash

    clerk = claims(BOSTON_CLERK, sub="00u-boston")
    # A page the role may not open, by its address (app.py's refused page), opened and clicked about in.
    at = as_user(open_app(roles_db), clerk)
    at._page_hash = calc_hash("audit")  # the hidden page's address: AppTest cannot switch to it by file
    at.run()
    assert "Your sign-in may not open the Audit page" in warnings(at)
    at.run()
    # An upload of another district's rows, refused by the check before saving (checked again: one line).
    page = as_user(open_app(roles_db, script="app_pages/upload.py"), clerk)
    upload(page, "mixed.csv", MIXED_FILE)
    page.run()
    refused = [detail for _, _, _, detail in audit_lines(roles_db, "refused")]
    assert len(refused) == 2, refused
    assert refused[0].startswith("the Audit page, opened by its address: Your sign-in may not open")
    assert refused[1].startswith("upload of “mixed.csv” (staffing), refused before saving")
    assert "row 3" in refused[1] and "01600000" in refused[1]


FORGED = """
import streamlit as st
from ui import upload_state as up

# What a forged widget state would make the Upload page do for a district uploader: DESE's actions.
st.write(up.review(int(st.query_params["upload"]), approve=True, note="").message)
st.write(up.change_standing(int(st.query_params["upload"]), roll_back=False).message)
"""


def test_a_forged_action_is_refused_and_recorded_once(roles_db, open_app, tmp_path):
    from streamlit.testing.v1 import AppTest

    clerk = as_user(open_app(roles_db, script="app_pages/upload.py"), BOSTON_CLERK)
    upload(clerk, "boston.csv", BOSTON_FILE)
    clerk.button(key="upload_save").click().run()
    pending = int(frame_with(clerk, "upload_id")["upload_id"].iloc[0])
    before = len(audit_lines(roles_db, "refused"))
    forged = AppTest.from_string(FORGED, default_timeout=60)
    forged.query_params["upload"] = str(pending)
    as_user(forged, BOSTON_CLERK)
    said = [m.value for m in forged.markdown]
    assert said == [
        "Only DESE reviewers can approve or reject uploads; you are signed in as a district uploader.",
        "Only DESE reviewers can restore a rolled-back upload; you are signed in as a district uploader.",
    ]
    refused = audit_lines(roles_db, "refused")[before:]
    assert [(who, detail) for who, _, _, detail in refused] == [(BOSTON_CLERK, s) for s in said]
    with connect(roles_db) as con:
        assert con.execute("SELECT status FROM uploads WHERE upload_id = ?", [pending]).fetchall() == [
            ("pending",)
        ]


# --- the address sign-in works at -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("redirect_uri", "opened", "expected"),
    [
        ("http://localhost:8501/oauth2callback", "http://127.0.0.1:8501/upload", "http://localhost:8501"),
        ("http://localhost:8501/oauth2callback", "127.0.0.1:8501", "http://localhost:8501"),  # a Host header
        ("http://localhost:8501/oauth2callback", "http://localhost:8502/", "http://localhost:8501"),
        ("http://localhost:8501/oauth2callback", "http://LOCALHOST:8501/fellows", None),
        ("http://localhost:8501/oauth2callback", "localhost:8501", None),
        ("https://dash.doe.mass.edu/oauth2callback", "https://dash.doe.mass.edu/", None),  # port 443 both
        ("https://dash.doe.mass.edu/oauth2callback", "dash.doe.mass.edu", None),
        ("https://dash.doe.mass.edu/oauth2callback", "http://10.0.0.5:8501/", "https://dash.doe.mass.edu"),
        ("http://localhost:8501/oauth2callback", None, None),  # not known: sign-in offered as always
        ("", "http://127.0.0.1:8501/", None),
        ("http://localhost:8501/oauth2callback", "http://[::1", None),  # unreadable: nothing said
    ],
)
def test_the_address_sign_in_works_at_is_told_apart_from_another(redirect_uri, opened, expected):
    from ui.auth import sign_in_elsewhere

    assert sign_in_elsewhere(redirect_uri, opened) == expected


def test_opened_at_another_address_the_visitor_is_sent_to_the_one_sign_in_works_at(
    roles_db, open_app, monkeypatch
):
    from ui import auth

    monkeypatch.setattr(auth, "_opened_at", lambda: "http://127.0.0.1:8501/fellows")
    at = as_user(open_app(roles_db), None)
    said = " ".join(w.value for w in at.sidebar.warning)
    assert "Sign-in works at http://localhost:8501 — open the dashboard there." in said
    link = next(b for b in at.sidebar.get("link_button"))
    assert link.proto.url == "http://localhost:8501/fellows"
    assert not [b for b in at.sidebar.button if b.key == "auth_sign_in"]  # it would come back signed out
    # At the configured address: Sign in, as always.
    monkeypatch.setattr(auth, "_opened_at", lambda: "http://localhost:8501/")
    at = as_user(open_app(roles_db), None)
    assert at.sidebar.button(key="auth_sign_in").label == "Sign in"
    assert not at.sidebar.warning


def test_where_sign_in_is_needed_to_view_the_wrong_address_is_said_on_the_page(
    roles_db, open_app, monkeypatch
):
    from ui import auth

    monkeypatch.setattr(auth, "_opened_at", lambda: "http://127.0.0.1:8501/")
    monkeypatch.setenv("DASHBOARD_PUBLIC_VIEWING", "0")
    load_settings.cache_clear()
    try:
        at = as_user(open_app(roles_db), None)
    finally:
        monkeypatch.delenv("DASHBOARD_PUBLIC_VIEWING")
        load_settings.cache_clear()
    assert "Sign in to see the dashboard." in at.info[0].value
    assert any("Sign-in works at http://localhost:8501" in w.value for w in at.main.warning)
    assert [b.proto.url for b in at.main.get("link_button")] == ["http://localhost:8501/"]
