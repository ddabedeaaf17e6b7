"""Every refusal the issue lists: the message names the row or column, and the warehouse is unchanged in
content. Each file goes through `python -m analytics import` (in process) against a real warehouse file."""

import io
import time
import zipfile

import pytest
from builders import add, contents, fill_new_warehouse, staffing
from upload_files import csv_bytes, profiles_header, profiles_title, xlsx_bytes

from analytics import cli
from analytics.ingest import Limits, check_upload
from analytics.ingest.problems import UploadProblem
from analytics.warehouse import connect

TEMPLATE = ["School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"]


@pytest.fixture(scope="module")
def db_template(tmp_path_factory, templates):
    """The warehouse every refusal is tried against: a few organizations and one staffing upload. Built
    once; each test gets a copy of its own (on DuckLake, making it anew took a few seconds a test)."""
    path = tmp_path_factory.mktemp("refusals") / "warehouse.duckdb"
    con = templates.connect(path)
    fill_new_warehouse(con)
    add(con, "staffing", staffing("2023-24", "00350000", "Teacher", White=90, Asian=10))
    con.close()
    return path


@pytest.fixture
def db(db_template, tmp_path, templates):
    global STATE
    STATE = templates.state  # what `refused` compares: every table's rows (on DuckLake, the catalog's)
    return templates.copy(db_template, tmp_path / "warehouse.duckdb")


STATE = contents


def run_import(db, tmp_path, capsys, kind, data, name, *flags):
    f = tmp_path / name
    f.write_bytes(data)
    code = cli.main(["import", kind, str(f), "--db", str(db), *flags])
    out = capsys.readouterr()
    return code, out.out, out.err


def refused(db, tmp_path, capsys, kind, data, name="upload.csv", *flags) -> list[str]:
    """Import a file that must be refused; return its problem lines (stderr)."""
    before = STATE(db)
    code, out, err = run_import(db, tmp_path, capsys, kind, data, name, *flags)
    assert code == 1, (out, err)
    assert out == ""
    assert "Traceback" not in err
    assert STATE(db) == before
    return [line for line in err.splitlines() if line.startswith("Error")]


def test_what_a_refusal_is_compared_by_changes_when_a_file_is_saved(db, tmp_path, capsys):
    """Not vacuous: a file that is saved changes what `refused` compares (on DuckLake, the catalog)."""
    before = STATE(db)
    good = csv_bytes([TEMPLATE, ["2023-24", "350000", "Teacher", "Asian", "12"]])
    code, out, err = run_import(db, tmp_path, capsys, "staffing", good, "good.csv")
    assert code == 0, (out, err)
    assert STATE(db) != before


def problems_of(kind, data, name="upload.csv", *, severity="error", **answers):
    """(row, column, code) of each error (or warning), checking `data` without a warehouse: which problems
    were found, whatever their words."""
    from analytics.ingest import Answers

    checked = check_upload(None, kind, data, name, Answers(**answers))
    return {(p.row, p.column, p.code) for p in checked.problems if p.severity == severity}


def profiles(*rows, title=True):
    return csv_bytes([*(profiles_title() if title else []), profiles_header(), *rows])


GOOD_ROW = ["Lawrence", "1490000", 1.0, 1.0, 8.0, 40.0, 0.0, 0.0, 0.0, 30.0, 20.0, 50.0]


def test_a_row_with_more_values_than_the_header(db, tmp_path, capsys):
    data = csv_bytes([TEMPLATE, ["2023-24", "350000", "Teacher", "Asian", "2", "oops"]])
    errors = refused(db, tmp_path, capsys, "staffing", data)
    assert any("Row 2" in e and "5 values" in e and "this row has 6" in e for e in errors), errors
    assert problems_of("staffing", data) == {(2, None, "extra-cell")}


def test_a_row_with_fewer_values_but_numbers(db, tmp_path, capsys):
    data = profiles(GOOD_ROW) + b"Boston,350000,1.0,2.0\r\n"
    refused(db, tmp_path, capsys, "staffing", data)
    assert (5, None, "missing-cell") in problems_of("staffing", data)


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["School Year", "Org Code", "Job Class", "FTE"], "Race/Ethnicity"),
        (["School Year", "Org Code", "Job Class", "Race/Ethnicity"], "FTE"),
    ],
)
def test_missing_required_columns(db, tmp_path, capsys, header, missing):
    data = csv_bytes([header, ["2023-24", "350000", "Teacher", "Asian" if missing == "FTE" else "2"]])
    errors = refused(db, tmp_path, capsys, "staffing", data)
    assert any(f"column “{missing}”" in e and "row 1" in e.lower() for e in errors), errors
    assert (1, missing, "missing-column") in problems_of("staffing", data)


def test_missing_fellows_columns(db, tmp_path, capsys):
    data = csv_bytes([["Fellow ID", "Cohort"], ["I100-1-01", "1"]])
    refused(db, tmp_path, capsys, "fellows", data)
    assert {(1, "Start Year", "missing-column"), (1, "Status", "missing-column")} <= problems_of(
        "fellows", data
    )


