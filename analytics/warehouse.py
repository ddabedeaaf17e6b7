"""The DuckDB warehouse: where it lives, opening it, numbered migrations, and the one SQL-file loader."""

from __future__ import annotations

import hashlib
import os
import random
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from analytics import ducklake
from analytics.paths import MIGRATIONS_DIR, SQL_DIR

# Where the project's files are is analytics/paths.py; these two are still taken from here by the command
# line, goals.py and the tests' helpers.
from analytics.paths import PROJECT_ROOT as PROJECT_ROOT
from analytics.paths import default_db_path as default_db_path

if TYPE_CHECKING:
    from analytics.contracts import UploadKind


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
        # ATTACH takes neither its file nor its options as parameters, so this statement, and USE after it,
        # are built here rather than in analytics/sql: the path is quoted as a string literal.
        quoted = "'" + str(path).replace("'", "''") + "'"
        attached = con.execute(sql("warehouse_read_only"), {"catalog": CATALOG}).fetchall()
        if not attached:  # else this process has it open already: share that, as read_only allows
            con.execute(f"ATTACH {quoted} AS {CATALOG}" + (f" ({', '.join(options)})" if options else ""))
        con.execute(f"USE {CATALOG}")
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
    con.execute("USE memory")  # the database in use cannot be detached
    con.execute(f"DETACH {CATALOG}")
    try:
        con.execute(f"ATTACH {quoted} AS {CATALOG} ({', '.join(options)})")
    except duckdb.Error:
        if read_only:
            raise
        con.execute(f"ATTACH {quoted} AS {CATALOG} (READ_ONLY, ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
        con.execute(f"USE {CATALOG}")
        raise
    con.execute(f"USE {CATALOG}")


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A new cursor on `con`, on the warehouse (a bare `con.cursor()` starts in DuckDB's empty in-memory
    catalog, where no warehouse table is found)."""
    cur = con.cursor()
    cur.execute(f"USE {CATALOG}")
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


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `con`'s warehouse is a shared DuckLake one (else the embedded DuckDB file)."""
    return con.execute(sql("warehouse_type"), {"catalog": CATALOG}).fetchall()[0][0] == "ducklake"


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
    lake = is_lake(con)

    def runnable(name: str, text: str) -> str:
        return ducklake.migration_text(name, text) if lake else text

    for attempt in write_attempts(con):
        with attempt:
            con.execute(runnable("schema_version_table_create", sql("schema_version_table_create")))
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


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT, or ROLLBACK on any exception: all of it or none of it. (Transaction control, not
    queries: these three statements stay here.)"""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


class WriteConflict(RuntimeError):
    """Another writer changed the warehouse at the same moment, every time this write was tried; nothing of
    it was written."""


# How often a write that lost a conflict is tried again, and the longest pause before the next try.
WRITE_TRIES = 6
WRITE_PAUSE_SECONDS = 0.5


class WriteAttempt:
    """One try at a writing transaction (see `write_attempts`): BEGIN on entering; COMMIT on leaving, or
    ROLLBACK on an exception. A conflict with another writer (at any statement, or at COMMIT) is swallowed
    and remembered, and the loop tries again; any other exception goes on as it came."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.conflict: duckdb.Error | None = None

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        self.con.execute("BEGIN TRANSACTION")
        return self.con

    def __exit__(self, kind, error, trace) -> bool:
        if error is None:
            try:
                self.con.execute("COMMIT")
                return False
            except duckdb.Error as failed:
                error = failed
                if not is_write_conflict(failed):
                    _roll_back_quietly(self.con)
                    raise
        _roll_back_quietly(self.con)
        if isinstance(error, duckdb.Error) and is_write_conflict(error):
            self.conflict = error
            return True
        return False


def _roll_back_quietly(con: duckdb.DuckDBPyConnection) -> None:
    # A failed COMMIT has already ended the transaction; ROLLBACK then has nothing to do.
    with suppress(duckdb.Error):
        con.execute("ROLLBACK")


def is_write_conflict(error: BaseException) -> bool:
    """Whether `error` says another writer committed first (DuckDB's "Conflict on update", DuckLake's
    "Transaction conflict"): nothing was written, and the same write may simply be tried again."""
    return isinstance(error, duckdb.TransactionException) and "conflict" in str(error).lower()


def write_attempts(con: duckdb.DuckDBPyConnection, tries: int = WRITE_TRIES) -> Iterator[WriteAttempt]:
    """A writing transaction, tried again while it loses to another writer: `for attempt in
    write_attempts(con): with attempt: ...` runs the block in BEGIN ... COMMIT until it commits (the block
    must be safe to run again: it reads what it needs inside). After `tries` conflicts, WriteConflict:
    nothing of the write was saved, and the person is told to try again.

    Both backends tell a writer it lost rather than losing work: every write updates warehouse_meta (the
    data version, an id counter), so two writers at once conflict there, on the embedded file at the
    second UPDATE and on DuckLake, whose writers meet only at commit, at the second COMMIT."""
    last: duckdb.Error | None = None
    for number in range(tries):
        if number:
            time.sleep(random.uniform(0, WRITE_PAUSE_SECONDS * number / tries))
        attempt = WriteAttempt(con)
        yield attempt
        if attempt.conflict is None:
            return
        last = attempt.conflict
    raise WriteConflict(
        "Someone else changed the warehouse at the same moment, and nothing was saved; try again."
    ) from last


def next_id(con: duckdb.DuckDBPyConnection, counter: str) -> int:
    """The next id from one of warehouse_meta's counters (`upload_id`, `audit_event_id`; migration 010),
    taken inside the caller's writing transaction: two writers taking the same id conflict, on both
    backends, where a sequence would not (DuckLake has none; DuckDB's are not transactional)."""
    con.execute(sql("counter_advance"), {"counter": counter})
    return con.execute(sql("counter_value"), {"counter": counter}).fetchall()[0][0]


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


# A slot in a query template: {{name}}, filled by `sql()` with quoted identifiers only.
_SLOT = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def quote_identifier(name: str) -> str:
    """`name` as a DuckDB identifier: double-quoted, any quote inside doubled. Every table or column name
    that goes into a query from Python goes through here (values never do: they are parameters)."""
    return '"' + name.replace('"', '""') + '"'


def sql(name: str, **identifiers: str | Sequence[str]) -> str:
    """The text of analytics/sql/<name>.sql (one query per file), each {{slot}} in it filled with the
    identifier given for it (quoted), or with a sequence of them (quoted, comma-separated)."""
    return _filled(
        name, tuple((k, v if isinstance(v, str) else tuple(v)) for k, v in sorted(identifiers.items()))
    )


@cache
def _filled(name: str, identifiers: tuple[tuple[str, str | tuple[str, ...]], ...]) -> str:
    slots = dict(identifiers)

    def fill(slot: re.Match) -> str:
        if slot[1] not in slots:
            raise KeyError(f"{name}.sql needs an identifier for {{{{{slot[1]}}}}}")
        value = slots[slot[1]]
        return ", ".join(quote_identifier(v) for v in ([value] if isinstance(value, str) else value))

    return _SLOT.sub(fill, (SQL_DIR / f"{name}.sql").read_text())


def current_table(kind: UploadKind) -> str:
    """The table holding what counts now of `kind` (current_staffing, ...; kept by analytics/store.py)."""
    return f"current_{kind.table}"


def kind_sql(name: str, kind: UploadKind, **identifiers: str | Sequence[str]) -> str:
    """<name>.sql for one upload kind, its slots filled from the contract: {{facts}} (the kind's table),
    {{current}} (what counts now of it), {{key}} (what a newer upload replaces), {{columns}} (all of them),
    {{org}} (the column holding each row's organization), and any others given."""
    return sql(
        name,
        facts=kind.table,
        current=current_table(kind),
        key=kind.replacement_key,
        columns=kind.column_names,
        org=kind.org_column,
        **identifiers,
    )


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A number that changes whenever the warehouse's facts or uploads change."""
    return con.execute(sql("data_version")).fetchall()[0][0]


def bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    """Mark the data as changed (call inside the writing transaction): the version counts up, the stamp
    is drawn anew."""
    con.execute(sql("data_version_bump"))


def data_key(con: duckdb.DuckDBPyConnection) -> tuple[str, int, int] | None:
    """(file, data_version, data_stamp): the same for two connections only if they see the same data; None
    for a warehouse opened read-only before migration 006 gave it a stamp (nothing may be cached by it)."""
    rows = dict(con.execute(sql("data_version_and_stamp")).fetchall())
    if "data_stamp" not in rows:
        return None
    path = con.execute(sql("warehouse_file")).fetchall()
    return (path[0][0] if path else ""), rows["data_version"], rows["data_stamp"]


def is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    """True when nothing has been loaded yet."""
    return con.execute(sql("uploads_count")).fetchall()[0][0] == 0


def has_sample_data(con: duckdb.DuckDBPyConnection) -> bool:
    """True while any live upload came from the bundled sample data."""
    return bool(con.execute(sql("live_sample_uploads_count")).fetchall()[0][0])


# --- when the warehouse cannot be used, and backups ---------------------------------------------------------

BACKUP_DIR_NAME = "backups"  # beside the warehouse file: data/backups/ for data/warehouse.duckdb


@dataclass(frozen=True)
class Trouble:
    """Why the warehouse cannot be opened, in words for the person running the dashboard: what is wrong
    and what to do. `kind` is busy | damaged | read-only | newer | data-path | other."""

    kind: str
    what: str
    todo: str

    @property
    def message(self) -> str:
        return f"{self.what} {self.todo}"


class WarehouseUnavailable(RuntimeError):
    """The warehouse could not be opened; `trouble` says why and what to do."""

    def __init__(self, trouble: Trouble):
        super().__init__(trouble.message)
        self.trouble = trouble


_DATA_PATH_MISMATCH = re.compile(
    r'DATA_PATH parameter "(?P<setting>[^"]*)" does not match existing data path in the catalog "(?P<catalog>[^"]*)"'
)
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.+?) \(PID (\d+)\)")
_DAMAGED = (
    "not a valid duckdb database file",
    "could not read enough bytes",
    "corrupt",
    "checksum",
    "failed to read",
    "serialization error",
    "invalid block",
)


