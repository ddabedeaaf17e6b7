"""Signing in for real in the browser tests: an OpenID Connect provider (oidc-provider-mock) run by the test
session, the app started with an [auth] secrets file of its own, and a person's sign-in driven in Chromium.

The provider accepts any client id and secret (it is started without --require-registration) and signs in
whatever subject is typed into its authorize form; a subject it has not been told about gets the claims
{"sub": <subject>, "email": <subject>}. `set_user_claims` replaces a subject's claims (PUT /users/{sub}).

Everything here uses http://localhost: the redirect URI, the provider's address and the address the browser
opens must share one host, or the browser drops the cookies that carry the login's state across the round trip.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from .browser_support import (
    ROOT,
    SCRIPT_TIMEOUT_MS,
    Dashboard,
    StreamlitServer,
    _free_port,
    new_dashboard,
)

HOST = "localhost"
PROVIDER_START_TIMEOUT = 30  # seconds; it answers in about one
CLIENT_ID = "workforce-dashboard-tests"
CLIENT_SECRET = "not-a-secret-the-mock-accepts-any"

# The app's access settings, each set explicitly so a developer's own environment cannot change what a test
# sees. A test overrides any of them through `settings`.
DEFAULT_SETTINGS = {
    "DASHBOARD_REQUIRE_SIGN_IN": "1",
    "DASHBOARD_PUBLIC_VIEWING": "1",
    "DASHBOARD_UNKNOWN_USERS": "viewer",
    "DASHBOARD_ADMINISTRATORS": "",
    "DASHBOARD_REVIEW_DISTRICT_UPLOADS": "1",
    "DASHBOARD_OPERATOR": "",
}

# ---------------------------------------------------------------------------------------------------------
# The identity provider


class OidcProvider:
    """`python -m oidc_provider_mock` in its own process group, on a free port."""

    def __init__(self, log: Path):
        self.log = log
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The provider's base URL (its issuer), e.g. http://localhost:9400."""
        return f"http://{HOST}:{self.port}"

    def start(self) -> OidcProvider:
        """Start the provider and wait until its discovery document answers (a taken port is retried)."""
        for _attempt in range(3):
            self.port = _free_port()
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "oidc_provider_mock", "--port", str(self.port)],
                    env={**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            deadline = time.monotonic() + PROVIDER_START_TIMEOUT
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    with urllib.request.urlopen(metadata_url(self.url), timeout=2) as response:
                        if "authorization_endpoint" in json.load(response):
                            return self
                except (OSError, ValueError):
                    time.sleep(0.2)
            if self.process.poll() is None:
                self.stop()
                raise RuntimeError(
                    f"oidc-provider-mock did not answer in {PROVIDER_START_TIMEOUT} s:\n{self.log_tail()}"
                )
        raise RuntimeError(f"oidc-provider-mock exited at start:\n{self.log_tail()}")

    def log_tail(self, limit: int = 4000) -> str:
        return self.log.read_text("utf-8", "replace")[-limit:] if self.log.exists() else ""

    def stop(self) -> None:
        """End the provider's process group: SIGTERM, then SIGKILL after 10 s."""
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


@contextlib.contextmanager
def running_provider(workdir: Path) -> Iterator[OidcProvider]:
    """A provider for the length of the block, logging to workdir/oidc-provider.log."""
    workdir.mkdir(parents=True, exist_ok=True)
    provider = OidcProvider(workdir / "oidc-provider.log").start()
    try:
        yield provider
    finally:
        provider.stop()


def metadata_url(provider_url: str) -> str:
    """The provider's OpenID Connect discovery document (the secrets' server_metadata_url)."""
    return f"{provider_url.rstrip('/')}/.well-known/openid-configuration"


def set_user_claims(provider_url: str, sub: str, claims: Mapping[str, object]) -> None:
    """Tell the provider what to say about `sub` when it signs in (replacing what it said before). Without
    this a subject gets {"email": sub}; `set_user_claims(url, sub, {})` makes one with no email at all."""
    request = urllib.request.Request(
        f"{provider_url.rstrip('/')}/users/{urllib.parse.quote(sub, safe='')}",
        data=json.dumps(dict(claims)).encode(),
        headers={"Content-Type": "application/json"},
        method="PUT",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status != 204:
            raise RuntimeError(f"the provider answered {response.status} to setting {sub}'s claims")


# ---------------------------------------------------------------------------------------------------------
# The app with sign-in on


def _toml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def write_secrets(
    path: Path,
    app_port: int,
    provider_url: str,
    *,
    client_id: str = CLIENT_ID,
    client_secret: str = CLIENT_SECRET,
) -> Path:
    """A secrets.toml whose [auth] section signs in through the provider at `provider_url`, for the app on
    `app_port` (a fresh random cookie_secret each time). Never the repository's .streamlit/secrets.toml."""
    if path.resolve() == (ROOT / ".streamlit" / "secrets.toml").resolve():
        raise ValueError("tests never write the repository's .streamlit/secrets.toml")
    auth = {
        "redirect_uri": f"http://{HOST}:{app_port}/oauth2callback",
        "cookie_secret": secrets.token_urlsafe(32),
        "client_id": client_id,
        "client_secret": client_secret,
        "server_metadata_url": metadata_url(provider_url),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "[auth]\n" + "".join(f"{key} = {_toml_string(value)}\n" for key, value in auth.items()),
        encoding="utf-8",
    )
    return path


# What every page with sign-in on draws last, at the foot of the sidebar (app.py's `finally`: ui/auth.py's
# sidebar): a "Sign in" or "Sign out" button on screen, or, at an address where signing in cannot work, where it
# does. In CI a test read the sidebar the moment the main area was done, and found no "Sign in" there yet.
SIGN_IN_BLOCK_DRAWN = """() => {
    const side = document.querySelector("[data-testid='stSidebar']");
    if (!side) return false;
    const button = [...side.querySelectorAll("button")].some(
        b => b.checkVisibility() && /Sign (in|out)$/.test(b.innerText.trim()));
    return button || side.innerText.includes("Sign-in works at");
}"""


class SignInServer(StreamlitServer):
    """`streamlit run <script>` with sign-in on: its own secrets file (passed with --secrets.files), the
    access settings in its environment, and its address on http://localhost (see the module's docstring)."""

    drawn_last = SIGN_IN_BLOCK_DRAWN

    def __init__(
        self,
        db: Path,
        log: Path,
        provider_url: str,
        *,
        secrets_file: Path,
        settings: Mapping[str, str] | None = None,
        script: str | Path = "app.py",
    ):
        super().__init__(db, log)
        self.provider_url = provider_url
        self.secrets_file = secrets_file
        self.settings = {**DEFAULT_SETTINGS, **(settings or {})}
        self.script = str(script)

    def url(self, path: str = "") -> str:
        return f"http://{HOST}:{self.port}/{path.lstrip('/')}"

    def prepare(self) -> None:
        """The secrets for this port (the redirect URI names it)."""
        write_secrets(self.secrets_file, self.port, self.provider_url)

    def flags(self) -> list[str]:
        return [f"--secrets.files={self.secrets_file}"]

    def env(self) -> dict[str, str]:
        return {**super().env(), **self.settings}


Grant = tuple[str, str, Iterable[str]]  # (identity, role, organization codes)


def grant(db_path: Path, identity: str, role: str, org_codes: Iterable[str] = ()) -> None:
    """Give `identity` a role ("uploader" with its organization codes, "reviewer", "administrator", "viewer")
    in the warehouse at `db_path`, as an administrator would on the Access page (only administrators grant
    roles; the command line's operator is a reviewer). Done before the app starts: the running app holds the
    warehouse file open."""
    from analytics.access import ADMINISTRATOR, Actor, grant_role
    from analytics.warehouse import connect

    setup = Actor("browser tests (setup)", ADMINISTRATOR, channel="system")
    con = connect(db_path)
    try:
        grant_role(con, identity, role, list(org_codes), actor=setup)
    finally:
        con.close()


@contextlib.contextmanager
def opened_sign_in_server(
    browser,
    sample_db_template: Path,
    workdir: Path,
    provider_url: str,
    *,
    grants: Iterable[Grant] = (),
    settings: Mapping[str, str] | None = None,
    script: str | Path = "app.py",
) -> Iterator[SignInServer]:
    """A sign-in server on its own copy of the sample warehouse with `grants` made first, opened at "/" once
    by an anonymous visitor (as opened_server does), and stopped afterwards."""
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "warehouse.duckdb"
    shutil.copy(sample_db_template, db)
    for identity, role, org_codes in grants:
        grant(db, identity, role, org_codes)
    server = SignInServer(
        db,
        workdir / "streamlit.log",
        provider_url,
        secrets_file=workdir / "secrets" / "secrets.toml",
        settings=settings,
        script=script,
    ).start()
    try:
        warm_up = new_dashboard(browser, server)
        warm_up.open()
        warm_up.page.context.close()
        yield server
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------------------
# Signing in, in the browser


def sign_in(dash: Dashboard, identity: str, timeout: float = SCRIPT_TIMEOUT_MS) -> None:
    """Sign in as `identity` the way a person does: the sidebar's "Sign in" button, the provider's authorize
    form (subject typed in, "Authorize"), and back on the app with its page drawn to the end
    (Dashboard.wait_for_script)."""
    page = dash.page
    app_origin = _origin(page.url)
    _without_outside_requests(page)
    page.locator("[data-testid='stSidebar']").get_by_role("button", name="Sign in", exact=True).click()
    form = page.locator("form").filter(has=page.locator("input[name='sub']"))
    form.locator("input[name='sub']").fill(identity, timeout=timeout)
    form.get_by_role("button", name="Authorize").click()
    page.wait_for_url(app_origin + "/**", timeout=timeout)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", state="attached", timeout=timeout
    )
    dash.wait_for_script(timeout)


def sign_out(dash: Dashboard, timeout: float = SCRIPT_TIMEOUT_MS) -> None:
    """The sidebar's "Sign out", the provider's "End session" (Streamlit sends the browser to the provider's
    end_session_endpoint, which the mock asks to confirm), and back on the app, signed out, with its page
    drawn to the end."""
    page = dash.page
    app_origin = _origin(page.url)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_role("button", name="Sign out", exact=True).click()
    page.get_by_role("button", name="End session").click(timeout=timeout)
    page.wait_for_url(app_origin + "/**", timeout=timeout)
    sidebar.get_by_role("button", name="Sign in", exact=True).wait_for(timeout=timeout)
    dash.wait_for_script(timeout)


def _origin(url: str) -> str:
    """scheme://host:port of `url`."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _without_outside_requests(page) -> None:
    """The provider's pages link a stylesheet on a CDN; a test machine without the internet would wait on it.
    Refuse every request that leaves this machine (once per browser context)."""
    context = page.context
    if getattr(context, "_outside_requests_refused", False):
        return
    context.route(
        lambda url: urllib.parse.urlsplit(url).hostname not in {HOST, "127.0.0.1"},
        lambda route: route.abort(),
    )
    context._outside_requests_refused = True