def test_negative_counts(db, tmp_path, capsys):
    row = ["Boston", "350000", -1.0, 5.0, 5.0, 78.0, 0.5, 0.0, 1.5, 70.0, 30.0, 100.0]
    errors = refused(db, tmp_path, capsys, "staffing", profiles(GOOD_ROW, row))
    assert any("Row 5" in e and "“African American (#)”" in e and "negative" in e for e in errors), errors
    assert problems_of("staffing", profiles(GOOD_ROW, row)) == {(5, "African American (#)", "below-minimum")}


def test_a_non_number_in_a_row_with_numbers(db, tmp_path, capsys):
    row = ["Boston", "350000", 10.0, "n/a", 5.0, 78.0, 0.5, 0.0, 1.5, 70.0, 30.0, 100.0]
    errors = refused(db, tmp_path, capsys, "staffing", profiles(GOOD_ROW, row))
    assert any("Row 5" in e and "“Asian (#)”" in e and "“n/a”" in e for e in errors), errors
    assert problems_of("staffing", profiles(GOOD_ROW, row)) == {(5, "Asian (#)", "not-a-number")}


def test_a_formula_is_text_and_never_calculated(db, tmp_path, capsys):
    row = ["Boston", "350000", "=1+1", 5.0, 5.0, 78.0, 0.5, 0.0, 1.5, 70.0, 30.0, 100.0]
    errors = refused(db, tmp_path, capsys, "staffing", profiles(row))
    assert any("Row 4" in e and "“=1+1”" in e and "formula" in e for e in errors), errors
    assert problems_of("staffing", profiles(row)) == {(4, "African American (#)", "formula")}


def test_a_note_row_is_skipped_with_a_warning_and_the_rest_imports(db, tmp_path, capsys):
    note = ["Nowhere Regional", "9990000", "Failed to meet data reporting requirements"] + [None] * 9
    code, out, err = run_import(db, tmp_path, capsys, "staffing", profiles(GOOD_ROW, note), "p.csv")
    assert code == 0, err
    assert out.startswith("imported staffing: 7 rows, 1 organizations, school years 2023-24, upload ")
    assert "Row 5" in err and "Failed to meet data reporting requirements" in err and "skipped" in err
    assert (5, None, "note-row") in problems_of("staffing", profiles(GOOD_ROW, note), severity="warning")


@pytest.mark.parametrize(
    ("parts", "total", "accepted"),
    [
        ([10.0, 5.0, 5.0, 78.0, 0.5, 0.1, 1.7], 100.0, True),  # 100.3: rounding
        ([10.0, 5.0, 5.0, 79.5, 0.5, 0.0, 1.5], 100.0, False),  # 101.5: a real overshoot
        ([1000, 500, 700, 2790, 5, 5, 25], 5000.0, True),  # 5025 of 5000: a total built from rounded parts
    ],
    ids=["within-rounding", "real-overshoot", "large-total"],
)
def test_race_counts_above_the_total(db, tmp_path, capsys, parts, total, accepted):
    row = ["Boston", "350000", *parts, 50.0, 50.0, total]
    if accepted:
        code, _, err = run_import(db, tmp_path, capsys, "staffing", profiles(row), "p.csv")
        assert code == 0, err
    else:
        errors = refused(db, tmp_path, capsys, "staffing", profiles(row))
        assert any("Row 4" in e and "“FTE Count”" in e and "101.5" in e for e in errors), errors
        assert problems_of("staffing", profiles(row)) == {(4, "FTE Count", "parts-over-total")}


def test_a_real_overshoot_on_a_large_total_is_refused(db, tmp_path, capsys):
    row = ["Boston", "350000", 1000, 500, 700, 2900, 5, 5, 25, 2500, 2500, 5000.0]  # 5135 of 5000
    errors = refused(db, tmp_path, capsys, "staffing", profiles(row))
    assert any("Row 4" in e and "5,135.0" in e for e in errors), errors
    assert problems_of("staffing", profiles(row)) == {(4, "FTE Count", "parts-over-total")}


def test_percentages_above_100_beyond_rounding(db, tmp_path, capsys):
    data = csv_bytes(
        [
            *profiles_title(),
            profiles_header(measure="%"),
            ["Boston", "350000", 10.0, 5.0, 5.0, 83.0, 0.0, 0.0, 0.0, 50, 50, 100.0],
        ]
    )
    errors = refused(db, tmp_path, capsys, "staffing", data)
    assert any("Row 4" in e and "103.0%" in e for e in errors), errors
    assert problems_of("staffing", data) == {(4, "FTE Count", "parts-over-total")}


@pytest.mark.parametrize("code", ["35A000", "1234", "003500001"])
def test_malformed_organization_codes(db, tmp_path, capsys, code):
    row = ["Boston", code, 10.0, 5.0, 5.0, 78.0, 0.5, 0.0, 1.5, 70.0, 30.0, 100.0]
    refused(db, tmp_path, capsys, "staffing", profiles(row))
    assert problems_of("staffing", profiles(row)) == {(4, "District Code", "not-an-org-code")}


