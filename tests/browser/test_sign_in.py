"""Signing in for real, in Chromium, through an OpenID Connect provider the tests run (oidc-provider-mock):
a district uploader saves its own file, which waits for review, and cannot save another district's row; a
DESE reviewer approves it and the figure appears; an anonymous visitor has no Upload page, and a direct link
to it is refused. A sign-in ends: its cookies replayed after signing out are refused, and so is a sign-in
older than the session lifetime; identities that once folded into the administrator are refused or kept
apart, and the audit log names each exactly. These tests write, so they run against a warehouse (and an
app) of their own."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from upload_files import csv_bytes

from .browser_support import SCRIPT_TIMEOUT_MS, Dashboard, new_dashboard
from .oidc_support import set_user_claims, sign_in, sign_out

pytestmark = pytest.mark.browser

LOWELL, LAWRENCE = "01600000", "01490000"
LOWELL_CLERK = "clerk@lowell.example"  # a district uploader for Lowell
LAWRENCE_CLERK = "clerk@lawrence.example"  # a district uploader for Lawrence
REVIEWER = "reviewer@dese.example"  # a DESE reviewer
GRANTS = [
    (LOWELL_CLERK, "uploader", [LOWELL]),
    (LAWRENCE_CLERK, "uploader", [LAWRENCE]),
    (REVIEWER, "reviewer", []),
]

PARTICIPATION = "District participation"
HEADER = ["Org Code", "School Year", "Component", "Strategy Adopted", "Climate Assessment Done"]
# Years each district has not reported in the sample data (Lowell takes part 2022-23 to 2024-25, Lawrence
# 2019-20, 2020-21 and 2023-24), so each file adds a year and replaces nothing.
LOWELL_2020 = ("lowell-participation-2020-21.csv", [[LOWELL, "2020-21", "fellowship", "No", "No"]])
LOWELL_2021 = ("lowell-participation-2021-22.csv", [[LOWELL, "2021-22", "capacity building", "Yes", "Yes"]])
LAWRENCE_2021 = ("lawrence-participation-2021-22.csv", [[LAWRENCE, "2021-22", "fellowship", "No", "No"]])
# Row 3 (the header is row 1) is Lawrence's, in a file uploaded by Lowell.
LOWELL_WITH_A_LAWRENCE_ROW = (
    "lowell-and-lawrence-2019-20.csv",
    [[LOWELL, "2019-20", "fellowship", "No", "No"], [LAWRENCE, "2022-23", "fellowship", "No", "No"]],
)
LOWELL_FILES = {LOWELL_2020[0], LOWELL_2021[0], LOWELL_WITH_A_LAWRENCE_ROW[0]}


@pytest.fixture(scope="module")
def app(sign_in_app):
    """One app with sign-in on for this module, its roles granted before it starts."""
    return sign_in_app("sign-in", grants=GRANTS)


@pytest.fixture
def tab(chromium, app):
    dash = new_dashboard(chromium, app)
    yield dash
    dash.page.context.close()


@pytest.fixture
def other_tab(chromium, app):
    """A second browser (its own cookies), for a second person."""
    dash = new_dashboard(chromium, app)
    yield dash
    dash.page.context.close()


# ---------------------------------------------------------------------------------------------------------
# What a person sees


def nav_titles(dash: Dashboard) -> list[str]:
    """The page titles in the sidebar's navigation (each link's last line: the icon's name comes first)."""
    links = dash.page.locator("[data-testid='stSidebarNav'] a[data-testid='stSidebarNavLink']")
    return [t.strip().splitlines()[-1] for t in links.all_inner_texts()]


def signed_in_caption(dash: Dashboard) -> str:
    """The sidebar's "Signed in as <identity> · <role>", or "" when nobody is signed in."""
    caption = dash.sidebar().locator("[data-testid='stCaptionContainer']").filter(has_text="Signed in as")
    return caption.first.inner_text() if caption.count() else ""


def main_text(dash: Dashboard) -> str:
    return dash.page.locator("[data-testid='stMain']").inner_text()


