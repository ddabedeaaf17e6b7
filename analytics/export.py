"""Slide-ready exports: each chart as a PNG, a PowerPoint deck of the chosen charts, the data as CSV.

Charts are the same figures the pages show (analytics.sections), rendered by Kaleido with the system
Chromium. The renderer is started once per process; later images take a fraction of a second.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd
import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from analytics import sections
from analytics.goals import Goals
from analytics.metrics import Filters
from analytics.privacy import blank_hidden
from analytics.text import spreadsheet_safe
from analytics.warehouse import has_sample_data

SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_SCALE = 1200, 675, 2  # 2400 x 1350 px: crisp on a projector
DARK, MUTED, WARN = RGBColor(0x1B, 0x26, 0x31), RGBColor(0x4A, 0x55, 0x60), RGBColor(0xB0, 0x3A, 0x00)

_renderer_lock = threading.Lock()
_renderer_started = False


@dataclass(frozen=True)
class ExportChart:
    """A chart that can be exported: its key (file name), label, and how to build it."""

    key: str
    label: str
    build: Callable[[duckdb.DuckDBPyConnection, Goals, Filters], sections.Section]


def _first(pair):
    return pair[0]


CHARTS: tuple[ExportChart, ...] = (
    ExportChart(
        "superintendents-target-path",
        "Superintendents of color against the target path",
        lambda con, g, f: _first(sections.superintendent_trend(con, g, f)),
    ),
    ExportChart(
        "representation-gap",
        "Superintendents, teachers and students of color",
        lambda con, g, f: sections.representation_gap(con, g, f),
    ),
    ExportChart(
        "superintendents-by-region",
        "Superintendents of color by region",
        lambda con, g, f: sections.superintendents_by_group(con, g, f, "region"),
    ),
    ExportChart(
        "superintendents-by-type",
        "Superintendents of color by type of organization",
        lambda con, g, f: sections.superintendents_by_group(con, g, f, "org_type"),
    ),
    ExportChart(
        "influence-100-fellows",
        "Influence 100 Fellows against the goal of 100",
        lambda con, g, f: sections.fellows_progress(con, g, f),
    ),
    ExportChart(
        "fellows-outcomes",
        "From Fellowship to the superintendent's office",
        lambda con, g, f: sections.fellows_outcomes(con, f)[1],
    ),
    ExportChart(
        "districts-per-year",
        "Organizations taking part each year",
        lambda con, g, f: sections.districts_per_year(con, g, f),
    ),
    ExportChart(
        "districts-cumulative",
        "Organizations taking part against 100",
        lambda con, g, f: sections.districts_cumulative(con, g, f),
    ),
    ExportChart(
        "workforce-of-color",
        "Educators of color by role, beside students",
        lambda con, g, f: sections.workforce_trend(con, f),
    ),
    ExportChart(
        "teacher-student-parity",
        "Parity of teachers and students of color",
        lambda con, g, f: sections.parity(con, f)[0],
    ),
)
CHART_KEYS: tuple[str, ...] = tuple(c.key for c in CHARTS)
_BY_KEY = {c.key: c for c in CHARTS}


def _ensure_renderer() -> None:
    """Start Kaleido's browser once per process (the first export pays ~3 s; later ones ~0.3 s)."""
    global _renderer_started
    if not _renderer_started:
        import kaleido

        kaleido.start_sync_server(silence_warnings=True)
        _renderer_started = True


def figure_png(
    figure: go.Figure, *, width: int = IMAGE_WIDTH, height: int = IMAGE_HEIGHT, scale: int = IMAGE_SCALE
) -> bytes:
    """The chart as a PNG (16:9 at 2x by default), titles and legends as on the page."""
    import kaleido

    slide = go.Figure(figure)
    slide.update_layout(width=width, height=height)
    with _renderer_lock:
        _ensure_renderer()
        return kaleido.calc_fig_sync(
            slide, opts={"format": "png", "width": width, "height": height, "scale": scale}
        )


def chart_section(
    con: duckdb.DuckDBPyConnection, goals: Goals, filters: Filters, key: str
) -> sections.Section:
    """Build one exportable chart by key."""
    if key not in _BY_KEY:
        raise KeyError(f"No chart called {key!r}; choose from {', '.join(CHART_KEYS)}")
    return _BY_KEY[key].build(con, goals, filters)


def chart_png(con: duckdb.DuckDBPyConnection, goals: Goals, filters: Filters, key: str) -> bytes:
    """One chart as a slide-ready PNG."""
    return figure_png(chart_section(con, goals, filters, key).figure)


# Columns that name a row rather than give a figure: the only ones a suppressed row keeps in a CSV.
KEY_COLUMNS = (
    "school_year",
    "group",
    "region",
    "org_type",
    "population",
    "race",
    "cohort",
    "start_year",
    "step",
    "role_at_entry",
    "org_code",
    "name",
)


