"""Every chart the dashboard draws by name, written once: its key, its label, its page and how it is built.

The key is the chart's name everywhere: the Section's name, the file name of its PNG and CSV (a page's camera
button, the Export page, `python -m analytics export`), the page's widget, the deck's and the presentation
view's order. A page asks for a chart by its key (ui.layout.registered), and so do the Export page, the deck,
the command line and the privacy audit (through analytics.export). Adding a chart to the deck takes its
builder (a function in analytics.sections) and one line here.

A chart is built through `run(fn, *args, **kwargs)`, which calls an analytics.sections function with a
connection first: directly where a connection is at hand (`build`), through the app's cache on a page (so a
function that makes two charts, the parity pair, runs once for both).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from analytics import sections
from analytics.goals import GapGoal, Goal, Goals
from analytics.metrics import Filters
from analytics.students import MEASURES

# run(fn, *args, **kwargs) -> fn(con, *args, **kwargs): how a chart's sections function is called.
Run = Callable[..., Any]


@dataclass(frozen=True)
class Chart:
    """A chart: its key (its name everywhere), its label (the Export page's list), the page it is on, and how
    to build it: build(run, goals, filters, **options) -> Section. A chart outside the deck (`deck` False) is
    drawn on its page only, its name still from here."""

    key: str
    label: str
    page: str
    build: Callable[..., sections.Section]
    deck: bool = True


# The charts that are not a goal's, each with its page. Goals' charts come from goals.toml (`charts`).
OTHER_CHARTS: tuple[Chart, ...] = (
    Chart(
        "representation-gap",
        "Superintendents, teachers and students of color",
        "superintendents",
        lambda run, g, f: run(sections.representation_gap, g, f),
    ),
    Chart(
        "superintendents-by-region",
        "Superintendents of color by region",
        "superintendents",
        lambda run, g, f: run(sections.superintendents_by_group, g, f, "region"),
    ),
    Chart(
        "superintendents-by-type",
        "Superintendents of color by type of organization",
        "superintendents",
        lambda run, g, f: run(sections.superintendents_by_group, g, f, "org_type"),
    ),
    Chart(
        "fellows-outcomes",
        "From Fellowship to the superintendent's office",
        "fellows",
        lambda run, g, f: run(sections.fellows_outcomes, f)[1],
    ),
    Chart(
        "fellows-roles-at-entry",
        "Where Fellows come from",
        "fellows",
        lambda run, g, f: run(sections.fellows_outcomes, f)[2],
        deck=False,
    ),
    Chart(
        "workforce-of-color",
        "Educators of color by role, beside students",
        "workforce",
        lambda run, g, f: run(sections.workforce_trend, f),
    ),
    Chart(
        "teacher-student-parity",
        "Parity of teachers and students of color",
        "workforce",
        lambda run, g, f: run(sections.parity, f)[0],
    ),
    Chart(
        "parity-by-organization",
        "Parity by organization",
        "workforce",
        lambda run, g, f: run(sections.parity, f)[1],
        deck=False,
    ),
    Chart(
        "race-composition",
        "Make-up by race/ethnicity",
        "workforce",
        lambda run, g, f: run(sections.race_composition, f),
        deck=False,
    ),
    Chart(
        "equity-leader-positions",
        "Equity-leader positions and AMSEL",
        "equity_leaders",
        lambda run, g, f: run(sections.equity_leader_positions, f),
    ),
    Chart(
        "equity-leaders-by-region",
        "Equity-leader positions by region",
        "equity_leaders",
        lambda run, g, f: run(sections.equity_leaders_by_group, f, "region"),
    ),
    Chart(
        "amsel-by-type",
        "AMSEL members by type of organization",
        "equity_leaders",
        lambda run, g, f: run(sections.equity_leaders_by_group, f, "org_type"),
    ),
    Chart(
        "amsel-members",
        "AMSEL's members by year",
        "equity_leaders",
        lambda run, g, f: run(sections.amsel_network, f)[0],
    ),
    Chart(
        "amsel-expectations",
        "AMSEL members meeting the network's expectations",
        "equity_leaders",
        lambda run, g, f: run(sections.amsel_network, f)[1],
    ),
    Chart(
        "equity-leaders-map",
        "Equity leaders across Massachusetts: where the gaps are",
        "equity_leaders",
        lambda run, g, f: run(sections.equity_map, f),
    ),
    Chart(
        "teachers-of-color-with-equity-leaders",
        "Teachers of color with an equity leader and without",
        "equity_leaders",
        lambda run, g, f: run(sections.equity_comparison, f),
    ),
    Chart(
        "principals-of-color-with-equity-leaders",
        "Principals of color with an equity leader and without",
        "equity_leaders",
        lambda run, g, f: run(sections.equity_comparison, f, "Principal"),
        deck=False,
    ),
)
# The order of the deck and the Export page: the pages', and within a page its goals' charts first.
PAGE_ORDER = ("superintendents", "fellows", "districts", "students", "workforce", "equity_leaders")


def _goal_chart(goal: Goal) -> Chart:
    def build(run: Run, goals: Goals, filters: Filters, *, compact: bool = False) -> sections.Section:
        return run(sections.goal_section, goals[goal.key], filters, compact=compact)

    return Chart(goal.chart, goal.chart_label, goal.page, build)


def measure_key(key: str) -> str:
    """A students' measure's chart: 'students-out-of-school-suspension'."""
    return f"students-{key.replace('_', '-')}"


def influence_key(key: str) -> str:
    """A students' measure's chart in Influence 100's organizations and all others."""
    return f"{measure_key(key)}-influence-100"


def _measure_charts(goal: GapGoal) -> list[Chart]:
    """A gap goal's measures: each one's rates, and its gap in Influence 100's organizations and others."""
    found = []
    for key in goal.measures:
        label = MEASURES[key].label[0].upper() + MEASURES[key].label[1:]

        def rates(run: Run, goals: Goals, filters: Filters, *, key=key, **options) -> sections.Section:
            return run(sections.student_measure, goals[goal.key], key, filters, **options)

        def influence(run: Run, goals: Goals, filters: Filters, *, key=key) -> sections.Section:
            return run(sections.student_influence, goals[goal.key], key, filters)

        found.append(
            Chart(measure_key(key), f"{label}: students of color and White students", goal.page, rates)
        )
        found.append(
            Chart(
                influence_key(key),
                f"{label}: Influence 100's organizations and all others",
                goal.page,
                influence,
            )
        )
    return found


def every_chart(goals: Goals) -> tuple[Chart, ...]:
    """Every chart drawn by name, the deck's and the pages' own: each goal's (from goals.toml) and the others,
    page by page."""
    own = [_goal_chart(goal) for goal in goals]
    for goal in goals:
        if isinstance(goal, GapGoal):
            own += _measure_charts(goal)
    found = own + list(OTHER_CHARTS)
    order = {page: i for i, page in enumerate(PAGE_ORDER)}
    goal_first = {c.key: 0 if i < len(own) else 1 for i, c in enumerate(found)}
    return tuple(sorted(found, key=lambda c: (order.get(c.page, len(order)), goal_first[c.key])))


def charts(goals: Goals) -> tuple[Chart, ...]:
    """The deck's charts (the Export page's, the presentation view's, the command line's), in order."""
    return tuple(c for c in every_chart(goals) if c.deck)


def find(goals: Goals, key: str) -> Chart:
    """The chart called `key` (KeyError, naming the choices, where there is none)."""
    by_key = {c.key: c for c in every_chart(goals)}
    if key not in by_key:
        raise KeyError(f"No chart called {key!r}; choose from {', '.join(c.key for c in charts(goals))}")
    return by_key[key]


def section(run: Run, goals: Goals, filters: Filters, key: str, **options: Any) -> sections.Section:
    """The chart called `key` for this view, built through `run`, named by its key."""
    return dataclasses.replace(find(goals, key).build(run, goals, filters, **options), name=key)


def build(
    con: duckdb.DuckDBPyConnection, goals: Goals, filters: Filters, key: str, **options: Any
) -> sections.Section:
    """The chart called `key` for this view, built on `con`."""
    return section(lambda fn, *args, **kwargs: fn(con, *args, **kwargs), goals, filters, key, **options)
