"""The current_* tables (migration 004) always hold what the newest live upload per key says: after every
save, rollback and restore, in any order, they equal the rule (analytics/sql/current_rows_newest_live.sql)
computed from scratch."""

import random

import pytest
from builders import TESTS, add, new_warehouse, staffing

from analytics import store
from analytics.contracts import FACT_KINDS

ORGS = ["00350000", "01490000", "02810000"]
YEARS = ["2019-20", "2020-21"]


def from_scratch(con, kind) -> list[tuple]:
    """What counts now, by the rule: per key, the rows of the newest upload that is not rolled back, over the
    whole table (written here apart from the rule's own file, as migration 002's views wrote it, so that a
    mistake in either shows)."""
    keys = ", ".join(kind.replacement_key)
    return sorted(
        con.execute(
            f"""
            WITH live AS (
                SELECT f.* FROM {kind.table} f
                JOIN uploads u USING (upload_id) WHERE u.status <> 'rolled back'
            ),
            newest AS (SELECT {keys}, max(upload_id) AS upload_id FROM live GROUP BY ALL)
            SELECT live.* FROM live JOIN newest USING ({keys}, upload_id)
            """
        ).fetchall(),
        key=repr,
    )


def current(con, kind) -> list[tuple]:
    return sorted(con.execute(f"SELECT * FROM current_{kind.table}").fetchall(), key=repr)


@pytest.mark.parametrize("seed", range(6))
def test_current_staffing_follows_every_save_rollback_and_restore(seed):
    rng = random.Random(seed)
    con = new_warehouse()
    kind = FACT_KINDS["staffing"]
    uploads: list[int] = []
    for _step in range(14):
        action = rng.choice(["save", "save", "rollback", "restore"]) if uploads else "save"
        if action == "save":
            rows = []
            for org in rng.sample(ORGS, rng.randint(1, len(ORGS))):
                for year in rng.sample(YEARS, rng.randint(1, len(YEARS))):
                    job = rng.choice(["Teacher", "Principal"])
                    rows += staffing(year, org, job, White=rng.randint(1, 50), Asian=rng.randint(0, 9))
            uploads.append(add(con, kind, rows).upload_id)
        elif action == "rollback":
            store.rollback_upload(con, rng.choice(uploads), actor=TESTS)
        else:
            store.restore_upload(con, rng.choice(uploads), actor=TESTS)
        assert current(con, kind) == from_scratch(con, kind), f"after {action}"


def test_each_kind_keeps_its_own_key():
    con = new_warehouse()
    first = add(
        con, "enrollment", [("2019-20", "00350000", "Asian", 10), ("2019-20", "01490000", "Asian", 5)]
    )
    add(con, "enrollment", [("2019-20", "00350000", "Asian", 20)])
    assert current(con, FACT_KINDS["enrollment"]) == from_scratch(con, FACT_KINDS["enrollment"])
    fellows = FACT_KINDS["fellows"]
    row = ("F-1", 1, "2019-20", "00350000", "Principal", "Asian", "active", None, None, None)
    add(con, fellows, [row])
    newer = add(con, fellows, [("F-2", *row[1:])])
    assert [r[1] for r in current(con, fellows)] == ["F-2"]  # a newer list of the cohort replaces it
    store.rollback_upload(con, newer.upload_id, actor=TESTS)
    assert [r[1] for r in current(con, fellows)] == ["F-1"]
    store.rollback_upload(con, first.upload_id, actor=TESTS)
    assert current(con, FACT_KINDS["enrollment"]) == from_scratch(con, FACT_KINDS["enrollment"])
