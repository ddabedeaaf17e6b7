"""The privacy audit's truth: counts worked out with pandas from the facts the tests wrote, never from the
code under test, per unit (an organization; for Fellows, a cohort and home organization), and the rule
they are held to."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from privacy_facts import OUTSIDE, Facts, View
from privacy_reading import MIN, POC, TOL

from analytics import definitions

# Families of figures: each a partition of some people into categories, a figure a count of the people in
# some of them among all (or, for counts of the network's members, a count alone). The people of a
# population: its races; Fellows: their statuses, placements, roles at entry, races; the network's members:
# each measure and the rest of its base.
STUDENTS = "Students"
FELLOW_PERIOD = "all cohorts"  # Fellows' figures are sums over units cohort|organization
FELLOW_FAMILIES = {
    "Fellows' status": ("active", "completed", "withdrawn"),
    "Fellows' placement": ("superintendent_within_5", "assistant_within_5", "not_placed_within_5"),
    "Fellows' role at entry": ("entered_as_principal", "entered_from_central_office", "entered_otherwise"),
    "Fellows' race": ("of_color", "not_of_color"),
}
FELLOW_FAMILY = {attr: family for family, attrs in FELLOW_FAMILIES.items() for attr in attrs}
# What each measure of the network's members counts among (equity.NETWORK_MEASURES, written out).
NETWORK_BASES = {
    "district_members": "members",
    "new_to_role": "members",
    "new_with_mentor": "new_to_role",
    "every_meeting": "members",
    "in_subcommittee": "members",
}
NETWORK_COUNTS = ("members", *NETWORK_BASES)
MEMBERS = "AMSEL members"


def network_family(measure: str) -> str:
    """The family of a measure among its base: `measure` and the rest of the base."""
    return f"AMSEL {measure}"


def count_family(measure: str) -> str:
    """The family of a count of members alone (the members themselves, or those new to their role)."""
    return MEMBERS if measure == "members" else f"AMSEL {measure} (count)"


# Students' experience (analytics/students.py's measures, written out here from docs/definitions.md and the
# contracts): each measure's report (a Facts attribute), its rate's column, the head count the rate is of (None: the
# report has none, and the warehouse's enrollment by race weighs it), and whether it is an index (1-99).
@dataclass(frozen=True)
class Experience:
    key: str
    report: str
    column: str
    base: str | None
    index: bool = False


EXPERIENCE = {
    e.key: e
    for e in (
        Experience("out_of_school_suspension", "discipline", "pct_out_of_school_suspension", "students"),
        Experience("chronic_absence", "attendance", "pct_chronically_absent", None),
        Experience("graduation_4yr", "graduation", "pct_graduated", "cohort_count"),
        Experience("climate_index", "climate", "index_overall", "respondents", index=True),
    )
}
OF_COLOR, WHITE_STUDENTS = "of color", "White"
# The figures of one organization and year: for a rate, students of color counted by it and not, White
# students counted and not; for an index, the index times its weight and the weight, of color and White.
RATE_FIGURES = ("yes_c", "no_c", "yes_w", "no_w")
INDEX_FIGURES = ("sum_c", "n_c", "sum_w", "n_w")


def experience_family(key: str, who: str) -> str:
    """The family of a measure's students of one kind (of color, or White): for a rate, those it counts and
    those it does not; for an index, the students it weighs (a count alone: 6 or more)."""
    return f"students' {key}: {who}"


EXPERIENCE_FAMILIES = {
    experience_family(key, who): ("weight",) if e.index else ("counted", "not counted")
    for key, e in EXPERIENCE.items()
    for who in (OF_COLOR, WHITE_STUDENTS)
}
# The Export page's charts of each measure (their titles state the latest rates shown).
EXPERIENCE_CHART_KEYS = {f"students-{key.replace('_', '-')}": key for key in EXPERIENCE}


def owner(unit: str) -> str:
    """The organization (or outside school) that knows a unit's figures: its own."""
    return unit.rsplit("|", 1)[-1]


