"""Writing to the warehouse: save a checked upload in one transaction, roll uploads back and restore them.

Everything here is all-or-nothing: a failure anywhere leaves the warehouse exactly as it was. Every statement
is a file in analytics/sql; what counts now (the newest live upload per key wins) is written once, in
current_rows_newest_live.sql.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from analytics import access
from analytics.access import Actor, NotAllowed
from analytics.contracts import ORGANIZATIONS, STAFFING, UploadKind, kind_for_table
from analytics.sql_files import kind_sql, sql
from analytics.warehouse import registered
from analytics.writes import bump_data_version, next_id, write_attempts

# What the uploads log accepts (migration 007 checks the same; tests/test_warehouse.py holds them together).
# `uploads.kind` holds the table an upload filled (contracts.kind_for_table gives its kind back). Only
# active and superseded uploads are live (their rows may count); a pending one waits for a DESE reviewer.
UPLOAD_STATUSES = ("pending", "active", "superseded", "rolled back", "rejected", "withdrawn")
LIVE_STATUSES = ("active", "superseded")


class UploadNotFound(LookupError):
    """No upload has that id."""


@dataclass(frozen=True)
class SavedUpload:
    """What a save wrote."""

    upload_id: int
    kind_name: str  # as the CLI and the page name it: staffing, equity-leaders, ...
    rows: int
    organizations: int
    school_years: tuple[str, ...]
    new_organizations: int
    pending: bool = False  # waiting for a DESE reviewer: counts nowhere yet


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of a file's bytes (recorded with each upload)."""
    return hashlib.sha256(data).hexdigest()


def save_upload(
    con: duckdb.DuckDBPyConnection,
    kind: UploadKind,
    facts: pd.DataFrame,
    *,
    file_name: str,
    sha256: str,
    actor: Actor,
    new_organizations: pd.DataFrame | None = None,
    is_sample: bool = False,
    description: str = "",
    covers_state: bool = False,
) -> SavedUpload:
    """Write one upload: its log row, any organizations it introduces, and its facts, in one transaction.

    `facts` holds exactly the contract's columns, already checked. `new_organizations` (org_code, name,
    org_type, region) are added if not yet known. `covers_state` marks a statewide file: its organizations
    are the list its school years' coverage is measured against (analytics/coverage.py).

    `actor` must be allowed to upload it (analytics/access.py: a district only for its own organizations);
    a district's upload is saved as pending, counting nowhere until a DESE reviewer approves it, unless
    review is off.
    """
    facts = facts[kind.column_names]
    org_codes = sorted({c for col in kind.org_code_columns for c in facts[col].dropna().unique()})
    if kind is ORGANIZATIONS:
        access.require_dese(actor, "load the organizations list")
    else:
        access.require_upload(actor, kind.name, org_codes, covers_state=covers_state)
    pending = access.needs_review(actor)
    for attempt in write_attempts(con):
        with attempt:
            upload_id = next_id(con, "upload_id")
            con.execute(
                sql("upload_record"),
                {
                    "upload_id": upload_id,
                    "kind": kind.table,
                    "file_name": file_name,
                    "sha256": sha256,
                    "row_count": len(facts),
                    "uploaded_by": actor.recorded_as,
                    "uploaded_at": datetime.now(),
                    "status": "pending" if pending else "active",
                    "is_sample": is_sample,
                    "description": description,
                    "covers_state": covers_state,
                    "org_codes": org_codes if kind is not ORGANIZATIONS else [],
                    "district_upload": not actor.is_dese,
                },
            )
            access.record(
                con,
                actor,
                "submitted" if pending else "saved",
                upload_id=upload_id,
                detail=f"{kind.name} “{file_name}”, {len(facts):,} row{'s' if len(facts) != 1 else ''}"
                + (", waiting for review" if pending else ""),
            )
            added = 0
            if new_organizations is not None and len(new_organizations):
                added = _add_organizations(con, new_organizations, upload_id, replace=kind is ORGANIZATIONS)
            if kind is not ORGANIZATIONS:
                with registered(con, "incoming_facts", facts):
                    con.execute(kind_sql("upload_facts_add", kind), {"upload_id": upload_id})
                if not pending:
                    refresh_current(con, kind, upload_id, just_saved=True)
                    refresh_statuses(con, kind)
            bump_data_version(con)
    orgs = int(facts[kind.org_column].nunique())
    years = tuple(sorted(facts[kind.year_column].dropna().unique())) if kind.year_column else ()
    return SavedUpload(upload_id, kind.name, len(facts), orgs, years, added, pending)


