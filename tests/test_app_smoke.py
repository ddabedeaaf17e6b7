"""Every page app.py registers runs from app.py, through st.navigation, without an exception: with sign-in off
(everyone an administrator) and signed in with the least role that may open it. A page that needs a role is
refused to the role below it. The pages and who may open each are read from app.py itself."""

import pytest
from app_pages_list import PAGES, AppPage
from streamlit.util import calc_hash
from test_roles_pages import as_user

from analytics import access
from analytics.warehouse import connect

DISTRICT = "00350000"  # Boston, the district uploader's own
HOLDERS = {
    access.VIEWER: "viewer@example.org",
    access.UPLOADER: "clerk@boston.example",
    access.REVIEWER: "reviewer@doe.mass.edu",
    access.ADMINISTRATOR: "admin@doe.mass.edu",
}
GRANTED_BY = access.Actor("setup@doe.mass.edu", access.ADMINISTRATOR)


def holder(role: str) -> access.Actor:
    """The actor a sign-in of the role's holder becomes (a district uploader for Boston only)."""
    return access.Actor(HOLDERS[role], role, frozenset({DISTRICT} if role == access.UPLOADER else ()))


def least_role(page: AppPage) -> str:
    """The first of the roles, from the viewer up, that may open the page."""
    return next(role for role in access.ROLES if page.needs is None or getattr(holder(role), page.needs))


def ids(page: AppPage) -> str:
    return page.name


@pytest.fixture
def roles_db(sample_db):
    """The sample warehouse with one holder of each role."""
    with connect(sample_db) as con:
        for role, who in HOLDERS.items():
            access.grant_role(con, who, role, [DISTRICT] if role == access.UPLOADER else [], actor=GRANTED_BY)
    return sample_db


def opened(at, app_page: AppPage, refused: bool = False):
    """Switch to the page. A page refused to the role is registered by its address alone, which AppTest cannot
    switch to by file: its address's hash is the page a real session would open."""
    if refused:
        at._page_hash = calc_hash(app_page.url_path)
        at.run()
    else:
        at.switch_page(app_page.script).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def refusal(at) -> list[str]:
    """app.py's words when a role may not open a page reached by its address."""
    return [w.value for w in at.warning if "may not open the" in w.value]


def test_the_pages_are_read_from_app_py():
    names = [page.name for page in PAGES]
    assert len(names) == len(set(names)) >= 12
    assert {"equity_leaders", "audit", "access"} <= set(names)


@pytest.mark.parametrize("app_page", PAGES, ids=ids)
def test_page_runs_without_an_exception_with_sign_in_off(sample_db, open_app, app_page):
    at = opened(open_app(sample_db), app_page)
    assert at.title, f"{app_page.name} has no title"
    assert not refusal(at)


@pytest.mark.parametrize("app_page", PAGES, ids=ids)
def test_page_runs_for_the_least_role_that_may_open_it(roles_db, open_app, app_page):
    role = least_role(app_page)
    at = opened(as_user(open_app(roles_db), HOLDERS[role]), app_page)
    assert at.title, f"{app_page.name} has no title for a {role}"
    assert not refusal(at), f"{app_page.name} refused a {role}"


@pytest.mark.parametrize("app_page", [p for p in PAGES if least_role(p) != access.VIEWER], ids=ids)
def test_a_page_that_needs_a_role_refuses_the_role_below_it(roles_db, open_app, app_page):
    below = access.ROLES[access.ROLES.index(least_role(app_page)) - 1]
    at = opened(as_user(open_app(roles_db), HOLDERS[below]), app_page, refused=True)
    assert [t.value for t in at.title] == [app_page.title]
    assert refusal(at) == [
        f"Your sign-in may not open the {app_page.title} page. Ask DESE's dashboard administrators if you need it."
    ]


def test_sample_data_notice_on_the_landing_page(sample_db, open_app):
    # app.py draws the notice above every page. AppTest (1.67) drops the entrypoint's elements after a
    # page switch, so the notice on each of the other pages is checked in the browser tests.
    assert any("Sample data" in w.value for w in open_app(sample_db).warning)


def test_first_run_on_an_empty_path_creates_and_seeds_the_warehouse(tmp_path, open_app):
    db = tmp_path / "fresh" / "warehouse.duckdb"
    at = open_app(db)
    assert db.exists()
    assert any("Sample data" in w.value for w in at.warning)


def test_each_page_view_gets_pages_of_its_own(monkeypatch):
    """app_page makes each st.Page once per process and hands each run a copy: Streamlit marks the page a run
    is to run as callable once, and two visitors at once on one Page object would trip on each other."""
    import importlib
    from pathlib import Path
    from types import SimpleNamespace

    streamlit_page = importlib.import_module("streamlit.navigation.page")

    from ui import layout

    ctx = SimpleNamespace(pages_manager=SimpleNamespace(main_script_parent=Path(__file__).parent.parent))
    monkeypatch.setattr(streamlit_page, "get_script_run_ctx", lambda *a, **k: ctx)
    monkeypatch.setattr(layout, "get_script_run_ctx", lambda *a, **k: ctx)
    first = layout.app_page("app_pages/workforce.py", title="Workforce")
    second = layout.app_page("app_pages/workforce.py", title="Workforce")
    assert first is not second
    assert (first.title, first.url_path) == (second.title, second.url_path) == ("Workforce", "workforce")
    first._can_be_called = True  # what st.navigation does to the page one visitor's run is to run
    assert not second._can_be_called
