"""Sign-in on the app's side: whether it is configured, who is acting in this session, and the sidebar's
sign-in and sign-out. What each role may do is decided in analytics/access.py, never here.

Sign-in is OpenID Connect through `st.login` (Authlib), configured by the `[auth]` section of
.streamlit/secrets.toml (see .streamlit/secrets.toml.example and the README). Without it the app runs for
one person on a laptop, where everyone is an administrator and the sidebar says so; a deployment sets
`require_sign_in`, and the app then refuses to run without it.

Streamlit keeps the ID token's claims in a cookie for 30 days and never looks at them again, so every run
asks analytics/access.py whether the sign-in the browser carries is still good: refused when its email or
subject cannot be matched exactly, over when its token has expired, when it is older than the session
lifetime, or when its identity has signed out since (in any browser, on any server). Such a visitor is not
signed in: told why, offered to sign in again, and shown what anyone may see.
"""

from __future__ import annotations

import logging
import urllib.parse
from dataclasses import dataclass, replace

import streamlit as st

from analytics import access
from analytics.access import Actor, SignIn
from analytics.settings import load_settings
from ui.data import cursor, writer
from ui.text import plain

log = logging.getLogger("dashboard.auth")
_RECORDED = "auth_recorded"  # what this browser session has already written to the audit log


def configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section (sign-in through OpenID Connect)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


# --- the address sign-in works at ---------------------------------------------------------------------------
# Streamlit keeps a sign-in's state in a cookie of the address the browser opened, and the identity provider
# sends the browser back to the [auth] redirect_uri. Opened at another host or port (127.0.0.1 when the
# redirect_uri names localhost), the cookie is not sent back: the round trip ends silently at "Sign in" (the
# server logs "Missing provider for OAuth callback"). So the visitor is sent to the configured address.

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _host_port(address: str, scheme: str = "http") -> tuple[str, int] | None:
    """(host, port) of a URL or of a Host header ("127.0.0.1:8501"), lower-cased, the scheme's port where
    none is written; None when it cannot be read."""
    address = address.strip()
    if "://" not in address:
        address = f"{scheme}://{address}"
    try:
        parts = urllib.parse.urlsplit(address)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return None
    if not parts.hostname or port is None:
        return None
    return parts.hostname.lower().rstrip("."), port


def sign_in_elsewhere(redirect_uri: str, opened: str | None) -> str | None:
    """The address sign-in works at ("http://localhost:8501"), when the dashboard was opened at another
    host or port (`opened`: the browser's URL, or the request's Host header); None when they agree, or when
    either cannot be told (then nothing is said: sign-in is offered as always)."""
    if not redirect_uri or not opened:
        return None
    target = urllib.parse.urlsplit(redirect_uri.strip())
    configured = _host_port(redirect_uri)
    here = _host_port(opened, target.scheme or "http")
    if configured is None or here is None or configured == here:
        return None
    return f"{target.scheme}://{target.netloc}"


def _opened_at() -> str | None:
    """Where this browser opened the dashboard: its URL (st.context.url), else the request's Host."""
    try:
        url = st.context.url
        if url:
            return url
        headers = st.context.headers
        return headers.get("X-Forwarded-Host") or headers.get("Host")
    except Exception:  # no browser behind this run (tests, bare mode)
        return None


def sign_in_address() -> str | None:
    """The configured address to send this visitor to before offering sign-in, or None (sign-in works
    here, or is not configured)."""
    if not configured():
        return None
    try:
        redirect_uri = str(st.secrets["auth"].get("redirect_uri", ""))
    except Exception:
        return None
    return sign_in_elsewhere(redirect_uri, _opened_at())


def wrong_address(address: str, where=st) -> None:
    """Say that sign-in works only at `address`, with a link there (to this page), instead of a Sign in
    button that would come back silently signed out."""
    path = urllib.parse.urlsplit(_opened_at() or "").path
    where.warning(
        f"Sign-in works at {address} — open the dashboard there. This address is not the one sign-in is "
        "set up for, and the browser keeps a sign-in for one address only.",
        icon=":material/link:",
    )
    where.link_button(f"Open {address}", address + (path or "/"), icon=":material/open_in_new:")


