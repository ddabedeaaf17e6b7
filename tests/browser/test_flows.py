"""What a person does with the sidebar filters, in Chromium: narrow the view and see the chart change, share
the address to show someone else the same view, and keep the view while moving between pages."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from analytics.definitions import REGIONS

from .browser_support import (
    CHARTS_CHANGED,
    SCRIPT_TIMEOUT_MS,
    AppPage,
    Dashboard,
    is_placeholder,
    page_by_name,
    selected,
)

pytestmark = pytest.mark.browser

SUPERINTENDENTS = page_by_name("superintendents")
REGION = "Greater Boston"  # the region with the most districts, so its chart is never suppressed as small


def open_superintendents(dashboard: Dashboard) -> list[str]:
    """Open the Superintendents page; return what its charts plot."""
    assert not is_placeholder(SUPERINTENDENTS), (
        f"{SUPERINTENDENTS.script} is a placeholder: no filters or charts"
    )
    dashboard.open(SUPERINTENDENTS)
    charts = dashboard.wait_for_charts()
    assert charts, f"{SUPERINTENDENTS.script} shows no Plotly chart"
    assert all(c["svg_traces"] for c in charts), charts
    return dashboard.chart_data()


def query(dashboard: Dashboard) -> dict[str, list[str]]:
    """The address bar's query parameters."""
    return parse_qs(urlparse(dashboard.page.url).query)


def test_choosing_a_region_changes_the_chart_and_the_address(dashboard):
    assert REGION in REGIONS
    statewide = open_superintendents(dashboard)

    region = filter_box(dashboard, "Region")
    dashboard.add_choice("Region", REGION)
    dashboard.wait_for_chart_data_change(statewide)

    assert selected(region) == [REGION]
    assert all(c["svg_traces"] for c in dashboard.wait_for_charts()), "a chart went blank after filtering"
    assert not dashboard.exceptions(), dashboard.server_log()
    assert query(dashboard)["region"] == [REGION]
    filtered = dashboard.chart_data()

    # The address bar is the shareable view: opened afresh, it shows the same filter and the same trend.
    # (Only the first chart is compared: the charts below it also follow widgets that keep their state.)
    dashboard.page.goto(dashboard.page.url)
    dashboard.wait_for_script()
    dashboard.wait_for_charts()
    assert selected(region) == [REGION]
    assert dashboard.chart_data()[0] == filtered[0]


def test_narrowing_the_school_years_changes_the_chart_and_the_address(dashboard):
    statewide = open_superintendents(dashboard)

    start = dashboard.sidebar().get_by_role("slider", name="School years — start")
    first_year = start.get_attribute("aria-valuetext")
    start.focus()
    # Three years on (2014-15 to 2017-18): the superintendents' figures begin in 2016-17, so the first
    # of their years leaves the view.
    for _ in range(3):
        dashboard.page.keyboard.press("ArrowRight")
    # Wait for the charts to change, or stop early if the thumb is back where it started.
    dashboard.page.wait_for_timeout(500)
    dashboard.page.wait_for_function(
        f"""([before, first]) => ({CHARTS_CHANGED})(before)
            || document.querySelector("[data-testid='stSidebar'] input[type='range']").ariaValueText === first""",
        arg=[statewide, first_year],
        timeout=SCRIPT_TIMEOUT_MS,
    )
    dashboard.wait_for_script()

    later_year = start.get_attribute("aria-valuetext")
    assert later_year != first_year, "the School years slider snapped back"
    assert dashboard.chart_data() != statewide
    assert query(dashboard)["from"] == [later_year]
    assert all(c["svg_traces"] for c in dashboard.wait_for_charts()), "a chart went blank after filtering"
    assert not dashboard.exceptions(), dashboard.server_log()


def go_to(dashboard: Dashboard, app_page: AppPage) -> None:
    """Change page the way a person does, by the sidebar's navigation (same session, no reload)."""
    nav = dashboard.page.locator("[data-testid='stSidebarNav'] a[data-testid='stSidebarNavLink']")
    link = nav.filter(has_text=re.compile(rf"{re.escape(app_page.title)}$"))
    dashboard.rerun_by(
        link.click, landed=lambda: urlparse(dashboard.page.url).path.strip("/") == app_page.url_path
    )
    dashboard.app_page = app_page
    assert urlparse(dashboard.page.url).path.strip("/") == app_page.url_path


def filter_box(dashboard: Dashboard, label: str):
    """The sidebar multiselect labelled `label`."""
    return dashboard.sidebar().locator("[data-testid='stMultiSelect']").filter(has_text=label)


def test_region_type_and_years_survive_changes_of_page(dashboard):
    """Region and type once were lost on the second change of page (and `region=` left the URL)."""
    overview, about, workforce = page_by_name("overview"), page_by_name("about"), page_by_name("workforce")
    type_label = "Districts"
    dashboard.open(overview)
    for label, option in (("Region", REGION), ("Organization type", type_label)):
        dashboard.add_choice(label, option)
    start = dashboard.sidebar().get_by_role("slider", name="School years — start")
    dashboard.rerun_by(lambda: (start.focus(), dashboard.page.keyboard.press("ArrowRight")))
    later_year = start.get_attribute("aria-valuetext")
    wanted = {"region": [REGION], "type": ["district"], "from": [later_year]}
    assert query(dashboard) == wanted

    # About shows no filters; the two filtered pages after it are where the second change lost them.
    # (Workforce last: its teacher counts are large, so its chart is never hidden as a small group.)
    go_to(dashboard, about)
    assert filter_box(dashboard, "Region").count() == 0
    for app_page in (SUPERINTENDENTS, workforce):
        assert not is_placeholder(app_page), f"{app_page.script} is a placeholder: no filters"
        go_to(dashboard, app_page)
        assert selected(filter_box(dashboard, "Region")) == [REGION], app_page.title
        assert selected(filter_box(dashboard, "Organization type")) == [type_label], app_page.title
        assert start.get_attribute("aria-valuetext") == later_year, app_page.title
        assert query(dashboard) == wanted, app_page.title
        assert not dashboard.exceptions(), dashboard.server_log()

    # The chart is the filtered one: what the shared address draws in a new session, and not statewide.
    charts = dashboard.wait_for_charts()
    assert charts and charts[0]["svg_traces"], f"{workforce.script} drew no chart: {charts}"
    after_two_changes = dashboard.chart_data()[0]
    dashboard.screenshot("filters-after-page-changes", 1280)
    dashboard.page.goto(dashboard.page.url)
    dashboard.wait_for_script()
    dashboard.wait_for_charts()
    assert selected(filter_box(dashboard, "Region")) == [REGION]
    assert dashboard.chart_data()[0] == after_two_changes
    dashboard.open(workforce)  # no query: statewide
    dashboard.wait_for_charts()
    assert dashboard.chart_data()[0] != after_two_changes
