"""Upload templates, one per kind, generated from the contracts: a CSV, and an Excel workbook with the
same header plus an Instructions sheet. Written on the fly for the Upload page's download buttons (nothing
to keep in step on disk).

Neither holds an example in its data rows: a clerk who adds rows under a real-looking example ("Boston,
12.5 FTE") saves it as data. The workbook's Instructions sheet shows an example for each column; the CSV
is the header alone (a comment row would be shown by Excel as a row like any other, and kept when the
clerk types under it). An untouched template is refused as having no rows.
"""

from __future__ import annotations

import csv
import io

import xlsxwriter

from analytics.contracts import FACT_KINDS, UploadKind

# One example row per kind, in contract column order (booleans as the Yes/No people type). Shown on the
# Instructions sheet only, never in the rows the reader reads.
EXAMPLES: dict[str, tuple] = {
    "staffing": ("2023-24", "00350000", "Teacher", "Hispanic/Latino", 12.5),
    "enrollment": ("2023-24", "00350000", "Hispanic/Latino", 21000),
    "fellows": (
        "I100-7-01",
        7,
        "2025-26",
        "00350000",
        "Principal",
        "African American/Black",
        "active",
        "",
        "",
        "",
    ),
    "participation": ("00350000", "2025-26", "capacity building", "Yes", "No"),
    "equity-leaders": ("00350000", "2025-26", "Yes", "No"),
    "amsel-members": (
        "Ana Diaz",
        "Boston Public Schools",
        "00350000",
        "Director of Equity and Inclusion",
        "2025-08-15",
        "Individual",
        "Yes",
        8,
        10,
        "Hiring; Curriculum",
        "2025-26",
    ),
    "student-discipline": (
        "2023-24",
        "00350000",
        "Hispanic/Latino",
        21500,
        1410,
        2.9,
        4.5,
        0.0,
        0.1,
        0.6,
        0.0,
        0.1,
    ),
    "student-attendance": ("2023-24", "00350000", "Hispanic/Latino", 89.9, 17.6, 52.3, 38.4, 14.2, 21.7),
    "graduation": ("2023-24", "00350000", "Hispanic/Latino", 1650, 79.2, 9.8, 1.5, 0.4, 8.9, 0.2),
    "climate-survey": ("2023-24", "00350000", "Hispanic/Latino", "8", 48, 51, 46, 49, 1234),
}

_NOT_PUBLISHED = (
    "Percentages are written as in DESE's reports (4.5 for 4.5%; 4.5% is read too). Leave a cell empty, or "
    "as DESE wrote it (a dash, *), where DESE did not publish the figure (fewer than 6 students): it is kept "
    "as not published, never as 0."
)
GENERAL_NOTES: dict[str, str] = {
    "staffing": (
        "One row per organization, school year, job class and race/ethnicity, with the FTE as of October 1. "
        "DESE Profiles exports (district or school level, FTE or percentage view), the open-data extract and "
        "per-person rosters (one row per staff member) are read as they are: you do not have to copy them "
        "into this template. Names and employee ids are never stored."
    ),
    "enrollment": (
        "One row per organization, school year and race/ethnicity, with the students enrolled as of "
        "October 1. DESE Profiles exports and the open-data extract are read as they are."
    ),
    "fellows": (
        "One row per Influence 100 fellow, by DESE program id (no names). A newer list of a cohort replaces "
        "the older one."
    ),
    "participation": (
        "One row per organization, school year and program component. A newer upload for the same "
        "organization and year replaces the older one."
    ),
    "equity-leaders": (
        "One row per organization and school year: whether it has an equity-leader (DEI director) position "
        "and belongs to AMSEL."
    ),
    "amsel-members": (
        "The network's membership list for one school year, one row per member, as its coordinators keep it. "
        "Names are used to count each person once and are never stored; the dashboard keeps counts per "
        "organization. A member at an independent school (not one of DESE's organizations) is counted apart, "
        "by the school's name. A newer list of a school year replaces the older one."
    ),
    "student-discipline": (
        "One row per organization, school year and student group, as DESE's Student Discipline Data Report "
        "gives them. The report as exported from Profiles (one organization's, with the school year in its "
        "title, or the statewide one with a row per district for one student group) and DESE's statewide "
        "extracts are read as they are. " + _NOT_PUBLISHED
    ),
    "student-attendance": (
        "One row per organization, school year and student group, from DESE's Student Attendance report "
        "(its End of Year table, where the report also holds a March one). Profiles exports and DESE's "
        "statewide extracts are read as they are. " + _NOT_PUBLISHED
    ),
    "graduation": (
        "One row per organization, four-year cohort and student group: the School Year is the year the "
        "cohort graduates (2023-24 for the class of 2024). DESE's graduation rate reports and extracts are "
        "read as they are. " + _NOT_PUBLISHED
    ),
    "climate-survey": (
        "One row per organization, school year, student group and grade, with DESE's VOCAL index scores "
        "(1 to 99) as reported; Grade All (or empty) for every grade together, and the respondents where "
        "the report gives them. Leave a score empty where DESE did not publish it (fewer than 10 students "
        "answered): it is kept as not published, never as 0."
    ),
}
COMMON_NOTES = (
    "Keep the header row as it is (it may sit under title rows). Codes are DESE's 8-digit codes; leading "
    "zeros may be left out. School years are written 2023-24 (2024, 2023-2024 and SY23-24 are read too). "
    "The upload page lists any problem by row and column and shows a preview before anything is saved."
)
DATA_SHEET_NOTE = (
    "Type your rows on the Data sheet, under its header; the Data sheet holds no example row, so nothing "
    "there is saved but what you type. The Example column below shows what a row's cells look like."
)


