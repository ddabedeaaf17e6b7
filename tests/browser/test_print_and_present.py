"""Presentation view and print, as a presenter and a reader of the printout meet them.

- Presentation view at 1280x720, 1440x900 and 1920x1080: every chart it steps through fits the screen, and
  none of the chart's words (title, subtitle, legend, axis titles, tick labels, notes) is cut at the chart's
  edge or the screen's. A screenshot of each lands in screenshots/present/.
- Print (Letter, Chromium's print to PDF, read back with pdfium): every page prints every row of its tables,
  no text runs past the paper's edge, and no text is smaller than 8 pt. The pages land in screenshots/print/.
"""

from __future__ import annotations

import re
import shutil

import pytest

from .browser_support import PAGES, SCREENSHOTS, Dashboard, is_placeholder

pytestmark = pytest.mark.browser

SIZES = ((1280, 720), (1440, 900), (1920, 1080))
LETTER = (612.0, 792.0)  # points
SMALLEST_PT = 8.0

# Every word the chart draws (its SVG text), and the boxes it must stay within: the chart's own box and the
# window.
_CHART_GEOMETRY = """() => {
  const chart = document.querySelector("[data-testid='stPlotlyChart']");
  if (!chart) return null;
  const box = chart.getBoundingClientRect();
  const texts = [...chart.querySelectorAll("svg.main-svg text")]
    .filter(t => (t.textContent || "").trim() && t.getClientRects().length)
    .map(t => {
      const r = t.getBoundingClientRect();
      const kind = [...t.classList].join(" ") || t.parentNode.getAttribute("class") || "text";
      return {kind, text: t.textContent.trim(), x0: r.left, y0: r.top, x1: r.right, y1: r.bottom};
    })
    .filter(t => t.x1 > t.x0 && t.y1 > t.y0);
  return {box: {x0: box.left, y0: box.top, x1: box.right, y1: box.bottom},
          width: window.innerWidth, height: window.innerHeight, texts};
}"""


def _cut(geometry: dict, slack: float = 1.0) -> list[str]:
    box, problems = geometry["box"], []
    if box["y1"] > geometry["height"] + slack or box["x1"] > geometry["width"] + slack:
        problems.append(f"the chart ({box}) runs past the window {geometry['width']}x{geometry['height']}")
    for t in geometry["texts"]:
        if (
            t["x0"] < box["x0"] - slack
            or t["y0"] < box["y0"] - slack
            or t["x1"] > box["x1"] + slack
            or t["y1"] > box["y1"] + slack
        ):
            problems.append(f"{t['kind']} {t['text'][:60]!r} is cut at the chart's edge")
        elif t["y1"] > geometry["height"] + slack or t["x1"] > geometry["width"] + slack:
            problems.append(f"{t['kind']} {t['text'][:60]!r} is off the screen")
    return problems


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_chart_of_the_presentation_view_fits_each_screen(dashboard: Dashboard, size):
    width, height = size
    page = dashboard.page
    page.set_viewport_size({"width": width, "height": height})
    dashboard.open("", "present=1&chart=1")
    counter = page.get_by_text(re.compile(r"^Chart 1 of \d+$"))
    total = int(counter.text_content().rsplit(" ", 1)[1])
    assert total >= 10, f"only {total} charts presented"
    out = SCREENSHOTS / "present" / f"{width}x{height}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    problems = []
    for n in range(1, total + 1):
        if n > 1:
            dashboard.rerun_by(lambda: page.keyboard.press("ArrowRight"))
            assert f"chart={n}" in page.url
        dashboard.wait_for_charts()
        page.wait_for_timeout(200)  # Plotly's relayout to the box's size
        geometry = page.evaluate(_CHART_GEOMETRY)
        assert geometry is not None, f"chart {n}: nothing drawn"
        title = next((t["text"] for t in geometry["texts"] if "gtitle" in t["kind"]), f"chart {n}")
        problems += [f"chart {n} ({title[:50]}): {p}" for p in _cut(geometry)]
        page.screenshot(path=str(out / f"chart-{n:02d}.png"))
    assert not dashboard.exceptions()
    assert not problems, "\n".join(problems)