def diagnose(error: BaseException, path: str | Path) -> Trouble:
    """What a failure to open (or first read) the warehouse at `path` means, and what to do about it."""
    text = str(error)
    lowered = text.lower()
    path = Path(path)
    holder = _LOCK_HOLDER.search(text)
    if holder or "could not set lock" in lowered:
        who = f" (process {holder[2]}, {Path(holder[1]).name})" if holder else ""
        return Trouble(
            "busy",
            f"Another program has the warehouse {path} open{who}: usually a command-line import, or a second "
            "copy of the dashboard on the same file.",
            "Wait for it to finish, then try again (reload the page). If nothing else should be running, stop that "
            "process.",
        )
    if "permission denied" in lowered or "read-only file system" in lowered:
        return Trouble(
            "read-only",
            f"The dashboard may not write to {path.parent} (the warehouse {path.name} lives there).",
            "Give the account running the dashboard write access to that folder, or set DASHBOARD_DB to a "
            "file in a folder it can write to, and restart it.",
        )
    if "newer version of duckdb" in lowered or "created with an newer version" in lowered:
        return Trouble(
            "newer",
            f"The warehouse file {path} was written by a newer DuckDB than this dashboard runs "
            f"({duckdb.__version__}, the version the shared-warehouse extensions need).",
            "Move it aside to start again from the sample data, or carry its data across: open it with that "
            "newer DuckDB and run EXPORT DATABASE 'folder', then IMPORT DATABASE 'folder' into a new file here.",
        )
    data_path = _DATA_PATH_MISMATCH.search(text)
    if data_path:
        setting = (
            ducklake.DATA_PATH_ENV
            if os.environ.get(ducklake.DATA_PATH_ENV)
            else "data_path in [warehouse] of data/settings.toml"
        )
        return Trouble(
            "data-path",
            f"The shared warehouse's catalog keeps its data files in {data_path['catalog']}, but this server is "
            f"set to use {data_path['setting']} ({setting}).",
            f"Set {setting} to {data_path['catalog']}, the folder every server sharing this warehouse uses, or "
            "leave it unset to use the catalog's; then try again.",
        )
    if any(sign in lowered for sign in _DAMAGED):
        backup = latest_backup(path)
        todo = (
            f"Restore the last backup, {backup} ({_age(backup)}): stop the dashboard, run "
            f"`python -m analytics restore-backup --db {path} --from {backup}`, and start it again."
            if backup
            else f"No backup was found in {backup_dir(path)}. Restore the file from your server's backups, "
            f"or move it aside and start again from the sample data (`python -m analytics init --db {path}`)."
        )
        return Trouble("damaged", f"The warehouse file {path} is damaged ({_short(text)}).", todo)
    return Trouble(
        "other",
        f"The warehouse {path} could not be opened ({_short(text)}).",
        "Check that the disk is not full and the file is where DASHBOARD_DB says; the details are in the "
        "dashboard's log.",
    )


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    text = re.sub(r"^[A-Za-z ]+Error: ", "", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def backup_dir(path: str | Path) -> Path:
    """Where backups of the warehouse at `path` go by default: a backups/ folder beside it."""
    return Path(path).resolve().parent / BACKUP_DIR_NAME


def latest_backup(path: str | Path) -> Path | None:
    """The newest backup of the warehouse at `path` in its backups folder, if any."""
    found = sorted(backup_dir(path).glob(f"{Path(path).stem}-*.duckdb"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def _age(path: Path) -> str:
    return "made " + datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")


def default_backup_file(path: str | Path) -> Path:
    """backups/<warehouse name>-<date>T<time>.duckdb beside the warehouse."""
    return backup_dir(path) / f"{Path(path).stem}-{datetime.now():%Y-%m-%dT%H%M%S}.duckdb"


class BackupNotWritten(RuntimeError):
    """The backup file could not be written (its folder is read-only, the disk is full, ...): the message
    names the folder and says what to do. Nothing of it is left behind."""


# How a failure to write a file reads, in DuckDB's words or the operating system's.
_CANNOT_WRITE = ("permission denied", "read-only file system", "no space left", "disk quota exceeded")


def back_up(con: duckdb.DuckDBPyConnection, out: str | Path) -> Path:
    """Copy the whole warehouse (tables, views, macros, sequences at their current values) into a new DuckDB
    file `out`, in one read: a consistent copy. `out` must not exist yet. A backup that cannot be written
    raises BackupNotWritten, leaving neither the file nor a folder made for it."""
    out = Path(out)
    if out.exists():
        raise FileExistsError(f"{out} already exists; choose a new file for the backup.")
    missing = [p for p in out.absolute().parents if not p.exists()]  # deepest first
    # ATTACH and COPY FROM DATABASE take no parameters: the path is quoted as a string literal.
    quoted = "'" + str(out).replace("'", "''") + "'"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"ATTACH {quoted} AS warehouse_backup")
        con.execute(f"COPY FROM DATABASE {CATALOG} TO warehouse_backup")
    except BaseException as problem:
        with suppress(duckdb.Error):
            con.execute("DETACH warehouse_backup")
        for leftover in (out, out.with_name(out.name + ".wal")):
            with suppress(OSError):  # (on a read-only disk even removing a missing file fails)
                leftover.unlink(missing_ok=True)
        for folder in missing:
            with suppress(OSError):
                folder.rmdir()
        reason = _write_failure(problem)
        if reason is not None:
            near = missing[-1].parent if missing else out.parent
            fix = (
                "Free some space on that disk"
                if "space" in reason.lower() or "quota" in reason.lower()
                else "Give this account write access to that folder"
            )
            raise BackupNotWritten(
                f"The backup {out} could not be written in {near} ({reason}); nothing was written. {fix}, or "
                "choose another file with --out FILE."
            ) from problem
        raise
    con.execute("DETACH warehouse_backup")
    return out


def _write_failure(problem: BaseException) -> str | None:
    """Why a file could not be written, in the operating system's words; None for any other failure (the
    warehouse itself could not be read, say)."""
    if isinstance(problem, OSError):
        return problem.strerror or str(problem)
    if isinstance(problem, duckdb.Error):
        lowered = str(problem).lower()
        found = next((words for words in _CANNOT_WRITE if words in lowered), None)
        if found is not None:
            return str(problem)[lowered.index(found) :].split("\n")[0].rstrip(".")[:80].capitalize()
    return None