def test_a_new_well_formed_code_is_added_as_an_organization_with_a_warning(db, tmp_path, capsys):
    row = ['=HYPERLINK("x") Charter', "9990000", 1, 1, 1, 1, 0, 0, 0, 2, 2, 4.0]
    code, _out, err = run_import(db, tmp_path, capsys, "staffing", profiles(row), "p.csv")
    assert code == 0, err
    assert "09990000 is new to it" in err and "charter" in err
    assert problems_of("staffing", profiles(row), severity="warning") == {
        (None, "Org Code", "unknown-organization")
    }
    con = connect(db)
    stored = con.execute(
        "SELECT name, org_type, region FROM organizations WHERE org_code = '09990000'"
    ).fetchall()
    con.close()
    assert stored == [('=HYPERLINK("x") Charter', "charter", "Not yet assigned")]  # text, never a formula


def test_the_same_organization_year_and_job_class_twice_with_different_numbers(db, tmp_path, capsys):
    other = [*GOOD_ROW[:2], 2.0, *GOOD_ROW[3:]]
    errors = refused(db, tmp_path, capsys, "staffing", profiles(GOOD_ROW, other))
    assert any("Row 5" in e and "row 4 has the same" in e for e in errors), errors
    assert (5, "District Code", "duplicate-key") in problems_of("staffing", profiles(GOOD_ROW, other))


def test_the_same_row_twice_is_only_a_warning(db, tmp_path, capsys):
    code, _, err = run_import(db, tmp_path, capsys, "staffing", profiles(GOOD_ROW, GOOD_ROW), "p.csv")
    assert code == 0 and "Row 5" in err and "repeats row 4" in err
    assert problems_of("staffing", profiles(GOOD_ROW, GOOD_ROW), severity="warning") == {
        (5, "District Code", "duplicate-row")
    }


def test_the_same_template_row_twice_with_different_numbers(db, tmp_path, capsys):
    data = csv_bytes(
        [
            TEMPLATE,
            ["2023-24", "350000", "Teacher", "Asian", "2"],
            ["2023-24", "350000", "Teacher", "Asian", "3"],
        ]
    )
    refused(db, tmp_path, capsys, "staffing", data)
    assert problems_of("staffing", data) == {(3, None, "duplicate-key")}


@pytest.mark.parametrize(
    ("data", "name", "says", "code"),
    [
        (b"", "empty.csv", "The file is empty", "empty-file"),
        (b"\r\n\r\n  \r\n", "blank.csv", "The file is empty", "empty-file"),
        (csv_bytes([TEMPLATE]), "header.csv", "header and no rows", "no-rows"),
        (
            b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>",
            "report.xlsx",
            "web page",
            "not-a-spreadsheet",
        ),
        (
            b"<html><table><tr><td>District</td></tr></table></html>",
            "report.csv",
            "web page",
            "not-a-spreadsheet",
        ),
        (bytes(range(256)) * 40, "random.csv", "not a CSV or Excel file", "not-a-spreadsheet"),
        (b"PK\x03\x04" + bytes(200), "broken.xlsx", "not a readable Excel workbook", "not-a-spreadsheet"),
        (b"just,some\nwords,here\n", "words.csv", "No header row was found", "no-header"),
    ],
    ids=[
        "empty",
        "blank-lines",
        "header-only",
        "html-as-xlsx",
        "html-as-csv",
        "random-bytes",
        "broken-zip",
        "no-header",
    ],
)
def test_files_that_are_not_data(db, tmp_path, capsys, data, name, says, code):
    errors = refused(db, tmp_path, capsys, "staffing", data, name)
    assert any(says in e for e in errors), errors
    assert {c for _, _, c in problems_of("staffing", data, name)} == {code}


def test_a_zip_that_is_not_a_workbook(db, tmp_path, capsys):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "hi")
    errors = refused(db, tmp_path, capsys, "staffing", buffer.getvalue(), "x.xlsx")
    assert any("zip archive but not an Excel workbook" in e for e in errors), errors
    assert problems_of("staffing", buffer.getvalue(), "x.xlsx") == {(None, None, "not-a-spreadsheet")}


def test_an_xlsx_bomb_is_refused_from_its_declared_sizes(db, tmp_path, capsys):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (400 * 1024 * 1024) + b">")
    data = buffer.getvalue()
    assert len(data) < 1_000_000  # under 1 MB packed, 400 MB unpacked
    errors = refused(db, tmp_path, capsys, "staffing", data, "bomb.xlsx")
    assert any("would unpack to 400 MB" in e for e in errors), errors
    assert problems_of("staffing", data, "bomb.xlsx") == {(None, None, "file-too-large")}


def test_size_and_row_caps():
    small = Limits(max_bytes=1000, max_rows=3)
    big = csv_bytes([TEMPLATE] + [["2023-24", "350000", "Teacher", "Asian", "1"]] * 100)
    checked = check_upload(None, "staffing", big, "big.csv", limits=small)
    assert checked.errors == [
        UploadProblem(
            None,  # the whole file: no row, column or value
            None,
            None,
            "The file is 0.0 MB; the limit is 0 MB. Split it (for example by school year) and upload the parts.",
            code="file-too-large",
        )
    ]
    rows = csv_bytes(
        [TEMPLATE] + [["2023-24", "350000", "Teacher", race, "1"] for race in ("Asian", "White")] * 30
    )
    checked = check_upload(None, "staffing", rows, "rows.csv", limits=Limits(max_rows=10))
    assert "60 rows of data under its header (row 1), more than the 10 one upload may hold" in (
        checked.errors[0].expected
    )
    assert [p.code for p in checked.errors] == ["too-many-rows"]
    xlsx = xlsx_bytes({"Data": [TEMPLATE] + [["2023-24", "350000", "Teacher", "Asian", 1]] * 30})
    checked = check_upload(None, "staffing", xlsx, "rows.xlsx", limits=Limits(max_rows=10))
    assert [p.code for p in checked.errors] == ["too-many-rows"]


