"""Backups and a warehouse that cannot be opened: `backup` makes a consistent copy and `restore-backup` puts it
back; a busy, damaged or read-only warehouse is said plainly (what is wrong, what to do) by the command line
and by the app, never as a bare error box, and a damaged one names the last backup."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from builders import ROOT_DIR, contents
from unwritable import REFUSALS, read_only, run_command_line
from upload_files import csv_bytes

from analytics import cli
from analytics.backup import latest_backup
from analytics.trouble import diagnose

TEMPLATE = ["School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"]


def read(element) -> str:
    """What a message says to a reader (its Markdown escapes undone)."""
    return re.sub(r"\\(.)", r"\1", element.value)


def import_one(db: Path, tmp_path: Path, fte: str = "90") -> None:
    f = tmp_path / f"teachers-{fte}.csv"
    f.write_bytes(csv_bytes([TEMPLATE, ["2023-24", "350000", "Teacher", "White", fte]]))
    assert cli.main(["import", "staffing", str(f), "--db", str(db)]) == 0


def test_a_backup_restores_exactly_what_was_there(sample_db, tmp_path, capsys):
    before = contents(sample_db)
    assert cli.main(["backup", "--db", str(sample_db)]) == 0
    backup = latest_backup(sample_db)
    assert backup is not None and backup.parent == sample_db.parent / "backups"
    uploads = len(before["uploads"])
    assert f"backed up {sample_db} to {backup} ({uploads} uploads" in capsys.readouterr().out
    assert contents(backup) == before

    import_one(sample_db, tmp_path)  # a change after the backup
    assert contents(sample_db) != before
    assert cli.main(["restore-backup", "--db", str(sample_db), "--from", str(backup)]) == 0
    said = capsys.readouterr().out
    assert contents(sample_db) == before
    kept = next(sample_db.parent.glob("warehouse.replaced-*.duckdb"))
    assert f"the file it replaced is kept as {kept}" in said
    # The restored warehouse goes on numbering uploads where the backup left off.
    import_one(sample_db, tmp_path, "80")
    assert f"upload {uploads + 1}" in capsys.readouterr().out


def test_a_backup_never_overwrites_a_file(sample_db, tmp_path, capsys):
    out = tmp_path / "taken.duckdb"
    out.write_bytes(b"something else")
    assert cli.main(["backup", "--db", str(sample_db), "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert out.read_bytes() == b"something else"


def test_a_damaged_warehouse_is_named_with_its_last_backup(sample_db, tmp_path, capsys, open_app):
    assert cli.main(["backup", "--db", str(sample_db)]) == 0
    backup = latest_backup(sample_db)
    capsys.readouterr()
    data = sample_db.read_bytes()
    sample_db.write_bytes(data[: len(data) // 3])  # a copy cut short, a disk that filled up
    assert cli.main(["metrics", "--db", str(sample_db)]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"Error: The warehouse file {sample_db} is damaged")
    assert f"restore-backup --db {sample_db} --from {backup}" in line

    at = open_app(sample_db)
    assert at.title[0].value == "The dashboard cannot open its data just now"
    assert "is damaged" in read(at.error[0])
    assert f"restore-backup --db {sample_db} --from {backup}" in read(at.info[0])

    assert cli.main(["restore-backup", "--db", str(sample_db), "--from", str(backup)]) == 0
    assert cli.main(["metrics", "--db", str(sample_db)]) == 0


def test_a_damaged_backup_is_refused_and_the_warehouse_left_alone(sample_db, tmp_path, capsys):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a database" * 100)
    before = contents(sample_db)
    assert cli.main(["restore-backup", "--db", str(sample_db), "--from", str(bad)]) == 1
    assert "the backup" in capsys.readouterr().err
    assert contents(sample_db) == before


def test_a_busy_warehouse_is_said_plainly_by_the_app(sample_db, open_app):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; sys.path.insert(0, sys.argv[1]); from analytics.warehouse import connect; "
            "c = connect(sys.argv[2]); print('open', flush=True); time.sleep(60)",
            str(ROOT_DIR),
            str(sample_db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        at = open_app(sample_db)
        assert "Another program has the warehouse" in read(at.error[0])
        assert f"process {holder.pid}" in read(at.error[0])
        assert "Wait for it to finish, then try again (reload the page)" in read(at.info[0])
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.2)
    assert not open_app(sample_db).exception  # once the other program is gone, the next load opens it


@pytest.mark.parametrize(
    ("message", "kind", "says"),
    [
        (
            'IO Error: Cannot open file "/srv/data/warehouse.duckdb": Permission denied',
            "read-only",
            "write access",
        ),
        ("IO Error: Cannot open file: Read-only file system", "read-only", "DASHBOARD_DB"),
        (
            'IO Error: The file "/x.duckdb" exists, but it is not a valid DuckDB database file!',
            "damaged",
            "backup",
        ),
        (
            "IO Error: Trying to read a database file with version number 999, but we can only read versions "
            "between 64 and 68. The database file was created with an newer version of DuckDB.",
            "newer",
            "EXPORT DATABASE",
        ),
        ("IO Error: something nobody foresaw", "other", "disk is not full"),
    ],
)
def test_each_trouble_says_what_to_do(message, kind, says, tmp_path):
    trouble = diagnose(duckdb.IOException(message), tmp_path / "warehouse.duckdb")
    assert trouble.kind == kind and says in trouble.message


# --- a backup that cannot be written, a shared warehouse set to another data folder --------------------------


def test_a_backup_into_a_read_only_folder_names_it_and_leaves_nothing(sample_db, tmp_path):
    locked = read_only(tmp_path / "locked")
    for out, folder in ((locked / "w.duckdb", locked), (locked / "2025" / "w.duckdb", locked)):
        done = run_command_line("backup", "--db", sample_db, "--out", out, read_only_folder=locked)
        assert done.returncode == 1, done.stderr
        (line,) = done.stderr.splitlines()
        assert line.startswith(f"Error: The backup {out} could not be written in {folder} ("), line
        assert any(r in line for r in REFUSALS), line
        assert line.endswith(
            "nothing was written. Give this account write access to that folder, or choose another file with "
            "--out FILE."
        )
        assert "unexpected" not in line and list(locked.iterdir()) == []


def test_the_default_backup_beside_a_warehouse_in_a_read_only_folder_names_that_folder(sample_db, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    db = locked / "warehouse.duckdb"
    db.write_bytes(sample_db.read_bytes())
    before = contents(db)
    read_only(locked)
    done = run_command_line("backup", "--db", db, read_only_folder=locked)
    assert done.returncode == 1, done.stderr
    (line,) = done.stderr.splitlines()
    assert (
        line.startswith(f"Error: The backup {locked}/backups/warehouse-") and f"written in {locked} (" in line
    )
    assert "--out FILE" in line and sorted(p.name for p in locked.iterdir()) == ["warehouse.duckdb"]
    locked.chmod(0o755)
    assert contents(db) == before


def test_a_shared_warehouse_set_to_another_data_folder_says_which_and_what_to_do(
    postgres, tmp_path, capsys, monkeypatch
):
    lake = postgres.catalog(postgres.database())
    first, moved = tmp_path / "lake-data", tmp_path / "elsewhere"
    monkeypatch.setenv("DASHBOARD_DATA_PATH", str(first))
    assert cli.main(["init", "--db", lake]) == 0
    capsys.readouterr()
    monkeypatch.setenv("DASHBOARD_DATA_PATH", str(moved))
    for command in (["metrics"], ["uploads"], ["init"], ["backup", "--out", str(tmp_path / "b.duckdb")]):
        assert cli.main([*command, "--db", lake]) == 1, command
        (line,) = capsys.readouterr().err.splitlines()
        assert line == (
            f"Error: The shared warehouse's catalog keeps its data files in {first}/, but this server is set to "
            f"use {moved}/ (DASHBOARD_DATA_PATH). Set DASHBOARD_DATA_PATH to {first}/, the folder every server "
            "sharing this warehouse uses, or leave it unset to use the catalog's; then try again."
        ), command
    monkeypatch.delenv("DASHBOARD_DATA_PATH")
    assert cli.main(["metrics", "--db", lake]) == 0  # unset, the catalog's own folder is used


def test_a_viewers_refusal_beside_a_running_dashboard_says_it_could_not_be_recorded(sample_db, tmp_path):
    """The running dashboard keeps the file open read-only: the refusal cannot be written to the audit log
    then, and says so; the command is refused all the same, and nothing changes."""
    before = contents(sample_db)
    backup = tmp_path / "old.duckdb"
    backup.write_bytes(b"never read")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; sys.path.insert(0, sys.argv[1]); from analytics.warehouse import connect; "
            "c = connect(sys.argv[2], read_only=True); print('open', flush=True); time.sleep(60)",
            str(ROOT_DIR),
            str(sample_db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "analytics",
                "restore-backup",
                "--db",
                str(sample_db),
                "--from",
                str(backup),
            ],
            cwd=ROOT_DIR,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "DASHBOARD_OPERATOR_ROLE": "viewer"},
        )
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1
    refusal, unrecorded = done.stderr.splitlines()
    assert refusal.startswith(
        "Error: the command line acts as a viewer here (DASHBOARD_OPERATOR_ROLE=viewer)"
    )
    assert unrecorded.startswith(
        "The refusal could not be recorded in the audit log: Another program has the"
    )
    assert f"process {holder.pid}" in unrecorded
    assert contents(sample_db) == before and backup.read_bytes() == b"never read"
