"""What saving a checked upload would write and change, computed against the warehouse as it is now:
per organization and year, and the statewide figures it moves ("teachers of color, 2018-19: 8.1% → 8.3%")."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics import definitions, equity, formats, metrics, releases, store
from analytics.access import Actor
from analytics.contracts import FACT_KINDS, UploadKind
from analytics.coverage import is_complete, organizations_reporting
from analytics.definitions import STUDENTS
from analytics.ingest.check import CheckedUpload, known_organizations
from analytics.privacy import SUPPRESSED, THRESHOLD, tabulate
from analytics.sql_files import kind_sql
from analytics.warehouse import cursor, registered


def _preview_sql(kind: UploadKind) -> str:
    """The preview query for `kind` (its contract's), its slots filled from the contract: besides the key, the statewide
    period (the key without the organization) and, for people counted by race, the measure (FTE, students)."""
    slots = {"period": [k for k in kind.replacement_key if k != kind.org_column]}
    if kind.row_total is not None:
        slots["measure"] = kind.row_total.name
    return kind_sql(kind.preview.query, kind, **slots)


@dataclass(frozen=True)
class UploadPreview:
    """What a save would write (per organization and year), what it changes, and what it replaces."""

    written: pd.DataFrame  # one row per organization, school year (and job class) the upload covers
    statewide: pd.DataFrame  # one row per school year (and job class): now and after
    changes: tuple[str, ...]  # the statewide changes, in words
    replaces: pd.DataFrame  # uploads whose rows would stop counting: upload_id, file_name, rows_replaced


def _group_label(job_class: str | None, kind: UploadKind) -> str:
    """Whom a share counts: "teachers of color" by job class, else the group the contract's preview names."""
    if not _by_job_class(kind):
        return kind.preview.figures[1]
    if job_class is None:
        return ""
    plural = {"Staff": "staff", "Other Staff": "other staff"}.get(job_class, job_class.lower() + "s")
    return f"{plural} of color"


def _by_job_class(kind: UploadKind) -> bool:
    return "job_class" in kind.column_names


def preview_pending(con: duckdb.DuckDBPyConnection, upload_id: int, *, actor: Actor) -> UploadPreview | None:
    """What approving a pending upload would change, as the district saw it before saving: the same preview,
    of its stored facts against what counts now (DESE reviewers only)."""
    kind, facts = store.pending_facts(con, upload_id, actor=actor)
    return preview_upload(con, CheckedUpload(kind, f"upload {upload_id}", "", None, [], facts), actor=actor)


# Said instead of a statewide "now → after" to those who see released figures (districts): the statewide
# figures they see change when DESE approves and releases them, not when they save.
RELEASED_NOTE = (
    "Statewide figures change when DESE approves this file and releases the figures; they are not previewed "
    "here."
)
# What the per-organization table says where it has no figure "now" (never "None" or a blank that could be
# read as 0): nothing counts for that organization and year yet, or the pages do not show it on its own.
NOT_REPORTED = "not reported"
NOT_SHOWN = "not shown"


def preview_upload(
    con: duckdb.DuckDBPyConnection, checked: CheckedUpload, *, actor: Actor | None = None
) -> UploadPreview | None:
    """Compare the warehouse now with the warehouse after saving `checked`; None if it has no facts.

    Shows nothing the pages hide, now or after: figures now as the person's pages show them (released
    ones, for anyone not DESE), statewide changes only where the pages would show both figures (to DESE:
    others see the statewide figures only once released), and each organization's own figure now only
    where its profile shows it. `actor` None previews as DESE (the command line's reviewer)."""
    if checked.facts is None or not len(checked.facts):
        return None
    released = actor is not None and not actor.is_dese
    kind = checked.kind
    style = kind.preview.style
    if style == "rows written":
        return _rows_written(con, checked)
    with cursor(con) as cur, registered(cur, "incoming_facts", checked.facts):
        params = {
            "people_of_color": list(definitions.PEOPLE_OF_COLOR),
            "known_races": list(definitions.RACES),
        }
        text = _preview_sql(kind)
        used = {k: val for k, val in params.items() if f"${k}" in text}
        frame = cur.execute(text, used).df()
        replaces = cur.execute(kind_sql("upload_replaces", kind)).df()
    state = frame[frame["scope"] == "state"].drop(columns=["scope", "org_code"]).reset_index(drop=True)
    per_org = frame[frame["scope"] == "organization"].drop(columns="scope").reset_index(drop=True)
    notes: list[str] = []
    if style == "shares":
        per_org, state, hidden = _publishable(con, checked, per_org, state, released=released)
        coverage, partial = coverage_notes(con, checked)
        # A year that stays partial has no statewide figure to preview: its note says so instead.
        state.loc[state["school_year"].isin(partial), ["total_after", "of_color_after", "share_after"]] = (
            np.nan
        )
        notes += hidden + coverage
    elif style == "members":
        state, hidden = _members_publishable(con, checked, state)
        notes += hidden
    elif style == "count":
        # A newer list (of a cohort) replaces the older whole: "of color now → after" would give the current
        # list's count away to anyone holding the new one. Only how many (Fellows) is previewed.
        state[["of_color_now", "of_color_after", "share_now", "share_after"]] = np.nan
    if len(checked.new_organizations):
        named = dict(
            zip(checked.new_organizations["org_code"], checked.new_organizations["name"], strict=True)
        )
        per_org["name"] = per_org["name"].fillna(per_org["org_code"].map(named))
    changes = []
    for r in state.itertuples():
        if style in ("shares", "members") and (pd.isna(r.total_after) or pd.isna(r.total_now)):
            continue  # not previewed: a note below says why
        if style == "shares":
            label = _group_label(r.job_class, kind)
            changes.append(
                f"{label}, {r.school_year}: {formats.percent(r.share_now)} → {formats.percent(r.share_after)} (statewide)"
            )
        elif style in ("count", "members"):
            changes.append(
                f"{r.school_year}: {kind.preview.figures[0]} {formats.count(r.total_now)} → {formats.count(r.total_after)}"
            )
        else:
            first, second = kind.preview.figures
            changes.append(
                f"{r.school_year}: {first} {formats.count(r.total_now)} → {formats.count(r.total_after)}; "
                f"{second} {formats.count(r.of_color_now)} → {formats.count(r.of_color_after)}"
            )
    if not len(per_org):
        per_org = _written_without_orgs(checked)
    return UploadPreview(per_org, state, tuple(changes + notes), replaces)


def _publishable(
    con: duckdb.DuckDBPyConnection,
    checked: CheckedUpload,
    per_org: pd.DataFrame,
    state: pd.DataFrame,
    *,
    released: bool,
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The preview's figures, hidden where privacy.py would hide them on the pages, now and after.

    An organization's figure now is shown only where its profile shows it (a block of its own, in the
    figures this person sees). Statewide, to those who see released figures: nothing (RELEASED_NOTE). To
    DESE: now → after only where the pages show the figure now, would show it after saving (the warehouse
    with the file, cut into blocks as the pages cut it), and the rows the file replaces are a union of
    whole blocks (the change, minus the file's own rows, is what those rows held: a file replacing one
    district's superintendent must not preview the statewide change)."""
    kind, facts = checked.kind, checked.facts
    job = "job_class" if _by_job_class(kind) else None
    populations = tuple(sorted(facts["job_class"].unique())) if job else (STUDENTS,)
    years = sorted(facts["school_year"].unique())
    view = metrics.Filters(years[0], years[-1], released=released)
    blocks = metrics.organization_blocks(con, populations, view)
    population = per_org["job_class"] if job else STUDENTS
    org_keys = per_org.assign(population=population)[["population", "school_year", "org_code"]]
    own = org_keys.merge(blocks[["population", "school_year", "org_code", "alone"]], how="left")["alone"]
    hide_now = ~own.fillna(False).astype(bool).to_numpy()
    per_org = per_org.copy()
    per_org["now_hidden"] = hide_now & per_org["total_now"].notna().to_numpy()
    per_org.loc[
        hide_now & per_org["total_now"].notna().to_numpy(), ["total_now", "of_color_now", "share_now"]
    ] = np.nan
    state = state.copy()
    figures = ["share_now", "total_now", "of_color_now", "share_after", "total_after", "of_color_after"]
    if released:
        state[figures] = np.nan
        return per_org, state, [RELEASED_NOTE]
    covered = facts[["school_year", "org_code", *([job] if job else [])]].drop_duplicates()
    covered = covered.rename(columns={job: "population"}) if job else covered.assign(population=STUDENTS)
    published = metrics.shares_by_year(con, populations, view).set_index(["population", "school_year"])
    after_atoms = _after_atoms(con, checked, blocks, per_org, population)
    after_blocks = releases.people_blocks(after_atoms) if len(after_atoms) else after_atoms
    after_blocks = after_blocks.assign(total=after_blocks["of_color"] + after_blocks["others"])
    notes = []
    for i, r in state.iterrows():
        pop = r["job_class"] if job else STUDENTS
        year = r["school_year"]
        label = _group_label(r["job_class"], kind)
        mine = covered[(covered["population"] == pop) & (covered["school_year"] == year)]
        rows = (blocks["population"] == pop) & (blocks["school_year"] == year)
        mask = (rows & blocks["org_code"].isin(mine["org_code"])).to_numpy()
        now_row = published.loc[(pop, year)] if (pop, year) in published.index else None
        if now_row is None or not bool(now_row["complete"]):
            # Nothing loaded for the year yet, or a partial year: no statewide figure to compare (the
            # coverage note says how far the year is from complete: coverage_notes).
            state.loc[i, figures] = np.nan
            continue
        now_shown = now_row is not None and not bool(now_row["suppressed"])
        after_rows = (after_blocks["population"] == pop) & (after_blocks["school_year"] == year)
        after = tabulate(
            after_blocks,
            after_rows.to_numpy(),
            keys=["population", "school_year"],
            figures=["of_color", "total"],
        )
        after_shown = len(after) and not bool(after[SUPPRESSED].iloc[0])
        replaced_whole = True
        if mask.any():
            replaced = tabulate(
                blocks, mask, keys=["population", "school_year"], figures=["of_color", "total"]
            )
            replaced_whole = not bool(replaced[SUPPRESSED].iloc[0])
        if not replaced_whole:
            notes.append(
                f"{label}, {year}: the statewide figure after saving is not previewed — with the file's own "
                "rows it would show what the organizations it replaces hold now, a group of fewer than "
                f"{THRESHOLD}. It shows on the pages once saved."
            )
        elif not now_shown or not after_shown:
            notes.append(
                f"{label}, {year}: the statewide figure is not previewed — the pages do not show it "
                + ("now" if not now_shown else "after this file")
                + f" (a group of fewer than {THRESHOLD}, or a partial year)."
            )
        if not (replaced_whole and now_shown and after_shown):
            state.loc[i, figures] = np.nan
    return per_org, state, notes


def _after_atoms(
    con: duckdb.DuckDBPyConnection,
    checked: CheckedUpload,
    blocks: pd.DataFrame,
    per_org: pd.DataFrame,
    population,
) -> pd.DataFrame:
    """Organization-level people of color and others of the populations and years the file covers, as they
    would be after saving it: the file's rows in place of those it replaces."""
    mine = per_org.assign(population=population)
    mine = mine.assign(
        of_color=mine["of_color_after"].astype(float),
        others=(mine["total_after"] - mine["of_color_after"]).astype(float),
    )
    places = metrics.run_query(con, "organization_places")
    new = (
        checked.new_organizations[["org_code", "region", "org_type"]]
        if len(checked.new_organizations)
        else None
    )
    places = pd.concat([places, new], ignore_index=True) if new is not None else places
    mine = mine.merge(places.drop_duplicates("org_code"), on="org_code", how="left")
    mine = mine[["population", "school_year", "org_code", "region", "org_type", "of_color", "others"]]
    keys = ["population", "school_year", "org_code"]
    kept = blocks[["population", "school_year", "org_code", "region", "org_type", "of_color", "others"]]
    kept = kept.merge(mine[keys], on=keys, how="left", indicator=True)
    kept = kept[kept["_merge"] == "left_only"].drop(columns="_merge")
    years = set(mine["school_year"])
    kept = kept[kept["school_year"].isin(years)]
    out = pd.concat([kept, mine.dropna(subset=["of_color", "others"])], ignore_index=True)
    return out[(out["of_color"] + out["others"]) > 0].reset_index(drop=True)


def _members_publishable(
    con: duckdb.DuckDBPyConnection, checked: CheckedUpload, state: pd.DataFrame
) -> tuple[pd.DataFrame, list[str]]:
    """An AMSEL list's statewide members now → after, only where the pages show the members now and would
    show them after saving (a list replaces its year whole)."""
    shown_now = equity.network_by_year(con, metrics.ALL)
    shown_now = shown_now[shown_now["measure"] == "members"].set_index("school_year")
    facts = checked.facts
    after = facts.assign(
        org_code=facts["org_code"].where(
            facts["org_code"].notna(), "outside: " + facts["outside_school"].astype(str)
        )
    )
    places = metrics.run_query(con, "organization_places")
    after = after.merge(places, on="org_code", how="left")
    after["region"] = after["region"].fillna(definitions.OUTSIDE_DESE_REGION)
    after["org_type"] = after["org_type"].fillna(definitions.INDEPENDENT)
    after = after.groupby(["school_year", "org_code", "region", "org_type"], as_index=False)["members"].sum()
    after["members"] = after["members"].astype(float)
    blocks = releases.network_member_blocks(after) if len(after) else after
    state = state.copy()
    notes = []
    for i, r in state.iterrows():
        year = r["school_year"]
        now_ok = year in shown_now.index and not bool(shown_now.loc[year, SUPPRESSED])
        in_year = (blocks["school_year"] == year).to_numpy() if len(blocks) else np.zeros(0, bool)
        shown = tabulate(blocks, in_year, keys=["school_year"], figures=["members"]) if len(blocks) else None
        after_ok = shown is not None and len(shown) and not bool(shown[SUPPRESSED].iloc[0])
        if not (now_ok and after_ok):
            state.loc[i, ["total_now", "total_after"]] = np.nan
            notes.append(
                f"{year}: the number of AMSEL members is not previewed — the pages do not show it "
                + ("now" if not now_ok else "after this list")
                + f" (fewer than {THRESHOLD} members, or a group someone could work out)."
            )
    return state, notes


def coverage_notes(con: duckdb.DuckDBPyConnection, checked: CheckedUpload) -> tuple[list[str], set[str]]:
    """What the upload does to each school year's coverage ('This adds 2025-26 for 1 organization; the
    statewide figure for 2025-26 stays partial until more report (1 of 322 expected organizations after
    this file).'), and the years that will still be partial after it. Who is expected comes from
    analytics/coverage.py, as for the pages."""
    kind, facts = checked.kind, checked.facts
    job_classes = tuple(sorted(facts["job_class"].unique())) if _by_job_class(kind) else ()
    reporting = organizations_reporting(con, kind.table, job_classes)
    notes, partial = [], set()
    for year, in_year in facts.groupby("school_year", sort=True):
        orgs = set(in_year["org_code"])
        # Per population the file covers; the one with the most organizations expected speaks for the year.
        populations = in_year["job_class"].unique() if _by_job_class(kind) else [STUDENTS]
        wanted, now = max((reporting.lists(p, year) for p in populations), key=lambda lists: len(lists[0]))
        if not wanted:
            continue
        after = now | (orgs & wanted)
        word = "organization" if len(orgs) == 1 else "organizations"
        verb = "updates" if orgs & now else "adds"
        if not is_complete(len(after), len(wanted)):
            partial.add(year)
            notes.append(
                f"This {verb} {year} for {len(orgs):,} {word}; the statewide figure for {year} stays partial "
                f"until more report ({len(after):,} of {len(wanted):,} expected organizations after this file)."
            )
        elif not is_complete(len(now), len(wanted)):
            notes.append(
                f"With this file {year} is complete: {len(after):,} of {len(wanted):,} expected organizations."
            )
    return notes, partial


def _rows_written(con: duckdb.DuckDBPyConnection, checked: CheckedUpload) -> UploadPreview:
    """A report by student group: per organization and school year, the rows (student groups) it writes, and
    the uploads whose rows it replaces. Nothing statewide: its figures reach the pages through the same
    privacy and coverage rules as every other figure, and a file's own rows are no statewide figure."""
    kind, facts = checked.kind, checked.facts
    with cursor(con) as cur, registered(cur, "incoming_facts", facts):
        replaces = cur.execute(kind_sql("upload_replaces", kind)).df()
    written = facts.groupby(["org_code", "school_year"], as_index=False, sort=True).size()
    written = written.rename(columns={"size": "rows"})
    names = known_organizations(con)
    written.insert(1, "name", written["org_code"].map(names))
    empty = pd.DataFrame(columns=["school_year", "total_now", "total_after"])
    return UploadPreview(written, empty, (), replaces)


def _written_without_orgs(checked: CheckedUpload) -> pd.DataFrame:
    """For lists previewed statewide only: rows written per organization and year."""
    columns = [checked.kind.org_column, checked.kind.year_column]
    return checked.facts.groupby(columns, as_index=False).size().rename(columns={"size": "rows"})


def written_table(preview: UploadPreview, kind_name: str) -> pd.DataFrame:
    """The per-organization preview as the Upload page shows it: its headings, and for people counted by
    race each figure written as the pages write it ("26", "8.6%"), with words where there is none: "not
    reported" (nothing counts for that organization and year yet) or "not shown" (the pages show that
    figure only within a larger group). Never "None", never a blank a reader could take for 0."""
    frame, kind = preview.written, FACT_KINDS[kind_name]
    if kind.preview.style == "rows written":
        return frame.rename(
            columns={"name": "Organization", "org_code": "Code", "school_year": "School year", "rows": "Rows"}
        )[["Organization", "Code", "School year", "Rows"]]
    if "scope" in frame or "total_now" not in frame:
        return frame
    unit = kind.preview.figures[0]
    hidden = (
        frame["now_hidden"].fillna(False).astype(bool)
        if "now_hidden" in frame
        else pd.Series(False, index=frame.index)
    )
    missing = hidden.map({True: NOT_SHOWN, False: NOT_REPORTED})

    def figures(values: pd.Series, write, none: pd.Series | str) -> pd.Series:
        written = values.map(lambda v: None if pd.isna(v) else write(v))
        return written.where(written.notna(), none).astype(str)

    out = pd.DataFrame(
        {
            "Organization": frame["name"],
            "Code": frame["org_code"],
            "School year": frame["school_year"],
            "Job class": frame["job_class"],
            f"{unit} now": figures(frame["total_now"], formats.people, missing),
            f"{unit} after": figures(frame["total_after"], formats.people, NOT_REPORTED),
            # A share of no one (a total of 0) is "—"; a share with no total is as its total.
            "Share of color now": figures(
                frame["share_now"],
                formats.percent,
                missing.where(frame["total_now"].isna(), formats.NOT_SHOWN),
            ),
            "Share of color after": figures(frame["share_after"], formats.percent, formats.NOT_SHOWN),
        }
    )
    return out if _by_job_class(kind) else out.drop(columns="Job class")
