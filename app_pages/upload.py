"""Upload: choose what you are loading, get its template, drop a file, see what was recognised and any
problems, preview what saving changes, save; the history, with roll back and undo."""

import logging

import streamlit as st

from analytics import definitions as d
from analytics.contracts import FACT_KINDS, kind_for_table
from analytics.ingest import Answers, written_table
from analytics.templates import template_csv, template_file_name, template_xlsx
from ui import upload_state as up
from ui.layout import page_heading

log = logging.getLogger("dashboard.upload")
SCHOOL_YEARS = d.school_years_between("2000-01", "2029-30")[::-1]
# Widgets asking what the file does not say, by question name.
ANSWER_KEYS = {"school_year": "upload_school_year", "job_class": "upload_job_class",
               "district": "upload_district", "sheet": "upload_sheet"}  # fmt: skip
SAVE_AGAIN_KEY = "upload_save_again"  # the confirmation a file saved before needs


def safely(section, *args) -> None:
    """Run one section of the page; an unexpected failure is logged and shown as a message, never a
    traceback."""
    try:
        section(*args)
    except Exception:
        log.exception("the Upload page's %s failed", section.__name__)
        st.error("Something went wrong on this part of the page, and nothing was saved. Reload the page to "
                 "try again; the details are in the dashboard's log.")  # fmt: skip


