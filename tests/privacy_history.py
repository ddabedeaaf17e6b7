"""The adversary over time: someone who looked at the dashboard on every day there was something new to see,
and a district that knows its own figures on each of those days.

A random warehouse (tests/privacy_facts.random_facts) is released, then changed step by step — a late
district's file, corrections, rollbacks and restores, a district's upload waiting for review then approved,
a cohort's statuses updated, students recounted — and released again after most steps. After each release
the audit reads what a visitor sees (Filters(released=True)): the share of color of every region, type,
region × type cell, two regions together and each organization's profile, for superintendents, teachers,
principals and students; the race make-up; the Fellows in view and per cohort. Then, for every pair of
releases a visitor could have seen:

- the same figure seen on both days differs by nothing, or by a change that passes the rule (6 or more of
  color and 6 or more others, either way);
- so does a figure minus one seen inside it (a region minus one of its cells) from one day to the other;
- a district, knowing its own figures on each day, subtracts them from any figure that holds it, on one
  day and between two: what is left is nothing or passes.

Every figure is also checked to be the sum of what was released for its organizations, and every
organization's released figures to be ones it really had on some day (nothing invented). The released
figures per organization are read from the release itself (released_units): they are what a district
knows of its own, whichever of its uploads the release holds.

`audit_history(index)` replays history `index` (seed SEED); `random_history(index)` rebuilds its steps.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import random
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics import definitions

SEED = 20_190
MIN = 6  # the rule's threshold, written out: the tests do not follow a change of the code's constant
TOL = 1e-6
POPULATIONS = (definitions.SUPERINTENDENT, definitions.TEACHER, "Principal", "Students")
POC = tuple(r for r in definitions.RACES if r != definitions.WHITE)


def passes_change(dk: float, dn: float) -> bool:
    """A change of k of color among n: nothing, or 6 or more of color and 6 or more others, either way."""
    others = dn - dk
    if abs(dk) < TOL and abs(others) < TOL:
        return True
    return abs(dk) >= MIN - TOL and abs(others) >= MIN - TOL


@dataclass
class Step:
    """One thing that happens to the warehouse: an upload (as DESE, or as a district: waiting for review),
    a rollback or restore of an earlier step's upload, an approval; then perhaps a release."""

    label: str
    action: str  # upload | district-upload | approve | rollback | restore
    kind: str = ""
    rows: list[tuple] = field(default_factory=list)
    target: int | None = None  # the step whose upload a rollback, restore or approval acts on
    release: bool = True


