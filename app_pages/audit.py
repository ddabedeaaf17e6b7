"""Audit: every sign-in and sign-out, upload, review, withdrawal, rollback, restore, role change and
refusal, with who (in which role, and the sign-in provider's subject), when and what; filtered, and
downloadable (DESE reviewers and administrators only)."""

from datetime import date, timedelta

import streamlit as st

from analytics import access
from analytics.export import frame_csv
from ui import auth
from ui.data import cursor
from ui.layout import data_table, page_heading
from ui.text import grid

page_heading(
    "Audit",
    "Who signed in and out, who uploaded, reviewed, rolled back or changed access, and what was refused: "
    "when and what.",
)
actor = auth.current()
who_box, actions_box, days_box = st.columns([2, 3, 2])
who = who_box.text_input("Who (part of the name or email)", key="audit_who")
actions = actions_box.multiselect("What", access.AUDIT_ACTIONS, key="audit_actions", placeholder="Everything")
today = date.today()
days = days_box.date_input(
    "When", value=(today - timedelta(days=30), today), max_value=today, key="audit_days", format="YYYY-MM-DD"
)
since, until = (days[0], days[-1]) if isinstance(days, tuple) and days else (None, None)
try:
    # Read fresh each time: a sign-in writes to the log without changing the data the caches are keyed by.
    with cursor() as cur:
        log = access.audit_log(cur, actor=actor, who=who, actions=actions, since=since, until=until)
except access.NotAllowed as refusal:
    st.warning(str(refusal), icon=":material/lock:")
    auth.record_refusal(actor, f"the audit log: {refusal}", once=("page", "Audit"))
    st.stop()

st.caption(f"{len(log):,} entries, newest first.")
data_table(
    grid(log.assign(role=log["role"].map(access.ROLE_LABELS).fillna(log["role"]))),
    hide_index=True,
    width="stretch",
    key="audit_table",
    column_config={
        "happened_at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm:ss"),
        "who": "Who",
        "subject": st.column_config.TextColumn(
            "Subject",
            help="The sign-in provider's own name for the person (its `sub`): an email can be "
            "spelled alike by two sign-ins, the subject cannot",
        ),
        "issuer": st.column_config.TextColumn("Provider", help="The sign-in provider (its `iss`)"),
        "role": "Role",
        "action": "What",
        "upload_id": st.column_config.NumberColumn("Upload", format="%d"),
        "detail": "Detail",
    },
)
st.download_button(
    "Download as CSV",
    frame_csv(log),
    file_name=f"dashboard-audit-log_{today:%Y-%m-%d}.csv",
    mime="text/csv",
    key="audit_download",
    icon=":material/download:",
)