def choose_kind() -> str:
    """1. What is being loaded, and its template."""
    kind_name = st.selectbox(
        "What are you loading?",
        list(FACT_KINDS),
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
    else:
        data = upload.getvalue()
        # Answers belong to one file: a new file starts with none, so nothing carries over unseen.
        if st.session_state.get("upload_answers_for") != (upload.file_id, kind_name):
            for key in (*ANSWER_KEYS.values(), SAVE_AGAIN_KEY):
                st.session_state.pop(key, None)
            st.session_state["upload_answers_for"] = (upload.file_id, kind_name)
        answers = Answers(**{name: st.session_state.get(key) for name, key in ANSWER_KEYS.items()})
        checked = up.check(kind_name, data, upload.name, answers)
        recognition = checked.recognition

        st.header("What was recognised")
        if recognition is not None:
            st.markdown(f"**{recognition.description}**" if recognition.description else "")
            where = f"Read as {recognition.source}; header on row {recognition.header_row}."
            st.caption(where)
        else:
            st.markdown("Nothing could be read from this file (see the problems below).")

        asked = {q.name: q for q in checked.questions}
        if recognition is not None and recognition.other_sheets:
            st.selectbox(
                "Sheet to read", [recognition.sheet, *recognition.other_sheets], key=ANSWER_KEYS["sheet"]
            )
        if "school_year" in asked or st.session_state.get(ANSWER_KEYS["school_year"]):
            st.selectbox(
                "School year (the file does not say)", SCHOOL_YEARS, index=None,
                placeholder="Choose the school year", key=ANSWER_KEYS["school_year"],
            )  # fmt: skip
        if "job_class" in asked or st.session_state.get(ANSWER_KEYS["job_class"]):
            st.selectbox(
                "Job class (the file does not say)", d.JOB_CLASSES, index=None,
                placeholder="Choose the job class", key=ANSWER_KEYS["job_class"],
            )  # fmt: skip
        if "district" in asked or st.session_state.get(ANSWER_KEYS["district"]):
            districts = up.organizations()
            st.selectbox(
                "District (the file has no organization code column)",
                list(districts),
                format_func=lambda code: f"{districts[code]} ({code})",
                index=None,
                placeholder="Choose the district",
                key=ANSWER_KEYS["district"],
            )
        if checked.questions:
            st.warning(
                "Answer the question above to see the preview: the file does not say it, and it is not guessed."
            )

        # 3. Problems.
        st.header("Problems")
        if checked.problems:
            errors, warnings = checked.error_count, checked.warning_count
            summary = (
                f"{errors:,} error{'s' if errors != 1 else ''} (saving is blocked until they are fixed)"
                if errors
                else "No errors"
            ) + f"; {warnings:,} warning{'s' if warnings != 1 else ''} (they do not block saving)."
            (st.error if errors else st.warning)(summary)
            # A plain table: long explanations wrap, and every word is on the page (readable, findable).
            problems = checked.problem_table()
            problems["row"] = problems["row"].astype(object).where(problems["row"].notna(), "")
            st.table(problems.rename(columns=str.capitalize), hide_index=True)
        else:
            st.success("No problems found.")

        # 4. Preview, and 5. save. No figures until the file is clean: a preview of a file with errors
        # shows numbers that will never be saved.
        saved_as = st.session_state.get("upload_saved", {}).get(checked.sha256 + kind_name)
        if checked.error_count and not saved_as:
            st.info(
                "The preview of what saving would change appears once the file has no errors: fix the rows "
                "listed above and drop the file again.",
                icon=":material/visibility_off:",
            )
        if checked.can_save and not saved_as:
            st.header("Preview: what saving will change")
            try:
                preview = up.preview(checked)
            except Exception:
                log.exception("preview of %r failed", upload.name)
                preview = None
                st.error("The preview could not be worked out; the upload can still be checked again.")
            if preview is not None:
                for change in preview.changes:
                    st.markdown(f"- {change}")
                for r in preview.replaces.itertuples():
                    sample = ", sample data" if r.is_sample else ""
                    st.caption(
                        f"Replaces {r.rows_replaced:,} current rows of upload {r.upload_id} ({r.file_name}{sample}); "
                        "they stay in the history and count again if you roll this upload back."
                    )
                st.dataframe(
                    written_table(preview, kind_name),
                    hide_index=True,
                    width="stretch",
                    key="upload_preview",
                    column_config={
                        "Share of color now": st.column_config.NumberColumn(format="percent"),
                        "Share of color after": st.column_config.NumberColumn(format="percent"),
                    },
                )
        if saved_as:
            st.success(f"This file was saved as upload {saved_as}. It is listed in the history below.")
        confirmed = True
        if checked.already_saved is not None and not saved_as:
            st.warning(
                f"{checked.already_saved.message}. Saving it again makes another upload of the same rows.",
                icon=":material/content_copy:",
            )
            confirmed = st.checkbox("Save it again anyway", key=SAVE_AGAIN_KEY)
        clicked = st.button(
            "Save this upload",
            type="primary",
            disabled=not checked.can_save or bool(saved_as) or not confirmed,
            key="upload_save",
            help="Writes everything in one transaction, or nothing.",
        )
        if clicked and checked.can_save and not saved_as and confirmed:
            outcome, saved = up.save(checked)
            if saved is not None:
                st.session_state.setdefault("upload_saved", {})[checked.sha256 + kind_name] = saved.upload_id
                st.rerun()
            st.error(outcome.message)


def upload_history() -> None:
    """6. Every upload, with roll back and undo."""
    st.header("Upload history")
    try:
        history = up.history()
    except Exception:
        log.exception("reading the upload history failed")
        history = None
        st.error("The upload history could not be read just now.")
    if history is not None and history.empty:
        st.info("No uploads yet.")
    elif history is not None:
        # The table a kind fills ("equity_leaders") is the warehouse's word; people see the kind's short
        # title ("Staffing", not "Staffing (FTE by race/ethnicity)") so the table fits.
        titles = {t: kind_for_table(t).short_title for t in history["kind"].unique()}
        st.dataframe(
            # Sample uploads say so in "Who" (the sample data generator): no column of their own.
            history.drop(columns=["description", "is_sample"]).assign(kind=history["kind"].map(titles)),
            hide_index=True,
            width="stretch",
            key="upload_history",
            column_config={
                "upload_id": st.column_config.NumberColumn("Upload", format="%d"),
                "kind": "Kind",
                "file_name": "File",
                "rows": st.column_config.NumberColumn("Rows", format="localized"),
                "uploaded_by": "Who",
                "uploaded_at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm"),
                "status": "Status",
            },
        )
        changeable = history[history["kind"] != "organizations"]
        if len(changeable):
            labels = {
                int(r.upload_id): f"{r.upload_id} · {titles[r.kind]} · {r.file_name}"
                for r in changeable.itertuples()
            }
            chosen = st.selectbox(
                "Upload to roll back or restore",
                list(labels),
                format_func=labels.get,
                key="upload_history_choice",
            )
            status = changeable.set_index("upload_id").loc[chosen, "status"]
            back, undo = st.columns(2)
            if back.button("Roll back", key="upload_rollback", disabled=status == "rolled back"):
                st.session_state["upload_history_message"] = up.change_standing(int(chosen), roll_back=True)
                st.rerun()
            if undo.button("Undo rollback", key="upload_restore", disabled=status != "rolled back"):
                st.session_state["upload_history_message"] = up.change_standing(int(chosen), roll_back=False)
                st.rerun()
        message = st.session_state.pop("upload_history_message", None)
        if message is not None:
            (st.success if message.ok else st.error)(message.message)


page_heading("Upload", "Load staffing, enrollment, fellows, participation and equity-leader files.")
chosen_kind = choose_kind()
safely(load_file, chosen_kind)
safely(upload_history)
