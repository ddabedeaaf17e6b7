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

# Each kind's example row (its contract's template), by kind name: shown on the Instructions sheet only,
# never in the rows the reader reads.
EXAMPLES: dict[str, tuple] = {name: kind.template.example for name, kind in FACT_KINDS.items()}
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
    value, col = kind.template.example[i], columns[i]
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
    notes.merge_range(1, 0, 1, 4, kind.template.notes, wrap)
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
