"""Backups of the warehouse file: where they go, the newest one, and writing one."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime
from pathlib import Path

import duckdb

from analytics.paths import CATALOG
from analytics.sql_files import quote_identifier, sql

BACKUP_DIR_NAME = "backups"  # beside the warehouse file: data/backups/ for data/warehouse.duckdb
_BACKUP = "warehouse_backup"  # the name a backup being written is attached under


def backup_dir(path: str | Path) -> Path:
    """Where backups of the warehouse at `path` go by default: a backups/ folder beside it."""
    return Path(path).resolve().parent / BACKUP_DIR_NAME


def latest_backup(path: str | Path) -> Path | None:
    """The newest backup of the warehouse at `path` in its backups folder, if any."""
    found = sorted(backup_dir(path).glob(f"{Path(path).stem}-*.duckdb"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def backup_age(path: Path) -> str:
    """When the backup at `path` was made, in words."""
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
    # ATTACH takes no parameters: the path is quoted as a string literal.
    quoted = "'" + str(out).replace("'", "''") + "'"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"ATTACH {quoted} AS {quote_identifier(_BACKUP)}")
        con.execute(sql("backup_copy", catalog=CATALOG, backup=_BACKUP))
    except BaseException as problem:
        with suppress(duckdb.Error):
            con.execute(sql("backup_detach", backup=_BACKUP))
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
    con.execute(sql("backup_detach", backup=_BACKUP))
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
