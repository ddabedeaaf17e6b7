"""The DuckDB warehouse: where it lives, opening it, numbered migrations, and the one SQL-file loader."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "warehouse.duckdb"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQL_DIR = Path(__file__).resolve().parent / "sql"


def default_db_path() -> Path:
    """The warehouse file: $DASHBOARD_DB if set, else data/warehouse.duckdb in the project."""
    env = os.environ.get("DASHBOARD_DB")
    return Path(env) if env else DEFAULT_DB


# The warehouse is attached under this name, whatever its file is called; every cursor must `USE` it
# (take cursors with `cursor()` below, never `con.cursor()`).
CATALOG = "warehouse"
# Rows per row group in the warehouse file (DuckDB's default is 122,880). DuckDB writes an insert of at
# least one row group straight into the file as it runs, so the commit logs only where the rows went and the
# checkpoint has next to nothing to copy; a smaller insert goes through the write-ahead log and is copied
# again at the checkpoint. At 16,384 a 90,000-row save (a statewide staffing file, into two tables) takes
# 0.14 s from insert to checkpoint instead of 0.39 s; pages read no slower (see bench/results.md).
# It is an option of the connection, not stored in the file: row groups already written keep their size.
ROW_GROUP_SIZE = 16_384


def connect(path: str | Path | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if missing) the warehouse at `path` and bring its schema up to date.

    The file is attached to a DuckDB instance named after it, so that every connection to one file in this
    process shares one instance (a second instance could not open the file), as `duckdb.connect(file)` would;
    the file is closed, and checkpointed, when the last of them closes. A read-only request for a file this
    process already has open for writing shares that instance."""
    path = Path(path) if path is not None else default_db_path()
    in_memory = str(path) == ":memory:"
    options = [] if in_memory else [f"ROW_GROUP_SIZE {ROW_GROUP_SIZE}"]
    if read_only:
        options.append("READ_ONLY")
    if in_memory:
        con = duckdb.connect(":memory:")  # each in-memory warehouse is its own
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        instance = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:16]
        con = duckdb.connect(f":memory:{instance}")
    try:
        quoted = "'" + str(path).replace("'", "''") + "'"
        con.execute(
            f"ATTACH IF NOT EXISTS {quoted} AS {CATALOG}" + (f" ({', '.join(options)})" if options else "")
        )
        con.execute(f"USE {CATALOG}")
        if not read_only:
            migrate(con)
    except BaseException:
        con.close()
        raise
    return con


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A new cursor on `con`, on the warehouse (a bare `con.cursor()` starts in DuckDB's empty in-memory
    catalog, where no warehouse table is found)."""
    cur = con.cursor()
    cur.execute(f"USE {CATALOG}")
    return cur


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every file in migrations/, in order."""
    found = []
    for f in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql")):
        found.append((int(f.name[:3]), f.stem, f.read_text()))
    return found


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest migration applied, 0 for an empty database."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations not yet recorded, each in its own transaction; return the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    # Every migration not yet recorded, not only those above the highest: numbers are handed out ahead
    # (003 may land after 004 was applied somewhere), and each must still run once.
    done = {row[0] for row in con.execute("SELECT version FROM schema_version").fetchall()}
    applied = []
    for version, name, sql in migrations():
        if version in done:
            continue
        with transaction(con):
            con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, name])
        applied.append(version)
    return applied


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT, or ROLLBACK on any exception: all of it or none of it."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame) -> Iterator[str]:
    """Expose a DataFrame to SQL as `name` for the duration of the block."""
    con.register(name, frame)
    try:
        yield name
    finally:
        # After a failed statement the transaction refuses all work until ROLLBACK; the registration is
        # connection-local and is replaced on the next use, so it is safe to leave it then.
        with suppress(duckdb.Error):
            con.unregister(name)


@cache
def sql(name: str) -> str:
    """The text of analytics/sql/<name>.sql (one query per file)."""
    return (SQL_DIR / f"{name}.sql").read_text()


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A number that changes whenever the warehouse's facts or uploads change."""
    return con.execute("SELECT value FROM warehouse_meta WHERE key = 'data_version'").fetchall()[0][0]


def bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    """Mark the data as changed (call inside the writing transaction): the version counts up, the stamp
    is drawn anew."""
    con.execute("UPDATE warehouse_meta SET value = value + 1 WHERE key = 'data_version'")
    con.execute("UPDATE warehouse_meta SET value = (random() * 9.0e18)::BIGINT WHERE key = 'data_stamp'")


def data_key(con: duckdb.DuckDBPyConnection) -> tuple[str, int, int] | None:
    """(file, data_version, data_stamp): the same for two connections only if they see the same data; None
    for a warehouse opened read-only before migration 006 gave it a stamp (nothing may be cached by it)."""
    rows = dict(
        con.execute(
            "SELECT key, value FROM warehouse_meta WHERE key IN ('data_version', 'data_stamp')"
        ).fetchall()
    )
    if "data_stamp" not in rows:
        return None
    path = con.execute(
        "SELECT coalesce(path, '') FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return (path[0][0] if path else ""), rows["data_version"], rows["data_stamp"]


def is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    """True when nothing has been loaded yet."""
    return con.execute("SELECT count(*) FROM uploads").fetchall()[0][0] == 0


def has_sample_data(con: duckdb.DuckDBPyConnection) -> bool:
    """True while any live upload came from the bundled sample data."""
    return bool(con.execute("SELECT count(*) FROM live_uploads WHERE is_sample").fetchall()[0][0])
