"""The command line beside a running dashboard, on the embedded file: the dashboard keeps the warehouse
read-only between its saves, so `metrics`, `uploads` and `backup` read it while it runs; `import` is refused
in one line (the Upload page is the way in then); a save on the page waits while a command reads, and says so
if the wait is too long. (The dashboard runs in this process through AppTest; the commands run as other
processes, as they would on a server.)"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest
from builders import ROOT_DIR, table_contents
from upload_files import csv_bytes

from analytics.warehouse import connect

ONE_ROW = csv_bytes(
    [
        ["School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"],
        ["2025-26", "00350000", "Superintendent", "Black", "1"],
    ]
)


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analytics", *args],
        cwd=ROOT_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def reader(db, seconds: float) -> subprocess.Popen:
    """Another process reading the warehouse (as a long export or backup would) for `seconds`."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; sys.path.insert(0, sys.argv[1]); from analytics.warehouse import connect; "
            "c = connect(sys.argv[2], read_only=True); print('open', flush=True); time.sleep(float(sys.argv[3]))",
            str(ROOT_DIR),
            str(db),
            str(seconds),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "open"
    return holder


@pytest.fixture
def running(sample_db, open_app):
    """The dashboard open on a copy of the sample warehouse (its Upload page, to save from)."""
    return open_app(sample_db, script="app_pages/upload.py")


def save_on_the_page(at, name: str = "boston.csv") -> str:
    at.file_uploader(key="upload_file").set_value((name, ONE_ROW, "text/csv"))
    at.run()
    at.button(key="upload_save").click().run()
    return re.sub(r"\\(.)", r"\1", " ".join(m.value for m in [*at.success, *at.error]))


def test_reading_commands_work_while_the_dashboard_runs(running, sample_db, tmp_path):
    metrics = cli("metrics", "--json", "--db", str(sample_db))
    assert metrics.returncode == 0, metrics.stderr
    assert json.loads(metrics.stdout)["superintendents"]["by_year"]
    uploads = cli("uploads", "--db", str(sample_db))
    assert uploads.returncode == 0 and "staffing.csv" in uploads.stdout
    backup = cli("backup", "--db", str(sample_db), "--out", str(tmp_path / "copy.duckdb"))
    assert backup.returncode == 0, backup.stderr
    # A save on the page afterwards works, and the commands see it at once.
    assert "was saved as upload" in save_on_the_page(running)
    after = cli("uploads", "--db", str(sample_db))
    assert after.returncode == 0 and "boston.csv" in after.stdout


def test_an_import_beside_the_dashboard_is_refused_in_one_line(running, sample_db, tmp_path):
    f = tmp_path / "one.csv"
    f.write_bytes(ONE_ROW)
    refused = cli("import", "staffing", str(f), "--db", str(sample_db))
    assert refused.returncode == 1
    (line,) = refused.stderr.splitlines()
    assert "is open in another program (is the dashboard running?)" in line
    assert "boston.csv" not in cli("uploads", "--db", str(sample_db)).stdout


def test_a_save_waits_while_a_command_reads(running, sample_db):
    holder = reader(sample_db, 2.0)
    started = time.monotonic()
    said = save_on_the_page(running)
    holder.wait()
    assert "was saved as upload" in said
    assert time.monotonic() - started >= 1.0  # it waited for the reader to finish


def test_a_save_that_waits_too_long_says_why_and_saves_nothing(running, sample_db, monkeypatch):
    from ui import data

    monkeypatch.setattr(data, "WRITE_WAIT_SECONDS", 1.0)
    holder = reader(sample_db, 30.0)
    try:
        said = save_on_the_page(running)
    finally:
        holder.kill()
        holder.wait()
    assert "Nothing was saved: Another program has the warehouse" in said and "try again" in said
    running.run()  # the page still works (read-only again)
    assert not running.exception
    with connect(sample_db) as con:
        assert "boston.csv" not in {r[2] for r in table_contents(con)["uploads"]}
