"""What every page shares: the sample-data notice, the page heading, and the sidebar filters, which live
in the URL's query parameters so a view can be bookmarked and shared."""

from __future__ import annotations

import copy
import html
from datetime import date
from pathlib import Path

import pyarrow as pa
import streamlit as st
from plotly.basedatatypes import BaseFigure
from streamlit.runtime.scriptrunner import get_script_run_ctx

from analytics import chart_registry, definitions, export, figure_data, releases
from analytics.coverage import complete_years
from analytics.figure_data import NotNative, describe, figure_table, histogram_table
from analytics.metrics import Filters, school_years_loaded
from analytics.sections import Section
from ui import auth
from ui.data import cached, call, goals, sample_data_loaded, shared
from ui.text import plain

_years_loaded = cached(school_years_loaded)
_complete_years = cached(complete_years)

# Query-parameter names and the session keys of their widgets.
_YEAR_FROM, _YEAR_TO, _REGION, _TYPE = "from", "to", "region", "type"
_KEYS = {"years": "filter_years", "regions": "filter_regions", "types": "filter_types"}
_SAVED = "filters_saved"  # survives pages that show no filters (widget state does not)
_VIEW = "view_filters"  # the filters of this run, for the charts' file names
_PAGE_CHARTS = "page_charts"  # the charts the page drew last run (where the presentation view starts)
PRESENT, CHART = "present", "chart"  # the presentation view's query parameters
# Toolbar images: 16:9 at 3x (3600 x 2025 px), whatever the window's shape.
TOOLBAR_IMAGE = {"width": 1200, "height": 675, "scale": 3}
_STYLES = (Path(__file__).parent / "styles.html").read_text(encoding="utf-8")


def sample_banner(*, may_upload: bool = True) -> None:
    """The notice shown on every page while the bundled sample data is loaded (what to do about it only to
    those who may upload)."""
    if sample_data_loaded():
        st.warning(
            "**Sample data.** The people and counts shown are synthetic, calibrated to DESE's published "
            "statewide figures; the organization names and codes are real."
            + (
                " Load real files on the **Upload** page, then roll the sample uploads back there."
                if may_upload
                else ""
            ),
            icon=":material/science:",
        )


# The pages made by `app_page`, per app folder: a copy of one made before is the same page, made without
# Streamlit finding its file on disk again (resolving 13 paths was 9% of a page view's server CPU samples).
_PAGES: dict[tuple, st.Page] = {}


def app_page(path: str, *, title: str, **options) -> st.Page:
    """st.Page(path, title=title, **options) for this run. Each run needs Pages of its own: Streamlit marks the
    one it runs as callable once, and two visitors running the same Page object at once would trip on it."""
    ctx = get_script_run_ctx()
    key = (str(ctx.pages_manager.main_script_parent) if ctx else "", path, title, *sorted(options.items()))
    made = _PAGES.get(key)
    if made is None:
        made = _PAGES.setdefault(key, st.Page(path, title=title, **options))
    return copy.copy(made)


def page_styles() -> None:
    """On every page: the print stylesheet (no sidebar, charts whole at the page's width, the filters at
    the top) and what keeps chart labels clear of the toolbar. See ui/styles.html."""
    st.html(_STYLES, unsafe_allow_javascript=True)


def page_heading(title: str, question: str) -> None:
    """The page's title and the one question it answers."""
    st.title(title)
    st.caption(question)


def _list_param(name: str, allowed: tuple[str, ...]) -> list[str]:
    raw = st.query_params.get(name, "")
    return [v for v in raw.split(",") if v in allowed]


def _init_from_url() -> dict[str, list[str]]:
    """The region and type filters to start a page's widgets from: as last set in this session (on another
    page), else from the URL (a bookmarked or shared view), else everything; by widget key.

    Passed as the multiselects' `default`, not written to st.session_state[key]. A widget's id includes its
    page, so on each page a filter is a new widget that starts from its default. A value written under the key
    did not carry over that way: at the next page change Streamlit filed it under the previous page's widget
    id, so the key still looked set, the restore was skipped and the new page's widget started empty (region
    and type were lost on the second page change). A default is read only when the widget is new on a
    page, so it never undoes the user's choice."""
    saved = st.session_state.get(_SAVED, {})
    return {
        key: saved.get(key, _list_param(param, allowed))
        for key, param, allowed in (
            (_KEYS["regions"], _REGION, definitions.REGIONS),
            (_KEYS["types"], _TYPE, definitions.ORG_TYPES),
        )
    }


def default_years(years: list[str]) -> tuple[str, str]:
    """The range a view spans unless someone chooses another: every loaded year up to the latest complete
    one. A year one district's file began is partial (its coverage, not a statewide figure) and is not the
    default end for every visitor; it is one step along the slider for whoever wants it."""
    complete = [y for y in _complete_years() if y in years]
    return years[0], (complete[-1] if complete else years[-1])


