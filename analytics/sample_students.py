"""The sample's students' experience: DESE's four reports by student group (discipline, attendance,
graduation, the VOCAL climate survey) for every organization with enrollment, calibrated to
analytics/sample_calibration.py's targets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import definitions
from analytics.sample_calibration import (
    ALL_GRADES,
    ALL_STUDENTS,
    ARREST_FIRST_YEAR,
    CALIBRATION_NAME,
    CHRONIC_20_FIRST_YEAR,
    CLIMATE_YEARS,
    COHORT_WHITE_TILT,
    EXPERIENCE_YEARS,
    FEWEST_COUNTED,
    FEWEST_RESPONDENTS,
    NON_RACE_FIRST_YEAR,
    NON_RACE_GROUPS,
    NON_RACE_SHARES,
    REFERRAL_FIRST_YEAR,
    STATEWIDE_COHORT,
    calibration_targets,
)
from analytics.sample_workforce import FIRST_YEAR, SEED, _calibrate, _logit, _Org, _sigmoid

# How much faster the gap narrows, per year since joining (at most STORY_YEARS), in the Influence 100
# organizations where it does: on the logit scale for rates, in index points for VOCAL. About 0.25 points of
# suspension, 0.7 of chronic absence, 0.7 of graduation and 0.4 index points a year, varying by organization.
STORY_STEP = {"discipline": 0.09, "attendance": 0.035, "graduation": 0.045, "climate": 0.4}
STORY_YEARS = 6
NARROWING_SHARE = 0.6  # of Influence 100 organizations, chosen at random with the seed


class _Experience:
    """The four reports for every organization with enrollment, as arrays over organization × year × race."""

    def __init__(self, enrollment: pd.DataFrame, participation: pd.DataFrame, orgs: list[_Org], seed: int):
        self.rng = rng = np.random.default_rng(seed + 21)
        self.targets = calibration_targets()
        years = EXPERIENCE_YEARS
        counts = enrollment.astype({"students": int}).pivot_table(
            index=["org_code", "school_year"], columns="race", values="students", aggfunc="sum", fill_value=0
        )
        by_code = {o.code: o for o in orgs}
        self.codes = sorted(set(enrollment["org_code"]))
        self.orgs = [by_code[c] for c in self.codes]
        n_org, n_year, n_race = len(self.codes), len(years), len(definitions.RACES)
        enrolled = np.zeros((n_org, n_year, n_race))
        for (code, year), row in counts.iterrows():
            enrolled[self.codes.index(code), years.index(year)] = [row.get(r, 0) for r in definitions.RACES]
        # Before the sample's enrollment (2016-17) each organization is counted back from its 2016-17 make-up:
        # a little larger and a little Whiter each year back (38.7% of color in 2016-17, about 37% in 2014-15).
        first = years.index(FIRST_YEAR)
        back = np.array([0.978 if r != definitions.WHITE else 1.013 for r in definitions.RACES])
        for k in range(first - 1, -1, -1):
            enrolled[:, k] = np.round(enrolled[:, k + 1] * back)
        self.n = enrolled
        self.active = enrolled.sum(axis=2) > 0
        total = enrolled.sum(axis=2)
        start = np.where(total[:, first] > 0, first, self.active.argmax(axis=1))
        of_color = 1 - enrolled[np.arange(n_org), start, -1] / np.maximum(total[np.arange(n_org), start], 1)
        self.of_color = of_color
        urban = _logit(np.clip(of_color, 0.02, 0.98))
        urban = (urban - urban.mean()) / urban.std()
        self.urban = urban
        self.lean = 0.7 * urban + 0.7 * rng.normal(size=n_org)  # an organization's own lean, all measures
        self.size = total[np.arange(n_org), start]
        self.kind = np.array([o.org_type for o in self.orgs])
        # Influence 100: the year each joined; in some the gap narrows faster from then on.
        joined = participation.groupby("org_code")["school_year"].min()
        self.joined = {c: years.index(y) for c, y in joined.items() if c in self.codes and y in years}
        members = sorted(self.joined)
        narrowing = [c for c in members if rng.random() < NARROWING_SHARE]
        self.narrowing = tuple(narrowing)
        strength = np.zeros(n_org)
        story = np.zeros((n_org, n_year))
        for c in narrowing:
            i = self.codes.index(c)
            strength[i] = rng.uniform(0.6, 1.4)
            since = np.arange(n_year) - self.joined[c] + 1
            story[i] = np.clip(since, 0, STORY_YEARS) * strength[i]
        self.story = story
        # Every organization's gap drifts a little of its own accord, narrowing in some and widening in others.
        self.drift = np.outer(rng.normal(0, 0.015, n_org), np.arange(n_year) - years.index("2019-20"))
        self.colour = np.array([r != definitions.WHITE for r in definitions.RACES], dtype=float)
        # Which organizations have a high school (graduation) and which grades they survey (VOCAL): every
        # vocational school; most districts but the smallest (towns whose students go on to a regional school);
        # about half the charter schools.
        draw = rng.random(n_org)
        charter, vocational = self.kind == "charter", self.kind == "vocational"
        self.high_school = vocational | np.where(charter, draw < 0.45, (self.size >= 900) | (draw < 0.35))
        self.shares = {
            group: np.clip((low + (high - low) * of_color) * np.exp(rng.normal(0, 0.15, n_org)), 0.01, 0.95)
            for group, (low, high) in NON_RACE_SHARES.items()
        }

    # --- shared pieces ---------------------------------------------------------------------------------------

    def target(self, measure: str, year: str, group: str) -> float:
        t = self.targets
        hit = t[(t.measure == measure) & (t.school_year == year) & (t.student_group == group)]
        return float(hit["value"].iloc[0])

    def latent(self, lean: float, spread: float, step: float, better: int) -> np.ndarray:
        """Logits before calibration: the organization's lean, the race's own spread within it, a common
        year-to-year wobble, each organization's drift of the gap, and the narrowing where it happens
        (`better` is -1 where lower is better)."""
        rng = self.rng
        n_org, n_year, n_race = self.n.shape
        base = lean * self.lean[:, None, None] + rng.normal(0, spread, (n_org, 1, n_race))
        wobble = rng.normal(0, 0.06, (n_org, n_year, 1)) + rng.normal(0, 0.03, (n_org, n_year, n_race))
        gap = better * (self.drift + step * self.story)[:, :, None] * self.colour[None, None, :]
        return base + wobble + gap

    def grid(self, measure: str) -> np.ndarray:
        """The targets of a measure as year × race (NaN for a year it has none)."""
        t = self.targets[(self.targets.measure == measure) & (self.targets.student_group != ALL_STUDENTS)]
        out = np.full((len(EXPERIENCE_YEARS), len(definitions.RACES)), np.nan)
        for row in t.itertuples():
            out[EXPERIENCE_YEARS.index(row.school_year), definitions.RACES.index(row.student_group)] = (
                row.value
            )
        return out

    @staticmethod
    def calibrate(latent: np.ndarray, weights: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Probabilities whose average by year and race, weighted, is the target there (0 where none)."""
        out = np.zeros_like(latent)
        for k, j in zip(*np.nonzero(~np.isnan(targets)), strict=True):
            w = weights[:, k, j]
            if w.sum() > 0:
                out[:, k, j] = _calibrate(latent[:, k, j], w, targets[k, j])
        return out

    def counted(self, n: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Whole numbers of n × p, each within one of it, rounded systematically across organizations in a
        random order per year and race, so that every total (statewide, or over any many organizations) is
        within a hair of its expected value: calibrated counts without the noise of random draws."""
        expected = np.broadcast_to(n * p, n.shape).transpose(1, 2, 0)  # year × race × organization
        order = np.argsort(self.rng.random(expected.shape), axis=2)
        running = np.round(np.cumsum(np.take_along_axis(expected, order, axis=2), axis=2))
        counts = np.empty_like(expected)
        np.put_along_axis(counts, order, np.diff(running, axis=2, prepend=0), axis=2)
        return np.minimum(counts.transpose(2, 0, 1), n).astype(int)

    def share_of(self, group: str) -> np.ndarray:
        """A non-race group's share of each organization's students (higher where more are of color), the same
        in every report."""
        return self.shares[group]

    # --- the four reports ------------------------------------------------------------------------------------

    def discipline(self) -> pd.DataFrame:
        """The Student Discipline Data Report: students, students disciplined and the share of students with
        each removal, by group. Rates blank where fewer than FEWEST_COUNTED students were disciplined."""
        rng, n = self.rng, self.n
        lean = self.latent(0.35, 0.25, STORY_STEP["discipline"], -1)
        students = n.astype(int)
        disciplined = self.counted(n, self.calibrate(lean, n, self.grid("students_disciplined")))
        # Suspension rates are published where 6 or more were disciplined: calibrated on those, so that the
        # statewide rate a reader can compute from the file is the target.
        shown = disciplined >= FEWEST_COUNTED
        per_student = (n * shown).sum(axis=0) / np.maximum((disciplined * shown).sum(axis=0), 1)
        share_target = self.grid("out_of_school_suspension") * per_student
        share = _sigmoid(0.2 * lean + rng.normal(0, 0.15, n.shape))
        q = self.calibrate(_logit(share), disciplined * shown, share_target)
        in_school_share = np.array(
            [0.29, 0.38, 0.34, 0.39, 0.39, 0.38, 0.45]
        )  # of those disciplined, 2021-22
        in_school = _sigmoid(_logit(in_school_share)[None, None, :] + 0.6 * rng.normal(size=(len(n), 1, 1)))
        removals = {
            "pct_in_school_suspension": in_school,
            "pct_out_of_school_suspension": q,
            "pct_expulsion": 0.004,
            "pct_alternate_setting": 0.003,
            "pct_emergency_removal": 0.07,
            "pct_school_based_arrest": 0.005,
            "pct_law_enforcement_referral": 0.008,
        }
        removed = {
            k: self.counted(disciplined, share)
            if k == "pct_out_of_school_suspension"
            else rng.binomial(disciplined, share)
            for k, share in removals.items()
        }
        # All Students, then the non-race groups: disciplined at a multiple of All Students' rate, each removal
        # at All Students' share of those disciplined.
        all_n, all_hit = students.sum(axis=2), disciplined.sum(axis=2)
        all_removed = {k: v.sum(axis=2) for k, v in removed.items()}
        extra_n, extra_hit, extra_removed = [], [], {k: [] for k in removals}
        for group, ratio in {
            "Low Income": 1.55,
            "English Learners": 1.05,
            "Students with Disabilities": 1.7,
        }.items():
            size = np.round(all_n * self.share_of(group)[:, None]).astype(int)
            hit = rng.binomial(size, np.clip(all_hit / np.maximum(all_n, 1) * ratio, 0, 0.9))
            extra_n.append(size)
            extra_hit.append(hit)
            for k in removals:
                extra_removed[k].append(rng.binomial(hit, all_removed[k] / np.maximum(all_hit, 1)))
        base = _by_group(all_n, students, extra_n)
        hit = _by_group(all_hit, disciplined, extra_hit)
        frame, at = self._cells(base > 0)
        frame["students"] = _whole(base[at])
        frame["students_disciplined"] = _whole(hit[at])
        shown = hit[at] >= FEWEST_COUNTED
        year = frame["school_year"].to_numpy()
        for k in removals:
            count = _by_group(all_removed[k], removed[k], extra_removed[k])[at]
            blank = ~shown
            if k == "pct_school_based_arrest":
                blank |= year < ARREST_FIRST_YEAR
            if k == "pct_law_enforcement_referral":
                blank |= year < REFERRAL_FIRST_YEAR
            frame[k] = _fraction(count / base[at], blank)
        return frame

    def attendance(self) -> pd.DataFrame:
        """Student Attendance (end of year) by group: the attendance rate, average absences and the shares
        absent 10 or more days, chronically absent (10% or more; 20% or more from 2021-22) and unexcused more
        than 9 days. Blank for a group of fewer than FEWEST_COUNTED students."""
        rng, n = self.rng, self.n
        students = n.astype(int)
        p = self.calibrate(
            self.latent(0.3, 0.2, STORY_STEP["attendance"], -1),
            n * (n >= FEWEST_COUNTED),
            self.grid("chronic_absence"),
        )
        n_org = len(n)
        partial = np.array([y == "2019-20" for y in EXPERIENCE_YEARS])  # counted to 2 March 2020
        days = np.where(partial, 117.0, 178.0)[None, :, None]
        more = rng.uniform(0.18, 0.30, (n_org, 1, 1)) * np.where(partial, 0.7, 1.0)[None, :, None]
        chronic = self.counted(n, p)
        counts = {
            "pct_chronically_absent": chronic,
            "pct_absent_10_days": chronic + rng.binomial(students - chronic, more),
            "pct_chronically_absent_20": rng.binomial(chronic, rng.uniform(0.28, 0.38, (n_org, 1, 1))),
        }
        counts["pct_unexcused_over_9_days"] = rng.binomial(
            counts["pct_absent_10_days"], rng.uniform(0.1, 0.9, (n_org, 1, 1))
        )
        rate = chronic / np.maximum(students, 1)
        absences = (4.5 + 38 * rate + rng.normal(0, 0.4, n.shape)).clip(0.5) * days / 178 * students
        all_n = students.sum(axis=2)
        all_counts = {k: v.sum(axis=2) for k, v in counts.items()}
        all_absences = absences.sum(axis=2)
        extra_n, extra_counts, extra_absences = [], {k: [] for k in counts}, []
        for group, ratio in {
            "Low Income": 1.55,
            "English Learners": 1.4,
            "Students with Disabilities": 1.5,
        }.items():
            size = np.round(all_n * self.share_of(group)[:, None]).astype(int)
            share = all_counts["pct_chronically_absent"] / np.maximum(all_n, 1)
            group_chronic = rng.binomial(size, np.clip(share * ratio, 0, 0.95))
            extra_n.append(size)
            for k in counts:
                of_chronic = all_counts[k] / np.maximum(all_counts["pct_chronically_absent"], 1)
                if k == "pct_chronically_absent":
                    extra_counts[k].append(group_chronic)
                elif k == "pct_chronically_absent_20":
                    extra_counts[k].append(rng.binomial(group_chronic, np.clip(of_chronic, 0, 1)))
                else:
                    extra_counts[k].append(np.minimum(size, np.round(group_chronic * of_chronic).astype(int)))
            extra_absences.append(all_absences / np.maximum(all_n, 1) * ratio**0.5 * size)
        base = _by_group(all_n, students, extra_n)
        frame, at = self._cells(base > 0)
        size = base[at]
        blank = size < FEWEST_COUNTED
        per_day = _by_group(all_absences, absences, extra_absences)[at] / np.maximum(size, 1)
        frame["attendance_rate"] = _fraction(1 - per_day / days[0, at[1], 0], blank)
        frame["average_absences"] = _fraction(per_day, blank, decimals=1)
        year = frame["school_year"].to_numpy()
        for k in ("pct_absent_10_days", "pct_chronically_absent", "pct_chronically_absent_20",
                  "pct_unexcused_over_9_days"):  # fmt: skip
            count = _by_group(all_counts[k], counts[k], extra_counts[k])[at]
            gone = blank | (year < CHRONIC_20_FIRST_YEAR) if k == "pct_chronically_absent_20" else blank
            frame[k] = _fraction(count / np.maximum(size, 1), gone)
        return frame

    def graduation(self) -> pd.DataFrame:
        """Four-year cohort graduation by group, for organizations with a high school: the cohort and its
        outcomes. Rates blank for a cohort of fewer than FEWEST_COUNTED."""
        rng, n = self.rng, self.n
        n_org, n_year, _ = n.shape
        high_school = self.high_school
        tilt = np.array([COHORT_WHITE_TILT if r == definitions.WHITE else 1.0 for r in definitions.RACES])
        reach = (
            np.where(self.kind == "vocational", 0.24, 1.0)[:, None, None] * high_school[:, None, None] * tilt
        )
        voc = self.kind == "vocational"
        share = np.empty((n_org, n_year, 1))
        for k in range(n_year):
            fixed = (n[voc, k] * reach[voc, 0]).sum()
            rest = (n[~voc, k] * reach[~voc, 0]).sum()
            share[:, k, 0] = np.where(voc, 1.0, (STATEWIDE_COHORT - fixed) / rest)
        cohort = rng.binomial(n.astype(int), np.clip(reach * share, 0, 1))
        p = self.calibrate(
            self.latent(-0.3, 0.25, STORY_STEP["graduation"], 1),
            cohort * (cohort >= FEWEST_COUNTED),
            self.grid("graduation_4yr"),
        )
        graduated = self.counted(cohort, p)
        rest = cohort - graduated
        still = rng.binomial(rest, 0.45)
        completers = rng.binomial(rest - still, 0.12)
        equivalency = rng.binomial(rest - still - completers, 0.08)
        excluded = rng.binomial(rest - still - completers - equivalency, 0.004)
        dropped = rest - still - completers - equivalency - excluded
        outcomes = {  # the report's order
            "pct_graduated": graduated,
            "pct_still_in_school": still,
            "pct_non_grad_completers": completers,
            "pct_hs_equivalency": equivalency,
            "pct_dropped_out": dropped,
            "pct_permanently_excluded": excluded,
        }
        all_n = cohort.sum(axis=2)
        all_out = {k: v.sum(axis=2) for k, v in outcomes.items()}
        extra_n, extra_out = [], {k: [] for k in outcomes}
        for group, shift in {
            "Low Income": -0.75,
            "English Learners": -1.3,
            "Students with Disabilities": -1.0,
        }.items():
            size = np.round(all_n * self.share_of(group)[:, None]).astype(int)
            rate = all_out["pct_graduated"] / np.maximum(all_n, 1)
            grads = rng.binomial(size, _sigmoid(_logit(np.clip(rate, 0.02, 0.995)) + shift))
            extra_n.append(size)
            left = size - grads
            non_grads = np.maximum(all_n - all_out["pct_graduated"], 1)
            placed = grads.copy()
            parts = {"pct_graduated": grads}
            for k in ("pct_still_in_school", "pct_non_grad_completers", "pct_hs_equivalency",
                      "pct_permanently_excluded"):  # fmt: skip
                parts[k] = np.minimum(np.round(left * all_out[k] / non_grads).astype(int), size - placed)
                placed = placed + parts[k]
            parts["pct_dropped_out"] = size - placed
            for k in outcomes:
                extra_out[k].append(parts[k])
        base = _by_group(all_n, cohort, extra_n)
        frame, at = self._cells(base > 0)
        size = base[at]
        frame["cohort_count"] = _whole(size)
        blank = size < FEWEST_COUNTED
        for k in outcomes:
            frame[k] = _fraction(_by_group(all_out[k], outcomes[k], extra_out[k])[at] / size, blank)
        return frame

    def climate(self) -> pd.DataFrame:
        """VOCAL index scores (overall, engagement, safety, environment) by group, every grade together, and by
        grade for All Students and White students; with the number who answered. Blank where fewer than
        FEWEST_RESPONDENTS answered."""
        rng, n = self.rng, self.n
        n_org = len(n)
        k_years = [EXPERIENCE_YEARS.index(y) for y in CLIMATE_YEARS]
        grades = (4, 5, 8, 10)
        offset = np.array([7.0, 5.0, -4.0, -6.0])
        # The grades each organization surveys.
        draw = rng.random(n_org)
        hs = self.high_school
        has = np.zeros((n_org, len(grades)), dtype=bool)
        has[:] = True
        has[self.kind == "vocational"] = [False, False, False, True]
        charter = self.kind == "charter"
        has[charter & hs] = [False, False, True, True]
        has[charter & ~hs] = [True, True, True, False]
        elementary = (self.kind == "district") & ~hs
        has[elementary & (draw < 0.5)] = [True, True, False, False]
        has[elementary & (draw >= 0.5)] = [True, True, True, False]
        per_grade = np.where(self.kind == "vocational", 0.25, 1 / 13)
        answered = rng.uniform(0.55, 0.95, (n_org, len(k_years)))
        answered[:, CLIMATE_YEARS.index("2020-21")] *= 0.75
        pupils = n[:, k_years].astype(int)  # org × year × race
        asked = (
            np.round(pupils[..., None] * per_grade[:, None, None, None]).astype(int) * has[:, None, None, :]
        )
        asked[:, CLIMATE_YEARS.index("2017-18"), :, 0] = 0  # grade 4 surveyed from 2019 on
        said = rng.binomial(asked, answered[:, :, None, None])  # org × year × race × grade
        # Index scores at the finest level: the organization's lean, the race's spread within it, a wobble,
        # the drift and narrowing of the gap, the grade, and sampling noise.
        years = len(k_years)
        step = STORY_STEP["climate"]
        gap = (10 * self.drift[:, k_years] + step * self.story[:, k_years])[:, :, None] * self.colour
        level = (
            -1.5 * self.lean[:, None, None]
            + rng.normal(0, 1.2, (n_org, 1, len(definitions.RACES)))
            + rng.normal(0, 0.8, (n_org, years, 1))
            + gap
        )[..., None] + offset
        level = level + rng.normal(0, 1, said.shape) * 9 / np.sqrt(np.maximum(said, 1))
        targets = self.grid("climate_index")[k_years]
        for k in range(years):
            for j in range(len(definitions.RACES)):
                w = said[:, k, j, :] * (said[:, k, j, :].sum(axis=1, keepdims=True) >= FEWEST_RESPONDENTS)
                if w.sum() > 0:
                    level[:, k, j, :] += targets[k, j] - (level[:, k, j, :] * w).sum() / w.sum()
        dims = {
            "index_overall": level,
            "index_engagement": level
            + rng.normal(-1, 1.2, (n_org, 1, 1, 1))
            + rng.normal(0, 0.5, level.shape),
            "index_safety": level + rng.normal(2, 1.5, (n_org, 1, 1, 1)) + rng.normal(0, 0.5, level.shape),
            "index_environment": level
            + rng.normal(-1, 1.2, (n_org, 1, 1, 1))
            + rng.normal(0, 0.5, level.shape),
        }
        dims = {k: v.clip(1, 99) for k, v in dims.items()}
        frames = []
        # Every grade together, All Students and the race groups; then grade by grade, All Students.
        race_n = said.sum(axis=3)
        race_sum = {k: (v * said).sum(axis=3) for k, v in dims.items()}
        race_groups = (ALL_STUDENTS, *definitions.RACES)
        cuts = [(ALL_GRADES, race_groups, _by_group(race_n.sum(axis=2), race_n), race_sum)]
        for g, grade in enumerate(grades):
            grade_n = said[:, :, :, g].sum(axis=2, keepdims=True)
            sums = {k: (v[:, :, :, g] * said[:, :, :, g]).sum(axis=2, keepdims=True) for k, v in dims.items()}
            cuts.append((str(grade), (ALL_STUDENTS,), grade_n, sums))
        for grade, groups, n_group, sums in cuts:
            frame, at = self._cells(n_group > 0, years=CLIMATE_YEARS, groups=groups)
            frame.insert(3, "grade", grade)
            size = n_group[at]
            for k in dims:
                total = sums[k] if len(groups) == 1 else _by_group(sums[k].sum(axis=2), sums[k])
                frame[k] = _fraction(total[at] / np.maximum(size, 1), size < FEWEST_RESPONDENTS, decimals=1)
            frame["respondents"] = _whole(size)
            frames.append(frame)
        out = pd.concat(frames, ignore_index=True)
        order = {g: i for i, g in enumerate(GROUPS)}
        grade_order = {"All": 0, **{str(g): i + 1 for i, g in enumerate(grades)}}
        out = out.sort_values(
            ["school_year", "org_code", "student_group", "grade"],
            key=lambda s: (
                s.map(order) if s.name == "student_group" else s.map(grade_order) if s.name == "grade" else s
            ),
            kind="stable",
        )
        return out.reset_index(drop=True)

    def _cells(
        self,
        present: np.ndarray,
        years: tuple[str, ...] | list[str] = EXPERIENCE_YEARS,
        groups: tuple[str, ...] = (),
    ) -> tuple[pd.DataFrame, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The rows to write (organization × year × group where `present`), in order of year, organization and
        group, and their positions in the arrays."""
        if not groups:
            # The non-race groups from 2021-22 on only (when DESE's "Low Income" returned): enough to exercise
            # them, at a third less bulk.
            groups = GROUPS
            recent = np.array([y >= NON_RACE_FIRST_YEAR for y in years])
            present = present & (
                recent[None, :, None] | (np.arange(len(groups)) <= len(definitions.RACES))[None, None, :]
            )
        y, o, g = np.nonzero(present.transpose(1, 0, 2))
        frame = pd.DataFrame(
            {
                "school_year": np.array(years)[y],
                "org_code": np.array(self.codes)[o],
                "student_group": np.array(groups)[g],
            }
        )
        return frame, (o, y, g)


GROUPS = (ALL_STUDENTS, *definitions.RACES, *NON_RACE_GROUPS)


def _by_group(all_: np.ndarray, races: np.ndarray, extra: list[np.ndarray] | None = None) -> np.ndarray:
    """All Students, the race groups and the non-race groups side by side (organization × year × group)."""
    parts = [all_[:, :, None], races] + ([np.stack(extra, axis=2)] if extra else [])
    return np.concatenate(parts, axis=2).astype(float)


def _whole(values: np.ndarray) -> np.ndarray:
    return np.array([str(int(v)) for v in values], dtype=object)


def _fraction(values: np.ndarray, blank: np.ndarray, decimals: int = 3) -> np.ndarray:
    """Rates as DESE rounds them (0.1 points: three decimals of a fraction), written short ('0.035', '0');
    empty where not published."""
    out = np.empty(len(values), dtype=object)
    for i, (v, b) in enumerate(zip(values, blank, strict=True)):
        out[i] = "" if b else (f"{v:.{decimals}f}".rstrip("0").rstrip(".") or "0")
    return out


def students_experience(
    enrollment: pd.DataFrame, participation: pd.DataFrame, orgs: list[_Org], seed: int = SEED
) -> dict[str, pd.DataFrame]:
    """The four reports of students' experience for every organization with enrollment, and the calibration
    table, keyed by file name. A generator of its own (seed + 21), so the other sample files stay as they were."""
    e = _Experience(enrollment, participation, orgs, seed)
    return {
        "student_discipline": e.discipline(),
        "student_attendance": e.attendance(),
        "graduation": e.graduation(),
        "climate_survey": e.climate(),
        CALIBRATION_NAME: _calibration_text(e.targets),
    }


def _calibration_text(targets: pd.DataFrame) -> pd.DataFrame:
    out = targets.copy()
    rate = out["measure"] != "climate_index"
    out["value"] = [
        f"{v:.5f}".rstrip("0").rstrip(".") if r else f"{v:.1f}"
        for v, r in zip(out["value"], rate, strict=True)
    ]
    out["precision"] = ["" if pd.isna(p) else f"{p:g}" for p in out["precision"]]
    return out
