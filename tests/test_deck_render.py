"""The deck as a presenter sees it: rendered by LibreOffice Impress to PDF, read back with pdfium. Every slide
is there (the title, one per chart the deck plan keeps, definitions and sources), no text runs off its slide,
no two pieces of text are drawn over each other, and no chart slide is empty. The sample deck's pages are kept
as PNGs in screenshots/deck/ (CI keeps screenshots/ as artifacts) for a person to look at.

LibreOffice comes from Debian's packages (`libreoffice-impress`; .ci/run installs it). Without it these tests
skip, except where REQUIRE_LIBREOFFICE=1 (CI sets it): then its absence is a failure.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from builders import ROOT_DIR
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Inches

from analytics import export
from analytics.goals import load_goals
from analytics.metrics import Filters

GOALS = load_goals()
SHOTS = ROOT_DIR / "screenshots" / "deck"


@pytest.fixture(scope="module")
def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    message = "LibreOffice (soffice) is not installed: apt-get install -y libreoffice-impress."
    if os.environ.get("REQUIRE_LIBREOFFICE"):
        pytest.fail(message + " REQUIRE_LIBREOFFICE is set, so this is a failure.", pytrace=False)
    pytest.skip(message + " Skipped because REQUIRE_LIBREOFFICE is not set (CI sets it).")


def to_pdf(soffice: str, deck: bytes, work: Path) -> Path:
    """The deck as LibreOffice Impress prints it, in a profile of its own (never a running instance's)."""
    work.mkdir(parents=True, exist_ok=True)
    source = work / "deck.pptx"
    source.write_bytes(deck)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return work / "deck.pdf"


@dataclass(frozen=True)
class Glyph:
    char: str
    index: int  # its place in the page's text (neighbours in one word may touch)
    box: tuple[float, float, float, float]  # left, bottom, right, top in points


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    text: str
    glyphs: list[Glyph]


def read_pdf(path: Path) -> list[Page]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    pages = []
    try:
        for page in pdf:
            width, height = page.get_size()
            text = page.get_textpage()
            glyphs = [
                Glyph(c, k, text.get_charbox(k))
                for k in range(text.count_chars())
                if (c := text.get_text_range(k, 1)).strip()
            ]
            pages.append(Page(width, height, text.get_text_range(), glyphs))
    finally:
        pdf.close()
    return pages


def off_the_slide(page: Page) -> list[str]:
    return [
        f"{g.char!r} at {tuple(round(v) for v in g.box)}"
        for g in page.glyphs
        if g.box[0] < -0.5 or g.box[1] < -0.5 or g.box[2] > page.width + 0.5 or g.box[3] > page.height + 0.5
    ]


def overprinted(page: Page, slack: float = 1.0) -> list[str]:
    """Glyphs of different words drawn over each other (more than `slack` points both ways)."""
    found = []
    glyphs = sorted(page.glyphs, key=lambda g: g.box[0])
    for i, a in enumerate(glyphs):
        for b in glyphs[i + 1 :]:
            if b.box[0] >= a.box[2] - slack:
                break
            if abs(a.index - b.index) <= 1:
                continue
            across = min(a.box[2], b.box[2]) - max(a.box[0], b.box[0])
            up = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
            if across > slack and up > slack:
                found.append(f"{a.char!r} (text #{a.index}) and {b.char!r} (text #{b.index})")
    return found


def save_pngs(path: Path, folder: Path) -> int:
    import pypdfium2 as pdfium

    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("slide-*.png"):
        old.unlink()
    pdf = pdfium.PdfDocument(str(path))
    try:
        for n, page in enumerate(pdf, start=1):
            page.render(scale=1600 / page.get_size()[0] * 72 / 72).to_pil().save(
                folder / f"slide-{n:02d}.png"
            )
        return len(pdf)
    finally:
        pdf.close()


def chart_slides_drawn(deck: bytes) -> list[str]:
    """For each chart slide, what it draws: 'chart' (a native chart with at least one figure), 'picture', or
    'EMPTY'."""
    found = []
    for slide in list(Presentation(io.BytesIO(deck)).slides)[1:-1]:
        kinds = []
        for shape in slide.shapes:
            if shape.has_chart:
                values = [v for plot in shape.chart.plots for s in plot.series for v in s.values]
                kinds.append("chart" if any(v is not None for v in values) else "EMPTY")
            elif shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                kinds.append("picture")
        found.append(kinds[0] if len(kinds) == 1 else f"{len(kinds)} drawings")
    return found


@pytest.fixture(scope="module")
def sample_deck(sample_db_template, soffice, tmp_path_factory):
    from analytics.warehouse import connect

    con = connect(sample_db_template, read_only=True)
    try:
        plan = export.deck_plan(con, GOALS, Filters())
        deck = export.build_deck(con, GOALS, Filters())
    finally:
        con.close()
    pdf = to_pdf(soffice, deck, tmp_path_factory.mktemp("deck"))
    return plan, deck, pdf, read_pdf(pdf)


def test_the_sample_deck_renders_every_slide_within_its_bounds(sample_deck):
    plan, _, pdf, pages = sample_deck
    assert len(pages) == len(plan.keys) + 2, "a title slide, a slide per chart kept, definitions and sources"
    assert pages[0].width == pytest.approx(960, abs=1) and pages[0].height == pytest.approx(540, abs=1)
    assert "Workforce diversity goals" in pages[0].text and "Definitions and sources" in pages[-1].text
    problems = [
        f"slide {n}: {p} off the slide" for n, page in enumerate(pages, 1) for p in off_the_slide(page)
    ]
    problems += [f"slide {n}: {p} overprinted" for n, page in enumerate(pages, 1) for p in overprinted(page)]
    assert not problems, "\n".join(problems[:20])
    assert save_pngs(pdf, SHOTS) == len(pages)


def test_no_chart_slide_of_the_sample_deck_is_empty(sample_deck):
    plan, deck, _, pages = sample_deck
    drawn = chart_slides_drawn(deck)
    assert len(drawn) == len(plan.keys)
    assert set(drawn) <= {"chart", "picture"}, dict(zip(plan.keys, drawn, strict=True))
    for key, page in zip(plan.keys, pages[1:-1], strict=True):
        assert len(page.glyphs) > 150, f"{key}: its slide shows only {len(page.glyphs)} characters"


def test_a_small_regions_deck_renders_without_an_empty_slide(sample_db_template, soffice, tmp_path):
    """Berkshires: most breakdowns hide most of their groups; the deck leaves those charts out."""
    from analytics.warehouse import connect

    con = connect(sample_db_template, read_only=True)
    try:
        view = Filters(regions=("Berkshires",))
        plan = export.deck_plan(con, GOALS, view)
        deck = export.build_deck(con, GOALS, view)
    finally:
        con.close()
    pages = read_pdf(to_pdf(soffice, deck, tmp_path))
    assert len(pages) == len(plan.keys) + 2
    assert set(chart_slides_drawn(deck)) <= {"chart", "picture"}
    problems = [
        f"slide {n}: {p}" for n, page in enumerate(pages, 1) for p in off_the_slide(page) + overprinted(page)
    ]
    assert not problems, "\n".join(problems[:20])


def test_the_render_check_finds_text_drawn_over_text_and_off_the_slide(sample_deck, soffice, tmp_path):
    """The source line moved up onto the title, and the footer moved past the slide's right edge: the
    rendered PDF shows both, and the checks name them."""
    deck = sample_deck[1]
    moved = Presentation(io.BytesIO(deck))
    slide = moved.slides[1]
    source = next(s for s in slide.shapes if s.name == "Source")
    footer = next(s for s in slide.shapes if s.name == "Footer")
    source.top = slide.shapes.title.top
    footer.left = moved.slide_width - Inches(1.0)
    out = io.BytesIO()
    moved.save(out)
    bad = read_pdf(to_pdf(soffice, out.getvalue(), tmp_path))[1]
    assert overprinted(bad), "text over text not found"
    assert off_the_slide(bad), "text off the slide not found"