def _claims() -> dict | None:
    """The claims of the sign-in the browser carries (its ID token's, as Streamlit's cookie keeps them), or
    None when nobody is signed in."""
    user = st.user
    if not getattr(user, "is_logged_in", False):
        return None
    return user.to_dict()


@dataclass(frozen=True)
class Session:
    """Who this browser session acts as, or why it may not go on."""

    actor: Actor | None
    refusal: str | None = None  # why nothing is shown (None when the actor may view)
    signed_in: bool = False
    sign_in: SignIn | None = None  # the sign-in the browser carries, as read (None: nobody signed in)
    ended: str | None = None  # why that sign-in is refused or over: the visitor is not signed in

    @property
    def notice(self) -> str | None:
        """What a visitor whose sign-in is refused or over is told, above the page."""
        if self.ended is None:
            return None
        if self.sign_in is not None and self.sign_in.refusal is not None:
            return (
                f"Your sign-in was refused: {self.ended}. You are not signed in; sign in again with another "
                "account, or ask DESE's dashboard administrators."
            )
        return f"Your sign-in has ended ({self.ended}): sign in again."


def session() -> Session:
    """Who is acting in this session: the signed-in person's role, an anonymous viewer, everyone as an
    administrator when sign-in is off, or a refusal (sign-in required but not configured; sign-in needed
    to view; a signed-in person the deployment does not know)."""
    settings = load_settings()
    if not configured():
        if settings.require_sign_in:
            return Session(
                None,
                "This dashboard is set to require sign-in (require_sign_in), but sign-in is not configured: "
                "add an [auth] section to .streamlit/secrets.toml (see the README, “Sign-in and roles”) and "
                "restart it.",
            )
        return Session(access.sign_in_off())
    claims = _claims()
    if claims is None:
        if settings.public_viewing:
            return Session(access.anonymous())
        return Session(None, "Sign in to see the dashboard.")
    sign_in = access.sign_in_of(claims)
    ended, actor = sign_in.refusal, None
    if ended is None:
        with cursor() as cur:
            ended = access.sign_in_ended(cur, sign_in, settings)
            if ended is None:
                actor = access.signed_in(
                    cur, sign_in.identity, settings, subject=sign_in.subject, issuer=sign_in.issuer
                )
    if ended is not None:  # not signed in: what anyone may see, if anything, and why
        found = Session(access.anonymous(), sign_in=sign_in, ended=ended)
        return found if settings.public_viewing else replace(found, actor=None, refusal=found.notice)
    if actor is None:
        return Session(
            None,
            f"You are signed in as {sign_in.identity}, who has no access to this dashboard yet. Ask DESE's "
            "dashboard administrators for a role.",
            signed_in=True,
            sign_in=sign_in,
        )
    return Session(actor, signed_in=True, sign_in=sign_in)


_THIS_RUN = "auth_session_this_run"  # app.py's answer for the run under way (a page asks many times)


def remember(found: Session) -> None:
    """Keep who is acting for the rest of this script run (app.py works it out first, every run)."""
    st.session_state[_THIS_RUN] = found


def current() -> Actor:
    """The actor of this session (a refused session never reaches a page: app.py stops first). What app.py
    worked out at the start of this run; a page run on its own (tests) works it out itself."""
    found = st.session_state.get(_THIS_RUN)
    found = found if isinstance(found, Session) else session()
    return found.actor if found.actor is not None else access.anonymous()


def _recorded() -> set:
    return st.session_state.setdefault(_RECORDED, set())