def _add_organizations(con, orgs: pd.DataFrame, upload_id: int, *, replace: bool) -> int:
    """Insert organizations not yet known (or, for an organizations upload, replace their details)."""
    with registered(con, "incoming_orgs", orgs[["org_code", "name", "org_type", "region"]]):
        before = con.execute(sql("organizations_count")).fetchall()[0][0]
        query = "organizations_replace" if replace else "organizations_add_new"
        con.execute(sql(query), {"upload_id": upload_id})
        after = con.execute(sql("organizations_count")).fetchall()[0][0]
    return after - before


# Rows go into current_<table> sorted by what queries pick first (a job class, else the key), so that
# DuckDB's min/max per row group lets a query skip most of the table. (Sorting staffing by job class alone
# costs a third of a sort on all four columns and skips as much.)
_CURRENT_ORDER = {STAFFING.table: ("job_class",)}


def refresh_current(
    con: duckdb.DuckDBPyConnection, kind: UploadKind, upload_id: int, *, just_saved: bool = False
) -> None:
    """Bring current_<table> up to date for the keys `upload_id` covers (call inside the writing
    transaction, after saving, rolling back or restoring it): for each such key, the rows of the newest
    live upload that has it (analytics/sql/current_rows_newest_live.sql). Other keys cannot have changed,
    so they are left alone."""
    order = _CURRENT_ORDER.get(kind.table, kind.replacement_key)
    params = {"upload_id": upload_id}
    con.execute(kind_sql("current_rows_forget_covered", kind), params)
    # An upload just saved is the newest of all: every key it covers is its own, no search needed.
    rule = "current_rows_of_upload" if just_saved else "current_rows_newest_live"
    con.execute(kind_sql(rule, kind, order=order), params)


def refresh_statuses(con: duckdb.DuckDBPyConnection, kind: UploadKind) -> None:
    """Mark each live upload of `kind` active if any of its rows still count, else superseded."""
    con.execute(kind_sql("upload_statuses_refresh", kind), {"kind": kind.table})


def _upload(con, upload_id: int) -> dict:
    rows = con.execute(sql("upload_kind_and_status"), {"upload_id": upload_id}).fetchall()
    if not rows:
        raise UploadNotFound(f"There is no upload number {upload_id}.")
    table, status, org_codes, district_upload = rows[0]
    return {
        "kind": kind_for_table(table),
        "status": status,
        "org_codes": org_codes,
        "district_upload": district_upload,
    }


def _set_standing(con, upload_id: int, *, rolled_back: bool, actor: Actor) -> str:
    upload = _upload(con, upload_id)
    kind, status = upload["kind"], upload["status"]
    if rolled_back:
        if not actor.may_upload:
            access.require_dese(actor, "roll back uploads")
        if not (actor.is_dese or actor.owns(upload["org_codes"], upload["district_upload"])):
            raise NotAllowed(
                f"Upload {upload_id} is not one of your district's uploads; only DESE can roll it back."
            )
    else:
        access.require_dese(actor, "restore a rolled-back upload")
    if kind is ORGANIZATIONS:
        raise ValueError("The organizations list cannot be rolled back; load a corrected list instead.")
    if status not in (*LIVE_STATUSES, "rolled back"):
        raise ValueError(
            f"Upload {upload_id} is {status}: it has never counted, so there is nothing to "
            + ("roll back." if rolled_back else "restore.")
        )
    if rolled_back == (status == "rolled back"):
        return status
    for attempt in write_attempts(con):
        with attempt:
            new_status = "rolled back" if rolled_back else "active"
            con.execute(sql("upload_status_set"), {"status": new_status, "upload_id": upload_id})
            access.record(con, actor, "rolled back" if rolled_back else "restored", upload_id=upload_id)
            refresh_current(con, kind, upload_id)
            refresh_statuses(con, kind)
            bump_data_version(con)
    return _upload(con, upload_id)["status"]


