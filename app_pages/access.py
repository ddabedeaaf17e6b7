"""Access: who holds which role (viewer, district uploader with its organizations, DESE reviewer, DESE
administrator); grant and remove roles (DESE administrators only). Every change goes to the audit log.

A grant is for exactly what is on screen: the organizations are picked one by one (no "Select all matches"),
the page says in one sentence what Grant will do before it is pressed, and the choices are cleared once it
is done, so the next grant starts empty. Removing a role asks first."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import access
from analytics.ingest import known_organizations
from analytics.warehouse import WarehouseUnavailable
from ui import auth
from ui.data import call, cursor, writer
from ui.layout import page_heading
from ui.text import grid, plain

_MESSAGE = "access_message"
_IDENTITY, _ROLE, _ORGS = "access_identity", "access_role", "access_orgs"
_REMOVE_WHO, _REMOVE_SURE = "access_remove_who", "access_remove_confirm"
_DEFAULT_ROLE = access.UPLOADER


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


def _say(ok: bool, text: str) -> None:
    """What a change did, said on the run that follows (which shows the new table)."""
    st.session_state[_MESSAGE] = (ok, text)


def _grant(actor: access.Actor) -> None:
    """Grant's callback: the grant exactly as chosen; once done, the choices are cleared."""
    identity = st.session_state.get(_IDENTITY, "")
    role = st.session_state.get(_ROLE, _DEFAULT_ROLE)
    codes = list(st.session_state.get(_ORGS, [])) if role == access.UPLOADER else []
    try:
        with writer() as cur:
            _say(True, "Granted: " + access.grant_role(cur, identity, role, codes, actor=actor))
    except access.NotAllowed as refusal:
        auth.record_refusal(actor, f"granting “{access.shown_exactly(identity)}” the role {role}: {refusal}")
        _say(False, str(refusal))
        return
    except (ValueError, WarehouseUnavailable) as problem:
        _say(False, str(problem))
        return
    st.session_state[_IDENTITY] = ""
    st.session_state[_ROLE] = _DEFAULT_ROLE
    st.session_state[_ORGS] = []


def _remove(actor: access.Actor, gone: str) -> None:
    """Remove role's callback (it is enabled only once the removal is confirmed)."""
    st.session_state[_REMOVE_SURE] = False
    try:
        with writer() as cur:
            _say(True, "Removed: " + access.remove_role(cur, gone, actor=actor))
    except access.NotAllowed as refusal:
        auth.record_refusal(actor, f"removing the role of “{gone}”: {refusal}")
        _say(False, str(refusal))
    except (ValueError, WarehouseUnavailable) as problem:
        _say(False, str(problem))


def _unconfirm() -> None:
    """Another person chosen for removal: the confirmation was for the one before."""
    st.session_state[_REMOVE_SURE] = False


page_heading("Access", "Who may upload, review and manage the dashboard, and for which organizations.")
actor = auth.current()
try:
    with cursor() as cur:
        holders = access.roles_table(cur, actor=actor)
except access.NotAllowed as refusal:
    st.warning(str(refusal), icon=":material/lock:")
    auth.record_refusal(actor, f"the roles: {refusal}", once=("page", "Access"))
    st.stop()

said = st.session_state.pop(_MESSAGE, None)
if said is not None:
    (st.success if said[0] else st.error)(plain(said[1]))

organizations = call(known_organizations)
shown = holders.assign(
    role=holders["role"].map(access.ROLE_LABELS),
    org_codes=[
        ", ".join(f"{organizations.get(c, c)} ({c})" for c in codes) for codes in holders["org_codes"]
    ],
    granted_at=holders["granted_at"].map(when),
)
st.dataframe(
    grid(shown),
    hide_index=True,
    width="stretch",
    key="access_table",
    column_config={
        "identity": "Sign-in",
        "role": "Role",
        "org_codes": "Organizations (district uploaders)",
        "granted_by": "Granted by",
        "granted_at": "When",
    },
)
st.caption(
    "Anyone else who signs in is a viewer (or refused, if the deployment says so). Administrators from "
    "configuration (data/settings.toml, DASHBOARD_ADMINISTRATORS) are changed there, not here."
)

st.header("Grant a role")
identity = st.text_input(
    "Sign-in email", key=_IDENTITY, max_chars=access.IDENTITY_LIMIT, placeholder="name@district.org"
)
st.session_state.setdefault(_ROLE, _DEFAULT_ROLE)  # (set here, not by index=: the grant resets it)
role = st.selectbox("Role", access.ROLES, format_func=access.ROLE_LABELS.get, key=_ROLE)
codes: list[str] = []
if role == access.UPLOADER:
    codes = st.multiselect(
        "Organizations (pick each one the district uploads for)",
        list(organizations),
        format_func=lambda c: f"{organizations[c]} ({c})",
        key=_ORGS,
        placeholder="Type a name or code, then pick it",
        filter_mode="contains",
        select_all=False,  # no "Select 2 matches": each organization granted is one picked
    )
sentence = grant_sentence(identity, role, codes, organizations)
if sentence is None:
    st.caption(
        "Type the person's sign-in email"
        + (" and pick the district's organizations" if role == access.UPLOADER else "")
        + " (press Enter after typing): this says what Grant will do before you press it."
    )
else:
    st.info(plain(sentence), icon=":material/how_to_reg:")
st.button(
    "Grant",
    type="primary",
    key="access_grant",
    disabled=sentence is None,
    on_click=_grant,
    args=(actor,),
)

removable = {
    i: holding(r, c, organizations)
    for i, r, c, by in zip(
        holders["identity"], holders["role"], holders["org_codes"], holders["granted_by"], strict=True
    )
    if by != "configuration"
}
st.header("Remove a role")
if not removable:
    st.info("Nobody holds a role from this page yet.")
else:
    gone = st.selectbox(
        "Sign-in",
        list(removable),
        format_func=lambda i: f"{i} · {removable[i]}",
        key=_REMOVE_WHO,
        on_change=_unconfirm,
    )
    sure = st.checkbox(
        plain(
            f"Yes, remove {gone}'s role ({removable[gone]}): they keep only what anyone who signs in may see"
        ),
        key=_REMOVE_SURE,
    )
    st.button(
        "Remove role",
        key="access_remove",
        disabled=not sure,
        on_click=_remove,
        args=(actor, gone),
        help="Tick the box above first." if not sure else None,
    )
