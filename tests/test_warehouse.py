"""Migrations are numbered, recorded and idempotent; the current views count the newest live upload."""

import json

import duckdb
import pytest
from builders import TESTS, add, new_warehouse, staffing, table_contents

from analytics import access, schema, store
from analytics.contracts import FACT_KINDS, FELLOWS, ORGANIZATIONS, PARTICIPATION, STAFFING
from analytics.ducklake import is_lake
from analytics.schema import migrate, migrations, schema_version
from analytics.sql_files import current_table, kind_sql, quote_identifier
from analytics.warehouse import connect
from analytics.writes import data_version


def test_fresh_warehouse_is_at_the_latest_schema_version(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    versions = [v for v, _, _ in migrations()]
    assert versions == sorted(versions) and versions[0] == 1
    assert schema_version(con) == versions[-1]
    recorded = con.execute("SELECT version, name FROM schema_version ORDER BY version").fetchall()
    assert [v for v, _ in recorded] == versions
    assert recorded[0][1] == "001_core_tables"


def test_migrating_again_changes_nothing(tmp_path):
    path = tmp_path / "w.duckdb"
    con = connect(path)
    before = table_contents(con)
    assert migrate(con) == []
    con.close()
    con = connect(path)  # reopening applies nothing either
    assert table_contents(con) == before
    assert con.execute("SELECT count(*) FROM schema_version").fetchall()[0][0] == len(migrations())


def test_newer_upload_replaces_the_same_key_and_rollback_brings_the_old_back():
    con = new_warehouse()
    first = add(
        con,
        "staffing",
        staffing("2019-20", "00350000", "Teacher", White=90, Asian=10)
        + staffing("2019-20", "01490000", "Teacher", White=40, Hispanic=60),
    )
    second = add(con, "staffing", staffing("2019-20", "00350000", "Teacher", White=80, Asian=20))

    def boston_of_color():
        return con.execute(
            "SELECT sum(fte) FROM current_staffing WHERE org_code = '00350000' AND race <> 'White'"
        ).fetchall()[0][0]

    assert boston_of_color() == 20  # the newer upload wins for Boston ...
    lawrence = con.execute("SELECT sum(fte) FROM current_staffing WHERE org_code = '01490000'").fetchall()
    assert lawrence[0][0] == 100  # ... and Lawrence, which it does not cover, still counts from the first
    statuses = dict(con.execute("SELECT upload_id, status FROM uploads WHERE kind = 'staffing'").fetchall())
    assert statuses == {
        first.upload_id: "active",
        second.upload_id: "active",
    }  # the first still counts in part

    assert store.rollback_upload(con, second.upload_id, actor=TESTS) == "rolled back"
    assert boston_of_color() == 10
    assert store.restore_upload(con, second.upload_id, actor=TESTS) == "active"
    assert boston_of_color() == 20

    third = add(
        con,
        "staffing",
        staffing("2019-20", "00350000", "Teacher", White=70, Asian=30)
        + staffing("2019-20", "01490000", "Teacher", White=50, Hispanic=50),
    )
    statuses = dict(con.execute("SELECT upload_id, status FROM uploads WHERE kind = 'staffing'").fetchall())
    assert statuses == {
        first.upload_id: "superseded",
        second.upload_id: "superseded",
        third.upload_id: "active",
    }
    events = con.execute(
        "SELECT action FROM audit_log WHERE upload_id = ? ORDER BY event_id", [second.upload_id]
    ).fetchall()
    assert [e[0] for e in events] == ["saved", "rolled back", "restored"]


def test_every_write_changes_the_data_version():
    con = new_warehouse()
    v0 = data_version(con)
    up = add(con, "staffing", staffing("2019-20", "00350000", "Teacher", White=1))
    v1 = data_version(con)
    store.rollback_upload(con, up.upload_id, actor=TESTS)
    assert v0 < v1 < data_version(con)


def test_a_failing_save_leaves_the_warehouse_exactly_as_it_was(monkeypatch):
    con = new_warehouse()
    add(con, "staffing", staffing("2019-20", "00350000", "Teacher", White=90, Asian=10))
    before = table_contents(con)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "refresh_statuses", broken)  # fails after the facts were inserted
    with pytest.raises(RuntimeError):
        add(con, "staffing", staffing("2020-21", "00350000", "Teacher", White=5))
    assert table_contents(con) == before


@pytest.mark.embedded_only(
    "DuckLake has no CHECK constraints; ingest refuses a negative FTE on both (test_ingest_refusals)"
)
def test_negative_fte_is_refused_by_the_warehouse_itself():
    con = new_warehouse()
    before = table_contents(con)
    with pytest.raises(duckdb.ConstraintException):
        add(con, STAFFING, staffing("2019-20", "00350000", "Teacher", White=-1))
    assert table_contents(con) == before


def test_rolling_back_an_unknown_upload_says_so():
    con = new_warehouse()
    with pytest.raises(store.UploadNotFound, match="no upload number 42"):
        store.rollback_upload(con, 42, actor=TESTS)


