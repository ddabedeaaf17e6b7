"""Frames worked out once per change of the data and kept in the warehouse beside it (migration 014).

The privacy layer's cut of the people family (analytics/metrics.py: every population's organizations in
blocks, the blocks summed per cell, who reported, each year's race make-up) takes seconds at national
scale, and every page starts from it. So the writer works it out right after its write commits
(analytics/writes.py calls `keep`), and every server, and every process after a restart, reads it instead
of cutting again: a page that comes to new data finds its blocks already cut.

Only where the cut is big (KEEP_FROM_ROWS): at Massachusetts' scale (some 250,000 staffing and enrollment
rows) a page cuts in a fifth of a second, less than keeping would add to every upload.

A kept frame is read only for the data stamp the warehouse has now (drawn anew by every write) and for the
code that cut it: frames of other data are never read. What is kept is what the cut returns (each
organization's counts with the block it is in, the blocks' sums, who reported), as a server kept it in memory
before; it lies in the same warehouse as the facts it is cut from, and nothing of it is shown as it is: every
figure is still published through the privacy layer (metrics.publish_shares, privacy.tabulate).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Mapping
from contextlib import suppress
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather

from analytics.settings import load_settings
from analytics.sql_files import sql
from analytics.warehouse import cursor, data_key, is_read_only, registered

log = logging.getLogger(__name__)

Stamp = tuple[str, int, int]  # warehouse.data_key: (file, data_version, data_stamp)

# Current staffing and enrollment rows from which the writer keeps the cut (13,000 organizations: 8 million);
# $DASHBOARD_KEEP_FROM_ROWS sets another (0: always).
KEEP_FROM_ROWS = 1_000_000


def keep_from_rows() -> int:
    return int(os.environ.get("DASHBOARD_KEEP_FROM_ROWS", KEEP_FROM_ROWS))


@cache
def _code() -> str:
    """A fingerprint of the code that cuts (every file of the analytics package): frames kept by another
    version of the dashboard are never read (it may cut differently), and are replaced on its first start."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.sql")]):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _prefix() -> str:
    """What every kept name starts with: the code's fingerprint and the settings the cut depends on."""
    return f"{_code()}/{load_settings().complete_share!r}/"


def read(con: duckdb.DuckDBPyConnection, stamp: Stamp, names: list[str]) -> dict[str, pd.DataFrame] | None:
    """The frames `names` kept for the data `stamp` by this code, or None unless every one of them is kept."""
    prefix = _prefix()
    with cursor(con) as cur:
        try:
            rows = cur.execute(
                sql("kept_frames_of_stamp"), {"data_stamp": stamp[2], "names": [prefix + n for n in names]}
            ).fetchall()
        except duckdb.CatalogException:  # a warehouse from before migration 014, opened read-only
            return None
    found = {name.removeprefix(prefix): payload for name, payload in rows}
    if any(name not in found for name in names):
        return None
    return {name: _frame(found[name]) for name in names}


def keep(con: duckdb.DuckDBPyConnection) -> bool:
    """Work out and keep the frames of the data the warehouse has now (after a write committed, on the
    writer's connection); True if kept. Never raises: what is kept only saves time, and a write that
    succeeded must not look failed because of it (a page then cuts the blocks itself, as before)."""
    try:
        if is_read_only(con):
            return False
        with cursor(con) as cur:
            before = data_key(cur)
            if before is None or not cur.execute(sql("kept_frames_table_exists")).fetchall()[0][0]:
                return False  # (a warehouse before migration 006 or 014: its migrations keep them once done)
            if cur.execute(sql("kept_frames_worth_keeping")).fetchall()[0][0] < keep_from_rows():
                return False
            params = {"data_stamp": before[2], "prefix": _prefix()}
            if cur.execute(sql("kept_frames_count"), params).fetchall()[0][0]:
                return True  # kept already (a start after the write that kept them)
        frames = {_prefix() + name: _payload(frame) for name, frame in _kept_frames(con).items()}
        with cursor(con) as cur:
            if data_key(cur) != before:  # another writer changed the data meanwhile: these are of neither
                return False
            _write(cur, before, frames)
        return True
    except Exception:  # (see the docstring)
        log.exception("keeping the cut blocks of the new data failed; pages will cut them themselves")
        return False


def _kept_frames(con: duckdb.DuckDBPyConnection) -> Mapping[str, pd.DataFrame]:
    from analytics import metrics  # (metrics reads what is kept here)

    return metrics.frames_to_keep(con)


def _write(cur: duckdb.DuckDBPyConnection, stamp: Stamp, frames: dict[str, bytes]) -> None:
    from analytics.writes import is_write_conflict

    table = pa.table({"name": list(frames), "payload": pa.array(list(frames.values()), type=pa.binary())})
    params = {"data_version": stamp[1], "data_stamp": stamp[2]}
    try:
        cur.execute(sql("transaction_begin"))
        cur.execute(sql("kept_frames_forget"), params)
        with registered(cur, "incoming_kept_frames", table):
            cur.execute(sql("kept_frames_add"), params)
        cur.execute(sql("transaction_commit"))
    except duckdb.Error as problem:
        with suppress(duckdb.Error):
            cur.execute(sql("transaction_rollback"))
        if not is_write_conflict(problem):  # a conflict: another writer's keep of newer data won
            raise


def _payload(frame: pd.DataFrame) -> bytes:
    sink = pa.BufferOutputStream()
    feather.write_feather(pa.Table.from_pandas(frame, preserve_index=False), sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def _frame(payload: bytes) -> pd.DataFrame:
    return feather.read_table(pa.BufferReader(payload)).to_pandas()
