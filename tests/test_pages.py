"""Each goal page, through AppTest: the charts carry the traces a reader relies on (target lines, the
right school years), filters live in the URL, and an empty warehouse gets words, not errors."""

import base64
import json

import numpy as np
import pytest
from builders import new_warehouse
from markdown_reading import as_read
from streamlit.testing.v1 import AppTest

from analytics import chart_registry
from analytics.chart_fit import unwrap
from analytics.definitions import school_years_between
from analytics.goal_progress import share_frame
from analytics.goals import load_goals
from analytics.metrics import Filters

SAMPLE_YEARS = school_years_between("2016-17", "2024-25")


def plain(value):
    """Plotly's JSON packs numeric arrays as base64 ('bdata'); unpack them into lists (NaN as None)."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        if "shape" in value:
            array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
        return [None if isinstance(v, float) and np.isnan(v) else v for v in array.tolist()]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def figures(at: AppTest) -> list[dict]:
    return [plain(json.loads(c.proto.spec)) for c in at.get("plotly_chart")]


def traces(fig: dict) -> dict[str, dict]:
    return {t.get("name", ""): t for t in fig["data"]}


def drawn_years(trace: dict) -> list[str]:
    """The school years a line has a value for (the axis runs on to the target year with gaps)."""
    return [x for x, y in zip(trace["x"], trace["y"], strict=True) if y is not None]


def title(fig: dict) -> str:
    """The title as read (without the line breaks that fit it to the chart's width)."""
    return unwrap(fig["layout"]["title"]["text"])


def subtitle(fig: dict) -> str:
    return unwrap(fig["layout"]["title"]["subtitle"]["text"])


def test_overview_cards_and_one_chart_per_goal(sample_db, open_app):
    at = open_app(sample_db, "overview")
    cards = {mt.label: mt.value for mt in at.metric}
    # One card per goal in data/goals.toml: the district goals are two (in capacity building each year, and
    # with a workforce-diversity strategy against 100), each with its own figure.
    assert cards == {
        "Superintendents of color": "8.6%",
        "Influence 100 Fellows": "155",
        "Districts in capacity building": "14",
        "Districts with a workforce-diversity strategy": "24",
        "How students of color experience school": cards["How students of color experience school"],
    }
    supers, fellows, per_year, districts, _students = figures(at)
    target = traces(supers)["Target path: 4% in 2019-20 → 14% by 2029-30"]
    assert target["x"][0] == "2019-20" and target["x"][-1] == "2029-30"
    assert target["y"][0] == pytest.approx(0.04) and target["y"][-1] == pytest.approx(0.14)
    assert drawn_years(traces(supers)["Superintendents of color"]) == SAMPLE_YEARS
    assert (
        supers["layout"]["xaxis"]["type"] == "category" and supers["layout"]["yaxis"]["tickformat"] == ".0%"
    )
    assert title(supers) == "Superintendents of color: 8.6% in 2024-25, 0.4 points below the target path"
    assert "data as of 2024-25" in subtitle(supers) and "Sample data" in subtitle(supers)
    assert traces(fellows)["Fellows so far"]["y"][-1] == 155
    assert any(s.get("y0") == 100 for s in fellows["layout"]["shapes"])  # the goal line
    assert traces(districts)["Path to 100 by 2029-30"]["y"] == [0, 100]
    assert traces(per_year)["In capacity building"]["y"][-1] == 14


def test_superintendents_page_trend_projection_scenario_context(sample_db, open_app):
    at = open_app(sample_db, "superintendents")
    trend, scenario, gap, by_group = figures(at)
    names = traces(trend)
    assert {
        "Target path: 4% in 2019-20 → 14% by 2029-30",
        "Superintendents of color",
        "Trend since 2019-20",
        "90% band of the trend",
        "Published figures",
    } <= set(names)
    assert names["Trend since 2019-20"]["x"][-1] == "2029-30"
    published = names["Published figures"]
    assert "3.6%" in published["text"] and "2018-19" in published["x"]
    assert {"Observed", "Scenario", "Target path"} <= set(traces(scenario))
    assert traces(scenario)["Scenario"]["x"][-1] == "2029-30"
    assert {"Students of color", "Teachers of color", "Superintendents of color"} <= set(traces(gap))
    assert "by region" in title(by_group)
    # 2 more superintendents of color would put 2024-25 on the 9.0% path (0.09 * 302 = 27.2; 26 in post)
    assert {mt.label: mt.value for mt in at.metric}["Needed now"] == "2 more"


def test_scenario_planner_answers_the_hiring_share_needed(sample_db, open_app):
    at = open_app(sample_db, "superintendents")
    at.slider(key="scenario_turnover").set_value(15).run()
    at.slider(key="scenario_hire_share").set_value(50).run()
    needed = {mt.label: mt.value for mt in at.metric}["Hiring share needed for 14% by 2029-30"]
    # from 26/302 in 2024-25 to 14% in 5 years at 15% turnover: (0.14 - s*0.85^5) / (1 - 0.85^5)
    s, kept = 26 / 302, 0.85**5
    assert needed == f"{(0.14 - s * kept) / (1 - kept):.0%} of new hires"
    scenario = traces(figures(at)[1])["Scenario"]
    assert scenario["y"][1] == pytest.approx(s * 0.85 + 0.15 * 0.5)


def test_fellows_page(sample_db, open_app):
    at = open_app(sample_db, "fellows")
    cumulative, funnel, _roles = figures(at)
    assert traces(cumulative)["Fellows in the cohort"]["y"] == [26, 20, 20, 14, 25, 25, 25]
    assert traces(cumulative)["Plan: 100 by cohort 4"]["y"] == [25, 50, 75, 100, 100, 100, 100]
    assert funnel["data"][0]["y"][0] == "Enrolled" and funnel["data"][0]["x"][0] == 155
    table = next(d.value for d in at.dataframe if "Cohort" in d.value)  # not a chart's figures table
    assert table["Fellows"].tolist() == [26, 20, 20, 14, 25, 25, 25]
    # Cohort 1 lost 2: hidden, and so is every status beside it that would give the 2 away; in the sample
    # every cohort has a status that small, so the columns are left out and the caption says why.
    assert "Withdrew" not in table and "Completed" not in table
    assert any(
        "Not shown for any cohort, so left out: active, completed, withdrew" in as_read(c.value)
        for c in at.caption
    )


def test_districts_page_band_table_and_profile_from_the_url(sample_db, open_app):
    at = open_app(sample_db, "districts", {"org": "00350000"})
    per_year, _cumulative, profile = figures(at)
    band = next(s for s in per_year["layout"]["shapes"] if s.get("type") == "rect")
    assert (band["y0"], band["y1"]) == (10, 15)
    assert (
        traces(per_year)["New this year"]["x"][0] == "2019-20"
        and traces(per_year)["New this year"]["y"][0] == 15
    )
    table = next(d.value for d in at.dataframe if "Organization" in d.value)  # not a chart's figures table
    assert len(table) == 47 and "Boston" in set(table["Organization"])
    assert title(profile) == "Boston: teachers and students of color"
    metrics = {mt.label: mt.value for mt in at.metric}
    assert metrics["Fellows sent"] == "3" and metrics["Type"] == "District"
    # No superintendent figures for one district, ever.
    assert not any("uperintendent" in t.get("name", "") for t in profile["data"])


def test_workforce_page(sample_db, open_app):
    at = open_app(sample_db, "workforce")
    trend, parity, _spread, composition = figures(at)
    assert {"Teachers", "Students", "Principals", "Superintendents"} <= set(traces(trend))
    assert drawn_years(traces(parity)["Parity"]) == SAMPLE_YEARS
    assert {t["name"] for t in composition["data"]} >= {"White", "Hispanic/Latino"}


def test_filters_come_from_the_url_and_narrow_every_chart(sample_db, open_app):
    at = open_app(sample_db, "overview", {"from": "2019-20", "region": "Greater Boston"})
    assert at.select_slider(key="filter_years").value == ("2019-20", "2024-25")
    assert at.multiselect(key="filter_regions").value == ["Greater Boston"]
    supers = figures(at)[0]
    assert subtitle(supers).startswith("Greater Boston")
    assert supers["layout"]["xaxis"]["categoryarray"][0] == "2019-20"
    # Only years with at least 6 superintendents of color (and 6 others) in Greater Boston are drawn.
    from ui.data import cursor  # the app's own connection (this process holds the file)

    with cursor() as cur:
        region = share_frame(cur, load_goals().superintendents, Filters("2019-20", None, ("Greater Boston",)))
    safe = region[~region["suppressed"] & region["complete"]]
    assert 0 < len(safe) < len(region)
    assert ((safe["of_color"] >= 6) & (safe["total"] - safe["of_color"] >= 6)).all()
    assert drawn_years(traces(supers)["Superintendents of color"]) == safe["school_year"].tolist()
    assert "Groups of fewer than 6 people are hidden" in subtitle(supers)
    at.multiselect(key="filter_types").select("charter").run()
    assert at.query_params["type"] in ("charter", ["charter"])
    assert "charter schools" in subtitle(figures(at)[0])


def test_a_year_with_no_data_is_a_gap_not_a_zero(tmp_path, open_app):
    from builders import add, staffing

    con = new_warehouse(tmp_path / "gap.duckdb")
    rows = []
    for year in ("2019-20", "2021-22"):  # nothing loaded for 2020-21
        rows += staffing(year, "00350000", "Superintendent", White=20, Black=10)
    add(con, "staffing", rows)
    con.close()
    supers = figures(open_app(tmp_path / "gap.duckdb", "overview"))[0]
    observed = traces(supers)["Superintendents of color"]
    assert observed["x"][:3] == ["2019-20", "2020-21", "2021-22"]
    assert observed["y"][1] is None  # drawn as a gap


EMPTY_GOALS = [  # each goal's card on the Overview, then its chart's caption, with nothing loaded
    "No superintendents staffing is loaded for this view.",
    "No Influence 100 Fellows loaded for this view.",
    "No participation loaded for this view.",
    "No participation loaded for this view.",
    "No students' experience reports are loaded for this view.",
]
WIDEN_OR_LOAD = "for these filters. Widen the school years, region or type in the sidebar, or load data on the **Upload** page."
EMPTY_PAGE_SAYS = {
    "superintendents": f"No superintendent staffing {WIDEN_OR_LOAD}",
    "fellows": f"No Influence 100 fellows {WIDEN_OR_LOAD}",
    "districts": f"No participation {WIDEN_OR_LOAD}",
    "workforce": f"No staffing or enrollment {WIDEN_OR_LOAD}",
}


@pytest.mark.parametrize("page_name", ["overview", "superintendents", "fellows", "districts", "workforce"])
def test_an_empty_warehouse_says_what_to_load(page_name, tmp_path, open_app):
    new_warehouse(tmp_path / "empty.duckdb").close()  # organizations only: no facts
    at = open_app(tmp_path / "empty.duckdb", page_name)
    if page_name == "overview":
        assert not at.info
        assert [c for c in (as_read(x.value) for x in at.caption) if c.startswith("No ")] == EMPTY_GOALS * 2
    else:
        assert [x.value for x in at.info] == [EMPTY_PAGE_SAYS[page_name]]


def test_a_new_upload_shows_at_once(sample_db, open_app):
    from builders import add, staffing

    at = open_app(sample_db, "overview")
    from ui.data import writer

    with writer() as cur:  # as the Upload page writes: the app keeps the file read-only in between
        add(cur, "staffing", staffing("2025-26", "00350000", "Superintendent", Black=1))
    at.run()
    supers = figures(at)[0]
    # One district's roster is not the state: the default range stays on the complete years (the sidebar
    # says why), the headline on the latest complete year, and one superintendent's race is shown nowhere.
    assert "2025-26" not in subtitle(supers)  # (the axis runs on to the target year whatever the range)
    assert at.select_slider(key="filter_years").value[1] == "2024-25"
    assert any("2025-26: partial" in c.value for c in at.sidebar.caption)
    assert title(supers).startswith("Superintendents of color: 8.6% in 2024-25")
    # The new year is there at once for whoever asks for it: its coverage, never a value.
    first = at.select_slider(key="filter_years").value[0]
    at.select_slider(key="filter_years").set_value((first, "2025-26")).run()
    supers = figures(at)[0]
    assert "2025-26" in supers["layout"]["xaxis"]["categoryarray"]
    assert title(supers).startswith("Superintendents of color: 8.6% in 2024-25")
    assert "2025-26 (1 of 322 organizations reported)" in subtitle(supers)
    assert at.query_params["to"] in ("2025-26", ["2025-26"])
    assert "100.0%" not in str(supers) and "1 of 1" not in str(supers)


def test_filters_survive_changes_of_page(sample_db, open_app):
    """Region and type once were lost from the second change of page on, in the sidebar and the URL."""
    at = open_app(sample_db, "overview")
    at.multiselect(key="filter_regions").select("Greater Boston").run()
    at.multiselect(key="filter_types").select("district").run()
    at.select_slider(key="filter_years").set_value(("2019-20", "2024-25")).run()
    for page in ("superintendents", "about", "fellows", "workforce"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        if page == "about":  # shows no filters, but keeps them in the address for a reload or a link
            assert at.query_params["region"] in ("Greater Boston", ["Greater Boston"])
            continue
        assert at.multiselect(key="filter_regions").value == ["Greater Boston"], page
        assert at.multiselect(key="filter_types").value == ["district"], page
        assert at.select_slider(key="filter_years").value == ("2019-20", "2024-25"), page
        for param, value in (("region", "Greater Boston"), ("type", "district"), ("from", "2019-20")):
            assert at.query_params[param] in (value, [value]), (page, param)
    # The chart is the filtered one: what the shared address draws in a new session, not the statewide one.
    shared = open_app(
        sample_db, "workforce", {"from": "2019-20", "region": "Greater Boston", "type": "district"}
    )
    statewide = open_app(sample_db, "workforce")
    observed, expected, whole = (traces(figures(a)[0])["Teachers"] for a in (at, shared, statewide))
    assert (observed["x"], observed["y"]) == (expected["x"], expected["y"]) != (whole["x"], whole["y"])


def test_the_parity_histogram_has_its_bins_as_a_table(sample_db, open_app):
    """The one chart that is not of categories still has its figures one click away: organizations per
    band of parity, adding up to the organizations drawn."""
    at = open_app(sample_db, "workforce")
    histogram = next(f for f in figures(at) if any(t.get("type") == "histogram" for t in f["data"]))
    drawn = len(next(t for t in histogram["data"] if t.get("type") == "histogram")["x"])
    table = next(f.value for f in at.dataframe if "Organizations" in f.value.columns)
    assert list(table.columns)[1:] == ["to (not including)", "Organizations"]
    assert table["Organizations"].sum() == drawn > 0
    assert table.iloc[-1]["to (not including)"] == "and above"


def test_every_chart_in_the_registry_is_drawn_on_its_page_by_its_key(sample_db, open_app):
    """A page asks for each chart by its key in analytics/chart_registry.py, and the chart it draws carries
    that name (its PNG's, its CSV's): every key is drawn on its page, the toggled ones once toggled."""
    goals = load_goals()
    at = open_app(sample_db, "overview")
    toggles = {
        "superintendents": lambda: at.segmented_control(key="breakdown").set_value("org_type").run(),
        "equity_leaders": lambda: at.radio(key="equity_population").set_value("Principal").run(),
    }
    for page in dict.fromkeys(c.page for c in chart_registry.every_chart(goals)):
        at.switch_page(f"app_pages/{page}.py").run()
        drawn = set(at.session_state["page_charts"])
        if page in toggles:
            toggles[page]()
            drawn |= set(at.session_state["page_charts"])
        assert not at.exception, [e.value for e in at.exception]
        wanted = {c.key for c in chart_registry.every_chart(goals) if c.page == page}
        assert wanted <= drawn, (page, wanted - drawn)
