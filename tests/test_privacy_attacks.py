"""An adversary's tests: each tries to learn a figure the privacy rule hides
from what the dashboard lets a person see or download, one test per attack a reviewer found, then a
randomized differencing audit over many warehouses and filter combinations.

The rule (docs/privacy.md): a share, count or ratio about a group is shown only when at least 6
people in it are of color and at least 6 are not (zero counts as fewer than 6; a group of fewer than 6
shows nothing); a second figure is hidden wherever a total and its parts would give the first away; a
hidden row carries no derived figure (gap, ratio, FTE) and says suppressed; and no filter combination
isolates a group smaller than that. Black box: the tests call what the Export page and the pages call
(analytics.export, analytics.sections) and work the truth out from the facts they wrote (privacy_audit and
the privacy_* modules it reads with).
"""

import os
import time

import pandas as pd
from builders import enrollment, fellow, organizations, staffing
from privacy_audit import audit_warehouse, build_warehouse, facts_from, in_worker_processes, run_audit
from privacy_facts import SEED, View
from privacy_reading import MIN, POC, TOL, decode_array, figure_leaks, number, read_csv, text_numbers
from privacy_truth import partition_leak, publishable

from analytics import definitions, export, metrics, sections
from analytics.goals import load_goals
from analytics.metrics import Filters

GOALS = load_goals()
# The export keys each attack reads, taken from CHART_KEYS so that a chart added later is attacked too.
SUPERS = tuple(k for k in export.CHART_KEYS if k.startswith("superintendents"))
FELLOWS = tuple(k for k in export.CHART_KEYS if "fellow" in k)
SHARES = tuple(k for k in export.CHART_KEYS if k not in FELLOWS and not k.startswith("districts"))


def report(audit, *kinds: str) -> str:
    """The audit's problems of `kinds` (all kinds if none given), one a line, for an assertion message."""
    lines = [
        f"[{kind}] {p}" for kind, found in audit.problems.items() if not kinds or kind in kinds for p in found
    ]
    return "\n".join(lines)


def shown_numbers(frame: pd.DataFrame, secrets: dict[str, float]) -> list[str]:
    """Cells of an export that hold one of the secret values."""
    found = []
    for column in frame.columns:
        for i, cell in enumerate(frame[column]):
            value = number(cell)
            for name, secret in secrets.items():
                if value is not None and abs(value - secret) <= TOL * max(1.0, abs(secret)):
                    found.append(f"row {i + 1} {column}={cell} is {name}")
    return found


def plotted(fig) -> list[tuple[str, object, float]]:
    """(trace name, x, y) of every point a figure draws with a value."""
    points = []
    for trace in fig.to_dict().get("data", []):
        xs, ys = trace.get("x"), trace.get("y")
        if xs is None or ys is None or isinstance(ys, dict) or isinstance(xs, dict):
            continue
        for x, y in zip(list(xs), list(ys), strict=False):
            if isinstance(y, int | float) and not pd.isna(y):
                points.append((str(trace.get("name", "")), x, float(y)))
    return points


def as_list(value) -> list:
    """A figure's array (a list, a numpy array or plotly's packed form) as a plain list."""
    value = decode_array(value)
    if value is None or isinstance(value, str | int | float):
        return []
    return value.tolist() if hasattr(value, "tolist") else list(value)


def numbers_said(point) -> list[float]:
    """The numbers one point's custom data or text carries."""
    found = []
    for item in point if isinstance(point, list) else [point]:
        if isinstance(item, int | float) and not isinstance(item, bool):
            found.append(float(item))
        elif isinstance(item, str):
            found += [v for v, _ in text_numbers(item)]
    return found


def supers(year: str, codes: list[str], of_color: int) -> list[tuple]:
    """One superintendent (1 FTE) per organization: the first `of_color` are people of color."""
    rows = []
    for i, org in enumerate(codes):
        rows += staffing(
            year, org, definitions.SUPERINTENDENT, **({"Black": 1} if i < of_color else {"White": 1})
        )
    return rows


def codes_in(orgs: pd.DataFrame, region: str, org_type: str | None = None) -> list[str]:
    keep = orgs["region"] == region
    if org_type:
        keep &= orgs["org_type"] == org_type
    return orgs.loc[keep, "org_code"].tolist()


