"""Slide-ready exports: each chart as a PNG, a PowerPoint deck of the chosen charts, the data as CSV.

Charts are the same figures the pages show (analytics.sections). In the deck they are native PowerPoint
charts read back from those figures (analytics.figure_data, analytics.slides): editable, no browser needed.
PNGs are rendered by Kaleido with the system Chromium, started once per process; later images take a
fraction of a second.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd
import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Inches, Pt

from analytics import chart_fit, chart_registry, sections, slides
from analytics.definitions import ORG_TYPE_LABELS, SMALL_CELL_THRESHOLD
from analytics.figure_data import (
    FigureData,
    NotNative,
    describe,
    figure_data,
    plain,
    shows_nothing,
)
from analytics.goals import Goals, load_goals
from analytics.metrics import Filters
from analytics.privacy import blank_hidden
from analytics.settings import load_settings
from analytics.text import spreadsheet_safe
from analytics.warehouse import has_sample_data

SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_SCALE = 1200, 675, 2  # 2400 x 1350 px: crisp on a projector
DARK, MUTED, WARN = RGBColor(0x1B, 0x26, 0x31), RGBColor(0x4A, 0x55, 0x60), RGBColor(0xB0, 0x3A, 0x00)

_renderer_lock = threading.Lock()
_renderer_started = False


# The charts a deck may hold, each with its key, label, page and builder: analytics.chart_registry.
ExportChart = chart_registry.Chart


def charts(goals: Goals) -> tuple[ExportChart, ...]:
    """Every exportable chart: each goal's (from goals.toml) and the others, page by page."""
    return chart_registry.charts(goals)


def chart_keys(goals: Goals) -> tuple[str, ...]:
    """The keys (file names) of every exportable chart, in the deck's order."""
    return tuple(c.key for c in charts(goals))


def __getattr__(name: str):
    """CHART_KEYS and CHARTS: the exportable charts for the goals file in use (read when asked)."""
    if name == "CHART_KEYS":
        return chart_keys(load_goals())
    if name == "CHARTS":
        return charts(load_goals())
    raise AttributeError(name)


def _ensure_renderer() -> None:
    """Start Kaleido's browser once per process (the first export pays ~3 s; later ones well under 0.3 s)."""
    global _renderer_started
    if not _renderer_started:
        import kaleido

        _keep_the_page_between_images()
        # No MathJax: Kaleido would fetch it from a CDN for every image (nothing may download at run time),
        # and no chart typesets LaTeX (a `$` in a name is escaped: analytics/text.py).
        kaleido.start_sync_server(silence_warnings=True, mathjax=False)
        _renderer_started = True


def _keep_the_page_between_images() -> None:
    """Kaleido 1.x reloads its page after every image, so plotly.js is parsed again each time (about 0.3 s
    an image on 2 cores: most of a PNG's time). Each image is a new plot of its own on that page, so the
    page is handed back to the next image as it is. Measured over 400 PNGs in a row: the renderer's memory
    stayed at 300-340 MiB (with a reload after each, 500 MiB). tests/test_export.py checks that no image
    reloads the page and that an image is the same whatever was drawn before it."""
    from kaleido.kaleido import Kaleido

    async def hand_back(self, tab) -> None:
        await self.tabs_ready.put(tab)

    Kaleido._return_kaleido_tab = hand_back


def figure_png(
    figure: go.Figure, *, width: int = IMAGE_WIDTH, height: int = IMAGE_HEIGHT, scale: int = IMAGE_SCALE
) -> bytes:
    """The chart as a PNG (16:9 at 2x by default), titles and legends as on the page."""
    import kaleido

    slide = go.Figure(figure)
    slide.update_layout(width=width, height=height)
    chart_fit.fit(slide, widths=(width,), height=height, extra=())  # titles and labels at this size
    with _renderer_lock:
        _ensure_renderer()
        return kaleido.calc_fig_sync(
            slide, opts={"format": "png", "width": width, "height": height, "scale": scale}
        )


def chart_section(
    con: duckdb.DuckDBPyConnection, goals: Goals, filters: Filters, key: str
) -> sections.Section:
    """Build one exportable chart by key."""
    return chart_registry.build(con, goals, filters, key)


