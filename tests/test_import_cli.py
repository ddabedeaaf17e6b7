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


@pytest.fixture
def read_only_command_line(monkeypatch):
    """The deployment setting that makes the command line a viewer's (DASHBOARD_OPERATOR_ROLE=viewer)."""
    monkeypatch.setenv("DASHBOARD_OPERATOR_ROLE", "viewer")
    monkeypatch.setenv("DASHBOARD_OPERATOR", "night shift")
    load_settings.cache_clear()
    yield
    monkeypatch.delenv("DASHBOARD_OPERATOR_ROLE")
    monkeypatch.delenv("DASHBOARD_OPERATOR")
    load_settings.cache_clear()


def without_audit(tables: dict) -> dict:
    """Every table but the audit log (and its id counter): what a refusal must leave as it was."""
    kept = {name: rows for name, rows in tables.items() if name != "audit_log"}
    kept["warehouse_meta"] = [row for row in kept["warehouse_meta"] if row[0] != "audit_event_id"]
    return kept


def refusals(db) -> list[tuple]:
    with connect(db) as con:
        return con.execute(
            "SELECT who, role, detail FROM audit_log WHERE action = 'refused' ORDER BY event_id"
        ).fetchall()


# Every command that writes (or shows more than a viewer sees), as a read-only command line's operator
# would type it; and a word of what the refusal says it may not do.
VIEWER_REFUSED = [
    (["seed-sample"], "load the bundled sample data"),
    (["seed-sample", "--force"], "load the bundled sample data"),
    (["import", "staffing", "{second}"], "save a file as an upload"),
    (["import", "staffing", "{second}", "--dry-run"], "save a file as an upload"),
    (["rollback", "2"], "roll back an upload"),
    (["restore", "2"], "restore a rolled-back upload"),
    (["restore-backup", "--from", "{backup}"], "put a backup in the warehouse's place"),
    (["backup", "--out", "{copy}"], "copy the whole warehouse"),
    (["uploads"], "list the uploads"),
]


def test_a_read_only_command_line_refuses_every_write_changes_nothing_and_audits_each_refusal(
    tmp_path, capsys, read_only_command_line, monkeypatch
):
    db = tmp_path / "w.duckdb"
    with monkeypatch.context() as as_reviewer:
        as_reviewer.setenv("DASHBOARD_OPERATOR_ROLE", "reviewer")
        load_settings.cache_clear()
        assert cli.main(["import", "staffing", str(two_teacher_files(tmp_path)), "--db", str(db)]) == 0
    load_settings.cache_clear()
    capsys.readouterr()
    before = contents(db)
    second, backup, copy = tmp_path / "second.csv", tmp_path / "old.duckdb", tmp_path / "copy.duckdb"
    second.write_bytes(csv_bytes([TEMPLATE, ["2023-24", "350000", "Teacher", "White", "80"]]))
    backup.write_bytes(b"a backup nobody may put back")
    files = {"second": second, "backup": backup, "copy": copy}
    for command, refused in VIEWER_REFUSED:
        typed = [word.format(**files) for word in command]
        assert cli.main([*typed, "--db", str(db)]) == 1, command
        err = capsys.readouterr().err.splitlines()
        assert err[0].startswith(
            "Error: the command line acts as a viewer here (DASHBOARD_OPERATOR_ROLE=viewer)"
        )
        assert refused in err[0] and err[0].endswith("nothing was changed."), err
        assert err[1] == "The refusal is recorded in the audit log, as night shift (command line).", err
    # Nothing changed but the audit log, which holds one line per refusal: who, in which role, what, why.
    assert without_audit(contents(db)) == without_audit(before)
    logged = refusals(db)
    assert len(logged) == len(VIEWER_REFUSED)
    for (who, role, detail), (command, refused) in zip(logged, VIEWER_REFUSED, strict=True):
        assert (who, role) == ("night shift (command line)", "viewer")
        assert (
            detail.startswith(f"`{command[0]}")
            and refused in detail
            and "DASHBOARD_OPERATOR_ROLE=viewer" in detail
        )
    assert "`seed-sample --force` (DASHBOARD_OPERATOR_ROLE=viewer)" in logged[1][2]
    assert "`rollback 2`" in logged[4][2]
    # restore-backup touched neither file; backup wrote none.
    assert backup.read_bytes() == b"a backup nobody may put back"
    assert not list(tmp_path.glob("w.replaced-*")) and not copy.exists()
    # Reading is still allowed; init has nothing to do, so it is done.
    assert cli.main(["metrics", "--db", str(db)]) == 0
    assert cli.main(["init", "--db", str(db)]) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert without_audit(contents(db)) == without_audit(before)


def test_a_read_only_command_line_creates_no_warehouse(tmp_path, capsys, read_only_command_line):
    db = tmp_path / "new" / "w.duckdb"
    for command in (["init"], ["seed-sample"], ["metrics"]):
        assert cli.main([*command, "--db", str(db)]) == 1, command
        err = capsys.readouterr().err
        assert f"no warehouse at {db}" in err, err
    assert not db.exists()


def test_a_read_only_command_line_brings_no_warehouse_up_to_date(tmp_path, capsys, read_only_command_line):
    db = tmp_path / "w.duckdb"
    con = new_warehouse(db)
    con.execute("DELETE FROM schema_version WHERE version > 9")  # as a file from before migration 010
    before = table_contents(con)
    con.close()
    assert cli.main(["init", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "a viewer may not bring the warehouse up to date (schema version 9 to" in err
    assert "could not be recorded in the audit log: the warehouse" in err and "older version" in err
    assert cli.main(["metrics", "--db", str(db)]) == 1
    assert "a reviewer brings it up to date with `init`" in capsys.readouterr().err
    with connect(db, read_only=True) as con:  # (opened for writing, it would be brought up to date)
        assert table_contents(con) == before


def test_seed_sample_is_recorded_as_the_operator_who_ran_it(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    assert cli.main(["seed-sample", "--db", str(db), "--who", "dana"]) == 0
    with connect(db) as con:
        uploaders = con.execute("SELECT DISTINCT uploaded_by FROM uploads WHERE is_sample").fetchall()
        audited = con.execute(
            "SELECT DISTINCT who, role FROM audit_log WHERE upload_id IN (SELECT upload_id FROM uploads "
            "WHERE is_sample)"
        ).fetchall()
    assert uploaders == [("dana (command line)",)]
    assert audited == [("dana (command line)", "reviewer")]
