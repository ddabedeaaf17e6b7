"""The shared warehouse (DuckLake, its catalog in PostgreSQL): the same schema as the embedded file, writers in
several processes that never lose each other's work, and app processes that each see the others' uploads.

A throw-away PostgreSQL serves the session (conftest's `postgres`); `pytest --warehouse=ducklake` runs the
warehouse, ingest and command-line modules on DuckLake as well."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from builders import TESTS, add, new_warehouse, staffing

from analytics import ducklake, store
from analytics.ducklake import is_lake
from analytics.schema import migrations, schema_version
from analytics.warehouse import connect, connect_lake, data_key

ROOT = Path(__file__).resolve().parent.parent


def schema(con) -> dict[str, list]:
    """Tables with their columns (name, type, nullable) in order, views, macros and sequences."""
    columns = con.execute(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_catalog = current_database() ORDER BY table_name, ordinal_position"
    ).fetchall()
    views = con.execute(
        "SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal "
        "ORDER BY 1"
    ).fetchall()
    macros = con.execute(
        "SELECT function_name, function_type FROM duckdb_functions() "
        "WHERE database_name = current_database() AND function_type LIKE '%macro' ORDER BY 1"
    ).fetchall()
    sequences = con.execute(
        "SELECT sequence_name FROM duckdb_sequences() WHERE database_name = current_database()"
    ).fetchall()
    return {"columns": columns, "views": views, "macros": macros, "sequences": sequences}


def test_both_backends_end_their_migrations_with_the_same_tables_columns_and_types(lakes):
    embedded = connect(":memory:")
    lake = connect_lake(lakes.new())
    assert is_lake(lake) and not is_lake(embedded)
    assert schema_version(lake) == schema_version(embedded) == max(v for v, _, _ in migrations())
    assert schema(lake) == schema(embedded)
    assert schema(lake)["sequences"] == []  # ids come from warehouse_meta's counters on both (migration 010)


@pytest.mark.parametrize(
    ("written", "as_ducklake_runs_it"),
    [
        ("CREATE SEQUENCE s START 1;\nCREATE TABLE t (a INTEGER);", "CREATE TABLE t (a INTEGER);"),
        (
            "CREATE TABLE t (id INTEGER PRIMARY KEY, k VARCHAR UNIQUE)",
            "CREATE TABLE t (id INTEGER NOT NULL, k VARCHAR )",
        ),
        (
            "CREATE TABLE t (k VARCHAR NOT NULL CHECK (k IN ('a', 'b)')), n INTEGER CHECK (n >= 0))",
            "CREATE TABLE t (k VARCHAR NOT NULL , n INTEGER )",
        ),
        (
            "CREATE TABLE t (a INTEGER,\n    CHECK ((a IS NULL) <> (b IS NULL))\n)",
            "CREATE TABLE t (a INTEGER\n)",
        ),
        (
            "CREATE TABLE t (a INTEGER, b INTEGER, PRIMARY KEY (a, b))",
            "CREATE TABLE t (a INTEGER, b INTEGER)",
        ),
        (
            "CREATE TABLE t (codes VARCHAR[] NOT NULL DEFAULT [])",
            "CREATE TABLE t (codes VARCHAR[] NOT NULL )",
        ),
        ("-- a CHECK constraint, in words\nSELECT 'PRIMARY KEY' AS check_count", None),
    ],
)
def test_what_ducklake_cannot_store_is_taken_out_of_a_migration(written, as_ducklake_runs_it):
    assert ducklake.for_ducklake(written) == (as_ducklake_runs_it or written)


def test_the_cache_key_comes_from_the_shared_catalog(lakes):
    """Two processes' connections (here: two DuckDB instances) to one lake agree on the key, and a write
    through either changes it for both: a server's cache follows another server's upload."""
    location = lakes.new()
    one = connect_lake(location)
    lakes.server.psql("SELECT 1")  # (the server is up)
    other = ducklake.connect(location, "warehouse")  # a second instance, as another server has
    assert data_key(one) == data_key(other) and data_key(one)[0].startswith("postgres:")
    before = data_key(other)
    add(new_warehouse(location), "staffing", staffing("2023-24", "00350000", "Teacher", White=9, Asian=1))
    assert data_key(other) != before and data_key(other) == data_key(one)


WRITER = """
import json, sys, time
sys.path.insert(0, {root!r}); sys.path.insert(0, {tests!r})
from builders import add, staffing
from analytics.warehouse import connect
from analytics.writes import WriteConflict
con = connect({location!r})
while time.time() < {start}:
    time.sleep(0.005)
