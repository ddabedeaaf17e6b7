"""The templates are generated from the contracts, and each reads back as exactly its example row."""

import io

import fastexcel
import pytest
from builders import new_warehouse

from analytics.contracts import FACT_KINDS
from analytics.ingest import check_upload
from analytics.templates import EXAMPLES, template_csv, template_file_name, template_xlsx


def _expected(kind):
    row = {}
    for col, value in zip(kind.columns, EXAMPLES[kind.name], strict=True):
        if value == "":
            value = None
        elif col.dtype == "BOOLEAN":
            value = value == "Yes"
        row[col.name] = value
    return row


@pytest.mark.parametrize("kind_name", list(FACT_KINDS))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_template_reads_back_as_its_example(kind_name, fmt):
    kind = FACT_KINDS[kind_name]
    data = template_csv(kind) if fmt == "csv" else template_xlsx(kind)
    checked = check_upload(new_warehouse(), kind_name, data, template_file_name(kind, fmt))
    assert checked.can_save, checked.problems
    assert not checked.warnings
    assert "Dashboard template" in checked.recognition.description
    got = checked.facts.iloc[0].to_dict()
    got = {k: (None if v is None or v != v else v) for k, v in got.items()}
    assert got == _expected(kind)


@pytest.mark.parametrize("kind_name", list(FACT_KINDS))
def test_the_workbook_has_an_instructions_sheet_naming_every_column(kind_name):
    kind = FACT_KINDS[kind_name]
    book = fastexcel.read_excel(template_xlsx(kind))
    assert book.sheet_names == ["Data", "Instructions"]
    notes = book.load_sheet("Instructions", header_row=None).to_pandas()
    words = " ".join(str(v) for v in notes.to_numpy().ravel() if v is not None)
    for col in kind.columns:
        assert col.label in words
        if col.accepted:
            assert ", ".join(col.accepted) in words
    header = template_csv(kind).decode().splitlines()[0]
    assert header == ",".join(c.label for c in kind.columns)


def test_codes_stay_text_in_the_workbook():
    data = (
        fastexcel.read_excel(io.BytesIO(template_xlsx("staffing")).getvalue()).load_sheet("Data").to_pandas()
    )
    assert data["Org Code"].iloc[0] == "00350000"
