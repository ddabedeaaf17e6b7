"""What a chart shows, as a table of series: read back from the page's own Plotly figure, so a slide, a text
alternative and a screen reader get exactly the figures the page draws (privacy and coverage were decided
before the figure was built; nothing here decides them again).

One generic reading serves every chart, those added later included: categories (school years, cohorts,
regions) and one series per trace, with its kind (bar, line, markers, band), colour, dash, data labels and
number format. Goal lines drawn as shapes become constant series; labels written at a line's end become that
point's data label. What cannot be a category chart (a histogram, a map) raises NotNative, saying why.
"""

from __future__ import annotations

import base64
import html
import itertools
import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.chart_fit import unwrap

HIDDEN_WORDS = "hidden (small numbers)"
# Trace types that are not a category chart: a histogram bins a continuous measure, and maps and pies have no
# category axis to put on a slide's category chart.
_NOT_CATEGORY = {
    "histogram": "a histogram bins a continuous measure, which a category chart cannot hold",
    "choropleth": "a map has no category axis",
    "choroplethmap": "a map has no category axis",
    "choroplethmapbox": "a map has no category axis",
    "scattergeo": "a map has no category axis",
    "scattermap": "a map has no category axis",
    "scattermapbox": "a map has no category axis",
    "pie": "a pie has no category axis",
    "heatmap": "a heatmap has two category axes",
}


class NotNative(ValueError):
    """The figure cannot be a native category chart; the message says why."""


@dataclass
class Series:
    """One series of a chart, with how the page draws it."""

    name: str
    values: list[float | None]
    kind: str = "line"  # "bar", "line", "markers" (no line), "band" (its values are the band's low edge)
    high: list[float | None] | None = None  # the band's high edge
    color: str | None = None
    point_colors: list[str | None] | None = None
    dash: str | None = None  # None (solid), "dash", "dot"
    width: float | None = None  # px, as on the page
    marker: str | None = None  # "circle", "diamond", "circle-open", "diamond-open"
    labels: list[str | None] | None = None  # a data label per point, as the page writes it
    label_position: str = "above"  # "above", "below", "right", "outside", "inside"
    label_positions: list[str | None] | None = None  # per point, where the page places each differently
    in_legend: bool = True
    helper: bool = False  # drawn only to carry labels (a stack's total), not a figure of its own
    reference: bool = False  # a goal or benchmark the page draws as a line or band, not a figure of the view


@dataclass
class FigureData:
    """A figure's categories and series, its axes' titles and number format, and its title and subtitle."""

    title: str
    subtitle: str
    categories: list[str]
    series: list[Series]
    horizontal: bool = False
    stacked: bool = False
    value_format: str = "number"  # "percent", "decimal2", "number"
    category_title: str = ""
    value_title: str = ""
    value_range: tuple[float, float] | None = None
    legend: bool = True
    notes: list[str] = field(default_factory=list)

    def format(self, value: float | None) -> str:
        """A value as the page writes it (8.6%, 0.22, 1,234)."""
        return format_value(value, self.value_format)


def format_value(value: float | None, how: str) -> str:
    """'8.6%', '0.22' or '1,234' ('no figure' for a gap)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no figure"
    if how == "percent":
        return f"{value:.1%}"
    if how == "decimal2":
        return f"{value:.2f}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


_TAG = re.compile(r"<[^>]+>")


def plain(text: object) -> str:
    """Figure text as words: line breaks as spaces, markup dropped, entities read (the figure escaped
    names as entities; a slide or an aria-label shows text, so they go back to the characters)."""
    if text is None:
        return ""
    return html.unescape(_TAG.sub("", re.sub(r"<br[^>]*>", " ", str(text)))).strip()


def _category(text: object) -> str:
    """A category label: a figure's line break becomes a real one (PowerPoint wraps it there too)."""
    return html.unescape(_TAG.sub("", re.sub(r"<br[^>]*>", "\n", unwrap(str(text))))).strip()


def _number(value: object) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _items(values: object) -> list:
    """A trace's values as a list, also where the figure came back from JSON or a dict (plotly writes a numeric
    array there as a typed array: {"dtype": "f8", "bdata": base64})."""
    if values is None:
        return []
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).tolist()
    return list(values)


