"""Upload: choose what you are loading, get its template, drop a file, see what was recognised and any
problems, preview what saving changes, save; the history, with roll back and undo."""

import logging

import streamlit as st

from analytics.access import DISTRICT_KINDS, needs_review
from analytics.contracts import FACT_KINDS, STUDENT_KINDS, kind_for_table
from analytics.ingest import CheckedUpload, written_table
from analytics.store import SavedUpload
from analytics.templates import template_csv, template_file_name, template_xlsx
from ui import upload_state as up
from ui import upload_view as view
from ui.layout import page_heading
from ui.text import grid, plain

log = logging.getLogger("dashboard.upload")


def safely(section, *args) -> None:
    """Run one section of the page; an unexpected failure is logged and shown as a message, never a
    traceback."""
    try:
        section(*args)
    except Exception:
        log.exception("the Upload page's %s failed", section.__name__)
        st.error(
            "Something went wrong on this part of the page, and nothing was saved. Reload the page to "
            "try again; the details are in the dashboard's log."
        )


def choose_kind() -> str:
    """1. What is being loaded, and its template."""
    # A district uploads its own organizations' figures; Fellows files are DESE's (analytics/access.py).
    kinds = [k for k in FACT_KINDS if up.actor().is_dese or k in DISTRICT_KINDS]
    kind_name = st.selectbox(
        "What are you loading?",
        kinds,
        format_func=lambda k: FACT_KINDS[k].title,
        key="upload_kind",
    )
    kind = FACT_KINDS[kind_name]
    left, right = st.columns(2)
    left.download_button(
        "Download the Excel template",
        template_xlsx(kind),
        file_name=template_file_name(kind, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="upload_template_xlsx",
        icon=":material/download:",
    )
    right.download_button(
        "Download the CSV template",
        template_csv(kind),
        file_name=template_file_name(kind, "csv"),
        mime="text/csv",
        key="upload_template_csv",
        icon=":material/download:",
    )
    st.caption(
        "You do not have to copy your data into the template: DESE Profiles exports, the open-data extract "
        "and per-person rosters are read as they are. Names and employee ids are never stored."
        if kind_name not in STUDENT_KINDS
        else "You do not have to copy your data into the template: DESE's reports by student group (one "
        "organization's, a statewide one for one group, DESE's extracts) are read as they are. A figure DESE "
        "did not publish is kept as not published, never as 0."
    )
    return kind_name


def load_file(kind_name: str) -> None:
    """2-5. The file: what was recognised, what must be chosen, problems, preview, save."""
    upload = st.file_uploader(
        "Drop a CSV or Excel file (up to 50 MB)",
        type=["csv", "txt", "xlsx", "xlsm", "xls"],
        key="upload_file",
    )
    if upload is None:
        st.info(
            "No file chosen yet. Drop a CSV or Excel file above: the page says what it recognised, lists any "
            "problems by row and column, and previews what saving would change. Nothing is saved until you "
            "press **Save this upload**.",
            icon=":material/upload_file:",
        )
        return
    answers = up.answers_for(upload.file_id, kind_name)
    checked = up.check(kind_name, upload.getvalue(), upload.name, answers)
    recognition(checked)
    questions(checked)
    problems(checked)
    saved_as = up.saved_as(checked)
    preview(checked, saved_as)
    save(checked, saved_as)


def recognition(checked: CheckedUpload) -> None:
    """2. What was recognised."""
    st.header("What was recognised")
    said = view.recognised(checked)
    if said is not None:
        st.markdown(said.description)
        st.caption(said.source)
    else:
        st.markdown("Nothing could be read from this file (see the problems below).")


def questions(checked: CheckedUpload) -> None:
    """What the file does not say, asked (never guessed)."""
    for choice in view.choices(checked, up.answered(), up.organizations):
        st.selectbox(
            choice.label,
            choice.options,
            index=choice.index,
            format_func=choice.format_func,
            placeholder=choice.placeholder,
            key=choice.key,
        )
    if checked.questions:
        st.warning(
            "Answer the question above to see the preview: the file does not say it, and it is not guessed."
        )


def problems(checked: CheckedUpload) -> None:
    """3. Problems, as a plain table: long explanations wrap, and every word is on the page."""
    st.header("Problems")
    if checked.problems:
        (st.error if checked.error_count else st.warning)(view.problem_summary(checked))
        st.table(grid(view.problem_table(checked)), hide_index=True)
    else:
        st.success("No problems found.")


def preview(checked: CheckedUpload, saved_as: SavedUpload | None) -> None:
    """4. What saving would change. No figures until the file is clean: a preview of a file with errors
    shows numbers that will never be saved."""
    if checked.error_count and not saved_as:
        st.info(
            "The preview of what saving would change appears once the file has no errors: fix the rows "
            "listed above and drop the file again.",
            icon=":material/visibility_off:",
        )
    if not checked.can_save or saved_as:
        return
    st.header(
        "Preview: what this file will change once DESE approves it"
        if needs_review(up.actor())
        else "Preview: what saving will change"
    )
    try:
        changes = up.preview(checked)
    except Exception:
        log.exception("preview of %r failed", checked.file_name)
        changes = None
        st.error("The preview could not be worked out; the upload can still be checked again.")
    if changes is not None:
        show_changes(changes, checked.kind.name, "upload_preview")


def show_changes(changes, kind_name: str, key: str, *, reviewing: bool = False) -> None:
    """A preview: what changes, in words, what it replaces, and the figures before and after, under a note
    that says they are the file's own, as sent, and not published."""
    for change in changes.changes:
        st.markdown(f"- {plain(change)}")
    for note in view.replaced_notes(changes):
        st.caption(note)
    table = written_table(changes, kind_name)
    note = view.figures_note(table, reviewing=reviewing)
    if note is not None:
        headline, words = note
        st.info(f"**{plain(headline)}**", icon=":material/lock:")  # (an icon in the text would be a name's)
        if words:
            st.caption(plain(words))
    st.dataframe(
        grid(table),
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            c: st.column_config.TextColumn(c, alignment="right")
            for c in table.columns
            if c.endswith((" now", " after"))
        },
    )