def default_view(*, released: bool) -> Filters:
    """The view a page opens on when nobody chose another (every region and type, default_years), in the
    edition `released` (what visitors see) or the current figures (DESE's)."""
    loaded = _years_loaded()
    if not loaded:
        return Filters(released=released)
    first, last = default_years(definitions.school_years_between(loaded[0], loaded[-1]))
    return Filters(first, last, (), (), released=released)


def _initial_years(years: list[str]) -> tuple[str, str]:
    """The school-year range to start from: as last set in this session, else from the URL, else the
    default (default_years). (Passed as the slider's value: Streamlit's select_slider is a range slider only
    when its value is.)"""
    default = default_years(years)
    saved = st.session_state.get(_SAVED, {}).get(_KEYS["years"])
    if saved:  # None for an end left at its default: the range moves on when newer years are complete
        return (saved[0] if saved[0] in years else default[0], saved[1] if saved[1] in years else default[1])
    first = st.query_params.get(_YEAR_FROM)
    last = st.query_params.get(_YEAR_TO)
    first = first if first in years else default[0]
    last = last if last in years else default[1]
    if definitions.spring_year(first) > definitions.spring_year(last):
        first, last = last, first
    return first, last


def _write_url(years: list[str], chosen: tuple[str, str], regions: list[str], types: list[str]) -> None:
    """Keep the URL in step with the filters; leave out what is at its default."""
    default = default_years(years)
    _set_params(
        {
            _YEAR_FROM: chosen[0] if chosen[0] != default[0] else None,
            _YEAR_TO: chosen[1] if chosen[1] != default[1] else None,
            _REGION: ",".join(regions) or None,
            _TYPE: ",".join(types) or None,
        }
    )


def keep_filters_in_address() -> None:
    """On every page, also those that show no filters (About, Upload): put this session's filters back in
    the address, which Streamlit empties on a change of page, so that a reload or a shared link keeps the
    view. Pages with filters write it again from their widgets."""
    saved = st.session_state.get(_SAVED)
    if not saved:
        return
    first, last = saved.get(_KEYS["years"]) or (None, None)
    _set_params(
        {
            _YEAR_FROM: first,
            _YEAR_TO: last,
            _REGION: ",".join(saved.get(_KEYS["regions"]) or []) or None,
            _TYPE: ",".join(saved.get(_KEYS["types"]) or []) or None,
        }
    )


def _set_params(wanted: dict[str, str | None]) -> None:
    for key, value in wanted.items():
        if value is None:
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != value:
            st.query_params[key] = value


def sees_released() -> bool:
    """Whether this session sees the latest release (everyone but DESE staff, who work on the current
    figures): analytics/releases.py."""
    return not auth.current().is_dese


def _release_note() -> None:
    """For those who see released figures: when DESE released them."""
    if not sees_released():
        return
    latest = cached(releases.latest_release)()
    if latest is None:
        st.caption("DESE has not released any figures yet.")
    else:
        st.caption(f"Figures as DESE released them on {latest['released_at']:%B %-d, %Y}.")


def sidebar_filters() -> Filters:
    """School-year range, region and organization type, in the sidebar and the URL; the figures this
    session sees (released or current)."""
    loaded = _years_loaded()
    if not loaded:
        return Filters(released=sees_released())
    years = definitions.school_years_between(loaded[0], loaded[-1])
    initial = _init_from_url()
    held = st.session_state.get(_KEYS["years"])
    bounds = st.session_state.get(_SAVED, {}).get("bounds")
    if held is not None and (
        any(y not in years for y in held) or (bounds and tuple(bounds) != (years[0], years[-1]))
    ):
        del st.session_state[_KEYS["years"]]  # the loaded years changed: start again from the saved choice
    with st.sidebar:
        st.header("Filters")
        if len(years) > 1:
            chosen = tuple(
                st.select_slider(
                    "School years", options=years, value=_initial_years(years), key=_KEYS["years"]
                )
            )
        else:
            chosen = (years[0], years[0])
        regions = st.multiselect(
            "Region",
            definitions.REGIONS,
            default=initial[_KEYS["regions"]],
            key=_KEYS["regions"],
            placeholder="All regions",
        )
        types = st.multiselect(
            "Organization type",
            definitions.ORG_TYPES,
            default=initial[_KEYS["types"]],
            key=_KEYS["types"],
            format_func=definitions.ORG_TYPE_LABELS.get,
            placeholder="All types",
        )
        default = default_years(years)
        if regions or types or chosen != default:
            st.caption("Filtered view. The link in your address bar reopens it.")
        if default[1] != years[-1]:
            later = ", ".join(years[years.index(default[1]) + 1 :])
            st.caption(
                f"{later}: partial (few organizations have reported yet), so not in the default range."
            )
        _release_note()
        st.toggle(
            "Presentation view",
            key="present_toggle",
            on_change=_start_presenting,
            help="One chart at a time, full screen, large type. Arrow keys move between charts; Esc leaves.",
        )
    st.session_state[_SAVED] = {
        _KEYS["years"]: (
            chosen[0] if chosen[0] != default[0] else None,
            chosen[1] if chosen[1] != default[1] else None,
        ),
        _KEYS["regions"]: regions,
        _KEYS["types"]: types,
        "bounds": (years[0], years[-1]),
    }
    _write_url(years, chosen, regions, types)
    filters = Filters(chosen[0], chosen[1], tuple(regions), tuple(types), released=sees_released())
    st.session_state[_VIEW] = filters
    st.session_state[_PAGE_CHARTS] = []
    _print_header(filters)
    return filters