# --- a. gap columns on hidden rows ------------------------------------------------------------------


def test_a_hidden_superintendent_rows_carry_no_gap_or_fte():
    """The region CSV kept gap_points and gap_people on hidden rows; share and FTE follow from them exactly
    (share = target - gap_points/100, FTE = gap_people / (target - share)). A hidden row holds its key only."""
    orgs = organizations({("Greater Boston", "district"): 14, ("Berkshires", "district"): 2})
    boston, berkshires = codes_in(orgs, "Greater Boston"), codes_in(orgs, "Berkshires")
    rows = []
    for year in ("2023-24", "2024-25"):
        rows += supers(year, boston, 7) + supers(year, berkshires, 1)  # Berkshires: 1 of 2 of color
    facts = facts_from(orgs, rows)
    audit = run_audit(facts, [View(), View(("Berkshires",))], "attack a", keys=SUPERS)
    leaks = report(audit, "suppressed row keeps a figure")
    assert not leaks, leaks
    everything = report(audit)
    assert not everything, everything

    con = build_warehouse(facts)
    secrets = {"Berkshires' share": 0.5}
    for year in ("2023-24", "2024-25"):
        target = GOALS.superintendents.target_for(year)
        secrets |= {f"gap_points {year}": (target - 0.5) * 100, f"gap_people {year}": target * 2 - 1}
    for key in SUPERS:
        fig = export.chart_section(con, GOALS, Filters(regions=("Berkshires",)), key).figure
        found = figure_leaks(fig, secrets)
        assert not found, f"{key} chart for Berkshires: {found}"


# --- b. one Fellow in a region ----------------------------------------------------------------------


def test_b_a_region_with_one_fellow_shows_nothing_about_that_fellow():
    """The Fellows CSVs carried raw counts: in a region with one Fellow, of_color=1 and withdrawn=1 are that
    person's race and status. Nothing about a group of 1 may show: no count, share, funnel bar or card."""
    orgs = organizations({("Greater Boston", "district"): 10, ("Berkshires", "district"): 1})
    boston, (berkshire,) = codes_in(orgs, "Greater Boston"), codes_in(orgs, "Berkshires")
    fellows = [
        fellow("B1", 1, "2019-20", berkshire, "Black", status="withdrawn", entry_role="Central Office")
    ]
    for i in range(30):
        fellows.append(
            fellow(
                f"G{i}",
                1,
                "2019-20",
                boston[i % 10],
                "Hispanic" if i % 3 else "White",
                status="completed" if i % 4 else "withdrawn",
                entry_role="Principal" if i % 2 else "Central Office",
            )
        )
    facts = facts_from(orgs, fellows=fellows)
    one = View(("Berkshires",))
    leaks = report(run_audit(facts, [one], "attack b", keys=FELLOWS))
    assert not leaks, leaks
    audit = run_audit(facts, [View(), one], "attack b", keys=FELLOWS)
    everything = report(audit)
    assert not everything, everything

    con = build_warehouse(facts)
    summary, funnel, roles, _ = sections.fellows_outcomes(con, one.filters())
    told = {
        name: getattr(summary, name)
        for name in (
            "completed",
            "active",
            "withdrawn",
            "placed_superintendent",
            "placed_assistant",
            "of_color",
            "entered_as_principal",
            "entered_from_central_office",
            "share_of_color",
        )
        if hasattr(summary, name)
    }
    assert all(v is None for v in told.values()), f"the Fellows page's cards say {told} about one Fellow"
    # The funnel may say how many enrolled (1); no other bar may carry a number.
    labels = [
        t for s in (funnel, roles) for trace in s.figure.to_dict()["data"] for t in trace.get("text") or []
    ]
    numbers = [t for t in labels if number(t) is not None]
    assert len(numbers) <= 1 and all(number(t) == 1 for t in numbers), (
        f"the Fellows charts label bars {labels}"
    )


# --- c. the cohort table's row total ----------------------------------------------------------------