def save(checked: CheckedUpload, saved_as: SavedUpload | None) -> None:
    """5. Save, once; a file saved before is saved again only when asked."""
    if saved_as:
        st.success(view.saved_message(saved_as.upload_id, saved_as.pending))
    confirmed = True
    warning = None if saved_as else view.saved_before_warning(checked)
    if warning is not None:
        st.warning(warning, icon=":material/content_copy:")
        confirmed = st.checkbox("Save it again anyway", key=view.SAVE_AGAIN_KEY)
    may_save = checked.can_save and not saved_as and confirmed
    clicked = st.button(
        "Save this upload",
        type="primary",
        disabled=not may_save,
        key="upload_save",
        help="Writes everything in one transaction, or nothing.",
    )
    if clicked and may_save:
        outcome, saved = up.save(checked)
        if saved is not None:
            up.remember_saved(checked, saved)
            st.rerun()
        st.error(plain(outcome.message))


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
        changes = up.preview_pending(int(chosen))
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
        up.keep_history_message(up.review(int(chosen), approve=True, note=note))
        st.rerun()
    if reject.button("Reject", key="upload_reject", icon=":material/close:"):
        up.keep_history_message(up.review(int(chosen), approve=False, note=note))
        st.rerun()


def release_section() -> None:
    """DESE: what everyone else sees (the latest release), what it held back, and releasing the current
    figures (analytics/releases.py)."""
    latest, held = up.release_state()
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
        up.keep_history_message(up.release())
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
    actor = up.actor()
    try:
        uploads = up.history()
    except Exception:
        log.exception("reading the upload history failed")
        st.error("The upload history could not be read just now.")
        return
    if actor.is_dese:
        review_queue(uploads)
        release_section()
    st.header("Upload history" if actor.is_dese else "Your district's uploads")
    message = up.history_message()
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
        up.keep_history_message(up.change_standing(int(chosen), roll_back=True))
        st.rerun()
    if actor.is_dese:
        if other.button("Undo rollback", key="upload_restore", disabled=status != "rolled back"):
            up.keep_history_message(up.change_standing(int(chosen), roll_back=False))
            st.rerun()
    elif other.button("Withdraw", key="upload_withdraw", disabled=status != "pending"):
        up.keep_history_message(up.withdraw(int(chosen)))
        st.rerun()


page_heading("Upload", view.page_question(up.actor()))
if not up.actor().may_upload:  # the navigation hides this page from them; a direct run still refuses
    st.warning(
        "Uploading needs a district uploader's or DESE's role. Sign in, or ask DESE's dashboard "
        "administrators for one.",
        icon=":material/lock:",
    )
    st.stop()
if not up.actor().is_dese:
    st.caption(
        plain(
            "You upload for "
            + ", ".join(f"{name} ({code})" for code, name in sorted(up.organizations().items()))
            + "."
            + (" Your files wait for a DESE reviewer before they count." if needs_review(up.actor()) else "")
        )
    )
chosen_kind = choose_kind()
safely(load_file, chosen_kind)
safely(upload_history)
