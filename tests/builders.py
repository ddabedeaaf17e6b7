"""One builder for small, hand-made warehouses whose answers are worked out by hand in the tests."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from analytics import access
from analytics.contracts import FACT_KINDS, ORGANIZATIONS, UploadKind
from analytics.paths import PROJECT_ROOT as ROOT_DIR  # noqa: F401  (tests run the CLI here)
from analytics.store import SavedUpload, save_upload
from analytics.warehouse import connect

TINY_ORGS = pd.DataFrame(
    [
        ("00350000", "Boston", "district", "Greater Boston"),
        ("01490000", "Lawrence", "district", "Northeast"),
        ("02810000", "Springfield", "district", "Pioneer Valley"),
        ("04450000", "Abby Kelley Foster Charter Public", "charter", "Central"),
        ("56020000", "EDCO Collaborative", "collaborative", "Greater Boston"),
    ],
    columns=["org_code", "name", "org_type", "region"],
)


# The tests act as DESE's command line does: a reviewer, whose saves count at once.
TESTS = access.operator("test")


def new_warehouse(path: str | Path = ":memory:", orgs: pd.DataFrame = TINY_ORGS) -> duckdb.DuckDBPyConnection:
    """An empty, migrated warehouse holding just `orgs`."""
    return fill_new_warehouse(connect(path), orgs)


def fill_new_warehouse(
    con: duckdb.DuckDBPyConnection, orgs: pd.DataFrame = TINY_ORGS
) -> duckdb.DuckDBPyConnection:
    """The warehouse open on `con` (new: migrated, empty), holding just `orgs`."""
    save_upload(
        con, ORGANIZATIONS, orgs, file_name="orgs.csv", sha256="0", actor=TESTS, new_organizations=orgs
    )
    return con


def add(con: duckdb.DuckDBPyConnection, kind: str | UploadKind, rows: list[tuple], **meta) -> SavedUpload:
    """Save `rows` (tuples in the contract's column order) as one upload of `kind`."""
    kind = FACT_KINDS[kind] if isinstance(kind, str) else kind
    frame = pd.DataFrame(rows, columns=kind.column_names)
    return save_upload(
        con,
        kind,
        frame,
        file_name=meta.pop("file_name", f"{kind.name}.csv"),
        sha256="0",
        actor=meta.pop("actor", TESTS),
        **meta,
    )


# Short names for the race/ethnicity categories, as the builders below take them (Black=3, White=40).
RACE_NAMES = {
    "Black": "African American/Black",
    "Asian": "Asian",
    "Hispanic": "Hispanic/Latino",
    "Native": "Native American",
    "NHPI": "Native Hawaiian/Pacific Islander",
    "Multi": "Multi-Race Non-Hispanic",
    "White": "White",
    "Unknown": "Unknown",
}


def staffing(year: str, org: str, job_class: str, **fte_by_race: float) -> list[tuple]:
    """Staffing rows for one organization, year and job class: staffing('2019-20', '00350000',
    'Teacher', White=90, Asian=10)."""
    return [(year, org, job_class, RACE_NAMES[k], float(v)) for k, v in fte_by_race.items()]


def enrollment(year: str, org: str, **students_by_race: int) -> list[tuple]:
    """Enrollment rows for one organization and year: enrollment('2019-20', '00350000', White=100, Black=300)."""
    return [(year, org, RACE_NAMES[k], int(v)) for k, v in students_by_race.items()]


def fellow(
    fellow_id: str,
    cohort: int,
    start_year: str,
    org: str,
    race: str = "White",
    *,
    status: str = "completed",
    entry_role: str = "Principal",
    placement_role: str | None = None,
    placement_year: str | None = None,
    placement_org: str | None = None,
) -> tuple:
    """One Fellow's row (race as a short name: 'Black', 'White', ...), in the contract's column order."""
    return (
        fellow_id,
        cohort,
        start_year,
        org,
        entry_role,
        RACE_NAMES[race],
        status,
        placement_role,
        placement_year,
        placement_org,
    )


def organizations(codes_by_place: dict[tuple[str, str], int], first: int = 1000) -> pd.DataFrame:
    """An organizations table with the given number of organizations of each (region, org_type), coded
    10000000, 10010000, ... in order: organizations({("Central", "district"): 3})."""
    rows = []
    for (region, org_type), count in codes_by_place.items():
        for _ in range(count):
            code = f"{first + len(rows):04d}0000"
            rows.append((code, f"{org_type.title()} {code}", org_type, region))
    return pd.DataFrame(rows, columns=["org_code", "name", "org_type", "region"])


def table_contents(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every row of every warehouse table, sorted: to show a refused import changed nothing."""
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database() AND table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall()
    ]
    return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


def contents(path: str | Path) -> dict[str, list[tuple]]:
    """`table_contents` of the warehouse file at `path`, opened and closed again."""
    with connect(path) as con:
        return table_contents(con)
