"""What saving a checked upload would write and change, computed against the warehouse as it is now:
per organization and year, and the statewide figures it moves ("teachers of color, 2018-19: 8.1% → 8.3%")."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics import definitions as d
from analytics import formats, store
from analytics import metrics as m
from analytics.access import Actor
from analytics.contracts import (
    AMSEL_MEMBERS,
    ENROLLMENT,
    EQUITY_LEADERS,
    FELLOWS,
    PARTICIPATION,
    STAFFING,
    UploadKind,
)
from analytics.coverage import STUDENTS, is_complete, organizations_reporting
from analytics.ingest.check import CheckedUpload
from analytics.privacy import tabulate
from analytics.warehouse import cursor, kind_sql, registered

# How each kind's preview names its two figures.
_FIGURES = {
    PARTICIPATION.name: ("organizations taking part", "with a workforce-diversity strategy"),
    EQUITY_LEADERS.name: ("organizations with an equity-leader position", "AMSEL members"),
    FELLOWS.name: ("fellows", "fellows of color"),
    AMSEL_MEMBERS.name: ("AMSEL members", ""),
}


# Each kind's preview query (analytics/sql/upload_preview_*.sql): staffing and enrollment share one shape.
_PREVIEW_QUERIES = {
    STAFFING.name: "upload_preview_people_of_color",
    ENROLLMENT.name: "upload_preview_people_of_color",
    FELLOWS.name: "upload_preview_fellows",
    PARTICIPATION.name: "upload_preview_participation",
    EQUITY_LEADERS.name: "upload_preview_equity_leaders",
    AMSEL_MEMBERS.name: "upload_preview_amsel_members",
}


def _preview_sql(kind: UploadKind) -> str:
    """The preview query for `kind`, its slots filled from the contract: besides the key, the statewide
    period (the key without the organization) and, for people counted by race, the measure (FTE, students)."""
    slots = {"period": [k for k in kind.replacement_key if k != kind.org_column]}
    if kind.row_total is not None:
        slots["measure"] = kind.row_total.name
    return kind_sql(_PREVIEW_QUERIES[kind.name], kind, **slots)


@dataclass(frozen=True)
class UploadPreview:
    """What a save would write (per organization and year), what it changes, and what it replaces."""

    written: pd.DataFrame  # one row per organization, school year (and job class) the upload covers
    statewide: pd.DataFrame  # one row per school year (and job class): now and after
    changes: tuple[str, ...]  # the statewide changes, in words
    replaces: pd.DataFrame  # uploads whose rows would stop counting: upload_id, file_name, rows_replaced


def _group_label(job_class: str | None, kind_name: str) -> str:
    if kind_name == ENROLLMENT.name:
        return "students of color"
    if job_class is None:
        return ""
    plural = {"Staff": "staff", "Other Staff": "other staff"}.get(job_class, job_class.lower() + "s")
    return f"{plural} of color"


def preview_pending(con: duckdb.DuckDBPyConnection, upload_id: int, *, actor: Actor) -> UploadPreview | None:
    """What approving a pending upload would change, as the district saw it before saving: the same preview,
    of its stored facts against what counts now (DESE reviewers only)."""
    kind, facts = store.pending_facts(con, upload_id, actor=actor)
    return preview_upload(con, CheckedUpload(kind, f"upload {upload_id}", "", None, [], facts))


def preview_upload(con: duckdb.DuckDBPyConnection, checked: CheckedUpload) -> UploadPreview | None:
    """Compare the warehouse now with the warehouse after saving `checked`; None if it has no facts."""
    if checked.facts is None or not len(checked.facts):
        return None
    kind = checked.kind
    with cursor(con) as cur, registered(cur, "incoming_facts", checked.facts):
        params = {"people_of_color": list(d.PEOPLE_OF_COLOR), "known_races": list(d.RACES)}
        text = _preview_sql(kind)
        used = {k: val for k, val in params.items() if f"${k}" in text}
        frame = cur.execute(text, used).df()
        replaces = cur.execute(kind_sql("upload_replaces", kind)).df()
    state = frame[frame["scope"] == "state"].drop(columns=["scope", "org_code"]).reset_index(drop=True)
    per_org = frame[frame["scope"] == "organization"].drop(columns="scope").reset_index(drop=True)
    notes: list[str] = []
    if kind in (STAFFING, ENROLLMENT):
        per_org, state, hidden = _publishable(con, kind, checked.facts, per_org, state)
        coverage, partial = coverage_notes(con, checked)
        # A year that stays partial has no statewide figure to preview: its note says so instead.
        state.loc[state["school_year"].isin(partial), ["total_after", "of_color_after", "share_after"]] = (
            np.nan
        )
        notes += hidden + coverage
    elif kind is FELLOWS:
        # A newer list of a cohort replaces the older whole: "of color now → after" would give the current
        # list's count away to anyone holding the new one. Only how many Fellows is previewed.
        state[["of_color_now", "of_color_after", "share_now", "share_after"]] = np.nan
    if len(checked.new_organizations):
        named = dict(
            zip(checked.new_organizations["org_code"], checked.new_organizations["name"], strict=True)
        )
        per_org["name"] = per_org["name"].fillna(per_org["org_code"].map(named))
    changes = []
    for r in state.itertuples():
        if kind in (STAFFING, ENROLLMENT) and pd.isna(r.total_after):
            continue  # not previewed: a note below says why
        if kind in (STAFFING, ENROLLMENT):
            label = _group_label(r.job_class, kind.name)
            changes.append(
                f"{label}, {r.school_year}: {formats.percent(r.share_now)} → {formats.percent(r.share_after)} (statewide)"
            )
        elif kind in (FELLOWS, AMSEL_MEMBERS):
            changes.append(
                f"{r.school_year}: {_FIGURES[kind.name][0]} {formats.count(r.total_now)} → {formats.count(r.total_after)}"
            )
        else:
            first, second = _FIGURES[kind.name]
            changes.append(
                f"{r.school_year}: {first} {formats.count(r.total_now)} → {formats.count(r.total_after)}; "
                f"{second} {formats.count(r.of_color_now)} → {formats.count(r.of_color_after)}"
            )
    if not len(per_org):
        per_org = _written_without_orgs(checked)
    return UploadPreview(per_org, state, tuple(changes + notes), replaces)


def _publishable(
    con: duckdb.DuckDBPyConnection, kind, facts: pd.DataFrame, per_org: pd.DataFrame, state: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The preview's figures, hidden where privacy.py would hide them on the pages.

    An organization's figure now is shown only where its profile would show it (a block of its own). The
    statewide now → after is shown only where the rows the file replaces are a union of whole blocks: the
    change, minus the file's own rows (which the person uploading holds), is what those rows held, so a
    file replacing one district's superintendent must not preview the statewide change."""
    job = "job_class" if kind is STAFFING else None
    populations = tuple(sorted(facts["job_class"].unique())) if job else (m.STUDENTS,)
    years = sorted(facts["school_year"].unique())
    blocks = m.organization_blocks(con, populations, m.Filters(years[0], years[-1]))
    alone = blocks
    population = per_org["job_class"] if job else m.STUDENTS
    org_keys = per_org.assign(population=population)[["population", "school_year", "org_code"]]
    own = org_keys.merge(alone[["population", "school_year", "org_code", "alone"]], how="left")["alone"]
    hide_now = ~own.fillna(False).astype(bool).to_numpy()
    per_org = per_org.copy()
    per_org.loc[
        hide_now & per_org["total_now"].notna().to_numpy(), ["total_now", "of_color_now", "share_now"]
    ] = np.nan
    covered = facts[["school_year", "org_code", *([job] if job else [])]].drop_duplicates()
    covered = covered.rename(columns={job: "population"}) if job else covered.assign(population=m.STUDENTS)
    notes = []
    state = state.copy()
    for i, r in state.iterrows():
        pop = r["job_class"] if job else m.STUDENTS
        mine = covered[(covered["population"] == pop) & (covered["school_year"] == r["school_year"])]
        rows = (blocks["population"] == pop) & (blocks["school_year"] == r["school_year"])
        mask = (rows & blocks["org_code"].isin(mine["org_code"])).to_numpy()
        if not mask.any():
            continue  # nothing replaced: the change is the file's own rows
        replaced = tabulate(blocks, mask, keys=["population", "school_year"], figures=["of_color", "total"])
        if bool(replaced["suppressed"].iloc[0]):
            state.loc[i, ["share_after", "total_after", "of_color_after"]] = np.nan
            label = _group_label(r["job_class"], kind.name)
            notes.append(
                f"{label}, {r['school_year']}: the statewide figure after saving is not previewed — with the "
                "file's own rows it would show what the organizations it replaces hold now, a group of fewer "
                "than 6. It shows on the pages once saved."
            )
    return per_org, state, notes