def cohort_table_leaks(display: pd.DataFrame) -> list[str]:
    """What the Fellows page's table gives away: a count shown about fewer than 6 Fellows with (or without)
    a status, or a status worked out as the row's Fellows minus the statuses shown."""
    columns = {"Active": "active", "Completed": "completed", "Withdrew": "withdrawn"}
    found = []
    for _, row in display.iterrows():
        size = number(row["Fellows"])
        shown = {status: number(row[c]) for c, status in columns.items() if number(row[c]) is not None}
        for status, k in shown.items():
            if not publishable(k, size):
                found.append(f"cohort {row['Cohort']}: {status} = {k:g} of {size:g} shown")
        leak = partition_leak(size, shown, tuple(columns.values()))
        if leak:
            found.append(f"cohort {row['Cohort']}: {leak}")
    return found


def test_c_no_cohort_status_is_the_row_total_minus_the_cells_shown():
    """The cohort table hid 'Withdrew' (2) but showed Active 0 and Completed 24 beside 26 Fellows:
    26 - 0 - 24 = 2. A second cohort: 20 Fellows, 12 completed, 8 active shown, so withdrew = 0."""
    orgs = organizations({("Greater Boston", "district"): 10})
    codes = orgs["org_code"].tolist()
    fellows = []
    for i in range(26):  # 24 completed, 2 withdrew, none active; 20 of color
        placed = (
            ("Superintendent", "2022-23", codes[0])
            if i < 7
            else ("Assistant Superintendent", "2021-22", codes[1])
            if i < 16
            else (None, None, None)
        )
        fellows.append(
            fellow(
                f"A{i}",
                1,
                "2019-20",
                codes[i % 10],
                "Asian" if i < 20 else "White",
                status="withdrawn" if i in (20, 24) else "completed",
                entry_role="Principal" if i < 11 else "Central Office",
                placement_role=placed[0],
                placement_year=placed[1],
                placement_org=placed[2],
            )
        )
    for i in range(20):  # 12 completed, 8 active, none withdrew
        fellows.append(
            fellow(
                f"B{i}",
                2,
                "2020-21",
                codes[i % 10],
                "Black" if i < 12 else "White",
                status="completed" if i < 12 else "active",
                entry_role="Principal" if i % 2 else "Central Office",
            )
        )
    facts = facts_from(orgs, fellows=fellows)
    con = build_warehouse(facts)
    *_, table = sections.fellows_outcomes(con, Filters())
    display = sections.fellows_cohort_display(table)
    found = cohort_table_leaks(display)
    assert not found, "the Fellows page's cohort table: " + "; ".join(found)

    audit = run_audit(facts, [View()], "attack c", keys=FELLOWS)
    leaks = report(audit, "recoverable from a total")
    assert not leaks, leaks
    everything = report(audit)
    assert not everything, everything


# --- d. parity of one charter school ----------------------------------------------------------------


def test_d_parity_of_a_region_and_type_cell_with_one_school_is_hidden():
    """The parity chart and CSV were never suppressed: Central + charter schools isolated one charter's
    11 teachers, 1 of color (share 1/11, parity 0.15 against 60% students of color)."""
    orgs = organizations(
        {("Central", "charter"): 1, ("Central", "district"): 7, ("Greater Boston", "district"): 7}
    )
    (charter,) = codes_in(orgs, "Central", "charter")
    rows, pupils = [], []
    for year in ("2023-24", "2024-25"):
        rows += staffing(year, charter, definitions.TEACHER, White=10, Asian=1)
        pupils += enrollment(year, charter, White=80, Hispanic=120)
        for org in orgs["org_code"]:
            if org != charter:
                rows += staffing(year, org, definitions.TEACHER, White=200, Black=30, Hispanic=25)
                pupils += enrollment(year, org, White=1000, Black=400, Hispanic=300)
    facts = facts_from(orgs, rows, pupils)
    cell = View(("Central",), ("charter",))
    secrets = {"the charter's teacher share": 1 / 11, "its parity": (1 / 11) / 0.6, "its teacher FTE": 11.0}
    con = build_warehouse(facts)
    for key in ("teacher-student-parity", "workforce-of-color", "representation-gap"):
        frame = read_csv(export.chart_csv(con, GOALS, cell.filters(), key))
        found = shown_numbers(frame, secrets)
        assert not found, f"{key} CSV for {cell}: {found}"
        fig = export.chart_section(con, GOALS, cell.filters(), key).figure
        figure_secrets = {k: v for k, v in secrets.items() if k != "its teacher FTE"}
        found = figure_leaks(fig, figure_secrets)
        assert not found, f"{key} chart for {cell}: {found}"
    audit = run_audit(
        facts, [View(), View(("Central",)), cell, View((), ("charter",))], "attack d", keys=SHARES
    )
    everything = report(audit)
    assert not everything, everything


