"""Views computed once per change of the data and shared by every session (ui.data.shared), warmed before
visitors ask (ui/warm.py), and several processes behind the README's nginx: never an old figure after a change,
never one edition's figures in the other's view."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_roles_pages import as_user

from bench.load import Server, Visitor, public_site
from bench.proxy import NGINX, Proxy, route_cookie

ROOT = Path(__file__).resolve().parent.parent
# A new cohort large enough for a release to show it whole (a smaller change is held back until more change
# with it: analytics/releases.py): 24 Fellows from Boston, 18 of them of color.
RACES = ("Hispanic/Latino", "African American/Black", "Asian", "White")
NEW_FELLOWS = 24
NEW_COHORT = (
    "fellow_id,cohort,start_year,home_org_code,entry_role,race,status,placement_role,placement_year,"
    "placement_org_code\n"
    + "".join(
        f"I100-8-{i:02d},8,2026-27,00350000,Principal,{RACES[i % 4]},active,,,\n"
        for i in range(1, NEW_FELLOWS + 1)
    )
)


def enrolled(lines: list[str]) -> int:
    """The Fellows page's "Fellows enrolled" figure, from what a view showed."""
    found = [line for line in lines if line.startswith("Fellows enrolled: ")]
    assert len(found) == 1, lines
    return int(found[0].split(": ", 1)[1].replace(",", ""))


def _enrolled_shown(at) -> int:
    assert at.metric[0].label == "Fellows enrolled"
    return int(at.metric[0].value.replace(",", ""))


def _public_visitor(open_app, db):
    """The Fellows page as a visitor who has not signed in sees it (sign-in on: released figures)."""
    at = open_app(db, script="app_pages/fellows.py")
    return as_user(at, None)


def test_after_an_approved_upload_the_same_process_shows_the_new_figure(sample_db, open_app, tmp_path):
    """One process (AppTest sessions share the module's cache, as a server's sessions do): the Fellows page
    is viewed (its figures now shared), an administrator saves a new cohort on the Upload page, and the next
    view, in the same session and in a new one, counts it; a visitor who has not signed in, whose view is
    shared too, still sees the released count until DESE releases it."""
    before = open_app(sample_db, page="fellows")
    first = _enrolled_shown(before)
    assert _enrolled_shown(open_app(sample_db, page="fellows")) == first  # a second session: the shared view
    assert _enrolled_shown(_public_visitor(open_app, sample_db)) == first

    upload = open_app(sample_db, script="app_pages/upload.py")
    upload.selectbox(key="upload_kind").set_value("fellows").run()
    upload.file_uploader(key="upload_file").set_value(("cohort8.csv", NEW_COHORT.encode(), "text/csv")).run()
    upload.button(key="upload_save").click().run()
    assert not upload.exception
    assert any("was saved as upload" in s.value for s in upload.success), [s.value for s in upload.success]

    assert _enrolled_shown(before.run()) == first + NEW_FELLOWS
    assert _enrolled_shown(open_app(sample_db, page="fellows")) == first + NEW_FELLOWS
    assert _enrolled_shown(_public_visitor(open_app, sample_db)) == first  # not released: never the current


