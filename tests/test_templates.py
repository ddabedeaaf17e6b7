"""The templates are generated from the contracts; they hold no example in their data rows (an untouched
template is refused as having no rows), and a row typed as the Instructions sheet's example reads back as
exactly that example."""

import io

import fastexcel
import openpyxl
import pytest
from builders import new_warehouse

from analytics.contracts import FACT_KINDS
from analytics.ingest import check_upload
from analytics.templates import EXAMPLES, template_columns, template_csv, template_file_name, template_xlsx

# What the example of a kind kept as counts (its template a list of people) reads back as: one member of
# Boston, new to the role in 2025-26 with a mentor, at 8 of 10 meetings, in two subcommittees.
COUNTED = {
    "amsel-members": {
        "school_year": "2025-26",
        "org_code": "00350000",
        "outside_school": None,
        "members": 1,
        "district_members": 0,
        "new_to_role": 1,
        "new_with_mentor": 1,
        "every_meeting": 0,
        "in_subcommittee": 1,
    }
}


def _expected(kind):
    if kind.name in COUNTED:
        return COUNTED[kind.name]
    row = {}
    for col, value in zip(kind.columns, EXAMPLES[kind.name], strict=True):
        if value == "":
            value = None
        elif col.dtype == "BOOLEAN":
            value = value == "Yes"
        elif col.measure == "rate":
            value = round(value / 100, 6)  # written as a percentage (4.5), kept as a fraction (0.045)
        row[col.name] = value
    return row


def _typed_in(kind, fmt: str) -> bytes:
    """The template with the example row typed under its header, as a clerk would."""
    example = EXAMPLES[kind.name]
    if fmt == "csv":
        line = ",".join(str(v) for v in example) + "\r\n"
        return template_csv(kind) + line.encode("utf-8")
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(kind)))
    book["Data"].append([None if v == "" else v for v in example])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind_name", list(FACT_KINDS))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_untouched_template_is_refused_as_having_no_rows(kind_name, fmt):
    kind = FACT_KINDS[kind_name]
    data = template_csv(kind) if fmt == "csv" else template_xlsx(kind)
    checked = check_upload(new_warehouse(), kind_name, data, template_file_name(kind, fmt))
    assert not checked.can_save
    assert [(p.row, p.code) for p in checked.problems] == [(1, "no-rows")]
    assert "the file has a header and no rows" in checked.problems[0].expected


@pytest.mark.parametrize("kind_name", list(FACT_KINDS))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_template_with_the_example_typed_in_reads_back_as_the_example(kind_name, fmt):
    kind = FACT_KINDS[kind_name]
    checked = check_upload(new_warehouse(), kind_name, _typed_in(kind, fmt), template_file_name(kind, fmt))
    assert checked.can_save, checked.problems
    assert not checked.warnings  # the Instructions sheet is never taken for data
    assert "Dashboard template" in checked.recognition.description
    assert len(checked.facts) == 1
    got = checked.facts.iloc[0].to_dict()
    got = {k: (None if v is None or v != v else v) for k, v in got.items()}
    assert got == _expected(kind)


def test_the_csv_template_is_the_header_alone():
    assert template_csv("staffing") == b"School Year,Org Code,Job Class,Race/Ethnicity,FTE\r\n"


@pytest.mark.parametrize("kind_name", list(FACT_KINDS))
def test_the_workbook_has_an_instructions_sheet_naming_every_column_with_an_example(kind_name):
    kind = FACT_KINDS[kind_name]
    book = fastexcel.read_excel(template_xlsx(kind))
    assert book.sheet_names == ["Data", "Instructions"]
    assert book.load_sheet("Data").to_pandas().empty  # the header, and no example under it
    notes = book.load_sheet("Instructions", header_row=None).to_pandas()
    words = " ".join(str(v) for v in notes.to_numpy().ravel() if v is not None)
    for col in template_columns(kind):
        assert col.label in words
        if col.accepted:
            assert ", ".join(col.accepted) in words
    for value in EXAMPLES[kind.name]:
        assert str(value) in words
    header = template_csv(kind).decode().splitlines()[0]
    assert header == ",".join(c.label for c in template_columns(kind))


def test_code_and_year_columns_are_text_in_the_workbook():
    # Formatted as text, Excel keeps what a clerk types in them: 00350000 stays 00350000.
    data = openpyxl.load_workbook(io.BytesIO(template_xlsx("staffing")))["Data"]
    formats = {data.cell(1, i + 1).value: data.column_dimensions[chr(65 + i)].number_format for i in range(5)}
    assert formats["Org Code"] == "@" and formats["School Year"] == "@", formats
    assert formats["FTE"] != "@"
