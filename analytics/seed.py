"""Getting a warehouse ready: the organizations table, and the bundled sample data on first run."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from analytics import access, kept, releases
from analytics.contracts import ORGANIZATIONS, UploadKind, kind_for_table
from analytics.sample import SAMPLE_DIR, SAMPLE_FILES
from analytics.sample_workforce import ORGANIZATIONS_FILE
from analytics.sql_files import sql
from analytics.store import SavedUpload, save_upload, sha256_of
from analytics.warehouse import is_empty
from analytics.writes import bump_data_version, one_change, write_attempts

SAMPLE_UPLOADER = "sample data generator"
_PANDAS_TYPES = {"VARCHAR": "string", "DOUBLE": "float64", "INTEGER": "Int64", "BOOLEAN": "boolean"}


def read_typed_csv(kind: UploadKind, path: Path) -> pd.DataFrame:
    """A CSV already in the warehouse's long form (the project's own files), typed by the contract."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    out = pd.DataFrame(index=frame.index)
    for col in kind.columns:
        values = (
            frame[col.name].replace({"": None}) if col.name in frame else pd.Series(None, index=frame.index)
        )
        if col.dtype == "BOOLEAN":
            values = values.map({"True": True, "False": False, "true": True, "false": False, None: None})
        out[col.name] = values.astype(_PANDAS_TYPES[col.dtype])
    return out


def ensure_organizations(con: duckdb.DuckDBPyConnection, path: Path = ORGANIZATIONS_FILE) -> int:
    """Load the project's organizations table if the warehouse has none yet; return organizations added."""
    if con.execute(sql("organizations_count")).fetchall()[0][0]:
        return 0
    orgs = read_typed_csv(ORGANIZATIONS, path)
    saved = save_upload(
        con,
        ORGANIZATIONS,
        orgs,
        file_name=path.name,
        sha256=sha256_of(path.read_bytes()),
        actor=access.system("project reference table"),
        new_organizations=orgs,
        description="Massachusetts districts (DESE codes) with type and region",
    )
    return saved.new_organizations


def seed_sample(
    con: duckdb.DuckDBPyConnection, directory: Path = SAMPLE_DIR, *, actor: access.Actor | None = None
) -> list[SavedUpload]:
    """Load the bundled sample files, one upload each, marked as sample data: as `actor` (the command line's
    operator who asked for it), else as the dashboard itself loading it on first run."""
    actor = actor or access.system(SAMPLE_UPLOADER)
    ensure_organizations(con)
    saved = []
    for name in SAMPLE_FILES:
        kind = kind_for_table(name)
        path = directory / f"{name}.csv"
        saved.append(
            save_upload(
                con,
                kind,
                read_typed_csv(kind, path),
                file_name=f"sample/{path.name}",
                sha256=sha256_of(path.read_bytes()),
                actor=actor,
                is_sample=True,
                description=f"Synthetic sample data: {kind.title}",
                # The sample covers every organization: its lists are what coverage is measured against.
                covers_state=kind.table in ("staffing", "enrollment"),
            )
        )
    return saved


FIRST_RELEASE = "first release of the dashboard"


def ensure_ready(con: duckdb.DuckDBPyConnection) -> bool:
    """On first run (nothing loaded yet), load organizations and the sample data; True if it seeded. Where
    several servers start at once on one empty shared warehouse, only the one whose claim commits loads it
    (the others' claims conflict with it and, tried again, find it claimed): never the sample twice.

    A warehouse with figures but no release yet (the sample just loaded, or a warehouse from before
    releases) gets its first release, so viewers see what is loaded until a DESE reviewer releases more."""
    with one_change(con):
        seeded = is_empty(con) and _claim_first_load(con)
        if seeded:
            seed_sample(con)
        if not is_empty(con) and releases.latest_release(con) is None:
            releases.publish(con, actor=access.system(FIRST_RELEASE))
    # The cut blocks of the data as it is, if the writer that changed it last did not keep them (a warehouse
    # from before they were kept, or kept by another version of the dashboard): kept once, on this start.
    kept.keep(con)
    return seeded


def _claim_first_load(con: duckdb.DuckDBPyConnection) -> bool:
    """True for the one caller that claims the first load. (The claim bumps the data version, so two claims
    at once conflict: one is tried again and finds the other's.)"""
    for attempt in write_attempts(con):
        with attempt:
            claimed = bool(con.execute(sql("first_load_claimed")).fetchall()[0][0])
            if not claimed:
                con.execute(sql("first_load_claim"))
                bump_data_version(con)
    return not claimed