def test_the_cli_refuses_a_file_over_the_size_cap(db, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "DEFAULT_LIMITS", Limits(max_bytes=10))
    errors = refused(
        db,
        tmp_path,
        capsys,
        "staffing",
        csv_bytes([TEMPLATE, ["2023-24", "350000", "Teacher", "Asian", "1"]]),
    )
    assert any("the limit is" in e for e in errors)


def test_a_job_class_the_dashboard_does_not_track(db, tmp_path, capsys):
    data = csv_bytes([TEMPLATE, ["2023-24", "350000", "Lunch Monitor", "Asian", "2"]])
    refused(db, tmp_path, capsys, "staffing", data)
    assert problems_of("staffing", data) == {(2, "Job Class", "unknown-job-class")}


def test_an_unknown_race_spelling(db, tmp_path, capsys):
    data = csv_bytes([TEMPLATE, ["2023-24", "350000", "Teacher", "Martian", "2"]])
    errors = refused(db, tmp_path, capsys, "staffing", data)
    assert any("Row 2" in e and "“Race/Ethnicity”" in e and "“Martian”" in e for e in errors), errors
    assert problems_of("staffing", data) == {(2, "Race/Ethnicity", "unknown-race")}


def test_a_bad_school_year(db, tmp_path, capsys):
    data = csv_bytes([TEMPLATE, ["2023-25", "350000", "Teacher", "Asian", "2"]])
    refused(db, tmp_path, capsys, "staffing", data)
    assert problems_of("staffing", data) == {(2, "School Year", "not-a-school-year")}


def test_what_the_file_does_not_say_must_be_given(db, tmp_path, capsys):
    data = profiles(GOOD_ROW, title=False)
    errors = refused(db, tmp_path, capsys, "staffing", data)
    assert any("--school-year" in e for e in errors) and any("--job-class" in e for e in errors), errors
    code, out, err = run_import(
        db, tmp_path, capsys, "staffing", data, "p.csv", "--school-year", "2024", "--job-class", "teacher"
    )
    assert code == 0, err
    assert "school years 2023-24" in out


def test_a_title_that_contradicts_the_answer(db, tmp_path, capsys):
    errors = refused(
        db, tmp_path, capsys, "staffing", profiles(GOOD_ROW), "p.csv", "--school-year", "2019-20"
    )
    assert any("2019-20" in e and "title row" in e for e in errors), errors
    assert problems_of("staffing", profiles(GOOD_ROW), school_year="2019-20") == {
        (None, None, "contradicts-answer")
    }


def test_rows_are_numbered_as_excel_shows_them(db, tmp_path, capsys):
    rows = [
        *profiles_title(),
        profiles_header(),
        GOOD_ROW,
        ["Boston", "350000", 1, "x", 1, 1, 0, 0, 0, 1, 1, 4.0],
    ]
    data = xlsx_bytes({"Report": rows}, start_row=4)
    errors = refused(db, tmp_path, capsys, "staffing", data, "p.xlsx")
    assert any("Row 9" in e and "“Asian (#)”" in e for e in errors), errors
    assert problems_of("staffing", data, "p.xlsx") == {(9, "Asian (#)", "not-a-number")}


def test_an_unexpected_failure_is_a_message_not_a_traceback(db, tmp_path, capsys, monkeypatch, caplog):
    from analytics.ingest import shapes

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(shapes, "normalise_long", broken)
    data = csv_bytes([TEMPLATE, ["2023-24", "350000", "Teacher", "Asian", "2"]])
    errors = refused(db, tmp_path, capsys, "staffing", data)
    assert any("Something unexpected went wrong" in e and "nothing was saved" in e for e in errors)
    assert problems_of("staffing", data) == {(None, None, "unexpected-failure")}
    assert "ZeroDivisionError" in caplog.text  # logged for the maintainers


def test_usage_errors_exit_2(db, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["import", "salaries", "x.csv", "--db", str(db)])
    assert exit_.value.code == 2
    with pytest.raises(SystemExit) as exit_:
        cli.main(["import", "staffing", "x.csv", "--db", str(db), "--school-year", "last year"])
    assert exit_.value.code == 2
    assert cli.main(["import", "staffing", str(tmp_path / "missing.csv"), "--db", str(db)]) == 2
    capsys.readouterr()


def test_a_refused_file_does_not_create_a_missing_warehouse(tmp_path, capsys):
    db = tmp_path / "new" / "w.duckdb"
    f = tmp_path / "bad.csv"
    f.write_bytes(csv_bytes([TEMPLATE, ["2023-24", "350000", "Teacher", "Martian", "2"]]))
    assert cli.main(["import", "staffing", str(f), "--db", str(db)]) == 1
    assert not db.exists()
    f.write_bytes(csv_bytes([TEMPLATE, ["2023-24", "350000", "Teacher", "Asian", "2"]]))
    assert cli.main(["import", "staffing", str(f), "--db", str(db)]) == 0
    assert db.exists()
    out = capsys.readouterr().out
    assert out.strip().startswith(
        "imported staffing: 1 rows, 1 organizations, school years 2023-24, upload 2"
    )


