"""The PowerPoint deck, opened again with python-pptx: every chart slide holds a native chart (not a picture)
of the page's type, its series carry the page's figures (read from the section's data, not the figure), the
slide's title placeholder holds the finding, and notes and alt text are there. Sample data is called out on
exactly the slides that show it."""

from __future__ import annotations

import io
import math
import time

import pandas as pd
import pytest
from builders import TESTS, add, enrollment, new_warehouse, staffing
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from analytics import export
from analytics.figure_data import plain
from analytics.goals import load_goals
from analytics.metrics import Filters, counted_years
from analytics.store import rollback_upload

GOALS = load_goals()

# The chart groups each page chart becomes (PowerPoint's plot types, back to front).
PLOTS = {
    "superintendents-target-path": ["AREA_STACKED", "LINE_MARKERS"],
    "representation-gap": ["LINE_MARKERS"],
    "superintendents-by-region": ["BAR_CLUSTERED"],
    "superintendents-by-type": ["BAR_CLUSTERED"],
    "influence-100-fellows": ["COLUMN_CLUSTERED", "LINE_MARKERS"],
    "fellows-outcomes": ["BAR_CLUSTERED"],
    "districts-per-year": ["COLUMN_STACKED", "LINE_MARKERS"],
    "districts-cumulative": ["LINE_MARKERS"],
    "workforce-of-color": ["LINE_MARKERS"],
    "teacher-student-parity": ["LINE_MARKERS"],
}


def _deck(con, keys=export.CHART_KEYS, filters: Filters | None = None):
    return Presentation(io.BytesIO(export.build_deck(con, GOALS, filters or Filters(), tuple(keys))))


def _chart(slide):
    charts = [s for s in slide.shapes if s.has_chart]
    assert len(charts) == 1, [s.name for s in slide.shapes]
    return charts[0]


def _plot_types(chart) -> list[str]:
    types = []
    for plot in chart.plots:
        tag = plot._element.tag.split("}")[1]
        grouping = plot._element.find("{*}grouping")
        grouping = grouping.get("val") if grouping is not None else "standard"
        if tag == "barChart":
            across = plot._element.find("{*}barDir").get("val") == "bar"
            types.append(("BAR_" if across else "COLUMN_") + grouping.upper())
        elif tag == "areaChart":
            types.append("AREA_" + grouping.upper())
        else:
            types.append("LINE_MARKERS")
    return types


def _series(chart) -> dict[str, list[float | None]]:
    out: dict[str, list[float | None]] = {}
    for plot in chart.plots:
        for s in plot.series:
            out.setdefault(s.name, list(s.values))
    return out


def _alt_text(shape) -> str:
    return shape._element.xpath("./*[1]/p:cNvPr")[0].get("descr") or ""


def _texts(slide) -> str:
    return " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def _close(got: list, want: list) -> bool:
    return len(got) == len(want) and all(
        (g is None and (w is None or (isinstance(w, float) and math.isnan(w))))
        or (g is not None and w is not None and abs(g - w) < 1e-9)
        for g, w in zip(got, want, strict=True)
    )


def _on_years(frame: pd.DataFrame, categories: list[str], column: str) -> list[float | None]:
    by_year = dict(zip(frame["school_year"], frame[column], strict=True))
    return [None if pd.isna(by_year.get(c, math.nan)) else float(by_year[c]) for c in categories]


def test_every_chart_slide_is_a_native_chart_with_title_notes_and_alt_text(sample_con):
    deck = _deck(sample_con)
    slides = list(deck.slides)
    assert len(slides) == 2 + len(export.CHART_KEYS)
    for key, slide in zip(export.CHART_KEYS, slides[1:-1], strict=True):
        section = export.chart_section(sample_con, GOALS, Filters(), key)
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        if export.slide_content(key, section).data is None:  # a map: a picture, said why in figure_data
            assert key not in PLOTS and len(pictures) == 1 and _alt_text(pictures[0]), key
            frame = pictures[0]
        else:
            assert not pictures, key
            frame = _chart(slide)
        if key in PLOTS:
            assert _plot_types(frame.chart) == PLOTS[key], key
        elif frame.shape_type != MSO_SHAPE_TYPE.PICTURE:  # charts added since: native, of some type
            assert _plot_types(frame.chart), key
        finding = plain(section.figure.layout.title.text)
        assert slide.shapes.title.text_frame.text == finding, key
        assert slide.shapes.title.is_placeholder
        assert frame.top + frame.height <= export.SLIDE_HEIGHT
        assert _alt_text(frame).startswith(finding.rstrip(".")), key
        notes = slide.notes_slide.notes_text_frame.text
        assert notes.strip() and "Definitions:" in notes, key
        if section.caption:
            assert section.caption in notes, key
        assert "data as of" in _texts(slide) and "Source:" in _texts(slide), key
        assert "Sample data" in _texts(slide), key  # everything here is sample data


