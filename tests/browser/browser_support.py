"""What the browser tests share: the pages app.py registers, the app server, and a browser tab on it that
waits the way a person does (script finished, charts drawn).

The pages under test are read from app.py's st.navigation, so a page added there is covered without editing
these tests. Screenshots land in the git-ignored screenshots/.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app_pages_list import PAGES, AppPage
from app_pages_list import page_by_name as page_by_name  # the browser tests import it from here
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 60  # seconds; a cold start is ~2 s
# How long a page's script may take before a test fails. The first run of a page opens the warehouse and fills
# the caches; in CI, on 2 cores shared with the privacy audits' worker processes, a page open once took over
# 60 s. Page speed is measured by `make bench`, not here: this only tells a hang from a slow machine.
SCRIPT_TIMEOUT_MS = 120_000
CHART_TIMEOUT_MS = 30_000
CHOICE_TIMEOUT_MS = 10_000  # a choice that took starts its run within this, or the box shows it
SERVER_FLAGS = [
    "--server.headless=true",
    "--server.address=127.0.0.1",
    "--server.fileWatcherType=none",  # nothing changes under a test; no watcher threads
    "--browser.gatherUsageStats=false",
]

# ---------------------------------------------------------------------------------------------------------
# The pages, as app.py registers them (read in tests/app_pages_list.py, which the AppTest smoke test shares)


def is_placeholder(page: AppPage) -> bool:
    """True while the page is still the skeleton's placeholder (its docstring says so)."""
    return "placeholder until its issue lands" in (ROOT / page.script).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------
