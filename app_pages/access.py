"""Access: who holds which role (viewer, district uploader with its organizations, DESE reviewer, DESE
administrator); grant and remove roles (DESE administrators only). Every change goes to the audit log."""

import streamlit as st

from analytics import access
from analytics.ingest import known_organizations
from analytics.warehouse import WarehouseUnavailable
from ui import auth
from ui.data import call, cursor, writer
from ui.layout import page_heading
from ui.text import grid, plain

_MESSAGE = "access_message"

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
        "granted_at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm"),
    },
)
st.caption(
    "Anyone else who signs in is a viewer (or refused, if the deployment says so). Administrators from "
    "configuration (data/settings.toml, DASHBOARD_ADMINISTRATORS) are changed there, not here."
)


def _done(ok: bool, text: str) -> None:
    """Say what a change did after the page reruns (it shows the new table)."""
    st.session_state[_MESSAGE] = (ok, text)
    st.rerun()


st.header("Grant a role")
with st.form("access_grant", clear_on_submit=False, enter_to_submit=False):
    identity = st.text_input("Sign-in email", key="access_identity", max_chars=access.IDENTITY_LIMIT)
    role = st.selectbox("Role", access.ROLES, format_func=access.ROLE_LABELS.get, key="access_role", index=1)
    codes = st.multiselect(
        "Organizations (for a district uploader)",
        list(organizations),
        format_func=lambda c: f"{organizations[c]} ({c})",
        key="access_orgs",
        placeholder="Choose the district's organizations",
    )
    granted = st.form_submit_button("Grant", type="primary")
if granted:
    try:
        with writer() as cur:
            outcome = (True, "Granted: " + access.grant_role(cur, identity, role, codes, actor=actor))
    except access.NotAllowed as refusal:
        auth.record_refusal(actor, f"granting “{access.shown_exactly(identity)}” the role {role}: {refusal}")
        outcome = (False, str(refusal))
    except (ValueError, WarehouseUnavailable) as problem:
        outcome = (False, str(problem))
    _done(*outcome)

removable = [
    i for i, by in zip(holders["identity"], holders["granted_by"], strict=True) if by != "configuration"
]
st.header("Remove a role")
if not removable:
    st.info("Nobody holds a role from this page yet.")
else:
    gone = st.selectbox("Sign-in", removable, key="access_remove_who")
    if st.button("Remove role", key="access_remove"):
        try:
            with writer() as cur:
                outcome = (True, "Removed: " + access.remove_role(cur, gone, actor=actor))
        except access.NotAllowed as refusal:
            auth.record_refusal(actor, f"removing the role of “{gone}”: {refusal}")
            outcome = (False, str(refusal))
        except (ValueError, WarehouseUnavailable) as problem:
            outcome = (False, str(problem))
        _done(*outcome)