class ViewCharts:
    """The charts of one view, each built when first asked for and kept: an export writes every chart's CSV
    and the deck from the same sections, each built once (built twice, they were two thirds of its time)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, goals: Goals, filters: Filters) -> None:
        self.con, self.goals, self.filters = con, goals, filters
        self._built: dict[str, sections.Section] = {}

    def __getitem__(self, key: str) -> sections.Section:
        if key not in self._built:
            self._built[key] = chart_section(self.con, self.goals, self.filters, key)
        return self._built[key]


def _charts(
    con: duckdb.DuckDBPyConnection, goals: Goals, filters: Filters, charts: ViewCharts | None
) -> ViewCharts:
    if charts is None:
        return ViewCharts(con, goals, filters)
    if charts.con is not con or charts.goals is not goals or charts.filters != filters:
        raise ValueError("these charts were built for another view")
    return charts


@dataclass(frozen=True)
class LeftOut:
    """A chart the deck leaves out, and why (in words for the Export page and the title slide's notes)."""

    key: str
    label: str
    why: str
    # Nothing at all to draw for this view: never a slide, even when chosen (a slide would be empty).
    nothing_shown: bool


def left_out_because(section: sections.Section) -> tuple[str, bool] | None:
    """Why a chart stays out of the default deck, and whether it has nothing at all to draw; None where it
    says enough to be a slide. A chart the view leaves empty says so on the page (its message is the
    reason); one that can show only a little says why (Section.says_little)."""
    figure = section.figure
    message = " ".join(plain(a.text) for a in figure.layout.annotations if a.xref == "paper")
    if not figure.data:
        return (message or "nothing can be shown for this view"), True
    try:
        if shows_nothing(figure_data(figure)):
            return (section.says_little or "no figure can be shown for this view"), True
    except NotNative:
        pass  # a map or a histogram: what it draws is not read here
    if section.says_little:
        return section.says_little, False
    return None


@dataclass(frozen=True)
class DeckPlan:
    """The charts a deck holds for a view, in order, and those it leaves out with why."""

    keys: tuple[str, ...]
    left_out: tuple[LeftOut, ...]


def _plan(
    goals: Goals, built: dict[str, sections.Section], chosen: tuple[str, ...], *, default: bool
) -> DeckPlan:
    labels = {c.key: c.label for c in charts(goals)}
    kept, left = [], []
    for key in chosen:
        why = left_out_because(built[key])
        # The default deck leaves out what says little; a chosen chart stays unless it would be empty.
        if why is not None and (default or why[1]):
            left.append(LeftOut(key, labels.get(key, key), why[0], why[1]))
        else:
            kept.append(key)
    return DeckPlan(tuple(kept), tuple(left))


def deck_plan(
    con: duckdb.DuckDBPyConnection,
    goals: Goals,
    filters: Filters,
    keys: tuple[str, ...] | None = None,
    *,
    charts: ViewCharts | None = None,
) -> DeckPlan:
    """Which charts the deck holds for this view: by default every chart that says enough (a chart the view
    leaves empty, or that can show only a group or two of a breakdown, stays out, with why); of `keys`, every
    one that has something to draw. `charts`: the view's charts, where they are already built."""
    chosen = chart_keys(goals) if keys is None else tuple(keys)
    view = _charts(con, goals, filters, charts)
    built = {key: view[key] for key in chosen}
    return _plan(goals, built, chosen, default=keys is None)


def chart_png(con: duckdb.DuckDBPyConnection, goals: Goals, filters: Filters, key: str) -> bytes:
    """One chart as a slide-ready PNG."""
    return figure_png(chart_section(con, goals, filters, key).figure)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def image_name(chart: str, filters: Filters, today: date | None = None) -> str:
    """The file name (without extension) a chart's image or CSV is saved under, wherever it is offered:
    the chart, the view's place, its school years and the date, e.g.
    'superintendents-target-path_greater-boston_2019-20-to-2024-25_2026-11-28'."""
    today = today or date.today()
    place = [*filters.regions, *(ORG_TYPE_LABELS.get(t, t) for t in filters.org_types)]
    if filters.org_code:
        place.append(filters.org_code)
    years = (
        f"{filters.year_from or 'first'}-to-{filters.year_to or 'latest'}"
        if filters.year_from or filters.year_to
        else "all-years"
    )
    return "_".join([_slug(chart), _slug("-".join(place)) or "statewide", years, today.isoformat()])


def charts_png_zip(
    con: duckdb.DuckDBPyConnection,
    goals: Goals,
    filters: Filters,
    keys: tuple[str, ...] | None = None,
    *,
    today: date | None = None,
) -> bytes:
    """Every chosen chart (default: all) as a slide-sized PNG, in one zip, each named as image_name() names
    it."""
    keys = chart_keys(goals) if keys is None else keys
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:  # PNGs are compressed already
        for key in keys:
            archive.writestr(f"{image_name(key, filters, today)}.png", chart_png(con, goals, filters, key))
    return out.getvalue()


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
    "measure",
    "label",
)


