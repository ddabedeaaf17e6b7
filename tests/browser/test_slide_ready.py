"""Slide-ready, in Chromium: every chart named by its finding for screen readers, navigation named
by page titles alone, the toolbar's PNG named after the chart, view and date at 16:9 3x, the toolbar clear of
the chart's title, the presentation view opened by a link and stepped through, and the Overview printed to
PDF (Chromium's page.pdf) whole, on a known number of pages, each rendered to PNG in screenshots/print/."""

from __future__ import annotations

import html
import re
import shutil
import struct
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe

from analytics.export import CHART_KEYS, image_name
from analytics.metrics import Filters

from .browser_support import PAGES, SCREENSHOTS, Dashboard

pytestmark = pytest.mark.browser

# Each chart's container as a screen reader meets it: its role and accessible name, and the title drawn.
_CHART_NAMES = """() => [...document.querySelectorAll("[data-testid='stPlotlyChart']")].map(el => ({
    role: el.getAttribute("role"),
    name: el.getAttribute("aria-label") || "",
    // (a title wrapped to the chart's width is drawn as lines: read as one, spaced)
    title: [...el.querySelectorAll(".gtitle tspan.line")].map(t => t.textContent).join(" ")
        || el.querySelector(".gtitle")?.textContent || "",
}))"""
YEARS = ("2014-15", "2024-25")  # the school years in the sample warehouse (students' reports from 2014-15)


def _title(chart) -> str:
    """A chart's title as drawn, its lines (wrapped to the chart's width) read as one."""
    return (
        " ".join(chart.locator(".gtitle tspan.line").all_text_contents())
        or chart.locator(".gtitle").text_content()
    )


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("app_page", [p for p in PAGES if p.name != "upload"], ids=lambda p: p.name)
def test_every_chart_is_named_by_its_finding(shown_pages, app_page):
    dashboard = shown_pages(app_page)
    charts = dashboard.page.evaluate(_CHART_NAMES)
    for chart in charts:
        assert chart["role"] in ("figure", "img"), chart
        # The accessible name starts with the finding the chart's title states, then gives its figures.
        assert chart["title"] and chart["name"].startswith(html.unescape(chart["title"]).rstrip(".")), chart
    if app_page.name in ("overview", "superintendents", "workforce"):
        # ... and then the figures: "…: 3.1% in 2016-17, …".
        assert charts and all(re.search(r"\d", c["name"]) for c in charts), charts
        # The figures are a table one click away, reached by keyboard like any expander.
        tables = dashboard.page.get_by_text("The figures in this chart, as a table")
        assert tables.count() == len(charts)  # the parity histogram too: its bins


def test_navigation_reads_page_titles_alone(shown_pages):
    nav = shown_pages(PAGES[0]).page.locator("[data-testid='stSidebarNav']")
    names = [
        link.evaluate("a => a.innerText.trim()")
        for link in nav.locator("a[data-testid='stSidebarNavLink']").all()
    ]
    assert names == [p.title for p in PAGES if p.title in names] and names
    for title in names:
        assert nav.get_by_role("link", name=title, exact=True).count() == 1, title


@pytest.mark.parametrize("width", (1280, 1920))
def test_the_toolbar_sits_clear_of_the_chart_title(dashboard: Dashboard, width):
    dashboard.page.set_viewport_size({"width": width, "height": 1000})
    dashboard.open(PAGES[0])
    dashboard.wait_for_charts()
    for chart in dashboard.page.locator("[data-testid='stPlotlyChart']").all():
        chart.scroll_into_view_if_needed()
        chart.hover()
        title = chart.locator(".gtitle").bounding_box()
        bar = chart.locator(".modebar").bounding_box()
        assert bar and title and bar["y"] + bar["height"] <= title["y"], (bar, title)


def test_the_toolbar_saves_a_named_16_9_png_at_3x(dashboard: Dashboard, tmp_path):
    dashboard.open(PAGES[0], "region=Greater+Boston")
    dashboard.wait_for_charts()
    chart = dashboard.page.locator("[data-testid='stPlotlyChart']").first
    chart.scroll_into_view_if_needed()
    chart.hover()
    with dashboard.page.expect_download(timeout=60_000) as download:
        chart.get_by_role("button", name="Download plot as a PNG").click()
    expected = image_name(CHART_KEYS[0], Filters(*YEARS, regions=("Greater Boston",)), date.today())
    assert download.value.suggested_filename == f"{expected}.png"
    assert expected.startswith(f"superintendents-target-path_greater-boston_{YEARS[0]}-to-{YEARS[1]}_")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert _png_size(saved.read_bytes()) == (3600, 2025)


