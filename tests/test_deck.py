"""The PowerPoint deck, opened again with python-pptx: every chart slide holds a native chart (not a picture)
of the page's type, its series carry the page's figures (read from the section's data, not the figure), the
slide's title placeholder holds the finding, and notes and alt text are there. Sample data is called out on
exactly the slides that show it."""

from __future__ import annotations

import io
import math

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
    "influence-100-fellows": ["COLUMN_CLUSTERED", "LINE_MARKERS"],
    "fellows-outcomes": ["BAR_CLUSTERED"],
    "districts-per-year": ["AREA_STACKED", "COLUMN_STACKED", "LINE_MARKERS"],
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


def _named(series: dict[str, list], name: str) -> list:
    """A series by its name, which may carry its end label's figure on a slide ("Teachers of color
    (10.1%)": slides.slide_labels)."""
    found = [v for k, v in series.items() if k == name or k.startswith(f"{name} (")]
    assert len(found) == 1, (name, list(series))
    return found[0]


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


def _slides_by_key(con, deck, keys=export.CHART_KEYS, filters: Filters | None = None) -> dict:
    """Each chart slide by its chart's key: the chosen charts that have something to draw, in order."""
    plan = export.deck_plan(con, GOALS, filters or Filters(), tuple(keys))
    slides = list(deck.slides)
    assert len(slides) == 2 + len(plan.keys)
    return dict(zip(plan.keys, slides[1:-1], strict=True))


def test_every_chart_slide_is_a_native_chart_with_title_notes_and_alt_text(sample_con):
    deck = _deck(sample_con)
    for key, slide in _slides_by_key(sample_con, deck).items():
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
        key: _chart(slide).chart for key, slide in _slides_by_key(sample_con, deck).items() if key in PLOTS
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
        assert _close(_named(_series(chart), f"{group} of color"), _on_years(part, years, "share")), group
    shares = counted_years(data("workforce-of-color"))
    chart = charts["workforce-of-color"]
    for group in shares["group"].unique():
        name = group if group == "Students" else f"{group}s"
        part = shares[shares["group"] == group]
        assert _close(
            _named(_series(chart), name), _on_years(part, list(chart.plots[0].categories), "share")
        ), group

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
        _named(_series(chart), "Have taken part"),
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


def test_the_deck_needs_no_browser(sample_con, monkeypatch):
    """Native charts only: nothing is rendered by Kaleido's Chromium. (How long a deck takes is `make bench`'s
    to measure, its exports table: a time limit here failed on a loaded machine, 11 s against 10.)"""

    def no_browser(*args, **kwargs):
        raise AssertionError("the deck started Kaleido")

    monkeypatch.setattr(export, "figure_png", no_browser)
    deck = _deck(sample_con, PLOTS)
    assert len(deck.slides) == 2 + len(PLOTS)  # each has something to draw: a slide each


# --- what the default deck holds ---------------------------------------------------------------------------


def test_the_default_deck_leaves_out_charts_that_say_little_and_says_why(sample_con):
    """The sample shows 1 of 7 regions and 0 of 2 types of organization for superintendents: neither is a
    slide of the default deck, and the title slide's notes say which and why."""
    plan = export.deck_plan(sample_con, GOALS, Filters())
    left = {c.key: c for c in plan.left_out}
    assert set(left) == {"superintendents-by-region", "superintendents-by-type"}, plan.left_out
    assert left["superintendents-by-region"].why.startswith("only 1 of 7 regions can be shown in 2024-25")
    assert left["superintendents-by-type"].why.startswith(
        "none of the 2 types of organization can be shown in 2024-25"
    )
    assert (
        left["superintendents-by-type"].nothing_shown and not left["superintendents-by-region"].nothing_shown
    )
    deck = Presentation(io.BytesIO(export.build_deck(sample_con, GOALS, Filters())))
    assert len(deck.slides) == 2 + len(plan.keys) == 2 + len(export.CHART_KEYS) - 2
    titles = [s.shapes.title.text_frame.text for s in deck.slides]
    assert not any(t.startswith("Superintendents of color by") for t in titles), titles
    notes = deck.slides[0].notes_slide.notes_text_frame.text
    assert "Left out of this deck:" in notes
    assert "- Superintendents of color by region: only 1 of 7 regions can be shown in 2024-25" in notes


def test_a_chosen_chart_with_nothing_to_draw_is_no_slide(sample_con):
    """Chosen on the Export page, 1 of 7 regions is a slide (someone asked for it); 0 of 2 types never is
    (an empty slide)."""
    keys = ("superintendents-by-region", "superintendents-by-type")
    deck = _deck(sample_con, keys)
    assert len(deck.slides) == 3
    assert deck.slides[1].shapes.title.text_frame.text.startswith("Superintendents of color by region")


