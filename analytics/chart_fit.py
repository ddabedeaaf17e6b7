"""Fitting a chart's words to the size it is drawn at: titles and subtitles wrapped to the width, the top
margin made room for them and the legend, and labels placed so none runs into another label, a line or a
marker.

Plotly neither wraps titles nor moves labels out of each other's way, so the chart's own geometry is worked
out here (the plot area from the margins, each axis' mapping from its range) and each movable label tried at
candidate places until one is free at every size the chart is drawn at: on the page (its width follows the
window), in the PNG and the presentation view (1200 x 675). Text is measured with the font the charts use
(Arial; Liberation Sans, with the same metrics, where Arial is not installed). tests/test_chart_labels.py
renders every chart and checks the result from the drawing itself.

Labels the placement moves:
- labels written at the right end of a line or beside the plot ("Target 14% by 2029-30", "Goal: 100 by cohort
  4"): up or down, the least that clears everything;
- text written at a trace's points (published figures, running totals): to whichever of Plotly's positions
  around the point is clear.
- notes named MOVABLE_NOTE or PARTIAL_YEAR_NOTE (a partial year's coverage): up or down.
Other notes (a note with an arrow) stay where they are and are kept clear of.
"""

from __future__ import annotations

import base64
import html
import itertools
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
from plotly.basedatatypes import BasePlotlyType

FONT_DIR = Path("/usr/share/fonts/truetype/liberation")
SOFT_BREAK = '<br class="wrap">'  # a line break made here (a hard <br> is the chart's own)
# An annotation's name that lets the placement move it up or down (a note inside the plot: "Not comparable").
MOVABLE_NOTE = "movable note"
# A partial year's coverage note, written at the foot of its year: it too may move up, clear of the lines.
PARTIAL_YEAR_NOTE = "partial year"
LINE = 1.3  # Plotly's line spacing, in em
# The widths a chart is drawn at on a page: the main column with the sidebar open, from a 1180-px window
# (and a Letter page printed at 720 px) to a 1920-px one; and the PNG's and presentation view's size.
PAGE_WIDTHS = (700, 820, 1100, 1460)
IMAGE_SIZE = (1200, 675)
_SOFT = re.compile(r'<br class="wrap">')
_HARD = re.compile(r"<br\s*/?>")
_TAG = re.compile(r"<[^>]+>")


# --- text -----------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _font(bold: bool, size: int):
    from PIL import ImageFont

    name = "LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf"
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size=size)
    except OSError:
        return None


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width in px of plain `text` at `size` px in Arial's metrics (an estimate without the font)."""
    font = _font(bold, 100)
    if font is None:
        return len(text) * size * (0.6 if bold else 0.55)
    return font.getlength(text) * size / 100


def plain_line(markup: str) -> str:
    """One line of figure markup as the words drawn."""
    return html.unescape(_TAG.sub("", markup))


def lines_of(markup: str) -> list[str]:
    """Figure markup's lines as drawn (hard and soft breaks), as plain words."""
    return [plain_line(part) for part in re.split(r"<br[^>]*>", markup or "")]


def text_size(markup: str, size: float, *, bold: bool = False) -> tuple[float, float]:
    """(width, height) in px of figure markup drawn at `size` px: its widest line, its lines at 1.3 em."""
    lines = lines_of(markup)
    return max(text_width(line, size, bold=bold) for line in lines), len(lines) * size * LINE


def unwrap(markup: str) -> str:
    """Figure markup without the line breaks wrap() made."""
    return _SOFT.sub(" ", markup or "")


def wrap(markup: str, size: float, width: float, *, bold: bool = False) -> str:
    """Figure markup (entities, hard <br>) wrapped at spaces with soft breaks so that no line is wider than
    `width` px at `size` px; a word longer than a line stays whole."""
    out = []
    for part in _HARD.split(unwrap(markup)):
        words = part.split(" ")
        line: list[str] = []
        lines = []
        for word in words:
            trial = " ".join([*line, word])
            if line and text_width(plain_line(trial), size, bold=bold) > width:
                lines.append(" ".join(line))
                line = [word]
            else:
                line.append(word)
        lines.append(" ".join(line))
        out.append(SOFT_BREAK.join(lines))
    return "<br>".join(out)