def chart_data(
    con: duckdb.DuckDBPyConnection,
    goals: Goals,
    filters: Filters,
    key: str,
    *,
    charts: ViewCharts | None = None,
) -> pd.DataFrame:
    """The figures behind one chart as its CSV gives them: a suppressed row keeps only its keys (school
    year, group) and `suppressed`; every other column, coverage included, is empty on it. `charts`: the
    view's charts, where they are already built."""
    data = _charts(con, goals, filters, charts)[key].data
    # Figures to 6 decimals: 0.1 not 0.10000000000000142 (FTE come to a tenth, shares to 4 decimals matter).
    floats = [c for c in data.columns if pd.api.types.is_float_dtype(data[c])]
    data = data.assign(**{c: data[c].round(6) for c in floats})
    if "suppressed" in data:
        data = blank_hidden(data, keep=[c for c in data.columns if c in KEY_COLUMNS])
    # Which view the figures are about, on every row: a CSV travels without its file name.
    data.insert(0, "view", filters.describe())
    return data


def chart_csv(
    con: duckdb.DuckDBPyConnection,
    goals: Goals,
    filters: Filters,
    key: str,
    *,
    charts: ViewCharts | None = None,
) -> bytes:
    """The figures behind one chart, as CSV."""
    return frame_csv(chart_data(con, goals, filters, key, charts=charts))


def frame_csv(frame: pd.DataFrame) -> bytes:
    """A table as the CSV people download: UTF-8 with BOM, so Excel opens it cleanly, and no text cell that
    a spreadsheet would run as a formula (names come from uploads; see analytics/text.py)."""
    return spreadsheet_safe(frame).to_csv(index=False).encode("utf-8-sig")


# Text on slides, measured: Arial's metrics (Liberation Sans where Arial is not installed), a line 1.2 em high
# as PowerPoint and LibreOffice set it, and a text box's default insets.
LINE_SPACING = 1.2
INSET_X, INSET_Y = Inches(0.1), Inches(0.05)
_ROOM = 0.96  # of a box's width that text may fill: renderers round and kern a little differently


def text_lines(text: str, size: float, width: int, *, bold: bool = False) -> list[str]:
    """`text` (paragraphs split by newlines) as it wraps in a text box `width` EMU wide at `size` pt."""
    room = (width - 2 * INSET_X) / 12700 * _ROOM  # EMU to points
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            trial = f"{line} {word}" if line else word
            if line and chart_fit.text_width(trial, size, bold=bold) > room:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


def text_height(lines: int, size: float) -> int:
    """The height in EMU of a text box holding `lines` lines at `size` pt, insets included."""
    return int(lines * size * LINE_SPACING * 12700) + 2 * INSET_Y


def fit_title(text: str, width: int, sizes: tuple[int, ...] = (28, 26, 24)) -> tuple[int, int, int]:
    """A slide title's size (pt), its line count and the box width that holds it: the largest size at which
    it takes at most two lines (else three at the smallest), the lines balanced so that none ends on a word
    or two (the narrowest box that still holds that many lines, and a little room)."""
    for size in sizes:
        count = len(text_lines(text, size, width, bold=True))
        if count <= 2:
            break
    if count == 1:
        return size, 1, width
    low, high = width // count, width
    while high - low > Inches(0.05):
        middle = (low + high) // 2
        if len(text_lines(text, size, middle, bold=True)) <= count:
            high = middle
        else:
            low = middle
    return size, count, min(width, high + Inches(0.3))


