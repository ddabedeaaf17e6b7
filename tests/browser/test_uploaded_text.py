"""Names that try to act, as Chromium draws them: organizations, files, uploaders, a review note and a problem's
cells named as an outside image, a live link, coloured text, an icon, LaTeX, HTML or a formula (tests/
attack_names.py). On every page the browser fetches nothing from the outside host, draws no image, link,
KaTeX or coloured text from them, and shows each name as written (no backslash, nothing missing)."""

from __future__ import annotations

import shutil

import pytest
from attack_names import ATTACK_ORGS, FOUNDERS, MARKDOWN_ATTACKS, UNPLACED, with_attack_names
from upload_files import csv_bytes

from .browser_support import PAGES, SCREENSHOTS, Dashboard, new_dashboard, opened_server, page_by_name

pytestmark = pytest.mark.browser

# What the page draws that a name could have made act: images from elsewhere, links and mail links to the
# outside host (in Markdown or in a chart's SVG), KaTeX, Streamlit's coloured text and icons inside text.
_ACTED = """() => {
    const outside = u => u && !u.startsWith(location.origin) && !u.startsWith("data:") && !u.startsWith("blob:");
    const text = "[data-testid='stMarkdownContainer'], [data-testid='stCaptionContainer'], "
        + "[data-testid='stTable'], [data-testid='stAlert']";
    return {
        images: [...document.querySelectorAll("img")].map(i => i.src).filter(outside),
        links: [...document.querySelectorAll("a")].map(a => a.getAttribute("href") || a.getAttribute("xlink:href") || "")
            .filter(h => h.includes("evil") || h.startsWith("mailto:")),
        katex: document.querySelectorAll(".katex, .katex-mathml, mjx-container").length,
        coloured: [...document.querySelectorAll(".stMarkdownColoredText, .stMarkdownColoredBackground")]
            .map(e => e.textContent),
        // Icons from ":material/…:" in text (the app's own badges aside).
        icons: [...document.querySelectorAll(
            `:is(${text}) :is([data-testid='stIconMaterial'], span[role='img'][aria-label$=' icon'])`)]
            .filter(e => !e.closest(".stMarkdownBadge")).map(e => e.textContent),
        bold: [...document.querySelectorAll(`:is(${text}) :is(b, strong)`)].map(e => e.textContent)
            .filter(t => t === "x"),
    };
}"""
_CHART_TEXT = """() => [...document.querySelectorAll("[data-testid='stPlotlyChart'] svg")]
    .map(s => s.textContent).join("\\n")"""
# Cells the Upload page's problem table quotes: every attack in the code, race and FTE columns.
BAD_FILE = csv_bytes(
    [
        ["School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"],
        *(["2023-24", a, "Teacher", a, a] for a in MARKDOWN_ATTACKS),
    ]
)


@pytest.fixture(scope="module")
def attack_server(chromium, sample_db_template, tmp_path_factory):
    """A server on a copy of the sample warehouse whose names are the attacks."""
    template = tmp_path_factory.mktemp("attack-template") / "warehouse.duckdb"
    shutil.copy(sample_db_template, template)
    with_attack_names(template)
    with opened_server(chromium, template, tmp_path_factory.mktemp("browser-attacks")) as server:
        yield server


@pytest.fixture
def outside_requests() -> list[str]:
    """The requests a test's tab made to the outside host."""
    return []


@pytest.fixture
def tab(chromium, attack_server, outside_requests):
    """A tab that records every request it makes to the outside host."""
    dash = new_dashboard(chromium, attack_server)
    dash.page.on("request", lambda r: outside_requests.append(r.url) if "evil" in r.url else None)
    yield dash
    dash.page.context.close()