def test_a_typed_excel_sheet_names_rows_as_excel_does(db, tmp_path, capsys):
    # Header on the sheet's first filled row (row 3), numbers stored as numbers: the quick typed read.
    rows = [
        TEMPLATE,
        ["2023-24", 350000, "Teacher", "Asian", 2.0],
        ["2023-24", 350000, "Teacher", "White", -4.0],
    ]
    data = xlsx_bytes({"Data": rows}, start_row=2)
    refused(db, tmp_path, capsys, "staffing", data, "t.xlsx")
    assert problems_of("staffing", data, "t.xlsx") == {(5, "FTE", "below-minimum")}


def test_text_deep_in_a_number_column_of_an_excel_sheet_is_named(db, tmp_path, capsys):
    rows = [TEMPLATE] + [["2023-24", 350000 + 10 * i, "Teacher", "Asian", 1.0] for i in range(1500)]
    rows[1200][4] = "n/a"
    refused(db, tmp_path, capsys, "staffing", xlsx_bytes({"Data": rows}), "t.xlsx")
    assert problems_of("staffing", xlsx_bytes({"Data": rows}), "t.xlsx") == {(1201, "FTE", "not-a-number")}


# --- Honest figures: numbers that are no figure, commas, two columns for one part, the header ----


@pytest.mark.parametrize(
    ("cell", "code", "says"),
    [
        ("1e308", "out-of-range", "an FTE from 0 to 100,000"),
        ("100001", "out-of-range", "New York City"),
        ("inf", "not-finite", "not a finite number"),
        ("-inf", "not-finite", "not a finite number"),
        ("Infinity", "not-finite", "not a finite number"),
        ("nan", "not-finite", "not a finite number"),
        ("1e309", "not-finite", "too large"),
    ],
)
def test_a_number_that_is_no_real_figure_is_refused_naming_the_cell(db, tmp_path, capsys, cell, code, says):
    data = csv_bytes(
        [
            TEMPLATE,
            ["2023-24", "350000", "Teacher", "White", "4"],
            ["2023-24", "350000", "Teacher", "Asian", cell],
        ]
    )
    errors = refused(db, tmp_path, capsys, "staffing", data)
    assert any("Row 3" in e and "column “FTE”" in e and f"“{cell}”" in e and says in e for e in errors), (
        errors
    )
    assert problems_of("staffing", data) == {(3, "FTE", code)}


def test_the_largest_real_figures_are_read(db, tmp_path, capsys):
    data = csv_bytes(
        [
            TEMPLATE,
            ["2023-24", "350000", "Teacher", "White", "75,000"],
            ["2023-24", "350000", "Teacher", "Asian", "100000"],
        ]
    )
    code, _out, err = run_import(db, tmp_path, capsys, "staffing", data, "big.csv")
    assert code == 0, err
    con = connect(db)
    fte = con.execute("SELECT sum(fte) FROM current_staffing WHERE school_year = '2023-24'").fetchall()[0][0]
    con.close()
    assert fte == 175_000


def test_a_huge_number_in_a_typed_excel_column_is_refused(db, tmp_path, capsys):
    rows = [
        TEMPLATE,
        ["2023-24", 350000, "Teacher", "Asian", 2.0],
        ["2023-24", 350000, "Teacher", "White", 1e308],
    ]
    data = xlsx_bytes({"Data": rows})
    errors = refused(db, tmp_path, capsys, "staffing", data, "t.xlsx")
    assert any("Row 3" in e and "column “FTE”" in e and "1e+308" in e and "100,000" in e for e in errors), (
        errors
    )


def test_absurd_cells_of_a_profiles_export_are_refused_once(db, tmp_path, capsys):
    row = ["Boston", "350000", 10.0, "1e308", 5.0, 78.0, 0.5, 0.0, 1.5, 70.0, 30.0, 100.0]
    errors = refused(db, tmp_path, capsys, "staffing", profiles(GOOD_ROW, row))
    assert any("Row 5" in e and "“Asian (#)”" in e and "“1e308”" in e for e in errors), errors
    assert len(errors) == 1, errors  # no follow-on sum of 1e308 against the row's total
    assert problems_of("staffing", profiles(GOOD_ROW, row)) == {(5, "Asian (#)", "out-of-range")}


def test_a_percentage_above_100_is_refused_naming_the_cell(db, tmp_path, capsys):
    data = csv_bytes(
        [
            *profiles_title(),
            profiles_header(measure="%"),
            ["Boston", "350000", 150.0, 0, 0, 0, 0.0, 0.0, 0.0, 50, 50, 100.0],
        ]
    )
    errors = refused(db, tmp_path, capsys, "staffing", data)
    assert any(
        "Row 4" in e and "“African American (%)”" in e and "a percentage from 0 to 100" in e for e in errors
    )
    assert problems_of("staffing", data) == {(4, "African American (%)", "out-of-range")}


