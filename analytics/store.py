"""Writing to the warehouse: save a checked upload in one transaction, roll uploads back and restore them.

Everything here is all-or-nothing: a failure anywhere leaves the warehouse exactly as it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from analytics.contracts import ALL_KINDS, ORGANIZATIONS, UploadKind
from analytics.warehouse import bump_data_version, registered, transaction


class UploadNotFound(LookupError):
    """No upload has that id."""


@dataclass(frozen=True)
class SavedUpload:
    """What a save wrote."""

    upload_id: int
    kind: str
    rows: int
    organizations: int
    school_years: tuple[str, ...]
    new_organizations: int


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
    uploaded_by: str,
    new_organizations: pd.DataFrame | None = None,
    is_sample: bool = False,
    description: str = "",
    covers_state: bool = False,
) -> SavedUpload:
    """Write one upload: its log row, any organizations it introduces, and its facts, in one transaction.

    `facts` holds exactly the contract's columns, already checked. `new_organizations` (org_code, name,
    org_type, region) are added if not yet known. `covers_state` marks a statewide file: its organizations
    are the list its school years' coverage is measured against (analytics/coverage.py).
    """
    facts = facts[kind.column_names]
    with transaction(con):
        upload_id = con.execute("SELECT nextval('upload_id_seq')").fetchall()[0][0]
        con.execute(
            "INSERT INTO uploads (upload_id, kind, file_name, sha256, row_count, uploaded_by, uploaded_at, "
            "status, is_sample, description, covers_state) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)",
            [
                upload_id,
                kind.table,
                file_name,
                sha256,
                len(facts),
                uploaded_by,
                datetime.now(),
                is_sample,
                description,
                covers_state,
            ],
        )
        con.execute("INSERT INTO upload_events VALUES (?, 'saved', ?, now())", [upload_id, uploaded_by])
        added = 0
        if new_organizations is not None and len(new_organizations):
            added = _add_organizations(con, new_organizations, upload_id, replace=kind is ORGANIZATIONS)
        if kind is not ORGANIZATIONS:
            cols = ", ".join(kind.column_names)
            with registered(con, "incoming_facts", facts):
                con.execute(
                    f"INSERT INTO {kind.table} (upload_id, {cols}) SELECT ?, {cols} FROM incoming_facts",
                    [upload_id],
                )
            refresh_current(con, kind, upload_id, just_saved=True)
            refresh_statuses(con, kind)
        bump_data_version(con)
    orgs, years = _scope(facts)
    return SavedUpload(upload_id, kind.name, len(facts), orgs, years, added)


def _scope(facts: pd.DataFrame) -> tuple[int, tuple[str, ...]]:
    org_col = "org_code" if "org_code" in facts else "home_org_code" if "home_org_code" in facts else None
    orgs = facts[org_col].nunique() if org_col else 0
    year_col = "school_year" if "school_year" in facts else "start_year" if "start_year" in facts else None
    years = tuple(sorted(facts[year_col].dropna().unique())) if year_col else ()
    return int(orgs), years


def _add_organizations(con, orgs: pd.DataFrame, upload_id: int, *, replace: bool) -> int:
    """Insert organizations not yet known (or, for an organizations upload, replace their details)."""
    with registered(con, "incoming_orgs", orgs[["org_code", "name", "org_type", "region"]]):
        before = con.execute("SELECT count(*) FROM organizations").fetchall()[0][0]
        if replace:
            con.execute(
                "INSERT OR REPLACE INTO organizations "
                "SELECT org_code, name, org_type, region, ? FROM incoming_orgs",
                [upload_id],
            )
        else:
            con.execute(
                "INSERT INTO organizations SELECT org_code, name, org_type, region, ? FROM incoming_orgs "
                "WHERE org_code NOT IN (SELECT org_code FROM organizations)",
                [upload_id],
            )
        after = con.execute("SELECT count(*) FROM organizations").fetchall()[0][0]
    return after - before


def refresh_current(
    con: duckdb.DuckDBPyConnection, kind: UploadKind, upload_id: int, *, just_saved: bool = False
) -> None:
    """Bring current_<table> up to date for the keys `upload_id` covers (call inside the writing
    transaction, after saving, rolling back or restoring it): for each such key, the rows of the newest
    live upload that has it. Other keys cannot have changed, so they are left alone."""
    table, keys = kind.table, ", ".join(kind.key)
    # Rows go in sorted by what queries pick first (a job class, else the key), so that DuckDB's min/max per
    # row group lets a query skip most of the table. (Sorting staffing by job class alone costs a third of
    # a sort on all four columns and skips as much.)
    order = "job_class" if kind.table == "staffing" else keys
    matches = " AND ".join(f"c.{k} = covered.{k}" for k in kind.key)
    # Identifiers come from the contract, never from a file; the upload id goes in as a parameter.
    con.execute(
        f"""
        DELETE FROM current_{table} c
        USING (SELECT DISTINCT {keys} FROM {table} WHERE upload_id = $upload_id) covered
        WHERE {matches}
        """,
        {"upload_id": upload_id},
    )
    if just_saved:  # the newest upload of all: every key it covers is its own
        con.execute(
            f"INSERT INTO current_{table} SELECT * FROM {table} WHERE upload_id = ? ORDER BY {order}",
            [upload_id],
        )
        return
    con.execute(
        f"""
        INSERT INTO current_{table}
        WITH covered AS (
            SELECT DISTINCT {keys} FROM {table} WHERE upload_id = $upload_id
        ),
        live AS (
            SELECT f.* FROM {table} f
            SEMI JOIN live_uploads u ON u.upload_id = f.upload_id
            SEMI JOIN covered USING ({keys})
        ),
        newest AS (
            SELECT {keys}, max(upload_id) AS upload_id FROM live GROUP BY ALL
        ),
        final AS (
            SELECT live.* FROM live JOIN newest USING ({keys}, upload_id)
        )
        SELECT * FROM final ORDER BY {order}
        """,
        {"upload_id": upload_id},
    )


def refresh_statuses(con: duckdb.DuckDBPyConnection, kind: UploadKind) -> None:
    """Mark each live upload of `kind` active if any of its rows still count, else superseded."""
    con.execute(
        f"""
        UPDATE uploads SET status = CASE
            WHEN upload_id IN (SELECT DISTINCT upload_id FROM current_{kind.table}) THEN 'active'
            ELSE 'superseded' END
        WHERE kind = ? AND status <> 'rolled back'
        """,
        [kind.table],
    )


def _set_standing(con, upload_id: int, *, rolled_back: bool, who: str) -> str:
    rows = con.execute("SELECT kind, status FROM uploads WHERE upload_id = ?", [upload_id]).fetchall()
    row = rows[0] if rows else None
    if row is None:
        raise UploadNotFound(f"There is no upload number {upload_id}.")
    kind = next(k for k in ALL_KINDS.values() if k.table == row[0])
    if kind is ORGANIZATIONS:
        raise ValueError("The organizations list cannot be rolled back; load a corrected list instead.")
    if rolled_back == (row[1] == "rolled back"):
        return row[1]
    with transaction(con):
        con.execute(
            "UPDATE uploads SET status = ? WHERE upload_id = ?",
            ["rolled back" if rolled_back else "active", upload_id],
        )
        con.execute(
            "INSERT INTO upload_events VALUES (?, ?, ?, now())",
            [upload_id, "rolled back" if rolled_back else "restored", who],
        )
        refresh_current(con, kind, upload_id)
        refresh_statuses(con, kind)
        bump_data_version(con)
    return con.execute("SELECT status FROM uploads WHERE upload_id = ?", [upload_id]).fetchall()[0][0]


def rollback_upload(con: duckdb.DuckDBPyConnection, upload_id: int, *, who: str = "unknown") -> str:
    """Stop counting an upload's facts (the upload it superseded counts again); returns its new status."""
    return _set_standing(con, upload_id, rolled_back=True, who=who)


def restore_upload(con: duckdb.DuckDBPyConnection, upload_id: int, *, who: str = "unknown") -> str:
    """Undo a rollback: the upload counts again wherever it is the newest; returns its new status."""
    return _set_standing(con, upload_id, rolled_back=False, who=who)


def upload_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every upload, newest first: id, kind, file, rows, who, when, status, sample or not."""
    return con.execute(
        """
        SELECT upload_id, kind, file_name, row_count AS rows, uploaded_by, uploaded_at, status,
               is_sample, description
        FROM uploads ORDER BY upload_id DESC
        """
    ).df()
