"""Access: who holds which role (viewer, district uploader with its organizations, DESE reviewer, DESE
administrator); grant and remove roles (DESE administrators only). Every change goes to the audit log.

A grant is for exactly what is on screen: the organizations are picked one by one (no "Select all matches"),
the page says in one sentence what Grant will do before it is pressed, and the choices are cleared once it
is done, so the next grant starts empty. Removing a role asks first."""

from __future__ import annotations

import streamlit as st

from analytics import access
from analytics.ingest import known_organizations
from ui import auth
from ui.access_page import (
    DEFAULT_ROLE,
    IDENTITY,
    MESSAGE,
    ORGS,
    REMOVE_SURE,
    REMOVE_WHO,
    ROLE,
    grant,
    grant_sentence,
    removable_roles,
    remove,
    roles_shown,
    unconfirm,
)
from ui.data import call, cursor
from ui.layout import page_heading
from ui.text import grid, plain

page_heading("Access", "Who may upload, review and manage the dashboard, and for which organizations.")
actor = auth.current()
try:
    with cursor() as cur:
        holders = access.roles_table(cur, actor=actor)
except access.NotAllowed as refusal:
    st.warning(str(refusal), icon=":material/lock:")
    auth.record_refusal(actor, f"the roles: {refusal}", once=("page", "Access"))
    st.stop()

said = st.session_state.pop(MESSAGE, None)
if said is not None:
    (st.success if said[0] else st.error)(plain(said[1]))

organizations = call(known_organizations)
st.dataframe(
    grid(roles_shown(holders, organizations)),
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
    "Sign-in email", key=IDENTITY, max_chars=access.IDENTITY_LIMIT, placeholder="name@district.org"
)
st.session_state.setdefault(ROLE, DEFAULT_ROLE)  # (set here, not by index=: the grant resets it)
role = st.selectbox("Role", access.ROLES, format_func=access.ROLE_LABELS.get, key=ROLE)
codes: list[str] = []
if role == access.UPLOADER:
    codes = st.multiselect(
        "Organizations (pick each one the district uploads for)",
        list(organizations),
        format_func=lambda c: f"{organizations[c]} ({c})",
        key=ORGS,
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
    on_click=grant,
    args=(actor,),
)

removable = removable_roles(holders, organizations)
st.header("Remove a role")
if not removable:
    st.info("Nobody holds a role from this page yet.")
else:
    gone = st.selectbox(
        "Sign-in",
        list(removable),
        format_func=lambda i: f"{i} · {removable[i]}",
        key=REMOVE_WHO,
        on_change=unconfirm,
    )
    sure = st.checkbox(
        plain(
            f"Yes, remove {gone}'s role ({removable[gone]}): they keep only what anyone who signs in may see"
        ),
        key=REMOVE_SURE,
    )
    st.button(
        "Remove role",
        key="access_remove",
        disabled=not sure,
        on_click=remove,
        args=(actor, gone),
        help="Tick the box above first." if not sure else None,
    )
