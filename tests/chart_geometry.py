"""What a rendered chart draws, read back from the SVG Kaleido makes of it (Chromium laying it out, as on the
page and in the PNG): every piece of text with its box, every line, marker and bar; and the collisions a
reader would see: a label over another label, a line or a marker, or out of the figure.

Text boxes are measured with the font the browser draws (Arial, which is Liberation Sans here: the same
metrics), from each text element's position, anchor, size and lines. Lines are the traces' and the shapes'
drawn strokes; markers and bars their drawn outlines.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree
from PIL import ImageFont

FONTS = "/usr/share/fonts/truetype/liberation/LiberationSans-{}.ttf"
SVG = "{http://www.w3.org/2000/svg}"
# Labels that say what a chart shows: they must stay clear of each other, of lines and of markers.
DATA_LABELS = ("annotation", "trace-text", "bar-text")
# Text a data label must not run into either.
OTHER_TEXT = ("legend", "title", "tick", "axis-title")


@lru_cache(maxsize=64)
def _font(size: float, bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONTS.format("Bold" if bold else "Regular"), size=max(1, round(size * 4)))


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width in px of `text` at `size` px (measured at 4x for sub-pixel accuracy)."""
    return _font(size, bold).getlength(text) / 4


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, *, slack: float = 0.5) -> bool:
        """Whether the two boxes share more than `slack` px each way."""
        return (
            min(self.x1, other.x1) - max(self.x0, other.x0) > slack
            and min(self.y1, other.y1) - max(self.y0, other.y0) > slack
        )

    def crossed_by(self, a: tuple[float, float], b: tuple[float, float], *, slack: float = 0.5) -> bool:
        """Whether the segment a-b passes through the box (shrunk by `slack`): Liang-Barsky clipping."""
        x0, y0, x1, y1 = self.x0 + slack, self.y0 + slack, self.x1 - slack, self.y1 - slack
        if x0 >= x1 or y0 >= y1:
            return False
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

    def moved(self, dx: float, dy: float) -> Box:
        return Box(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)

    def __str__(self) -> str:
        return f"({self.x0:.0f},{self.y0:.0f})-({self.x1:.0f},{self.y1:.0f})"


@dataclass
class Text:
    kind: str  # "annotation", "trace-text", "bar-text", "legend", "title", "tick", "axis-title"
    text: str
    box: Box
    size: float  # px
    group: str = ""  # texts of one group are laid out together by Plotly (one axis's ticks, the legend)


@dataclass
class Scene:
    """A rendered chart: its size, plot area, texts, lines (polylines with a stroke), markers and bars."""

    width: float
    height: float
    plot: Box | None = None
    texts: list[Text] = field(default_factory=list)
    lines: list[tuple[str, list[tuple[float, float]]]] = field(default_factory=list)
    markers: list[tuple[str, Box]] = field(default_factory=list)
    bars: list[tuple[str, Box]] = field(default_factory=list)

    def labels(self) -> list[Text]:
        return [t for t in self.texts if t.kind in DATA_LABELS and t.text.strip()]


_NUMBER = r"-?[\d.]+(?:e-?\d+)?"


def _transform(value: str | None) -> tuple[float, float, bool]:
    """A transform attribute's translation, and whether it also turns (rotate other than 0)."""
    if not value:
        return 0.0, 0.0, False
    dx = dy = 0.0
    for x, y in re.findall(rf"translate\(\s*({_NUMBER})(?:[\s,]+({_NUMBER}))?\s*\)", value):
        dx += float(x)
        dy += float(y or 0)
    turned = any(float(a) != 0 for a in re.findall(rf"rotate\(\s*({_NUMBER})", value))
    return dx, dy, turned


def _style(element, name: str) -> str | None:
    match = re.search(rf"(?:^|;)\s*{name}\s*:\s*([^;]+)", element.get("style") or "")
    return match.group(1).strip() if match else None


def _px(value: str | None, default: float = 0.0) -> float:
    if not value:
        return default
    match = re.match(_NUMBER, value.strip())
    return float(match.group(0)) if match else default


