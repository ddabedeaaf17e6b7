"""Shared fixtures: a sample-data warehouse built once per run, and small hand-made ones."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from streamlit.testing.v1 import AppTest  # noqa: E402

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


@pytest.fixture
def open_app(monkeypatch):
    """The one way tests open the dashboard in AppTest: `open_app(db)` runs app.py on the warehouse at `db`
    (the Overview); `page="fellows"` switches to a page, `query={...}` sets the address's parameters first,
    `script="app_pages/upload.py"` runs one page file on its own. Fails on any exception it shows."""

    def opener(db, page: str | None = None, query: dict | None = None, *, script: str = "app.py") -> AppTest:
        monkeypatch.setenv("DASHBOARD_DB", str(db))
        at = AppTest.from_file(str(ROOT / script), default_timeout=90)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
        if page not in (None, "overview"):
            at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return opener
