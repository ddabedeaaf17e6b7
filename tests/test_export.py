"""Exports: a PowerPoint deck of the chosen charts, PNGs at slide size, and the numbers as CSV.
(PNG rendering uses Kaleido with the system Chromium, as in production.)"""

import io
import math
import re
import struct

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from analytics import export
from analytics.goals import load_goals
from analytics.metrics import Filters
from analytics.warehouse import connect

GOALS = load_goals()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_chart_png_is_slide_sized(sample_con):
    assert png_size(export.chart_png(sample_con, GOALS, Filters(), "superintendents-target-path")) == (
        2400,
        1350,
    )


def test_an_image_keeps_the_renderers_page_and_is_the_same_whatever_was_drawn_before(sample_con, monkeypatch):
    """Kaleido reloads its page after every image unless told not to (0.3 s an image): the export keeps the
    page (export._keep_the_page_between_images). Each image is a new plot of its own, so a chart's PNG is
    the same byte for byte after a map and after a line chart; and no image reloads the page (a Kaleido
    other than the pinned one, where the change does not take, fails here)."""
    from kaleido._kaleido_tab._tab import _KaleidoTab

    reloads = []
    reload = _KaleidoTab.reload

    async def counted(self):
        reloads.append(self)
        return await reload(self)

    monkeypatch.setattr(_KaleidoTab, "reload", counted)

    def png(key: str) -> bytes:
        return export.chart_png(sample_con, GOALS, Filters(), key)

    line, bars, map_ = "superintendents-target-path", "workforce-of-color", "equity-leaders-map"
    drawn = [(key, png(key)) for key in (line, map_, bars, line, bars, map_)]
    assert reloads == []
    by_chart: dict[str, set[bytes]] = {}
    for key, image in drawn:
        assert png_size(image) == (2400, 1350), key
        by_chart.setdefault(key, set()).add(image)
    assert {key: len(images) for key, images in by_chart.items()} == {line: 1, map_: 1, bars: 1}
    assert len({next(iter(images)) for images in by_chart.values()}) == 3  # three different images


def test_deck_has_a_title_a_slide_per_chart_and_sources(sample_con):
    keys = ("superintendents-target-path", "influence-100-fellows")
    deck = Presentation(io.BytesIO(export.build_deck(sample_con, GOALS, Filters(), keys)))
    slides = list(deck.slides)
    assert len(slides) == 2 + len(keys)
    assert (deck.slide_width, deck.slide_height) == (export.SLIDE_WIDTH, export.SLIDE_HEIGHT)
    title_text = " ".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    assert "are we on track?" in title_text and "Sample data" in title_text
    for slide in slides[1:-1]:
        charts = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.CHART]
        assert len(charts) == 1 and charts[0].top + charts[0].height <= export.SLIDE_HEIGHT
        footer = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert "Sample data" in footer and "Statewide" in footer
    assert "2 more superintendents of color" in slides[1].notes_slide.notes_text_frame.text
    assert "Definitions and sources" in slides[-1].shapes[0].text_frame.text


def test_chart_csv_holds_the_numbers(sample_con):
    text = export.chart_csv(sample_con, GOALS, Filters(), "influence-100-fellows").decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    # Every row says which view it is about (a CSV travels without its file name).
    assert header.startswith("view,cohort,start_year,fellows") and first.startswith("Statewide,1,2019-20,26")


def test_unknown_chart_is_named_in_the_error(sample_con):
    with pytest.raises(KeyError, match="No chart called 'pie'"):
        export.chart_section(sample_con, GOALS, Filters(), "pie")


def test_export_page_offers_the_deck_png_and_csv(sample_db, open_app):
    at = open_app(sample_db, "export")
    con = connect(sample_db, read_only=True)
    try:
        plan = export.deck_plan(con, GOALS, Filters())
    finally:
        con.close()
    kept = len(plan.keys)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        f"Download the deck ({kept} chart slides)",
        f"Download all {kept} charts as PNG (one zip)",
        "Download PNG (2400 × 1350)",
        "Download the numbers (CSV)",
    ]
    assert len(at.get("plotly_chart")) == 1  # the preview
    # What the default deck leaves out, and why, is said beside it; each can be added back.
    said = " ".join(m.value for m in at.markdown)
    assert plan.left_out and all(o.label in said.replace("\\", "") for o in plan.left_out), said
    assert "Add one above" in said


def test_a_one_district_roster_for_a_later_year_is_not_the_decks_headline(sample_con):
    from builders import add, staffing

    add(
        sample_con,
        "staffing",
        staffing("2025-26", "00350000", "Superintendent", Black=1)
        + staffing("2025-26", "00350000", "Teacher", White=300, Black=100),
    )
    keys = ("superintendents-target-path",)
    deck = Presentation(io.BytesIO(export.build_deck(sample_con, GOALS, Filters(), keys)))
    notes = list(deck.slides)[1].notes_slide.notes_text_frame.text
    assert "put 2024-25 on the target path" in notes
    assert "2025-26 is partial so far (1 of 322 organizations reported)" in notes
    section = export.chart_section(sample_con, GOALS, Filters(), "superintendents-target-path")
    assert section.figure.layout.title.text.startswith("Superintendents of color: 8.6% in 2024-25")
    # The CSV carries the new year, suppressed (one superintendent), and nothing else on that row.
    rows = export.chart_csv(sample_con, GOALS, Filters(), "superintendents-target-path").decode("utf-8-sig")
    assert rows.splitlines()[-1] == "Statewide,2025-26,,,,True,,,,,,"
    # The one district's teachers are no statewide figure: the chart shows the year's coverage, no value.
    gap = export.chart_section(sample_con, GOALS, Filters(), "representation-gap").figure
    notes = [a for a in gap.layout.annotations if a.name == "partial year"]
    assert [a.x for a in notes] == ["2025-26"]
    assert re.search(r"Partial year:<br>1 of \d{3} organizations reported", notes[0].text), notes[0].text
    for trace in gap.data:
        if trace.x is not None and "2025-26" in list(trace.x):
            assert math.isnan(trace.y[list(trace.x).index("2025-26")]), trace.name


def test_every_exported_chart_is_named_as_its_page_names_it(sample_con):
    """One name per chart: the Export page's file name is the name its section carries, which is what the
    page's camera button saves it as."""
    for chart in export.CHARTS:
        assert export.chart_section(sample_con, GOALS, Filters(), chart.key).name == chart.key