@pytest.mark.parametrize(
    ("kind", "rows", "cell", "says"),
    [
        (
            "staffing",
            [
                ["Employee ID", "School Year", "Org Code", "Job Classification", "Race/Ethnicity", "FTE"],
                ["E1", "2023-24", "350000", "Teacher", "White", "1.0"],
                ["E2", "2023-24", "350000", "Teacher", "Asian", "3"],
            ],
            "3",
            "for one person",
        ),
        (
            "enrollment",
            [
                ["School Year", "Org Code", "Race/Ethnicity", "Students"],
                ["2023-24", "350000", "White", "100"],
                ["2023-24", "350000", "Asian", "2500000"],
            ],
            "2500000",
            "students from 0 to 2,000,000",
        ),
        (
            "fellows",
            [
                [
                    "Fellow ID",
                    "Cohort",
                    "Start Year",
                    "Home Org Code",
                    "Role at Entry",
                    "Race/Ethnicity",
                    "Status",
                ],
                ["I100-1-01", "1", "2019-20", "350000", "Principal", "Asian", "active"],
                ["I100-1-02", "1e308", "2019-20", "350000", "Principal", "White", "active"],
            ],
            "1e308",
            "cohort number from 1 to 100",
        ),
    ],
    ids=["roster-fte", "students", "cohort"],
)
def test_each_kind_has_its_own_largest_figure(db, tmp_path, capsys, kind, rows, cell, says):
    errors = refused(db, tmp_path, capsys, kind, csv_bytes(rows))
    assert any("Row 3" in e and f"“{cell}”" in e and says in e for e in errors), errors
    column = rows[0][rows[2].index(cell)]
    assert problems_of(kind, csv_bytes(rows)) == {(3, column, "out-of-range")}


@pytest.mark.parametrize("cell", ["1.234,5", "12,5", "1,23", "1,2345", "0,5"])
@pytest.mark.parametrize("delimiter", [",", "\t"], ids=["comma", "tab"])
def test_a_decimal_comma_in_a_comma_separated_file_is_refused_never_guessed(
    db, tmp_path, capsys, cell, delimiter
):
    data = csv_bytes(
        [
            TEMPLATE,
            ["2023-24", "350000", "Teacher", "White", "4"],
            ["2023-24", "350000", "Teacher", "Asian", cell],
        ],
        delimiter=delimiter,
    )
    errors = refused(db, tmp_path, capsys, "staffing", data)
    assert any(
        "Row 3" in e
        and "column “FTE”" in e
        and f"“{cell}”" in e
        and "write decimals with a point, e.g. 1234.5" in e
        for e in errors
    ), errors
    assert problems_of("staffing", data) == {(3, "FTE", "decimal-comma")}


def test_commas_between_thousands_are_read(db, tmp_path, capsys):
    data = csv_bytes(
        [
            TEMPLATE,
            ["2023-24", "350000", "Teacher", "White", "1,234"],
            ["2023-24", "350000", "Teacher", "Asian", "12,345.5"],
        ]
    )
    checked = check_upload(None, "staffing", data, "t.csv")
    assert checked.can_save, checked.problems
    assert sorted(checked.facts.fte) == [1234.0, 12345.5]


@pytest.mark.parametrize("cell", ["1.234", "12.500", "1.234,5"])
def test_a_number_a_semicolon_file_could_mean_two_ways_is_refused(db, tmp_path, capsys, cell):
    data = csv_bytes(
        [
            TEMPLATE,
            ["2023-24", "350000", "Teacher", "White", "4,5"],
            ["2023-24", "350000", "Teacher", "Asian", cell],
        ],
        delimiter=";",
    )
    errors = refused(db, tmp_path, capsys, "staffing", data)
    assert any(
        "Row 3" in e and "column “FTE”" in e and f"“{cell}”" in e and "semicolon" in e for e in errors
    ), errors
    assert problems_of("staffing", data) == {(3, "FTE", "ambiguous-number")}


@pytest.mark.parametrize(
    ("header", "kept", "other"),
    [
        ([*TEMPLATE, "FTE Count"], "“FTE” (column E)", "“FTE Count” (column F)"),
        (
            ["School Year", "Org Code", "Job Class", "Race", "Ethnicity", "FTE"],
            "“Race” (column D)",
            "“Ethnicity” (column E)",
        ),
        (
            ["DESE ID", "School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"],
            "“Org Code” (column C)",
            "“DESE ID” (column A)",
        ),
        (
            ["SY", "School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"],
            "“School Year” (column B)",
            "“SY” (column A)",
        ),
        ([*TEMPLATE, "FTE"], "“FTE” (column E)", "“FTE (2)” (column F)"),
    ],
    ids=["two-fte", "race-and-ethnicity", "two-codes", "two-school-years", "same-heading-twice"],
)
def test_two_columns_for_one_part_are_refused_naming_both(db, tmp_path, capsys, header, kept, other):
    row = {
        "School Year": "2023-24",
        "SY": "2023-24",
        "Org Code": "350000",
        "DESE ID": "350000",
        "Job Class": "Teacher",
        "Race/Ethnicity": "Asian",
        "Race": "Asian",
        "Ethnicity": "Hispanic",
    }
    data = csv_bytes([header, [row.get(h, "2") for h in header]])
    errors = refused(db, tmp_path, capsys, "staffing", data)
    assert any("Row 1" in e and kept in e and other in e and "Keep one of them" in e for e in errors), errors
    other_header = other[1 : other.index("”")]  # “FTE Count” (column F) -> FTE Count
    assert (1, other_header, "same-role") in problems_of("staffing", data)


