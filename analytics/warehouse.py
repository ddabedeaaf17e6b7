"""The DuckDB warehouse: opening it (the embedded file, or the shared DuckLake), cursors on it, and what a
connection can tell about the data in it. Its schema is analytics/schema.py, writing beside other writers
analytics/writes.py, the SQL-file loader analytics/sql_files.py, backups analytics/backup.py and what a
failure to open it means analytics/trouble.py."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, ClassVar

import duckdb

from analytics import ducklake
from analytics.paths import CATALOG, default_db_path
from analytics.schema import migrate
from analytics.sql_files import sql

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
    process already has open for writing shares that instance; a request to write to a file this process
    has open read-only (the dashboard reads that way: ui/data.py) re-opens it for writing, for everyone."""
    location = path if path is not None else default_db_path()
    if ducklake.is_ducklake(location):  # a shared warehouse: DuckLake, its catalog in PostgreSQL
        return connect_lake(str(location), read_only=read_only)
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
        # ATTACH takes neither its file nor its options as parameters, so this statement is built here rather
        # than in analytics/sql: the path is quoted as a string literal.
        quoted = "'" + str(path).replace("'", "''") + "'"
        attached = con.execute(sql("warehouse_read_only"), {"catalog": CATALOG}).fetchall()
        if not attached:  # else this process has it open already: share that, as read_only allows
            con.execute(f"ATTACH {quoted} AS {CATALOG}" + (f" ({', '.join(options)})" if options else ""))
        con.execute(sql("use_catalog", catalog=CATALOG))
        if not read_only:
            if not in_memory and is_read_only(con):
                reattach(con, path, read_only=False)
            migrate(con)
    except BaseException:
        con.close()
        raise
    return con


def is_read_only(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse is attached read-only in `con`'s instance."""
    rows = con.execute(sql("warehouse_read_only"), {"catalog": CATALOG}).fetchall()
    return bool(rows and rows[0][0])


def reattach(con: duckdb.DuckDBPyConnection, path: str | Path, *, read_only: bool) -> None:
    """Open the warehouse file again on `con`'s instance, read-only or for writing. The dashboard keeps it
    read-only, so the command line can read it (and back it up) while the dashboard runs, and opens it for
    writing only for a save. Opening it for writing fails (busy) while another process reads it; it is then
    left read-only as it was, and the error raised. Call it with nothing else using the instance (ui/data.py
    holds its gate)."""
    if read_only == is_read_only(con):
        return
    quoted = "'" + str(path).replace("'", "''") + "'"
    options = [f"ROW_GROUP_SIZE {ROW_GROUP_SIZE}"] + (["READ_ONLY"] if read_only else [])
    con.execute(sql("use_memory"))  # the database in use cannot be detached
    con.execute(sql("catalog_detach", catalog=CATALOG))
    try:
        con.execute(f"ATTACH {quoted} AS {CATALOG} ({', '.join(options)})")
    except duckdb.Error:
        if read_only:
            raise
        con.execute(f"ATTACH {quoted} AS {CATALOG} (READ_ONLY, ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
        con.execute(sql("use_catalog", catalog=CATALOG))
        raise
    con.execute(sql("use_catalog", catalog=CATALOG))


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A new cursor on `con`, on the warehouse (a bare `con.cursor()` starts in DuckDB's empty in-memory
    catalog, where no warehouse table is found)."""
    cur = con.cursor()
    cur.execute(sql("use_catalog", catalog=CATALOG))
    return cur


def connect_lake(location: str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the shared DuckLake warehouse at `location` (`ducklake:postgres:…`), creating it in its catalog
    database on first use, and bring its schema up to date (analytics/ducklake.py)."""
    con = ducklake.connect(location, CATALOG, read_only=read_only)
    try:
        if not read_only:
            migrate(con)
    except BaseException:
        con.close()
        raise
    return con


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


def data_key(con: duckdb.DuckDBPyConnection) -> tuple[str, int, int] | None:
    """(file, data_version, data_stamp): the same for two connections only if they see the same data; None
    for a warehouse opened read-only before migration 006 gave it a stamp (nothing may be cached by it)."""
    rows = dict(con.execute(sql("data_version_and_stamp")).fetchall())
    if "data_stamp" not in rows:
        return None
    path = con.execute(sql("warehouse_file")).fetchall()
    return (path[0][0] if path else ""), rows["data_version"], rows["data_stamp"]


class KeptPerData:
    """What a reading function found, kept until the warehouse's data changes (data_key): the latest `size`
    results, each under (the data, its key). Every view of a page may ask for the same thing (the latest
    release of a family, say); it is read once per change of the data. Hand out copies of what is kept."""

    every: ClassVar[list[KeptPerData]] = []  # (forget_all: the benchmark's cold runs)

    def __init__(self, size: int = 32):
        self.size = size
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple, Any] = OrderedDict()
        KeptPerData.every.append(self)

    @classmethod
    def forget_all(cls) -> None:
        for kept in cls.every:
            with kept._lock:
                kept._kept.clear()

    def get(self, con: duckdb.DuckDBPyConnection, key: tuple, compute: Callable[[], Any]) -> Any:
        with cursor(con) as cur:
            data = data_key(cur)
        if data is None:  # a warehouse without a stamp: nothing may be kept
            return compute()
        with self._lock:
            if (data, *key) in self._kept:
                return self._kept[(data, *key)]
        found = compute()
        with self._lock:
            self._kept[(data, *key)] = found
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return found


def is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    """True when nothing has been loaded yet."""
    return con.execute(sql("uploads_count")).fetchall()[0][0] == 0


def has_sample_data(con: duckdb.DuckDBPyConnection) -> bool:
    """True while any live upload came from the bundled sample data."""
    return bool(con.execute(sql("live_sample_uploads_count")).fetchall()[0][0])