class Truth:
    """Counts from the generated facts, per unit (an organization; for Fellows, a cohort and home
    organization), so any view's figure is a sum."""

    def __init__(self, facts: Facts):
        self.facts = facts
        s = facts.staffing.rename(columns={"job_class": "population", "fte": "people"})
        e = facts.enrollment.rename(columns={"students": "people"}).assign(population=STUDENTS)
        people = pd.concat([s, e], ignore_index=True)
        people = people[people["race"] != definitions.UNKNOWN_RACE]
        people = people.assign(people=people["people"].astype(float))
        wide = people.pivot_table(
            index=["population", "school_year", "org_code"],
            columns="race",
            values="people",
            aggfunc="sum",
            fill_value=0.0,
        )
        wide = wide.reindex(columns=list(definitions.RACES), fill_value=0.0)
        self._tables: dict[tuple[str, str], pd.DataFrame] = {
            key: part.droplevel([0, 1]) for key, part in wide.groupby(level=[0, 1])
        }
        self.populations = tuple(sorted({p for p, _ in self._tables}))
        self.people = {
            key: pd.DataFrame({"k": t[list(POC)].sum(axis=1), "people": t.sum(axis=1)})
            for key, t in self._tables.items()
        }
        self._fellows_table(facts.fellows)
        self._network_tables(facts.amsel_members)
        self._experience_tables(facts)
        self._contributing: dict[tuple[str, str], frozenset[str]] = {}

    def _fellows_table(self, f: pd.DataFrame) -> None:
        placed_within = [
            p is not None
            and isinstance(y, str)
            and definitions.spring_year(y) - definitions.spring_year(s) < 5
            for p, y, s in zip(f["placement_role"], f["placement_year"], f["start_year"], strict=True)
        ]
        placed_within = pd.Series(placed_within, index=f.index, dtype=bool)
        superintendent = (f["placement_role"] == definitions.SUPERINTENDENT) & placed_within
        assistant = (f["placement_role"] == "Assistant Superintendent") & placed_within
        principal = f["entry_role"].isin(["Principal", "Assistant Principal"])
        central = f["entry_role"] == "Central Office"
        known = f["race"] != definitions.UNKNOWN_RACE
        of_color = f["race"].isin(POC)
        self.fellows = pd.DataFrame(
            {
                "cohort": f["cohort"],
                "org_code": f["home_org_code"],
                "fellows": 1,
                "known": known,
                "of_color": of_color,
                "not_of_color": known & ~of_color,
                "active": f["status"] == "active",
                "completed": f["status"] == "completed",
                "withdrawn": f["status"] == "withdrawn",
                "entered_as_principal": principal,
                "entered_from_central_office": central,
                "entered_otherwise": ~principal & ~central,
                "superintendent_within_5": superintendent,
                "assistant_within_5": assistant,
                "not_placed_within_5": ~superintendent & ~assistant,
            }
        )
        units = self.fellows["cohort"].astype(int).astype(str) + "|" + self.fellows["org_code"]
        per_unit = (
            self.fellows.drop(columns=["cohort", "org_code"]).astype(float).groupby(units.to_numpy()).sum()
        )
        for family, attrs in FELLOW_FAMILIES.items():
            self._tables[(family, FELLOW_PERIOD)] = per_unit[list(attrs)]
        self.cohorts = tuple(sorted(int(c) for c in self.fellows["cohort"].unique()))

    def _network_tables(self, members: pd.DataFrame) -> None:
        self.network_regions: dict[str, tuple[str, str]] = {}
        if members.empty:
            return
        unit = members["org_code"].where(members["org_code"].notna(), OUTSIDE + members["outside_school"])
        frame = members.assign(unit=unit.to_numpy())
        for row in frame.itertuples():
            if row.unit.startswith(OUTSIDE):
                self.network_regions[row.unit] = (definitions.OUTSIDE_DESE_REGION, definitions.INDEPENDENT)
        for year, part in frame.groupby("school_year"):
            t = part.groupby("unit")[list(NETWORK_COUNTS)].sum().astype(float)
            self._tables[(MEMBERS, year)] = t[["members"]]
            for measure, base in NETWORK_BASES.items():
                family = network_family(measure)
                self._tables[(family, year)] = pd.DataFrame(
                    {measure: t[measure], f"not {measure}": t[base] - t[measure]}
                )
                self._tables[(count_family(measure), year)] = t[[measure]]

    # --- families -------------------------------------------------------------------------------

    def _experience_tables(self, f: Facts) -> None:
        """Per measure, year and organization where All Students and White are both published: students of
        color = All Students minus White, in counts (students × rate), White students as published; the
        head counts are the report's own, or the warehouse's enrollment (students of known race, and White
        students) where the report has none (chronic absence; the climate index where the survey does not
        give its respondents). Counts of color are kept between none and all of them (published rates are
        rounded to 0.1 points). Only the all-grades climate rows are drawn (privacy_facts.random_facts)."""
        known = f.enrollment[f.enrollment["race"].isin(definitions.RACES)]
        pupils = pd.DataFrame(
            {
                "e_all": known.groupby(["school_year", "org_code"])["students"].sum().astype(float),
                "e_white": known[known["race"] == "White"]
                .groupby(["school_year", "org_code"])["students"]
                .sum()
                .astype(float),
            }
        )
        pupils["e_white"] = pupils["e_white"].fillna(0.0)
        self.experience: dict[str, pd.DataFrame] = {}
        self._experience_years: dict[tuple[str, str], pd.DataFrame] = {}
        for key, e in EXPERIENCE.items():
            rows = getattr(f, e.report)
            rows = rows[rows["student_group"].isin([definitions.ALL_STUDENTS, "White"])]
            if e.index:
                rows = rows[rows["grade"] == definitions.ALL_GRADES]
            rows = rows.assign(
                rate=rows[e.column].astype(float),
                base=rows[e.base].astype(float) if e.base else np.nan,
            )
            wide = rows.set_index(["school_year", "org_code", "student_group"])[["rate", "base"]].unstack()
            wide = wide.reindex(
                columns=pd.MultiIndex.from_product([["rate", "base"], [definitions.ALL_STUDENTS, "White"]])
            )
            frame = pd.DataFrame(
                {
                    "rate_all": wide[("rate", definitions.ALL_STUDENTS)],
                    "base_all": wide[("base", definitions.ALL_STUDENTS)],
                    "rate_white": wide[("rate", "White")],
                    "base_white": wide[("base", "White")],
                }
            ).join(pupils)
            if e.base is None or e.index:  # enrollment where the report gives no head count
                frame["base_all"] = frame["base_all"].fillna(frame["e_all"])
                frame["base_white"] = frame["base_white"].fillna(frame["e_white"])
            frame = frame.dropna(subset=["rate_all", "base_all", "rate_white", "base_white"])
            base_c = frame["base_all"] - frame["base_white"]
            frame, base_c = (
                frame[(frame["base_all"] > 0) & (base_c >= 0)],
                base_c[(frame["base_all"] > 0) & (base_c >= 0)],
            )
            all_k = frame["rate_all"] * frame["base_all"]
            white_k = frame["rate_white"] * frame["base_white"]
            if e.index:
                out = pd.DataFrame(
                    {"sum_c": all_k - white_k, "n_c": base_c, "sum_w": white_k, "n_w": frame["base_white"]}
                )
                tables = {OF_COLOR: out[["n_c"]], WHITE_STUDENTS: out[["n_w"]]}
            else:
                yes_w = white_k.clip(lower=0)
                yes_c = np.minimum((all_k - yes_w).clip(lower=0), base_c)
                out = pd.DataFrame(
                    {
                        "yes_c": yes_c,
                        "no_c": base_c - yes_c,
                        "yes_w": yes_w,
                        "no_w": frame["base_white"] - yes_w,
                    }
                )
                tables = {OF_COLOR: out[["yes_c", "no_c"]], WHITE_STUDENTS: out[["yes_w", "no_w"]]}
            out = out.reset_index()
            self.experience[key] = out
            for who, table in tables.items():
                family = experience_family(key, who)
                table = table.reset_index()
                for year, part in table.groupby("school_year"):
                    t = part.drop(columns="school_year").set_index("org_code").astype(float)
                    t.columns = list(EXPERIENCE_FAMILIES[family])
                    self._tables[(family, year)] = t
        first = f.participation.groupby("org_code")["school_year"].min()
        self._joined = first.to_dict()

    def experience_year(self, key: str, year: str) -> pd.DataFrame:
        """A measure's figures in one year, by organization (RATE_FIGURES or INDEX_FIGURES)."""
        found = self._experience_years.get((key, year))
        if found is None:
            frame = self.experience[key]
            figures = list(INDEX_FIGURES if EXPERIENCE[key].index else RATE_FIGURES)
            found = frame[frame["school_year"] == year].set_index("org_code")[figures]
            self._experience_years[(key, year)] = found
        return found

    def experience_orgs(self, key: str, year: str) -> frozenset[str]:
        """The organizations in a measure's figure for a year: All Students and White both published."""
        return frozenset(self.experience_year(key, year).index)

    def experience_sums(self, key: str, year: str, units) -> dict[str, float]:
        """A measure's figures summed over `units` in one year."""
        part = self.experience_year(key, year)
        part = part[part.index.isin(list(units))]
        return {c: float(v) for c, v in part.sum().items()}

    def influence_100(self, year: str) -> frozenset[str]:
        """Influence 100's organizations in a year: those that took part in it that year or before."""
        return frozenset(o for o, first in self._joined.items() if first <= year)

    @staticmethod
    def categories(family: str) -> tuple[str, ...]:
        if family in EXPERIENCE_FAMILIES:
            return EXPERIENCE_FAMILIES[family]
        if family in FELLOW_FAMILIES:
            return FELLOW_FAMILIES[family]
        if family == MEMBERS:
            return ("members",)
        if family.startswith("AMSEL "):
            measure = family.removeprefix("AMSEL ").removesuffix(" (count)")
            return (measure,) if family.endswith(" (count)") else (measure, f"not {measure}")
        return tuple(definitions.RACES)

    @classmethod
    def count_only(cls, family: str) -> bool:
        return len(cls.categories(family)) == 1

    @classmethod
    def canonical(cls, family: str, attrs: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
        """The same figure written one way: 'k of n have A' is 'n - k of n have the rest'; the way chosen
        leaves out the family's last category (White, withdrawn, ...). Returns (attributes, flipped)."""
        cats = cls.categories(family)
        if len(cats) == 1 or cats[-1] not in attrs:
            return tuple(c for c in cats if c in attrs), False
        return tuple(c for c in cats if c not in attrs), True

    def table(self, family: str, period: str) -> pd.DataFrame:
        """Units × categories of one family in one period (empty when there is nothing)."""
        found = self._tables.get((family, period))
        return found if found is not None else pd.DataFrame(columns=list(self.categories(family)))

    def contributing(self, family: str, period: str) -> frozenset[str]:
        """The units with anybody in the family in the period: only they change a figure."""
        key = (family, period)
        if key not in self._contributing:
            t = self.table(family, period)
            self._contributing[key] = frozenset(t.index[t.sum(axis=1).to_numpy() > TOL])
        return self._contributing[key]

    def count(
        self, family: str, attrs: tuple[str, ...], period: str, units: frozenset[str]
    ) -> tuple[float, float | None]:
        """(people with `attrs`, people in the family) across `units`; None for a count alone."""
        t = self.table(family, period)
        part = t[t.index.isin(units)]
        k = float(part[list(attrs)].to_numpy().sum())
        return k, None if self.count_only(family) else float(part.to_numpy().sum())

    def vectors(self, family: str, attrs: tuple[str, ...], period: str, units: list[str]):
        """Per unit of `units`: people with `attrs`, and people in the family (None for a count alone)."""
        t = self.table(family, period).reindex(units).fillna(0.0)
        k = t[list(attrs)].to_numpy().sum(axis=1)
        return k, None if self.count_only(family) else t.to_numpy().sum(axis=1)

    # --- the older questions, kept for the hand-made attacks ------------------------------------

    def share(self, population: str, year: str, orgs: frozenset[str]) -> tuple[float, float]:
        """(people of color, people of known race) of `population` in `year` across `orgs`."""
        part = self.people.get((population, year))
        if part is None:
            return 0.0, 0.0
        part = part[part.index.isin(orgs)]
        return float(part["k"].sum()), float(part["people"].sum())

    def fellows_count(self, cohort: int | None, orgs: frozenset[str], attribute: str) -> tuple[int, int]:
        """(Fellows with `attribute`, Fellows it is counted among) of one cohort (None: all) across `orgs`."""
        part = self.fellows[self.fellows["org_code"].isin(orgs)]
        if cohort is not None:
            part = part[part["cohort"] == cohort]
        among = "known" if attribute == "of_color" else "fellows"
        return int(part[attribute].sum()), int(part[among].sum())

    # --- units of a view ------------------------------------------------------------------------

    def fellow_units(self, orgs: frozenset[str], cohort: int | None = None) -> frozenset[str]:
        """The units cohort|organization of the Fellows of `orgs` (one cohort, or all)."""
        cohorts = self.cohorts if cohort is None else (int(cohort),)
        return frozenset(f"{c}|{o}" for c in cohorts for o in orgs)

    def network_units(self, view: View) -> frozenset[str]:
        """The organizations of a view, and the schools outside DESE's where the view picks them."""
        units = set(view.orgs(self.facts))
        for unit, (region, org_type) in self.network_regions.items():
            if (not view.regions or region in view.regions) and (
                not view.org_types or org_type in view.org_types
            ):
                units.add(unit)
        return frozenset(units)

    def leader_groups(self, year_to: str | None) -> dict[str, frozenset[str]]:
        """The organizations with an equity-leader position in their latest report up to `year_to`, and those
        that reported without one (the equity page's two groups)."""
        from analytics import equity

        rows = self.facts.equity_leaders
        if year_to:
            rows = rows[rows["school_year"] <= year_to]
        latest = rows.sort_values("school_year").groupby("org_code").tail(1)
        has = latest["has_equity_leader"].astype(bool)
        return {
            equity.WITH_LEADER: frozenset(latest.loc[has, "org_code"]),
            equity.WITHOUT_LEADER: frozenset(latest.loc[~has, "org_code"]),
        }


# Fellows CSV columns: the attribute each counts (aliases a rewrite might use), and those that count no
# attribute (cohort sizes, organizations, the running total, how many have a known race).
FELLOW_ATTRIBUTES = {
    "of_color": "of_color",
    "active": "active",
    "completed": "completed",
    "withdrawn": "withdrawn",
    "withdrew": "withdrawn",
    "entered_as_principal": "entered_as_principal",
    "entered_from_central_office": "entered_from_central_office",
    "superintendent_within_5": "superintendent_within_5",
    "placed_superintendent": "superintendent_within_5",
    "assistant_within_5": "assistant_within_5",
    "placed_assistant": "assistant_within_5",
}
FELLOW_COUNTS = {"cohort", "fellows", "organizations", "known_race", "cumulative", "total", "enrolled"}
STATUSES = ("active", "completed", "withdrawn")
# Fellows CSVs in long form (one row per step of the funnel, role or status): the column naming the row,
# the column counting it, and what a row's words say it counts (None: all Fellows, no attribute).
STEP_COLUMNS = ("step", "measure", "status", "outcome", "role", "label")
COUNT_COLUMNS = ("fellows", "count", "people", "value")
STEP_WORDS = (
    ("withdr", "withdrawn"),
    ("complet", "completed"),
    ("active", "active"),
    ("assistant superintendent", "assistant_within_5"),
    ("superintendent", "superintendent_within_5"),
    ("principal", "entered_as_principal"),
    ("central office", "entered_from_central_office"),
    ("of color", "of_color"),
    ("enrolled", None),
    ("all fellows", None),
    ("total", None),
)


def publishable(k: float, n: float) -> bool:
    return k >= MIN - TOL and n - k >= MIN - TOL


def passes_rule(k: float, n: float | None) -> bool:
    """A figure about a group: 6 or more with the attribute and 6 or more without (a count alone: 6 or
    more)."""
    return k >= MIN - TOL if n is None else publishable(k, n)


def nothing_or_passes(k: float, n: float | None) -> bool:
    """What a sum or difference of figures gives: nobody, or a group that passes the rule."""
    if abs(k) <= TOL and (n is None or abs(n) <= TOL):
        return True
    return passes_rule(k, n)


def partition_leak(total: float, shown: dict[str, float], parts: tuple[str, ...]) -> str | None:
    """What the parts of a visible total that are not shown give away: together they are the total minus
    the parts shown (one hidden part is that exactly), and that remainder must itself be publishable."""
    hidden = [p for p in parts if p not in shown]
    if not hidden or not shown:
        return None
    rest = total - sum(shown.values())
    if publishable(rest, total):
        return None
    if len(hidden) == 1:
        return f"{hidden[0]} is not shown, but it is {total:g} minus those shown = {rest:g}"
    return f"those not shown ({', '.join(hidden)}) add up to {total:g} minus those shown = {rest:g}"


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def of_words(k: float, n: float | None) -> str:
    return f"{k:g} members" if n is None else f"{k:g} of {n:g} ({n - k:g} not)"
