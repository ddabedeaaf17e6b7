"""Labels never collide, and titles fit: every chart, drawn by Kaleido (Chromium, as the page and the PNG
draw it) at the sizes it is shown at — the page's narrowest and widest, the camera button's PNG, the Export
page's PNG and the presentation view — on the bundled sample statewide, on a small region, and statewide
after one district's file for a new year (a partial year). Read back from the SVG (tests/chart_geometry.py):
no label over another label or other text, a line or a marker; no text out of the figure.

And the check finds what it should: a label moved onto another, or onto a line, fails it.
"""

from __future__ import annotations

import pickle
import shutil

import plotly.graph_objects as go
import pytest
from builders import add, staffing
from chart_geometry import collisions, scene

from analytics import chart_fit, definitions, export, sections
from analytics.goals import load_goals
from analytics.metrics import Filters
from analytics.warehouse import connect

GOALS = load_goals()
PAGE_WIDTHS = (min(chart_fit.PAGE_WIDTHS), max(chart_fit.PAGE_WIDTHS))
VIEWS = {
    "statewide": Filters(),
    "small region": Filters(regions=("Berkshires",)),
    "partial year": Filters(),  # on the warehouse with one district's 2025-26 file
}
# Charts only a page draws (the deck's come from export.charts).
PAGE_ONLY = {
    "fellows-roles-at-entry": lambda con, f: sections.fellows_outcomes(con, f)[2],
    "parity-by-organization": lambda con, f: sections.parity(con, f)[1],
    "race-composition": lambda con, f: sections.race_composition(con, f),
    "superintendents-scenario": lambda con, f: (
        sections.superintendent_scenario(con, GOALS, f, 300.0, 0.15, 0.3) or (None,)
    )[0],
    "boston-staff-and-students": lambda con, f: (
        sections.organization_profile(con, "00350000", f) or (None, None)
    )[1],
}
KEYS = [*export.chart_keys(GOALS), *PAGE_ONLY]


@pytest.fixture(scope="module")
def warehouses(sample_db_template, tmp_path_factory):
    """The sample, read-only; and a copy with Boston's 2025-26 teachers and superintendents (one district's
    file for a new year: a partial year statewide)."""
    partial = tmp_path_factory.mktemp("partial") / "warehouse.duckdb"
    shutil.copy(sample_db_template, partial)
    con = connect(partial)
    add(
        con,
        "staffing",
        staffing("2025-26", "00350000", definitions.TEACHER, White=3000, Black=900, Hispanic=700),
    )
    add(con, "staffing", staffing("2025-26", "00350000", definitions.SUPERINTENDENT, Black=1))
    con.close()
    sample = connect(sample_db_template, read_only=True)
    partial_con = connect(partial, read_only=True)
    yield {"statewide": sample, "small region": sample, "partial year": partial_con}
    sample.close()
    partial_con.close()


_SECTIONS: dict = {}


def _section(warehouses, view: str, key: str):
    if (view, key) not in _SECTIONS:
        con, filters = warehouses[view], VIEWS[view]
        if key in PAGE_ONLY:
            _SECTIONS[view, key] = PAGE_ONLY[key](con, filters)
        else:
            _SECTIONS[view, key] = export.chart_section(con, GOALS, filters, key)
    return _SECTIONS[view, key]


def render(figure: go.Figure, width: int, height: int) -> bytes:
    """The figure as Kaleido draws it, as SVG (the renderer export.figure_png starts, without MathJax)."""
    import kaleido

    with export._renderer_lock:
        export._ensure_renderer()
        return kaleido.calc_fig_sync(figure, opts={"format": "svg", "width": width, "height": height})


def shown_at(section) -> dict[str, tuple[go.Figure, int, int]]:
    """The figure as each place shows it: the page (narrowest and widest), the camera button's PNG (the
    page's figure at 1200 x 675), the Export page's PNG and the presentation view at each screen's size
    (fitted again there, from the figure as the app's cache gives it back)."""
    from ui.present import SIZES, large

    figure = section.figure
    height = int(figure.layout.height or 450)
    out = {f"page at {w} px": (figure, w, height) for w in PAGE_WIDTHS}
    out["camera PNG"] = (figure, *chart_fit.IMAGE_SIZE)
    image = go.Figure(figure)
    chart_fit.fit(image, widths=(chart_fit.IMAGE_SIZE[0],), height=chart_fit.IMAGE_SIZE[1], extra=())
    out["exported PNG"] = (image, *chart_fit.IMAGE_SIZE)
    cached = pickle.loads(pickle.dumps(section)).figure  # as st.cache_data returns it
    for width, height in SIZES:
        out[f"presentation view at {width} x {height}"] = (large(cached), width, height)
    return out


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("key", KEYS)
def test_no_label_runs_into_another_or_a_line_and_nothing_is_cut(warehouses, view, key):
    section = _section(warehouses, view, key)
    if section is None:
        # The scenario planner needs superintendents of color to show: a small region has none to plan from.
        assert (key, view) == ("superintendents-scenario", "small region"), f"{key} not drawn for the {view}"
        return
    problems = []
    for where, (figure, width, height) in shown_at(section).items():
        sized = go.Figure(figure)
        sized.update_layout(width=width, height=height)
        problems += [f"{where}: {p}" for p in collisions(scene(render(sized, width, height)))]
    assert not problems, "\n".join(problems)


# --- the check finds what it should ----------------------------------------------------------------------


def _target_path(warehouses) -> go.Figure:
    return go.Figure(_section(warehouses, "statewide", "superintendents-target-path").figure)


def test_the_check_passes_the_chart_as_drawn(warehouses):
    figure = _target_path(warehouses)
    assert not collisions(scene(render(figure, 820, int(figure.layout.height))))


def test_a_label_moved_onto_another_fails_the_check(warehouses):
    """'Trend reaches 14% …' written where 'Target 14% …' is: the check names both."""
    figure = _target_path(warehouses)
    notes = figure.layout.annotations
    target = next(n for n in notes if (n.text or "").startswith("Target"))
    trend = next(n for n in notes if (n.text or "").startswith("Trend"))
    trend.update(x=target.x, y=target.y, yshift=target.yshift)
    found = collisions(scene(render(figure, 820, int(figure.layout.height))))
    assert any("Trend reaches" in p and "Target 14%" in p and "overlaps" in p for p in found), found


def test_a_label_moved_onto_a_line_fails_the_check(warehouses):
    """A published figure's words written over the line they sit beside: the check says so."""
    figure = _target_path(warehouses)
    line = next(t for t in figure.data if t.name == "Superintendents of color")
    share = dict(zip(line.x, line.y, strict=True))
    between = (share["2020-21"] + share["2021-22"]) / 2  # where the line rises from 5.0% to 7.5%
    figure.add_annotation(
        x="2020-21", y=between, text="7.3% (moved)", showarrow=False, xanchor="left", xshift=20
    )
    found = collisions(scene(render(figure, 820, int(figure.layout.height))))
    assert any("7.3% (moved)" in p and "crossed by a trace line" in p for p in found), found


def test_a_title_too_wide_for_the_chart_fails_the_check(warehouses):
    """A title left unwrapped at the page's narrowest width runs out of the figure: the check says so."""
    figure = _target_path(warehouses)
    figure.layout.title.text = chart_fit.unwrap(figure.layout.title.text) + " and then some more words"
    figure.layout.title.y = 0.98
    found = collisions(scene(render(figure, 700, int(figure.layout.height))))
    assert any(p.startswith("title") and "goes out of the figure" in p for p in found), found
