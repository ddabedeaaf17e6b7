"""The app's one door to the warehouse: a cached connection, and metric results cached by data version.

Caching lives here, not on the pure analytics functions: every call is keyed on the warehouse's
data_version, so an upload shows at once and nothing is recomputed while the data stays the same.

The embedded warehouse file is kept open read-only, so the command line can read it (metrics, uploads,
export, backup) while the dashboard runs; a write (a save, a review, a sign-in's audit line) opens it for
writing for that moment only (`writer()`), while no session reads it (`_GATE`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from analytics.goals import Goals, goals_file, load_goals
from analytics.paths import default_db_path
from analytics.seed import ensure_ready
from analytics.trouble import WarehouseUnavailable, diagnose
from analytics.warehouse import connect, has_sample_data, reattach
from analytics.warehouse import cursor as warehouse_cursor
from analytics.writes import data_version

log = logging.getLogger("dashboard")
T = TypeVar("T")
_REGISTRY: dict[str, Callable[..., Any]] = {}


@st.cache_resource(show_spinner="Opening the warehouse…")
def _warehouse(path: str) -> duckdb.DuckDBPyConnection:
    """The warehouse, opened once per process. A warehouse that cannot be opened (busy, damaged, in a folder
    the dashboard may not write to) raises WarehouseUnavailable saying why and what to do; nothing is cached,
    so the next page load tries again."""
    try:
        con = _open(path)
        if _is_file(path):
            reattach(con, path, read_only=True)
    except duckdb.Error as problem:
        log.exception("the warehouse %s could not be opened", path)
        raise WarehouseUnavailable(diagnose(problem, path)) from problem
    return con


def _open(path: str) -> duckdb.DuckDBPyConnection:
    """The warehouse opened for writing, brought up to date and seeded on first run; or, where another process
    of the dashboard already holds the file open read-only (several processes on one machine: README), opened
    read-only as they have it: the first process did the rest."""
    try:
        con = connect(path)
    except duckdb.Error as problem:
        if not (_is_file(path) and Path(path).exists() and diagnose(problem, path).kind == "busy"):
            raise
        return connect(path, read_only=True)
    if ensure_ready(con):
        log.info("seeded %s with the bundled sample data", path)
    return con


def _is_file(path: str) -> bool:
    """An embedded warehouse file (kept read-only between writes), not a shared catalog."""
    return path != ":memory:" and not path.startswith("ducklake:")


def warehouse() -> duckdb.DuckDBPyConnection:
    """The shared connection (take a cursor() per query; DuckDB connections are not thread-safe)."""
    return _warehouse(str(default_db_path()))


class _Gate:
    """Many readers or one writer at a time, across the app's sessions (each runs in a thread of its own).
    A thread already inside may enter again (a write reads who is acting); a writer waiting stops new readers
    from starting, so it is never starved."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._readers: dict[int, int] = {}  # thread -> how deep inside
        self._writer: int | None = None
        self._write_depth = 0
        self._writers_waiting = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._changed:
            if self._writer != me and me not in self._readers:
                while self._writer is not None or self._writers_waiting:
                    self._changed.wait()
            self._readers[me] = self._readers.get(me, 0) + 1
        try:
            yield
        finally:
            with self._changed:
                self._readers[me] -= 1
                if not self._readers[me]:
                    del self._readers[me]
                self._changed.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._changed:
            if self._writer == me:
                self._write_depth += 1
            else:
                if me in self._readers:
                    raise RuntimeError("a thread reading the warehouse cannot start writing to it")
                self._writers_waiting += 1
                while self._writer is not None or self._readers:
                    self._changed.wait()
                self._writers_waiting -= 1
                self._writer, self._write_depth = me, 1
        try:
            yield
        finally:
            with self._changed:
                self._write_depth -= 1
                if not self._write_depth:
                    self._writer = None
                self._changed.notify_all()


