"""The first visitor after the app (re)starts may arrive by a shared or bookmarked link to a page other than
the Overview; they must get the app's navigation, page settings and sample-data notice like everyone else."""

from __future__ import annotations

import pytest

from .browser_support import PAGES, new_dashboard, page_by_name, start_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def fresh_server(chromium, sample_db_template, tmp_path_factory):
    """A server nobody has visited yet (the session's server has had "/" opened)."""
    server = start_server(sample_db_template, tmp_path_factory.mktemp("first-visit"))
    yield server
    server.stop()


def test_a_deep_link_opened_first_after_a_restart_shows_the_whole_app(chromium, fresh_server):
    dash = new_dashboard(chromium, fresh_server)
    try:
        dash.open(page_by_name("about"))
        nav = dash.page.locator("[data-testid='stSidebarNav'] a[data-testid='stSidebarNavLink']")
        titles = [link.inner_text().strip().splitlines()[-1] for link in nav.all()]
        assert titles == [p.title for p in PAGES]
        assert any("Sample data" in text for text in dash.alerts())
        assert dash.page.title() == "Workforce diversity goals · DESE"
    finally:
        dash.page.context.close()
