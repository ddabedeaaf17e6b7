"""The warehouse's schema: the numbered migrations in analytics/migrations, and bringing a warehouse up to
date with them."""

from __future__ import annotations

import duckdb

from analytics import ducklake
from analytics.paths import MIGRATIONS_DIR
from analytics.sql_files import sql
from analytics.writes import bump_data_version, one_change, write_attempts


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every file in migrations/, in order."""
    found = []
    for f in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql")):
        found.append((int(f.name[:3]), f.stem, f.read_text()))
    return found


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest migration applied, 0 for an empty database."""
    if not con.execute(sql("schema_version_table_exists")).fetchall()[0][0]:
        return 0
    return con.execute(sql("schema_version")).fetchall()[0][0]


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations not yet recorded, each in its own transaction; return the versions applied.

    Each migration also counts as a write (it bumps the data version: what a query returns may change with
    the schema). So where several servers start on one shared warehouse at once, two applying the same
    migration conflict at commit, and the one told to try again finds it applied (`write_attempts`)."""
    lake = ducklake.is_lake(con)

    def runnable(name: str, text: str) -> str:
        return ducklake.migration_text(name, text) if lake else text

    for attempt in write_attempts(con):
        with attempt:
            con.execute(runnable("schema_version_table_create", sql("schema_version_table_create")))
    with one_change(con):  # (the blocks of the data are kept once, on the schema it ends with)
        return _apply(con, runnable)


def _apply(con: duckdb.DuckDBPyConnection, runnable) -> list[int]:
    applied = []
    for version, name, text in migrations():
        # Every migration not yet recorded, not only those above the highest: numbers are handed out ahead
        # (003 may land after 004 was applied somewhere), and each must still run once.
        for attempt in write_attempts(con):
            ran = False
            with attempt:
                done = {row[0] for row in con.execute(sql("migrations_applied")).fetchall()}
                if version not in done:
                    con.execute(runnable(name, text))
                    con.execute(sql("migration_record"), {"version": version, "name": name})
                    bump_data_version(con)
                    ran = True
        if ran:
            applied.append(version)
    return applied