def _kind(kind: str | UploadKind) -> UploadKind:
    return FACT_KINDS[kind] if isinstance(kind, str) else kind


def template_columns(kind: str | UploadKind):
    """The columns a template holds: the list of people a kind is counted from (its coordinators' shape),
    else the contract's own columns."""
    kind = _kind(kind)
    return kind.person_list or kind.columns


def template_file_name(kind: str | UploadKind, extension: str) -> str:
    """'staffing_template.xlsx' and the like."""
    return f"{_kind(kind).name.replace('-', '_')}_template.{extension}"


def template_csv(kind: str | UploadKind) -> bytes:
    """The kind's CSV template: the header (the contract's labels) alone."""
    kind = _kind(kind)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([c.label for c in template_columns(kind)])
    return out.getvalue().encode("utf-8")


def example_cell(kind: str | UploadKind, column: str) -> str:
    """The example of one column as the Instructions sheet shows it. Where any of a list of values is
    accepted it reads "e.g. Teacher": that is apt, and it keeps the row "Race/Ethnicity … Hispanic/Latino"
    from looking like a header of race columns to the reader (which would take the sheet for data)."""
    kind = _kind(kind)
    columns = template_columns(kind)
    i = [c.name for c in columns].index(column)
    value, col = EXAMPLES[kind.name][i], columns[i]
    if value == "":
        return "(may be left empty)"
    return f"e.g. {value}" if col.accepted or col.dtype == "BOOLEAN" else str(value)


def instructions(kind: str | UploadKind) -> list[tuple[str, str, str, str, str]]:
    """(column, required, what to enter, accepted values, example) for each of the kind's columns."""
    kind = _kind(kind)
    rows = []
    for c in template_columns(kind):
        accepted = ", ".join(c.accepted) if c.accepted else ""
        required = "required" if c.required else "optional"
        rows.append((c.label, required, c.description, accepted, example_cell(kind, c.name)))
    return rows


def template_xlsx(kind: str | UploadKind) -> bytes:
    """The kind's Excel template: a Data sheet (the header alone) and an Instructions sheet."""
    kind = _kind(kind)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = book.add_format({"num_format": "@"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    data = book.add_worksheet("Data")
    for i, c in enumerate(template_columns(kind)):
        data.write_string(0, i, c.label, bold)
        # Codes, years and words are text (Excel would drop a code's leading zeros); numbers stay numbers.
        data.set_column(i, i, max(14, len(c.label) + 4), text if c.dtype == "VARCHAR" else None)
    data.freeze_panes(1, 0)
    notes = book.add_worksheet("Instructions")
    notes.set_column(0, 0, 26)
    notes.set_column(1, 1, 10)
    notes.set_column(2, 3, 60)
    notes.set_column(4, 4, 28)
    notes.write_string(
        0, 0, f"{kind.title}: upload template", book.add_format({"bold": True, "font_size": 14})
    )
    notes.merge_range(1, 0, 1, 4, GENERAL_NOTES[kind.name], wrap)
    notes.set_row(1, 60)
    notes.merge_range(2, 0, 2, 4, COMMON_NOTES, wrap)
    notes.set_row(2, 45)
    notes.merge_range(3, 0, 3, 4, DATA_SHEET_NOTE, wrap)
    notes.set_row(3, 30)
    for i, heading in enumerate(("Column", "Required", "What to enter", "Accepted values", "Example")):
        notes.write_string(5, i, heading, bold)
    for r, row in enumerate(instructions(kind), start=6):
        for i, value in enumerate(row):
            notes.write_string(r, i, value, wrap)
    book.close()
    return buffer.getvalue()
