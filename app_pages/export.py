"""Export: the charts as slide-ready PNGs, a PowerPoint deck, and the figures behind them as CSV."""

from datetime import date

import streamlit as st

from analytics import export
from ui.data import call, cursor, goals
from ui.layout import chart, page_heading, sidebar_filters
from ui.text import plain

page_heading(
    "Export for a presentation",
    "The charts as they appear on the pages, with the filters in the sidebar: PNG images, a PowerPoint deck "
    "(16:9), and the numbers behind each chart as CSV.",
)
filters = sidebar_filters()
g = goals()
labels = dict(export.chart_labels(g).itertuples(index=False, name=None))
stamp = date.today().isoformat()
view = export.image_name("all-charts", filters)  # the view's place, years and the date


def _deck(keys: tuple[str, ...]):
    def make() -> bytes:
        with cursor() as cur:
            return export.build_deck(cur, g, filters, keys)

    return make


def _zip(keys: tuple[str, ...]):
    def make() -> bytes:
        with cursor() as cur:
            return export.charts_png_zip(cur, g, filters, keys)

    return make


def _one(kind: str, key: str):
    def make() -> bytes:
        with cursor() as cur:
            build = export.chart_png if kind == "png" else export.chart_csv
            return build(cur, g, filters, key)

    return make


st.header("PowerPoint deck")
# The default deck: every chart that says enough for this view (export.deck_plan); the others can be added.
plan = call(export.deck_plan, g, filters)
chosen = st.multiselect(
    "Charts in the deck",
    list(labels),
    default=list(plan.keys),
    format_func=labels.get,
    # A view of its own, a choice of its own: the default follows the view's plan.
    key=f"export_deck_charts_{abs(hash(plan.keys))}",
)
if plan.left_out:
    st.caption("Left out by default, for this view:")
    st.markdown(
        "\n".join(f"- **{plain(o.label)}**: {plain(o.why.rstrip('.'))}." for o in plan.left_out)
        + (
            "\n\nAdd one above to have it all the same."
            if any(not o.nothing_shown for o in plan.left_out)
            else ""
        )
    )
st.download_button(
    f"Download the deck ({len(chosen)} chart slides)",
    data=_deck(tuple(chosen)),
    file_name=f"influence-100-goals-{stamp}.pptx",
    mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
    icon=":material/slideshow:",
    disabled=not chosen,
    key="export_deck",
    on_click="ignore",
)
st.caption(
    "A title slide, one slide per chart, and definitions and sources. Each chart is a PowerPoint chart you "
    "can restyle, its figures under Edit data; the finding is the slide's title, the caption and definitions "
    "are in the speaker notes."
)
st.download_button(
    f"Download all {len(chosen)} charts as PNG (one zip)",
    data=_zip(tuple(chosen)),
    file_name=f"{view}.zip",
    mime="application/zip",
    icon=":material/folder_zip:",
    disabled=not chosen,
    key="export_png_zip",
    on_click="ignore",
)

st.header("One chart")
key = st.selectbox("Chart", list(labels), format_func=labels.get, key="export_chart")
section = call(export.chart_section, g, filters, key)
left, right = st.columns(2)
left.download_button(
    "Download PNG (2400 × 1350)",
    data=_one("png", key),
    file_name=f"{export.image_name(key, filters)}.png",
    mime="image/png",
    icon=":material/image:",
    key="export_png",
    on_click="ignore",
)
right.download_button(
    "Download the numbers (CSV)",
    data=_one("csv", key),
    file_name=f"{export.image_name(key, filters)}.csv",
    mime="text/csv",
    icon=":material/table:",
    key="export_csv",
    on_click="ignore",
)
chart(section, "export_preview")