def _text(
    slide, text: str, left, top, width, height, *, size: int, color=DARK, bold: bool = False, name: str = ""
):
    box = slide.shapes.add_textbox(left, top, width, height)
    if name:
        box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for i, line in enumerate(text.split("\n")):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = line
        para.font.size, para.font.bold, para.font.color.rgb, para.font.name = Pt(size), bold, color, "Arial"
    return box


def _title(placeholder, text: str, left, top, width, height, *, size: int) -> None:
    """A layout's title placeholder, moved onto the 16:9 slide and holding `text` (the finding)."""
    placeholder.left, placeholder.top, placeholder.width, placeholder.height = left, top, width, height
    frame = placeholder.text_frame
    frame.text = text
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE  # measured to fit here: no renderer shrinks it on its own
    frame.vertical_anchor = MSO_ANCHOR.TOP
    para = frame.paragraphs[0]
    para.alignment = PP_ALIGN.LEFT
    para.font.size, para.font.bold, para.font.color.rgb, para.font.name = Pt(size), True, DARK, "Arial"


def _alt_text(shape, text: str) -> None:
    """What a screen reader (and PowerPoint's Alt Text pane) says for a chart or picture: its cNvPr descr."""
    shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", text)


def definitions() -> tuple[str, ...]:
    """The definitions every deck states, with the rules' own settings (the threshold, the coverage)."""
    n = SMALL_CELL_THRESHOLD
    return (
        "People of color: every race/ethnicity category but White (DESE's seven categories).",
        "Share: FTE (staff, as of October 1) or headcount (students) of color ÷ all with a known race.",
        f"Groups of fewer than {n} people of color, or of fewer than {n} others, are hidden, and so is any "
        "figure that would give one away.",
        f"A school year is partial while the organizations that reported are fewer than "
        f"{load_settings().complete_share:.0%} of those expected; a partial year is drawn apart and is never "
        "the headline.",
    )


SAMPLE_WARNING = "Sample data: the figures on this slide are synthetic. Do not present them as real."


@dataclass(frozen=True)
class ChartSlide:
    """What a chart slide says besides the chart: finding, scope, as-of, source, notes, alt text."""

    key: str
    section: sections.Section
    data: FigureData | None  # None where the chart cannot be native (see slide_content)
    title: str
    scope: str
    as_of: str | None
    source: str
    chart_notes: tuple[str, ...]
    sample: bool
    alt_text: str
    not_native_because: str = ""

    @property
    def source_line(self) -> str:
        """'Statewide · data as of 2024-25 · Source: …'."""
        parts = [
            self.scope,
            f"data as of {self.as_of}" if self.as_of else "no data",
            f"Source: {self.source}",
        ]
        return " · ".join(p for p in parts if p)

    def speaker_notes(self) -> str:
        """The page's caption, the chart's own notes, the figures, and the definitions."""
        lines = [self.section.caption] if self.section.caption else []
        lines += list(self.chart_notes)
        lines += [f"As of {self.as_of}. Source: {self.source}." if self.as_of else f"Source: {self.source}."]
        if self.sample:
            lines.append(SAMPLE_WARNING)
        lines += ["", "Figures: " + self.alt_text, "", "Definitions:"] + [
            f"- {line}" for line in definitions()
        ]
        return "\n".join(lines)


def note_lines(notes: str) -> list[str]:
    """A chart's notes (figure markup, lines broken by <br>) as the lines of text a slide shows."""
    return [line for line in (plain(part) for part in re.split(r"<br\s*/?>", notes)) if line]


