"""Every page runs from app.py, through st.navigation, without an exception."""

import pytest
from streamlit.testing.v1 import AppTest

from analytics.warehouse import PROJECT_ROOT

PAGES = ["overview", "superintendents", "fellows", "districts", "workforce", "upload", "export", "about"]


@pytest.fixture
def app(sample_db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(sample_db))
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_an_exception(app, page):
    app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title, f"{page} has no title"


def test_sample_data_notice_on_the_landing_page(app):
    # app.py draws the notice above every page. AppTest (1.67) drops the entrypoint's elements after a
    # page switch, so the notice on each of the other pages is checked in the browser tests.
    assert any("Sample data" in w.value for w in app.warning)


def test_first_run_on_an_empty_path_creates_and_seeds_the_warehouse(tmp_path, monkeypatch):
    db = tmp_path / "fresh" / "warehouse.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert db.exists()
    assert any("Sample data" in w.value for w in at.warning)
