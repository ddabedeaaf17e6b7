"""Where the project's files are: its root, the data folder, the warehouse file, the SQL and migrations; and
the name the warehouse is attached under.

Every module that names a file in the project starts from here (so this module imports nothing of the
project's own)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DB = DATA_DIR / "warehouse.duckdb"
SQL_DIR = Path(__file__).resolve().parent / "sql"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The warehouse is attached under this name in every connection, whatever its file or lake is called; every
# cursor must `USE` it (take cursors with `warehouse.cursor()`, never `con.cursor()`).
CATALOG = "warehouse"


def default_db_path() -> Path:
    """The warehouse file: $DASHBOARD_DB if set, else data/warehouse.duckdb in the project. (A shared
    warehouse is named the same way, `ducklake:postgres:dbname=… host=…`: see analytics/ducklake.py.)"""
    env = os.environ.get("DASHBOARD_DB")
    return Path(env) if env else DEFAULT_DB