# --- the plot's geometry ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        return (
            self.x0 < other.x1 + gap
            and other.x0 < self.x1 + gap
            and self.y0 < other.y1 + gap
            and other.y0 < self.y1 + gap
        )

    def crossed_by(self, a: tuple[float, float], b: tuple[float, float], gap: float = 0.0) -> bool:
        """Whether the segment a-b passes within `gap` of the box (Liang-Barsky)."""
        x0, y0, x1, y1 = self.x0 - gap, self.y0 - gap, self.x1 + gap, self.y1 + gap
        dx, dy = b[0] - a[0], b[1] - a[1]
        t0, t1 = 0.0, 1.0
        for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
            if p == 0:
                if q < 0:
                    return False
                continue
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                return False
        return True


def _items(values) -> list:
    """A trace's values as a list, also where the figure came back from JSON or the app's cache (a numeric
    array is then a typed array: {"dtype": "f8", "bdata": base64})."""
    if values is None:
        return []
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).tolist()
    if isinstance(values, str):
        return [values]
    try:
        return list(values)
    except TypeError:
        return [values]


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


class Frame:
    """A figure drawn at width x height: its plot area in px and its axes' mappings (a category x axis)."""

    def __init__(self, fig: go.Figure, width: float, height: float):
        layout = fig.layout
        margin = layout.margin
        self.width, self.height = width, height
        self.left = margin.l if margin.l is not None else 80
        self.right = width - (margin.r if margin.r is not None else 80)
        self.top = margin.t if margin.t is not None else 100
        self.bottom = height - (margin.b if margin.b is not None else 80)
        xaxis, yaxis = layout.xaxis, layout.yaxis
        traces = [t for t in fig.data if t.visible in (None, True)]
        if xaxis.categoryarray is not None and len(xaxis.categoryarray):
            categories = [str(c) for c in xaxis.categoryarray]
        else:
            categories = []
        for t in traces:
            for x in _items(t.x):
                if x is not None and str(x) not in categories:
                    categories.append(str(x))
        self.categories = {c: i for i, c in enumerate(categories)}
        has_bars = any(t.type == "bar" for t in traces)
        if xaxis.range is not None:
            self.x_range = (float(xaxis.range[0]), float(xaxis.range[1]))
        else:
            n = max(len(categories), 1)
            self.x_range = (-0.5, n - 0.5) if has_bars else (-0.1, n - 0.9)
        if yaxis.range is not None:
            self.y_range = (float(yaxis.range[0]), float(yaxis.range[1]))
        else:
            values = [v for t in traces for v in (_number(y) for y in _items(t.y)) if v is not None]
            values += [
                _number(s.y0) for s in layout.shapes if s.yref in (None, "y") and _number(s.y0) is not None
            ]
            low, high = (min(values), max(values)) if values else (0.0, 1.0)
            if yaxis.rangemode == "tozero" or has_bars:
                low = min(low, 0.0)
            pad = (high - low) * 0.06 or 1.0
            self.y_range = (low - (pad if low < 0 else 0), high + pad)

    @property
    def plot(self) -> Box:
        return Box(self.left, self.top, self.right, self.bottom)

    def x(self, value) -> float | None:
        """The px of an x value (a category, or its index)."""
        if value is None:
            return None
        index = self.categories.get(str(value))
        if index is None:
            number = _number(value)
            if number is None:
                return None
            index = number
        lo, hi = self.x_range
        return self.left + (index - lo) / ((hi - lo) or 1) * (self.right - self.left)

    def y(self, value) -> float | None:
        number = _number(value)
        if number is None:
            return None
        lo, hi = self.y_range
        return self.top + (hi - number) / ((hi - lo) or 1) * (self.bottom - self.top)

    def paper_x(self, value: float) -> float:
        return self.left + value * (self.right - self.left)

    def paper_y(self, value: float) -> float:
        return self.bottom - value * (self.bottom - self.top)


