"""`python -m analytics import` end to end: history, supersede, rollback, and a save killed half-way
leaves all of the upload or none of it."""

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from builders import ROOT_DIR, add, contents, new_warehouse, staffing, table_contents
from upload_files import csv_bytes

from analytics import cli
from analytics import definitions as d
from analytics.settings import load_settings
from analytics.warehouse import connect

TEMPLATE = ["School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"]


def teacher_share(db, org="00350000", year="2023-24"):
    con = connect(db)
    try:
        return con.execute(
            "SELECT sum(fte) FILTER (WHERE race <> 'White') / sum(fte) FROM current_staffing "
            "WHERE org_code = ? AND school_year = ? AND job_class = 'Teacher'",
            [org, year],
        ).fetchall()[0][0]
    finally:
        con.close()


def test_import_supersede_history_rollback_and_restore(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_bytes(
        csv_bytes(
            [
                TEMPLATE,
                ["2023-24", "350000", "Teacher", "White", "90"],
                ["2023-24", "350000", "Teacher", "Asian", "10"],
            ]
        )
    )
    second.write_bytes(
        csv_bytes(
            [
                TEMPLATE,
                ["2023-24", "350000", "Teacher", "White", "80"],
                ["2023-24", "350000", "Teacher", "Asian", "20"],
            ]
        )
    )
    assert cli.main(["import", "staffing", str(first), "--db", str(db), "--who", "clerk"]) == 0
    assert cli.main(["import", "staffing", str(second), "--db", str(db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("upload 2") and out[1].endswith("upload 3")
    assert teacher_share(db) == pytest.approx(0.2)

    assert cli.main(["uploads", "--db", str(db)]) == 0
    history = capsys.readouterr().out
    assert (
        "second.csv" in history
        and "first.csv" in history
        and "superseded" in history
        and "by clerk" in history
    )

    assert cli.main(["rollback", "3", "--db", str(db)]) == 0
    assert "rolled back" in capsys.readouterr().out
    assert teacher_share(db) == pytest.approx(0.1)  # the one it superseded counts again
    assert cli.main(["restore", "3", "--db", str(db)]) == 0
    assert teacher_share(db) == pytest.approx(0.2)
    assert cli.main(["rollback", "99", "--db", str(db)]) == 1
    assert "no upload number 99" in capsys.readouterr().err


def test_dry_run_saves_nothing(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    con = new_warehouse(db)
    before = table_contents(con)
    con.close()
    f = tmp_path / "t.csv"
    f.write_bytes(csv_bytes([TEMPLATE, ["2023-24", "350000", "Teacher", "Asian", "2"]]))
    assert cli.main(["import", "staffing", str(f), "--db", str(db), "--dry-run"]) == 0
    assert "nothing saved" in capsys.readouterr().out
    con = connect(db)
    assert table_contents(con) == before
    con.close()


def big_template(path, orgs=80):
    """About 100,000 distinct fact rows: 80 organizations x 20 years x 8 job classes x 8 races."""
    years = d.school_years_between("2005-06", "2024-25")
    lines = [",".join(TEMPLATE)]
    for i in range(1, orgs + 1):
        code = f"{9000 + i:04d}0000"
        for y in years:
            for jc in d.JOB_CLASSES:
                for race in d.ALL_RACES:
                    lines.append(f"{y},{code},{jc},{race},1.5")
    path.write_text("\r\n".join(lines) + "\r\n")
    return len(lines) - 1


KILLABLE = """
import pathlib, sys, time
sys.path.insert(0, {root!r})
from analytics import cli, store
original = store.refresh_statuses
def in_the_middle(con, kind):
    original(con, kind)  # the facts are written; the transaction is still open
    pathlib.Path({marker!r}).write_text("saving")
    time.sleep(120)
store.refresh_statuses = in_the_middle
sys.exit(cli.main(["import", "staffing", {file!r}, "--db", {db!r}]))
"""


def _warehouse_with_one_upload(db):
    con = new_warehouse(db)
    add(con, "staffing", staffing("2023-24", "00350000", "Teacher", White=90, Asian=10))
    before = table_contents(con)
    con.close()
    return before


def _import_in_new_process(file, db) -> subprocess.CompletedProcess:
    """`python -m analytics import staffing FILE --db DB`, as a clerk runs it: its own process, run to the end."""
    return subprocess.run(
        [sys.executable, "-m", "analytics", "import", "staffing", str(file), "--db", str(db)],
        cwd=ROOT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _staffing_rows(db) -> int:
    con = connect(db)
    try:
        return con.execute("SELECT count(*) FROM staffing").fetchall()[0][0]
    finally:
        con.close()


@pytest.mark.embedded_only("kills a command line started in another process on a file path")
def test_killing_the_import_in_the_middle_of_saving_leaves_none_of_it(tmp_path):
    db, big, marker = tmp_path / "w.duckdb", tmp_path / "big.csv", tmp_path / "saving"
    n = big_template(big)
    before = _warehouse_with_one_upload(db)
    script = KILLABLE.format(root=str(ROOT_DIR), marker=str(marker), file=str(big), db=str(db))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the import never reached the middle of its save"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    con = connect(db)  # reopens (replaying its log) with the upload wholly absent
    assert table_contents(con) == before
    con.close()
    # And the same file, left to finish, is there in full.
    done = _import_in_new_process(big, db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"imported staffing: {n:,} rows")
    assert _staffing_rows(db) == len(before["staffing"]) + n


@pytest.mark.embedded_only("kills a command line started in another process on a file path")
@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
def test_killing_the_import_at_any_moment_leaves_all_or_nothing(tmp_path, delay):
    db, big = tmp_path / "w.duckdb", tmp_path / "big.csv"
    n = big_template(big)
    before = _warehouse_with_one_upload(db)
    proc = subprocess.Popen(
        [sys.executable, "-m", "analytics", "import", "staffing", str(big), "--db", str(db)],
        cwd=ROOT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    rows = _staffing_rows(db)
    assert rows in (len(before["staffing"]), len(before["staffing"]) + n)
    con = connect(db)
    uploads = con.execute("SELECT count(*) FROM uploads").fetchall()[0][0]
    con.close()
    assert uploads == len(before["uploads"]) + (rows > len(before["staffing"]))


@pytest.mark.embedded_only("one process holds a DuckDB file; a lake has many writers")
def test_an_import_while_the_dashboard_has_the_warehouse_open_says_so_and_changes_nothing(tmp_path):
    db, f = tmp_path / "w.duckdb", tmp_path / "t.csv"
    before = _warehouse_with_one_upload(db)
    f.write_bytes(csv_bytes([TEMPLATE, ["2023-24", "350000", "Teacher", "Asian", "2"]]))
    holder = connect(db)  # as the running dashboard holds it
    try:
        refused = _import_in_new_process(f, db)
        assert refused.returncode == 1
        assert "is open in another program (is the dashboard running?)" in refused.stderr
        assert table_contents(holder) == before
    finally:
        holder.close()
    # Closed, the file is free: the same import goes through.
    done = _import_in_new_process(f, db)
    assert done.returncode == 0, done.stderr
    assert _staffing_rows(db) == len(before["staffing"]) + 1


def test_importing_the_same_file_again_says_so_and_keeps_the_contract(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    first = tmp_path / "first.csv"
    first.write_bytes(
        csv_bytes(
            [
                TEMPLATE,
                ["2023-24", "350000", "Teacher", "White", "90"],
                ["2023-24", "350000", "Teacher", "Asian", "10"],
            ]
        )
    )
    assert cli.main(["import", "staffing", str(first), "--db", str(db), "--who", "clerk@x"]) == 0
    assert "already saved" not in capsys.readouterr().err
    copy = tmp_path / "copy.csv"
    copy.write_bytes(first.read_bytes())

    assert cli.main(["import", "staffing", str(copy), "--db", str(db), "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert re.search(
        r"^Warning: This file is already saved as upload 2 on \d{4}-\d\d-\d\d \d\d:\d\d by clerk@x \(command line\) "
        r"\(the same bytes, “first.csv”\); nothing saved \(--dry-run\)\.$",
        err,
        re.MULTILINE,
    ), err

    assert cli.main(["import", "staffing", str(copy), "--db", str(db)]) == 0  # saved, exit 0, as before
    out, err = capsys.readouterr()
    assert out.strip().endswith("upload 3")
    assert "already saved as upload 2" in err and "saved again as upload 3." in err

    assert cli.main(["rollback", "3", "--db", str(db)]) == 0
    capsys.readouterr()
    assert cli.main(["import", "staffing", str(first), "--db", str(db), "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert "already saved as upload 3" in err and "(the same bytes, “copy.csv”, since rolled back)" in err, (
        err
    )


def two_teacher_files(tmp_path):
    first = tmp_path / "first.csv"
    first.write_bytes(csv_bytes([TEMPLATE, ["2023-24", "350000", "Teacher", "White", "90"]]))
    return first


def test_the_command_line_acts_as_a_named_operator_recorded_in_the_audit_log(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DASHBOARD_OPERATOR", "DESE data team")
    load_settings.cache_clear()
    try:
        db = tmp_path / "w.duckdb"
        assert cli.main(["import", "staffing", str(two_teacher_files(tmp_path)), "--db", str(db)]) == 0
        assert cli.main(["rollback", "2", "--db", str(db), "--who", "dana"]) == 0
    finally:
        monkeypatch.delenv("DASHBOARD_OPERATOR")
        load_settings.cache_clear()
    with connect(db) as con:
        log = con.execute("SELECT who, role, action, upload_id FROM audit_log WHERE upload_id = 2").fetchall()
    assert log == [
        ("DESE data team (command line)", "reviewer", "saved", 2),  # counted at once: a reviewer's import
        ("dana (command line)", "reviewer", "rolled back", 2),
    ]


def test_a_read_only_command_line_refuses_every_write_and_changes_nothing(tmp_path, capsys, monkeypatch):
    db = tmp_path / "w.duckdb"
    assert cli.main(["import", "staffing", str(two_teacher_files(tmp_path)), "--db", str(db)]) == 0
    capsys.readouterr()
    before = contents(db)
    monkeypatch.setenv("DASHBOARD_OPERATOR_ROLE", "viewer")
    load_settings.cache_clear()
    try:
        second = tmp_path / "second.csv"
        second.write_bytes(csv_bytes([TEMPLATE, ["2023-24", "350000", "Teacher", "White", "80"]]))
        assert cli.main(["import", "staffing", str(second), "--db", str(db)]) == 1
        assert "you are signed in as a viewer" in capsys.readouterr().err
        for command, refusal in (
            (["rollback", "2"], "Only DESE reviewers can roll back uploads; you are signed in as a viewer."),
            (["restore", "2"], "Only DESE reviewers can restore a rolled-back upload"),
            (["uploads"], "The upload history is for district uploaders and DESE"),
        ):
            assert cli.main([*command, "--db", str(db)]) == 1, command
            assert refusal in capsys.readouterr().err
        assert cli.main(["metrics", "--db", str(db)]) == 0  # reading is still allowed
    finally:
        monkeypatch.delenv("DASHBOARD_OPERATOR_ROLE")
        load_settings.cache_clear()
    assert contents(db) == before
