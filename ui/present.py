"""The presentation view: the deck's charts one at a time, 16:9, large type, no sidebar or app chrome.

Opened by the sidebar's "Presentation view" toggle or by a link (`?present=1&chart=3`, with the view's filters
as on any page); arrow keys or the buttons move between charts, Esc leaves.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from analytics import chart_fit, export
from ui.data import call, goals
from ui.layout import CHART, PRESENT, TOOLBAR_IMAGE, address_filters, chart_text, presented_keys

# The chart fills the screen below the controls at 16:9, whatever the screen: a box as wide as the window
# allows, or as the height left under the controls allows, whichever is less. Plotly draws the figure at the
# box's size; its words are fitted for the screens a presentation is given on.
CONTROLS = 90  # px above the chart: the controls' row and the page's padding (80), and a little room below
PADDING = 32  # px: the page's padding left and right
SCREENS = ((1280, 720), (1440, 900), (1920, 1080))


def box_size(width: int, height: int) -> tuple[int, int]:
    """The chart's box on a screen `width` x `height` px (as _CSS lays it out)."""
    h = min((width - PADDING) * 9 / 16, height - CONTROLS)
    return round(h * 16 / 9), round(h)


SIZES = tuple(box_size(w, h) for w, h in SCREENS)  # (1120, 630), (1408, 792), (1760, 990)
WIDTH, HEIGHT = SIZES[0]
SCALE = 1.4  # type this much larger than on the pages

_CSS = f"""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] {{ display: none !important; }}
[data-testid="stMainBlockContainer"] {{ max-width: none; padding: 0.5rem 1rem 0 1rem !important; }}
[data-testid="stElementContainer"]:has(> * [data-testid="stPlotlyChart"]) {{
  margin: 0 auto; width: min(100%, calc((100dvh - {CONTROLS}px) * 16 / 9)) !important;
  aspect-ratio: 16 / 9; height: auto !important; overflow: hidden;
}}
[data-testid="stPlotlyChart"] {{ width: 100% !important; height: 100% !important; }}
[data-testid="stPlotlyChart"] .modebar-container {{ top: 0 !important; }}
</style>"""


def presenting() -> bool:
    """True when the address asks for the presentation view."""
    return st.query_params.get(PRESENT) == "1"


def _number(count: int) -> int:
    """The chart shown: 1-based, clamped to the `count` charts there are."""
    try:
        n = int(st.query_params.get(CHART, "1"))
    except ValueError:
        n = 1
    return min(max(n, 1), max(count, 1))


def _go(n: int) -> None:
    st.query_params[CHART] = str(n)


def _leave() -> None:
    for key in (PRESENT, CHART):
        if key in st.query_params:
            del st.query_params[key]


def large(figure: go.Figure) -> go.Figure:
    """A copy of a page's figure with its type enlarged for a screen across a room, drawn at the size of the
    box it is shown in (16:9, SIZES), its title wrapped and labels placed for those sizes."""
    fig = go.Figure(figure)
    layout = fig.layout
    fig.update_layout(
        height=None,
        autosize=True,
        font_size=round((layout.font.size or 14) * SCALE),
        title_font_size=round((layout.title.font.size or 19) * SCALE),
        title_subtitle_font_size=round((layout.title.subtitle.font.size or 13) * SCALE),
        legend_font_size=round((layout.legend.font.size or 13) * SCALE),
        margin_t=0,  # made room for the title, the subtitle and the legend by chart_fit.fit
        margin_r=round((layout.margin.r or 130) * SCALE),
        margin_l=round((layout.margin.l or 64) * SCALE),
    )
    fig.update_xaxes(tickfont_size=18, title_font_size=19)
    fig.update_yaxes(tickfont_size=18, title_font_size=19)
    for note in fig.layout.annotations:
        note.font.size = round((note.font.size or 13) * SCALE)
    fig.for_each_trace(
        lambda t: t.update(textfont_size=round((t.textfont.size or 13) * SCALE)) if "textfont" in t else None
    )
    chart_fit.fit(fig, widths=(WIDTH,), height=HEIGHT, extra=SIZES[1:])
    fig.layout.height = None  # the box's height
    return fig


def present() -> None:
    """Draw the presentation view of the chart the address names."""
    st.html(_CSS)
    filters = address_filters()
    keys = presented_keys(filters)
    if not keys:
        st.info("Nothing in this view can be presented: widen the school years, region or type.")
        st.button("Leave presentation view", icon=":material/close:", on_click=_leave, key="present_leave")
        return
    n = _number(len(keys))
    key = keys[n - 1]
    section = call(export.chart_section, goals(), filters, key)
    with st.container(horizontal=True, vertical_alignment="center", key="present_controls"):
        st.button(
            "Previous chart",
            icon=":material/arrow_back:",
            on_click=_go,
            args=(n - 1,),
            disabled=n == 1,
            shortcut="Left",
            key="present_previous",
        )
        st.markdown(f"Chart {n} of {len(keys)}")
        st.button(
            "Next chart",
            icon=":material/arrow_forward:",
            on_click=_go,
            args=(n + 1,),
            disabled=n == len(keys),
            shortcut="Right",
            key="present_next",
        )
        st.button(
            "Leave presentation view",
            icon=":material/close:",
            on_click=_leave,
            shortcut="Esc",
            key="present_leave",
        )
        if section.is_sample:
            # In the controls' row, so the chart and its notice fit one screen (a screenshot takes both).
            st.markdown(
                ":orange-badge[:material/science: **Sample data**: synthetic figures, not for presenting as real]"
            )
    alt, _ = chart_text(section)
    st.plotly_chart(
        large(section.figure),
        key="present_chart",
        width="stretch",
        height="stretch",
        alt=alt,
        config={
            "displaylogo": False,
            "modeBarButtonsToRemove": ["lasso2d", "select2d"],
            "toImageButtonOptions": {
                "format": "png",
                "filename": export.image_name(section.name or key, filters),
                **TOOLBAR_IMAGE,
            },
        },
    )