def _is_category_chart(fig: go.Figure) -> bool:
    traces = [t for t in fig.data if t.visible in (None, True)]
    if not traces or any(t.type not in ("scatter", "bar") for t in traces):
        return False
    if any(t.type == "bar" and t.orientation == "h" for t in traces):
        return False
    return not fig.layout.yaxis.scaleanchor  # (a map is drawn on plain axes, one scaled to the other)


def _font_size(fig: go.Figure, font, default: float = 14.0) -> float:
    if font is not None and font.size:
        return float(font.size)
    return float(fig.layout.font.size or default)


@dataclass
class _Obstacles:
    lines: list[tuple[tuple[float, float], tuple[float, float]]]
    boxes: list[Box]

    def hit(self, box: Box, gap: float = 2.0) -> bool:
        if any(box.overlaps(other, gap) for other in self.boxes):
            return True
        return any(box.crossed_by(a, b, gap) for a, b in self.lines)

    def across(self, box: Box, gap: float = 2.0) -> _Obstacles:
        """Only what lies across `box`'s columns (within `gap`): all a box moved up or down can hit."""
        left, right = box.x0 - gap, box.x1 + gap
        return _Obstacles(
            [(a, b) for a, b in self.lines if min(a[0], b[0]) <= right and max(a[0], b[0]) >= left],
            [o for o in self.boxes if o.x0 < right and o.x1 > left],
        )


def _trace_obstacles(fig: go.Figure, frame: Frame) -> _Obstacles:
    """What a label must keep clear of: the traces' lines and markers, the shapes' lines, and bars."""
    lines: list = []
    boxes: list[Box] = []
    traces = [t for t in fig.data if t.visible in (None, True)]
    for t in traces:
        if t.type != "scatter":
            continue
        mode = t.mode or "lines+markers"
        points = [(frame.x(x), frame.y(y)) for x, y in zip(_items(t.x), _items(t.y), strict=False)]
        width = t.line.width if t.line and t.line.width is not None else 2
        if "lines" in mode and width > 0:
            run = []
            for p in [*points, (None, None)]:
                if p[0] is None or p[1] is None:
                    if not t.connectgaps:
                        lines.extend(itertools.pairwise(run))
                        run = []
                    continue
                run.append(p)
            lines.extend(itertools.pairwise(run))
        if "markers" in mode:
            size = t.marker.size if t.marker and isinstance(t.marker.size, int | float) else 6
            stroke = (t.marker.line.width or 0) if t.marker and t.marker.line else 0
            half = size / 2 + stroke / 2 + 0.5
            boxes += [
                Box(x - half, y - half, x + half, y + half)
                for x, y in points
                if x is not None and y is not None
            ]
    boxes += _bar_boxes(fig, frame, traces)
    for shape in fig.layout.shapes:
        if shape.type != "line" or (shape.line and shape.line.width == 0):
            continue
        x0 = frame.paper_x(shape.x0) if shape.xref == "paper" else frame.x(shape.x0)
        x1 = frame.paper_x(shape.x1) if shape.xref == "paper" else frame.x(shape.x1)
        y0 = frame.paper_y(shape.y0) if shape.yref == "paper" else frame.y(shape.y0)
        y1 = frame.paper_y(shape.y1) if shape.yref == "paper" else frame.y(shape.y1)
        if None not in (x0, x1, y0, y1):
            lines.append(((x0, y0), (x1, y1)))
    return _Obstacles(lines, boxes)