def test_series_hold_the_pages_figures(sample_con):
    deck = _deck(sample_con)
    charts = {
        key: _chart(slide).chart
        for key, slide in zip(export.CHART_KEYS, list(deck.slides)[1:-1], strict=True)
        if key in PLOTS
    }

    def data(key):
        return export.chart_section(sample_con, GOALS, Filters(), key).data

    # Superintendents: the observed line on complete, shown years; the target path as its own dashed series.
    chart = charts["superintendents-target-path"]
    years = list(chart.plots[0].categories)
    supers = counted_years(data("superintendents-target-path"))
    series = _series(chart)
    assert _close(series["Superintendents of color"], _on_years(supers, years, "share"))
    target = next(s for p in chart.plots for s in p.series if s.name.startswith("Target path"))
    assert target.format.line.dash_style is not None
    goal = GOALS.superintendents
    assert series[target.name][years.index(goal.baseline_year)] == pytest.approx(goal.baseline_share)
    assert series[target.name][years.index(goal.target_year)] == pytest.approx(goal.target_share)

    # Representation gap and workforce: one line per group, the complete, shown years.
    context = counted_years(data("representation-gap"))
    chart = charts["representation-gap"]
    years = list(chart.plots[0].categories)
    for group in ("Students", "Teachers", "Superintendents"):
        part = context[context["group"] == group]
        assert _close(_series(chart)[f"{group} of color"], _on_years(part, years, "share")), group
    shares = counted_years(data("workforce-of-color"))
    chart = charts["workforce-of-color"]
    for group in shares["group"].unique():
        name = group if group == "Students" else f"{group}s"
        part = shares[shares["group"] == group]
        assert _close(_series(chart)[name], _on_years(part, list(chart.plots[0].categories), "share")), group

    # Fellows: cohort sizes as bars, the running total as a line.
    cohorts = data("influence-100-fellows")
    series = _series(charts["influence-100-fellows"])
    assert series["Fellows in the cohort"] == [float(v) for v in cohorts["fellows"]]
    assert series["Fellows so far"] == [float(v) for v in cohorts["cumulative"]]
    assert series["Goal: 100 by cohort 4"] == [100.0] * len(cohorts)
    funnel = data("fellows-outcomes")
    assert next(iter(_series(charts["fellows-outcomes"]).values())) == [
        None if pd.isna(v) else float(v) for v in funnel["fellows"]
    ]

    # Districts: continuing and new stacked, capacity building as a line, the running totals.
    part = data("districts-per-year")
    series = _series(charts["districts-per-year"])
    for name, column in (
        ("Continuing", "continuing"),
        ("New this year", "new"),
        ("In capacity building", "capacity_building"),
    ):
        assert series[name] == [float(v) for v in part[column]], name
    assert series["Total"] == [float(v) for v in part["participating"]]
    chart = charts["districts-cumulative"]
    years = list(chart.plots[0].categories)
    assert _close(
        _series(chart)["Have taken part"],
        _on_years(data("districts-cumulative"), years, "cumulative_participating"),
    )

    # Parity: one figure a complete year.
    both = data("teacher-student-parity")
    per_year = both[both["complete"].astype(bool)].drop_duplicates("school_year")
    chart = charts["teacher-student-parity"]
    assert _close(_series(chart)["Parity"], _on_years(per_year, list(chart.plots[0].categories), "parity"))

    # By region: the latest complete year; a hidden region has no figure (never 0) and says so.
    frame = data("superintendents-by-region")
    chart = charts["superintendents-by-region"]
    year = frame[frame["school_year"] == frame.loc[~frame["suppressed"].astype(bool), "school_year"].max()]
    values = next(iter(_series(chart).values()))
    categories = list(chart.plots[0].categories)
    for (region, share, hidden), value, category in zip(
        year.sort_values("region")[["region", "share", "suppressed"]].itertuples(index=False),
        values,
        categories,
        strict=True,
    ):
        assert category.startswith(region)
        if hidden:
            assert value is None and category.endswith("hidden (small numbers)")
        else:
            assert value == pytest.approx(share)


