"""The Upload page's file flow, section by section: what is being loaded and its template, the file, what
was recognised, what must be chosen, the problems, the preview of what saving changes, and the save. Each
section renders; what it shows is worked out in ui/upload_view and the session's side in ui/upload_state."""

from __future__ import annotations

import logging

import streamlit as st

from analytics.access import needs_review
from analytics.contracts import FACT_KINDS, STUDENT_KINDS
from analytics.ingest import CheckedUpload, written_table
from analytics.ingest.problems import reference
from analytics.store import SavedUpload
from analytics.templates import template_csv, template_file_name, template_xlsx
from ui import upload_state
from ui import upload_view as view
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
    # A district uploads its own organizations' figures, of the kinds their contracts let it; Fellows files
    # are DESE's (analytics/access.py).
    is_dese = upload_state.actor().is_dese
    kinds = [name for name, kind in FACT_KINDS.items() if is_dese or kind.district_upload]
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
    problem_help()
    if upload is None:
        st.info(
            "No file chosen yet. Drop a CSV or Excel file above: the page says what it recognised, lists any "
            "problems by row and column, and previews what saving would change. Nothing is saved until you "
            "press **Save this upload**.",
            icon=":material/upload_file:",
        )
        return
    answers = upload_state.answers_for(upload.file_id, kind_name)
    checked = upload_state.check(kind_name, upload.getvalue(), upload.name, answers)
    recognition(checked)
    questions(checked)
    problems(checked)
    saved_as = upload_state.saved_as(checked)
    preview(checked, saved_as)
    save(checked, saved_as)


def problem_help() -> None:
    """What each problem code means (analytics/ingest/problems.py, as docs/problems.md lists them), as
    plain text: one line per code."""
    with st.expander("What each problem means"):
        st.text("\n".join(f"{code} ({where.lower()}): {meaning}" for code, where, meaning in reference()))


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
    for choice in view.choices(checked, upload_state.answered(), upload_state.organizations):
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
        if needs_review(upload_state.actor())
        else "Preview: what saving will change"
    )
    try:
        changes = upload_state.preview(checked)
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
        outcome, saved = upload_state.save(checked)
        if saved is not None:
            upload_state.remember_saved(checked, saved)
            st.rerun()
        st.error(plain(outcome.message))
