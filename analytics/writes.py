"""Writing to the warehouse beside other writers: a writing transaction tried again while it loses a conflict,
the ids and the data version every write takes from warehouse_meta."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import duckdb

from analytics.sql_files import sql


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
        self.con.execute(sql("transaction_begin"))
        return self.con

    def __exit__(self, kind, error, trace) -> bool:
        if error is None:
            try:
                self.con.execute(sql("transaction_commit"))
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
        con.execute(sql("transaction_rollback"))


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
        _changes.data = False
        yield attempt
        if attempt.conflict is None:
            if _changes.data:
                _changed(con)
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


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A number that changes whenever the warehouse's facts or uploads change."""
    return con.execute(sql("data_version")).fetchall()[0][0]


def bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    """Mark the data as changed (call inside the writing transaction): the version counts up, the stamp
    is drawn anew. Once the write commits, the writer keeps the cut blocks of the new data
    (analytics/kept.py), so pages read them instead of cutting them."""
    con.execute(sql("data_version_bump"))
    _changes.data = True


class _Changes(threading.local):
    data = False  # the writing transaction in progress changed the data
    held = 0  # inside `one_change`: keep once, at its end
    pending = False  # ... and a write inside it changed the data


_changes = _Changes()


def _changed(con: duckdb.DuckDBPyConnection) -> None:
    """A write that changed the data committed: keep the cut blocks of the new data, now or at the end of
    the `one_change` it is part of."""
    if _changes.held:
        _changes.pending = True
        return
    from analytics import kept  # (kept reads the metrics, which write through here)

    kept.keep(con)


@contextmanager
def one_change(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Several writes that make one change of the data (the sample's files loaded on a first run): the cut
    blocks are kept once, after the last of them, not after each."""
    _changes.held += 1
    done = False
    try:
        yield
        done = True
    finally:
        _changes.held -= 1
        if not _changes.held:
            pending, _changes.pending = _changes.pending, False
            if pending and done:
                _changed(con)