def _bar_boxes(fig: go.Figure, frame: Frame, traces) -> list[Box]:
    bars = [t for t in traces if t.type == "bar"]
    if not bars:
        return []
    layout = fig.layout
    gap = layout.bargap if layout.bargap is not None else 0.2
    step = (frame.right - frame.left) / ((frame.x_range[1] - frame.x_range[0]) or 1)
    stacked = layout.barmode in ("stack", "relative")
    width = step * (1 - gap) / (1 if stacked else len(bars))
    boxes = []
    base: dict[str, float] = {}
    for k, t in enumerate(bars):
        for x, y in zip(_items(t.x), _items(t.y), strict=False):
            value = _number(y)
            centre = frame.x(x)
            if value is None or centre is None:
                continue
            low = base.get(str(x), 0.0) if stacked else 0.0
            high = low + value
            if stacked:
                base[str(x)] = high
                left = centre - width / 2
            else:
                left = centre - step * (1 - gap) / 2 + k * width
            top, bottom = frame.y(high), frame.y(low)
            boxes.append(Box(left, min(top, bottom), left + width, max(top, bottom)))
    return boxes


# --- labels: where each can go -------------------------------------------------------------------------


def _annotation_box(fig: go.Figure, note, frame: Frame, yshift: float | None = None) -> Box | None:
    """The box a text annotation (no arrow) is drawn in."""
    if note.showarrow is not False:  # Plotly's default draws an arrow
        return _arrow_box(fig, note, frame)
    size = _font_size(fig, note.font)
    width, height = text_size(note.text or "", size)
    width, height = width + 4, height + 2  # Plotly's border padding
    x = frame.paper_x(note.x) if note.xref == "paper" else frame.x(note.x)
    y = frame.paper_y(note.y) if note.yref == "paper" else frame.y(note.y)
    if x is None or y is None:
        return None
    x += note.xshift or 0
    y -= (note.yshift or 0) if yshift is None else yshift
    xanchor = note.xanchor if note.xanchor not in (None, "auto") else "center"
    yanchor = note.yanchor if note.yanchor not in (None, "auto") else "middle"
    x0 = x if xanchor == "left" else x - width if xanchor == "right" else x - width / 2
    y0 = y if yanchor == "top" else y - height if yanchor == "bottom" else y - height / 2
    return Box(x0, y0, x0 + width, y0 + height)


def _arrow_box(fig: go.Figure, note, frame: Frame) -> Box | None:
    """The text box of an annotation with an arrow: at ax, ay px from the point (or at data ax, ay)."""
    size = _font_size(fig, note.font)
    width, height = text_size(note.text or "", size)
    width, height = width + 4, height + 2
    x = frame.paper_x(note.x) if note.xref == "paper" else frame.x(note.x)
    y = frame.paper_y(note.y) if note.yref == "paper" else frame.y(note.y)
    if x is None or y is None:
        return None
    # The text's centre: at data ax, ay where they are in the axes' units, else that many px from the point.
    cx = frame.x(note.ax) if note.axref == "x" else x + (note.ax if note.ax is not None else -10)
    cy = frame.y(note.ay) if note.ayref == "y" else y + (note.ay if note.ay is not None else -30)
    if cx is None or cy is None:
        return None
    xanchor = note.xanchor if note.xanchor not in (None, "auto") else "center"
    x0 = cx if xanchor == "left" else cx - width if xanchor == "right" else cx - width / 2
    return Box(x0, cy - height / 2, x0 + width, cy + height / 2)


def _movable(note) -> bool:
    """A label written beside a line's end or the plot's edge, or a note named MOVABLE_NOTE: it may move up
    or down."""
    if note.showarrow is not False:
        return False
    if note.name in (MOVABLE_NOTE, PARTIAL_YEAR_NOTE):
        return True
    if note.xanchor != "left":
        return False
    return note.xref in (None, "x") or (note.xref == "paper" and (note.x or 0) >= 1)


_TEXT_SIGN = {"start": 1, "end": -1, "middle": 0, "bottom": 1, "top": -1}
POSITIONS = (
    "bottom right",
    "top left",
    "bottom left",
    "top right",
    "bottom center",
    "top center",
    "middle right",
    "middle left",
)