# --- e. race make-up: all of color minus the races shown -----------------------------------------------


def race_makeup_leaks(composition: pd.DataFrame, totals: dict[str, tuple[float, float]]) -> list[str]:
    """What the make-up by race gives away, given each population's (people of color, people) from the same
    view: a race count under 6 shown, White shown beside fewer than 6 of color, or hidden races worked out
    as all of color minus the races shown."""
    population = next(c for c in ("population", "group", "job_class") if c in composition.columns)
    people = next(c for c in ("people", "count", "total", "fte") if c in composition.columns)
    found = []
    for name, part in composition.groupby(population):
        of_color, total = totals.get(name, (None, None))
        if total is None and "share" in part.columns:  # people / share of any race shown gives the total
            ratios = [p / s for p, s in zip(part[people], part["share"], strict=True) if pd.notna(p) and s]
            total = ratios[0] if ratios else None
        shown = {r: float(v) for r, v in zip(part["race"], part[people], strict=True) if pd.notna(v)}
        for race, k in shown.items():
            if k < MIN - TOL or (race == "White" and total is not None and total - k < MIN - TOL):
                found.append(f"{name}: {race} = {k:g} shown (of {total})")
        if of_color is None and total is not None and "White" in shown:
            of_color = total - shown["White"]
        present = tuple(r for r in part["race"] if r in POC)
        leak = (
            partition_leak(of_color, {r: k for r, k in shown.items() if r in POC}, present)
            if of_color
            else None
        )
        if leak:
            found.append(f"{name} of color: {leak}")
    return found


def test_e_no_hidden_race_is_all_of_color_minus_the_races_shown():
    """The make-up by race hid 3 Black teachers but showed Asian 20 and Hispanic 0 beside 23 teachers of
    color (and 123 in all): 23 - 20 - 0 = 3. Students: 4 Asian hidden beside 504 of color and Black 300,
    Hispanic 200 shown."""
    orgs = organizations({("Greater Boston", "district"): 10})
    codes = orgs["org_code"].tolist()
    rows = staffing("2024-25", codes[0], definitions.TEACHER, White=10, Asian=2, Black=3, Hispanic=0)
    pupils = enrollment("2024-25", codes[0], White=50, Black=30, Hispanic=20, Asian=4)
    for org in codes[1:]:
        rows += staffing("2024-25", org, definitions.TEACHER, White=10, Asian=2)
        pupils += enrollment("2024-25", org, White=50, Black=30, Hispanic=20)
    facts = facts_from(orgs, rows, pupils)
    con = build_warehouse(facts)
    workforce = read_csv(export.chart_csv(con, GOALS, Filters(), "workforce-of-color"))
    totals = {}
    for _, r in workforce.iterrows():  # what the same view shows of each population's totals
        group = r.get("group") or r.get("job_class")
        k, n = number(r.get("of_color", r.get("people_of_color"))), number(r.get("total", r.get("people")))
        if k is not None and n is not None:
            totals[group] = totals[group.rstrip("s")] = (k, n)
    section = sections.race_composition(con, Filters())
    found = race_makeup_leaks(section.data, totals)
    assert not found, "make-up by race: " + "; ".join(found)
    secrets = {"Black teachers' share": 3 / 123, "Asian students' share": 4 / 1004}
    found = figure_leaks(section.figure, secrets)
    assert not found, f"make-up by race chart: {found}"


# --- f. zeros -------------------------------------------------------------------------------------------