def test_a_small_region_deck_has_no_empty_slide(sample_con):
    """A small region: whatever the view leaves empty stays out; every chart slide draws a figure."""
    filters = Filters(regions=("Berkshires",))
    plan = export.deck_plan(sample_con, GOALS, filters)
    assert plan.left_out and plan.keys
    deck = Presentation(io.BytesIO(export.build_deck(sample_con, GOALS, filters)))
    assert len(deck.slides) == 2 + len(plan.keys)
    for slide in list(deck.slides)[1:-1]:
        frames = [s for s in slide.shapes if s.has_chart]
        if frames:
            values = [v for p in frames[0].chart.plots for s in p.series for v in s.values if v is not None]
            assert values, slide.shapes.title.text_frame.text
        assert not [s for s in slide.shapes if s.name == "Message"], slide.shapes.title.text_frame.text


# --- bands, legends and labels on the slide --------------------------------------------------------------


def _legend_names(chart) -> list[str]:
    """The legend's entries as PowerPoint lists them: every series but those the legend deletes."""
    deleted = {
        int(e.find("{*}idx").get("val"))
        for e in chart._chartSpace.chart.findall(".//{*}legend/{*}legendEntry")
        if e.find("{*}delete") is not None and e.find("{*}delete").get("val") == "1"
    }
    return [s.name for p in chart.plots for s in p.series if s.index not in deleted]


def test_a_band_is_two_series_the_band_between_them_and_one_legend_entry(sample_con):
    slides = _slides_by_key(
        sample_con,
        _deck(sample_con, ("superintendents-target-path", "districts-per-year")),
        ("superintendents-target-path", "districts-per-year"),
    )
    chart = _chart(slides["superintendents-target-path"]).chart
    area = next(p for p in chart.plots if p._element.tag.endswith("areaChart"))
    low, band = area.series
    assert low.name == "90% band of the trend: low edge" and band.name == "90% band of the trend"
    names = _legend_names(chart)
    assert "90% band of the trend" in names and not any("low edge" in n or "width" in n for n in names), names
    # No line from zero: the low edge never drops to 0 where there is no band; the band has no width there.
    lows, widths = list(low.values), list(band.values)
    assert all(v is not None and v > 0 for v in lows), lows
    first = next(i for i, w in enumerate(widths) if w)
    assert all(w == 0 for w in widths[: first - 1]), widths
    # Published figures are markers named in the legend; their words are in the notes, not over the line.
    published = next(s for p in chart.plots for s in p.series if s.name == "Published figures")
    assert not published._element.findall(".//{*}dLbl")

    chart = _chart(slides["districts-per-year"]).chart
    names = _legend_names(chart)
    assert names.count("Goal: 10-15 a year") == 1 and not any("(10)" in n or "(15)" in n for n in names), (
        names
    )
    area = next(p for p in chart.plots if p._element.tag.endswith("areaChart"))
    assert [next(iter(s.values)) for s in area.series] == [10.0, 5.0]  # from 10, 5 wide: 10 to 15
    # The line is drawn over the bars: the line group comes last (PowerPoint draws groups in order).
    tags = [p._element.tag.split("}")[1] for p in chart.plots]
    assert tags == ["areaChart", "barChart", "lineChart"], tags


def test_slide_titles_and_source_lines_fit_their_boxes(sample_con):
    """Measured with Arial's metrics: each slide's title fits its box in at most three lines (two where 24
    pt allows), the source line fits its own, and the chart starts below both and ends above the footer."""
    deck = _deck(sample_con)
    for key, slide in _slides_by_key(sample_con, deck).items():
        title = slide.shapes.title
        size = title.text_frame.paragraphs[0].font.size.pt
        lines = export.text_lines(title.text_frame.text, size, title.width, bold=True)
        assert len(lines) <= 3 and export.text_height(len(lines), size) <= title.height, (key, lines)
        assert len(lines) <= 2 or size == 24, (key, size, lines)
        if len(lines) == 2:  # balanced: no line of a word or two
            assert min(len(line) for line in lines) >= 12, (key, lines)
        source = next(s for s in slide.shapes if s.name == "Source")
        size = source.text_frame.paragraphs[0].font.size.pt
        lines = export.text_lines(source.text_frame.text, size, source.width)
        assert export.text_height(len(lines), size) <= source.height, (key, lines)
        assert title.top + title.height <= source.top, key
        chart = next(s for s in slide.shapes if s.name in ("Chart", "Chart picture"))
        footer = next(s for s in slide.shapes if s.name == "Footer")
        assert source.top + source.height <= chart.top and chart.top + chart.height <= footer.top, key
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (key, shape.name)
            assert shape.left + shape.width <= export.SLIDE_WIDTH, (key, shape.name)
            assert shape.top + shape.height <= export.SLIDE_HEIGHT, (key, shape.name)
