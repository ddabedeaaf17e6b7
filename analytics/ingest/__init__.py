"""Uploads: read a district's or DESE's file, recognise its shape, normalise it to the warehouse's long
form, check it against the contract, preview it, and save it in one transaction.

    checked = check_upload(con, "staffing", data, "file.xlsx", Answers(job_class="Teacher"))
    checked.problems        # UploadProblem rows (row, column, value, expected, severity)
    preview_upload(con, checked)
    save_checked(con, checked, uploaded_by="clerk@district.org")

Never imports streamlit: the Upload page and `python -m analytics import` share it.
"""

from analytics.ingest.check import (
    NEW_ORGANIZATION_REGION,
    CheckedUpload,
    Recognition,
    check_upload,
    known_organizations,
    save_checked,
)
from analytics.ingest.preview import UploadPreview, preview_pending, preview_upload, written_table
from analytics.ingest.problems import ERROR, WARNING, UploadProblem
from analytics.ingest.reading import DEFAULT_LIMITS, Limits
from analytics.ingest.steps import Answers, Question

__all__ = [
    "DEFAULT_LIMITS",
    "ERROR",
    "NEW_ORGANIZATION_REGION",
    "WARNING",
    "Answers",
    "CheckedUpload",
    "Limits",
    "Question",
    "Recognition",
    "UploadPreview",
    "UploadProblem",
    "check_upload",
    "known_organizations",
    "preview_pending",
    "preview_upload",
    "save_checked",
    "written_table",
]