def _text_box(x: float, y: float, text: str, size: float, position: str, marker_size: float) -> Box:
    """Where Plotly draws a trace's text at a point (drawing.textPointPosition)."""
    v = "top" if "top" in position else "bottom" if "bottom" in position else "middle"
    h = "end" if "left" in position else "start" if "right" in position else "middle"
    r = marker_size / 2 / 0.8 + 1 if marker_size else 0
    lines = lines_of(text)
    count = (len(lines) - 1) * LINE + 1
    dx = _TEXT_SIGN[h] * r
    dy = size * 0.75 + _TEXT_SIGN[v] * r + (_TEXT_SIGN[v] - 1) * count * size / 2
    width = max(text_width(line, size) for line in lines)
    baseline = y + dy
    left = x + dx - (width if h == "end" else width / 2 if h == "middle" else 0)
    return Box(
        left, baseline - 0.75 * size, left + width, baseline + (len(lines) - 1) * size * LINE + 0.21 * size
    )


def _offsets(limit: int = 160, step: int = 3) -> list[int]:
    out = [0]
    for k in range(step, limit + 1, step):
        out += [k, -k]
    return out


def place_labels(fig: go.Figure, sizes: tuple[tuple[float, float], ...]) -> None:
    """Move the chart's movable labels (see the module's docstring) to places that are clear at every
    size in `sizes` ((width, height) px), in place. A label with no clear place keeps the least crowded."""
    if not _is_category_chart(fig):
        return
    frames = [Frame(fig, w, h) for w, h in sizes]
    obstacles = [_trace_obstacles(fig, f) for f in frames]
    notes = list(fig.layout.annotations)
    movable = [i for i, n in enumerate(notes) if _movable(n) and (n.text or "").strip()]
    # Notes that stay put are obstacles; so is every label once placed.
    for i, note in enumerate(notes):
        if i in movable or not (note.text or "").strip():
            continue
        for frame, found in zip(frames, obstacles, strict=True):
            box = _annotation_box(fig, note, frame)
            if box is not None:
                found.boxes.append(box)
    # Labels at points first where the figure places text of its own (they are the chart's figures), bar
    # text aside; then the labels beside the lines' ends, which may move further.
    for t in fig.data:
        if t.type != "scatter" or t.visible not in (None, True) or "text" not in (t.mode or ""):
            continue
        _place_trace_text(fig, t, frames, obstacles)
    # The labels at the right: placed top down from where each wants to be.
    order = sorted(movable, key=lambda i: _top(fig, notes[i], frames[0]))
    for i in order:
        note = notes[i]
        wanted = note.yshift or 0
        best, best_hits = wanted, None
        # A movable label has no arrow: shifted, its box only moves up (its box at no shift, worked out once:
        # reading a Plotly figure's properties is what made placing labels slow).
        level = [_annotation_box(fig, note, f, yshift=0) for f in frames]
        near = [found.across(b) for b, found in zip(level, obstacles, strict=True) if b is not None]
        for offset in _offsets(limit=int(max(f.bottom - f.top for f in frames))):
            shift = wanted + offset
            if any(b is None for b in level):
                break
            boxes = [Box(b.x0, b.y0 - shift, b.x1, b.y1 - shift) for b in level]
            hits = sum(
                found.hit(b) or b.y0 < f.top - 4 or b.y1 > f.bottom + 4 or b.x1 > f.width
                for b, f, found in zip(boxes, frames, near, strict=True)
            )
            if hits == 0:
                best, best_hits = shift, 0
                break
            if best_hits is None or hits < best_hits:
                best, best_hits = shift, hits
        note.yshift = best
        for frame, found in zip(frames, obstacles, strict=True):
            box = _annotation_box(fig, note, frame)
            if box is not None:
                found.boxes.append(box)


def _top(fig: go.Figure, note, frame: Frame) -> float:
    box = _annotation_box(fig, note, frame)
    return box.y0 if box is not None else 0.0