def _print_header(filters: Filters) -> None:
    """What a printed page says at its top, where the sidebar was: the view's filters and the date (shown
    only in print)."""
    years = (
        f"school years {filters.year_from} to {filters.year_to}" if filters.year_from else "all school years"
    )
    types = ", ".join(definitions.ORG_TYPE_LABELS.get(t, t) for t in filters.org_types) or "all types"
    regions = ", ".join(filters.regions) or "all regions"
    st.html(
        f'<p class="print-only" data-testid="print-filters">Filters: {html.escape(years)}; {html.escape(regions)}; '
        f"{html.escape(types)}. Printed {date.today():%B %-d, %Y}.</p>"
    )


def address_filters() -> Filters:
    """The view's filters from this session or the address, without drawing the sidebar's widgets (the
    presentation view has no sidebar)."""
    loaded = _years_loaded()
    if not loaded:
        return Filters(released=sees_released())
    years = definitions.school_years_between(loaded[0], loaded[-1])
    first, last = _initial_years(years)
    initial = _init_from_url()
    return Filters(
        first,
        last,
        tuple(initial[_KEYS["regions"]]),
        tuple(initial[_KEYS["types"]]),
        released=sees_released(),
    )


def presented_keys(filters: Filters) -> tuple[str, ...]:
    """The charts presented for a view: the default deck's (a chart the view leaves empty, or that can show
    only a group or two of a breakdown, is not put on a screen across a room either)."""
    return call(export.deck_plan, goals(), filters).keys


def _start_presenting() -> None:
    """The toggle: open the presentation view at the first of this page's charts that the deck has."""
    shown = st.session_state.get(_PAGE_CHARTS, [])
    keys = presented_keys(st.session_state.get(_VIEW, Filters()))
    first = next((keys.index(n) for n in shown if n in keys), 0)
    st.session_state["present_toggle"] = False  # off again when the view is left
    st.query_params[PRESENT] = "1"
    st.query_params[CHART] = str(first + 1)


def chart_text(section) -> tuple[str, object]:
    """A chart's text alternative (its finding, then its figures) and its figures as a table (None where
    the chart is not one of categories): worked out once per section, which every session viewing the same
    view shares (registered)."""
    return _memo(section, "_chart_text", lambda: _chart_text(section))


def _memo(section, name: str, compute):
    """What `compute()` makes of a section, kept on it: a Section is shared by every session viewing the same
    view (registered), so this is worked out once for all of them. (A Section is frozen; this is a memo.)"""
    found = section.__dict__.get(name)
    if found is None:
        found = compute()
        object.__setattr__(section, name, found)
    return found


class _Drawn(BaseFigure):
    """A figure already turned into Plotly's dict, handed to st.plotly_chart as it is: Streamlit asks a figure
    for its dict (a deep copy, made anew each time) and turns that into JSON. The dict is made once per
    section (_memo) and never changed."""

    def __init__(self, spec: dict):  # (BaseFigure's own is not run: nothing but to_dict is asked of it)
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


def _chart_text(section) -> tuple[str, object]:
    try:
        data = figure_data.figure_data(section.figure)
    except NotNative:
        title = figure_data.plain(section.figure.layout.title.text)
        return " ".join(p for p in (title.rstrip(".") + ".", section.caption) if p), histogram_table(
            section.figure
        )
    return describe(data), figure_table(data)


def registered(key: str, filters: Filters, **options) -> Section:
    """The chart called `key` in the chart registry (analytics/chart_registry.py), for this view, built
    through the app's cache and named by its key; built once per change of the data for every session that
    asks for the same view (ui.data.shared)."""
    return shared(
        ("chart", key, filters, tuple(sorted(options.items()))),
        lambda: chart_registry.section(call, goals(), filters, key, **options),
    )