def grid_rows(dash: Dashboard, column: str) -> list[dict[str, str]]:
    """The rows of the data grid (st.dataframe) that has `column`, as {header: text}, once it has drawn
    them. The grid draws on a canvas after the script ends; these come from the accessible table it keeps
    beside it (the rows on screen: enough for the few uploads a test makes)."""
    found = dash.page.wait_for_function(
        """column => {
            for (const table of document.querySelectorAll("[data-testid='stDataFrame'] table[role='grid']")) {
                const heads = [...table.querySelectorAll("thead th")].map(th => th.textContent.trim());
                if (!heads.includes(column)) continue;
                const rows = [...table.querySelectorAll("tbody tr")].map(tr => Object.fromEntries(
                    [...tr.querySelectorAll("td")].map((td, i) => [heads[i], td.textContent.trim()])));
                return rows.length ? rows : null;
            }
            return null;
        }""",
        arg=column,
        timeout=SCRIPT_TIMEOUT_MS,
    )
    return found.json_value()


def choose_file(dash: Dashboard, kind: str, name: str, content: bytes) -> None:
    """On the Upload page: say what is being loaded, then pick the file in the browser's file chooser."""
    dash.open("upload")
    dash.choose("What are you loading?", kind)
    main = dash.page.locator("[data-testid='stMain']")
    with dash.page.expect_file_chooser() as chooser:
        main.locator("[data-testid='stFileUploaderDropzone'] button").click()
    dash.rerun_by(
        lambda: chooser.value.set_files(files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    )
    main.get_by_text("What was recognised").wait_for()
    dash.wait_for_script()


def participation_file(rows: list[list[str]]) -> bytes:
    return csv_bytes([HEADER, *rows])


def save_upload(dash: Dashboard, file: tuple[str, list[list[str]]]) -> tuple[int, str]:
    """Check a clean participation file and save it: (its upload id, what the page said)."""
    name, rows = file
    choose_file(dash, PARTICIPATION, name, participation_file(rows))
    main = dash.page.locator("[data-testid='stMain']")
    assert main.get_by_text("No problems found.").is_visible(), main_text(dash)
    dash.rerun_by(lambda: main.get_by_role("button", name="Save this upload").click())
    saved = main.locator("[data-testid='stAlert']").filter(has_text=re.compile(r"saved as upload \d+"))
    saved.first.wait_for()
    said = saved.first.inner_text()
    assert not dash.exceptions(), dash.server_log()
    return int(re.search(r"upload (\d+)", said).group(1)), said


def years_taking_part(dash: Dashboard, org_code: str) -> int:
    """The Districts profile's "Years taking part" for one organization."""
    dash.open("districts", query=f"org={org_code}")
    card = dash.page.locator("[data-testid='stMetric']").filter(has_text="Years taking part")
    expect(card).to_be_visible(timeout=SCRIPT_TIMEOUT_MS)
    return int(card.locator("[data-testid='stMetricValue']").inner_text())


# ---------------------------------------------------------------------------------------------------------
# The sign-in itself, apart from the app


PROBE = """
import json
import streamlit as st

if st.user.is_logged_in:
    st.sidebar.button("Sign out", on_click=st.logout)
else:
    st.sidebar.button("Sign in", on_click=st.login)
st.code(json.dumps(st.user.to_dict(), default=str), language="json")
"""


def test_the_provider_signs_a_person_in_and_streamlit_sees_the_claims(chromium, sign_in_app, tmp_path):
    """The machinery the other tests stand on, apart from the app: the provider, the secrets file, st.login's
    round trip in Chromium, and the claims st.user carries (the app's identity is `email`, else `sub`)."""
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    server = sign_in_app("sign-in-probe", script=probe)
    dash = new_dashboard(chromium, server)
    try:
        dash.open()

        def claims() -> dict:
            return json.loads(dash.page.locator("[data-testid='stCode']").inner_text())

        assert claims() == {"is_logged_in": False}
        sign_in(dash, LOWELL_CLERK)
        user = claims()
        assert user["is_logged_in"] is True
        assert (user["sub"], user["email"]) == (LOWELL_CLERK, LOWELL_CLERK), user
        assert user["iss"] == server.provider_url and user["aud"] == ["workforce-dashboard-tests"], user

        sign_out(dash)
        assert claims() == {"is_logged_in": False}
    finally:
        dash.page.context.close()


# ---------------------------------------------------------------------------------------------------------
# A district uploader


def test_a_district_uploader_saves_its_own_file_as_pending_and_sees_only_its_own_uploads(tab, other_tab):
    # Lawrence saves a file first: Lowell must not see it.
    other_tab.open()
    sign_in(other_tab, LAWRENCE_CLERK)
    lawrence_id, _ = save_upload(other_tab, LAWRENCE_2021)

    tab.open()
    sign_in(tab, LOWELL_CLERK)
    assert signed_in_caption(tab).startswith(f"Signed in as {LOWELL_CLERK} · "), signed_in_caption(tab)
    pages = nav_titles(tab)
    assert "Upload" in pages, pages
    assert "Access" not in pages and "Audit" not in pages, pages

    upload_id, said = save_upload(tab, LOWELL_2020)
    assert upload_id != lawrence_id
    assert "pending" in said.lower(), said
    assert tab.page.get_by_role("button", name="Save this upload").is_disabled()  # not twice

    history = grid_rows(tab, "Status")
    assert history, main_text(tab)
    files = {row["File"] for row in history}
    assert LOWELL_2020[0] in files, history
    assert files <= LOWELL_FILES, f"Lowell sees uploads that are not its own: {files - LOWELL_FILES}"
    mine = next(row for row in history if row["Upload"] == str(upload_id))
    assert mine["Status"] == "pending", mine
    # The history's own chooser offers Lowell's uploads only, too.
    options = history_choices(tab)
    assert any(o.startswith(f"{upload_id} · ") for o in options), options
    assert not any(o.startswith(f"{lawrence_id} · ") for o in options), options
    assert not tab.exceptions(), tab.server_log()

    # The Access page is not Lowell's, by a direct link either.
    tab.open("access")
    assert not tab.page.get_by_role("button", name=re.compile("grant", re.I)).count(), main_text(tab)
    assert re.search(r"may not|sign in|not allowed|refused", main_text(tab), re.I), main_text(tab)


def history_choices(dash: Dashboard) -> list[str]:
    """The options of the history's chooser (roll back / withdraw)."""
    combo = dash.page.get_by_role("combobox", name=re.compile(r"^Upload to roll back"))
    box = dash.page.locator("[data-testid='stSelectbox']").filter(has=combo)
    box.scroll_into_view_if_needed()
    box.get_by_role("button", name="Open").click()
    options = dash.page.get_by_role("option").all_inner_texts()
    dash.page.keyboard.press("Escape")
    return [o.strip() for o in options]


def test_a_district_uploader_cannot_save_a_row_for_another_district(tab):
    tab.open()
    sign_in(tab, LOWELL_CLERK)
    name, rows = LOWELL_WITH_A_LAWRENCE_ROW
    choose_file(tab, PARTICIPATION, name, participation_file(rows))
    main = tab.page.locator("[data-testid='stMain']")
    assert not tab.exceptions(), tab.server_log()

    assert main.locator("[data-testid='stAlert']").filter(has_text="saving is blocked").is_visible()
    problems = main.locator("[data-testid='stTable']")
    assert problems.is_visible()
    lawrence_row = problems.locator("tr").filter(has_text=LAWRENCE)
    assert lawrence_row.count() == 1, problems.inner_text()
    cells = [c.strip() for c in lawrence_row.locator("td, th").all_inner_texts()]
    assert "3" in cells, cells  # the row is named: the file's third line
    assert main.get_by_role("button", name="Save this upload").is_disabled()


# ---------------------------------------------------------------------------------------------------------
# A DESE reviewer


def test_a_reviewer_approves_a_district_upload_and_the_figure_appears(tab, other_tab):
    clerk, reviewer = tab, other_tab
    clerk.open()
    sign_in(clerk, LOWELL_CLERK)
    upload_id, _ = save_upload(clerk, LOWELL_2021)

    reviewer.open()
    sign_in(reviewer, REVIEWER)
    assert signed_in_caption(reviewer).startswith(f"Signed in as {REVIEWER} · "), signed_in_caption(reviewer)
    assert "Upload" in nav_titles(reviewer) and "Audit" in nav_titles(reviewer), nav_titles(reviewer)
    before = years_taking_part(reviewer, LOWELL)  # the pending upload counts nowhere yet

    reviewer.open("upload")
    main = reviewer.page.locator("[data-testid='stMain']")
    expect(main.get_by_role("button", name="Approve")).to_be_visible()
    expect(main.get_by_role("button", name="Reject")).to_be_visible()
    reviewer.choose("Upload to review", re.compile(rf"^{upload_id} · "))
    reviewer.rerun_by(lambda: main.get_by_role("button", name="Approve").click())
    expect(
        main.locator("[data-testid='stAlert']").filter(has_text=re.compile("approved", re.I))
    ).to_be_visible(timeout=SCRIPT_TIMEOUT_MS)
    reviewer.wait_for_script()
    assert not reviewer.exceptions(), reviewer.server_log()

    assert years_taking_part(reviewer, LOWELL) == before + 1

    # Lowell sees the review in its history.
    clerk.open("upload")
    mine = next(row for row in grid_rows(clerk, "Status") if row["Upload"] == str(upload_id))
    assert mine["Status"] != "pending" and mine["Review"].startswith("approved"), mine


# ---------------------------------------------------------------------------------------------------------
# An anonymous visitor


def test_an_anonymous_visitor_has_no_upload_page_and_a_direct_link_is_refused(tab):
    tab.open()
    assert tab.sidebar().get_by_role("button", name="Sign in", exact=True).is_visible()
    assert signed_in_caption(tab) == ""
    pages = nav_titles(tab)
    assert "Overview" in pages, pages
    assert not {"Upload", "Access", "Audit"} & set(pages), pages

    tab.open("upload")
    said = main_text(tab)
    assert re.search(r"sign in", said, re.I), said
    assert tab.page.locator("[data-testid='stFileUploader']").count() == 0
    assert not tab.page.get_by_role("button", name="Save this upload").count()
    assert not tab.exceptions(), tab.server_log()


def test_signing_out_takes_the_upload_page_away(tab):
    tab.open()
    sign_in(tab, LOWELL_CLERK)
    assert "Upload" in nav_titles(tab)
    sign_out(tab)
    assert signed_in_caption(tab) == ""
    assert "Upload" not in nav_titles(tab)


# ---------------------------------------------------------------------------------------------------------
# Sign-ins that end, identities matched exactly, and the audit log of both


def audit_csv(dash: Dashboard) -> list[dict[str, str]]:
    """The Audit page's "Download as CSV", read back: every line of the audit log, newest first."""
    dash.open("audit")
    with dash.page.expect_download() as download:
        dash.page.get_by_test_id("stDownloadButton").get_by_role("button", name="Download as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def ended_notice(dash: Dashboard) -> str:
    """The warning above the page that says a sign-in was refused or has ended ("" when there is none)."""
    notice = dash.page.locator("[data-testid='stAlert']").filter(
        has_text=re.compile("Your sign-in (has|was)")
    )
    said = notice.first.inner_text() if notice.count() else ""
    return said[said.find("Your sign-in") :] if said else ""  # after the icon's name


def test_a_sign_in_replayed_after_signing_out_is_refused(chromium, app, tab, other_tab):
    tab.open()
    sign_in(tab, LOWELL_CLERK)
    assert "Upload" in nav_titles(tab)
    saved = tab.page.context.cookies()  # what someone copying the browser's cookies would hold
    assert any(c["name"].startswith("_streamlit_user") for c in saved), [c["name"] for c in saved]
    sign_out(tab)

    replayed = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        replayed.add_cookies(saved)
        replay = Dashboard(page=replayed.new_page(), server=app)
        replay.open()
        assert signed_in_caption(replay) == "", signed_in_caption(replay)
        assert "Upload" not in nav_titles(replay)
        assert "Your sign-in has ended (you signed out at" in ended_notice(replay), replay.alerts()
        assert replay.page.get_by_role("button", name="Sign in again").is_visible()
        replay.open("upload")
        assert replay.page.locator("[data-testid='stFileUploader']").count() == 0
        assert re.search(r"sign in", main_text(replay), re.I), main_text(replay)
        assert not replay.exceptions(), replay.server_log()
    finally:
        replayed.close()

    # A DESE reviewer reads it all in the audit log: the sign-out, and the replay refused.
    other_tab.open()
    sign_in(other_tab, REVIEWER)
    lowell = [row for row in audit_csv(other_tab) if row["who"] == LOWELL_CLERK]
    actions = [row["action"] for row in lowell]
    assert "signed out" in actions, lowell
    replay_refused = [r for r in lowell if r["action"] == "refused" and "you signed out at" in r["detail"]]
    assert len(replay_refused) == 2, lowell  # one per page the replayed cookie opened (each a new session)
    assert all(row["subject"] == LOWELL_CLERK for row in lowell if row["action"] != "refused"), lowell
    # Signing in again (a new sign-in, after the sign-out) works.
    tab.open()
    sign_in(tab, LOWELL_CLERK)
    assert signed_in_caption(tab).startswith(f"Signed in as {LOWELL_CLERK} · "), signed_in_caption(tab)
    assert not ended_notice(tab)


ADMIN = "admin@doe.mass.edu"
# Four sign-ins that all became the DESE administrator before: subject typed into the provider's form, and
# the claims it then sends about that subject.
FOLDED = {
    "email + zero-width space": ("mallory-zwsp", {"email": "ADMIN@doe.mass.edu\u200b"}),
    "unverified email": ("mallory-unverified", {"email": ADMIN, "email_verified": False}),
    "space + right-to-left override": ("mallory-rlo", {"email": " admin@doe.mass.edu\u202e"}),
    "no email, subject + zero-width space": ("admin@doe.mass.edu\u200b", {}),
}


def test_identities_that_folded_into_the_administrator_are_refused_or_kept_apart(chromium, sign_in_app):
    server = sign_in_app("folded", settings={"DASHBOARD_ADMINISTRATORS": ADMIN})
    for subject, claims in FOLDED.values():
        set_user_claims(server.provider_url, subject, claims)
    seen: dict[str, tuple[str, str, list[str]]] = {}
    for name, (subject, _claims) in FOLDED.items():
        dash = new_dashboard(chromium, server)
        try:
            dash.open()
            sign_in(dash, subject)
            seen[name] = (signed_in_caption(dash), ended_notice(dash), nav_titles(dash))
            dash.open("access")
            assert not dash.page.get_by_role("button", name="Grant").count(), (name, main_text(dash))
            assert not dash.exceptions(), dash.server_log()
        finally:
            dash.page.context.close()
    for name, (caption, _notice, pages) in seen.items():
        assert "administrator" not in caption, (name, caption)
        assert "Access" not in pages and "Audit" not in pages, (name, pages)
    # The unverified email is not used: that sign-in is its own subject, a viewer, never the administrator.
    assert seen["unverified email"][0] == "Signed in as subject:mallory-unverified · viewer"
    for name in (
        "email + zero-width space",
        "space + right-to-left override",
        "no email, subject + zero-width space",
    ):
        caption, notice, _ = seen[name]
        assert caption == "" and notice.startswith("Your sign-in was refused"), (name, caption, notice)

    # The real administrator, and the audit log that tells all five apart.
    admin = new_dashboard(chromium, server)
    try:
        admin.open()
        sign_in(admin, ADMIN)
        assert signed_in_caption(admin) == f"Signed in as {ADMIN} · DESE administrator"
        log = audit_csv(admin)
    finally:
        admin.page.context.close()
    as_admin = [row for row in log if row["who"] == ADMIN]
    assert [(r["action"], r["subject"]) for r in as_admin] == [("signed in", ADMIN)], as_admin
    refused = {
        row["who"]: row for row in log if row["action"] == "refused" and row["detail"].startswith("sign-in")
    }
    assert set(refused) == {
        "ADMIN@doe.mass.edu\\u200b",
        "\\u0020admin@doe.mass.edu\\u202e",
        "subject:admin@doe.mass.edu\\u200b",
    }, refused
    assert refused["ADMIN@doe.mass.edu\\u200b"]["subject"] == "mallory-zwsp"
    assert "U+200B ZERO WIDTH SPACE" in refused["ADMIN@doe.mass.edu\\u200b"]["detail"]
    kept_apart = [row for row in log if row["who"] == "subject:mallory-unverified"]
    assert [(r["action"], r["role"]) for r in reversed(kept_apart)] == [
        ("signed in", "viewer"),
        ("refused", "viewer"),  # its direct link to the Access page
    ], kept_apart
    assert kept_apart[0]["detail"].startswith("the Access page, opened by its address"), kept_apart


LIFETIME_HOURS = 0.005  # 18 seconds


def test_a_sign_in_older_than_the_session_lifetime_is_refused(chromium, sign_in_app):
    server = sign_in_app(
        "short-sessions",
        grants=[(LOWELL_CLERK, "uploader", [LOWELL])],
        settings={"DASHBOARD_SESSION_HOURS": str(LIFETIME_HOURS)},
    )
    dash = new_dashboard(chromium, server)
    try:
        dash.open()
        sign_in(dash, LOWELL_CLERK)
        # The sign-in's ID token was issued before sign_in returned: its age is counted from no earlier than
        # here (counted from before the click, a slow sign-in left the token younger than the lifetime).
        signed_in = time.monotonic()
        assert signed_in_caption(dash).startswith(f"Signed in as {LOWELL_CLERK} · "), signed_in_caption(dash)
        assert "Upload" in nav_titles(dash)
        time.sleep(max(0.0, LIFETIME_HOURS * 3600 + 2 - (time.monotonic() - signed_in)))
        dash.open()  # the same browser, its cookie unchanged
        assert ended_notice(dash) == "Your sign-in has ended (it expired after 18 seconds): sign in again."
        assert signed_in_caption(dash) == "" and "Upload" not in nav_titles(dash)
        # Signing in again starts a new sign-in.
        sign_in(dash, LOWELL_CLERK)
        assert signed_in_caption(dash).startswith(f"Signed in as {LOWELL_CLERK} · ")
        assert not ended_notice(dash)
        assert not dash.exceptions(), dash.server_log()
    finally:
        dash.page.context.close()


# ---------------------------------------------------------------------------------------------------------
# Opened at another address than the one sign-in is set up for


def test_opened_at_127_0_0_1_the_visitor_is_sent_to_localhost_where_sign_in_works(tab, app):
    # The app's redirect_uri names http://localhost:<port>: at 127.0.0.1 the sign-in's cookie would not come
    # back, and "Sign in" would return silently signed out.
    tab.page.goto(f"http://127.0.0.1:{app.port}/fellows")
    tab.wait_for_script()
    sidebar = tab.sidebar()
    configured = f"http://localhost:{app.port}"
    expect(sidebar.get_by_text(f"Sign-in works at {configured}")).to_be_visible()
    assert not sidebar.get_by_role("button", name="Sign in", exact=True).count()
    link = sidebar.get_by_role("link", name=f"Open {configured}")
    assert link.get_attribute("href") == f"{configured}/fellows"
    tab.screenshot("sign-in-wrong-address", 1280)
    # Followed, it leads to the address where signing in works.
    link.evaluate("a => a.removeAttribute('target')")  # in this tab
    link.click()
    tab.page.wait_for_url(f"{configured}/fellows")
    tab.wait_for_script()
    assert not sidebar.get_by_text("Sign-in works at").count()
    sign_in(tab, LOWELL_CLERK)
    assert signed_in_caption(tab).startswith(f"Signed in as {LOWELL_CLERK} · "), signed_in_caption(tab)