def coverage_notes(con: duckdb.DuckDBPyConnection, checked: CheckedUpload) -> tuple[list[str], set[str]]:
    """What the upload does to each school year's coverage ('This adds 2025-26 for 1 organization; the
    statewide figure for 2025-26 stays partial until more report (1 of 322 expected organizations after
    this file).'), and the years that will still be partial after it. Who is expected comes from
    analytics/coverage.py, as for the pages."""
    kind, facts = checked.kind, checked.facts
    job_classes = tuple(sorted(facts["job_class"].unique())) if kind is STAFFING else ()
    reporting = organizations_reporting(con, kind.table, job_classes)
    notes, partial = [], set()
    for year, in_year in facts.groupby("school_year", sort=True):
        orgs = set(in_year["org_code"])
        # Per population the file covers; the one with the most organizations expected speaks for the year.
        populations = in_year["job_class"].unique() if kind is STAFFING else [STUDENTS]
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


def _written_without_orgs(checked: CheckedUpload) -> pd.DataFrame:
    """For lists previewed statewide only: rows written per organization and year."""
    columns = [checked.kind.org_column, checked.kind.year_column]
    return checked.facts.groupby(columns, as_index=False).size().rename(columns={"size": "rows"})


def written_table(preview: UploadPreview, kind_name: str) -> pd.DataFrame:
    """The per-organization preview with the headings the Upload page shows (numbers stay numbers)."""
    frame = preview.written
    if "scope" in frame or "total_now" not in frame:
        return frame
    unit = "students" if kind_name == ENROLLMENT.name else "FTE"
    out = pd.DataFrame(
        {
            "Organization": frame["name"],
            "Code": frame["org_code"],
            "School year": frame["school_year"],
            "Job class": frame["job_class"],
            f"{unit} now": frame["total_now"],
            f"{unit} after": frame["total_after"],
            "Share of color now": frame["share_now"],
            "Share of color after": frame["share_after"],
        }
    )
    return out.drop(columns="Job class") if kind_name == ENROLLMENT.name else out
