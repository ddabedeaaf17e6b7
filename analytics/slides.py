"""Native PowerPoint charts from a chart's FigureData: editable in PowerPoint, their figures in "Edit data".

python-pptx makes a chart of one type. The pages mix types (bars under a running total, a band under a
trend line), so a mixed chart is made as a line chart holding every series, and the bar and band series are
then moved into bar and area groups on the same axes: one chart, one embedded workbook with every series.
"""

from __future__ import annotations

import copy
import math

from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.oxml.ns import qn
from pptx.util import Pt

from analytics.figure_data import FigureData, Series

FONT = "Arial"
TEXT, MUTED, GRID = RGBColor(0x1B, 0x26, 0x31), RGBColor(0x4A, 0x55, 0x60), RGBColor(0xE5, 0xE8, 0xEB)
_NUMBER_FORMATS = {"percent": ("0.0%", "0%"), "decimal2": ("0.00", "0.00"), "number": ("#,##0", "#,##0")}
_MARKERS = {
    "circle": XL_MARKER_STYLE.CIRCLE,
    "circle-open": XL_MARKER_STYLE.CIRCLE,
    "diamond": XL_MARKER_STYLE.DIAMOND,
    "diamond-open": XL_MARKER_STYLE.DIAMOND,
    "square": XL_MARKER_STYLE.SQUARE,
    "none": XL_MARKER_STYLE.NONE,
}
_LINE_POSITIONS = {
    "above": XL_LABEL_POSITION.ABOVE,
    "below": XL_LABEL_POSITION.BELOW,
    "right": XL_LABEL_POSITION.RIGHT,
    "left": XL_LABEL_POSITION.LEFT,
}


def _rgb(color: str | None) -> tuple[RGBColor, int | None] | None:
    """'#0072B2' or 'rgba(86,180,233,0.22)' as a colour and its opacity (0-100000, None when opaque)."""
    if not color:
        return None
    color = color.strip()
    if color.startswith("#") and len(color) == 7:
        return RGBColor.from_string(color[1:].upper()), None
    if color.startswith("rgb"):
        parts = [p.strip() for p in color[color.index("(") + 1 : color.index(")")].split(",")]
        rgb = RGBColor(*(int(float(p)) for p in parts[:3]))
        alpha = int(float(parts[3]) * 100_000) if len(parts) == 4 else None
        return rgb, alpha
    return None


def _fill(fill, color: str | None) -> None:
    got = _rgb(color)
    if got is None:
        return
    fill.solid()
    fill.fore_color.rgb = got[0]
    if got[1] is not None:  # python-pptx has no API for transparency: DrawingML's alpha on the colour
        clr = fill._xPr.find(qn("a:solidFill")).find(qn("a:srgbClr"))
        etree.SubElement(clr, qn("a:alpha")).set("val", str(got[1]))


def chart_type(data: FigureData) -> XL_CHART_TYPE:
    """The chart's type in PowerPoint (a mixed chart starts as a line chart)."""
    kinds = {s.kind for s in data.series}
    if kinds == {"bar"}:
        if data.horizontal:
            return XL_CHART_TYPE.BAR_STACKED if data.stacked else XL_CHART_TYPE.BAR_CLUSTERED
        return XL_CHART_TYPE.COLUMN_STACKED if data.stacked else XL_CHART_TYPE.COLUMN_CLUSTERED
    return XL_CHART_TYPE.LINE_MARKERS


def _band_edges(data: FigureData, s: Series) -> tuple[list[float | None], list[float | None]]:
    """A band's low edge and width on every category. An area cannot have gaps (a blank is drawn as 0, a
    line from zero up to the band): before and after the band the low edge follows the line the band
    starts from (or its own first and last edge) with no width, so nothing shows there."""
    n = len(data.categories)
    known = [i for i in range(n) if s.values[i] is not None and (s.high or [None] * n)[i] is not None]
    low = list(s.values)
    width = [
        None if lo is None or hi is None else hi - lo for lo, hi in zip(s.values, s.high or [], strict=False)
    ]
    if not known:
        return low, width
    first, last = known[0], known[-1]
    lines = [o for o in data.series if o.kind in ("line", "markers") and not o.helper]

    def beside(i: int, edge: int) -> float:
        for o in lines:
            if (
                o.values[i] is not None
                and o.values[edge] is not None
                and abs(o.values[edge] - s.values[edge]) < 1e-9
            ):
                return o.values[i]
        return s.values[edge]

    for i in range(n):
        if i < first or i > last:
            low[i] = beside(i, first if i < first else last)
            width[i] = 0.0
    return low, width