def _points(d: str) -> list[list[tuple[float, float]]]:
    """The vertices of an SVG path (M, L, H, V, Z, absolute; arcs and curves by their end points), one list
    per sub-path."""
    runs: list[list[tuple[float, float]]] = []
    x = y = 0.0
    for command, args in re.findall(r"([MLHVZACQSTmlhvzacqst])([^MLHVZACQSTmlhvzacqst]*)", d or ""):
        numbers = [float(n) for n in re.findall(_NUMBER, args)]
        if command == "M":
            for i in range(0, len(numbers) - 1, 2):
                x, y = numbers[i], numbers[i + 1]
                if i == 0:
                    runs.append([(x, y)])
                else:
                    runs[-1].append((x, y))
        elif command == "L":
            for i in range(0, len(numbers) - 1, 2):
                x, y = numbers[i], numbers[i + 1]
                runs[-1].append((x, y))
        elif command == "H":
            for n in numbers:
                x = n
                runs[-1].append((x, y))
        elif command == "V":
            for n in numbers:
                y = n
                runs[-1].append((x, y))
        elif command == "h":
            for n in numbers:
                x += n
                runs[-1].append((x, y))
        elif command == "v":
            for n in numbers:
                y += n
                runs[-1].append((x, y))
        elif command in "ACQST" and len(numbers) >= 2:
            x, y = numbers[-2], numbers[-1]
            runs[-1].append((x, y))
        elif command in "Zz" and runs and runs[-1]:
            runs[-1].append(runs[-1][0])
    return [r for r in runs if r]


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def _text_box(element, dx: float, dy: float) -> tuple[str, Box, float, bool]:
    """A text element's words, box (baseline-placed, Liberation Sans metrics), size and boldness."""
    size = _px(_style(element, "font-size"), 12.0)
    bold = (_style(element, "font-weight") or "normal") in ("bold", "700", "800", "900")
    anchor = element.get("text-anchor") or "start"
    x, y = _px(element.get("x")), _px(element.get("y"))
    tdx, tdy, _ = _transform(element.get("transform"))
    x, y = x + dx + tdx, y + dy + tdy
    spans = [s for s in element.iter(f"{SVG}tspan") if "line" in _classes(s)]
    own_dy = element.get("dy") or ""  # titles: dy="0.7em" moves the baseline down from y...
    if not any(s.get("y") is not None for s in spans):  # ...unless its lines set their own y (as drawn)
        y += _px(own_dy) * (size if own_dy.endswith("em") else 1.0)
    lines = ["".join(s.itertext()) for s in spans] if spans else ["".join(element.itertext())]
    # dy is in em: "1.3em" per line after the first (Plotly's line spacing).
    line_height = 1.3 * size
    # The ink of each line (PIL's bounding box of the glyphs drawn, from the baseline): what a reader sees
    # touch, not the line's full height.
    font = _font(size, bold)
    inks = [font.getbbox(line, anchor="ls") if line.strip() else None for line in lines]
    found = []
    for k, (line, ink) in enumerate(zip(lines, inks, strict=True)):
        if ink is None:
            continue
        width = font.getlength(line) / 4  # each line anchored on its own (text-anchor applies per line)
        x0 = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
        base = y + k * line_height
        found.append((x0 + ink[0] / 4, base + ink[1] / 4, x0 + ink[2] / 4, base + ink[3] / 4))
    if not found:
        return "\n".join(lines), Box(x, y, x, y), size, bold
    left, top = min(f[0] for f in found), min(f[1] for f in found)
    right, bottom = max(f[2] for f in found), max(f[3] for f in found)
    return "\n".join(lines), Box(left, top, right, bottom), size, bold


