"""Small real-shaped upload files, built in memory for the ingest, CLI and page tests."""

from __future__ import annotations

import io

import xlsxwriter

PROFILES_RACES = (
    "African American",
    "Asian",
    "Hispanic",
    "White",
    "Native American",
    "Native Hawaiian, Pacific Islander",
    "Multi-Race,Non-Hispanic",
)


def csv_bytes(
    rows: list[list[object]], *, delimiter: str = ",", encoding: str = "utf-8", newline="\r\n"
) -> bytes:
    """Rows joined as a CSV would be (values with the delimiter or quotes are quoted)."""
    lines = []
    for row in rows:
        cells = []
        for v in row:
            text = "" if v is None else str(v)
            if delimiter in text or '"' in text or "\n" in text:
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(delimiter.join(cells))
    return (newline.join(lines) + newline).encode(encoding)


def xlsx_bytes(sheets: dict[str, list[list[object]]], *, start_row: int = 0) -> bytes:
    """A workbook with one sheet per entry; numbers stay numbers, text stays text (never a formula)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, int | float):
                    sheet.write_number(start_row + r, c, v)
                else:
                    sheet.write_string(start_row + r, c, str(v))
    book.close()
    return buffer.getvalue()


def profiles_header(level: str = "District", measure: str = "#") -> list[str]:
    """A DESE Profiles Race/Ethnicity and Gender Staffing Report header."""
    return [
        f"{level} Name",
        f"{level} Code",
        *[f"{r} ({measure})" for r in PROFILES_RACES],
        f"Females ({measure})",
        f"Males ({measure})",
        "FTE Count",
    ]


def profiles_title(
    year: str = "2023-24", level: str = "District", job: str | None = "Teachers"
) -> list[list[str]]:
    """The title rows above a Profiles export's header."""
    title = f"{year} Race/Ethnicity and Gender Staffing Report - {level}" + (f" - {job}" if job else "")
    return [[title], []]


# The open-data extract "Staffing: Race/Ethnicity and Gender", newer column names.
OPEN_DATA_RACES = ("BAA", "AS", "HL", "WH", "AIAN", "NHPI", "MNHL")
OPEN_DATA_HEADER = [
    "SY",
    "DIST_CODE",
    "DIST_NAME",
    "ORG_CODE",
    "ORG_NAME",
    "ORG_TYPE",
    "JOBCLASS_CAT",
    "JOBCLASS",
    "FTE_TOTAL",
    *[f"{r}_{m}" for r in OPEN_DATA_RACES for m in ("CNT", "PCT")],
]
# Older downloads: percentages only, older names.
OLD_OPEN_DATA_RACES = ("AFRAME", "ASIAN", "HISPANIC", "WHITE", "NATAME", "NATHPI", "MULTINH")
OLD_OPEN_DATA_HEADER = [
    "SY",
    "DIST_CODE",
    "DIST_NAME",
    "ORG_CODE",
    "ORG_NAME",
    "ORG_TYPE",
    "JOBCLASS",
    "FTE_TOTAL",
    *[f"{r}_PCT" for r in OLD_OPEN_DATA_RACES],
]


def open_data_row(sy, dist, dist_name, org, org_name, org_type, job, counts: list[float]) -> list[object]:
    """One open-data row with counts (in OPEN_DATA_RACES order) and percentages of the total."""
    total = round(sum(counts), 1)
    cells: list[object] = [sy, dist, dist_name, org, org_name, org_type, "Teachers", job, total]
    for c in counts:
        cells += [c, round(100 * c / total, 1) if total else 0]
    return cells