def rollback_upload(con: duckdb.DuckDBPyConnection, upload_id: int, *, actor: Actor) -> str:
    """Stop counting an upload's facts (the upload it superseded counts again); returns its new status.
    DESE may roll back any upload, a district its own."""
    return _set_standing(con, upload_id, rolled_back=True, actor=actor)


def restore_upload(con: duckdb.DuckDBPyConnection, upload_id: int, *, actor: Actor) -> str:
    """Undo a rollback (DESE only): the upload counts again wherever it is the newest; returns its new
    status."""
    return _set_standing(con, upload_id, rolled_back=False, actor=actor)


def review_upload(
    con: duckdb.DuckDBPyConnection, upload_id: int, *, approve: bool, note: str = "", actor: Actor
) -> str:
    """A DESE reviewer's decision on a pending upload: approved, it counts from now on (where it is the
    newest upload of a key); rejected, it never counts, and the district sees the note (a rejection needs
    one). Returns the upload's new status."""
    access.require_dese(actor, "approve or reject uploads")
    note = access.clean_text(note, access.NOTE_LIMIT)
    if not approve and not note:
        raise ValueError("Say why the upload is rejected: the district sees the note.")
    upload = _upload(con, upload_id)
    if upload["status"] != "pending":
        raise ValueError(f"Upload {upload_id} is not waiting for review (it is {upload['status']}).")
    kind = upload["kind"]
    for attempt in write_attempts(con):
        with attempt:
            con.execute(
                sql("upload_review_set"),
                {
                    "status": "active" if approve else "rejected",
                    "note": note or None,
                    "who": actor.recorded_as,
                    "upload_id": upload_id,
                },
            )
            access.record(con, actor, "approved" if approve else "rejected", upload_id=upload_id, detail=note)
            if approve:
                refresh_current(con, kind, upload_id)
                refresh_statuses(con, kind)
            bump_data_version(con)
    return _upload(con, upload_id)["status"]


def withdraw_upload(con: duckdb.DuckDBPyConnection, upload_id: int, *, actor: Actor) -> str:
    """A district takes back its own upload while it waits for review; it will never count."""
    upload = _upload(con, upload_id)
    if not (actor.may_upload and actor.owns(upload["org_codes"], upload["district_upload"])):
        raise NotAllowed(f"Upload {upload_id} is not one of your district's uploads; you cannot withdraw it.")
    if upload["status"] != "pending":
        raise ValueError(f"Upload {upload_id} is not waiting for review (it is {upload['status']}).")
    for attempt in write_attempts(con):
        with attempt:
            con.execute(
                sql("upload_review_set"),
                {"status": "withdrawn", "note": None, "who": actor.recorded_as, "upload_id": upload_id},
            )
            access.record(con, actor, "withdrawn", upload_id=upload_id)
            bump_data_version(con)
    return "withdrawn"


def pending_facts(
    con: duckdb.DuckDBPyConnection, upload_id: int, *, actor: Actor
) -> tuple[UploadKind, pd.DataFrame]:
    """A pending upload's kind and facts, for the DESE reviewer deciding on it."""
    access.require_dese(actor, "review pending uploads")
    upload = _upload(con, upload_id)
    if upload["status"] != "pending":
        raise ValueError(f"Upload {upload_id} is not waiting for review (it is {upload['status']}).")
    kind = upload["kind"]
    return kind, con.execute(kind_sql("upload_facts", kind), {"upload_id": upload_id}).df()


def upload_history(con: duckdb.DuckDBPyConnection, *, actor: Actor) -> pd.DataFrame:
    """The uploads `actor` may see, newest first: id, kind, file, rows, who, when, status, sample or not,
    organizations, review note (DESE sees all; a district its own; anyone else is refused)."""
    access.require_history(actor)
    return access.visible_uploads(actor, con.execute(sql("upload_history")).df())
