"""Shared fixtures: a sample-data warehouse built once per run, and small hand-made ones."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from analytics.seed import ensure_ready  # noqa: E402
from analytics.warehouse import connect  # noqa: E402


@pytest.fixture(scope="session")
def sample_db_template(tmp_path_factory) -> Path:
    """A warehouse seeded with the bundled sample data (built once; copy it before writing)."""
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    con = connect(path)
    ensure_ready(con)
    con.close()
    return path


@pytest.fixture
def sample_db(sample_db_template, tmp_path) -> Path:
    """A private copy of the sample warehouse that a test may change."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(sample_db_template, path)
    return path


@pytest.fixture
def sample_con(sample_db):
    con = connect(sample_db)
    yield con
    con.close()
