"""The program's goals, read from data/goals.toml (DESE edits that file, not code)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from analytics.definitions import parse_school_year, school_year_from_spring, spring_year
from analytics.warehouse import PROJECT_ROOT

GOALS_FILE = PROJECT_ROOT / "data" / "goals.toml"


@dataclass(frozen=True)
class SuperintendentGoal:
    baseline_year: str
    baseline_share: float
    target_year: str
    target_share: float
    default_turnover: float
    title: str = "Superintendents of color"  # how cards and headings name the goal

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


@dataclass(frozen=True)
class FellowsGoal:
    goal: int
    by_cohort: int
    first_cohort_year: str
    per_year: int
    title: str = "Influence 100 Fellows"

    def cohort_start_year(self, cohort: int) -> str:
        """School year in which cohort `cohort` began (one cohort a year from the first)."""
        return school_year_from_spring(spring_year(self.first_cohort_year) + cohort - 1)

    @property
    def goal_year(self) -> str:
        """The school year the goal's last cohort begins."""
        return self.cohort_start_year(self.by_cohort)


@dataclass(frozen=True)
class DistrictsGoal:
    start_year: str
    per_year_min: int
    per_year_max: int
    strategy_goal: int
    strategy_target_year: str
    title: str = "Organizations taking part"

    def path_for(self, school_year: str) -> float | None:
        """Organizations expected by `school_year` on a straight path from 0 to the goal."""
        year, start, end = (
            spring_year(school_year),
            spring_year(self.start_year),
            spring_year(self.strategy_target_year),
        )
        if year < start:
            return None
        return self.strategy_goal * min(1.0, (year - start) / (end - start))


@dataclass(frozen=True)
class Goals:
    superintendents: SuperintendentGoal
    fellows: FellowsGoal
    districts: DistrictsGoal


class GoalsFileError(ValueError):
    """goals.toml is missing a value or holds one that makes no sense."""


def _year(section: dict, key: str, where: str) -> str:
    value = parse_school_year(section.get(key))
    if value is None:
        raise GoalsFileError(
            f"{where}: '{key}' must be a school year like \"2029-30\", not {section.get(key)!r}"
        )
    return value


def load_goals(path: str | Path = GOALS_FILE) -> Goals:
    """Read and check the goals file."""
    with open(path, "rb") as f:
        raw = tomllib.load(f)
    try:
        s, fe, di = raw["superintendents_of_color"], raw["fellows"], raw["districts"]
        goals = Goals(
            SuperintendentGoal(
                baseline_year=_year(s, "baseline_year", "superintendents_of_color"),
                baseline_share=float(s["baseline_share"]),
                target_year=_year(s, "target_year", "superintendents_of_color"),
                target_share=float(s["target_share"]),
                default_turnover=float(s.get("default_turnover", 0.15)),
                title=str(s.get("title", SuperintendentGoal.title)),
            ),
            FellowsGoal(
                goal=int(fe["goal"]),
                by_cohort=int(fe["by_cohort"]),
                first_cohort_year=_year(fe, "first_cohort_year", "fellows"),
                per_year=int(fe["per_year"]),
                title=str(fe.get("title", FellowsGoal.title)),
            ),
            DistrictsGoal(
                start_year=_year(di, "start_year", "districts"),
                per_year_min=int(di["per_year_min"]),
                per_year_max=int(di["per_year_max"]),
                strategy_goal=int(di["strategy_goal"]),
                strategy_target_year=_year(di, "strategy_target_year", "districts"),
                title=str(di.get("title", DistrictsGoal.title)),
            ),
        )
    except KeyError as missing:
        raise GoalsFileError(f"{path}: missing the value {missing}") from None
    sg = goals.superintendents
    if not (0 <= sg.baseline_share <= 1 and 0 <= sg.target_share <= 1):
        raise GoalsFileError("superintendents_of_color: shares are fractions between 0 and 1 (0.14 = 14%)")
    if spring_year(sg.target_year) <= spring_year(sg.baseline_year):
        raise GoalsFileError("superintendents_of_color: target_year must come after baseline_year")
    return goals
