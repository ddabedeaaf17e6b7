"""The adversary's side of the privacy rule: read what the dashboard shows and exports the way someone out
to learn a hidden figure would, and check it against facts we made up ourselves.

Black box: the audit calls what the pages, the Export page and the command line call (analytics.export's
CSVs and sections, metrics and equity) and works the truth out here, with pandas, from the generated facts,
never from the code under test. The rule it holds them to (docs/privacy.md): a figure about a group is
shown only when at least 6 people in it are of color and at least 6 are not (zero counts as fewer than 6); a
suppressed row carries nothing but its key; no sum or difference of things a person can see (two views one
inside the other, a view less several inside it, a total less its groups, any linear combination of them
that yields a set of organizations) exposes a group smaller than that; and neither does any of those less
one organization's own figures, which it knows (the insider).

`audit_warehouse(index)` is one warehouse of the randomized differencing test: `random_facts(index)`,
`views_for` and `every_view` rebuild the same warehouse and filters for a failure to be replayed by hand;
`run_audit` reads hand-made facts the same way (the attacks, and the mutation tests that weaken the layer).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import types
from concurrent.futures import ProcessPoolExecutor

import pandas as pd
from privacy_checks import Audit
from privacy_facts import SEED, YEARS, Facts, View, every_view, random_facts, views_for
from privacy_reading import edition_name, read_csv
from privacy_truth import EXPERIENCE, Truth, is_missing

# Charts of how many organizations take part: no figure about people; checked in fewer views (time).
PARTICIPATION_KEYS = {"districts-per-year", "districts-cumulative"}
# Charts drawn from the same figures as another (the network's expectations and its members): the CSV is
# that one's; checked in fewer views (time).
SAME_CSV_AS = {"amsel-expectations": "amsel-members"}


# --- running it ------------------------------------------------------------------------------------

# What an audit reads: the export CSVs (and their sections' titles and captions), and what the pages call
# beyond them: shares of every view and breakdown, every organization's profile, the make-up by race, the
# Fellows' summary and cohort table, the network's figures, the equity-leader comparison, parity by
# organization, the map's shares of students, and students' experience (each measure by year in a view and
# for one organization, Influence 100's organizations beside all others, metrics --json's).
OUTPUTS = (
    "csv",
    "titles",
    "shares",
    "profiles",
    "makeup",
    "fellows",
    "network",
    "comparison",
    "parity",
    "map",
    "students",
)


def build_warehouse(facts: Facts):
    """A private in-memory warehouse holding `facts`."""
    from builders import add, new_warehouse

    con = new_warehouse(":memory:", facts.orgs)
    for kind, frame in (
        ("staffing", facts.staffing),
        ("enrollment", facts.enrollment),
        ("fellows", facts.fellows),
        ("participation", facts.participation),
        ("equity-leaders", facts.equity_leaders),
        ("amsel-members", facts.amsel_members),
        ("student-discipline", facts.discipline),
        ("student-attendance", facts.attendance),
        ("graduation", facts.graduation),
        ("climate-survey", facts.climate),
    ):
        if len(frame):
            rows = [
                tuple(None if is_missing(v) else v for v in r)
                for r in frame.itertuples(index=False, name=None)
            ]
            add(con, kind, rows)
    return con


def facts_from(
    orgs: pd.DataFrame,
    staffing=(),
    enrollment=(),
    fellows=(),
    participation=(),
    equity_leaders=(),
    amsel_members=(),
    discipline=(),
    attendance=(),
    graduation=(),
    climate=(),
) -> Facts:
    """Facts from rows as tests/builders.py writes them (staffing(...), enrollment(...), fellow(...))."""
    from analytics.contracts import FACT_KINDS

    def frame(kind: str, rows) -> pd.DataFrame:
        return pd.DataFrame(list(rows), columns=FACT_KINDS[kind].column_names)

    return Facts(
        orgs,
        frame("staffing", staffing),
        frame("enrollment", enrollment),
        frame("fellows", fellows),
        frame("participation", participation),
        tuple(orgs["region"].unique()),
        tuple(orgs["org_type"].unique()),
        frame("equity-leaders", equity_leaders),
        frame("amsel-members", amsel_members),
        frame("student-discipline", discipline),
        frame("student-attendance", attendance),
        frame("graduation", graduation),
        frame("climate-survey", climate),
    )


class _KeptSections:
    """While open, every section export.chart_section builds is kept by key (the CSV is made from it), so
    its title and caption are read without building the chart twice."""

    def __init__(self):
        self.kept: dict[str, object] = {}

    def __enter__(self):
        from analytics import export

        self._original = original = export.chart_section

        def chart_section(con, goals, filters, key):
            section = original(con, goals, filters, key)
            self.kept[key] = section
            return section

        export.chart_section = chart_section
        return self

    def __exit__(self, *exc):
        from analytics import export

        export.chart_section = self._original


def audit_edition(
    audit: Audit,
    con,
    views: list[View],
    *,
    released: bool = False,
    outputs: tuple[str, ...] = OUTPUTS,
    keys: tuple[str, ...] | None = None,
    every: list[View] | None = None,
    makeup_years: dict[View, tuple[str, ...]] | None = None,
    csv_views: list[View] | None = None,
    goals=None,
    experience_views: list[View] | None = None,
    experience_profile_keys: tuple[str, ...] | None = None,
    experience_comparison_views: list[View] | None = None,
    experience_keys: tuple[str, ...] | None = None,
) -> None:
    """Read one edition of the figures (current, or the latest release) as `outputs` give them, for
    `views` (CSVs, make-up, network, comparison, parity; the CSVs of `csv_views` if given) and `every` view (shares and Fellows;
    default `views`); students' experience (`experience_keys`' measures; default all) in
    `experience_views` (default: as shares), Influence 100's organizations and others in
    `experience_comparison_views` (default `views`), each organization's (`experience_profile_keys`'
    measures; default all), and metrics --json's (all)."""
    from analytics import export

    facts = audit.truth.facts
    if goals is None and "csv" in outputs:
        from analytics.goals import load_goals

        goals = load_goals()
    every = every if every is not None else views
    if "csv" in outputs:
        for n, view in enumerate(csv_views if csv_views is not None else views):
            orgs = view.orgs(facts)
            read: dict[str, pd.DataFrame] = {}
            for key in keys or export.CHART_KEYS:
                if key in PARTICIPATION_KEYS and n not in (0, 2):
                    continue  # counts of organizations, no one's race: statewide and the smallest view suffice
                if key in SAME_CSV_AS and n not in (0, 2):
                    continue  # the same figures as another chart's CSV: read for its title in two views
                if key.startswith("students-") and n not in (0, 2):
                    continue  # students' experience: read directly in every view; its CSVs in two (time)
                with _KeptSections() as kept:
                    frame = read_csv(export.chart_csv(con, goals, view.filters(released), key))
                read[key] = frame
                same = read.get(SAME_CSV_AS.get(key, ""))
                if same is not None and not same.equals(frame):
                    audit.problem(
                        "CSV contract",
                        f"view {view}: {key} no longer has the figures of {SAME_CSV_AS[key]}: the audit must "
                        "read it in every view (privacy_audit.SAME_CSV_AS)",
                    )
                audit.csv(view, key, frame, orgs)
                if "titles" in outputs and key in kept.kept:
                    audit.titles(f"{edition_name(released)} view {view}, {key}", key, kept.kept[key], frame)
    if "shares" in outputs:
        ranged = [v for v in views if (v.year_from or v.year_to) and v not in every]
        for view in [*every, *ranged]:
            audit.shares(con, view, released)
        for by in ("region", "org_type"):
            audit.shares(con, View(), released, by=by)
    if "profiles" in outputs:
        audit.profiles(con, released)
    if "makeup" in outputs:
        for view in views:
            years = (makeup_years or {}).get(view, YEARS)
            for year in years:
                audit.makeup(con, year, view, released)
    for view in every:
        if "fellows" in outputs:
            audit.fellows(con, view, released)
    for view in views:  # cut anew per call (the network's blocks): the views of the CSVs only
        if "network" in outputs:
            audit.network(con, view, released)
        if "comparison" in outputs:
            audit.comparison(con, view, released)
    if "parity" in outputs:
        for view in views[:2]:
            for year in YEARS:
                audit.parity_by_organization(con, year, view, released)
    if "map" in outputs:
        audit.map_shares(con, View(), released)
    if "students" in outputs:
        ranged = [v for v in views if (v.year_from or v.year_to) and v not in every]
        for view in experience_views if experience_views is not None else [*every, *ranged]:
            audit.experience(con, view, released, keys=experience_keys)
        audit.experience_profiles(con, released, keys=experience_profile_keys)
        for view in experience_comparison_views if experience_comparison_views is not None else views:
            audit.experience_comparison(con, view, released, keys=experience_keys)
        audit.experience_metrics(con, released, goals)