def assert_nothing_acted(dash: Dashboard, outside_requests: list[str]) -> str:
    """No name acted on the page; what it says (its main area's text, as a person reads it)."""
    assert not dash.exceptions(), dash.server_log()
    dash.wait_for_charts()
    dash.page.wait_for_timeout(500)  # an image or a font a name asked for would be requested by now
    acted = dash.page.evaluate(_ACTED)
    assert acted == {"images": [], "links": [], "katex": 0, "coloured": [], "icons": [], "bold": []}
    assert outside_requests == []
    return dash.page.locator("[data-testid='stMain']").inner_text()


def read_as_written(said: str, names) -> None:
    """Each name is in what the page says exactly as written: no escape shows, nothing is missing."""
    assert [n for n in names if n not in said] == []
    assert "\\" not in said


@pytest.mark.parametrize(
    "app_page", [p for p in PAGES if p.name not in ("equity_leaders", "districts", "upload")]
)
def test_a_page_draws_no_name_as_markup(tab, outside_requests, app_page):
    tab.open(app_page)
    assert_nothing_acted(tab, outside_requests)


def test_the_equity_leaders_captions_and_charts_show_the_names_as_written(tab, outside_requests):
    tab.open(page_by_name("equity_leaders"))
    said = assert_nothing_acted(tab, outside_requests)
    named = [ATTACK_ORGS[c] for c in [*FOUNDERS, *UNPLACED]]
    read_as_written(said, named)  # the founders' and the unplaced organizations' captions
    charts = tab.page.evaluate(_CHART_TEXT)
    # The founders' note on the first chart and the map's subtitle, which names the first organization not
    # placed ("… and 1 more"; Plotly draws the entities as characters).
    founders = [ATTACK_ORGS[c] for c in FOUNDERS]
    assert [n for n in founders if n not in charts] == []
    assert [ATTACK_ORGS[c] for c in UNPLACED if ATTACK_ORGS[c] in charts]
    caption = tab.page.locator("[data-testid='stCaptionContainer']").filter(has_text="AMSEL began with")
    caption.scroll_into_view_if_needed()
    caption.screenshot(path=str(SCREENSHOTS / "attack-names-equity-caption.png"))


@pytest.mark.parametrize("code", list(ATTACK_ORGS))
def test_an_organizations_profile_shows_its_name_as_written(tab, outside_requests, code):
    tab.open(page_by_name("districts"), f"org={code}")
    said = assert_nothing_acted(tab, outside_requests)
    name = ATTACK_ORGS[code]
    read_as_written(said, [f"{name} is in the"])
    assert f"{name}: teachers and students of color" in tab.page.evaluate(_CHART_TEXT)
    if code == "00490000":  # the outside image: the profile's caption and chart, as a person sees them
        tab.page.locator("[data-testid='stCaptionContainer']").filter(has_text="is in the").screenshot(
            path=str(SCREENSHOTS / "attack-names-profile-caption.png")
        )


def test_the_upload_page_quotes_the_cells_and_names_as_written(tab, outside_requests):
    upload = page_by_name("upload")
    tab.open(upload)
    said = assert_nothing_acted(tab, outside_requests)
    assert "Upload history" in said
    main = tab.page.locator("[data-testid='stMain']")
    with tab.page.expect_file_chooser() as chooser:
        main.locator("[data-testid='stFileUploaderDropzone'] button").click()
    tab.rerun_by(
        lambda: chooser.value.set_files(
            files=[
                {
                    "name": ":red[x] $x^2$ <b>x</b> www.evil.example.csv",
                    "mimeType": "text/csv",
                    "buffer": BAD_FILE,
                }
            ]
        )
    )
    main.get_by_text("What was recognised").wait_for()
    tab.wait_for_script()
    said = assert_nothing_acted(tab, outside_requests)
    table = main.locator("[data-testid='stTable']")
    read_as_written(table.inner_text(), MARKDOWN_ATTACKS[1:])
    tab.page.set_viewport_size({"width": 1280, "height": 2600})  # the whole table in view, for its picture
    table.screenshot(path=str(SCREENSHOTS / "attack-names-problem-table.png"))