def _signed_in_as(found: Session) -> Actor:
    """Who the audit log names for this session's sign-in (its actor; for a sign-in without a role, its
    identity as a viewer; for a refused one, what the provider sent, written out exactly)."""
    if found.actor is not None and found.signed_in:
        return found.actor
    sign_in = found.sign_in
    assert sign_in is not None
    return Actor(sign_in.shown_as, access.VIEWER, subject=sign_in.subject, issuer=sign_in.issuer)


def record_sign_in(found: Session) -> None:
    """The audit log's line for the sign-in this browser carries: "signed in" once per sign-in (however many
    browser sessions, tabs or servers see the same cookie), a sign-in refused at the door once per sign-in,
    and a sign-in that is over once per browser session that presents it."""
    sign_in = found.sign_in
    if sign_in is None:
        return
    ended = found.ended is not None and sign_in.refusal is None
    key = ("ended", sign_in.key, found.ended) if ended else ("sign-in", sign_in.key)
    if key in _recorded():
        return
    actor = _signed_in_as(found)
    try:
        if ended:
            with writer() as cur:
                access.record_refusal(cur, actor, f"sign-in: it has ended ({found.ended})")
        else:
            with cursor() as cur:
                seen = access.sign_in_seen(cur, sign_in)
            if not seen:
                refused = found.ended or (
                    None if found.actor is not None else "no role, and unknown users are refused"
                )
                with writer() as cur:
                    access.record_sign_in(cur, actor, sign_in, refused=refused)
    except Exception:  # the log line must never keep a person from the dashboard
        log.exception("recording the sign-in of %r failed", actor.identity)
        return
    _recorded().add(key)


def record_refusal(actor: Actor, detail: str, *, once: object = None, upload_id: int | None = None) -> None:
    """The audit log's line for something `actor` tried and was refused (who, what, why); with `once`, once
    per browser session for that key (a refused page is run again by every click on it)."""
    if once is not None and once in _recorded():
        return
    try:
        with writer() as cur:
            access.record_refusal(cur, actor, detail, upload_id)
    except Exception:  # the log line must never keep a person from the dashboard
        log.exception("recording a refusal of %r failed", actor.identity)
        return
    if once is not None:
        _recorded().add(once)


def _sign_out(found: Session) -> None:
    """The sidebar's Sign out: recorded first (which ends this person's sign-in in every browser and on
    every server), then Streamlit's own sign-out (this browser's cookie, and the provider's session)."""
    try:
        with writer() as cur:
            access.record_sign_out(cur, _signed_in_as(found))
    except Exception:
        log.exception("recording a sign-out failed; this browser is signed out all the same")
    st.logout()


def notice(found: Session) -> None:
    """Above the page: why the sign-in this browser carries is refused or over, and a way to sign in again."""
    if found.notice is None:
        return
    st.warning(plain(found.notice), icon=":material/lock_clock:")
    elsewhere = sign_in_address()
    if elsewhere is not None:
        wrong_address(elsewhere)
        return
    st.button("Sign in again", key="auth_sign_in_again", on_click=st.login, icon=":material/login:")


def sidebar(current_session: Session) -> None:
    """Sign in / who is signed in and sign out; or, with sign-in off, the notice that everyone is an
    administrator here."""
    with st.sidebar:
        if not configured():
            st.warning(
                "Sign-in is off: everyone here is an administrator. Fine on your own computer; a shared "
                "server needs sign-in (see the README).",
                icon=":material/lock_open:",
            )
            return
        if current_session.signed_in:
            actor = current_session.actor
            role = actor.role_label if actor is not None else "no access"
            st.caption(plain(f"Signed in as {_signed_in_as(current_session).identity} · {role}"))
            st.button(
                "Sign out",
                key="auth_sign_out",
                on_click=_sign_out,
                args=(current_session,),
                icon=":material/logout:",
            )
        else:
            elsewhere = sign_in_address()
            if elsewhere is not None:  # a Sign in button here would come back silently signed out
                wrong_address(elsewhere, st.sidebar)
                return
            st.button("Sign in", key="auth_sign_in", on_click=st.login, icon=":material/login:")