def scene(svg: bytes | str) -> Scene:
    """Read a Plotly SVG (Kaleido's) into a Scene."""
    root = etree.fromstring(svg.encode() if isinstance(svg, str) else svg)
    out = Scene(width=_px(root.get("width")), height=_px(root.get("height")))

    def walk(element, dx: float, dy: float, context: tuple[str, ...], turned: bool) -> None:
        tdx, tdy, rotates = _transform(element.get("transform"))
        tag = element.tag.replace(SVG, "") if isinstance(element.tag, str) else ""
        classes = _classes(element)
        here = context + tuple(sorted(classes))
        if tag == "text":
            _add_text(element, dx, dy, here, turned or rotates)
            return
        if tag in ("defs", "clipPath"):
            return
        if tag == "path":
            _add_path(element, dx + tdx, dy + tdy, here)
        if tag == "g" and "xy" in classes and "overplot" in context:
            clip = element.get("clip-path")
            if clip:
                out.plot = _plot_area(root, clip, dx + tdx, dy + tdy) or out.plot
        for child in element:
            walk(child, dx + tdx, dy + tdy, here, turned or rotates)

    def _add_text(element, dx, dy, context, turned) -> None:
        words, box, size, _ = _text_box(element, dx, dy)
        if not words.strip():
            return
        classes = _classes(element)
        if "annotation-text" in classes:
            kind, group = "annotation", ""
        elif "bartext" in classes:
            kind, group = "bar-text", ""
        elif "textpoint" in context:
            kind, group = "trace-text", ""
        elif "legendtext" in classes:
            kind, group = "legend", "legend"
        elif "gtitle-subtitle" in classes:
            kind, group = "title", "subtitle"
        elif "gtitle" in classes or "g-gtitle" in context:
            kind, group = "title", "title"
        elif "xtick" in context or "ytick" in context:
            kind, group = "tick", "xtick" if "xtick" in context else "ytick"
        elif "g-xtitle" in context or "g-ytitle" in context or "xtitle" in classes or "ytitle" in classes:
            kind, group = "axis-title", ""
        else:
            kind, group = "other", ""
        if turned:
            if kind in ("tick", "axis-title"):
                return  # slanted year labels and the vertical axis title: laid out by Plotly in its margins
            kind = "turned"
        out.texts.append(Text(kind, words, box, size, group))

    def _add_path(element, dx, dy, context) -> None:
        stroke = _px(_style(element, "stroke-width"), 0.0)
        opacity = _px(_style(element, "opacity"), 1.0)
        stroke_opacity = _px(_style(element, "stroke-opacity"), 1.0)
        classes = _classes(element)
        runs = [[(x + dx, y + dy) for x, y in run] for run in _points(element.get("d") or "")]
        if not runs or opacity == 0:
            return
        if "legend" in context:
            return  # the legend's own symbols
        if "js-line" in classes and "lines" in context:
            if stroke > 0 and stroke_opacity > 0:
                out.lines.extend(("trace line", run) for run in runs if len(run) > 1)
            return
        if "point" in classes and "points" in context:
            xs = [x for run in runs for x, _ in run]
            ys = [y for run in runs for _, y in run]
            half = stroke / 2
            out.markers.append(
                ("marker", Box(min(xs) - half, min(ys) - half, max(xs) + half, max(ys) + half))
            )
            return
        if "barlayer" in context and "point" in context:
            xs = [x for run in runs for x, _ in run]
            ys = [y for run in runs for _, y in run]
            if max(xs) - min(xs) > 0.5 and max(ys) - min(ys) > 0.5:
                out.bars.append(("bar", Box(min(xs), min(ys), max(xs), max(ys))))
            return
        if "shapelayer" in context and stroke > 0 and stroke_opacity > 0:
            out.lines.extend(("shape line", run) for run in runs if len(run) > 1)

    walk(root, 0.0, 0.0, (), False)
    return out


def _plot_area(root, clip: str, dx: float, dy: float) -> Box | None:
    match = re.search(r"#([^)]+)\)", clip)
    if not match:
        return None
    for element in root.iter(f"{SVG}clipPath"):
        if element.get("id") == match.group(1):
            rect = element.find(f"{SVG}rect")
            if rect is not None:
                w, h = _px(rect.get("width")), _px(rect.get("height"))
                return Box(dx, dy, dx + w, dy + h)
    return None


def collisions(found: Scene, *, slack: float = 0.5) -> list[str]:
    """What a reader would wince at: a data label over another label or any other text, a line or a
    marker, or out of the figure; a title, legend or axis title out of the figure. One line each."""
    problems: list[str] = []
    labels = found.labels()
    figure = Box(0, 0, found.width, found.height)
    for text in found.texts:
        if text.kind in ("other",):
            continue
        box = text.box
        if (
            box.x0 < figure.x0 - slack
            or box.x1 > figure.x1 + slack
            or box.y0 < -slack
            or box.y1 > found.height + slack
        ):
            problems.append(
                f"{text.kind} {text.text!r} {box} goes out of the figure ({found.width:.0f}x{found.height:.0f})"
            )
    others = [t for t in found.texts if t.kind in OTHER_TEXT or t.kind == "turned"]
    for i, label in enumerate(labels):
        for other in labels[i + 1 :]:
            if label.box.overlaps(other.box, slack=slack):
                problems.append(
                    f"{label.kind} {label.text!r} {label.box} overlaps {other.kind} {other.text!r} {other.box}"
                )
        for other in others:
            if label.box.overlaps(other.box, slack=slack):
                problems.append(
                    f"{label.kind} {label.text!r} {label.box} overlaps {other.kind} {other.text!r} {other.box}"
                )
        for what, run in found.lines:
            if any(label.box.crossed_by(a, b, slack=slack) for a, b in itertools.pairwise(run)):
                problems.append(f"{label.kind} {label.text!r} {label.box} is crossed by a {what}")
                break
        for what, box in found.markers:
            if label.box.overlaps(box, slack=slack):
                problems.append(f"{label.kind} {label.text!r} {label.box} covers a {what} {box}")
                break
    # Text Plotly lays out on its own (titles, the legend, axis titles) must not run into each other either.
    fixed = [t for t in found.texts if t.kind in ("title", "legend", "axis-title")]
    for i, text in enumerate(fixed):
        for other in fixed[i + 1 :]:
            if text.group and text.group == other.group:
                continue
            if text.box.overlaps(other.box, slack=slack):
                problems.append(
                    f"{text.kind} {text.text!r} {text.box} overlaps {other.kind} {other.text!r} {other.box}"
                )
    return problems