def workbook_series(data: FigureData) -> list[tuple[str, list[float | None]]]:
    """The columns of "Edit data", one per series drawn; a band is two: its low edge and its width (the band
    drawn between them, named in the legend by the width's column)."""
    out = []
    for s in data.series:
        if s.kind == "band":
            low, width = _band_edges(data, s)
            out.append((f"{s.name}: low edge", low))
            out.append((s.name, width))
        else:
            out.append((s.name, s.values))
    return out


def slide_labels(data: FigureData) -> FigureData:
    """The data labels a slide writes, where no label can run into another or into a line whatever the
    renderer (PowerPoint or LibreOffice place data labels themselves):
    - figures written beside published-figure markers are left to the alt text and the notes (the markers
      stay, named in the legend);
    - a label at a line's end stays where no other line or end label comes near it there; otherwise its
      words join the series' legend entry ("Trend since 2019-20 (reaches 14% in 2030-31)") or, without a
      legend, it is left out (the figures are under Edit data and in the alt text).
    Returns a copy; `data` is unchanged."""
    out = copy.deepcopy(data)
    shown = [v for s in out.series for v in (*s.values, *(s.high or [])) if v is not None]
    low, high = out.value_range or (min([0.0, *shown]), max(shown, default=1.0))
    span = (high - low) or 1.0
    drawn = [s for s in out.series if s.kind in ("line", "markers", "band") and not s.helper]
    for s in out.series:
        if not s.labels or s.kind == "bar" or s.helper:
            continue
        if s.kind == "markers":
            s.labels = None
            continue
        at = [i for i, text in enumerate(s.labels) if text]
        if len(at) != 1:
            continue  # labels at every point (running totals): drawn above their points as on the page
        i = at[0]
        text = s.labels[i]
        near = []
        for other in drawn:
            if other is s:
                continue
            for j in (i, i + 1):
                if j >= len(out.categories):
                    continue
                for v in (other.values[j], (other.high or [None] * len(out.categories))[j]):
                    if v is not None and s.values[i] is not None and abs(v - s.values[i]) < 0.1 * span:
                        near.append(other)
        if not near:
            s.label_position = "right" if i == len(out.categories) - 1 else s.label_position
            continue
        s.labels = None
        if s.in_legend and out.legend:
            s.name = _with_label(s.name, text)
    return out


def _with_label(name: str, label: str) -> str:
    """A series' legend name with its end label's words, the words both start with said once: "Trend since
    2019-20" and "Trend reaches 14% in 2030-31" give "Trend since 2019-20 (reaches 14% in 2030-31)"."""
    first = name.split()[0].rstrip(":").lower() if name.split() else ""
    words = label.replace("\n", " ").split()
    if words and words[0].rstrip(":").lower() == first:
        words = words[1:]
    figures = [w for w in words if any(c.isdigit() for c in w)]
    if figures and all(f in name for f in figures):
        return name  # the name says it already ("Target path: 4% in 2019-20 → 14% by 2029-30")
    return f"{name} ({' '.join(words)})" if words else name


def add_chart(shapes, data: FigureData, x, y, cx, cy, *, font_size: int = 14):
    """Add `data` as a native chart to a slide's shapes; returns the graphic frame."""
    data = slide_labels(data)
    values_format, axis_format = _NUMBER_FORMATS[data.value_format]
    chart_data = CategoryChartData(number_format=values_format)
    chart_data.categories = data.categories
    for name, values in workbook_series(data):
        chart_data.add_series(name, values)
    frame = shapes.add_chart(chart_type(data), x, y, cx, cy, chart_data)
    chart = frame.chart
    plot_area = chart._chartSpace.chart.plotArea
    drawn_order = plot_area.findall(f".//{qn('c:ser')}")  # one per workbook series, in _drawn() order
    kinds = [s.kind for s in data.series]
    if chart_type(data) == XL_CHART_TYPE.LINE_MARKERS and set(kinds) != {"line", "markers"}:
        _split_groups(chart, data)
    # Number the series as they now stand (groups back to front): a legend entry is addressed by that
    # number, which readers take as the series' index or as its place in the legend; now both agree.
    for number, ser in enumerate(plot_area.findall(f".//{qn('c:ser')}")):
        ser.find(qn("c:idx")).set("val", str(number))
        ser.find(qn("c:order")).set("val", str(number))
    _style(chart, data, font_size, axis_format, drawn_order)
    return frame


def _drawn(data: FigureData) -> list[tuple[Series, str]]:
    """Each workbook series with the FigureData series it draws and its role ('band-low', 'band', or the
    series' kind)."""
    out = []
    for s in data.series:
        if s.kind == "band":
            out += [(s, "band-low"), (s, "band")]
        else:
            out.append((s, s.kind))
    return out