def _value_format(tickformat: str | None) -> str:
    if tickformat and tickformat.endswith("%"):
        return "percent"
    if tickformat and tickformat.endswith("f") and "2" in tickformat:
        return "decimal2"
    return "number"


def _dash(value: str | None) -> str | None:
    if value in (None, "solid"):
        return None
    return "dot" if "dot" in value else "dash"


def _color(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _text_list(text: object, n: int) -> list[str | None] | None:
    if text is None or (isinstance(text, str) and not text):
        return None
    items = [text] * n if isinstance(text, str) else list(text)
    out: list[str | None] = []
    for item in items[:n]:
        number = _number(item)
        if isinstance(item, str):
            out.append(plain(item) or None)
        elif number is not None:
            out.append(f"{number:,.0f}" if number.is_integer() else f"{number:,}")
        else:
            out.append(None)
    return out + [None] * (n - len(out))


def _position(textposition: object, default: str) -> str:
    if isinstance(textposition, list | tuple) and textposition:
        # Per point on the page (goal_charts.add_references); one place for the series on a slide: the most used.
        textposition = max(sorted(set(textposition)), key=list(textposition).count)
    if not isinstance(textposition, str):
        return default
    if textposition.startswith("top"):
        return "above"
    if textposition.startswith("bottom"):
        return "below"
    if textposition in ("inside", "auto"):
        return "inside"
    if textposition == "outside":
        return "outside"
    if textposition == "middle right":
        return "right"
    if textposition == "middle left":
        return "left"
    return default


def _native_traces(fig: go.Figure) -> tuple[list, bool]:
    """The figure's visible traces and whether its bars lie horizontal; NotNative where it cannot be a
    category chart."""
    layout = fig.layout
    traces = [t for t in fig.data if t.visible in (None, True)]
    for trace in traces:
        if trace.type in _NOT_CATEGORY:
            raise NotNative(_NOT_CATEGORY[trace.type])
        if trace.type not in ("bar", "scatter"):
            raise NotNative(f"a {trace.type} trace has no counterpart in PowerPoint's category charts")
    if not traces:
        raise NotNative("the chart draws nothing for this view (its message is the slide)")
    horizontal = any(t.type == "bar" and t.orientation == "h" for t in traces)
    if horizontal and any(t.type != "bar" for t in traces):
        raise NotNative("lines over horizontal bars have no counterpart in PowerPoint")
    cat_axis = layout.yaxis if horizontal else layout.xaxis
    if cat_axis.type != "category" and any(
        _items(t.y if horizontal else t.x)
        and all(
            isinstance(v, (int, float)) and not isinstance(v, bool)
            for v in _items(t.y if horizontal else t.x)
        )
        for t in traces
    ):
        raise NotNative("points placed on two numeric axes (a map, a scatter plot) have no category axis")
    return traces, horizontal


def _categories_of(trace, horizontal: bool) -> list[str]:
    return [_category(v) for v in _items(trace.y if horizontal else trace.x)]


def _values_of(trace, horizontal: bool) -> list[float | None]:
    return [_number(v) for v in _items(trace.x if horizontal else trace.y)]


def _categories(traces: list, cat_axis, horizontal: bool) -> list[str]:
    """The category axis's order where the figure sets one, then any category a trace adds."""
    if cat_axis.categoryarray is not None and len(cat_axis.categoryarray):
        categories = [_category(c) for c in _items(cat_axis.categoryarray)]
    else:
        categories = list(dict.fromkeys(c for t in traces for c in _categories_of(t, horizontal)))
    for trace in traces:
        categories += [c for c in dict.fromkeys(_categories_of(trace, horizontal)) if c not in categories]
    return categories


def _band(trace, series: list[Series], edge: int | None, index: dict[str, int], horizontal: bool) -> Series:
    """A band: Plotly fills from the previous trace (its high edge, drawn without a line, taken off
    `series` here) to this one."""
    n = len(index)
    upper = series.pop(edge) if edge is not None and edge == len(series) - 1 else None
    high = upper.values if upper else [None] * n
    low = [None] * n
    for c, v in zip(_categories_of(trace, horizontal), _values_of(trace, horizontal), strict=False):
        low[index[c]] = v
    return Series(plain(trace.name) or "Band", low, kind="band", high=high, color=_color(trace.fillcolor))


def _trace_series(trace, i: int, index: dict[str, int], horizontal: bool, value_axis) -> list[Series]:
    """A bar or line trace as series: one per occurrence of a category (published figures of three groups
    in one trace), the later ones out of the legend."""
    n = len(index)
    cats, vals = _categories_of(trace, horizontal), _values_of(trace, horizontal)
    occurrences: list[list[float | None]] = []
    occ_labels: list[list[str | None]] = []
    occ_positions: list[list[str | None]] = []
    texts = _text_list(trace.text, len(cats)) if _shows_text(trace) else None
    per_point = list(trace.textposition) if isinstance(trace.textposition, list | tuple) and texts else None
    seen: dict[str, int] = {}
    for j, (c, v) in enumerate(zip(cats, vals, strict=False)):
        k = seen.get(c, 0)
        seen[c] = k + 1
        while len(occurrences) <= k:
            occurrences.append([None] * n)
            occ_labels.append([None] * n)
            occ_positions.append([None] * n)
        occurrences[k][index[c]] = v
        if texts:
            occ_labels[k][index[c]] = texts[j]
        if per_point and j < len(per_point):
            occ_positions[k][index[c]] = _position(per_point[j], "above")
    # A chart of one unnamed series (bars by region) names it by its value axis.
    name = plain(trace.name) or (trace.type == "bar" and plain(value_axis.title.text)) or _edge_name(trace, i)
    kind = "bar" if trace.type == "bar" else ("markers" if "lines" not in (trace.mode or "lines") else "line")
    marker_color = trace.marker.color if trace.marker else None
    point_colors = None
    if not isinstance(marker_color, str) and marker_color is not None:
        point_colors = [None] * n
        for c, col in zip(cats, list(marker_color), strict=False):
            point_colors[index[c]] = _color(col)
    color = _color(trace.line.color) if trace.type == "scatter" and trace.line else None
    color = color or _color(marker_color)
    found = []
    for k, values in enumerate(occurrences):
        if kind == "line" and "markers" not in (trace.mode or ""):
            values = _interpolated(values)
        labels = occ_labels[k] if texts else None
        found.append(
            Series(
                name,
                values,
                kind=kind,
                color=color,
                point_colors=point_colors,
                dash=_dash(trace.line.dash) if trace.type == "scatter" and trace.line else None,
                width=trace.line.width if trace.type == "scatter" and trace.line else None,
                marker=_marker(trace, kind),
                labels=labels if labels and any(labels) else None,
                label_position="inside-base"
                if kind == "bar" and trace.insidetextanchor == "start"
                else _position(trace.textposition, "outside" if kind == "bar" else "above"),
                in_legend=k == 0 and trace.showlegend is not False and bool(plain(trace.name)),
                label_positions=occ_positions[k] if per_point and labels and any(labels) else None,
            )
        )
    return found


def figure_data(fig: go.Figure) -> FigureData:
    """The figure as categories and series (raises NotNative where it cannot be a category chart)."""
    layout = fig.layout
    traces, horizontal = _native_traces(fig)
    cat_axis, value_axis = (layout.yaxis, layout.xaxis) if horizontal else (layout.xaxis, layout.yaxis)
    categories = _categories(traces, cat_axis, horizontal)
    index = {c: i for i, c in enumerate(categories)}
    series: list[Series] = []
    first_series_of: dict[int, int] = {}  # trace index -> index of its first series
    for i, trace in enumerate(traces):
        if trace.type == "scatter" and trace.fill == "tonexty" and i > 0:
            series.append(_band(trace, series, first_series_of.get(i - 1), index, horizontal))
            continue
        first_series_of[i] = len(series)
        series += _trace_series(trace, i, index, horizontal, value_axis)
    data = FigureData(
        title=plain(layout.title.text),
        subtitle=layout.title.subtitle.text or "",
        categories=categories,
        series=series,
        horizontal=horizontal,
        stacked=layout.barmode in ("stack", "relative"),
        value_format=_value_format(value_axis.tickformat),
        category_title=plain(cat_axis.title.text),
        value_title=plain(value_axis.title.text),
        value_range=tuple(value_axis.range) if value_axis.range else None,
        legend=layout.showlegend is not False and len([s for s in series if s.in_legend]) > 1,
    )
    _add_goal_lines(fig, data)
    _add_end_labels(fig, data)
    _keep_end_labels_apart(data)
    _hidden_bars(data)
    _stack_totals(data)
    return data


def shows_nothing(data: FigureData) -> bool:
    """Whether the chart draws no figure of its view at all: every bar hidden, no point on any line (goals,
    benchmarks and helper series aside)."""
    return not any(v is not None for s in data.series if not (s.helper or s.reference) for v in s.values)


def _edge_name(trace, i: int) -> str:
    return plain(trace.name) or f"series {i + 1}"


def _shows_text(trace) -> bool:
    if trace.text is None:
        return False
    return trace.type == "bar" or "text" in (trace.mode or "")


def _marker(trace, kind: str) -> str | None:
    if kind == "bar":
        return None
    mode = trace.mode or "lines"
    if "markers" not in mode:
        return "none"
    symbol = trace.marker.symbol if trace.marker and isinstance(trace.marker.symbol, str) else "circle"
    return symbol


def _interpolated(values: list[float | None]) -> list[float | None]:
    """A line drawn through a few categories (a goal path from its start to its end) on every category in
    between, as Plotly draws it: straight, between the known points."""
    known = [i for i, v in enumerate(values) if v is not None]
    out = list(values)
    for a, b in itertools.pairwise(known):
        for i in range(a + 1, b):
            out[i] = values[a] + (values[b] - values[a]) * (i - a) / (b - a)
    return out


def _add_goal_lines(fig: go.Figure, data: FigureData) -> None:
    """Horizontal lines drawn as shapes (a goal of 100, a benchmark, a band's edges) as constant series,
    named by the label the page writes beside them."""
    paper_notes = [
        (a.y, plain(a.text))
        for a in fig.layout.annotations
        if a.xref == "paper" and a.yref in (None, "y") and a.y is not None
    ]
    n = len(data.categories)
    bands = []
    for shape in fig.layout.shapes:
        # A band across the plot (a goal of 10-15 a year): one band series, named by the label beside it.
        if (
            shape.type != "rect"
            or shape.xref not in ("paper", "x domain")
            or data.horizontal
            or shape.y0 is None
        ):
            continue
        low, high = sorted((float(shape.y0), float(shape.y1)))
        inside = [text for at, text in paper_notes if low <= at <= high]
        name = (
            inside[0]
            if inside
            else f"Band {format_value(low, data.value_format)} to {format_value(high, data.value_format)}"
        )
        bands.append((low, high))
        data.series.insert(
            0,
            Series(
                name, [low] * n, kind="band", high=[high] * n, color=_color(shape.fillcolor), reference=True
            ),
        )
    for shape in fig.layout.shapes:
        if shape.type != "line" or shape.y0 is None or shape.y0 != shape.y1 or data.horizontal:
            continue
        y = float(shape.y0)
        if any(y in (low, high) for low, high in bands):
            continue  # a band's edge, drawn over the bars on the page: the band itself on the slide
        exact = [text for at, text in paper_notes if at == y]
        labels = None
        if exact:
            name = exact[0]
            # The page writes the line's name beside its right end; so does the slide.
            labels = [None] * (n - 1) + [name]
        elif paper_notes:
            nearest = min(paper_notes, key=lambda p: abs(p[0] - y))[1]
            name = f"{nearest} ({format_value(y, data.value_format)})"
        else:
            name = f"Line at {format_value(y, data.value_format)}"
        named = bool(exact or paper_notes)  # an unlabelled line (a zero line) is no entry of the legend
        data.series.append(
            Series(
                name,
                [y] * n,
                kind="line",
                color=_color(shape.line.color),
                dash=_dash(shape.line.dash) or "dash",
                width=shape.line.width,
                marker="none",
                labels=labels,
                label_position="right",
                reference=True,
                in_legend=named,
            )
        )


def _add_end_labels(fig: go.Figure, data: FigureData) -> None:
    """A label the page writes at a point of a line ('Target 14% by 2029-30', 'Students 47%') becomes that
    point's data label, on the series of the same colour with a figure there, nearest the label."""
    for note in fig.layout.annotations:
        if note.xref not in (None, "x") or note.x is None or note.y is None:
            continue
        category = _category(note.x)
        if category not in data.categories:
            continue
        i = data.categories.index(category)
        color = note.font.color if note.font else None
        candidates = [
            s
            for s in data.series
            if s.kind in ("line", "markers")
            and s.values[i] is not None
            and (color is None or s.color == color)
        ]
        if not candidates:
            continue
        target = min(candidates, key=lambda s: abs(s.values[i] - float(note.y)))
        target.labels = target.labels or [None] * len(data.categories)
        target.labels[i] = plain(note.text)
        # The page shifts a label up or down where two lines end close together; the slide does the same.
        shift = note.yshift or 0
        target.label_position = "above" if shift > 0 else "below" if shift < 0 else "right"


def _keep_end_labels_apart(data: FigureData) -> None:
    """Two lines ending close together (teachers 10%, superintendents 9%): the page spreads their end labels
    apart; the slide writes the upper one above its point and the lower one below."""
    ends = [
        s
        for s in data.series
        if s.labels and s.label_position == "right" and s.labels[-1] is not None and s.values[-1] is not None
    ]
    shown = [v for s in data.series for v in s.values if v is not None]
    span = (max(shown) - min(0.0, min(shown))) if shown else 0
    ends.sort(key=lambda s: s.values[-1])
    for lower, upper in itertools.pairwise(ends):
        if span and upper.values[-1] - lower.values[-1] < 0.08 * span:
            lower.label_position, upper.label_position = "below", "above"


def _hidden_bars(data: FigureData) -> None:
    """A bar the page writes 'hidden (small numbers)' on has no figure: its value is a gap, not 0, so that
    "Edit data" never reads as 0%. A gap carries no data label in PowerPoint, so where the chart has one
    series the words go into the category's name ("Berkshires: hidden (small numbers)")."""
    bars = [s for s in data.series if s.kind == "bar"]
    for s in bars:
        if not s.labels:
            continue
        for i, label in enumerate(s.labels):
            if label == HIDDEN_WORDS:
                s.values[i] = None
                if len(data.series) == 1:
                    s.labels[i] = None
                    data.categories[i] = f"{data.categories[i]}: {HIDDEN_WORDS}"


def _stack_totals(data: FigureData) -> None:
    """Stacked bars labelled with their stack's total (as the page writes it above the stack): PowerPoint
    cannot place a stacked bar's label outside it, so the totals become a helper line, drawn invisibly,
    whose labels sit above each stack."""
    if not data.stacked:
        return
    bars = [s for s in data.series if s.kind == "bar"]
    for s in bars:
        if not s.labels:
            continue
        totals = [
            sum(b.values[i] or 0 for b in bars) if any(b.values[i] is not None for b in bars) else None
            for i in range(len(data.categories))
        ]
        written = [_number((label or "").replace(",", "")) for label in s.labels]
        if all(w is None or t is None or abs(w - t) < 1e-9 for w, t in zip(written, totals, strict=True)):
            s.labels = None
            data.series.append(
                Series(
                    "Total",
                    totals,
                    kind="line",
                    marker="none",
                    labels=[None if t is None else format_value(t, "number") for t in totals],
                    label_position="above",
                    in_legend=False,
                    helper=True,
                )
            )
        else:
            s.label_position = "inside"


def describe(data: FigureData, *, limit: int = 12) -> str:
    """The chart in words: its finding, then each series' figures ('Superintendents of color: 3.1% in
    2016-17, …, 8.6% in 2024-25.'); at most `limit` figures a series (the latest ones)."""
    lines = [data.title.rstrip(".") + "."]
    for s in data.series:
        if s.helper:
            continue
        if s.kind == "band":
            points = [
                f"{format_value(lo, data.value_format)} to {format_value(hi, data.value_format)} in {c}"
                for c, lo, hi in zip(data.categories, s.values, s.high or [], strict=False)
                if lo is not None and hi is not None
            ]
        else:
            labels = s.labels or [None] * len(data.categories)
            points = [
                (HIDDEN_WORDS if v is None and lab == HIDDEN_WORDS else format_value(v, data.value_format))
                + f" {'in' if _is_year(c) else 'for'} {c.replace(chr(10), ' ')}"
                for c, v, lab in zip(data.categories, s.values, labels, strict=True)
                if v is not None or lab == HIDDEN_WORDS
            ]
            hidden = [c.split(": ")[0] for c in data.categories if c.endswith(": " + HIDDEN_WORDS)]
            points += [f"{HIDDEN_WORDS} for {c}" for c in hidden]
        if not points:
            continue
        shown = [v for v in s.values if v is not None]
        if s.kind == "line" and len(shown) > 2 and len(set(shown)) == 1:
            lines.append(f"{s.name}: {format_value(shown[0], data.value_format)} throughout.")
            continue
        if len(points) > limit:
            points = ["…", *points[-limit:]]
        lines.append(f"{s.name}: {', '.join(points)}.")
    return " ".join(lines)


def _is_year(category: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}", category))


def figure_table(data: FigureData) -> pd.DataFrame:
    """The chart's figures as a table, one row per category and a column per series, written as the page
    writes them ('hidden (small numbers)' where a figure is hidden): the text alternative's table."""
    first = data.category_title or "Category"
    columns: dict[str, list[str]] = {first: [c.replace("\n", " ") for c in data.categories]}
    for s in data.series:
        name = s.name
        while name in columns:
            name += " "  # several series of one name (published figures of three groups)
        if s.kind == "band":
            columns[name] = [
                "" if lo is None or hi is None else f"{data.format(lo)} to {data.format(hi)}"
                for lo, hi in zip(s.values, s.high or [None] * len(s.values), strict=True)
            ]
            continue
        labels = s.labels or [None] * len(s.values)
        columns[name] = [
            HIDDEN_WORDS if v is None and lab == HIDDEN_WORDS else "" if v is None else data.format(v)
            for v, lab in zip(s.values, labels, strict=True)
        ]
    table = pd.DataFrame(columns)
    hidden = table[first].str.endswith(": " + HIDDEN_WORDS)
    if hidden.any():
        table.loc[hidden, first] = table.loc[hidden, first].str.removesuffix(": " + HIDDEN_WORDS)
        for column in table.columns[1:]:
            table.loc[hidden, column] = HIDDEN_WORDS
    return table


def histogram_table(figure: go.Figure) -> pd.DataFrame | None:
    """A histogram's bins as a table (from, to, how many), for its text alternative: what a category chart's
    figures are to figure_table. None for any other figure. Values beyond the last bin count in it, as the
    chart draws them (charts.parity_distribution clips them there)."""
    traces = [t for t in figure.data if t.type == "histogram"]
    if len(traces) != 1 or traces[0].xbins is None or traces[0].xbins.size is None:
        return None
    trace = traces[0]
    start, end, size = float(trace.xbins.start), float(trace.xbins.end), float(trace.xbins.size)
    values = pd.Series(_items(trace.x), dtype="float64").dropna()
    bins = round((end - start) / size)
    # Which bin each value falls in (a value on an edge starts the next bin); beyond the ends, the end bins.
    counts = (
        ((values - start) // size)
        .clip(0, bins - 1)
        .astype(int)
        .value_counts()
        .reindex(range(bins), fill_value=0)
    )
    edges = [start + i * size for i in range(bins + 1)]
    axis = plain(figure.layout.xaxis.title.text) or "Value"
    digits = max(0, -math.floor(math.log10(size))) if size < 1 else 0
    return pd.DataFrame(
        {
            f"{axis} from": [f"{edges[i]:.{digits}f}" for i in range(bins)],
            "to (not including)": [f"{edges[i + 1]:.{digits}f}" for i in range(bins - 1)] + ["and above"],
            "Organizations": counts.to_numpy(),
        }
    )