done = []
for i in range({saves}):
    try:
        saved = add(con, "staffing", staffing("20" + str(10 + i) + "-" + str(11 + i), "{org}", "Teacher", White=i + 1, Asian={n}),
                    file_name="{name}-" + str(i) + ".csv")
        done.append(saved.upload_id)
    except WriteConflict:
        done.append(None)
print(json.dumps(done))
"""


def _python(script: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def test_two_processes_saving_at_once_both_land_or_are_told_to_try_again(lakes):
    location = lakes.new()
    new_warehouse(location).close()
    saves, start = 12, time.time() + 3
    procs = {
        org: _python(
            WRITER.format(
                root=str(ROOT),
                tests=str(ROOT / "tests"),
                location=location,
                start=start,
                saves=saves,
                org=org,
                n=n,
                name=f"writer{n}",
            ),
            DASHBOARD_DATA_PATH=str(lakes.data_path),
        )
        for n, org in enumerate(("00350000", "01490000"), start=1)
    }
    results = {}
    for org, proc in procs.items():
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results[org] = json.loads(out.strip().splitlines()[-1])
    con = connect_lake(location)
    ids = [i for done in results.values() for i in done if i is not None]
    told = sum(i is None for done in results.values() for i in done)
    assert len(ids) == len(set(ids))  # no id given twice
    assert told <= 2  # retried automatically; giving up is rare
    uploads = con.execute("SELECT upload_id, file_name FROM uploads WHERE kind = 'staffing'").fetchall()
    assert sorted(u for u, _ in uploads) == sorted(ids)  # every save told it landed is there, nothing else
    for org, done in results.items():
        rows = con.execute(
            "SELECT count(*) FROM current_staffing WHERE org_code = ? AND upload_id IN (SELECT unnest(?))",
            [org, [i for i in done if i is not None]],
        ).fetchall()[0][0]
        assert rows == 2 * sum(i is not None for i in done)  # each save's two rows, all counting
    events = con.execute("SELECT event_id FROM audit_log").fetchall()
    assert len(events) == len(set(events)) == 1 + len(ids)  # the organizations list, then every save
    saved_events = con.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'saved' AND upload_id IN (SELECT unnest(?))", [ids]
    )
    assert saved_events.fetchall()[0][0] == len(ids)
    # Rolling back and restoring on one "server" is seen by the other at once.
    other = ducklake.connect(location, "warehouse")
    store.rollback_upload(con, ids[0], actor=TESTS)
    assert other.execute("SELECT status FROM uploads WHERE upload_id = ?", [ids[0]]).fetchall() == [
        ("rolled back",)
    ]


APP = """
import json, pathlib, sys, time
sys.path.insert(0, {root!r}); sys.path.insert(0, {tests!r})
from streamlit.testing.v1 import AppTest
from builders import add, staffing
import ui.data as data

def file_names(con):
    return sorted(r[0] for r in con.execute("SELECT file_name FROM uploads").fetchall())

def wait_for(name):
    deadline = time.time() + 120
    while not pathlib.Path({folder!r}, name).exists():
        assert time.time() < deadline, name
        time.sleep(0.05)

at = AppTest.from_file({app!r}, default_timeout=120)
at.run()
assert not at.exception, [e.value for e in at.exception]
seen_first = data.call(file_names)
pathlib.Path({folder!r}, "{me}-ready").write_text("")
wait_for("{other}-ready")
with (getattr(data, "writer", None) or data.cursor)() as cur:  # the app's own door for writes
    add(cur, "staffing", staffing("2024-25", "{org}", "Teacher", White=5, Asian=5), file_name="{me}.csv")