def _pdf_pages(data: bytes):
    """Each printed page: its size, its text, and each character's box and font size (points)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(data)
    pages = []
    try:
        for page in pdf:
            w, h = page.get_size()
            text = page.get_textpage()
            chars = []
            for k in range(text.count_chars()):
                c = text.get_text_range(k, 1)
                if c.strip():
                    chars.append((c, text.get_charbox(k), pdfium_c.FPDFText_GetFontSize(text.raw, k)))
            pages.append({"size": (w, h), "text": text.get_text_range(), "chars": chars, "page": page})
    except Exception:
        pdf.close()
        raise
    return pdf, pages


def _words(text: str) -> str:
    """Text without its spaces and line breaks (a cell's words wrap where the printed column ends)."""
    return re.sub(r"\s+", "", text)


# Each print copy of a table: its header and every row's first and last cells, as the page has them.
_PRINT_TABLES = """() => [...document.querySelectorAll("table.print-table")].map(t => ({
  header: [...t.querySelectorAll("thead th")].map(th => th.textContent.trim()),
  rows: [...t.querySelectorAll("tbody tr")].map(tr => [...tr.querySelectorAll("td")].map(td => td.textContent.trim())),
}))"""
# Each data grid's row count as the page states it under the grid's caption ("99 organizations to follow up").


@pytest.mark.parametrize(
    "app_page", [p for p in PAGES if p.name != "upload" and not is_placeholder(p)], ids=lambda p: p.name
)
def test_each_page_prints_every_row_within_the_paper_in_type_of_8_pt_or_more(dashboard: Dashboard, app_page):
    page = dashboard.page
    page.set_viewport_size({"width": 1280, "height": 900})
    dashboard.open(app_page)
    dashboard.wait_for_charts()
    page.wait_for_timeout(600)  # the charts' print copies are drawn a moment after the charts
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    page.wait_for_timeout(300)
    tables = page.evaluate(_PRINT_TABLES)
    data = page.pdf(format="Letter", print_background=True)
    pdf, pages = _pdf_pages(data)
    out = SCREENSHOTS / "print" / app_page.name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    try:
        for i, p in enumerate(pages, start=1):
            p["page"].render(scale=1.5).to_pil().save(out / f"page-{i}.png")
    finally:
        pdf.close()
    printed = _words(" ".join(p["text"] for p in pages))
    problems = []
    for n, p in enumerate(pages, start=1):
        w, h = p["size"]
        assert (round(w), round(h)) == LETTER, f"page {n} is {w}x{h} pt, not Letter"
        off = [(c, box) for c, box, _ in p["chars"] if box[2] > w + 0.5 or box[0] < -0.5]
        if off:
            where = ", ".join(f"{c!r} at x {box[0]:.0f}-{box[2]:.0f}" for c, box in off[:5])
            problems.append(f"page {n}: {len(off)} characters past the paper's edge ({where})")
        small = sorted({round(size, 1) for _, _, size in p["chars"] if 0 < size < SMALLEST_PT - 0.05})
        if small:
            sample = "".join(c for c, _, size in p["chars"] if 0 < size < SMALLEST_PT - 0.05)[:60]
            problems.append(f"page {n}: text at {small} pt ({sample!r})")
    for t, table in enumerate(tables, start=1):
        for column in table["header"]:
            if column and _words(column) not in printed:
                problems.append(f"table {t}: column {column!r} not printed")
        for r, row in enumerate(table["rows"], start=1):
            first = next((cell for cell in row if cell), "")
            if first and _words(first) not in printed:
                problems.append(f"table {t}: row {r} ({first[:40]!r}) not printed")
    assert not problems, "\n".join(problems[:30])
    assert pages and all(p["text"].strip() for p in pages), "a blank page"


# Each card's badge and its figure's change: whether the words are all drawn (no "…" where they were cut).
_CUT_WORDS = """() => [...document.querySelectorAll(
    ".stMarkdownBadge, [data-testid='stMetricDelta'] [data-testid='stMarkdownContainer']")]
  .map(e => ({text: e.textContent.trim(), cut: e.scrollWidth > e.clientWidth + 1
              || e.getBoundingClientRect().right > e.closest("[data-testid='stVerticalBlock']")
                   .getBoundingClientRect().right + 1}))"""


@pytest.mark.parametrize("media", ["screen", "print"])
def test_the_overview_cards_say_their_whole_verdict_and_change(dashboard: Dashboard, media):
    """ "Behind the target path" and "+4.5 points since 2019-20", not "Behind the targe…" in a narrow card."""
    page = dashboard.page
    page.set_viewport_size({"width": 1280, "height": 900})
    dashboard.open()
    page.emulate_media(media=media)
    if media == "print":
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        page.set_viewport_size({"width": 720, "height": 900})  # the paper's width (Letter, half-inch margins)
    page.wait_for_timeout(300)
    words = page.evaluate(_CUT_WORDS)
    assert len(words) >= 4, words  # the superintendents' change and the cards' verdicts
    assert [w["text"] for w in words if w["cut"]] == []
