"""What the Upload page shows, worked out: the choices it offers for what a file does not say, the problem
summary and table, the notes beside the preview, and the upload history as a table with its choices. Plain
functions of a checked upload, a preview or the history (no streamlit here): the page only renders them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from analytics import definitions as d
from analytics.access import Actor
from analytics.contracts import ORGANIZATIONS, kind_for_table
from analytics.ingest import CheckedUpload, UploadPreview
from analytics.ingest.preview import NOT_REPORTED, NOT_SHOWN
from ui.text import plain

SCHOOL_YEARS = d.school_years_between("2000-01", "2029-30")[::-1]
# Widgets asking what the file does not say, by question name.
ANSWER_KEYS = {
    "school_year": "upload_school_year",
    "job_class": "upload_job_class",
    "district": "upload_district",
    "sheet": "upload_sheet",
    "organization": "upload_organization",
    "student_group": "upload_student_group",
}
SAVE_AGAIN_KEY = "upload_save_again"  # the confirmation a file saved before needs


def page_question(actor: Actor) -> str:
    """What the Upload page is for, as this person may use it: DESE loads every kind; a district its own
    organizations' files of the kinds a district may upload (analytics/access.py: DISTRICT_KINDS), so it is
    not offered Fellows or AMSEL lists."""
    if actor.is_dese:
        return (
            "Load staffing, enrollment, fellows, participation, equity-leader and AMSEL membership files, and "
            "DESE's reports on students' discipline, attendance, graduation and climate."
        )
    if actor.may_upload:
        return (
            "Load your organizations' staffing, enrollment, participation and equity-leader files, and their "
            "reports on students' discipline, attendance, graduation and climate."
        )
    return "Load the files the dashboard counts (district uploaders and DESE)."


@dataclass(frozen=True)
class Recognised:
    """What was recognised, as the page says it: the description (bold) and where the table was read."""

    description: str  # markdown; "" when nothing was described
    source: str


def recognised(checked: CheckedUpload) -> Recognised | None:
    """What the reader found, in words; None when nothing could be read."""
    recognition = checked.recognition
    if recognition is None:
        return None
    return Recognised(
        # Both quote the file (its sheet names, its headings): shown as text, the description in bold.
        f"**{plain(recognition.description)}**" if recognition.description else "",
        f"Read as {plain(recognition.source)}; header on row {recognition.header_row}.",
    )


@dataclass(frozen=True)
class Choice:
    """One choice of something the file does not say: a selectbox, by its widget key."""

    key: str
    label: str
    options: list
    index: int | None = 0
    placeholder: str | None = None
    format_func: Callable[[object], str] = str


def choices(
    checked: CheckedUpload, answered: Mapping[str, object], organizations: Callable[[], dict[str, str]]
) -> list[Choice]:
    """The choices to offer: the sheet when several look like data, and the school year, job class,
    district, organization (of a one-organization report) and student group (of a one-group report) when the
    file does not say them (or they were answered already, so the answer stays visible and can be changed).
    `organizations` is called only when the district or organization must be chosen."""
    asked = {q.name for q in checked.questions}
    recognition = checked.recognition
    offered: list[Choice] = []
    if recognition is not None and recognition.other_sheets:
        offered.append(
            Choice(ANSWER_KEYS["sheet"], "Sheet to read", [recognition.sheet, *recognition.other_sheets])
        )
    if "school_year" in asked or answered.get("school_year"):
        offered.append(
            Choice(
                ANSWER_KEYS["school_year"],
                "School year (the file does not say)",
                SCHOOL_YEARS,
                None,
                "Choose the school year",
            )
        )
    if "job_class" in asked or answered.get("job_class"):
        offered.append(
            Choice(
                ANSWER_KEYS["job_class"],
                "Job class (the file does not say)",
                d.JOB_CLASSES,
                None,
                "Choose the job class",
            )
        )
    if "district" in asked or answered.get("district"):
        districts = organizations()
        offered.append(
            Choice(
                ANSWER_KEYS["district"],
                "District (the file has no organization code column)",
                list(districts),
                None,
                "Choose the district",
                lambda code: f"{districts[code]} ({code})",
            )
        )
    if "organization" in asked or answered.get("organization"):
        known = organizations()
        offered.append(
            Choice(
                ANSWER_KEYS["organization"],
                "Organization (the report does not name it)",
                list(known),
                None,
                "Choose the organization the report is of",
                lambda code: f"{known.get(code, code)} ({code})",
            )
        )
    if "student_group" in asked or answered.get("student_group"):
        offered.append(
            Choice(
                ANSWER_KEYS["student_group"],
                "Student group (the report does not say)",
                list(d.STUDENT_GROUPS),
                None,
                "Choose the student group the report is of",
            )
        )
    return offered


def problem_summary(checked: CheckedUpload) -> str:
    """'3 errors (saving is blocked until they are fixed); 1 warning (they do not block saving).'"""
    errors, warnings = checked.error_count, checked.warning_count
    return (
        f"{errors:,} error{'s' if errors != 1 else ''} (saving is blocked until they are fixed)"
        if errors
        else "No errors"
    ) + f"; {warnings:,} warning{'s' if warnings != 1 else ''} (they do not block saving)."


def problem_table(checked: CheckedUpload) -> pd.DataFrame:
    """The problems as the page lists them: a plain table with capitalised headings, and no row number
    where a problem is about the whole file."""
    problems = checked.problem_table()
    problems["row"] = problems["row"].astype(object).where(problems["row"].notna(), "")
    # st.table renders Markdown in its cells, and these quote the file: shown as text.
    for column in ("column", "value", "expected"):
        problems[column] = problems[column].map(plain)
    return problems.rename(columns=str.capitalize)


def replaced_notes(preview: UploadPreview) -> list[str]:
    """One note per upload whose rows saving would replace."""
    return [
        f"Replaces {r.rows_replaced:,} current rows of upload {r.upload_id} ({plain(r.file_name)}"
        f"{', sample data' if r.is_sample else ''}); they stay in the history and count again if you roll "
        "this upload back."
        for r in preview.replaces.itertuples()
    ]


# Said beside the per-organization figures of a preview: the file's own figures, as sent, which no one else
# sees (the pages, exports and releases show figures only once saved, approved and released, through the
# privacy rules).
OWN_FILE_NOTE = "Your file, as you sent it: not published."
REVIEWED_FILE_NOTE = (
    "The district's file, as it sent it: not published. Shown here to DESE's reviewers, to decide."
)
FIGURE_WORDS = {
    NOT_REPORTED: "nothing counts for that organization and year yet",
    NOT_SHOWN: "the pages show that figure only within a larger group, so the preview does not either",
}


def figures_note(table: pd.DataFrame, *, reviewing: bool = False) -> tuple[str, str] | None:
    """The note beside a preview's per-organization figures: whose they are and that they are not published
    (the headline), and what "not reported" and "not shown" mean where the table says them ("" where it says
    neither). None for a table of row counts only (a report by student group, a list previewed statewide)."""
    figures = [c for c in table.columns if c.endswith((" now", " after"))]
    if not figures:
        return None
    said = set(table[figures].astype(str).to_numpy().ravel())
    words = [f"“{word}”: {meaning}" for word, meaning in FIGURE_WORDS.items() if word in said]
    return (REVIEWED_FILE_NOTE if reviewing else OWN_FILE_NOTE), ("; ".join(words) + "." if words else "")


def saved_message(upload_id: int, pending: bool = False) -> str:
    """What the page says once the file is saved."""
    if pending:
        return (
            f"This file was saved as upload {upload_id}, pending: it waits for a DESE reviewer and counts "
            "nowhere until approved. Its status is in the history below."
        )
    return f"This file was saved as upload {upload_id}. It is listed in the history below."


def saved_before_warning(checked: CheckedUpload) -> str | None:
    """The warning for a file saved before (the same bytes), or None."""
    if checked.already_saved is None:
        return None
    return f"{plain(checked.already_saved.message)}. Saving it again makes another upload of the same rows."


@dataclass(frozen=True)
class History:
    """The upload history as the page shows it, and the uploads that can be rolled back or restored."""

    table: pd.DataFrame  # one row per upload, its kind by its short title
    choices: dict[int, str]  # upload id -> "12 · Staffing · file.csv", for uploads of facts
    statuses: dict[
        int, str
    ]  # upload id -> pending | active | superseded | rolled back | rejected | withdrawn


# The history's columns, in order (what store.upload_history gives, less what the page does not show).
HISTORY_COLUMNS = ["upload_id", "kind", "file_name", "rows", "uploaded_by", "uploaded_at", "status", "review"]


def review_text(status: str, note: object, reviewed_by: object) -> str:
    """What a district sees of the review: 'pending', 'approved', 'rejected: <note>', 'withdrawn', or ''
    for an upload that needed none."""
    said = "" if note is None or note != note else str(note)
    if status == "pending":
        return "pending"
    if status == "rejected":
        return f"rejected: {said}" if said else "rejected"
    if status == "withdrawn":
        return "withdrawn"
    if reviewed_by is not None and reviewed_by == reviewed_by:
        return f"approved: {said}" if said else "approved"
    return ""


def history(uploads: pd.DataFrame) -> History:
    """The history table and its choices, from store.upload_history."""
    # The table a kind fills ("equity_leaders") is the warehouse's word; people see the kind's short
    # title ("Staffing", not "Staffing (FTE by race/ethnicity)") so the table fits.
    titles = {t: kind_for_table(t).short_title for t in uploads["kind"].unique()}
    # Sample uploads say so in "Who" (the sample data generator): no column of their own.
    review = [
        review_text(status, note, by)
        for status, note, by in zip(
            uploads["status"],
            uploads.get("review_note", pd.Series(None, index=uploads.index)),
            uploads.get("reviewed_by", pd.Series(None, index=uploads.index)),
            strict=True,
        )
    ]
    table = uploads.assign(kind=uploads["kind"].map(titles), review=review)[HISTORY_COLUMNS]
    # A text cell with nothing in it is blank, never "None" (a file name or uploader the log lacks).
    text = ["kind", "file_name", "uploaded_by", "status", "review"]
    table = table.assign(**{c: table[c].astype(object).where(table[c].notna(), "") for c in text})
    changeable = uploads[uploads["kind"] != ORGANIZATIONS.table]
    labels = {
        int(r.upload_id): f"{r.upload_id} · {titles[r.kind]} · {r.file_name}" for r in changeable.itertuples()
    }
    statuses = {int(r.upload_id): r.status for r in changeable.itertuples()}
    return History(table, labels, statuses)