def chart(section, key: str | None = None, *, table: bool = True) -> None:
    """A section's Plotly chart at full width, named for screen readers by its finding and figures, with
    those figures as a table one click away. Its camera button saves a 16:9 PNG at 3x named after the
    chart, the view's filters and the date, as the Export page names it. The widget's key is the chart's
    name unless `key` is given."""
    name = section.name or key
    key = key or section.name
    st.session_state.setdefault(_PAGE_CHARTS, []).append(name)
    filters = st.session_state.get(_VIEW, Filters())
    alt, figures, spec, arrow = drawn(section)
    st.plotly_chart(
        _Drawn(spec),
        key=key,
        width="stretch",
        alt=alt,
        config={
            "displaylogo": False,
            "modeBarButtonsToRemove": ["lasso2d", "select2d"],
            "toImageButtonOptions": {
                "format": "png",
                "filename": export.image_name(name, filters),
                **TOOLBAR_IMAGE,
            },
        },
    )
    if table and figures is not None and len(figures):
        with st.expander("The figures in this chart, as a table"):
            st.dataframe(arrow, hide_index=True, width="stretch")


def drawn(section) -> tuple:
    """What chart() hands Streamlit for a section, worked out once per section (which every session viewing
    the view shares; ui/warm.py works it out before any asks): its text alternative, its figures as a table
    (None where the chart is not one of categories), its Plotly dict and that table as Arrow (st.dataframe
    would convert a pandas frame at every view)."""
    alt, figures = chart_text(section)
    spec = _memo(section, "_figure_dict", section.figure.to_dict)
    arrow = (
        _memo(section, "_figures_arrow", lambda: pa.Table.from_pandas(figures, preserve_index=False))
        if figures is not None and len(figures)
        else None
    )
    return alt, figures, spec, arrow


PRINT_ROWS = 5_000  # a table's rows printed (every row of Massachusetts' tables; a country's, the CSV)


def data_table(frame, **dataframe_args):
    """A table: on screen a data grid (st.dataframe, with `dataframe_args`), which draws only the rows
    scrolled to; printed, every row and column of it as text, wrapped within the page (ui/styles.html).
    Returns what st.dataframe returns (a selection, where the grid offers one)."""
    shown = st.dataframe(frame, **dataframe_args)
    rows = _as_configured(frame.head(PRINT_ROWS), dataframe_args)
    body = rows.to_html(index=False, escape=True, na_rep="", border=0, classes="print-table")
    note = (
        f'<p class="print-table-note">The first {PRINT_ROWS:,} of {len(frame):,} rows: the CSV has them all.</p>'
        if len(frame) > PRINT_ROWS
        else ""
    )
    st.html(f'<div class="print-only" data-testid="print-table">{body}{note}</div>')
    return shown


def _as_configured(frame, dataframe_args: dict):
    """The table as the grid shows it: its columns in the grid's order, hidden ones left out, each under
    its label (column_config)."""
    config = dataframe_args.get("column_config") or {}
    order = dataframe_args.get("column_order")
    columns = [c for c in (order or frame.columns) if c in frame.columns]
    shown = [c for c in columns if not (c in config and config[c] is None)]
    labels = {}
    for c in shown:
        setting = config.get(c)
        if isinstance(setting, str):
            labels[c] = setting
        elif isinstance(setting, dict) and setting.get("label"):
            labels[c] = setting["label"]
    return frame[shown].rename(columns=labels)


def goal_card(label: str, value: str, delta: str | None, status, as_of: str | None, detail: str) -> None:
    """A headline card: the figure, the change, on track or behind, and the school year it is from."""
    with st.container(border=True):
        # The goal's title as a line of its own: a metric's label is cut to one line in a narrow column.
        st.markdown(f"**{plain(label)}**")
        st.metric(
            label, value, delta=delta, delta_color="normal" if delta else "off", label_visibility="collapsed"
        )
        if status.on_track is True:
            st.markdown(f":green-badge[:material/check_circle: {status.verdict}]")
        elif status.on_track is False:
            st.markdown(f":orange-badge[:material/warning: {status.verdict}]")
        caption(f"{detail} Data from {as_of}." if as_of else detail)


def caption(text: str) -> None:
    """Words from analytics (a section's caption, a goal's detail: plain text, which may quote organization
    names) as a caption that shows them exactly as written. Pages show analytics' words through this (or
    through ui.text.plain()), never as Markdown of their own."""
    st.caption(plain(text))


def empty_state(what: str) -> None:
    """Said instead of a chart when the filters leave nothing to show."""
    st.info(
        f"No {what} for these filters. Widen the school years, region or type in the sidebar, or load "
        "data on the **Upload** page.",
        icon=":material/filter_alt_off:",
    )