pathlib.Path({folder!r}, "{me}-saved").write_text("")
wait_for("{other}-saved")
wait_for("cli-imported")
at.run()  # the next page load
assert not at.exception, [e.value for e in at.exception]
print(json.dumps({{"first": seen_first, "after": data.call(file_names)}}))
"""


def test_two_app_processes_and_the_command_line_share_one_lake(lakes, tmp_path):
    """Two app processes (AppTest, each its own Python) and a command-line import on one DuckLake: nothing
    is lost, and each app's next page load shows the other's upload and the import (its cache is keyed by
    the catalog's data version, not by anything in the process)."""
    location = lakes.new()
    env = {"DASHBOARD_DB": location, "DASHBOARD_DATA_PATH": str(lakes.data_path)}
    apps = {
        me: _python(
            APP.format(
                root=str(ROOT),
                tests=str(ROOT / "tests"),
                folder=str(tmp_path),
                app=str(ROOT / "app.py"),
                me=me,
                other=other,
                org=org,
            ),
            **env,
        )
        for me, other, org in (("app-a", "app-b", "00350000"), ("app-b", "app-a", "01490000"))
    }
    deadline = time.time() + 240
    while not all((tmp_path / f"{me}-saved").exists() for me in apps):
        assert time.time() < deadline and all(p.poll() is None for p in apps.values()), [
            p.communicate() for p in apps.values() if p.poll() is not None
        ]
        time.sleep(0.1)
    teachers = tmp_path / "teachers.csv"
    teachers.write_text("School Year,District Code,Job Class,Race,FTE\n2024-25,00010000,Teacher,White,1\n")
    imported = subprocess.run(
        [sys.executable, "-m", "analytics", "import", "staffing", str(teachers), "--db", location],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )
    assert imported.returncode == 0, imported.stderr
    (tmp_path / "cli-imported").write_text("")
    seen = {}
    for me, proc in apps.items():
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
        seen[me] = json.loads(out.strip().splitlines()[-1])
    for me in apps:
        assert {"app-a.csv", "app-b.csv", "teachers.csv"} <= set(seen[me]["after"]), me
        assert "teachers.csv" not in seen[me]["first"]
    con = connect_lake(location)
    staffing_uploads = con.execute("SELECT file_name FROM uploads WHERE kind = 'staffing' AND NOT is_sample")
    assert sorted(r[0] for r in staffing_uploads.fetchall()) == ["app-a.csv", "app-b.csv", "teachers.csv"]
    assert con.execute("SELECT count(*) FROM uploads WHERE is_sample AND kind = 'staffing'").fetchall() == [
        (1,)
    ]


FIRST_LOAD = """
import sys, time
sys.path.insert(0, {root!r})
from analytics.seed import ensure_ready
from analytics.warehouse import connect
con = connect({location!r})
time.sleep(max(0, {start} - time.time()))
print(ensure_ready(con))
"""


def test_servers_starting_at_once_on_an_empty_lake_load_the_sample_once(lakes):
    """Each server loads the sample into an empty warehouse on its first page; several starting at the same
    moment on one shared warehouse must not each load it (twice the people, twice the organizations)."""
    location = lakes.new()
    connect_lake(location).close()  # migrated, nothing loaded
    start = time.time() + 3
    procs = [
        _python(
            FIRST_LOAD.format(root=str(ROOT), location=location, start=start),
            DASHBOARD_DATA_PATH=str(lakes.data_path),
        )
        for _ in range(3)
    ]
    said = []
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
        said.append(out.strip().splitlines()[-1])
    assert sorted(said) == ["False", "False", "True"]  # one of them loaded it
    con = connect_lake(location)
    assert con.execute("SELECT count(*) FROM uploads WHERE is_sample AND kind = 'staffing'").fetchall() == [
        (1,)
    ]
    assert con.execute("SELECT count(*) - count(DISTINCT org_code) FROM organizations").fetchall() == [(0,)]
