"""Sign-in on the app's side: whether it is configured, who is acting in this session, and the sidebar's
sign-in and sign-out. What each role may do is decided in analytics/access.py, never here.

Sign-in is OpenID Connect through `st.login` (Authlib), configured by the `[auth]` section of
.streamlit/secrets.toml (see .streamlit/secrets.toml.example and the README). Without it the app runs for
one person on a laptop, where everyone is an administrator and the sidebar says so; a deployment sets
`require_sign_in`, and the app then refuses to run without it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import streamlit as st

from analytics import access
from analytics.access import Actor
from analytics.settings import load_settings
from ui.data import cursor, writer
from ui.text import plain

log = logging.getLogger("dashboard.auth")
_SIGNED_IN = "auth_signed_in_recorded"  # the identity whose sign-in this session has recorded


def configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section (sign-in through OpenID Connect)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _identity() -> str | None:
    """The signed-in person's email (else the provider's subject), or None when nobody is signed in."""
    user = st.user
    if not getattr(user, "is_logged_in", False):
        return None
    return str(user.get("email") or user.get("sub") or "") or None


@dataclass(frozen=True)
class Session:
    """Who this browser session acts as, or why it may not go on."""

    actor: Actor | None
    refusal: str | None = None  # why nothing is shown (None when the actor may view)
    signed_in: bool = False


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
    identity = _identity()
    if identity is None:
        if settings.public_viewing:
            return Session(access.anonymous())
        return Session(None, "Sign in to see the dashboard.")
    with cursor() as cur:
        actor = access.signed_in(cur, identity, settings)
    if actor is None:
        return Session(
            None,
            f"You are signed in as {identity}, who has no access to this dashboard yet. Ask DESE's "
            "dashboard administrators for a role.",
            signed_in=True,
        )
    return Session(actor, signed_in=True)


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


def record_sign_in(actor: Actor) -> None:
    """The audit log's line for this sign-in, once per session and identity."""
    if st.session_state.get(_SIGNED_IN) == actor.identity:
        return
    try:
        with writer() as cur:
            access.record_sign_in(cur, actor)
    except Exception:  # the log line must never keep a person from the dashboard
        log.exception("recording the sign-in of %r failed", actor.identity)
        return
    st.session_state[_SIGNED_IN] = actor.identity


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
            st.caption(plain(f"Signed in as {_identity()} · {role}"))
            st.button("Sign out", key="auth_sign_out", on_click=st.logout, icon=":material/logout:")
        else:
            st.button("Sign in", key="auth_sign_in", on_click=st.login, icon=":material/login:")
