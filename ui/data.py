"""The app's one door to the warehouse: a cached connection, and metric results cached by data version.

Caching lives here, not on the pure analytics functions: every call is keyed on the warehouse's
data_version, so an upload shows at once and nothing is recomputed while the data stays the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import duckdb
import streamlit as st

from analytics.goals import Goals, load_goals
from analytics.metrics import forget_cached_blocks
from analytics.seed import ensure_ready
from analytics.warehouse import (
    WarehouseUnavailable,
    connect,
    data_version,
    default_db_path,
    diagnose,
    has_sample_data,
)
from analytics.warehouse import cursor as warehouse_cursor

log = logging.getLogger("dashboard")
T = TypeVar("T")
_REGISTRY: dict[str, Callable[..., Any]] = {}


@st.cache_resource(show_spinner="Opening the warehouse…")
def _warehouse(path: str) -> duckdb.DuckDBPyConnection:
    """The warehouse, opened once per process. A warehouse that cannot be opened (busy, damaged, in a folder
    the dashboard may not write to) raises WarehouseUnavailable saying why and what to do; nothing is cached,
    so the next page load tries again."""
    try:
        con = connect(path)
        if ensure_ready(con):
            log.info("seeded %s with the bundled sample data", path)
    except duckdb.Error as problem:
        log.exception("the warehouse %s could not be opened", path)
        raise WarehouseUnavailable(diagnose(problem, path)) from problem
    return con


def warehouse() -> duckdb.DuckDBPyConnection:
    """The shared connection (take a cursor() per query; DuckDB connections are not thread-safe)."""
    return _warehouse(str(default_db_path()))


def cursor() -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the shared connection, for one query or one transaction."""
    return warehouse_cursor(warehouse())


def current_version() -> int:
    """The warehouse's data version (changes with every save and rollback)."""
    with cursor() as cur:
        return data_version(cur)


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
def goals() -> Goals:
    """The goals file, read once per app process (restart the app after editing data/goals.toml)."""
    return load_goals()


@cached
def sample_data_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    """True while any sample upload still counts."""
    return has_sample_data(con)


def clear_caches() -> None:
    """Forget cached results (after a write, the data version does this by itself; used in tests)."""
    _call.clear()
    forget_cached_blocks()


def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call an analytics function that takes a connection first, cached until the data changes."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    _REGISTRY.setdefault(name, fn)
    return _call(name, current_version(), str(default_db_path()), args, kwargs)
