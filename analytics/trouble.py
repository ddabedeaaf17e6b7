"""When the warehouse cannot be opened: what the failure means, in words for the person running the
dashboard, and what to do about it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from analytics import ducklake
from analytics.backup import backup_age, backup_dir, latest_backup


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
            f"Restore the last backup, {backup} ({backup_age(backup)}): stop the dashboard, run "
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