def test_the_presentation_view_opens_by_link_and_steps_through(dashboard: Dashboard, sample_db_template):
    from analytics.export import deck_plan
    from analytics.goals import load_goals
    from analytics.warehouse import connect

    con = connect(sample_db_template, read_only=True)
    try:  # the charts presented: the default deck's (a chart that says too little is not put on a screen)
        presented = len(deck_plan(con, load_goals(), Filters()).keys)
    finally:
        con.close()
    dashboard.page.set_viewport_size({"width": 1280, "height": 800})
    dashboard.open("", "present=1&chart=1")
    page = dashboard.page
    dashboard.wait_for_charts()
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert not page.locator("[data-testid='stHeader']").is_visible()
    assert page.get_by_text(f"Chart 1 of {presented}").is_visible()
    assert page.get_by_text("Sample data").first.is_visible()
    chart = page.locator("[data-testid='stPlotlyChart']")
    box = chart.bounding_box()
    assert box["width"] / box["height"] == pytest.approx(16 / 9, rel=0.01)
    assert box["y"] + box["height"] <= 800, "the chart and its controls fit one screen"
    first = _title(chart)
    assert first.startswith("Superintendents of color")
    assert chart.get_attribute("aria-label").startswith(first)
    page.screenshot(path=str(SCREENSHOTS / "present-1.png"))

    dashboard.rerun_by(lambda: page.keyboard.press("ArrowRight"))
    assert "chart=2" in page.url and page.get_by_text(f"Chart 2 of {presented}").is_visible()
    dashboard.wait_for_charts()
    assert _title(chart) != first
    dashboard.rerun_by(lambda: page.get_by_role("button", name="Next chart").click())
    assert "chart=3" in page.url
    dashboard.rerun_by(lambda: page.keyboard.press("ArrowLeft"))
    assert "chart=2" in page.url
    violations = Axe().run(page).response["violations"]
    assert not [v["id"] for v in violations if v["impact"] in ("serious", "critical")]

    dashboard.rerun_by(lambda: page.get_by_role("button", name="Leave presentation view").click())
    assert "present" not in page.url
    assert page.locator("[data-testid='stSidebar']").is_visible()


def test_the_overview_prints_whole_without_the_sidebar(dashboard: Dashboard):
    import pypdfium2 as pdfium

    dashboard.open(PAGES[0])
    dashboard.wait_for_charts()
    page = dashboard.page
    # As a browser's print does: 'beforeprint' on the screen's layout, then the print stylesheet.
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    page.wait_for_timeout(500)
    widths = page.evaluate(
        """() => [...document.querySelectorAll(".print-snapshot")].map(el => el.getBoundingClientRect().width)"""
    )
    from analytics.goals import load_goals

    # One chart per goal; each prints as its copy, scaled to the page's width.
    assert len(widths) == len(load_goals()), widths
    data = page.pdf(format="Letter", print_background=True)
    pdf = pdfium.PdfDocument(data)
    out = SCREENSHOTS / "print" / "overview-whole"  # (its own folder: other tests print beside it)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    texts = []
    for i, pdf_page in enumerate(pdf):
        pdf_page.render(scale=1.5).to_pil().save(out / f"overview-{i + 1}.png")
        texts.append(pdf_page.get_textpage().get_text_range())
    # The cards on the first page, then the five goals' charts two to a page.
    assert len(pdf) == 4, f"{len(pdf)} pages"
    assert "Filters:" in texts[0] and "Printed" in texts[0], texts[0][:300]
    assert "Sign-in is off" not in "".join(texts) and "Presentation view" not in "".join(texts)  # no sidebar
    assert all(t.strip() for t in texts), "a blank page"
    # Whole at the page's width: the last school year on each axis is printed, not cut off at the right.
    assert "2029-30" in texts[1] and "Cohort 7" in "".join(texts), texts