def chart_data(con: duckdb.DuckDBPyConnection, goals: Goals, filters: Filters, key: str) -> pd.DataFrame:
    """The figures behind one chart as its CSV gives them: a suppressed row keeps only its keys (school
    year, group) and `suppressed`; every other column, coverage included, is empty on it."""
    data = chart_section(con, goals, filters, key).data
    # Figures to 6 decimals: 0.1 not 0.10000000000000142 (FTE come to a tenth, shares to 4 decimals matter).
    floats = [c for c in data.columns if pd.api.types.is_float_dtype(data[c])]
    data = data.assign(**{c: data[c].round(6) for c in floats})
    if "suppressed" not in data:
        return data
    return blank_hidden(data, keep=[c for c in data.columns if c in KEY_COLUMNS])


def chart_csv(con: duckdb.DuckDBPyConnection, goals: Goals, filters: Filters, key: str) -> bytes:
    """The figures behind one chart, as CSV."""
    return frame_csv(chart_data(con, goals, filters, key))


def frame_csv(frame: pd.DataFrame) -> bytes:
    """A table as the CSV people download: UTF-8 with BOM, so Excel opens it cleanly, and no text cell that
    a spreadsheet would run as a formula (names come from uploads; see analytics/text.py)."""
    return spreadsheet_safe(frame).to_csv(index=False).encode("utf-8-sig")


def _text(slide, text: str, left, top, width, height, *, size: int, color=DARK, bold: bool = False) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    para = frame.paragraphs[0]
    para.text = text
    para.font.size, para.font.bold, para.font.color.rgb, para.font.name = Pt(size), bold, color, "Arial"


def build_deck(
    con: duckdb.DuckDBPyConnection,
    goals: Goals,
    filters: Filters,
    keys: tuple[str, ...] = CHART_KEYS,
    *,
    today: date | None = None,
) -> bytes:
    """A 16:9 PowerPoint deck: a title slide, one slide per chosen chart (with the figures' caption as
    speaker notes), and a slide of definitions and sources."""
    today = today or date.today()
    sample = has_sample_data(con)
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    blank = deck.slide_layouts[6]
    footer = f"Massachusetts DESE · Influence 100 · {filters.describe()} · prepared {today:%B %-d, %Y}"
    if sample:
        footer += " · SAMPLE DATA (synthetic)"

    title = deck.slides.add_slide(blank)
    _text(
        title,
        "Workforce diversity goals: are we on track?",
        Inches(0.8),
        Inches(2.2),
        Inches(11.7),
        Inches(1.4),
        size=40,
        bold=True,
    )
    _text(
        title,
        f"Influence 100 · {filters.describe()} · prepared {today:%B %-d, %Y}",
        Inches(0.8),
        Inches(3.6),
        Inches(11.7),
        Inches(0.6),
        size=20,
        color=MUTED,
    )
    if sample:
        _text(
            title,
            "Sample data: the people and counts in this deck are synthetic, calibrated to DESE's published "
            "statewide figures. Do not present them as real.",
            Inches(0.8),
            Inches(4.5),
            Inches(11.7),
            Inches(1.0),
            size=18,
            color=WARN,
            bold=True,
        )

    for key in keys:
        section = chart_section(con, goals, filters, key)
        slide = deck.slides.add_slide(blank)
        image = io.BytesIO(figure_png(section.figure))
        height = SLIDE_HEIGHT - Inches(0.8)  # room for the footer
        width = Emu(int(height * IMAGE_WIDTH / IMAGE_HEIGHT))
        slide.shapes.add_picture(
            image, Emu((SLIDE_WIDTH - width) // 2), Inches(0.15), width=width, height=height
        )
        _text(
            slide,
            footer,
            Inches(0.4),
            SLIDE_HEIGHT - Inches(0.5),
            SLIDE_WIDTH - Inches(0.8),
            Inches(0.4),
            size=11,
            color=WARN if sample else MUTED,
        )
        if section.caption:
            slide.notes_slide.notes_text_frame.text = section.caption

    sources = deck.slides.add_slide(blank)
    _text(
        sources,
        "Definitions and sources",
        Inches(0.8),
        Inches(0.6),
        Inches(11.7),
        Inches(0.9),
        size=30,
        bold=True,
    )
    lines = [
        "People of color: every race/ethnicity category but White (DESE's seven categories).",
        "Share: FTE (staff) or headcount (students) of color ÷ all with a known race.",
        f"Superintendents of color: target {goals.superintendents.baseline_share:.0%} in "
        f"{goals.superintendents.baseline_year} → {goals.superintendents.target_share:.0%} in "
        f"{goals.superintendents.target_year}, a straight path between.",
        f"Fellows: {goals.fellows.goal} by cohort {goals.fellows.by_cohort}; districts: "
        f"{goals.districts.per_year_min}-{goals.districts.per_year_max} a year, {goals.districts.strategy_goal} with "
        f"a strategy by {goals.districts.strategy_target_year}.",
        "Groups of fewer than 6 people are not shown (DESE's educator-data rule).",
        "Sources: DESE staffing and enrollment (Profiles), Influence 100 program lists; published reference "
        "figures from DESE and the Rennie Center / Eos Power Gap report (2020).",
    ]
    _text(sources, "\n".join(lines), Inches(0.8), Inches(1.6), Inches(11.7), Inches(5.0), size=18)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def chart_labels() -> pd.DataFrame:
    """key, label of every exportable chart (for the Export page)."""
    return pd.DataFrame([(c.key, c.label) for c in CHARTS], columns=["key", "label"])