@pytest.mark.embedded_only("row groups of the DuckDB file")
def test_a_large_save_lands_in_small_row_groups_and_is_all_there_after_reopening(tmp_path):
    import pandas as pd

    path = tmp_path / "w.duckdb"
    con = new_warehouse(path)
    n = 3 * 16_384 + 5  # a statewide open-data file is about twice this
    facts = pd.DataFrame(
        {
            "school_year": ["2023-24"] * n,
            "org_code": [f"{i // 64:04d}0000" for i in range(n)],
            "job_class": ["Teacher"] * n,
            "race": [("White", "Asian")[i % 2] + f" {i % 64}" for i in range(n)],
            "fte": [1.0] * n,
        }
    )
    saved = store.save_upload(con, STAFFING, facts, file_name="big.csv", sha256="x", actor=TESTS)
    other = connect(path)  # a second connection in the same process shares the open file
    assert other.execute("SELECT count(*) FROM current_staffing").fetchall()[0][0] == n
    other.close()
    con.close()
    con = connect(path)
    assert con.execute(
        "SELECT count(*), sum(fte) FROM staffing WHERE upload_id = ?", [saved.upload_id]
    ).fetchall() == [(n, float(n))]
    groups = con.execute(
        "SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('current_staffing')"
    ).fetchall()[0][0]
    assert groups >= 4  # 3 x 16,384 + 5 rows: four groups, not one of DuckDB's default 122,880
    con.close()


def accepted_by_the_warehouse(con) -> dict[tuple[str, str], set[str]]:
    """Every `column IN (...)` check of the migrated warehouse, read as DuckDB itself parses it."""
    found = {}
    checks = con.execute(
        "SELECT table_name, constraint_column_names, expression FROM duckdb_constraints() "
        "WHERE constraint_type = 'CHECK' AND database_name = current_database()"
    ).fetchall()
    for table, columns, expression in checks:
        tree = con.execute("SELECT json_serialize_sql('SELECT ' || ?)", [expression]).fetchall()[0][0]
        node = json.loads(tree)["statements"][0]["node"]["select_list"][0]
        if node["type"] == "COMPARE_IN":
            (column,) = columns
            found[(table, column)] = {_constant_text(value) for value in node["children"][1:]}
    return found


def _constant_text(node: dict) -> str:
    """A string constant's text in json_serialize_sql's tree (DuckDB 1.5 and 2.0 spell the node apart)."""
    return node["literal"]["text"] if "literal" in node else node["value"]["value"]


@pytest.mark.embedded_only("DuckLake has no CHECK constraints; test_ducklake holds the two schemas together")
def test_the_warehouse_accepts_exactly_what_the_contracts_and_the_uploads_log_name():
    con = connect(":memory:")
    # The kinds of upload are the contracts' (ALL_KINDS): since migration 013 the log's kind column lists
    # none of them, so a new kind needs no copy of the log (test below).
    assert accepted_by_the_warehouse(con) == {
        ("uploads", "status"): set(store.UPLOAD_STATUSES),
        ("roles", "role"): set(access.ROLES),
        ("audit_log", "action"): set(access.AUDIT_ACTIONS),
        ("organizations", "org_type"): set(ORGANIZATIONS.column("org_type").accepted),
        ("fellows", "status"): set(FELLOWS.column("status").accepted),
        ("participation", "component"): set(PARTICIPATION.column("component").accepted),
    }


@pytest.mark.embedded_only("a lake is made from a template already migrated to the latest version")
def test_migration_013_keeps_every_upload_and_the_log_then_takes_every_kind(tmp_path, monkeypatch):
    every = schema.migrations()
    monkeypatch.setattr(schema, "migrations", lambda: [m for m in every if m[0] < 13])
    path = tmp_path / "w.duckdb"
    con = new_warehouse(path)
    first = add(con, "staffing", staffing("2019-20", "00350000", "Teacher", White=90, Asian=10))
    add(con, "staffing", staffing("2019-20", "00350000", "Teacher", White=80, Asian=20))
    store.rollback_upload(con, first.upload_id, actor=TESTS)
    before = table_contents(con)
    monkeypatch.setattr(schema, "migrations", lambda: every)
    assert migrate(con) == [m[0] for m in every if m[0] >= 13]
    after = table_contents(con)
    assert after["uploads"] == before["uploads"]  # every row and column, the rolled-back one included
    moved = ("warehouse_meta", "schema_version")  # the data version and the migration's own record
    assert {t: rows for t, rows in after.items() if t in before and t not in moved} == {
        t: rows for t, rows in before.items() if t not in moved
    }
    saved = add(con, "student-discipline", [("2023-24", "00350000", "All Students", 100, 5, *[None] * 7)])
    kinds = dict(con.execute("SELECT upload_id, kind FROM uploads").fetchall())
    assert kinds[saved.upload_id] == "student_discipline"
    con.close()


@pytest.mark.parametrize("kind", FACT_KINDS.values(), ids=lambda kind: kind.name)
def test_each_kind_is_stored_with_the_contracts_columns_and_types(kind):
    con = connect(":memory:")
    expected = [("upload_id", "INTEGER")] + [(c.name, c.dtype) for c in kind.columns]
    for table in (kind.table, current_table(kind)):
        columns = con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = current_database() AND table_name = ? ORDER BY column_index",
            [table],
        ).fetchall()
        assert columns == expected, table


def test_query_templates_take_names_from_the_contract_quoted_and_refuse_a_missing_one():
    text = kind_sql("upload_replaces", STAFFING)
    assert 'FROM "current_staffing" c JOIN covered USING ("school_year", "org_code", "job_class")' in text
    assert quote_identifier('odd "name"') == '"odd ""name"""'
    with pytest.raises(KeyError, match="order"):
        kind_sql("current_rows_newest_live", STAFFING)  # the order rows are kept in was not given


def test_the_warehouse_is_the_backend_asked_for(warehouse_backend):
    """`pytest --warehouse=ducklake` really runs these tests on DuckLake (and the default on the file)."""
    assert is_lake(new_warehouse()) == (warehouse_backend == "ducklake")
