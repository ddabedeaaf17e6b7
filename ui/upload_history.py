"""The Upload page's history: DESE's review queue and releases, and the uploads this person may see, with
roll back, undo and withdraw as their role allows. Each section renders; the writes are ui/upload_state's."""

from __future__ import annotations

import logging

import streamlit as st

from analytics.contracts import kind_for_table
from ui import upload_state
from ui import upload_view as view
from ui.text import grid, plain
from ui.upload_file import show_changes

log = logging.getLogger("dashboard.upload")


def review_queue(uploads) -> None:
    """DESE: the district uploads waiting for review, each approved (it counts from then on) or rejected with
    a note the district sees."""
    waiting = uploads[uploads["status"] == "pending"]
    st.header("Waiting for review")
    if waiting.empty:
        st.info("No district upload is waiting for review.", icon=":material/task_alt:")
        return
    shown = view.history(waiting)
    st.dataframe(
        grid(shown.table.drop(columns=["status", "review"])),
        hide_index=True,
        width="stretch",
        key="upload_review_table",
        column_config=_HISTORY_COLUMNS,
    )
    chosen = st.selectbox(
        "Upload to review", list(shown.choices), format_func=shown.choices.get, key="upload_review_choice"
    )
    try:
        changes = upload_state.preview_pending(int(chosen))
    except Exception:
        log.exception("preview of pending upload %s failed", chosen)
        changes = None
        st.error("What approving it would change could not be worked out just now.")
    if changes is not None:
        st.subheader("What approving it would change")
        st.caption(
            "Its figures against what counts now, as the district saw them before saving (where a newer "
            "upload covers the same organization and year, that one still counts after approval)."
        )
        kind = waiting.loc[waiting["upload_id"] == chosen, "kind"].iloc[0]
        show_changes(changes, kind_for_table(kind).name, "upload_review_preview", reviewing=True)
    note = st.text_area(
        "Note for the district (needed to reject; they see it beside the upload)",
        key="upload_review_note",
        max_chars=1000,
    )
    approve, reject = st.columns(2)
    if approve.button("Approve", key="upload_approve", type="primary", icon=":material/check:"):
        upload_state.keep_history_message(upload_state.review(int(chosen), approve=True, note=note))
        st.rerun()
    if reject.button("Reject", key="upload_reject", icon=":material/close:"):
        upload_state.keep_history_message(upload_state.review(int(chosen), approve=False, note=note))
        st.rerun()


def release_section() -> None:
    """DESE: what everyone else sees (the latest release), what it held back, and releasing the current
    figures (analytics/releases.py)."""
    latest, held = upload_state.release_state()
    st.header("What viewers see")
    if latest is None:
        st.info(
            "Nothing is released yet: people outside DESE see no figures. Release the current figures when "
            "they are ready.",
            icon=":material/visibility_off:",
        )
    else:
        st.caption(
            plain(
                f"Everyone outside DESE (the public, districts) sees release {latest['release_id']}, of "
                f"{latest['released_at']:%Y-%m-%d %H:%M}, by {latest['released_by']}: {latest['summary']}. "
                "DESE's own pages show the current figures."
            )
        )
        if latest["changed_since"]:
            st.info(
                "The data changed since that release: viewers see the changes once you release them.",
                icon=":material/update:",
            )
        if held:
            with st.expander(f"Held back or hidden in that release ({len(held):,})"):
                st.caption(
                    "A change too small to show on its own (someone comparing the figures before and after "
                    "could single people out) waits until more changes with it. Releasing again checks anew."
                )
                for line in held:
                    st.markdown("- " + plain(line))
    if st.button("Release the current figures", key="upload_release", icon=":material/publish:"):
        upload_state.keep_history_message(upload_state.release())
        st.rerun()


_HISTORY_COLUMNS = {
    "upload_id": st.column_config.NumberColumn("Upload", format="%d"),
    "kind": "Kind",
    "file_name": "File",
    "rows": st.column_config.NumberColumn("Rows", format="localized"),
    "uploaded_by": "Who",
    "uploaded_at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm"),
    "status": "Status",
    "review": "Review",
}


def upload_history() -> None:
    """6. The uploads this person may see (DESE: all, with the review queue; a district: its own), with
    roll back, undo and withdraw as their role allows."""
    actor = upload_state.actor()
    try:
        uploads = upload_state.history()
    except Exception:
        log.exception("reading the upload history failed")
        st.error("The upload history could not be read just now.")
        return
    if actor.is_dese:
        review_queue(uploads)
        release_section()
    st.header("Upload history" if actor.is_dese else "Your district's uploads")
    message = upload_state.history_message()
    if message is not None:
        (st.success if message.ok else st.error)(plain(message.message))
    if uploads.empty:
        st.info("No uploads yet." if actor.is_dese else "Your district has no uploads yet.")
        return
    shown = view.history(uploads)
    st.dataframe(
        grid(shown.table),
        hide_index=True,
        width="stretch",
        key="upload_history",
        column_config=_HISTORY_COLUMNS,
    )
    if not shown.choices:
        return
    chosen = st.selectbox(
        "Upload to roll back or restore" if actor.is_dese else "Upload to roll back or withdraw",
        list(shown.choices),
        format_func=shown.choices.get,
        key="upload_history_choice",
    )
    status = shown.statuses[chosen]
    back, other = st.columns(2)
    if back.button("Roll back", key="upload_rollback", disabled=status not in ("active", "superseded")):
        upload_state.keep_history_message(upload_state.change_standing(int(chosen), roll_back=True))
        st.rerun()
    if actor.is_dese:
        if other.button("Undo rollback", key="upload_restore", disabled=status != "rolled back"):
            upload_state.keep_history_message(upload_state.change_standing(int(chosen), roll_back=False))
            st.rerun()
    elif other.button("Withdraw", key="upload_withdraw", disabled=status != "pending"):
        upload_state.keep_history_message(upload_state.withdraw(int(chosen)))
        st.rerun()
