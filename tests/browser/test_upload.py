"""Loading files the way a person does, in Chromium, through the Upload page's file chooser: a good file is
saved and the Overview counts it, rolling it back takes it out again, and a bad file shows the problem
table and cannot be saved. These tests write, so they run against a warehouse of their own."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .browser_support import SCRIPT_TIMEOUT_MS, Dashboard, new_dashboard, opened_server, page_by_name

pytestmark = pytest.mark.browser

UPLOAD, OVERVIEW = page_by_name("upload"), page_by_name("overview")
FELLOWS_KIND = "Influence 100 Fellows"
HEADER = (
    "fellow_id,cohort,start_year,home_org_code,entry_role,race,status,placement_role,placement_year,"
    "placement_org_code\n"
)
# Three fellows of a new cohort (the sample data ends at cohort 7).
GOOD_FELLOWS = (
    HEADER
    + "T-8-01,8,2026-27,00350000,Principal,Asian,active,,,\n"
    + "T-8-02,8,2026-27,01490000,Central Office,Hispanic/Latino,active,,,\n"
    + "T-8-03,8,2026-27,02810000,Assistant Principal,African American/Black,active,,,\n"
).encode()
# Row 2 has a status and row 3 a race that DESE does not use.
BAD_FELLOWS = (
    HEADER
    + "T-9-01,9,2027-28,00350000,Principal,Asian,active,,,\n"
    + "T-9-02,9,2027-28,01490000,Principal,White,graduated,,,\n"
    + "T-9-03,9,2027-28,02810000,Principal,Martian,active,,,\n"
).encode()


@pytest.fixture(scope="module")
def upload_server(chromium, sample_db_template, tmp_path_factory):
    """A server on its own copy of the sample warehouse, opened at "/" once (see streamlit_server)."""
    with opened_server(chromium, sample_db_template, tmp_path_factory.mktemp("browser-upload")) as server:
        yield server


@pytest.fixture
def tab(chromium, upload_server):
    dash = new_dashboard(chromium, upload_server)
    yield dash
    dash.page.context.close()


def fellows_so_far(dash: Dashboard) -> int:
    """The Overview's headline count of Influence 100 Fellows."""
    dash.open(OVERVIEW)
    card = dash.page.locator("[data-testid='stMetric']").filter(has_text="Influence 100 Fellows")
    return int(card.locator("[data-testid='stMetricValue']").inner_text().replace(",", ""))


def choose_file(dash: Dashboard, kind: str, name: str, content: bytes) -> None:
    """On the Upload page: say what is being loaded, then pick the file in the browser's file chooser."""
    dash.open(UPLOAD)
    dash.choose("What are you loading?", kind)
    main = dash.page.locator("[data-testid='stMain']")
    browse = main.locator("[data-testid='stFileUploaderDropzone'] button")
    with dash.page.expect_file_chooser() as chooser:
        browse.click()
    dash.rerun_by(
        lambda: chooser.value.set_files(files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    )
    main.get_by_text("What was recognised").wait_for()
    dash.wait_for_script()


def test_a_good_file_is_saved_counted_on_the_overview_and_rolled_back(tab):
    before = fellows_so_far(tab)

    choose_file(tab, FELLOWS_KIND, "fellows-cohort-8.csv", GOOD_FELLOWS)
    main = tab.page.locator("[data-testid='stMain']")
    assert main.get_by_text("No problems found.").is_visible()
    assert main.get_by_text("Preview: what saving will change").is_visible()
    tab.rerun_by(lambda: main.get_by_role("button", name="Save this upload").click())
    saved = main.get_by_text(re.compile(r"This file was saved as upload \d+"))
    saved.wait_for()
    upload_id = int(re.search(r"upload (\d+)", saved.inner_text()).group(1))
    assert not tab.exceptions(), tab.server_log()

    assert fellows_so_far(tab) == before + 3

    # Roll it back from the history: the Overview no longer counts it.
    tab.open(UPLOAD)
    tab.choose("Upload to roll back or restore", re.compile(rf"^{upload_id} · "))
    tab.rerun_by(lambda: main.get_by_role("button", name="Roll back", exact=True).click())
    # The page reruns once more to say so: wait for its words.
    expect(
        main.locator("[data-testid='stAlert']").filter(has_text=f"Upload {upload_id} rolled back")
    ).to_be_visible(timeout=SCRIPT_TIMEOUT_MS)
    tab.wait_for_script()
    expect(main.get_by_role("button", name="Undo rollback")).to_be_enabled()
    assert not tab.exceptions(), tab.server_log()

    assert fellows_so_far(tab) == before


def test_a_bad_file_shows_the_problem_table_and_cannot_be_saved(tab):
    choose_file(tab, FELLOWS_KIND, "fellows-bad.csv", BAD_FELLOWS)
    main = tab.page.locator("[data-testid='stMain']")
    assert not tab.exceptions(), tab.server_log()

    assert main.locator("[data-testid='stAlert']").filter(has_text="saving is blocked").is_visible()
    table = main.locator("[data-testid='stTable']")
    assert table.is_visible()
    problems = table.inner_text()
    assert "graduated" in problems and "Martian" in problems, problems
    assert main.get_by_role("button", name="Save this upload").is_disabled()