def _split_groups(chart, data: FigureData) -> None:
    """Move bar and band series from the line chart into bar and area groups on the same axes."""
    plot_area = chart._chartSpace.chart.plotArea
    line = plot_area.find(qn("c:lineChart"))
    sers = line.findall(qn("c:ser"))
    ax_ids = [copy.deepcopy(a) for a in line.findall(qn("c:axId"))]
    groups: dict[str, etree._Element] = {}

    def group(kind: str) -> etree._Element:
        if kind in groups:
            return groups[kind]
        if kind == "area":
            el = etree.Element(qn("c:areaChart"))
            etree.SubElement(el, qn("c:grouping")).set("val", "stacked")
            etree.SubElement(el, qn("c:varyColors")).set("val", "0")
        else:
            el = etree.Element(qn("c:barChart"))
            etree.SubElement(el, qn("c:barDir")).set("val", "col")
            etree.SubElement(el, qn("c:grouping")).set("val", "stacked" if data.stacked else "clustered")
            etree.SubElement(el, qn("c:varyColors")).set("val", "0")
        groups[kind] = el
        return el

    for ser, (_, role) in zip(sers, _drawn(data), strict=True):
        if role in ("line", "markers"):
            continue
        for tag in ("c:marker", "c:smooth"):
            for child in ser.findall(qn(tag)):
                ser.remove(child)
        group("area" if role.startswith("band") else "bar").append(ser)
    # Back to front: the band, then the bars, then the lines over them.
    for kind in ("area", "bar"):
        if kind not in groups:
            continue
        el = groups[kind]
        if kind == "bar":
            etree.SubElement(el, qn("c:gapWidth")).set("val", "60")
            if data.stacked:
                etree.SubElement(el, qn("c:overlap")).set("val", "100")
        for ax in ax_ids:
            el.append(copy.deepcopy(ax))
        line.addprevious(el)
    if not line.findall(qn("c:ser")):
        plot_area.remove(line)


def _style(chart, data: FigureData, font_size: int, axis_format: str, drawn_order: list) -> None:
    chart.has_title = False
    chart.font.name, chart.font.size, chart.font.color.rgb = FONT, Pt(font_size), TEXT
    chart.has_legend = data.legend
    if data.legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(font_size - 1)
    by_element = {series._element: series for plot in chart.plots for series in plot.series}
    hidden_from_legend = []
    for element, (s, role) in zip(drawn_order, _drawn(data), strict=True):
        series = by_element[element]
        idx = series.index
        if role == "band-low":
            series.format.fill.background()
            series.format.line.fill.background()
            hidden_from_legend.append(idx)
            continue
        if role == "band":
            _fill(series.format.fill, s.color)
            series.format.line.fill.background()
            continue
        if role == "bar":
            if s.color:
                _fill(series.format.fill, s.color)
            for i, color in enumerate(s.point_colors or []):
                if color:
                    _fill(series.points[i].format.fill, color)
        else:
            _line(series, s)
        if not s.in_legend:
            hidden_from_legend.append(idx)
        if s.labels:
            _labels(series, s, role, data, font_size)
    if data.legend and hidden_from_legend:
        legend = chart._chartSpace.chart.find(qn("c:legend"))
        position = legend.find(qn("c:legendPos"))
        for idx in sorted(hidden_from_legend, reverse=True):
            entry = etree.Element(qn("c:legendEntry"))
            etree.SubElement(entry, qn("c:idx")).set("val", str(idx))
            etree.SubElement(entry, qn("c:delete")).set("val", "1")
            position.addnext(entry)
    _axes(chart, data, font_size, axis_format)
    if any(s.labels and s.label_position == "right" for s in data.series):
        _room_on_the_right(chart, legend=data.legend)
    # A year with no figure is a gap in the line, never a zero.
    blanks = chart._chartSpace.chart.find(qn("c:dispBlanksAs"))
    if blanks is None:
        blanks = etree.SubElement(chart._chartSpace.chart, qn("c:dispBlanksAs"))
        chart._chartSpace.chart.find(qn("c:plotVisOnly")).addnext(blanks)
    blanks.set("val", "gap")


def _room_on_the_right(chart, *, legend: bool) -> None:
    """Labels written at the right end of lines ('Target 14% by 2029-30') need room beside the last
    category: the plot area is laid out to leave a sixth of the chart's width free on the right."""
    plot_area = chart._chartSpace.chart.plotArea
    layout = plot_area.find(qn("c:layout"))
    if layout is None:
        layout = etree.Element(qn("c:layout"))
        plot_area.insert(0, layout)
    for child in list(layout):
        layout.remove(child)
    manual = etree.SubElement(layout, qn("c:manualLayout"))
    top = 0.16 if legend else 0.05
    for tag, val in (
        ("layoutTarget", "inner"),
        ("xMode", "edge"),
        ("yMode", "edge"),
        ("x", "0.08"),
        ("y", str(top)),
        ("w", "0.76"),
        ("h", str(round(0.84 - top, 2))),
    ):
        etree.SubElement(manual, qn(f"c:{tag}")).set("val", val)


