"""Every chart the dashboard offers (the export registry: pages, deck, presentation view and command line read
it) drawn for every view the sidebar can make of region and type on the bundled sample: statewide, each
region, each type and each region × type cell. A chart that raises shows Streamlit's error box on its page
and stops `export` part-way ("Teachers of color with an equity leader" once did for 16 of these views)."""

from __future__ import annotations

import json

import pytest

from analytics import definitions, export, sections
from analytics.goals import load_goals
from analytics.metrics import Filters
from analytics.warehouse import connect

GOALS = load_goals()
VIEWS = [
    Filters(),
    *(Filters(regions=(r,)) for r in definitions.REGIONS),
    *(Filters(org_types=(t,)) for t in definitions.ORG_TYPES),
    *(Filters(regions=(r,), org_types=(t,)) for r in definitions.REGIONS for t in definitions.ORG_TYPES),
]


@pytest.fixture(scope="module")
def sample_read(sample_db_template):
    """The sample warehouse, opened once for the module (read only: nothing here writes)."""
    con = connect(sample_db_template, read_only=True)
    yield con
    con.close()


def drawn(section: sections.Section) -> str | None:
    """What is wrong with a section's figure as a chart people can read, or None: it has a title, and
    traces or an annotation saying why it is blank."""
    figure = section.figure
    if not (figure.layout.title.text or "").strip():
        return "no title"
    if not figure.data and not any((a.text or "").strip() for a in figure.layout.annotations):
        return "no traces and no words saying why"
    json.loads(figure.to_json())  # what the page sends the browser
    return None


@pytest.mark.parametrize("view", VIEWS, ids=lambda f: f.describe())
def test_every_chart_draws_for_the_view(sample_read, view, monkeypatch):
    built: dict[str, sections.Section] = {}
    original = export.chart_section

    def once(con, goals, filters, key):
        # chart_csv builds the section again: reuse the one just drawn (half the time, same code path).
        if key not in built:
            built[key] = original(con, goals, filters, key)
        return built[key]

    monkeypatch.setattr(export, "chart_section", once)
    problems = {}
    for key in export.CHART_KEYS:
        try:
            section = export.chart_section(sample_read, GOALS, view, key)
            wrong = drawn(section)
            export.slide_content(key, section)  # the deck's words and the page's text alternative
            csv = export.chart_csv(sample_read, GOALS, view, key).decode("utf-8-sig")
            if wrong is None and not csv.strip():
                wrong = "an empty CSV (not even its header)"
        except Exception as error:  # every chart of the view is tried; all failures reported together
            wrong = f"{type(error).__name__}: {error}"
        if wrong:
            problems[key] = wrong
    # The Equity leaders page also offers principals beside the workforce (not in the deck).
    try:
        principals = sections.equity_comparison(sample_read, view, "Principal")
        wrong = drawn(principals)
        if wrong:
            problems["principals-of-color-with-equity-leaders"] = wrong
    except Exception as error:
        problems["principals-of-color-with-equity-leaders"] = f"{type(error).__name__}: {error}"
    assert problems == {}, view.describe()


def test_the_views_are_every_region_and_type_cell():
    assert (
        len(VIEWS)
        == 1
        + len(definitions.REGIONS)
        + len(definitions.ORG_TYPES)
        + len(definitions.REGIONS) * len(definitions.ORG_TYPES)
        == 40
    )
    assert len(set(VIEWS)) == len(VIEWS)


def test_a_region_with_no_equity_leader_compares_what_it_has(sample_read):
    """The view that crashed: no organization of the virtual schools' region has an equity leader, so the
    comparison has one group (and says so), instead of raising."""
    view = Filters(regions=("Virtual (statewide)",))
    section = sections.equity_comparison(sample_read, view, "Teacher")
    groups = set(section.data["group"])
    assert groups <= {"With an equity leader", "Without an equity leader"}
    assert "With an equity leader" not in groups
    assert drawn(section) is None
