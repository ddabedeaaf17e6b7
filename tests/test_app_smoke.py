"""Every page runs from app.py, through st.navigation, without an exception."""

import pytest

PAGES = ["overview", "superintendents", "fellows", "districts", "workforce", "upload", "export", "about"]


@pytest.fixture
def app(sample_db, open_app):
    return open_app(sample_db)


@pytest.mark.parametrize("page_name", PAGES)
def test_page_runs_without_an_exception(app, page_name):
    app.switch_page(f"app_pages/{page_name}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title, f"{page_name} has no title"


def test_sample_data_notice_on_the_landing_page(app):
    # app.py draws the notice above every page. AppTest (1.67) drops the entrypoint's elements after a
    # page switch, so the notice on each of the other pages is checked in the browser tests.
    assert any("Sample data" in w.value for w in app.warning)


def test_first_run_on_an_empty_path_creates_and_seeds_the_warehouse(tmp_path, open_app):
    db = tmp_path / "fresh" / "warehouse.duckdb"
    at = open_app(db)
    assert db.exists()
    assert any("Sample data" in w.value for w in at.warning)