_GATE = _Gate()
WRITTEN = threading.Event()  # set after each write through writer()
# How long a write waits for another program (a command-line export, a backup) to stop reading the file.
WRITE_WAIT_SECONDS = 20.0


@contextmanager
def cursor() -> Iterator[duckdb.DuckDBPyConnection]:
    """A fresh cursor on the shared connection, for one query (or a read-only transaction)."""
    with _GATE.reading():
        cur = warehouse_cursor(warehouse())
        try:
            yield cur
        finally:
            cur.close()


@contextmanager
def writer() -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor that may write: the warehouse file opened for writing for this block only (waiting up to
    WRITE_WAIT_SECONDS while another program reads it; then WarehouseUnavailable says it is busy), while no
    session of this app reads it. Closed for writing again after, which also checkpoints the write into the
    file, where the command line can read it."""
    path = str(default_db_path())
    with _GATE.writing():
        con = warehouse()
        if _is_file(path):
            _open_for_writing(con, path)
        try:
            cur = warehouse_cursor(con)
            try:
                yield cur
            finally:
                cur.close()
        finally:
            _forget_run_stamp()
            WRITTEN.set()  # ui/warm.py warms the new data at once
            if _is_file(path):
                try:
                    reattach(con, path, read_only=True)
                except duckdb.Error:  # another program took the file in that moment: open it afresh next time
                    log.exception("re-opening %s read-only after a write failed", path)
                    _warehouse.clear()


def _open_for_writing(con: duckdb.DuckDBPyConnection, path: str) -> None:
    deadline = time.monotonic() + WRITE_WAIT_SECONDS
    while True:
        try:
            reattach(con, path, read_only=False)
            return
        except duckdb.Error as problem:
            trouble = diagnose(problem, path)
            if trouble.kind != "busy" or time.monotonic() > deadline:
                raise WarehouseUnavailable(trouble) from problem
            time.sleep(0.2)


_RUN_STAMP = "data_stamp_of_this_run"


def begin_run() -> None:
    """At the top of each page view (app.py): read the warehouse's data version once for the whole run, so
    every cached figure of the view is of the same data and the view asks the warehouse once, not once per
    figure. A write in the run forgets it (writer()), so what follows the write reads the new one."""
    st.session_state[_RUN_STAMP] = _read_version()


class _VersionCursors:
    """Idle cursors for reading the data version, of the connection they were made on: every page view reads
    it (begin_run), and a new cursor on the warehouse costs about as much as the query. Used inside the gate,
    as every cursor() is; one that fails is closed, not kept."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._of: duckdb.DuckDBPyConnection | None = None
        self._idle: list[duckdb.DuckDBPyConnection] = []

    def read(self, con: duckdb.DuckDBPyConnection) -> int:
        with self._lock:
            if self._of is not con:  # the warehouse was opened afresh: its cursors with it
                self._of, self._idle = con, []
            cur = self._idle.pop() if self._idle else None
        if cur is None:
            cur = warehouse_cursor(con)
        try:
            version = data_version(cur)
        except BaseException:
            cur.close()
            raise
        with self._lock:
            if self._of is con:
                self._idle.append(cur)
                return version
        cur.close()
        return version


_VERSIONS = _VersionCursors()


def _read_version() -> int:
    with _GATE.reading():
        return _VERSIONS.read(warehouse())


def current_version() -> int:
    """The warehouse's data version (changes with every save, rollback, restore and release, whichever server
    or command made it): read once per page view (begin_run), else now."""
    if get_script_run_ctx(suppress_warning=True) is not None:
        found = st.session_state.get(_RUN_STAMP)
        if found is not None:
            return found
    return _read_version()


def _forget_run_stamp() -> None:
    if get_script_run_ctx(suppress_warning=True) is not None:
        st.session_state.pop(_RUN_STAMP, None)