def test_f_zero_of_color_is_fewer_than_six():
    """'0 of color' was shown: a region whose 8 superintendents (and 320 teacher FTE) are all White says
    every one of them is White. Zero is fewer than 6."""
    orgs = organizations({("Berkshires", "district"): 8, ("Greater Boston", "district"): 14})
    berkshires, boston = codes_in(orgs, "Berkshires"), codes_in(orgs, "Greater Boston")
    rows = supers("2024-25", berkshires, 0) + supers("2024-25", boston, 7)
    for org in berkshires:
        rows += staffing("2024-25", org, definitions.TEACHER, White=40)
    for org in boston:
        rows += staffing("2024-25", org, definitions.TEACHER, White=40, Black=8, Asian=4)
    facts = facts_from(orgs, rows)
    audit = run_audit(facts, [View(("Berkshires",)), View()], "attack f", keys=SHARES)
    leaks = report(audit, "visible figure about a small group")
    assert not leaks, leaks
    everything = report(audit)
    assert not everything, everything

    con = build_warehouse(facts)
    by_region = export.chart_section(con, GOALS, Filters(), "superintendents-by-region").figure
    drawn = [p for p in plotted(by_region) if "Berkshires" in p[0]]
    assert not drawn, f"the region chart draws Berkshires at {drawn}"
    path = export.chart_section(con, GOALS, Filters(regions=("Berkshires",)), "superintendents-target-path")
    observed = [
        (n, x, y)
        for n, x, y in plotted(path.figure)
        if GOALS.superintendents.target_for(str(x)) is None
        or abs(y - GOALS.superintendents.target_for(str(x))) > 1e-9
    ]
    assert not observed, f"Berkshires' target-path chart draws {observed}"


# --- g. a one-district roster for a later year --------------------------------------------------------


def roster_facts():
    """14 districts report 2019-20 to 2022-23 (7 superintendents of color a year); for 2023-24 only one
    district has loaded its roster: 1 superintendent, White."""
    orgs = organizations({("Greater Boston", "district"): 8, ("Central", "district"): 6})
    codes = orgs["org_code"].tolist()
    rows, pupils = [], []
    for year in ("2019-20", "2020-21", "2021-22", "2022-23"):
        rows += supers(year, codes, 7)
        for org in codes:
            rows += staffing(year, org, definitions.TEACHER, White=60, Black=10, Hispanic=10)
            pupils += enrollment(year, org, White=300, Black=200, Hispanic=100)
    rows += supers("2023-24", codes[:1], 0) + staffing(
        "2023-24", codes[0], definitions.TEACHER, White=30, Asian=2
    )
    return facts_from(orgs, rows, pupils)


def test_g_a_later_one_district_roster_is_not_the_statewide_figure():
    """One district's roster for 2023-24 became 'statewide 2023-24': the chart's hover said 0.0 of 1.0 FTE
    (one superintendent's race), the title led with it, and the CSV row was not suppressed."""
    facts = roster_facts()
    audit = run_audit(facts, [View(), View(("Greater Boston",))], "attack g", keys=SHARES)
    leaks = report(audit, "visible figure about a small group")
    assert not leaks, leaks
    everything = report(audit)
    assert not everything, everything

    con = build_warehouse(facts)
    fig = export.chart_section(con, GOALS, Filters(), "superintendents-target-path").figure
    spec = fig.to_dict()
    title = spec["layout"].get("title", {}).get("text", "")
    assert "2023-24" not in title, f"the headline is the one-district year: {title!r}"
    for trace in spec["data"]:
        xs = as_list(trace.get("x"))
        for part in ("customdata", "text", "hovertext"):
            values = as_list(trace.get(part))
            if len(values) != len(xs):
                continue
            for x, point in zip(xs, values, strict=True):
                assert not (x == "2023-24" and 1.0 in numbers_said(point)), (
                    f"the {part} of {trace.get('name')} at 2023-24 carries {point} (one superintendent's FTE)"
                )


# --- h. an organization subtracts its own Fellows ----------------------------------------------------


def insider_fellows_facts():
    """Two districts of one region and type send 12 Fellows each to cohort 1, 6 of color and 6 not, so
    their cell passes with either taken out. Of A's, 3 completed and 9 are active; of B's, 9 and 3."""
    orgs = organizations({("Central", "district"): 2, ("Greater Boston", "district"): 1})
    a, b, _ = orgs["org_code"].tolist()
    fellows = []
    for org, completed, tag in ((a, 3, "A"), (b, 9, "B")):
        for i in range(12):
            fellows.append(
                fellow(
                    f"{tag}{i}",
                    1,
                    "2019-20",
                    org,
                    "Black" if i % 2 else "White",
                    status="completed" if i < completed else "active",
                    entry_role="Principal" if i % 3 else "Central Office",
                )
            )
    return facts_from(orgs, fellows=fellows)


