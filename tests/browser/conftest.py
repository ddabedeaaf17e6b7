"""Real-browser fixtures: one `streamlit run app.py` per test session on a free port, against a throw-away copy
of the sample warehouse, and one system Chromium driven by Playwright (never `playwright install`).

A failing test's last view and the axe-core report land in the git-ignored screenshots/.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections import defaultdict

import pytest

from .browser_support import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, Dashboard, new_dashboard, opened_server
from .oidc_support import opened_sign_in_server, running_provider

# ---------------------------------------------------------------------------------------------------------
# The browser


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """The system Chromium; in CI (REQUIRE_BROWSER=1) its absence fails the run instead of skipping it."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return str(CHROMIUM)
    message = (
        f"Chromium not found at {CHROMIUM}. The browser tests drive the system Chromium: install it with "
        "`sudo apt-get install chromium` (Debian; `.ci/run` does this) or point CHROMIUM=/path/to/chromium "
        "at another build. Do not run `playwright install`."
    )
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(message + " REQUIRE_BROWSER is set, so this is a failure.", pytrace=False)
    pytest.skip(message + " Skipped because REQUIRE_BROWSER is not set (CI sets it).")


@pytest.fixture(scope="session")
def chromium(chromium_executable, pytestconfig):
    """One Chromium for the whole session (headless; pytest-playwright's --headed and --slowmo apply)."""
    from playwright.sync_api import sync_playwright

    if os.environ.get("PYTEST_XDIST_WORKER", "gw0") == "gw0":  # (one of the parallel workers clears)
        shutil.rmtree(SCREENSHOTS / "failures", ignore_errors=True)  # only this run's failures
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable,
            args=CHROMIUM_ARGS,
            headless=not pytestconfig.getoption("headed", False),
            slow_mo=pytestconfig.getoption("slowmo", 0) or 0,
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def streamlit_server(chromium, sample_db_template, tmp_path_factory):
    """The app the read-only browser tests look at; tests that write start their own."""
    # (test_first_visit.py checks a deep link opened first on a server nobody has visited.)
    with opened_server(chromium, sample_db_template, tmp_path_factory.mktemp("browser-app")) as server:
        yield server


@pytest.fixture(scope="session")
def shown_pages(chromium, streamlit_server):
    """One tab per page, loaded on first use and shared by the checks that only look (test_pages,
    test_accessibility), so each page is loaded once per session: show(app_page) -> Dashboard."""
    tabs: dict = {}

    def show(app_page) -> Dashboard:
        if app_page not in tabs:
            dash = new_dashboard(chromium, streamlit_server).open(app_page)
            dash.charts_when_loaded = dash.wait_for_charts()  # waited for once, however many tests look
            tabs[app_page] = dash
        return tabs[app_page]

    yield show
    for dash in tabs.values():
        dash.page.context.close()


@pytest.fixture
def dashboard(chromium, streamlit_server):
    """A fresh tab on the session's app, for a test that changes what it shows (closed after the test)."""
    dash = new_dashboard(chromium, streamlit_server)
    yield dash
    dash.page.context.close()


# ---------------------------------------------------------------------------------------------------------
# Reporting: a failing test's last view, and the accessibility findings


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, save what its tab showed to screenshots/failures/."""
    report = yield
    if report.failed and call.when == "call":
        for value in getattr(item, "funcargs", {}).values():
            if isinstance(value, Dashboard) and not value.page.is_closed():
                safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])
                path = SCREENSHOTS / "failures" / f"{safe}.png"
                path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    value.page.screenshot(path=str(path), full_page=True)
                    report.sections.append(("browser", f"screenshot of the failure: {path}"))
                except Exception as error:  # a crashed tab must not hide the test's own failure
                    report.sections.append(("browser", f"no screenshot: {error}"))
                report.sections.append(("server log since the page opened", value.server_log()[-4000:]))
                if value.js_errors:
                    report.sections.append(("JavaScript errors", "\n".join(value.js_errors[-20:])))
                break
    return report


AXE_FINDINGS = pytest.StashKey[list]()


@pytest.fixture(scope="session")
def axe_findings(request) -> list[dict]:
    """Every axe-core violation seen this session, one dict per (page, rule), for the summary."""
    return request.config.stash.setdefault(AXE_FINDINGS, [])


def _axe_report(config):
    """Write screenshots/axe-report.md (under pytest-xdist, each worker its own: axe-report-gw0.md, …)."""
    findings = config.stash.get(AXE_FINDINGS, None)
    if not findings:
        return None
    SCREENSHOTS.mkdir(exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    report = SCREENSHOTS / (f"axe-report-{worker}.md" if worker else "axe-report.md")
    lines = [
        "# axe-core findings",
        "",
        "Serious and critical violations fail the browser tests; the rest are listed to fix when we can.",
        "",
        "| page | impact | rule | what | first element | elements | status |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in findings:
        targets = ", ".join(f"`{t}`" for t in f["targets"][:3]) + (" …" if len(f["targets"]) > 3 else "")
        lines.append(
            f"| {f['page']} | {f['impact']} | {f['rule']} | {f['help']} | `{f['html'].replace('|', '&#124;')}` "
            f"| {len(f['targets'])}: {targets} "
            f"| {f['status']} |"
        )
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("PYTEST_XDIST_WORKER"):
        _axe_report(session.config)  # (a worker has no terminal summary of its own)


def pytest_terminal_summary(terminalreporter, config):
    """List the accessibility findings that did not fail the run, and write screenshots/axe-report.md."""
    findings = config.stash.get(AXE_FINDINGS, None)
    report = _axe_report(config)
    if not findings:
        return
    terminalreporter.section("accessibility (axe-core)")
    grouped: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    for f in findings:
        grouped[(f["status"], f["impact"], f["rule"], f["help"])].append(f"{f['page']} ({len(f['targets'])})")
    for (status, impact, rule, help_text), pages in sorted(grouped.items()):
        terminalreporter.write_line(f"{status:<18} {impact:<9} {rule:<22} {help_text}")
        terminalreporter.write_line(f"{'':<18} on: {', '.join(pages)}")
    terminalreporter.write_line(f"full list with elements: {report}")


# ---------------------------------------------------------------------------------------------------------
# Signing in for real (oidc_support.py): an OpenID Connect provider for the session, and apps with sign-in on


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory) -> str:
    """oidc-provider-mock on a free port for the whole session; its base URL (http://localhost:PORT). Any
    client id and secret are accepted; sign_in() types the identity into its authorize form."""
    with running_provider(tmp_path_factory.mktemp("oidc-provider")) as provider:
        yield provider.url


@pytest.fixture(scope="module")
def sign_in_app(chromium, sample_db_template, oidc_provider, tmp_path_factory):
    """Start apps with sign-in on, each on its own copy of the sample warehouse and its own secrets file
    (never the repository's .streamlit/secrets.toml); all stopped at the end of the test module:

        server = sign_in_app("uploads", grants=[("clerk@lowell.example", "uploader", ["01600000"])],
                             settings={"DASHBOARD_PUBLIC_VIEWING": "0"})

    `grants` are written to the warehouse before the app starts; `settings` override the access settings
    of oidc_support.DEFAULT_SETTINGS (sign-in required, public viewing on, review of district uploads on)."""
    with contextlib.ExitStack() as stack:

        def start(name: str = "sign-in-app", *, grants=(), settings=None, script="app.py"):
            return stack.enter_context(
                opened_sign_in_server(
                    chromium,
                    sample_db_template,
                    tmp_path_factory.mktemp(name),
                    oidc_provider,
                    grants=grants,
                    settings=settings,
                    script=script,
                )
            )

        yield start