def _place_trace_text(fig: go.Figure, trace, frames: list[Frame], obstacles: list[_Obstacles]) -> None:
    texts = _items(trace.text)
    if isinstance(trace.text, str):
        texts = [trace.text] * len(_items(trace.x))
    given = trace.textposition
    given = _items(given) if isinstance(given, list | tuple) else [given or "middle center"] * len(texts)
    size = trace.textfont.size if trace.textfont and trace.textfont.size else _font_size(fig, None)
    has_markers = "markers" in (trace.mode or "")
    marker = (
        (trace.marker.size if trace.marker and isinstance(trace.marker.size, int | float) else 6)
        if has_markers
        else 0
    )
    # Only markers-and-text traces (published figures, running totals) get moved; a text-only trace (a
    # stack's total above it) stays where its builder put it.
    if not has_markers and "lines" not in (trace.mode or ""):
        for frame, found in zip(frames, obstacles, strict=True):
            for x, y, text, pos in zip(_items(trace.x), _items(trace.y), texts, given, strict=False):
                px, py = frame.x(x), frame.y(y)
                if text and px is not None and py is not None:
                    found.boxes.append(_text_box(px, py, str(text), size, pos or "middle center", 0))
        return
    chosen = []
    for x, y, text, pos in zip(_items(trace.x), _items(trace.y), texts, given, strict=False):
        if not text or _number(y) is None:
            chosen.append(pos)
            continue
        best, best_hits = pos, None
        for candidate in dict.fromkeys([pos, *POSITIONS]):
            if not candidate:
                continue
            hits = 0
            for frame, found in zip(frames, obstacles, strict=True):
                px, py = frame.x(x), frame.y(y)
                box = _text_box(px, py, str(text), size, candidate, marker)
                # Its own marker is no obstacle (the text sits beside it by construction).
                own = Box(px - 0.5, py - 0.5, px + 0.5, py + 0.5)
                clear = not _hit_except(found, box, own)
                inside = (
                    box.x0 >= frame.left - 2
                    and box.x1 <= frame.right + 2
                    and box.y0 >= frame.top - 2
                    and box.y1 <= frame.bottom + 2
                )
                hits += (not clear) + (not inside)
            if hits == 0:
                best, best_hits = candidate, 0
                break
            if best_hits is None or hits < best_hits:
                best, best_hits = candidate, hits
        chosen.append(best)
        for frame, found in zip(frames, obstacles, strict=True):
            px, py = frame.x(x), frame.y(y)
            found.boxes.append(_text_box(px, py, str(text), size, best, marker))
    trace.textposition = chosen


def _hit_except(found: _Obstacles, box: Box, own: Box) -> bool:
    for other in found.boxes:
        if box.overlaps(other, 2.0) and not (other.overlaps(own) and other.x1 - other.x0 < 40):
            return True
    return any(box.crossed_by(a, b, 2.0) for a, b in found.lines)


# --- the words at the top: title, subtitle, legend ----------------------------------------------------