def _run(coroutine):
    """Run a visitor's coroutine to its end, in a thread of its own: a pytest process that ran the browser tests
    has Playwright's event loop running in its main thread, where asyncio.run() refuses to start another."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _command(location: str, env: dict, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "analytics", *args, "--db", location],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


async def _fellows_seen(port: int) -> int:
    visitor = Visitor(port)
    await visitor.open()
    try:
        await visitor.view()
        await visitor.view("Fellows")
        return enrolled(visitor.seen)
    finally:
        await visitor.close()


def test_after_an_approved_upload_and_its_release_every_server_shows_the_new_figure(lakes, tmp_path):
    """Two dashboard servers (as `make run` starts them, warming on) on one DuckLake warehouse, visitors who
    have not signed in (released figures): an import by the command line's reviewer changes nothing they see
    until DESE releases it; the next view after the release, on either server, shows the new count, not a
    cached one, and not after a wait."""
    location = lakes.new()
    env = {
        **os.environ,
        "DASHBOARD_DB": location,
        "DASHBOARD_DATA_PATH": str(lakes.data_path),
        "DASHBOARD_WARM_VIEWS": "1",
    }
    _command(location, env, "seed-sample")
    _command(location, env, "publish")
    ports = [_port(), _port()]
    cohort = tmp_path / "cohort8.csv"
    cohort.write_text(NEW_COHORT)
    with (
        Server(ROOT / "app.py", env, ports[0], public_site(tmp_path, f"http://127.0.0.1:{ports[0]}")) as one,
        Server(ROOT / "app.py", env, ports[1], public_site(tmp_path, f"http://127.0.0.1:{ports[1]}")) as two,
    ):
        first = [_run(_fellows_seen(s.port)) for s in (one, two)]
        assert first[0] == first[1]

        _command(location, env, "import", "fellows", str(cohort))
        assert [_run(_fellows_seen(s.port)) for s in (one, two)] == first  # not released yet

        _command(location, env, "publish")
        assert [_run(_fellows_seen(s.port)) for s in (two, one)] == [first[0] + NEW_FELLOWS] * 2


@pytest.mark.skipif(
    not Path(NGINX).exists() and not os.environ.get("REQUIRE_NGINX"),
    reason="nginx is not installed (apt-get install nginx; CI installs it and sets REQUIRE_NGINX)",
)
def test_two_processes_behind_the_readmes_nginx_serve_every_visitor_from_one_process(sample_db, tmp_path):
    """The README's nginx configuration, run as written, before two dashboard processes on one embedded file:
    each visitor's page and WebSocket reach the same process (its route cookie), visitors are spread over
    both, and every view settles with the figures."""
    env = {**os.environ, "DASHBOARD_DB": str(sample_db)}  # (a copy of the sample warehouse of its own)
    listen, ports = _port(), [_port(), _port()]
    flags = public_site(tmp_path, f"http://127.0.0.1:{listen}")
    with (
        Server(ROOT / "app.py", env, ports[0], flags) as one,
        Server(ROOT / "app.py", env, ports[1], flags) as two,
        Proxy(tmp_path / "nginx", listen, ports),
    ):

        async def visit(cookie: str) -> tuple[int, tuple[float, float]]:
            cpu = (one.cpu_seconds(), two.cpu_seconds())
            visitor = Visitor(listen, cookie)
            await visitor.open()
            try:
                await visitor.view()
                await visitor.view("Fellows")
                return enrolled(visitor.seen), (one.cpu_seconds() - cpu[0], two.cpu_seconds() - cpu[1])
            finally:
                await visitor.close()

        def served_by(cookie: str) -> int:
            """Which process did the work of a visitor's views (the other is idle: one visitor at a time)."""
            figure, work = _run(visit(cookie))
            assert figure > 0
            time.sleep(0.2)
            return 0 if work[0] > work[1] else 1

        cookies = [route_cookie(listen) for _ in range(8)]
        served = [served_by(cookie) for cookie in cookies]
        assert set(served) == {0, 1}, served  # visitors spread over both processes
        assert [served_by(cookie) for cookie in cookies[:3]] == served[:3]  # each back on its own


def test_the_statewide_views_from_a_later_year_are_warmed_before_anyone_asks(
    sample_db, open_app, monkeypatch
):
    """The warming thread's views (ui/warm.py) include each statewide view that starts at a later school year
    (one move of the slider's first handle): a visitor who opens one finds every chart of its pages computed."""
    from streamlit.testing.v1 import AppTest
    from test_roles_pages import AUTH

    from analytics import chart_registry
    from ui import warm
    from ui.layout import default_view

    open_app(sample_db)  # the warehouse opened, as a server's first page view opens it
    public = default_view(released=True)
    later = [v for v in warm.views() if v.year_from != public.year_from]
    assert [v.year_from for v in later][:2] == ["2015-16", "2016-17"] and all(
        v.year_to == public.year_to and not v.regions and not v.org_types and v.released for v in later
    )
    every = warm.views
    monkeypatch.setattr(warm, "views", lambda: [v for v in every() if v.year_from == "2017-18"])  # (time)
    assert warm.warm() > 0

    def computed(*args, **kwargs):
        raise AssertionError(f"computed for its first visitor: {args[3:]}")

    monkeypatch.setattr(chart_registry, "section", computed)
    for page in ("overview", "superintendents", "workforce"):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": False}  # a visitor who has not signed in: released figures
        at.query_params["from"] = "2017-18"
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.get("plotly_chart") and at.select_slider[0].value == ("2017-18", public.year_to), page
