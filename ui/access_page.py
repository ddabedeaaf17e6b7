"""The Access page's workings (app_pages/access.py draws it): its session keys, the sentences it says, and
Grant's and Remove's callbacks, each of which writes through analytics/access.py and the audit log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import access
from analytics.trouble import WarehouseUnavailable
from ui import auth
from ui.data import writer

MESSAGE = "access_message"
IDENTITY, ROLE, ORGS = "access_identity", "access_role", "access_orgs"
REMOVE_WHO, REMOVE_SURE = "access_remove_who", "access_remove_confirm"
DEFAULT_ROLE = access.UPLOADER


def when(moment: object) -> str:
    """A role's grant time as the table shows it: 'YYYY-MM-DD HH:MM', blank where there is none (an
    administrator from configuration was granted by no one, at no time)."""
    return "" if moment is None or pd.isna(moment) else f"{pd.Timestamp(moment):%Y-%m-%d %H:%M}"


def holding(role: str, codes, organizations: dict[str, str]) -> str:
    """'district uploader for Boston (00350000)', 'DESE reviewer'."""
    named = ", ".join(f"{organizations.get(c, c)} ({c})" for c in codes)
    return access.ROLE_LABELS[role] + (f" for {named}" if named else "")


def grant_sentence(identity: str, role: str, codes, organizations: dict[str, str]) -> str | None:
    """What pressing Grant will do, in one sentence ('Grant clerk@x the role district uploader for 2
    organizations: …'); None while the choices are not yet a grant (no sign-in, or a district uploader with
    no organization)."""
    who = access.normalise_identity(identity)
    if not who or (role == access.UPLOADER and not codes):
        return None
    what = access.ROLE_LABELS[role]
    if role == access.UPLOADER:
        n = len(codes)
        named = ", ".join(f"{organizations.get(c, c)} ({c})" for c in codes)
        what += f" for {n:,} organization{'s' if n != 1 else ''}: {named}"
    return f"Grant {who} the role {what}. Any role they hold now is replaced."


def say(ok: bool, text: str) -> None:
    """What a change did, said on the run that follows (which shows the new table)."""
    st.session_state[MESSAGE] = (ok, text)


def grant(actor: access.Actor) -> None:
    """Grant's callback: the grant exactly as chosen; once done, the choices are cleared."""
    identity = st.session_state.get(IDENTITY, "")
    role = st.session_state.get(ROLE, DEFAULT_ROLE)
    codes = list(st.session_state.get(ORGS, [])) if role == access.UPLOADER else []
    try:
        with writer() as cur:
            say(True, "Granted: " + access.grant_role(cur, identity, role, codes, actor=actor))
    except access.NotAllowed as refusal:
        auth.record_refusal(actor, f"granting “{access.shown_exactly(identity)}” the role {role}: {refusal}")
        say(False, str(refusal))
        return
    except (ValueError, WarehouseUnavailable) as problem:
        say(False, str(problem))
        return
    st.session_state[IDENTITY] = ""
    st.session_state[ROLE] = DEFAULT_ROLE
    st.session_state[ORGS] = []


def remove(actor: access.Actor, gone: str) -> None:
    """Remove role's callback (it is enabled only once the removal is confirmed)."""
    st.session_state[REMOVE_SURE] = False
    try:
        with writer() as cur:
            say(True, "Removed: " + access.remove_role(cur, gone, actor=actor))
    except access.NotAllowed as refusal:
        auth.record_refusal(actor, f"removing the role of “{gone}”: {refusal}")
        say(False, str(refusal))
    except (ValueError, WarehouseUnavailable) as problem:
        say(False, str(problem))


def unconfirm() -> None:
    """Another person chosen for removal: the confirmation was for the one before."""
    st.session_state[REMOVE_SURE] = False


def roles_shown(holders: pd.DataFrame, organizations: dict[str, str]) -> pd.DataFrame:
    """The roles table as the page shows it: role labels, organizations by name and code, grant times."""
    return holders.assign(
        role=holders["role"].map(access.ROLE_LABELS),
        org_codes=[
            ", ".join(f"{organizations.get(c, c)} ({c})" for c in codes) for codes in holders["org_codes"]
        ],
        granted_at=holders["granted_at"].map(when),
    )


def removable_roles(holders: pd.DataFrame, organizations: dict[str, str]) -> dict[str, str]:
    """Each sign-in whose role this page may remove (not one from configuration), with what it holds."""
    return {
        i: holding(r, c, organizations)
        for i, r, c, by in zip(
            holders["identity"], holders["role"], holders["org_codes"], holders["granted_by"], strict=True
        )
        if by != "configuration"
    }