def _legend_rows(fig: go.Figure, width: float, frame: Frame) -> int:
    """How many rows the horizontal legend takes at `width`."""
    if fig.layout.showlegend is False:
        return 0
    size = _font_size(fig, fig.layout.legend.font, 13)
    names = [
        t.name
        for t in fig.data
        if t.visible in (None, True)
        and t.showlegend is not False
        and t.name
        and (t.type != "scatter" or t.mode != "text")
    ]
    if len(names) < 2 and fig.layout.showlegend is not True:
        return 0
    if not names:
        return 0
    # Plotly's horizontal legend: one row if every entry fits side by side; else a grid whose columns are
    # as wide as the widest entry (legend/draw.js, computeLegendDimensions).
    left = frame.left
    if any(t.type == "bar" and t.orientation == "h" for t in fig.data):
        # Horizontal bars: Plotly widens the left margin to hold the longest category label.
        tick = _font_size(fig, fig.layout.yaxis.tickfont, 14)
        labels = [str(y) for t in fig.data for y in _items(t.y) if y is not None]
        left = max(left, max((text_width(plain_line(y), tick) for y in labels), default=0) + 12)
    available = frame.right - left
    entries = [40 + text_width(plain_line(name), size) + 5 for name in names]
    if sum(entries) < available:
        return 1
    columns = max(1, int(available // max(entries)))
    return math.ceil(len(entries) / columns)


class _Read:
    """A Plotly object as fit() reads it: each property read once (a Plotly property read validates and
    copies: fitting a chart read its traces' values once per size it is fitted to, thousands of reads), every
    write passed to the object itself (and read from it again after)."""

    __slots__ = ("_obj", "_seen")

    def __init__(self, obj) -> None:
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_seen", {})

    def __getattr__(self, name: str):
        seen = self._seen
        if name not in seen:
            seen[name] = _read(getattr(self._obj, name))
        return seen[name]

    def __setattr__(self, name: str, value) -> None:
        setattr(self._obj, name, value)
        self._seen.pop(name, None)


def _read(value):
    if isinstance(value, BasePlotlyType):
        return _Read(value)
    if isinstance(value, tuple) and value and all(isinstance(v, BasePlotlyType) for v in value):
        return tuple(_Read(v) for v in value)
    return value


def fit(
    fig: go.Figure,
    *,
    widths: tuple[float, ...] = PAGE_WIDTHS,
    height: float | None = None,
    extra: tuple[tuple[float, float], ...] = (IMAGE_SIZE,),
) -> go.Figure:
    """Fit the figure's words to being drawn `widths` px wide at `height` px (default: its own), in place:
    title and subtitle wrapped to the narrowest width, the top margin made room for them and the legend,
    and the labels placed clear of each other, the lines and the markers at every width (and at the sizes
    in `extra`). Returns the figure."""
    figure, fig = fig, _Read(fig)
    layout = fig.layout
    height = height or layout.height or 450
    narrowest = min(widths)
    title = layout.title
    title_size = _font_size(fig, title.font, 17)
    sub_size = _font_size(fig, title.subtitle.font, 13) if title.subtitle else 13
    pad = (title.pad.l or 0) if title.pad else 0
    room = narrowest - pad - 16
    if title.text:
        title.text = wrap(title.text, title_size, room, bold=(title.font.weight in ("bold", 700)))
    if title.subtitle and title.subtitle.text:
        title.subtitle.text = wrap(title.subtitle.text, sub_size, room)
    title_lines = len(lines_of(title.text or "")) if title.text else 0
    # Plotly sets a title's first baseline 0.7 em below its top, except where it has several lines: those
    # start at the top itself, so the first line would be cut. Move such a title down by that 0.7 em.
    if title.yref in (None, "container") and title.yanchor == "top":
        title.y = 0.98 - (0.7 * title_size / height if title_lines > 1 else 0)
    sub_lines = len(lines_of(title.subtitle.text or "")) if title.subtitle and title.subtitle.text else 0
    frame = Frame(fig, narrowest, height)
    rows = _legend_rows(fig, narrowest, frame) if _legend_above(fig) else 0
    # The title's top at 2% of the height (y=0.98, less the 0.7 em above), which is further down the taller
    # the chart is drawn (a presentation view's box, the PNG): room is made for the tallest; the subtitle
    # under it; the legend above the plot, a row as high as Plotly makes one at its font's size.
    tallest = max([height, *(h for _, h in extra)])
    top = tallest * (1 - (title.y if title.y is not None else 0.98))
    if title_lines:
        top += title_size * (0.75 + 1.3 * max(title_lines - 1, 0)) + 0.5 * title_size
    if sub_lines:
        top += 13 + sub_size * LINE * sub_lines
    if rows:
        legend_size = _font_size(fig, fig.layout.legend.font, 13)
        top += 8 + 10.4 + (max(legend_size * LINE, 16) + 3) * rows + 6
    else:
        top += 14
    if layout.margin.t is None or layout.margin.t < top:
        layout.margin.t = math.ceil(top)
    place_labels(fig, tuple((w, height) for w in widths) + tuple(extra))
    return figure


def _legend_above(fig: go.Figure) -> bool:
    legend = fig.layout.legend
    return legend.orientation == "h" and (legend.y or 0) >= 1