def run_audit(
    facts: Facts,
    views: list[View],
    label: str,
    keys: tuple[str, ...] | None = None,
    *,
    outputs: tuple[str, ...] = ("csv",),
    editions: tuple[str, ...] = ("current",),
    every: list[View] | None = None,
) -> Audit:
    """Build a warehouse of `facts`, read `outputs` (by default every chart's CSV, or `keys`) for each view
    in each edition ('current'; 'released': right after a release of the current figures, which then are
    the same), and audit them, differencing included."""
    from analytics import metrics

    metrics.forget_cached_blocks()  # blocks are cut anew by whatever privacy layer is in place now
    con = build_warehouse(facts)
    audit = Audit(label, Truth(facts))
    try:
        for edition in editions:
            if edition == "released":
                _release(con)
            audit_edition(
                audit, con, views, released=edition == "released", outputs=outputs, keys=keys, every=every
            )
    finally:
        con.close()
        metrics.forget_cached_blocks()
    audit.differencing()
    return audit


def _release(con) -> None:
    from builders import TESTS

    from analytics import releases

    releases.publish(con, actor=TESTS)


def in_worker_processes(audit, indexes) -> list:
    """`audit(index)` for each of `indexes`, in two spawned worker processes, results in order.

    The workers run at a lower priority (nice 10): they take what the cores have spare, so the tests running
    beside them in the suite (a browser test waiting on its app server and Chromium, which a slow machine
    fails by timeout) are not starved by two processes that only count. A spawned worker runs the parent's
    __main__ again; after an AppTest in this session that is app.py, which would open the dashboard's
    warehouse: it is hidden while they start."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        workers = max(1, min(2, os.cpu_count() or 1))
        with ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"), initializer=os.nice, initargs=(10,)
        ) as pool:
            return list(pool.map(audit, indexes))
    finally:
        sys.modules["__main__"] = main


def audit_warehouse(index: int, outputs: tuple[str, ...] = OUTPUTS) -> dict:
    """Build random warehouse `index` and read it as the dashboard shows it: the current figures (every
    chart's CSV for 5 of its 8 views, with titles and captions; shares and Fellows of all 22 views; every
    profile; make-up, network, comparison for the 8 views; parity; the map), then a release of them (the
    same outputs, for 3 of the views; the state's CSVs); then check them all together. Returns the
    problems by kind and what was checked (plain data, so it crosses process boundaries). About 17 s of
    CPU a warehouse, half of it the CSVs (each chart built whole)."""
    from analytics import metrics
    from analytics.goals import load_goals

    if multiprocessing.parent_process() is not None:
        _plain_templates()  # only in a worker process: the tests' own figures keep the real templates
    facts = random_facts(index)
    con = build_warehouse(facts)
    goals = load_goals()
    audit = Audit(f"warehouse {index} (seed {SEED}, random_facts({index}))", Truth(facts))
    con.execute("SET threads TO 1")  # two worker processes share two cores; tiny queries gain nothing
    views = views_for(facts, index)
    every = every_view(facts)
    # The make-up is cut anew per year and view (the slowest figure): one year a view, all four statewide.
    makeup_years = {v: YEARS if i == 0 else (YEARS[i % 4],) for i, v in enumerate(views)}
    try:
        for released in (False, True):
            if released:
                _release(con)
            audit_edition(
                audit,
                con,
                views[:3] if released else views,
                released=released,
                outputs=outputs,
                every=every,
                makeup_years=makeup_years,
                # Every chart's CSV: the state, a region, a cell, a type and a region over two years (the
                # other views' figures are read directly); released, the state's.
                csv_views=views[:1] if released else [views[i] for i in (0, 1, 2, 3, 6)],
                goals=goals,
                # Students' experience, released: every measure in all 22 views and the two with a range
                # of years, every organization's, Influence 100's and the others' in the 8 views. Current
                # (blocks cut anew per call: time): two measures (a different two by warehouse) in the 8
                # views and Influence 100's in the state, a region and a cell; every organization's one.
                experience_views=[*every, *views[6:]] if released else views,
                experience_comparison_views=views if released else views[:3],
                experience_keys=None if released else _rotating(index, 2),
                experience_profile_keys=None if released else _rotating(index, 1),
            )
    finally:
        con.close()
        metrics.forget_cached_blocks()
    audit.differencing()
    return {"problems": dict(audit.problems), "checked": dict(audit.checked)}


def _rotating(index: int, n: int) -> tuple[str, ...]:
    """`n` of the measures of students' experience, a different `n` by warehouse."""
    keys = list(EXPERIENCE)
    return tuple(keys[(index + i) % len(keys)] for i in range(n))


def _plain_templates() -> None:
    """Speed only: charts built in this worker process skip plotly's large theme templates (the CSVs are
    the same; each figure builds ~30% faster)."""
    import plotly.graph_objects as go
    import plotly.io as pio

    for name in list(pio.templates):
        pio.templates[name] = go.layout.Template()