def random_history(index: int):
    """History `index`: (facts loaded and released first, steps). Some organizations' teachers for the last
    year are held out of the first load and arrive as late files, small or large."""
    from privacy_facts import YEARS, random_facts

    facts = random_facts(index)
    rng = random.Random(SEED * 1000 + index)
    codes = facts.orgs["org_code"].tolist()
    last = YEARS[-1]
    late = rng.sample(codes, min(len(codes) // 4, 6))
    staffing = facts.staffing
    held_out = staffing["org_code"].isin(late) & (staffing["school_year"] == last)
    late_rows = staffing[held_out]
    facts.staffing = staffing[~held_out].reset_index(drop=True)
    steps: list[Step] = []
    uploads: list[int] = []  # steps with an upload that counts (or waits)
    for org in late:
        rows = [tuple(r) for r in late_rows[late_rows["org_code"] == org].itertuples(index=False)]
        if rng.random() < 0.5:  # a small late file: a few teachers only
            rows = [r for r in rows if r[2] != definitions.TEACHER]
            rows += [(last, org, definitions.TEACHER, rng.choice(POC), float(rng.randint(1, 4)))]
            rows += [(last, org, definitions.TEACHER, "White", float(rng.randint(2, 12)))]
        steps.append(Step(f"late file from {org}", "upload", "staffing", rows))
        uploads.append(len(steps) - 1)
    for _ in range(rng.randint(3, 6)):
        choice = rng.random()
        if choice < 0.35:  # a correction of one organization's teachers in one year
            org, year = rng.choice(codes), rng.choice(YEARS[:-1])
            rows = [
                (year, org, definitions.TEACHER, race, float(rng.choice([0, 1, 2, 3, 8, 20])))
                for race in rng.sample(definitions.RACES, 3)
            ]
            steps.append(Step(f"correction of {org} {year}", "upload", "staffing", rows))
            uploads.append(len(steps) - 1)
        elif choice < 0.5:  # students recounted
            org, year = rng.choice(codes), rng.choice(YEARS)
            rows = [
                (year, org, race, rng.choice([0, 2, 5, 40, 300])) for race in rng.sample(definitions.RACES, 3)
            ]
            steps.append(Step(f"enrollment of {org} {year}", "upload", "enrollment", rows))
            uploads.append(len(steps) - 1)
        elif choice < 0.65 and uploads:  # a rollback, sometimes undone
            target = rng.choice(uploads)
            steps.append(Step(f"rollback of step {target}", "rollback", target=target))
            if rng.random() < 0.5:
                steps.append(Step(f"restore of step {target}", "restore", target=target))
        elif choice < 0.8:  # a district's upload, waiting for review, then approved
            org, year = rng.choice(codes), rng.choice(YEARS)
            rows = [
                (year, org, "Principal", race, float(n))
                for race, n in ((rng.choice(POC), rng.randint(0, 2)), ("White", rng.randint(1, 3)))
            ]
            steps.append(
                Step(f"district upload from {org}", "district-upload", "staffing", rows, release=False)
            )
            steps.append(Step(f"approval of step {len(steps) - 1}", "approve", target=len(steps) - 1))
        else:  # a cohort's statuses updated: its list replaced whole
            fellows = facts.fellows
            if fellows.empty:
                continue
            cohort = rng.choice(sorted(fellows["cohort"].unique()))
            part = fellows[fellows["cohort"] == cohort].copy()
            change = rng.sample(list(part.index), min(len(part), rng.choice([1, 2, 7])))
            part.loc[change, "status"] = "completed"
            steps.append(
                Step(f"cohort {cohort} statuses", "upload", "fellows", list(part.itertuples(index=False)))
            )
            uploads.append(len(steps) - 1)
        steps[-1].release = steps[-1].release and rng.random() < 0.85
    _student_steps(rng, facts, steps, uploads, codes, last)
    return facts, steps


# The rate (or index) a correction of each students' report changes, and how: rates by a few points, the
# index by a few index points.
CORRECTED = {
    "student-discipline": ("discipline", "pct_out_of_school_suspension", (0.01, 0.03, 0.1)),
    "graduation": ("graduation", "pct_graduated", (0.02, 0.05, 0.2)),
    "student-attendance": ("attendance", "pct_chronically_absent", (0.01, 0.04, 0.1)),
    "climate-survey": ("climate", "index_overall", (1.0, 4.0, 15.0)),
}


def _student_steps(
    rng: random.Random, facts, steps: list[Step], uploads: list[int], codes, last: str
) -> None:
    """Students' experience (drawn after everything else, so the steps above are the same as before these
    were added): some organizations' suspension reports for the last year held out of the first load and
    arriving as late files; corrections of one organization's rate (suspension, graduation, chronic
    absence) or climate index for All Students or White students in one year, a few rolled back (and
    restored)."""
    before = len(steps)
    disc = facts.discipline
    late = rng.sample(codes, min(len(codes) // 8, 2))
    held_out = disc["org_code"].isin(late) & (disc["school_year"] == last)
    late_rows = disc[held_out]
    facts.discipline = disc[~held_out].reset_index(drop=True)
    for org in late:
        rows = [_plain(r) for r in late_rows[late_rows["org_code"] == org].itertuples(index=False)]
        if not rows:
            continue
        steps.append(Step(f"late suspensions from {org}", "upload", "student-discipline", rows))
        uploads.append(len(steps) - 1)
        steps[-1].release = rng.random() < 0.3
    for _ in range(rng.randint(2, 3)):
        kind = rng.choice(sorted(CORRECTED))
        name, column, sizes = CORRECTED[kind]
        frame = getattr(facts, name)
        frame = frame[
            frame["student_group"].isin([definitions.ALL_STUDENTS, definitions.WHITE]) & frame[column].notna()
        ]
        if frame.empty:
            continue
        row = frame.iloc[rng.randrange(len(frame))].to_dict()
        change = rng.choice(sizes) * rng.choice((-1, 1))
        high = 99.0 if kind == "climate-survey" else 1.0
        row[column] = min(high, max(0.0, round(float(row[column]) + change, 3)))
        label = f"correction of {row['org_code']} {row['school_year']} {row['student_group']} {column}"
        steps.append(Step(label, "upload", kind, [_plain(tuple(row.values()))]))
        uploads.append(len(steps) - 1)
        steps[-1].release = rng.random() < 0.3
        if rng.random() < 0.25:
            target = len(steps) - 1
            steps.append(Step(f"rollback of step {target}", "rollback", target=target))
            if rng.random() < 0.5:
                steps.append(Step(f"restore of step {target}", "restore", target=target))
            steps[-1].release = rng.random() < 0.3
    if len(steps) > before:
        steps[-1].release = True  # the last change is seen


def _plain(row) -> tuple:
    """A row of facts as an upload takes it: None where a figure is blank."""
    return tuple(None if isinstance(v, float) and np.isnan(v) else v for v in row)


# --- what a visitor sees after a release -----------------------------------------------------------------


def views(orgs: pd.DataFrame):
    """Every region, type and region × type cell in the warehouse, the state, and two regions together."""
    from privacy_facts import View

    regions = sorted(orgs["region"].unique())
    types = sorted(orgs["org_type"].unique())
    found = [View()]
    found += [View((r,)) for r in regions]
    found += [View((), (t,)) for t in types]
    found += [View((r,), (t,)) for r in regions for t in types]
    found += [View(pair) for pair in itertools.combinations(regions, 2)]
    return found


def observe(con, orgs: pd.DataFrame) -> dict[tuple, tuple[float, float]]:
    """Every figure a visitor sees now: identity -> (count, out of). An identity is (kind, what, period,
    organizations): the same identity on two days is the same figure."""
    from analytics import metrics as m

    seen: dict[tuple, tuple[float, float]] = {}
    years = m.school_years_loaded(con)
    for view in views(orgs):
        keep = np.ones(len(orgs), dtype=bool)
        if view.regions:
            keep &= orgs["region"].isin(view.regions).to_numpy()
        if view.org_types:
            keep &= orgs["org_type"].isin(view.org_types).to_numpy()
        members = frozenset(orgs.loc[keep, "org_code"])
        filters = m.Filters(regions=view.regions, org_types=view.org_types, released=True)
        shares = m.shares_by_year(con, POPULATIONS, filters)
        for r in shares.itertuples():
            if not r.suppressed and pd.notna(r.total):
                seen[("share", r.population, r.school_year, members)] = (r.of_color, r.total)
        for year in years[-2:]:
            makeup = m.race_composition(con, year, filters)
            for r in makeup.itertuples():
                if not r.suppressed and pd.notna(r.people):
                    seen[("race", f"{r.population} {r.race}", year, members)] = (r.people, r.total)
        summary, table = m.fellows_outcomes(con, filters)
        base = {"of_color": summary.known_race}
        for attribute in ("of_color", "completed", "active", "withdrawn", "placed_superintendent"):
            value = getattr(summary, attribute)
            if value is not None:
                seen[("fellows", attribute, "all cohorts", members)] = (
                    float(value),
                    float(base.get(attribute, summary.enrolled)),
                )
        for r in table.itertuples():
            for attribute in ("completed", "active", "withdrawn"):
                value = getattr(r, attribute)
                if pd.notna(value):
                    seen[("fellows", attribute, f"cohort {r.cohort}", members)] = (
                        float(value),
                        float(r.fellows),
                    )
    for code in orgs["org_code"]:
        shares = m.shares_by_year(
            con, (definitions.TEACHER, "Students"), m.Filters(org_code=code, released=True)
        )
        for r in shares.itertuples():
            if not r.suppressed and pd.notna(r.total):
                seen[("share", r.population, r.school_year, frozenset({code}))] = (r.of_color, r.total)
    return seen


def released_people(con) -> dict[tuple, tuple[float, float]]:
    """What the release holds for each organization: (population, school_year, org_code) -> (people of
    color, others)."""
    from analytics import releases

    units = releases.released(con, releases.PEOPLE.name)
    return {
        (r.population, r.school_year, r.org_code): (float(r.of_color), float(r.others))
        for r in units.itertuples()
    }


def true_people(con) -> set[tuple]:
    """Every (population, school_year, org_code, of_color, others) the warehouse holds now, rounded."""
    from analytics.releases import current_people

    atoms = current_people(con)
    return {
        (r.population, r.school_year, r.org_code, round(float(r.of_color), 6), round(float(r.others), 6))
        for r in atoms.itertuples()
    }


# --- students' experience --------------------------------------------------------------------------------

EXPERIENCE_KEYS = ("out_of_school_suspension", "chronic_absence", "graduation_4yr", "climate_index")
INDEX_KEYS = ("climate_index",)
OF_COLOR, WHITE = "of color", "White"


def observe_experience(con, orgs: pd.DataFrame, profiles, before=None) -> tuple[dict, dict]:
    """Every figure of students' experience a visitor sees now (students.by_year, released): identity
    (measure, school_year, organizations) -> (rate or index of color, of White students), in every view
    and in the profiles of `profiles` (the organizations whose reports change, and a few others); and
    each measure's released units. A measure whose released units are those of the release `before` (its
    (seen, units)) shows what it showed then (by_year reads nothing else): its figures are not read again."""
    from analytics import releases, students
    from analytics.filters import Filters

    seen: dict[tuple, tuple[float, float]] = {}
    units = {key: releases.released(con, students.family(students.MEASURES[key])) for key in EXPERIENCE_KEYS}
    scopes = []
    for view in views(orgs):
        keep = np.ones(len(orgs), dtype=bool)
        if view.regions:
            keep &= orgs["region"].isin(view.regions).to_numpy()
        if view.org_types:
            keep &= orgs["org_type"].isin(view.org_types).to_numpy()
        filters = Filters(regions=view.regions, org_types=view.org_types, released=True)
        scopes.append((frozenset(orgs.loc[keep, "org_code"]), filters))
    scopes += [(frozenset({code}), Filters(org_code=code, released=True)) for code in profiles]
    for key in EXPERIENCE_KEYS:
        if before is not None and units[key].equals(before[1][key]):
            seen.update({k: v for k, v in before[0].items() if k[0] == key})
            continue
        for members, filters in scopes:
            frame = students.by_year(con, students.MEASURES[key], filters)
            for r in frame.itertuples():
                if not r.suppressed and pd.notna(r.rate_of_color):
                    seen[(key, r.school_year, members)] = (float(r.rate_of_color), float(r.rate_white))
    return seen, units


def released_experience(con) -> dict[tuple, np.ndarray]:
    """What the release holds for each organization: (measure, school_year, org_code) -> its four figures
    (students of color counted and not, White counted and not; for the index: the index times its weight
    and the weight, of color and White)."""
    from analytics import releases, students

    found = {}
    for key in EXPERIENCE_KEYS:
        measure = students.MEASURES[key]
        units = releases.released(con, students.family(measure))
        values = units[list(measure.figures)].to_numpy(dtype=float) if len(units) else np.empty((0, 4))
        for (year, org), v in zip(
            zip(units["school_year"], units["org_code"], strict=True), values, strict=True
        ):
            found[(key, year, org)] = v
    return found


def true_experience(con) -> set[tuple]:
    """Every (measure, school_year, org_code, figures) the warehouse holds now, rounded."""
    from analytics import students

    found = set()
    for key in EXPERIENCE_KEYS:
        measure = students.MEASURES[key]
        atoms = students.atoms(con, measure)
        for r in atoms.itertuples():
            found.add(
                (key, r.school_year, r.org_code, *(round(float(getattr(r, c)), 6) for c in measure.figures))
            )
    return found


def _figures(key: str, year: str, members, released: dict) -> np.ndarray:
    """Organizations × four figures of `members` as released (zeros where nothing is)."""
    empty = np.zeros(4)
    return np.array([released.get((key, year, o), empty) for o in sorted(members)], dtype=float).reshape(
        -1, 4
    )


def _family(key: str, who: str, total: np.ndarray) -> tuple[float, float | None]:
    """A family's count and out of (a rate: those counted among all; an index: its weight alone)."""
    a = 0 if who == OF_COLOR else 2
    if key in INDEX_KEYS:
        return float(total[a + 1]), None
    return float(total[a]), float(total[a] + total[a + 1])


def _rates(key: str, total: np.ndarray) -> tuple[float | None, float | None]:
    if key in INDEX_KEYS:
        c, w = (total[0], total[1]), (total[2], total[3])
    else:
        c, w = (total[0], total[0] + total[1]), (total[2], total[2] + total[3])
    return (c[0] / c[1] if c[1] > TOL else None), (w[0] / w[1] if w[1] > TOL else None)


def group_passes(k: float, n: float | None) -> bool:
    """Nobody, or 6 or more counted and 6 or more not (a weight alone: 6 or more)."""
    if abs(k) < TOL and (n is None or abs(n) < TOL):
        return True
    return k >= MIN - TOL and (n is None or n - k >= MIN - TOL)


def experience_change_passes(key: str, who: str, was: np.ndarray, now: np.ndarray) -> bool:
    """The change of a family's figures between two days over some organizations (rows of `was` and `now`,
    the same organizations): for a rate, nothing, or 6 or more counted and 6 or more not, either way; for
    an index, nothing, or a weight that changed by none or 6 or more and organizations whose figures
    changed weighing 6 or more (a corrected index is a figure about the students it averages)."""
    if key not in INDEX_KEYS:
        (k_was, n_was), (k_now, n_now) = (
            _family(key, who, was.sum(axis=0)),
            _family(key, who, now.sum(axis=0)),
        )
        return passes_change(k_now - k_was, n_now - n_was)
    a = 0 if who == OF_COLOR else 2
    changed = (np.abs(now[:, a : a + 2] - was[:, a : a + 2]) > TOL).any(axis=1)
    if not changed.any():
        return True
    moved = abs(now[:, a + 1].sum() - was[:, a + 1].sum())
    weight = np.maximum(now[changed, a + 1], was[changed, a + 1]).sum()
    return (moved < TOL or moved >= MIN - TOL) and weight >= MIN - TOL


def experience_change_words(key: str, who: str, was: np.ndarray, now: np.ndarray) -> str:
    """A family's change between two days, in words: 'k of n, then k of n' (an index: its weight, and how
    much the organizations whose figures changed weigh)."""
    if key not in INDEX_KEYS:
        (k_was, n_was), (k_now, n_now) = (
            _family(key, who, was.sum(axis=0)),
            _family(key, who, now.sum(axis=0)),
        )
        return f"{k_was:g} of {n_was:g}, then {k_now:g} of {n_now:g}"
    a = 0 if who == OF_COLOR else 2
    changed = (np.abs(now[:, a : a + 2] - was[:, a : a + 2]) > TOL).any(axis=1)
    weight = np.maximum(now[changed, a + 1], was[changed, a + 1]).sum()
    return (
        f"weighing {was[:, a + 1].sum():g}, then {now[:, a + 1].sum():g}; the index moved with the figures of "
        f"{int(changed.sum())} organizations weighing {weight:g}"
    )


# --- the audit -------------------------------------------------------------------------------------------


@dataclass
class HistoryAudit:
    label: str
    problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    checked: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def problem(self, kind: str, message: str) -> None:
        self.problems[kind].append(f"{self.label}: {message}")

    def day(self, day: int, seen: dict, released: dict, known: set) -> None:
        """One release: every figure is the sum of what was released for its organizations, nothing
        released was invented, and no district subtracting its own finds a small group."""
        for key, (of_color, others) in released.items():
            self.checked["released figures"] += 1
            if (*key, round(of_color, 6), round(others, 6)) not in known:
                self.problem("invented", f"release {day}: {key} released as {of_color:g}+{others:g}")
        self._remainders(day, seen, released)
        for (kind, what, period, members), (k, n) in seen.items():
            if kind != "share":
                continue
            own = [released.get((what, period, o)) for o in members]
            self.checked["shares summed"] += 1
            total_k = sum(x[0] for x in own if x)
            total_n = sum(x[0] + x[1] for x in own if x)
            if abs(total_k - k) > 1e-6 * max(1, k) or abs(total_n - n) > 1e-6 * max(1, n):
                self.problem(
                    "not the sum of what was released",
                    f"release {day}: {what} {period} over {len(members)} organizations shows {k:g} of "
                    f"{n:g}; released {total_k:g} of {total_n:g}",
                )
            for org, mine in zip(members, own, strict=True):
                if mine is None or len(members) == 1:
                    continue
                self.checked["insider subtractions"] += 1
                if not passes_change(k - mine[0], (n - mine[0] - mine[1])):
                    self.problem(
                        "insider",
                        f"release {day}: {what} {period}: {k:g} of {n:g} minus {org}'s own "
                        f"{mine[0]:g} of {mine[0] + mine[1]:g} leaves {k - mine[0]:g} of "
                        f"{n - mine[0] - mine[1]:g}",
                    )

    def _remainders(self, day: int, seen: dict, released: dict) -> None:
        """A figure less every organization's profile shown inside it is a group too (three or more
        figures summed); so is that less any one organization's own."""
        profiles = {
            (what, period, next(iter(members))): (k, n)
            for (kind, what, period, members), (k, n) in seen.items()
            if kind == "share" and len(members) == 1
        }
        for (kind, what, period, members), (k, n) in seen.items():
            if kind != "share" or len(members) < 2:
                continue
            inside = [o for o in members if (what, period, o) in profiles]
            if len(inside) < 1:
                continue
            rest_k = k - sum(profiles[(what, period, o)][0] for o in inside)
            rest_n = n - sum(profiles[(what, period, o)][1] for o in inside)
            self.checked["figures less the profiles inside them"] += 1
            if not passes_change(rest_k, rest_n):
                self.problem(
                    "a figure less the profiles inside it",
                    f"release {day}: {what} {period}: {k:g} of {n:g} less {len(inside)} profiles leaves "
                    f"{rest_k:g} of {rest_n:g}",
                )
                continue
            for org in members:
                if org in inside:
                    continue
                mine = released.get((what, period, org))
                if mine is None:
                    continue
                self.checked["insider subtractions"] += 1
                if not passes_change(rest_k - mine[0], rest_n - mine[0] - mine[1]):
                    self.problem(
                        "insider",
                        f"release {day}: {what} {period}: {k:g} of {n:g} less {len(inside)} profiles and "
                        f"{org}'s own leaves {rest_k - mine[0]:g} of {rest_n - mine[0] - mine[1]:g}",
                    )

    def between(self, a: int, seen_a: dict, rel_a: dict, b: int, seen_b: dict, rel_b: dict) -> None:
        """Two releases someone saw: each figure, each figure minus one inside it, and each figure minus a
        district's own, differ by nothing or by a change that passes."""
        common = seen_a.keys() & seen_b.keys()
        for key in common:
            (ka, na), (kb, nb) = seen_a[key], seen_b[key]
            self.checked["figures compared between releases"] += 1
            if not passes_change(kb - ka, nb - na):
                self.problem(
                    "over time",
                    f"releases {a} and {b}: {key[0]} {key[1]} {key[2]} over {len(key[3])} organizations: "
                    f"{ka:g} of {na:g}, then {kb:g} of {nb:g}",
                )
            kind, what, period, members = key
            if kind == "share" and len(members) > 1:
                for org in members:
                    mine_a = rel_a.get((what, period, org), (0.0, 0.0))
                    mine_b = rel_b.get((what, period, org), (0.0, 0.0))
                    dk = (kb - ka) - (mine_b[0] - mine_a[0])
                    dn = (nb - na) - (sum(mine_b) - sum(mine_a))
                    self.checked["insider changes"] += 1
                    if not passes_change(dk, dn):
                        self.problem(
                            "insider over time",
                            f"releases {a} and {b}: {what} {period}: the change less {org}'s own is "
                            f"{dk:g} of {dn:g}",
                        )
        by_figure: dict[tuple, list[tuple]] = defaultdict(list)
        for key in common:
            by_figure[key[:3]].append(key)
        for keys in by_figure.values():
            for outer, inner in itertools.permutations(keys, 2):
                if not inner[3] < outer[3]:
                    continue
                self.checked["nested figures compared between releases"] += 1
                dk = (seen_b[outer][0] - seen_b[inner][0]) - (seen_a[outer][0] - seen_a[inner][0])
                dn = (seen_b[outer][1] - seen_b[inner][1]) - (seen_a[outer][1] - seen_a[inner][1])
                if not passes_change(dk, dn):
                    self.problem(
                        "over time, nested",
                        f"releases {a} and {b}: {outer[0]} {outer[1]} {outer[2]}: the figure over "
                        f"{len(outer[3])} organizations less the one over {len(inner[3])} inside it "
                        f"changed by {dk:g} of {dn:g}",
                    )

    def experience_day(self, day: int, seen: dict, released: dict, known: set) -> None:
        """One release's students' experience: every figure is the rates of the sum of what was released
        for its organizations, nothing released was invented, every figure is about 6 or more counted and
        6 or more not, of color and White (an index: 6 or more of each), and so is it less any one
        organization's own, and less the profiles shown inside it (and that less an organization's own)."""
        for where, values in released.items():
            self.checked["released students' experience figures"] += 1
            if (*where, *(round(float(x), 6) for x in values)) not in known:
                self.problem("invented", f"release {day}: {where} released as {values.tolist()}")
        for (key, year, members), shown in seen.items():
            orgs = sorted(members)
            rows = _figures(key, year, orgs, released)
            total = rows.sum(axis=0)
            self.checked["students' experience figures summed"] += 1
            want = _rates(key, total)
            if any(
                w is None or abs(v - w) > 1e-9 * max(1.0, abs(w)) for v, w in zip(shown, want, strict=True)
            ):
                self.problem(
                    "not the sum of what was released",
                    f"release {day}: {key} {year} over {len(orgs)} organizations shows {shown}; released {want}",
                )
            inside = [o for o in orgs if len(orgs) > 1 and (key, year, frozenset({o})) in seen]
            rest = [o for o in orgs if o not in inside]
            for who in (OF_COLOR, WHITE):
                k, n = _family(key, who, total)
                if not group_passes(k, n):
                    self.problem("small group", f"release {day}: {key} {year} students {who}: {k:g} of {n}")
                for i, org in enumerate(orgs if len(orgs) > 1 else ()):
                    self.checked["students' experience insider subtractions"] += 1
                    k2, n2 = _family(key, who, total - rows[i])
                    if not group_passes(k2, n2):
                        self.problem(
                            "insider",
                            f"release {day}: {key} {year} students {who} over {len(orgs)} organizations less "
                            f"{org}'s own leaves {k2:g} of {n2}",
                        )
                if not inside:
                    continue
                left = _figures(key, year, rest, released)
                self.checked["students' experience figures less the profiles inside them"] += 1
                k2, n2 = _family(key, who, left.sum(axis=0))
                if not group_passes(k2, n2):
                    self.problem(
                        "a figure less the profiles inside it",
                        f"release {day}: {key} {year} students {who}: less {len(inside)} profiles leaves "
                        f"{k2:g} of {n2}",
                    )
                for i, org in enumerate(rest if len(rest) > 1 else ()):
                    self.checked["students' experience insider subtractions"] += 1
                    k3, n3 = _family(key, who, left.sum(axis=0) - left[i])
                    if not group_passes(k3, n3):
                        self.problem(
                            "insider",
                            f"release {day}: {key} {year} students {who}: less {len(inside)} profiles and "
                            f"{org}'s own leaves {k3:g} of {n3}",
                        )

    def experience_between(
        self, a: int, seen_a: dict, rel_a: dict, b: int, seen_b: dict, rel_b: dict
    ) -> None:
        """Two releases someone saw: each figure of students' experience, each less one inside it, and each
        less a district's own, changed by nothing or by a change that passes (experience_change_passes)."""
        common = seen_a.keys() & seen_b.keys()
        for key, year, members in common:
            orgs = sorted(members)
            was, now = _figures(key, year, orgs, rel_a), _figures(key, year, orgs, rel_b)
            for who in (OF_COLOR, WHITE):
                self.checked["students' experience figures compared between releases"] += 1
                if not experience_change_passes(key, who, was, now):
                    self.problem(
                        "over time",
                        f"releases {a} and {b}: {key} {year} students {who} over {len(orgs)} organizations: "
                        f"{experience_change_words(key, who, was, now)}",
                    )
                for i, org in enumerate(orgs if len(orgs) > 1 else ()):
                    keep = np.arange(len(orgs)) != i
                    self.checked["students' experience insider changes"] += 1
                    if not experience_change_passes(key, who, was[keep], now[keep]):
                        self.problem(
                            "insider over time",
                            f"releases {a} and {b}: {key} {year} students {who} over {len(orgs)} organizations "
                            f"less {org}'s own: {experience_change_words(key, who, was[keep], now[keep])}",
                        )
        by_figure: dict[tuple, list[frozenset]] = defaultdict(list)
        for key, year, members in common:
            by_figure[(key, year)].append(members)
        for (key, year), sets in by_figure.items():
            for outer, inner in itertools.permutations(sets, 2):
                if not inner < outer:
                    continue
                between = sorted(outer - inner)
                was, now = _figures(key, year, between, rel_a), _figures(key, year, between, rel_b)
                for who in (OF_COLOR, WHITE):
                    self.checked["students' experience nested figures compared between releases"] += 1
                    if not experience_change_passes(key, who, was, now):
                        self.problem(
                            "over time, nested",
                            f"releases {a} and {b}: {key} {year} students {who}: the figure over "
                            f"{len(outer)} organizations less the one over {len(inner)} inside it: "
                            f"{experience_change_words(key, who, was, now)}",
                        )


def play(index: int, history=None) -> HistoryAudit:
    """Load history `index` (or the (facts, steps) given), releasing after the first load and after each
    step that says so, and audit every release and every pair of them."""
    from builders import TESTS, add
    from privacy_audit import build_warehouse

    from analytics import access, releases, store
    from analytics.contracts import STUDENT_KINDS

    facts, steps = history if history is not None else random_history(index)
    audit = HistoryAudit(f"history {index} (seed {SEED}, random_history({index}))")
    con = build_warehouse(facts)
    con.execute("SET threads TO 1")
    known: set = set()
    known_experience: set = set()
    days: list[tuple[int, dict, dict]] = []
    experience_days: list[tuple[int, dict, dict]] = []
    observed: list[tuple[dict, dict]] = []  # each release's figures of students' experience and its units
    # Profiles of students' experience read: the organizations whose reports change, and three others.
    profiles = sorted(
        {r[1] for step in steps if step.kind in STUDENT_KINDS for r in step.rows}
        | set(facts.orgs["org_code"].iloc[:3])
    )

    def release() -> None:
        releases.publish(con, actor=TESTS)
        known.update(true_people(con))
        known_experience.update(true_experience(con))
        day = len(days)
        days.append((day, observe(con, facts.orgs), released_people(con)))
        audit.day(day, days[-1][1], days[-1][2], known)
        before = observed[-1] if observed else None
        observed.append(observe_experience(con, facts.orgs, profiles, before))
        experience_days.append((day, observed[-1][0], released_experience(con)))
        audit.experience_day(day, experience_days[-1][1], experience_days[-1][2], known_experience)

    try:
        known.update(true_people(con))
        known_experience.update(true_experience(con))
        release()
        saved: dict[int, int] = {}
        for i, step in enumerate(steps):
            if step.action in ("upload", "district-upload"):
                actor = TESTS
                if step.action == "district-upload":
                    org = step.rows[0][1]
                    actor = access.Actor(f"clerk@{org}.example", access.UPLOADER, frozenset({org}))
                saved[i] = add(con, step.kind, step.rows, actor=actor).upload_id
            elif step.action == "approve" and step.target in saved:
                store.review_upload(con, saved[step.target], approve=True, actor=TESTS)
            elif step.action in ("rollback", "restore") and step.target in saved:
                change = store.rollback_upload if step.action == "rollback" else store.restore_upload
                with contextlib.suppress(
                    ValueError
                ):  # it never counted: nothing to roll back, as the page says
                    change(con, saved[step.target], actor=TESTS)
            known.update(true_people(con))
            known_experience.update(true_experience(con))
            if step.release:
                release()
    finally:
        con.close()
    for (a, seen_a, rel_a), (b, seen_b, rel_b) in itertools.combinations(days, 2):
        audit.between(a, seen_a, rel_a, b, seen_b, rel_b)
    for (a, seen_a, rel_a), (b, seen_b, rel_b) in itertools.combinations(experience_days, 2):
        audit.experience_between(a, seen_a, rel_a, b, seen_b, rel_b)
    audit.checked["releases"] += len(days)
    return audit


def audit_history(index: int) -> dict:
    """History `index`, audited; plain data (it crosses process boundaries)."""
    if multiprocessing.parent_process() is not None:
        from privacy_audit import _plain_templates

        _plain_templates()
    audit = play(index)
    return {"problems": dict(audit.problems), "checked": dict(audit.checked)}


def summary(results: list[dict]) -> tuple[dict[str, list[str]], dict[str, int]]:
    """Problems by kind and what was checked, over several audits."""
    problems: dict[str, list[str]] = defaultdict(list)
    checked: dict[str, int] = defaultdict(int)
    for r in results:
        for kind, found in r["problems"].items():
            problems[kind].extend(found)
        for kind, n in r["checked"].items():
            checked[kind] += n
    return dict(problems), dict(checked)