class _Shared:
    """Figures computed once per change of the data and handed to every session of this process as the same
    object: what is the same for every visitor of a view (the view's filters, the audience's edition, the
    data stamp) is the key. Only what the privacy layer has published goes in (sections built from
    analytics.metrics, whose blocks privacy.py has cut), never anything before it. Whoever asks first computes;
    others asking for the same key meanwhile wait for that result instead of computing it again. Entries of
    any but the latest two data stamps are dropped. Read what comes out; never change it."""

    LIMIT = 1_024

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._found: OrderedDict[tuple, Any] = OrderedDict()
        self._computing: dict[tuple, threading.Lock] = {}
        self._recent: list[tuple] = []  # the latest two data stamps seen (a page view begun before a
        # change may still be finishing with the one before)

    def get(self, stamp: tuple, key: tuple, compute: Callable[[], T]) -> T:
        full = (stamp, key)
        with self._lock:
            if stamp not in self._recent:  # the data changed: keep this stamp's and the one before's
                self._recent = [*self._recent[-1:], stamp]
                self._found = OrderedDict((k, v) for k, v in self._found.items() if k[0] in self._recent)
            if full in self._found:
                self._found.move_to_end(full)
                return self._found[full]
            gate = self._computing.setdefault(full, threading.Lock())
        with gate:
            with self._lock:
                if full in self._found:
                    return self._found[full]
            try:
                value = compute()
            finally:
                with self._lock:
                    self._computing.pop(full, None)
            with self._lock:
                self._found[full] = value
                while len(self._found) > self.LIMIT:
                    self._found.popitem(last=False)
            return value

    def clear(self) -> None:
        with self._lock:
            self._found.clear()
            self._recent = []


_SHARED = _Shared()


def shared(key: tuple, compute: Callable[[], T]) -> T:
    """`compute()` for `key` (hashable: the chart, the view's Filters, options) at the warehouse's current data
    and goals, computed once in this process and shared by every session (see _Shared)."""
    return _SHARED.get(data_stamp(), key, compute)


def forget_shared() -> None:
    """Drop every shared view (the benchmark's cold runs; a change of the data makes them old by itself)."""
    _SHARED.clear()


def data_stamp() -> tuple:
    """What a shared figure depends on besides its own key: the data version, then the goals file and the
    warehouse."""
    return (current_version(), *_goals_stamp(), str(default_db_path()))


@st.cache_data(show_spinner=False, max_entries=2048)
def _call(name: str, version: int, path: str, args: tuple, kwargs: dict) -> Any:
    with cursor() as cur:
        return _REGISTRY[name](cur, *args, **kwargs)


def cached(fn: Callable[..., T]) -> Callable[..., T]:
    """Wrap an analytics function taking a connection first: the app calls it without the connection,
    and its result is cached until the warehouse's data changes."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        return call(fn, *args, **kwargs)

    return wrapper


@st.cache_data(show_spinner=False)
def _goals_from(path: str, modified: float) -> Goals:
    return load_goals(path)


def goals() -> Goals:
    """The goals file (data/goals.toml, or $DASHBOARD_GOALS), read again when it changes."""
    return _goals_from(*_goals_stamp())


def _goals_stamp() -> tuple[str, float]:
    """The goals file and when it last changed (0 where it cannot be read: load_goals says why)."""
    path = goals_file()
    try:
        return str(path), path.stat().st_mtime
    except OSError:
        return str(path), 0.0


@cached
def sample_data_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    """True while any sample upload still counts."""
    return has_sample_data(con)


def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call an analytics function that takes a connection first, cached until the data changes."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    _REGISTRY.setdefault(name, fn)
    return _call(name, current_version(), str(default_db_path()), args, kwargs)


def shared_call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`call`, its result shared by every session asking the same at the same data (ui.data.shared): for what
    a page draws from a sections function (Sections, their figures), which every visitor of the view gets
    alike. Read what comes back; never change it."""
    key = ("call", f"{fn.__module__}.{fn.__qualname__}", args, tuple(sorted(kwargs.items())))
    return shared(key, lambda: call(fn, *args, **kwargs))