def test_h_an_organization_that_knows_its_own_fellows_learns_no_others():
    """Central showed 12 of its 24 Fellows completed (and 16 entered as principals): B, knowing its own 9
    completed (and 8 principals), learned that A's 12 Fellows hold 3 completed (and 4 not principals).
    Every status, placement and role shown must pass with any one organization's own Fellows taken out."""
    facts = insider_fellows_facts()
    con = build_warehouse(facts)
    for view in (Filters(), Filters(regions=("Central",))):
        summary, table = metrics.fellows_outcomes(con, view)
        assert summary.enrolled == 24
        assert (summary.of_color, summary.known_race) == (12, 24)  # 6 and 6 either way, without A or B
        told = {
            "completed": summary.completed,
            "active": summary.active,
            "principals": summary.entered_as_principal,
            "central office": summary.entered_from_central_office,
        }
        assert all(v is None for v in told.values()), f"{view}: {told}"
        row = table.iloc[0]
        shown = row[["active", "completed", "withdrawn", "entered_as_principal"]].dropna()
        assert shown.empty, f"{view}: cohort 1 shows {shown.to_dict()}"
    audit = run_audit(facts, [View(), View(("Central",))], "attack h", outputs=("fellows",))
    everything = report(audit)
    assert not everything, everything


# --- the randomized differencing audit ---------------------------------------------------------------

# 8 warehouses, each read in two editions (the current figures, then a release of them) through every
# output privacy_audit.OUTPUTS names: about 35 s of CPU each (measured), so about 2.5 minutes on two idle
# cores. The seed is fixed, so every run reads the same warehouses and a failure replays; the number is what
# fits the whole suite in CI's 30 minutes beside everything else. PRIVACY_AUDIT_WAREHOUSES=60 for a longer hunt.
WAREHOUSES = int(os.environ.get("PRIVACY_AUDIT_WAREHOUSES", "8"))


def test_randomized_differencing_finds_no_leak():
    """Random warehouses (fixed seed) with staff, students, Fellows, equity leaders and AMSEL members, read
    as the dashboard shows them: every export CSV of 5 views (4 nested, 1 with a range of years) and the
    numbers in their titles and captions, shares of all 22 region/type views (and of 2 with a range of
    years) and their breakdowns, every organization's profile, the make-up by race, the Fellows' summary
    and cohort table, the network's figures, the equity-leader comparison, parity by organization and the
    map; the current figures and, after a release, the released ones. Visible figures are true and publishable, hidden ones bare; and no
    sum or difference of them (pairs, a figure minus two or three inside it, a total minus its groups,
    any linear combination that yields a set of organizations), nor any of those minus one organization's
    own figures (an insider), is a small group. A failure names the warehouse and the view: replay it with
    privacy_audit.audit_warehouse(index), or rebuild its facts with privacy_facts.random_facts(index)."""
    started = time.monotonic()
    results = in_worker_processes(audit_warehouse, range(WAREHOUSES))
    elapsed = time.monotonic() - started
    problems: dict[str, list[str]] = {}
    checked: dict[str, int] = {}
    for r in results:
        for kind, found in r["problems"].items():
            problems.setdefault(kind, []).extend(found)
        for kind, n in r["checked"].items():
            checked[kind] = checked.get(kind, 0) + n
    print(f"randomized audit: {WAREHOUSES} warehouses (seed {SEED}) in {elapsed:.1f} s; checked {checked}")
    summary = "\n".join(
        f"{kind}: {len(found)} (in {len({p.split(':')[0] for p in found})} warehouses), e.g.\n  "
        + "\n  ".join(found[:3])
        for kind, found in sorted(problems.items(), key=lambda kv: -len(kv[1]))
    )
    assert not problems, f"seed {SEED}, {WAREHOUSES} warehouses:\n{summary}"
    # Not vacuous: hiding everything is safe but wrong. Every kind of output shows figures somewhere.
    for kind in (
        "visible rows",
        "visible shares",
        "visible profile figures",
        "visible make-up figures",
        "visible Fellows cells",
        "visible network figures",
        "visible comparison figures",
        "visible parity figures",
        "title and caption numbers",
    ):
        assert checked.get(kind, 0) >= WAREHOUSES, (kind, checked)