def test_two_count_columns_for_one_race_in_a_profiles_export(db, tmp_path, capsys):
    data = csv_bytes([*profiles_title(), [*profiles_header(), "Asian"], [*GOOD_ROW, 3.0]])
    errors = refused(db, tmp_path, capsys, "staffing", data)
    assert any(
        "Row 3" in e and "“Asian (#)” (column D)" in e and "“Asian” (column M)" in e for e in errors
    ), errors
    assert (3, "Asian", "same-role") in problems_of("staffing", data)


def test_the_open_data_and_profiles_headers_have_no_part_twice():
    from upload_files import OLD_OPEN_DATA_HEADER, OPEN_DATA_HEADER

    from analytics.contracts import STAFFING
    from analytics.ingest.roles import find_roles

    for header in (OPEN_DATA_HEADER, OLD_OPEN_DATA_HEADER, profiles_header(), profiles_header("School", "%")):
        assert find_roles(STAFFING, header).same_role == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_header_missing_a_heading_is_said_once_about_the_header(db, tmp_path, capsys, fmt):
    header = profiles_header()
    del header[3]  # "Asian (#)" lost: every row under it has one value more than the header has headings
    rows = [*profiles_title(), header] + [
        [f"District {i}", f"{1000 + i}0000", *GOOD_ROW[2:]] for i in range(300)
    ]
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes({"Report": rows})
    errors = refused(db, tmp_path, capsys, "staffing", data, f"shifted.{fmt}")
    assert problems_of("staffing", data, f"shifted.{fmt}") == {(3, None, "header-misaligned")}
    assert errors == [
        "Error: Row 3 — one heading per column: row 3 has 11 headings but the rows under it have 12 values: a "
        "heading is missing or a column is shifted (all 300 rows). Fix the header row and upload the file again"
    ]


def test_one_row_with_a_value_too_many_is_still_named_by_its_row(db, tmp_path, capsys):
    rows = [TEMPLATE] + [
        ["2023-24", "350000", "Teacher", race, "2"] for race in ("Asian", "White", "Hispanic")
    ]
    rows[2] = [*rows[2], "oops"]
    errors = refused(db, tmp_path, capsys, "staffing", csv_bytes(rows))
    assert len(errors) == 1, errors
    assert problems_of("staffing", csv_bytes(rows)) == {(3, None, "extra-cell")}


def test_a_header_with_a_heading_too_many_is_said_once_about_the_header(db, tmp_path, capsys):
    rows = [[*TEMPLATE, "Notes"]] + [
        ["2023-24", f"{1000 + i}0000", "Teacher", "Asian", "2"] for i in range(40)
    ]
    data = b"".join(line.rstrip(b",\r\n") + b"\r\n" for line in csv_bytes(rows).splitlines())
    errors = refused(db, tmp_path, capsys, "staffing", data)
    assert len(errors) == 1, errors
    assert problems_of("staffing", data) == {(1, None, "header-misaligned")}
    assert (
        "row 1 has 6 headings but the rows under it have 5 values: there is a heading too many" in errors[0]
    )


# --- limits: rows of data counted exactly, over-long cells named, a million repeats counted --------------

TITLE = [["2023-24 Staffing by race"], ["Teachers, all districts"], []]