def slide_content(key: str, section: sections.Section) -> ChartSlide:
    """A chart slide's words, from the section the page draws: its figure's title, and the view, as-of year,
    source and notes its subtitle was written from."""
    figure = section.figure
    about = section.about
    title = plain(figure.layout.title.text)
    try:
        data = figure_data(figure)
        reason, alt = "", describe(data)
    except NotNative as why:
        data, reason = None, str(why)
        alt = " ".join(p for p in (title.rstrip(".") + ".", section.caption) if p)
    return ChartSlide(
        key=key,
        section=section,
        data=data,
        title=title,
        scope=about.scope,
        as_of=about.as_of,
        source=about.source,
        chart_notes=tuple(note_lines(about.notes)),
        sample=about.is_sample,
        alt_text=alt,
        not_native_because=reason,
    )


MARGIN = Inches(0.5)
FOOTER_TOP = SLIDE_HEIGHT - Inches(0.6)


def _chart_slide(deck, layout, content: ChartSlide, today: date) -> None:
    """A chart's slide: its finding as the title, then the source line and notes, each measured to fit its
    box (the title shrinks to 24 pt before it takes a third line), and the chart in the room left above the
    footer."""
    slide = deck.slides.add_slide(layout)
    width = SLIDE_WIDTH - 2 * MARGIN
    size, count, title_width = fit_title(content.title, width)
    top = Inches(0.3)
    title_height = text_height(count, size)
    _title(slide.shapes.title, content.title, MARGIN, top, title_width, title_height, size=size)
    top += title_height
    source = content.source_line + "".join("\n" + n for n in content.chart_notes)
    source_size = 14 if len(text_lines(source, 14, width)) <= 3 else 12
    source_height = text_height(len(text_lines(source, source_size, width)), source_size)
    _text(slide, source, MARGIN, top, width, source_height, size=source_size, color=MUTED, name="Source")
    top += source_height + Inches(0.1)
    height = FOOTER_TOP - Inches(0.1) - top
    if content.data is not None:
        frame = slides.add_chart(slide.shapes, content.data, MARGIN, top, width, height)
        frame.name = "Chart"
        _alt_text(frame, content.alt_text)
    elif not content.section.figure.data:
        # Never chosen for a deck (build_deck leaves out a chart with nothing to draw); said, not drawn.
        message = " ".join(plain(a.text) for a in content.section.figure.layout.annotations)
        _text(slide, message, MARGIN, top, width, Inches(1.5), size=20, color=MUTED, name="Message")
    else:
        # Not a category chart (see figure_data.NotNative: a histogram, a map): the page's own figure as a
        # picture, rendered by Kaleido, with the finding as its alt text. The slide's title and source line
        # say what the page's title and subtitle say, so the picture carries neither; it is drawn at the
        # size it is shown, its legend in type as large as the slide's.
        picture = slide.shapes.add_picture(
            io.BytesIO(picture_png(content.section.figure, width, height)),
            MARGIN,
            top,
            width=width,
            height=height,
        )
        picture.name = "Chart picture"
        _alt_text(picture, content.alt_text)
    footer = f"Massachusetts DESE · Influence 100 · prepared {today:%B %-d, %Y}"
    _text(slide, footer, MARGIN, FOOTER_TOP, Inches(6.0), Inches(0.4), size=11, color=MUTED, name="Footer")
    if content.sample:
        _text(
            slide,
            SAMPLE_WARNING,
            MARGIN + Inches(6.0),
            FOOTER_TOP,
            width - Inches(6.0),
            Inches(0.4),
            size=11,
            color=WARN,
            bold=True,
            name="Sample data warning",
        )
    slide.notes_slide.notes_text_frame.text = content.speaker_notes()


PICTURE_PX_WIDTH = 1100  # a picture's width in px: at 12.3 inches, a 16-px legend prints at 13 pt


def picture_png(figure: go.Figure, width: int, height: int) -> bytes:
    """A figure as a slide's picture `width` x `height` EMU: without its title and subtitle (the slide's
    own), its legend at 17 px, drawn at the picture's shape so nothing is squeezed."""
    fig = go.Figure(figure)
    fig.update_layout(
        title_text="",
        title_subtitle_text="",
        margin=dict(t=0, b=10, l=10, r=10),
        # The legend as a column in the corner a map of Massachusetts leaves empty (its lower left), at the
        # slide's type size.
        legend=dict(
            orientation="v",
            x=0,
            xanchor="left",
            y=0,
            yanchor="bottom",
            font_size=17,
            bgcolor="rgba(255,255,255,0.85)",
        ),
    )
    px_height = round(PICTURE_PX_WIDTH * height / width)
    return figure_png(fig, width=PICTURE_PX_WIDTH, height=px_height)


