"""The program's goals, declared once in data/goals.toml (DESE edits that file, not code): each goal a
table with a `kind` and the fields that kind needs. This module reads and checks the file (an error names
the goal and the key) and knows each goal's path and words; analytics/goal_progress.py measures each goal
against its path, and everything that shows a goal — the Overview's cards, each goal's chart and page, the
deck, `metrics --json`, the exports, the About page — iterates `Goals`.

Kinds (a new kind is one class here and its measure in goal_progress.py):

    share       a population's share of color on a straight path from a baseline to a target
    count       people against a number by a cohort, one cohort a year
    per_year    organizations taking part in a program component each year, against a band
    cumulative  organizations that have done something (adopted a strategy), against a number by a year
    gap         the gaps between students of color and White students, narrowing faster since a baseline
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import Any, ClassVar

from analytics.definitions import JOB_CLASSES, parse_school_year, school_year_from_spring, spring_year
from analytics.paths import PROJECT_ROOT

GOALS_FILE = PROJECT_ROOT / "data" / "goals.toml"
GOALS_ENV = "DASHBOARD_GOALS"  # another goals file for one deployment (or a test)
MET = "Goal met"


class GoalsFileError(ValueError):
    """goals.toml is missing a value or holds one that makes no sense; the message names the goal and key."""


@dataclass(frozen=True)
class Goal:
    """What every goal has: its table name, kind, title and the file name of its chart."""

    key: str
    title: str
    chart: str

    kind: ClassVar[str] = ""
    unit: ClassVar[str] = ""  # share | people | organizations (metrics --json)
    page: ClassVar[str] = ""  # the page that shows it in full

    def definition(self) -> str:
        """The goal in one sentence (About page, the deck's definitions)."""
        raise NotImplementedError

    @property
    def chart_label(self) -> str:
        """What its chart shows, as the Export page lists it."""
        raise NotImplementedError

    @property
    def noun(self) -> str:
        """What the goal counts, in the plural, as a sentence says it ('superintendents of color')."""
        raise NotImplementedError


@dataclass(frozen=True)
class ShareGoal(Goal):
    """A population's share of color: a straight path from `baseline_share` in `baseline_year` to
    `target_share` in `target_year`, flat after."""

    job_class: str
    baseline_year: str
    baseline_share: float
    target_year: str
    target_share: float
    default_turnover: float = 0.15  # the scenario planner's, where the data cannot give it

    kind: ClassVar[str] = "share"
    unit: ClassVar[str] = "share"

    @property
    def page(self) -> str:  # type: ignore[override]
        return "superintendents" if self.job_class == "Superintendent" else "workforce"

    @property
    def population(self) -> str:
        """The job class in the plural, lower case: 'superintendents', 'principals'."""
        return {"Staff": "staff", "Other Staff": "other staff"}.get(
            self.job_class, self.job_class.lower() + "s"
        )

    def target_for(self, school_year: str) -> float | None:
        """The target path's share in `school_year`: a straight line from baseline to target, flat after."""
        year, start, end = (
            spring_year(school_year),
            spring_year(self.baseline_year),
            spring_year(self.target_year),
        )
        if year < start:
            return None
        if year >= end:
            return self.target_share
        return self.baseline_share + (self.target_share - self.baseline_share) * (year - start) / (
            end - start
        )

    @property
    def noun(self) -> str:
        return f"{self.population} of color"

    @property
    def chart_label(self) -> str:
        return f"{self.title} against the target path"

    def definition(self) -> str:
        return (
            f"{self.title}: {self.baseline_share:.0%} of {self.population} in {self.baseline_year} → "
            f"{self.target_share:.0%} in {self.target_year}, a straight path between (the share of "
            f"{self.population}' FTE with a known race who are people of color)."
        )


@dataclass(frozen=True)
class CountGoal(Goal):
    """People against `goal` by cohort `by_cohort`, one cohort a year from `first_cohort_year`, about
    `per_year` a cohort."""

    goal: int
    by_cohort: int
    first_cohort_year: str
    per_year: int

    kind: ClassVar[str] = "count"
    unit: ClassVar[str] = "people"
    page: ClassVar[str] = "fellows"

    def cohort_start_year(self, cohort: int) -> str:
        """School year in which cohort `cohort` began (one cohort a year from the first)."""
        return school_year_from_spring(spring_year(self.first_cohort_year) + cohort - 1)

    @property
    def goal_year(self) -> str:
        """The school year the goal's last cohort begins."""
        return self.cohort_start_year(self.by_cohort)

    def planned_by(self, cohort: int) -> float:
        """How many the plan has by cohort `cohort`: the goal spread evenly over its cohorts."""
        return self.goal * min(1.0, cohort / self.by_cohort)

    @property
    def noun(self) -> str:
        return self.title  # a program's name: "Influence 100 Fellows"

    @property
    def chart_label(self) -> str:
        return f"{self.title} against the goal of {self.goal}"

    def definition(self) -> str:
        return (
            f"{self.title}: {self.goal} by cohort {self.by_cohort} ({self.goal_year}), one cohort a year from "
            f"{self.first_cohort_year}, about {self.per_year} a cohort."
        )


@dataclass(frozen=True)
class PerYearGoal(Goal):
    """Organizations taking part in `component` each year, between `per_year_min` and `per_year_max`."""

    component: str
    per_year_min: int
    per_year_max: int
    start_year: str

    kind: ClassVar[str] = "per_year"
    unit: ClassVar[str] = "organizations"
    page: ClassVar[str] = "districts"

    @property
    def band(self) -> str:
        return f"{self.per_year_min}-{self.per_year_max} a year"

    @property
    def noun(self) -> str:
        return f"organizations in {self.component}"

    @property
    def chart_label(self) -> str:
        return f"{self.title} each year against {self.band}"

    def definition(self) -> str:
        return f"{self.title}: {self.band} from {self.start_year} (organizations in {self.component})."


@dataclass(frozen=True)
class CumulativeGoal(Goal):
    """Organizations that have done `measure` (adopted a workforce-diversity strategy) against `goal` by
    `target_year`, on a straight path from none in `start_year`."""

    measure: str
    goal: int
    start_year: str
    target_year: str

    kind: ClassVar[str] = "cumulative"
    unit: ClassVar[str] = "organizations"
    page: ClassVar[str] = "districts"

    def path_for(self, school_year: str) -> float | None:
        """Organizations expected by `school_year` on a straight path from 0 to the goal."""
        year, start, end = (
            spring_year(school_year),
            spring_year(self.start_year),
            spring_year(self.target_year),
        )
        if year < start:
            return None
        return self.goal * min(1.0, (year - start) / (end - start))

    @property
    def noun(self) -> str:
        return CUMULATIVE_NOUNS[self.measure]

    @property
    def chart_label(self) -> str:
        return f"{self.title} against {self.goal} by {self.target_year}"

    def definition(self) -> str:
        return (
            f"{self.title}: {self.goal} by {self.target_year}, on a straight path from none in "
            f"{self.start_year}."
        )


@dataclass(frozen=True)
class GapGoal(Goal):
    """Accelerated improvement in how students of color experience school: for each of `measures`, the gap
    between students of color and White students narrowing faster since `baseline_year` than in the years
    from `first_year` before it (analytics/students.py). A comparison of trends, not a target. `better`
    says, per measure, which way it is better ('lower' suspension, 'higher' graduation)."""

    measures: tuple[str, ...]
    baseline_year: str
    first_year: str
    better: tuple[tuple[str, str], ...] = ()

    kind: ClassVar[str] = "gap"
    unit: ClassVar[str] = "measures"
    page: ClassVar[str] = "students"

    def direction(self, measure: str) -> str | None:
        """'lower' or 'higher' for `measure`, as the file says (None: the measure's own)."""
        return dict(self.better).get(measure)

    @property
    def noun(self) -> str:
        return "gaps narrowing faster"

    @property
    def chart_label(self) -> str:
        return f"{self.title}: the gaps, before {self.baseline_year} and since"

    def definition(self) -> str:
        from analytics.students import MEASURES

        names = ", ".join(MEASURES[m].label for m in self.measures)
        before = school_year_from_spring(spring_year(self.baseline_year) - 1)
        return (
            f"{self.title}: accelerated improvement, a comparison of trends, not a target: the gap between "
            f"students of color and White students in {names} narrowing faster since {self.baseline_year} "
            f"than in {self.first_year} to {before}."
        )


KINDS: dict[str, type[Goal]] = {
    k.kind: k for k in (ShareGoal, CountGoal, PerYearGoal, CumulativeGoal, GapGoal)
}
# What each measure of a cumulative goal counts (analytics/goal_progress.py reads its column).
CUMULATIVE_NOUNS = {"strategy": "organizations with a workforce-diversity strategy"}
CUMULATIVE_MEASURES = tuple(CUMULATIVE_NOUNS)
COMPONENTS = ("capacity building", "fellowship")


@dataclass(frozen=True)
class Goals:
    """Every goal in goals.toml, in file order."""

    all: tuple[Goal, ...]

    def __iter__(self) -> Iterator[Goal]:
        return iter(self.all)

    def __len__(self) -> int:
        return len(self.all)

    def __getitem__(self, key: str) -> Goal:
        for goal in self.all:
            if goal.key == key:
                return goal
        raise KeyError(key)

    def on_page(self, page: str) -> list[Goal]:
        """The goals a page shows in full."""
        return [g for g in self.all if g.page == page]

    @property
    def superintendents(self) -> ShareGoal | None:
        """The superintendents-of-color goal (the scenario planner of posts and turnover is about it)."""
        return next(
            (g for g in self.all if isinstance(g, ShareGoal) and g.job_class == "Superintendent"), None
        )


# --- reading and checking the file -----------------------------------------------------------------------


def _fraction(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise GoalsFileError(f"{where} must be a fraction between 0 and 1 (0.14 = 14%), not {value!r}")
    return float(value)


def _whole(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise GoalsFileError(f"{where} must be a whole number (0 or more), not {value!r}")
    return int(value)


def _year(value: Any, where: str) -> str:
    year = parse_school_year(value) if isinstance(value, str) else None
    if year is None:
        raise GoalsFileError(f'{where} must be a school year like "2029-30", not {value!r}')
    return year


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise GoalsFileError(f"{where} must be words in quotes, not {value!r}")
    return value.strip()


_READERS = {float: _fraction, int: _whole, str: _text}
_YEAR_FIELDS = {"baseline_year", "target_year", "first_cohort_year", "start_year", "first_year"}


def _measures(value: Any, where: str) -> tuple[str, ...]:
    from analytics.students import MEASURES

    if not isinstance(value, list) or not value or any(m not in MEASURES for m in value):
        raise GoalsFileError(f"{where} must be a list of measures from {', '.join(MEASURES)}, not {value!r}")
    return tuple(value)


def _directions(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    from analytics.students import MEASURES

    if not isinstance(value, dict) or any(
        k not in MEASURES or v not in ("lower", "higher") for k, v in value.items()
    ):
        raise GoalsFileError(
            f'{where} must say, for measures of {", ".join(MEASURES)}, "lower" or "higher" (which way is better), '
            f"not {value!r}"
        )
    return tuple(sorted(value.items()))


def _goal(key: str, table: Any, source: str) -> Goal:
    where = f"{source} [{key}]"
    if not isinstance(table, dict):
        raise GoalsFileError(f"{where}: each goal is a table of values, [{key}] is not")
    kind = table.get("kind")
    if kind not in KINDS:
        raise GoalsFileError(f"{where}: 'kind' must be one of {', '.join(KINDS)}, not {kind!r}")
    cls = KINDS[kind]
    values: dict[str, Any] = {"key": key}
    known = {f.name for f in fields(cls)} | {"kind"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise GoalsFileError(
            f"{where}: a {kind} goal has no '{unknown[0]}' (its keys: {', '.join(sorted(known - {'key'}))})"
        )
    for f in fields(cls):
        if f.name == "key":
            continue
        if f.name == "chart":
            values["chart"] = _chart_name(table.get("chart"), key, where)
            continue
        if f.name not in table:
            if f.default is not MISSING:
                continue
            raise GoalsFileError(f"{where}: a {kind} goal needs '{f.name}'")
        raw = table[f.name]
        if f.name == "measures":
            values[f.name] = _measures(raw, f"{where} 'measures'")
        elif f.name == "better":
            values[f.name] = _directions(raw, f"{where} 'better'")
        elif f.name in _YEAR_FIELDS:
            values[f.name] = _year(raw, f"{where} '{f.name}'")
        else:
            reader = _READERS[{"float": float, "int": int, "str": str}[str(f.type)]]
            values[f.name] = reader(raw, f"{where} '{f.name}'")
    goal = cls(**values)
    _check(goal, where)
    return goal


def _chart_name(value: Any, key: str, where: str) -> str:
    name = value if value is not None else key.replace("_of_color", "").replace("_", "-") + "-goal"
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name):
        raise GoalsFileError(
            f"{where} 'chart' must be a file name of lower-case words and hyphens, not {value!r}"
        )
    return name


def _check(goal: Goal, where: str) -> None:
    """What each kind's values must say together."""
    if isinstance(goal, ShareGoal):
        if goal.job_class not in JOB_CLASSES:
            raise GoalsFileError(
                f"{where} 'job_class' must be one of {', '.join(JOB_CLASSES)}, not {goal.job_class!r}"
            )
        if spring_year(goal.target_year) <= spring_year(goal.baseline_year):
            raise GoalsFileError(f"{where}: 'target_year' must come after 'baseline_year'")
    elif isinstance(goal, CountGoal):
        if goal.by_cohort < 1 or goal.goal < 1:
            raise GoalsFileError(f"{where}: 'goal' and 'by_cohort' must be 1 or more")
    elif isinstance(goal, PerYearGoal):
        if goal.component not in COMPONENTS:
            raise GoalsFileError(
                f"{where} 'component' must be one of {', '.join(COMPONENTS)}, not {goal.component!r}"
            )
        if goal.per_year_min > goal.per_year_max:
            raise GoalsFileError(f"{where}: 'per_year_min' must not be more than 'per_year_max'")
    elif isinstance(goal, GapGoal):
        if spring_year(goal.baseline_year) <= spring_year(goal.first_year):
            raise GoalsFileError(f"{where}: 'baseline_year' must come after 'first_year'")
    elif isinstance(goal, CumulativeGoal):
        if goal.measure not in CUMULATIVE_MEASURES:
            raise GoalsFileError(
                f"{where} 'measure' must be one of {', '.join(CUMULATIVE_MEASURES)}, not {goal.measure!r}"
            )
        if spring_year(goal.target_year) <= spring_year(goal.start_year):
            raise GoalsFileError(f"{where}: 'target_year' must come after 'start_year'")


def goals_file() -> Path:
    """The goals file: $DASHBOARD_GOALS, else data/goals.toml."""
    return Path(os.environ.get(GOALS_ENV) or GOALS_FILE)


def load_goals(path: str | Path | None = None) -> Goals:
    """Read and check the goals file (GoalsFileError names the goal and key at fault)."""
    path = Path(path) if path is not None else goals_file()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as problem:
        raise GoalsFileError(f"{path} cannot be read: {problem.strerror or problem}") from None
    except tomllib.TOMLDecodeError as problem:
        raise GoalsFileError(f"{path.name} is not valid TOML: {problem}") from None
    goals = tuple(_goal(key, table, path.name) for key, table in raw.items())
    charts = [g.chart for g in goals]
    repeated = sorted({c for c in charts if charts.count(c) > 1})
    if repeated:
        raise GoalsFileError(f"{path.name}: two goals name the chart '{repeated[0]}'; give each its own")
    return Goals(goals)