def rows_of(n: int) -> list[list[object]]:
    """`n` distinct template rows (one district's teachers, a year each)."""
    return [[f"{2000 + i}-{(i + 1) % 100:02d}", "350000", "Teacher", "Asian", "1"] for i in range(n)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("title", [False, True], ids=["header first", "title rows above"])
def test_the_row_limit_counts_rows_of_data_exactly(fmt, title):
    """As many rows of data as the limit pass, one more is refused, wherever the header starts; blank rows
    are no data. (Before, the 40 rows searched for a header were added to the limit.)"""
    limits = Limits(max_rows=10)
    above = TITLE if title else []
    header_row = len(above) + 1

    def made(data_rows: list[list[object]]) -> bytes:
        rows = [*above, TEMPLATE, *data_rows]
        return csv_bytes(rows) if fmt == "csv" else xlsx_bytes({"Data": rows})

    blank = [None] * len(TEMPLATE)
    ten = rows_of(10)
    with_blanks = [*ten[:5], blank, blank, *ten[5:], blank]
    for data in (made(ten), made(with_blanks)):
        checked = check_upload(None, "staffing", data, f"f.{fmt}", limits=limits)
        assert not checked.errors, checked.errors
        assert len(checked.facts) == 10
    checked = check_upload(None, "staffing", made(rows_of(11)), f"f.{fmt}", limits=limits)
    assert [(p.row, p.column, p.code) for p in checked.errors] == [(None, None, "too-many-rows")]
    assert checked.errors[0].expected.startswith(
        f"The file has 11 rows of data under its header (row {header_row}), more than the 10 one upload may hold."
    )


def test_a_value_over_several_lines_is_one_row_of_the_limit():
    """More lines than the limit, but no more rows: a quoted note that spans lines is one cell."""
    rows = [[*row[:4], "1"] for row in rows_of(10)]
    header = [*TEMPLATE, "Notes"]
    data = csv_bytes([header, *[[*row, "first line\nsecond line\nthird"] for row in rows]])
    assert data.count(b"\n") > 30
    checked = check_upload(None, "staffing", data, "notes.csv", limits=Limits(max_rows=10))
    assert not checked.errors, checked.errors


def million_rows(n: int) -> bytes:
    """A template file of `n` copies of one row (31 MB for a million)."""
    return (
        b"School Year,Org Code,Job Class,Race/Ethnicity,FTE\r\n" + b"2023-24,350000,Teacher,Asian,1\r\n" * n
    )


def test_a_million_and_one_rows_are_refused_at_once(db, tmp_path, capsys):
    started = time.monotonic()
    errors = refused(db, tmp_path, capsys, "staffing", million_rows(1_000_001), "million.csv")
    took = time.monotonic() - started
    assert errors == [
        "Error: The file has 1,000,001 rows of data under its header (row 1), more than the 1,000,000 one "
        "upload may hold. Split it (for example by school year) and upload the parts."
    ]
    assert took < 30, f"refusing took {took:.1f} s"  # about 2 s here; it took 286 s before


def test_a_million_copies_of_one_row_are_counted_not_listed(db, tmp_path, capsys):
    started = time.monotonic()
    code, out, err = run_import(
        db, tmp_path, capsys, "staffing", million_rows(1_000_000), "m.csv", "--dry-run"
    )
    took = time.monotonic() - started
    assert code == 0 and "1 rows" in out, (out, err[-500:])
    lines = err.splitlines()
    assert len(lines) <= 60, len(lines)  # the first 50 named, the rest one line
    assert lines[-1] == (
        "Warning: 999,949 more rows like this (rows 53 to 1,000,001): each School Year, Org Code, Job Class, "
        "Race/Ethnicity once; this row repeats row 2 exactly, so it is skipped"
    )
    assert took < 60, f"checking took {took:.1f} s"  # about 4 s here; 240 s before


def test_repeats_of_many_different_rows_are_listed_then_counted_in_one_line():
    """300 rows each repeated once: each repeat names its own earlier row, so each is a problem of its own;
    the first 200 are listed and the rest are one line, with the rows they span, not 100 lines more."""
    rows = rows_of(300)
    data = csv_bytes([TEMPLATE, *rows, *rows])
    checked = check_upload(None, "staffing", data, "twice.csv")
    assert len(checked.warnings) == 201
    assert {(p.row, p.column, p.code) for p in checked.warnings[:200]} == {
        (r, None, "duplicate-row") for r in range(302, 502)
    }
    last = checked.warnings[-1]
    assert (last.row, last.column, last.code) == (None, None, "duplicate-row")
    assert last.expected.startswith("100 more rows (rows 502 to 601) with a problem of the same kind")
    assert checked.warning_count == 300 and checked.can_save


LONG = "x" * 10_000_000  # a 10 MB cell: a document pasted into a spreadsheet


@pytest.mark.parametrize(
    ("header", "row", "column"),
    [
        ([*TEMPLATE, "Notes"], ["2023-24", "350000", "Teacher", "White", "2", LONG], "Notes"),
        (TEMPLATE, ["2023-24", "350000", "Teacher", LONG, "2"], "Race/Ethnicity"),
        (TEMPLATE, ["2023-24", "350000", "Teacher", "White", "2" * 40_000], "FTE"),
    ],
    ids=["extra column", "race", "number"],
)
def test_an_over_long_cell_is_refused_naming_its_row_column_and_the_limit(
    db, tmp_path, capsys, header, row, column
):
    first = ["2023-24", "350000", "Teacher", "Asian", "1"] + ["ok"] * (len(header) - len(TEMPLATE))
    data = csv_bytes([header, first, row])
    errors = refused(db, tmp_path, capsys, "staffing", data)
    assert len(errors) == 1 and errors[0].startswith(f"Error: Row 3, column “{column}”: “"), errors
    assert " characters: " in errors[0] and "at most 32,767 characters in one cell" in errors[0]
    assert "straddl" not in errors[0]
    assert problems_of("staffing", data) == {(3, column, "cell-too-long")}


def test_an_over_long_cell_in_a_workbook_is_named_too():
    """Excel refuses to hold more than 32,767 characters in a cell; a workbook written by something else
    may. (xlsxwriter will not write one either: its shared string is lengthened after.)"""
    book = xlsx_bytes({"Data": [*TITLE, TEMPLATE, ["2023-24", "350000", "Teacher", "PLACEHOLDER", 2]]})
    source, buffer = zipfile.ZipFile(io.BytesIO(book)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as lengthened:
        for part in source.infolist():
            content = source.read(part.filename)
            if part.filename == "xl/sharedStrings.xml":
                content = content.replace(b"PLACEHOLDER", b"y" * 40_000)
            lengthened.writestr(part, content)
    assert problems_of("staffing", buffer.getvalue(), "long.xlsx") == {(5, "Race/Ethnicity", "cell-too-long")}