def build_deck(
    con: duckdb.DuckDBPyConnection,
    goals: Goals,
    filters: Filters,
    keys: tuple[str, ...] | None = None,
    *,
    today: date | None = None,
    charts: ViewCharts | None = None,
) -> bytes:
    """A 16:9 PowerPoint deck: a title slide, one slide per chart (a native, editable chart under its
    finding as the slide's title, with the source line, alt text and speaker notes), and a slide of
    definitions and sources. Sample data is called out on exactly the slides that show it.

    By default (`keys` None) every chart that says enough for this view (deck_plan): one the view leaves
    empty, or that can show only a group or two of a breakdown, stays out, and the title slide's notes say
    which and why. Of chosen `keys`, a chart with nothing to draw is left out all the same: never an empty
    slide. `charts`: the view's charts, where they are already built."""
    today = today or date.today()
    chosen = chart_keys(goals) if keys is None else tuple(keys)
    view = _charts(con, goals, filters, charts)
    built = {key: view[key] for key in chosen}
    plan = _plan(goals, built, chosen, default=keys is None)
    contents = [slide_content(key, built[key]) for key in plan.keys]
    any_sample = any(c.sample for c in contents) or (not contents and has_sample_data(con))
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    title_layout, title_only = deck.slide_layouts[0], deck.slide_layouts[5]

    first = deck.slides.add_slide(title_layout)
    _title(
        first.shapes.title,
        "Workforce diversity goals: are we on track?",
        Inches(0.8),
        Inches(2.0),
        Inches(11.7),
        Inches(1.5),
        size=40,
    )
    subtitle = first.placeholders[1]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
        Inches(0.8),
        Inches(3.6),
        Inches(11.7),
        Inches(0.8),
    )
    subtitle.text_frame.text = f"Influence 100 · {filters.describe()} · prepared {today:%B %-d, %Y}"
    para = subtitle.text_frame.paragraphs[0]
    para.alignment = PP_ALIGN.LEFT
    para.font.size, para.font.color.rgb, para.font.name = Pt(20), MUTED, "Arial"
    if any_sample:
        _text(
            first,
            "Sample data: the people and counts in this deck are synthetic, calibrated to DESE's published "
            "statewide figures. Do not present them as real.",
            Inches(0.8),
            Inches(4.6),
            Inches(11.7),
            Inches(1.0),
            size=18,
            color=WARN,
            bold=True,
            name="Sample data warning",
        )

    notes = [f"Influence 100's goals for {filters.describe()}, prepared {today:%B %-d, %Y}."]
    if plan.left_out:
        notes.append("Left out of this deck:")
        notes += [f"- {left.label}: {left.why.rstrip('.')}." for left in plan.left_out]
    first.notes_slide.notes_text_frame.text = "\n".join(notes)

    for content in contents:
        _chart_slide(deck, title_only, content, today)

    sources = deck.slides.add_slide(title_only)
    _title(
        sources.shapes.title,
        "Definitions and sources",
        Inches(0.8),
        Inches(0.5),
        Inches(11.7),
        Inches(1.0),
        size=30,
    )
    lines = [
        *definitions(),
        *(goal.definition() for goal in goals),
        "Sources: DESE staffing and enrollment (Profiles), Influence 100 program lists; published reference "
        "figures from DESE and the Rennie Center / Eos Power Gap report (2020).",
    ]
    text = "\n".join(lines)
    size = next(
        (
            n
            for n in (18, 16, 14, 12)
            if text_height(len(text_lines(text, n, Inches(11.7))), n) <= Inches(5.2)
        ),
        12,
    )
    _text(sources, text, Inches(0.8), Inches(1.6), Inches(11.7), Inches(5.2), size=size, name="Definitions")
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def chart_labels(goals: Goals) -> pd.DataFrame:
    """key, label of every exportable chart (for the Export page)."""
    return pd.DataFrame([(c.key, c.label) for c in charts(goals)], columns=["key", "label"])
