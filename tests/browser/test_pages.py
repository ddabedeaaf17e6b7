"""Every page in app.py's navigation, in Chromium: it runs to the end without an exception box, shows the
sample-data notice, draws every Plotly chart (as many as it draws on the sample), and is photographed at 1280
and 1920 px."""

from __future__ import annotations

import pytest

from .browser_support import PAGES, SCREENSHOTS, Dashboard

pytestmark = pytest.mark.browser

SCREENSHOT_WIDTHS = (1280, 1920)


@pytest.fixture(params=PAGES, ids=lambda p: p.name)
def shown(request, shown_pages) -> Dashboard:
    """The page, as loaded once this session in its own tab."""
    return shown_pages(request.param)


def test_navigation_lists_every_page_of_app_py(shown_pages):
    dashboard = shown_pages(PAGES[0])
    links = dashboard.page.locator("[data-testid='stSidebarNav'] a[data-testid='stSidebarNavLink']")
    shown_links = [
        (link.inner_text().strip().splitlines()[-1], link.get_attribute("href")) for link in links.all()
    ]
    expected = [(p.title, dashboard.server.url(p.url_path)) for p in PAGES]
    assert shown_links == expected


def test_runs_without_an_exception(shown):
    errors = shown.exceptions()
    assert not errors, (
        f"{shown.app_page.script} shows {len(errors)} exception box(es): {errors}\n"
        f"server log:\n{shown.server_log()}"
    )
    assert shown.page.locator("[data-testid='stMain'] h1").count() >= 1, "the page has no title"


def test_shows_the_sample_data_notice(shown):
    # app.py draws it above every page while sample data is loaded; AppTest can't see it after a page switch.
    notice = shown.page.locator("[data-testid='stAlert']", has_text="Sample data")
    assert notice.count() == 1, f"alerts shown: {shown.alerts()}"
    assert notice.is_visible()


# The Plotly charts each page draws on the sample data (a page that draws fewer has lost one, or drew none).
CHARTS_ON_THE_SAMPLE = {
    "overview": 5,
    "superintendents": 4,
    "fellows": 3,
    "districts": 2,
    "students": 9,
    "workforce": 4,
    "equity_leaders": 7,
    "upload": 0,
    "export": 1,
    "audit": 0,
    "access": 0,
    "about": 0,
}


def test_every_page_has_its_chart_count():
    assert set(CHARTS_ON_THE_SAMPLE) == {p.name for p in PAGES}, "a page app.py registers has no count here"


def test_every_chart_draws(shown):
    charts = shown.charts_when_loaded
    assert len(charts) == CHARTS_ON_THE_SAMPLE[shown.app_page.name], [c["title"] for c in charts]
    undrawn = [c for c in charts if c["svg_traces"] == 0]
    assert not undrawn, (
        f"{len(undrawn)} of {len(charts)} Plotly chart(s) on {shown.app_page.script} drew no traces "
        f"(not plotted, empty, or failed): {undrawn}\nserver log:\n{shown.server_log()}"
    )


def test_no_javascript_errors(shown):
    assert not shown.js_errors, shown.js_errors


@pytest.mark.parametrize("width", SCREENSHOT_WIDTHS)
def test_screenshot(shown, width):
    path = shown.screenshot(shown.app_page.name, width)
    assert path.stat().st_size > 10_000, f"{path} looks blank"
    assert path.parent == SCREENSHOTS