# The app server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """`streamlit run app.py` in its own process group, on a free port, against one warehouse file."""

    script = "app.py"
    # A page's last element, where every page of this server draws the same one (a JavaScript predicate;
    # None: nothing to wait for beyond _SCRIPT_DONE). The main area can be on screen a moment before it.
    drawn_last: str | None = None

    def __init__(self, db: Path, log: Path):
        self.db, self.log = db, log
        self.port = 0
        self.process: subprocess.Popen | None = None

    def prepare(self) -> None:
        """What must be in place for the server on `self.port` before it starts (nothing, here)."""

    def flags(self) -> list[str]:
        """Command-line flags beyond SERVER_FLAGS."""
        return []

    def env(self) -> dict[str, str]:
        """The server's environment."""
        return {**os.environ, "DASHBOARD_DB": str(self.db), "PYTHONUNBUFFERED": "1"}

    def start(self) -> StreamlitServer:
        """Start the server and wait for its health check (a taken port is retried on another)."""
        for _attempt in range(3):
            self.port = _free_port()
            self.prepare()
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "streamlit",
                        "run",
                        self.script,
                        "--server.port",
                        str(self.port),
                        *self.flags(),
                        *SERVER_FLAGS,
                    ],
                    cwd=ROOT,
                    env=self.env(),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group, so stop() ends everything it started
                )
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    with urllib.request.urlopen(self.url("_stcore/health"), timeout=2) as response:
                        if response.read() == b"ok":
                            return self
                except OSError:
                    time.sleep(0.2)
            if self.process.poll() is None:
                self.stop()
                raise RuntimeError(
                    f"streamlit did not answer in {SERVER_START_TIMEOUT} s:\n{self.log_tail()}"
                )
        raise RuntimeError(f"streamlit exited at start:\n{self.log_tail()}")

    def url(self, path: str = "") -> str:
        """The address of a page (url path) or endpoint on this server."""
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def log_size(self) -> int:
        """Where the server log ends now (to show only what a test caused)."""
        return self.log.stat().st_size if self.log.exists() else 0

    def log_tail(self, since: int = 0, limit: int = 6000) -> str:
        """The server's output since `since` (tracebacks of redacted exceptions land here)."""
        if not self.log.exists():
            return ""
        with self.log.open("rb") as f:
            f.seek(since)
            return f.read().decode("utf-8", "replace")[-limit:]

    def stop(self) -> None:
        """End the server's process group: SIGTERM, then SIGKILL after 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass


def start_server(sample_db_template: Path, workdir: Path) -> StreamlitServer:
    """A server on a private copy of the sample warehouse in `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "warehouse.duckdb"
    shutil.copy(sample_db_template, db)
    return StreamlitServer(db, workdir / "streamlit.log").start()


# ---------------------------------------------------------------------------------------------------------
# A browser tab on the app

# The script has run to the end and its output is on screen: connected, not running, something drawn, nothing
# stale from the previous run, and no skeleton left where a lazily loaded element (a chart, a metric) goes.
_SCRIPT_DONE = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    return !!app
        && app.dataset.testConnectionState === "CONNECTED"
        && app.dataset.testScriptState === "notRunning"
        && document.querySelector("[data-testid='stMain'] [data-testid='stElementContainer']") !== null
        && document.querySelector("[data-stale='true']") === null
        && document.querySelector("[data-testid='stMain'] [data-testid='stSkeleton']") === null;
}"""

# What _SCRIPT_DONE waits on, each part by itself: for the message when a page never finishes.
_SCRIPT_STATE = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    return JSON.stringify({
        app: !!app,
        connection: app ? app.dataset.testConnectionState : null,
        script: app ? app.dataset.testScriptState : null,
        drawn: document.querySelectorAll("[data-testid='stMain'] [data-testid='stElementContainer']").length,
        stale: document.querySelectorAll("[data-stale='true']").length,
        skeletons: document.querySelectorAll("[data-testid='stMain'] [data-testid='stSkeleton']").length,
    });
}"""

# Per Plotly chart: has Plotly drawn it, and how many traces are in its SVG. A trace with no points draws no
# `g.trace`, so an empty or failed chart counts 0. (Heatmaps draw `g.hm`, contours `g.contour`.)
_CHARTS = """() => [...document.querySelectorAll("[data-testid='stPlotlyChart']")].map((el, i) => {
    const gd = el.querySelector(".js-plotly-plot");
    const drawn = gd && gd.querySelector(".gtitle");
    // A title wrapped to the chart's width is drawn as lines (tspan.line): read them as one, spaced.
    const lines = drawn ? [...drawn.querySelectorAll("tspan.line")].map(t => t.textContent) : [];
    const title = gd ? ((lines.length ? lines.join(" ") : drawn?.textContent)
                        || (gd.layout && gd.layout.title && gd.layout.title.text) || "") : "";
    return {
        index: i,
        title: title,
        plotted: !!gd,
        data_traces: gd && gd.data ? gd.data.length : 0,
        svg_traces: gd ? gd.querySelectorAll(".main-svg g.trace, .main-svg g.hm, .main-svg g.contour").length : 0,
    };
})"""

_CHARTS_DRAWN = "() => (" + _CHARTS + ")().every(c => c.svg_traces > 0)"

# What each chart shows, to tell whether a filter changed it: Plotly's full (decoded) data per trace, with typed
# arrays as plain lists.
CHART_DATA = """() => [...document.querySelectorAll("[data-testid='stPlotlyChart'] .js-plotly-plot")].map(gd =>
    JSON.stringify((gd._fullData || gd.data || []).map(t => [t.name, t.x, t.y, t.values, t.labels, t.z]),
                   (k, v) => ArrayBuffer.isView(v) ? Array.from(v) : v))"""

CHARTS_CHANGED = "before => JSON.stringify((" + CHART_DATA + ")()) !== JSON.stringify(before)"


@dataclass
class Dashboard:
    """A browser tab on the running app, with the waits a person does without thinking."""

    page: object  # playwright.sync_api.Page
    server: StreamlitServer
    js_errors: list[str] = field(default_factory=list)
    log_mark: int = 0
    runs_ended: int = 0  # script runs the server has said ended, read off the WebSocket (see _on_frame)
    app_page: AppPage | None = None  # the page last opened
    charts_when_loaded: list[dict] = field(default_factory=list)  # set by the shared tabs (conftest)

    def open(self, page: AppPage | str = "", query: str = "") -> Dashboard:
        """Load a page (an AppPage or a URL path) in a fresh session and wait for its script to finish."""
        self.app_page = (
            page if isinstance(page, AppPage) else next((p for p in PAGES if p.url_path == page), None)
        )
        path = page.url_path if isinstance(page, AppPage) else page
        self.log_mark = self.server.log_size()
        self.page.goto(self.server.url(path) + (f"?{query}" if query else ""))
        self.wait_for_script()
        return self

    def wait_for_script(self, timeout: float = SCRIPT_TIMEOUT_MS) -> None:
        """Wait until the script has run to the end and nothing on screen is stale; if it does not, fail
        saying which of those it was and what the server logged (a CI log holds nothing else)."""
        try:
            self.page.wait_for_function(_SCRIPT_DONE, timeout=timeout)
            if self.server.drawn_last:
                self.page.wait_for_function(self.server.drawn_last, timeout=timeout)
        except PlaywrightTimeoutError as timed_out:
            try:
                state = self.page.evaluate(_SCRIPT_STATE)
            except Exception as error:  # the page itself is gone or hung
                state = f"(the page did not answer: {error})"
            raise AssertionError(
                f"{self.page.url}: the script did not finish within {timeout / 1000:g} s; the page: {state}; "
                f"runs ended: {self.runs_ended}; the server's log since the page was opened:\n"
                f"{self.server_log()[-3000:]}"
            ) from timed_out

    def _on_frame(self, payload: bytes | str) -> None:
        """Count each message saying the script stopped running. The page's own run-state attribute is not
        enough: on a loaded machine a quick run's start and end can reach React in one batch, and then the
        attribute never changes."""
        if isinstance(payload, bytes) and payload[:1] == b"J":  # field 9 first: only session_status_changed
            status = ForwardMsg.FromString(payload)
            if (
                status.HasField("session_status_changed")
                and not status.session_status_changed.script_is_running
            ):
                self.runs_ended += 1

    def _wait_for_run_end(self, since: int, timeout: float) -> bool:
        """Wait until a run ended after the count `since`; False when none did within `timeout` ms."""
        deadline = time.monotonic() + timeout / 1000
        while self.runs_ended <= since:
            if time.monotonic() > deadline:
                return False
            self.page.wait_for_timeout(50)  # Playwright delivers WebSocket events while it waits
        return True

    def rerun_by(self, action, timeout: float = SCRIPT_TIMEOUT_MS, landed=None) -> None:
        """Do something that reruns the script (click, choose, upload), and wait for that run to finish.

        With `landed` (does the page show that the action took?), the action is tried up to three times: on a
        loaded machine a click can land while a list is still opening or already closing, or while the page is
        still settling, and then nothing happens and no run starts. An action that did land only waits for its
        run, however slow."""
        for attempt in range(3 if landed else 1):
            since = self.runs_ended
            action()
            if landed is None or self._wait_for_run_end(since, CHOICE_TIMEOUT_MS):
                break
            if attempt == 2 or landed():
                break
        if not self._wait_for_run_end(since, timeout):
            raise AssertionError(f"no script run ended within {timeout / 1000:.0f} s of the action")
        self.wait_for_script(timeout)

    def choose(self, label: str, option: str | re.Pattern) -> None:
        """Pick `option` (its text, or a pattern) in the selectbox labelled `label`, unless it is picked
        already, and wait for the rerun."""
        combo = self.page.get_by_role("combobox", name=label, exact=True)

        def landed() -> bool:
            now = combo.input_value()
            return bool(option.search(now)) if isinstance(option, re.Pattern) else now == option

        if landed():
            return
        box = self.page.locator("[data-testid='stSelectbox']").filter(has=combo)

        def pick() -> None:
            # The list closes when the page scrolls after it opened: scroll first, let it settle, then open.
            box.scroll_into_view_if_needed()
            self.page.wait_for_timeout(300)
            box.get_by_role("button", name="Open").click()
            self.page.get_by_role("option", name=option, exact=isinstance(option, str)).click()

        self.rerun_by(pick, landed=landed)

    def add_choice(self, label: str, option: str) -> None:
        """Add `option` to the sidebar multiselect labelled `label`, wait for the rerun, and close its list."""
        box = self.sidebar().locator("[data-testid='stMultiSelect']").filter(has_text=label)

        def landed() -> bool:
            return option in selected(box)

        def pick() -> None:
            self.page.keyboard.press("Escape")  # a list left open by a try that did not land closes first
            box.scroll_into_view_if_needed()
            self.page.wait_for_timeout(300)
            box.locator("input").click()
            self.page.get_by_role("option", name=option, exact=True).click()

        self.rerun_by(pick, landed=landed)
        self.page.keyboard.press("Escape")

    def exceptions(self) -> list[str]:
        """The text of every exception box shown."""
        return self.page.locator("[data-testid='stException']").all_inner_texts()

    def alerts(self) -> list[str]:
        """The text of every st.info/warning/error/success box shown."""
        return self.page.locator("[data-testid='stAlert']").all_inner_texts()

    def charts(self) -> list[dict]:
        """Each Plotly chart on the page: index, title, plotted, data_traces, svg_traces."""
        return self.page.evaluate(_CHARTS)

    def wait_for_charts(self, timeout: float = CHART_TIMEOUT_MS) -> list[dict]:
        """Wait until every Plotly chart has drawn its traces (Plotly draws after the script ends); return
        the charts as they are then, drawn or not, for the test to judge."""
        with contextlib.suppress(PlaywrightTimeoutError):
            self.page.wait_for_function(_CHARTS_DRAWN, timeout=timeout)
        return self.charts()

    def chart_data(self) -> list[str]:
        """What each chart plots, one string per chart (compare before and after a change)."""
        return self.page.evaluate(CHART_DATA)

    def wait_for_chart_data_change(self, before: list[str], timeout: float = SCRIPT_TIMEOUT_MS) -> None:
        """Wait until the charts plot something other than `before`, then for the script to finish."""
        self.page.wait_for_function(
            CHARTS_CHANGED,
            arg=before,
            timeout=timeout,
        )
        self.wait_for_script()

    def sidebar(self):
        """The sidebar's locator."""
        return self.page.locator("[data-testid='stSidebar']")

    def screenshot(self, name: str, width: int) -> Path:
        """A full-page screenshot at `width` px into screenshots/<name>-<width>.png.

        Streamlit scrolls inside its main area, not the document, so the window is made as tall as the
        content for the shot and put back afterwards."""
        before = self.page.viewport_size
        self.page.set_viewport_size({"width": width, "height": before["height"]})
        self.page.wait_for_timeout(300)  # let the layout and Plotly's responsive resize settle
        height = self.page.evaluate(
            """() => Math.max(window.innerHeight, ...["stMain", "stSidebarContent"].map(id =>
                   document.querySelector(`[data-testid='${id}']`)?.scrollHeight || 0))"""
        )
        self.page.set_viewport_size({"width": width, "height": min(int(height) + 40, 12_000)})
        self.wait_for_charts(timeout=5_000)  # they were drawn before; this lets them redraw at the new size
        self.page.wait_for_timeout(300)
        path = SCREENSHOTS / f"{name}-{width}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True, animations="disabled", timeout=60_000)
        self.page.set_viewport_size(before)
        return path

    def server_log(self) -> str:
        """What the server logged since this tab last opened a page (redacted tracebacks are here)."""
        return self.server.log_tail(self.log_mark)


def selected(multiselect) -> list[str]:
    """The options chosen in a multiselect, as its tags show them."""
    return [tag.get_attribute("aria-label") for tag in multiselect.locator("[data-tag]").all()]


def new_dashboard(browser, server: StreamlitServer) -> Dashboard:
    """A fresh browser context and tab on `server` at 1280 px, recording uncaught JavaScript errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(30_000)
    dash = Dashboard(page=page, server=server)
    page.on("pageerror", lambda error: dash.js_errors.append(str(error)))
    page.on("websocket", lambda socket: socket.on("framereceived", dash._on_frame))
    return dash


@contextlib.contextmanager
def opened_server(browser, sample_db_template: Path, workdir: Path) -> Iterator[StreamlitServer]:
    """A server on its own copy of the sample warehouse, with "/" opened once as a first visitor would, so
    tests see the same app whatever order they run in; stopped afterwards."""
    server = start_server(sample_db_template, workdir)
    try:
        warm_up = new_dashboard(browser, server)
        warm_up.open()
        warm_up.page.context.close()
        yield server
    finally:
        server.stop()
