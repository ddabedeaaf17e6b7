"""Honest figures on the Upload page, in Chromium: a file with errors shows its problems and no figures; a file
saved before says so and is saved again only once asked. Screenshots of both land in screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .browser_support import SCRIPT_TIMEOUT_MS
from .test_upload import FELLOWS_KIND, HEADER, choose_file, tab, upload_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

# A clean file but for one cohort written 1e308 (a number no cohort can be).
ABSURD_FELLOWS = (
    HEADER
    + "H-8-01,8,2026-27,00350000,Principal,Asian,active,,,\n"
    + "H-8-02,1e308,2026-27,01490000,Principal,White,active,,,\n"
).encode()
# Cohort 9, which neither the sample nor the other browser tests load.
ONCE_FELLOWS = (HEADER + "H-9-01,9,2027-28,00350000,Principal,Asian,active,,,\n").encode()


def test_a_file_with_errors_shows_its_problems_and_no_figures(tab):  # noqa: F811
    choose_file(tab, FELLOWS_KIND, "fellows-absurd.csv", ABSURD_FELLOWS)
    main = tab.page.locator("[data-testid='stMain']")
    assert not tab.exceptions(), tab.server_log()
    problems = main.locator("[data-testid='stTable']").inner_text()
    assert "1e308" in problems and "a cohort number from 1 to 100" in problems, problems
    assert main.get_by_text("appears once the file has no errors").is_visible()
    assert not main.get_by_text("Preview: what saving will change").count()
    assert "→" not in main.inner_text()
    assert main.get_by_role("button", name="Save this upload").is_disabled()
    tab.screenshot("upload-errors-no-preview", 1280)


def test_a_file_saved_before_asks_before_saving_it_again(tab):  # noqa: F811
    main = tab.page.locator("[data-testid='stMain']")
    choose_file(tab, FELLOWS_KIND, "fellows-cohort-9.csv", ONCE_FELLOWS)
    tab.rerun_by(lambda: main.get_by_role("button", name="Save this upload").click())
    main.get_by_text(re.compile(r"This file was saved as upload \d+")).wait_for()

    tab.page.reload()  # a new visit drops the same bytes again
    choose_file(tab, FELLOWS_KIND, "fellows-cohort-9-again.csv", ONCE_FELLOWS)
    note = main.locator("[data-testid='stAlert']").filter(has_text="This file is already saved as upload")
    expect(note).to_be_visible(timeout=SCRIPT_TIMEOUT_MS)
    assert "fellows-cohort-9.csv" in note.inner_text()
    save = main.get_by_role("button", name="Save this upload")
    assert save.is_disabled()
    tab.screenshot("upload-saved-before", 1280)
    tab.rerun_by(lambda: main.get_by_text("Save it again anyway").click())
    expect(save).to_be_enabled(timeout=SCRIPT_TIMEOUT_MS)
    assert not tab.exceptions(), tab.server_log()