def test_the_edit_data_workbook_holds_the_series(sample_con):
    from openpyxl import load_workbook

    chart = _chart(list(_deck(sample_con, ["influence-100-fellows"]).slides)[1]).chart
    sheet = load_workbook(io.BytesIO(chart.part.chart_workbook.xlsx_part.blob)).active
    header = [c.value for c in sheet[1]]
    assert "Fellows in the cohort" in header and "Fellows so far" in header


def _real_teachers_and_students(con) -> None:
    for year in ("2021-22", "2022-23", "2023-24"):
        add(con, "staffing", staffing(year, "00350000", "Teacher", White=300, Black=100, Hispanic=60))
        add(con, "enrollment", enrollment(year, "00350000", White=3000, Black=4000, Hispanic=5000))


def test_real_data_says_nothing_of_sample_data(tmp_path):
    con = new_warehouse(tmp_path / "real.duckdb")
    _real_teachers_and_students(con)
    deck = _deck(con, ["workforce-of-color", "representation-gap"])
    for slide in deck.slides:
        assert "sample" not in _texts(slide).lower()
        assert (
            "sample" not in slide.notes_slide.notes_text_frame.text.lower() if slide.has_notes_slide else True
        )
    assert all(s.has_chart for s in list(deck.slides)[1].shapes if s.name == "Chart")


def test_sample_warning_only_on_the_slides_that_show_sample_data(sample_con):
    """Real staffing and enrollment loaded, the sample's rolled back; the Fellows list still sample."""
    for (upload_id,) in sample_con.execute(
        "SELECT upload_id FROM uploads WHERE is_sample AND kind IN ('staffing', 'enrollment') AND status = 'active'"
    ).fetchall():
        rollback_upload(sample_con, upload_id, actor=TESTS)
    _real_teachers_and_students(sample_con)
    deck = _deck(sample_con, ["workforce-of-color", "influence-100-fellows"])
    title, workforce, fellows, _ = deck.slides
    assert "Sample data" not in _texts(workforce) and "Sample data" in _texts(fellows)
    assert "Sample data" in _texts(title)  # one slide of it shows sample data
    only_real = _deck(sample_con, ["workforce-of-color"])
    assert "sample" not in " ".join(_texts(s) for s in only_real.slides).lower()


def test_a_chart_that_cannot_be_native_is_a_picture_with_alt_text(sample_con, monkeypatch):
    """A histogram (parity by organization) has no category-chart counterpart: the page's figure as a
    picture, its alt text the finding."""
    from analytics import sections

    monkeypatch.setattr(export, "figure_png", lambda figure, **kw: _tiny_png())
    section = sections.parity(sample_con, Filters())[1]
    content = export.slide_content("parity-by-organization", section)
    assert content.data is None and "histogram" in content.not_native_because
    deck = Presentation()
    export._chart_slide(deck, deck.slide_layouts[5], content, pd.Timestamp("2026-11-28").date())
    slide = deck.slides[0]
    picture = next(s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
    assert _alt_text(picture).startswith(plain(section.figure.layout.title.text).rstrip("."))


def _tiny_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 9), "white").save(out, format="PNG")
    return out.getvalue()


def test_the_deck_needs_no_browser_and_is_quick(sample_con, monkeypatch):
    def no_browser(*args, **kwargs):
        raise AssertionError("the deck started Kaleido")

    monkeypatch.setattr(export, "figure_png", no_browser)
    start = time.perf_counter()
    deck = _deck(sample_con, PLOTS)
    assert time.perf_counter() - start < 10
    assert len(deck.slides) == 2 + len(PLOTS)
