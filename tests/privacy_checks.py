"""The privacy audit's checks: each figure a person can see or download (a CSV, a title, a share, a profile,
the make-up, the Fellows', the network's, students' experience) against the truth, and all of them together
for differencing."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from privacy_differencing import (
    BARE,
    FROM_TOTAL,
    PARTITION,
    SMALL,
    TITLE,
    WRONG,
    FigureGroup,
    Seen,
)
from privacy_facts import View
from privacy_reading import (
    EQUITY_KEYS,
    MIN,
    POC,
    TITLE_KEYS,
    TITLE_WORDS,
    TOL,
    edition_name,
    figure_columns,
    hidden_row_leaks,
    is_true,
    non_finite_cells,
    number,
    row_label,
    row_scope,
    share_contract_problems,
    text_numbers,
    visible_numbers,
)
from privacy_truth import (
    COUNT_COLUMNS,
    EXPERIENCE,
    EXPERIENCE_CHART_KEYS,
    FELLOW_ATTRIBUTES,
    FELLOW_COUNTS,
    FELLOW_FAMILIES,
    FELLOW_FAMILY,
    FELLOW_PERIOD,
    MEMBERS,
    NETWORK_BASES,
    OF_COLOR,
    RATE_FIGURES,
    STATUSES,
    STEP_COLUMNS,
    STEP_WORDS,
    STUDENTS,
    WHITE_STUDENTS,
    Truth,
    count_family,
    experience_family,
    is_missing,
    network_family,
    nothing_or_passes,
    of_words,
    partition_leak,
    passes_rule,
    publishable,
)

from analytics import definitions


@dataclass
class Audit:
    """Problems found in one warehouse, by kind, and how much was checked."""

    label: str
    truth: Truth
    problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    seen: list[Seen] = field(default_factory=list)
    groups: list[tuple[frozenset[str], str, list[Seen]]] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def problem(self, kind: str, message: str) -> None:
        self.problems[kind].append(f"{self.label}: {message}")

    # --- one figure ---------------------------------------------------------------------------

    def figure(
        self,
        family: str,
        attrs: tuple[str, ...],
        period: str,
        units: frozenset[str],
        where: str,
        *,
        k: float | None = None,
        n: float | None = None,
        share: float | None = None,
        kind: str = SMALL,
        counted: str | None = "visible figures",
    ) -> Seen | None:
        """A figure someone sees (`k`, `n` or `share` as shown; None: not shown but worked out): true, about
        6 or more either way, and kept for differencing."""
        tk, tn = self.truth.count(family, attrs, period, units)
        for label, shown, true in (
            ("count", k, tk),
            ("out of", n, tn),
            ("share", share, tk / tn if tn else None),
        ):
            if is_missing(shown):
                continue
            if true is None or abs(float(shown) - true) > TOL * max(1.0, abs(true)):
                self.problem(WRONG, f"{where}: {label} is {float(shown):g}, the facts say {true}")
        if counted:
            self.checked[counted] += 1
        if not passes_rule(tk, tn):
            self.problem(kind, f"{where}: {', '.join(attrs)} {of_words(tk, tn)}")
        attrs_c, flipped = self.truth.canonical(family, attrs)
        units = units & self.truth.contributing(family, period)
        if not units:
            return None
        seen = Seen((family, attrs_c), period, units, tn - tk if flipped else tk, tn, where)
        self.seen.append(seen)
        return seen

    def bare(self, where: str, cells: dict) -> None:
        """A hidden row of a table: no figure at all."""
        self.checked["hidden rows"] += 1
        filled = {c: v for c, v in cells.items() if not is_missing(v) and not (isinstance(v, str) and not v)}
        if filled:
            self.problem(BARE, f"{where} is hidden but still shows {filled}")

    # --- export CSVs ----------------------------------------------------------------------------

    def csv(self, view: View, key: str, frame: pd.DataFrame, view_orgs: frozenset[str]) -> None:
        """Check one export CSV of one view."""
        where = f"view {view}, {key}"
        for p in non_finite_cells(key, frame):
            self.problem("inf/NaN in a CSV", f"{where}: {p}")
        if key in EQUITY_KEYS:
            self._equity(where, key, frame)
            return
        for p in share_contract_problems(key, frame):
            self.problem("CSV contract", f"{where}: {p}")
        for p in hidden_row_leaks(key, frame):
            self.problem(BARE, f"{where}: {p}")
        if frame.empty:
            return
        if "rate_of_color" in frame.columns:
            self._experience_csv(where, frame, view_orgs)
            return
        steps = next((c for c in STEP_COLUMNS if c in frame.columns), None)
        if steps and ("fellow" in key or "influence" in key):
            self._fellow_steps(where, frame, steps, view_orgs)
        elif "cohort" in frame.columns:
            self._fellows(where, key, frame, view_orgs)
        elif "share" in frame.columns or (
            "suppressed" in frame.columns and any("share" in c or "parity" in c for c in frame.columns)
        ):
            self._shares(where, key, frame, view_orgs)

    def _equity(self, where: str, key: str, frame: pd.DataFrame) -> None:
        """The Equity leaders page's CSVs: organization counts need no hiding; every visible figure about
        the network's members, or about staff with an equity leader and without, is about 6 or more people
        either way (their truth and differences: `network` and `comparison`)."""
        for p in hidden_row_leaks(key, frame):
            self.problem(BARE, f"{where}: {p}")
        for i in range(len(frame)):
            cells = frame.iloc[i].to_dict()
            if "suppressed" not in cells or is_true(cells["suppressed"]):
                continue
            here = f"{where} {row_label(frame, i)}"
            if "measure" in cells:
                count, base = number(cells["count"]), number(cells.get("base", ""))
                ok = count is not None and (count >= MIN - TOL if base is None else publishable(count, base))
            else:
                k, n = number(cells.get("of_color", "")), number(cells.get("total", ""))
                ok = k is not None and n is not None and publishable(k, n)
            self.checked["visible equity rows"] += 1
            if not ok:
                self.problem(SMALL, f"{here}: {cells}")

    def _shares(self, where: str, key: str, frame: pd.DataFrame, view_orgs: frozenset[str]) -> None:
        figures = figure_columns(frame)
        grouped: list[Seen] = []
        for i in range(len(frame)):
            cells = frame.iloc[i].to_dict()
            if "suppressed" in cells and is_true(cells["suppressed"]):
                self.checked["hidden rows"] += 1
                continue
            if not any(str(cells[c]).strip() for c in figures):
                continue  # nothing shown
            here = f"{where} {row_label(frame, i)}"
            if "school_year" not in cells:
                continue  # reported as a contract problem
            population, region, org_type, unknown = row_scope(key, cells)
            if population is None or unknown:
                self.problem(
                    "row not understood", f"{here}: which people? ({', '.join(unknown) or 'no group'})"
                )
                continue
            orgs = view_orgs & View((region,) if region else (), (org_type,) if org_type else ()).orgs(
                self.truth.facts
            )
            seen = self.figure(
                population,
                POC,
                cells["school_year"],
                orgs,
                here,
                k=number(cells.get("of_color", "")),
                n=number(cells.get("total", "")),
                share=number(cells.get("share", "")),
                counted="visible rows",
            )
            if seen is not None and (region or org_type):
                grouped.append(seen)
        if grouped:
            self.groups.append((view_orgs, where, grouped))

    def _fellows(self, where: str, key: str, frame: pd.DataFrame, view_orgs: frozenset[str]) -> None:
        columns = [c for c in figure_columns(frame) if c not in FELLOW_COUNTS]
        for c in columns:
            if c not in FELLOW_ATTRIBUTES and "share" not in c:
                self.problem("row not understood", f"{where}: what does column {c} count?")
        status_columns = [c for c in frame.columns if FELLOW_ATTRIBUTES.get(c) in STATUSES]
        for i in range(len(frame)):
            cells = frame.iloc[i].to_dict()
            cohort = number(cells["cohort"])
            if cohort is None:
                continue
            cohort = int(cohort)
            here = f"{where} {row_label(frame, i)}"
            size = number(cells.get("fellows", ""))
            if size is not None:
                _, n = self.truth.fellows_count(cohort, view_orgs, "active")
                if abs(size - n) > TOL:
                    self.problem(WRONG, f"{here} fellows is {size:g}, the facts say {n}")
            shown_statuses: dict[str, float] = {}
            for c in columns:
                attribute = FELLOW_ATTRIBUTES.get(c, "of_color" if "share" in c else None)
                value = number(cells[c])
                if attribute is None or value is None:
                    continue
                self._fellow_cell(f"{here} {c}", cohort, attribute, value, view_orgs, share="share" in c)
                if attribute in STATUSES:
                    shown_statuses[attribute] = value
            if status_columns and size is not None:
                # The statuses add up to the cohort's size, which the row shows.
                leak = partition_leak(size, shown_statuses, STATUSES)
                if leak:
                    self.problem(FROM_TOTAL, f"{here}: {leak}")

    def _fellow_cell(
        self,
        here: str,
        cohort: int | None,
        attribute: str,
        value: float,
        view_orgs: frozenset[str],
        *,
        share: bool = False,
    ) -> None:
        """One visible count (or share) of Fellows with an attribute: true, and about 6 or more either way."""
        units = self.truth.fellow_units(view_orgs, cohort)
        self.figure(
            FELLOW_FAMILY[attribute],
            (attribute,),
            FELLOW_PERIOD,
            units,
            here,
            k=None if share else value,
            share=value if share else None,
            counted="visible Fellows cells",
        )

    def _fellow_steps(self, where: str, frame: pd.DataFrame, steps: str, view_orgs: frozenset[str]) -> None:
        """A Fellows CSV in long form: one row per step (enrolled, completed, placed...), optionally per cohort."""
        counts = next((c for c in COUNT_COLUMNS if c in frame.columns), None)
        if counts is None:
            self.problem("row not understood", f"{where}: no column of counts ({', '.join(frame.columns)})")
            return
        sizes: dict[int | None, float] = {}
        shown: dict[int | None, dict[str, float]] = defaultdict(dict)
        for i in range(len(frame)):
            cells = frame.iloc[i].to_dict()
            value = number(cells[counts])
            cohort = number(cells.get("cohort", ""))
            cohort = None if cohort is None else int(cohort)
            here = f"{where} {row_label(frame, i)} {steps}={cells[steps]!r}"
            label = str(cells[steps]).lower()
            match = next((attr for word, attr in STEP_WORDS if word in label), "?")
            if value is None:
                continue
            if match == "?":
                self.problem("row not understood", f"{here}: what does it count?")
            elif match is None:
                sizes[cohort] = value
                _, n = self.truth.fellows_count(cohort, view_orgs, "active")
                if abs(value - n) > TOL:
                    self.problem(WRONG, f"{here} is {value:g}, the facts say {n}")
            else:
                self._fellow_cell(here, cohort, match, value, view_orgs)
                if match in STATUSES:
                    shown[cohort][match] = value
        for cohort, statuses in shown.items():
            if cohort in sizes:
                leak = partition_leak(sizes[cohort], statuses, STATUSES)
                if leak:
                    self.problem(FROM_TOTAL, f"{where} (cohort {cohort or 'all'}): {leak}")

    # --- what the pages call, beyond the CSVs ---------------------------------------------------

    def shares(self, con, view: View, released: bool, *, by: str | None = None) -> None:
        """metrics.shares_by_year for every population in one view (or broken down by region or type)."""
        from analytics import metrics

        frame = metrics.shares_by_year(con, self.truth.populations, view.filters(released), by=by)
        orgs = view.orgs(self.truth.facts)
        for r in frame.itertuples(index=False):
            cells = r._asdict()
            group = cells.get(by) if by else None
            where = f"{edition_name(released)} {view}{f' by {by} = {group}' if by else ''}, {r.population} {r.school_year}"
            if bool(r.suppressed):
                self.bare(where, {c: cells[c] for c in ("of_color", "total", "share")})
                continue
            if is_missing(r.of_color) and is_missing(r.share):
                continue  # a partial year: coverage only
            in_group = orgs
            if by == "region":
                in_group = orgs & View((group,)).orgs(self.truth.facts)
            elif by == "org_type":
                codes = {definitions.ORG_TYPE_LABELS[t]: t for t in definitions.ORG_TYPES}
                in_group = orgs & View((), (codes.get(group, group),)).orgs(self.truth.facts)
            self.figure(
                r.population,
                POC,
                r.school_year,
                in_group,
                where,
                k=r.of_color,
                n=r.total,
                share=r.share,
                counted="visible shares",
            )

    def profiles(self, con, released: bool) -> None:
        """Every organization's profile: its shares by year, per population (metrics.shares_by_year with
        Filters(org_code=...))."""
        from analytics import metrics

        for org in self.truth.facts.orgs["org_code"]:
            frame = metrics.shares_by_year(
                con, self.truth.populations, metrics.Filters(org_code=org, released=released)
            )
            for r in frame.itertuples(index=False):
                where = f"{edition_name(released)} profile of {org}, {r.population} {r.school_year}"
                if bool(r.suppressed):
                    self.bare(where, {"of_color": r.of_color, "total": r.total, "share": r.share})
                    continue
                self.figure(
                    r.population,
                    POC,
                    r.school_year,
                    frozenset({org}),
                    where,
                    k=r.of_color,
                    n=r.total,
                    share=r.share,
                    counted="visible profile figures",
                )

    def makeup(self, con, year: str, view: View, released: bool) -> None:
        """The make-up by race (metrics.race_composition): each race shown is a group of its population; the
        races hidden, together, are the total minus the races shown."""
        from analytics import metrics

        frame = metrics.race_composition(con, year, view.filters(released))
        orgs = view.orgs(self.truth.facts)
        for population, part in frame.groupby("population", sort=True):
            where = f"{edition_name(released)} {view}, make-up of {population} {year}"
            visible = part[~part["suppressed"].astype(bool)]
            for r in part[part["suppressed"].astype(bool)].itertuples(index=False):
                cells = {"people": r.people, "share": r.share}
                if visible.empty:
                    cells["total"] = r.total
                self.bare(f"{where} {r.race}", cells)
            if visible.empty:
                continue
            total = float(visible["total"].iloc[0])
            for r in visible.itertuples(index=False):
                self.figure(
                    population,
                    (r.race,),
                    year,
                    orgs,
                    f"{where} {r.race}",
                    k=r.people,
                    n=r.total,
                    share=r.share,
                    counted="visible make-up figures",
                )
            hidden = tuple(r for r in definitions.RACES if r not in set(visible["race"]))
            if hidden:
                rest = total - float(visible["people"].sum())
                self.figure(
                    population,
                    hidden,
                    year,
                    orgs,
                    f"{where}: {', '.join(hidden)} together (the total minus the races shown)",
                    k=rest,
                    n=total,
                    kind=FROM_TOTAL,
                    counted="make-up remainders",
                )

    def fellows(self, con, view: View, released: bool) -> None:
        """The Fellows page's summary and per-cohort table (metrics.fellows_outcomes)."""
        from analytics import metrics

        summary, table = metrics.fellows_outcomes(con, view.filters(released))
        orgs = view.orgs(self.truth.facts)
        where = f"{edition_name(released)} {view}, Fellows"
        shown = {
            "active": summary.active,
            "completed": summary.completed,
            "withdrawn": summary.withdrawn,
            "superintendent_within_5": summary.placed_superintendent,
            "assistant_within_5": summary.placed_assistant,
            "entered_as_principal": summary.entered_as_principal,
            "entered_from_central_office": summary.entered_from_central_office,
            "of_color": summary.of_color,
        }
        self._fellow_row(f"{where} summary", None, orgs, summary.enrolled, shown, known=summary.known_race)
        for r in table.to_dict("records"):
            cohort = int(r["cohort"])
            shown = {a: r[a] for a in FELLOW_FAMILY if a in r}
            self._fellow_row(
                f"{where} cohort {cohort}", cohort, orgs, r["fellows"], shown, share=r["share_of_color"]
            )

    def _fellow_row(self, where, cohort, orgs, size, shown, *, known=None, share=None) -> None:
        units = self.truth.fellow_units(orgs, cohort)
        _, n = self.truth.count("Fellows' status", STATUSES, FELLOW_PERIOD, units)
        if abs(float(size) - n) > TOL:
            self.problem(WRONG, f"{where}: {size} Fellows, the facts say {n:g}")
        for family, attrs in FELLOW_FAMILIES.items():
            values = {a: float(shown[a]) for a in attrs if a in shown and not is_missing(shown[a])}
            hidden = tuple(a for a in attrs if a not in values)
            for a in attrs:
                if a in shown and is_missing(shown[a]):
                    self.checked["hidden Fellows cells"] += 1
            for a, value in values.items():
                out_of = known if family == "Fellows' race" else size
                self.figure(
                    family,
                    (a,),
                    FELLOW_PERIOD,
                    units,
                    f"{where} {a}",
                    k=value,
                    n=out_of,
                    counted="visible Fellows cells",
                )
            if family == "Fellows' race" and "of_color" not in values and not is_missing(share):
                self.figure(
                    family,
                    ("of_color",),
                    FELLOW_PERIOD,
                    units,
                    f"{where} share of color",
                    share=share,
                    counted="visible Fellows cells",
                )
            elif values and hidden and family != "Fellows' race":
                self.figure(
                    family,
                    hidden,
                    FELLOW_PERIOD,
                    units,
                    f"{where}: {', '.join(hidden)} (the Fellows minus those shown)",
                    k=float(size) - sum(values.values()),
                    n=float(size),
                    kind=FROM_TOTAL,
                    counted="Fellows remainders",
                )

    def network(self, con, view: View, released: bool) -> None:
        """The network's members and each measure of them by year (equity.network_by_year)."""
        from analytics import equity

        frame = equity.network_by_year(con, view.filters(released))
        units = self.truth.network_units(view)
        for r in frame.itertuples(index=False):
            where = f"{edition_name(released)} {view}, AMSEL {r.measure} {r.school_year}"
            if bool(r.suppressed):
                self.bare(where, {"count": r.count, "base": r.base, "share": r.share})
                continue
            if r.measure == "members":
                self.figure(
                    MEMBERS,
                    ("members",),
                    r.school_year,
                    units,
                    where,
                    k=r.count,
                    counted="visible network figures",
                )
                continue
            base = NETWORK_BASES[r.measure]
            self.figure(
                network_family(r.measure),
                (r.measure,),
                r.school_year,
                units,
                where,
                k=r.count,
                n=r.base,
                share=r.share,
                counted="visible network figures",
            )
            for measure, value in ((r.measure, r.count), (base, r.base)):
                self.figure(
                    count_family(measure),
                    (measure,),
                    r.school_year,
                    units,
                    f"{where} ({measure})",
                    k=value,
                    counted=None,
                )

    def comparison(self, con, view: View, released: bool) -> None:
        """Teachers of color with an equity leader and without (equity.leader_comparison): each group shown is
        the organizations of the group in view but those left out; which ones is worked out from the
        figures (as someone who knows the organizations' own figures could)."""
        from analytics import equity

        found = equity.leader_comparison(con, definitions.TEACHER, view.filters(released))
        groups = self.truth.leader_groups(view.year_to)
        orgs = view.orgs(self.truth.facts)
        for r in found.frame.itertuples(index=False):
            where = f"{edition_name(released)} {view}, teachers of color {r.group.lower()} {r.school_year}"
            if bool(r.suppressed):
                self.bare(where, {"of_color": r.of_color, "total": r.total, "share": r.share})
                continue
            members = sorted(
                groups.get(r.group, frozenset())
                & orgs
                & self.truth.contributing(definitions.TEACHER, r.school_year)
            )
            chosen = self._which(
                members,
                definitions.TEACHER,
                r.school_year,
                int(r.organizations),
                int(r.left_out),
                r.of_color,
                r.total,
            )
            if chosen is False:  # which organizations is not known: the figure itself must pass
                self.checked["comparison figures whose organizations are not known"] += 1
                if not publishable(r.of_color, r.total):
                    self.problem(SMALL, f"{where}: {of_words(r.of_color, r.total)}")
                continue
            if chosen is None:
                self.problem(
                    WRONG,
                    f"{where}: {r.of_color:g} of {r.total:g} from {r.organizations} organizations "
                    f"({r.left_out} left out) is no set of the {len(members)} in the group",
                )
                continue
            self.figure(
                definitions.TEACHER,
                POC,
                r.school_year,
                chosen,
                where,
                k=r.of_color,
                n=r.total,
                share=r.share,
                counted="visible comparison figures",
            )

    def _which(self, members, family, year, size, left_out, k, n) -> frozenset[str] | bool | None:
        """The `size` of `members` whose figures add up to (k, n): None when none does, False when more than
        one does (organizations with the same figures) or there are too many ways to try."""
        import itertools

        if size + left_out != len(members):
            return None
        kv, nv = self.truth.vectors(family, POC, year, members)
        if len(members) <= 22:  # every subset at once: sums, sizes
            sums_k, sums_n, sizes = np.zeros(1), np.zeros(1), np.zeros(1, dtype=np.int8)
            for a, b in zip(kv, nv, strict=True):
                sums_k = np.concatenate([sums_k, sums_k + a])
                sums_n = np.concatenate([sums_n, sums_n + b])
                sizes = np.concatenate([sizes, sizes + 1])
            hits = np.flatnonzero(
                (sizes == size)
                & (np.abs(sums_k - k) <= TOL * max(1, k))
                & (np.abs(sums_n - n) <= TOL * max(1, n))
            )
            if len(hits) > 1:
                return False
            return frozenset(m for i, m in enumerate(members) if hits[0] >> i & 1) if len(hits) else None
        if math.comb(len(members), left_out) > 200_000:
            return False
        found = []
        for out in itertools.combinations(range(len(members)), left_out):
            rest_k = kv.sum() - kv[list(out)].sum()
            rest_n = nv.sum() - nv[list(out)].sum()
            if abs(rest_k - k) <= TOL * max(1, k) and abs(rest_n - n) <= TOL * max(1, n):
                found.append(frozenset(m for i, m in enumerate(members) if i not in out))
                if len(found) > 1:
                    return False
        return found[0] if found else None

    # --- students' experience -------------------------------------------------------------------

    def experience_row(
        self,
        where: str,
        key: str,
        year: str,
        units: frozenset[str],
        shown: dict[str, float | None],
        *,
        suppressed: bool,
        tol: float = TOL,
        counted: str,
    ) -> None:
        """One year of a measure of students' experience over `units`, as shown (`shown`: rate_of_color,
        rate_white, gap; as numbers, None where empty): hidden (suppressed) with none of them; a partial
        year (none shown); or all three true within `tol` (the rounding of the output), about 6 or more
        counted by the rate and 6 or more not, of color and White (an index: 6 or more of each), and kept
        for differencing."""
        if suppressed:
            self.bare(where, shown)
            return
        present = {c: v for c, v in shown.items() if not is_missing(v)}
        if not present:
            self.checked["students' experience years without a figure (partial)"] += 1
            return
        sums = self.truth.experience_sums(key, year, units)
        if EXPERIENCE[key].index:
            c_of, w_of = (sums["sum_c"], sums["n_c"]), (sums["sum_w"], sums["n_w"])
        else:
            c_of = (sums["yes_c"], sums["yes_c"] + sums["no_c"])
            w_of = (sums["yes_w"], sums["yes_w"] + sums["no_w"])
        true_c = c_of[0] / c_of[1] if c_of[1] > TOL else None
        true_w = w_of[0] / w_of[1] if w_of[1] > TOL else None
        gap = None if true_c is None or true_w is None else true_c - true_w
        for column, true in (("rate_of_color", true_c), ("rate_white", true_w), ("gap", gap)):
            value = present.get(column)
            if value is None:
                self.problem(WRONG, f"{where}: {column} is empty beside {present} (the facts say {true})")
            elif true is None or abs(float(value) - true) > tol * max(1.0, abs(true)):
                self.problem(WRONG, f"{where}: {column} is {float(value):.9g}, the facts say {true}")
        for who in (OF_COLOR, WHITE_STUDENTS):
            family = experience_family(key, who)
            self.figure(
                family,
                self.truth.categories(family)[:1],
                year,
                units,
                f"{where} (students {who})",
                counted=counted if who == OF_COLOR else None,
            )

    def _experience_frame(
        self, where: str, key: str, frame: pd.DataFrame, units: frozenset[str], counted: str, tol: float = TOL
    ) -> None:
        """students.by_year's rows (or a CSV's, or metrics' by_year entries) of one measure over `units`."""
        for r in frame.itertuples(index=False):
            year = str(r.school_year)
            reported = getattr(r, "organizations_reported", None)
            in_figure = units & self.truth.experience_orgs(key, year)
            if not is_missing(reported) and int(float(reported)) != len(in_figure):
                self.problem(
                    WRONG,
                    f"{where} {year}: {reported} organizations reported, the facts say {len(in_figure)}",
                )
            self.experience_row(
                f"{where} {year}",
                key,
                year,
                units,
                {c: getattr(r, c) for c in ("rate_of_color", "rate_white", "gap")},
                suppressed=bool(r.suppressed),
                tol=tol,
                counted=counted,
            )

    def experience(self, con, view: View, released: bool, keys=None) -> None:
        """students.by_year of every measure (or `keys`) in one view (the page's charts and CSVs)."""
        from analytics import students

        orgs = view.orgs(self.truth.facts)
        for key in keys or EXPERIENCE:
            frame = students.by_year(con, students.MEASURES[key], view.filters(released))
            where = f"{edition_name(released)} {view}, students' {key}"
            self._experience_frame(where, key, frame, orgs, "visible students' experience figures")

    def experience_profiles(self, con, released: bool, keys=None) -> None:
        """Each organization's own figures of every measure (or `keys`): the page's 'One organization'."""
        from analytics import students
        from analytics.filters import Filters

        for org in self.truth.facts.orgs["org_code"]:
            for key in keys or EXPERIENCE:
                frame = students.by_year(
                    con, students.MEASURES[key], Filters(org_code=org, released=released)
                )
                where = f"{edition_name(released)} profile of {org}, students' {key}"
                self._experience_frame(
                    where, key, frame, frozenset({org}), "visible students' experience profile figures"
                )

    def experience_comparison(self, con, view: View, released: bool, keys=None) -> None:
        """Influence 100's organizations (each from the year it joined) and all others in one view
        (students.influence_comparison)."""
        from analytics import students

        orgs = view.orgs(self.truth.facts)
        for key in keys or EXPERIENCE:
            frame = students.influence_comparison(con, students.MEASURES[key], view.filters(released))
            where = f"{edition_name(released)} {view}, students' {key}"
            self._influence_frame(where, key, frame, orgs)

    def _influence_frame(self, where: str, key: str, frame: pd.DataFrame, orgs, tol: float = TOL) -> None:
        """Each group's rows: hidden, or the figure of the organizations of the group in view less those
        left out, which are worked out from the rates shown (as someone who knows the organizations' own
        figures could): every set of that many that gives the rates shown must pass."""
        from analytics import students

        for r in frame.itertuples(index=False):
            year = str(r.school_year)
            here = f"{where} {r.group} {year}"
            shown = {c: getattr(r, c) for c in ("rate_of_color", "rate_white", "gap")}
            shown = {c: None if is_missing(v) else float(v) for c, v in shown.items()}
            if bool(r.suppressed):
                self.bare(here, shown)
                continue
            joined = self.truth.influence_100(year)
            group = joined if r.group == students.INFLUENCE_100 else frozenset(orgs) - joined
            members = sorted(group & orgs & self.truth.experience_orgs(key, year))
            size, left = int(float(r.organizations)), int(float(r.left_out))
            if size + left != len(members):
                self.problem(
                    WRONG,
                    f"{here}: {size} organizations and {left} left out, of the {len(members)} in the group",
                )
                continue
            sets = self._experience_sets(key, year, members, left, shown, tol)
            if sets is None:
                self.checked["comparison figures whose organizations are not known"] += 1
                continue
            if not sets:
                self.problem(WRONG, f"{here}: {shown} is no set of {size} of the group's {len(members)}")
                continue
            if len(sets) > 1:  # several sets give the rates shown: none may be a small group
                self.checked["comparison figures matched by several sets of organizations"] += 1
                for units in sets:
                    self._experience_passes(f"{here} (if it is {sorted(units)[:6]})", key, year, units)
                continue
            self.experience_row(
                here,
                key,
                year,
                sets[0],
                shown,
                suppressed=False,
                tol=tol,
                counted="visible students' experience comparison figures",
            )

    def _experience_passes(self, where: str, key: str, year: str, units) -> None:
        for who in (OF_COLOR, WHITE_STUDENTS):
            family = experience_family(key, who)
            k, n = self.truth.count(family, self.truth.categories(family)[:1], year, frozenset(units))
            if not passes_rule(k, n):
                self.problem(SMALL, f"{where} (students {who}): {of_words(k, n)}")

    def _experience_sets(self, key, year, members, left, shown, tol, limit=100_000):
        """Every set of `members` less `left` of them whose figures give the rates shown (None: too many
        ways to try)."""
        import itertools

        if math.comb(len(members), left) > limit:
            return None
        part = self.truth.experience_year(key, year).reindex(members).fillna(0.0)
        if EXPERIENCE[key].index:
            parts = part[["sum_c", "n_c", "sum_w", "n_w"]].to_numpy(dtype=float)
        else:
            y = part[list(RATE_FIGURES)].to_numpy(dtype=float)
            parts = np.column_stack([y[:, 0], y[:, 0] + y[:, 1], y[:, 2], y[:, 2] + y[:, 3]])
        combos = list(itertools.combinations(range(len(members)), left))
        out = np.array(combos, dtype=np.int64).reshape(len(combos), left)
        sums = parts.sum(axis=0)[None, :] - parts[out].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate_c, rate_w = sums[:, 0] / sums[:, 1], sums[:, 2] / sums[:, 3]
        ok = np.ones(len(out), dtype=bool)
        for rate, column in ((rate_c, "rate_of_color"), (rate_w, "rate_white")):
            value = shown.get(column)
            if value is not None:
                ok &= np.abs(rate - value) <= tol * max(1.0, abs(value))
        return [frozenset(members) - {members[i] for i in row} for row in out[ok]]

    def _experience_csv(self, where: str, frame: pd.DataFrame, view_orgs: frozenset[str]) -> None:
        """A students' experience CSV (a measure's rates, the goal's gaps, or the comparison with Influence
        100's organizations): its visible rows as the page's (a hidden row keeps only its key, checked by
        hidden_row_leaks)."""
        tol = 1e-6  # the CSV's 6 decimals
        for i in range(len(frame)):
            cells = frame.iloc[i].to_dict()
            if is_true(cells.get("suppressed", "")):
                self.checked["hidden students' experience CSV rows"] += 1
                continue
            key = str(cells.get("measure", "")).strip()
            if key not in EXPERIENCE:
                self.problem("row not understood", f"{where} {row_label(frame, i)}: which measure?")
                continue
            row = {
                c: number(cells.get(c, ""))
                for c in ("rate_of_color", "rate_white", "gap", "organizations", "left_out")
            }
            if "group" in frame.columns:
                one = pd.DataFrame([{**cells, **row, "suppressed": False}])
                self._influence_frame(where, key, one, view_orgs, tol)
                self.checked["visible students' experience CSV rows"] += 1
                continue
            one = pd.DataFrame(
                [
                    {
                        **row,
                        "school_year": cells["school_year"],
                        "suppressed": False,
                        "organizations_reported": number(cells.get("organizations_reported", "")),
                    }
                ]
            )
            self._experience_frame(where, key, one, view_orgs, "visible students' experience CSV rows", tol)

    def experience_metrics(self, con, released: bool, goals=None) -> None:
        """metrics --json's `students_experience`: each measure's by_year, statewide (4 decimals)."""
        from analytics import headline
        from analytics.filters import Filters
        from analytics.goals import load_goals

        found = headline.students_experience(con, goals or load_goals(), Filters(released=released))
        orgs = View().orgs(self.truth.facts)
        for key, entry in found.items():
            frame = pd.DataFrame(entry["by_year"])
            if frame.empty:
                continue
            where = f"{edition_name(released)} metrics --json students_experience {key}"
            self._experience_frame(where, key, frame, orgs, "students' experience metrics figures", 5.1e-5)

    def parity_by_organization(self, con, year: str, view: View, released: bool) -> None:
        """Teacher and student shares per organization (metrics.parity_by_organization)."""
        from analytics import metrics

        frame = metrics.parity_by_organization(con, year, view.filters(released))
        orgs = view.orgs(self.truth.facts)
        for r in frame.itertuples(index=False):
            where = f"{edition_name(released)} {view}, parity of {r.org_code} {year}"
            if r.org_code not in orgs:
                self.problem(WRONG, f"{where}: not in the view")
            if bool(r.suppressed):
                self.bare(
                    where,
                    {"teacher_share": r.teacher_share, "student_share": r.student_share, "parity": r.parity},
                )
                continue
            for population, share in ((definitions.TEACHER, r.teacher_share), (STUDENTS, r.student_share)):
                self.figure(
                    population,
                    POC,
                    year,
                    frozenset({r.org_code}),
                    f"{where} {population}",
                    share=share,
                    counted="visible parity figures",
                )

    def map_shares(self, con, view: View, released: bool) -> None:
        """Students of color per organization on the Equity leaders map and gaps list (the latest complete
        year of students shown)."""
        from analytics import equity, metrics

        students = metrics.counted_years(
            metrics.shares_by_year(con, (STUDENTS,), metrics.Filters(released=released))
        )
        if students.empty:
            return
        year = str(students["school_year"].max())
        frame = equity.organizations_and_leaders(con, view.filters(released))
        for r in frame.itertuples(index=False):
            if is_missing(r.students_of_color):
                continue
            self.figure(
                STUDENTS,
                POC,
                year,
                frozenset({r.org_code}),
                f"{edition_name(released)} {view}, map: students of color in {r.org_code} {year}",
                share=r.students_of_color,
                counted="visible map shares",
            )

    def titles(self, where: str, key: str, section, frame: pd.DataFrame) -> None:
        """The numbers a section's title and caption state are figures its CSV shows (or the goal's own),
        never one the CSV hides."""
        if key not in TITLE_KEYS and key not in EXPERIENCE_CHART_KEYS:
            return
        allowed = visible_numbers(frame)
        title = (section.figure.layout.title.text or "") if section.figure.layout.title else ""
        said = [("title", title)]
        if key in TITLE_KEYS:  # a measure's caption compares the trends of the gaps shown: no one's figure
            said.append(("caption", section.caption or ""))
        for label, text in said:
            text = TITLE_WORDS.sub(" ", str(text))
            for value, tol in text_numbers(text):
                self.checked["title and caption numbers"] += 1
                if not any(abs(value - a) <= tol + 1e-9 for a in allowed):
                    self.problem(TITLE, f"{where}: the {label} says {value:g} ({text.strip()[:120]!r})")

    # --- what figures give away together --------------------------------------------------------

    def differencing(self) -> None:
        """Whatever sum or difference of figures someone can see yields a set of organizations must pass
        the rule, also with any one organization's own figures taken out (an insider): pairs one inside the
        other, a figure minus two or three disjoint figures inside it, a total minus its groups shown, and
        every set of up to three classes of organizations that any linear combination of the figures
        gives (all of them, where the figures determine every class)."""
        unique: dict[tuple, Seen] = {}
        for s in self.seen:
            unique.setdefault((s.what, s.period, s.orgs), s)
        by_figure: dict[tuple, list[Seen]] = defaultdict(list)
        for s in unique.values():
            by_figure[(s.what, s.period)].append(s)
        for (what, period), items in by_figure.items():
            FigureGroup(self, what, period, items).check()
        for view_orgs, where, grouped in self.groups:
            parts: dict[tuple, list[Seen]] = defaultdict(list)
            for s in grouped:
                parts[(s.what, s.period)].append(s)
            for (what, period), shown in parts.items():
                inside = view_orgs & self.truth.contributing(what[0], period)
                total = unique.get((what, period, inside))
                if total is None or len(shown) < 1:
                    continue
                self.checked["partitions"] += 1
                dk = total.k - sum(s.k for s in shown)
                dn = total.n - sum(s.n for s in shown)
                if not nothing_or_passes(dk, dn):
                    self.problem(
                        PARTITION,
                        f"{where} {period}: {total.where} minus the groups shown leaves {of_words(dk, dn)}",
                    )