def _line(series, s: Series) -> None:
    series.smooth = False
    line = series.format.line
    got = _rgb(s.color)
    if s.kind == "markers" or s.helper:
        line.fill.background()
    else:
        if got:
            line.color.rgb = got[0]
        line.width = Pt((s.width or 2.5) * 0.75)
        if s.dash == "dash":
            line.dash_style = MSO_LINE_DASH_STYLE.DASH
        elif s.dash == "dot":
            line.dash_style = MSO_LINE_DASH_STYLE.ROUND_DOT
    marker = s.marker or "none"
    series.marker.style = _MARKERS.get(marker.removesuffix("-dot"), XL_MARKER_STYLE.CIRCLE)
    if marker != "none":
        series.marker.size = 9 if "open" in marker else 7
        if got:
            series.marker.format.line.color.rgb = got[0]
            if "open" in marker:
                series.marker.format.fill.background()
            else:
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = got[0]


def _labels(series, s: Series, role: str, data: FigureData, font_size: int) -> None:
    got = _rgb(s.color)
    for i, text in enumerate(s.labels or []):
        if not text or s.values[i] is None:
            continue
        label = series.points[i].data_label
        label.has_text_frame = True
        label.text_frame.text = text
        label.font.size = Pt(font_size - 2)
        if got and role != "bar":
            label.font.color.rgb = got[0]
        if role == "bar":
            if s.label_position == "inside-base":
                label.position = XL_LABEL_POSITION.INSIDE_BASE
            elif data.stacked or s.label_position == "inside":
                label.position = XL_LABEL_POSITION.INSIDE_END
            else:
                label.position = XL_LABEL_POSITION.OUTSIDE_END
        else:
            where = (s.label_positions or [None] * len(s.labels))[i] or s.label_position
            label.position = _LINE_POSITIONS.get(where, XL_LABEL_POSITION.ABOVE)


def _nice_step(rough: float) -> float:
    """1, 2 or 5 times a power of ten, the least not below `rough`."""
    if rough <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(rough))
    return next(k * power for k in (1, 2, 5, 10) if k * power >= rough - 1e-12)


def _axes(chart, data: FigureData, font_size: int, axis_format: str) -> None:
    category, value = chart.category_axis, chart.value_axis
    category.tick_labels.font.size = Pt(font_size - 1)
    category.format.line.color.rgb = GRID
    category.has_major_gridlines = False
    if data.horizontal:
        category.reverse_order = True  # the page lists the first group at the top
    value.tick_labels.font.size = Pt(font_size - 1)
    value.tick_labels.number_format = axis_format
    value.tick_labels.number_format_is_linked = False
    # Categories sit between the ticks, as on the page (an area or line group may have set them on the
    # ticks, which cuts the end bars in half).
    cross = value._element.find(qn("c:crossBetween"))
    if cross is None:
        cross = etree.Element(qn("c:crossBetween"))
        after = next(
            el
            for el in (value._element.find(qn(t)) for t in ("c:crossesAt", "c:crosses", "c:crossAx"))
            if el is not None
        )
        after.addnext(cross)
    cross.set("val", "between")
    value.has_major_gridlines = True
    value.major_gridlines.format.line.color.rgb = GRID
    value.format.line.fill.background()
    lowest = min((v for s in data.series for v in s.values if v is not None), default=0.0)
    highest = max((v for s in data.series for v in s.values if v is not None), default=0.0)
    if data.value_range:
        low, high = data.value_range
        low, high = min(max(float(low), 0.0), lowest), float(high)
        if low < 0:
            # Below zero (a gap can be negative): the axis on round steps that take in zero, its labels
            # at the foot of the plot rather than along the zero line through the lines.
            step = _nice_step((max(high, highest, 0.0) - low) / 6)
            low, high = math.floor(low / step) * step, math.ceil(max(high, 0.0) / step) * step
            value.major_unit = step
        value.minimum_scale, value.maximum_scale = low, high
    elif lowest >= 0:
        value.minimum_scale = 0
    # (else PowerPoint scales the axis to reach below zero)
    if lowest < 0 or (data.value_range and data.value_range[0] < 0):
        category.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    for axis, title in ((category, data.category_title), (value, data.value_title)):
        if title:
            axis.has_title = True
            axis.axis_title.text_frame.text = title
            para = axis.axis_title.text_frame.paragraphs[0]
            para.font.size, para.font.bold, para.font.color.rgb = Pt(font_size - 1), False, MUTED
