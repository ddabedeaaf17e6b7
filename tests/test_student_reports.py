"""DESE's reports by student group (discipline, attendance, graduation, the VOCAL climate survey) as DESE and
districts have them: each held-out file is imported with `python -m analytics import` and the rows stored
compared with the figures worked out here from the file's own cells (a rate of "4.5" is 0.045; a blank is
not published, NULL, never 0), or refused naming its row and column with the warehouse unchanged."""

from decimal import Decimal

import pytest
from builders import TESTS, contents, fill_new_warehouse, new_warehouse
from upload_files import csv_bytes, xlsx_bytes

from analytics import access, cli
from analytics.contracts import STUDENT_KINDS
from analytics.ingest import Answers, check_upload, preview_upload, save_checked, written_table
from analytics.warehouse import connect

BOSTON, LAWRENCE, SPRINGFIELD = "00350000", "01490000", "02810000"

SSDR = [
    "Student Group",
    "Students",
    "Students Disciplined",
    "% In-School Suspension",
    "% Out-of-School Suspension",
    "% Expulsion",
    "% Alternate Setting",
    "% Emergency Removal",
    "% Students with a School-Based Arrest",
    "% Students with a Non-Arrest Law Enforcement Referral",
]
SSDR_COLUMNS = [
    "students",
    "students_disciplined",
    "pct_in_school_suspension",
    "pct_out_of_school_suspension",
    "pct_expulsion",
    "pct_alternate_setting",
    "pct_emergency_removal",
    "pct_school_based_arrest",
    "pct_law_enforcement_referral",
]
ATTENDANCE = [
    "Student Group",
    "Attendance Rate",
    "Average # of Absences",
    "Absent 10 or more days",
    "Chronically Absent (10% or more)",
    "Chronically Absent (20% or more)",
    "Unexcused > 9 days",
]
ATTENDANCE_COLUMNS = [
    "attendance_rate",
    "average_absences",
    "pct_absent_10_days",
    "pct_chronically_absent",
    "pct_chronically_absent_20",
    "pct_unexcused_over_9_days",
]


# --- the figures a file says, worked out here (not by the reader) -----------------------------------------


def rate(cell: str | None) -> float | None:
    """A percentage cell as a fraction: '4.5' and '4.5%' are 0.045; blank, '—' and '*' are not published."""
    if cell is None or cell.strip() in ("", "—", "-", "*", "N/A"):
        return None
    return float(Decimal(cell.strip().rstrip("%")) / 100)


def count(cell: str | None) -> int | None:
    """A count cell: '1,289' is 1289."""
    if cell is None or cell.strip() in ("", "—", "-", "*", "N/A"):
        return None
    return int(cell.replace(",", ""))


def number(cell: str | None) -> float | None:
    return None if cell is None or cell.strip() in ("", "—", "-", "*", "N/A") else float(cell)


def padded(rows: list[list], width: int) -> list[list]:
    """Rows as a spreadsheet saves them: every row as wide as the header (a short title row stays short)."""
    return [
        r if len(r) == 1 and r[0] and not r[0][0].isalpha() else r + [""] * (width - len(r)) for r in rows
    ]


def stored(db, kind: str, order: str = "org_code, student_group") -> list[tuple]:
    """What counts now of a kind, its contract's columns, as tuples."""
    table = STUDENT_KINDS[kind].table
    columns = ", ".join(STUDENT_KINDS[kind].column_names)
    with connect(db) as con:
        return con.execute(f"SELECT {columns} FROM current_{table} ORDER BY school_year, {order}").fetchall()


@pytest.fixture(scope="module")
def db_template(tmp_path_factory, templates):
    """A new warehouse holding a few organizations: built once, copied for each test."""
    path = tmp_path_factory.mktemp("reports") / "warehouse.duckdb"
    fill_new_warehouse(templates.connect(path)).close()
    return path


@pytest.fixture
def db(db_template, tmp_path, templates):
    return templates.copy(db_template, tmp_path / "warehouse.duckdb")


def run_import(db, tmp_path, capsys, kind, data, name, *flags):
    f = tmp_path / name
    f.write_bytes(data)
    code = cli.main(["import", kind, str(f), "--db", str(db), *flags])
    out = capsys.readouterr()
    return code, out.out, out.err


def imported(db, tmp_path, capsys, kind, data, name, *flags) -> str:
    code, out, err = run_import(db, tmp_path, capsys, kind, data, name, *flags)
    assert code == 0, err
    assert out.startswith(f"imported {kind}: "), out
    return out


def refused(db, tmp_path, capsys, kind, data, name, *flags) -> list[str]:
    """Import a file that must be refused: exit 1, nothing written; its error lines."""
    before = contents(db)
    code, out, err = run_import(db, tmp_path, capsys, kind, data, name, *flags)
    assert code == 1, (out, err)
    assert out == "" and "Traceback" not in err
    assert contents(db) == before
    return [line for line in err.splitlines() if line.startswith("Error")]


def errors_of(kind, data, name="report.csv", **answers) -> set[tuple]:
    """(row, column, code) of each error found in `data`."""
    checked = check_upload(None, kind, data, name, Answers(**answers))
    return {(p.row, p.column, p.code) for p in checked.problems if p.is_error}


# --- 1. one organization's Student Discipline Data Report, its year in the title line ----------------------

SSDR_2023 = [
    ["All Students", "1,289", "62", "3.6", "2.2", "0.0", "0.0", "0.1", "0.0", "0.2"],
    ["American Indian or Alaska Native", "4"],
    ["Asian", "23", "0"],
    ["Black or African American", "131", "15", "6.1", "4.6", "0.0", "0.8", "0.0", "0.0", "0.0"],
    ["Hispanic or Latino", "95", "5"],
    ["Multi-Race, Not Hispanic or Latino", "62", "3"],
    ["Native Hawaiian or Other Pacific Islander", "0"],
    ["White", "974", "39", "3.4", "2.2", "0.0", "0.0", "0.1", "0.0", "0.2"],
    ["High Needs", "530", "47", "7.0", "4.3", "0.0", "0.0", "0.2", "0.0", "0.4"],
    ["English Learners", "47", "1"],
    ["Students with Disabilities", "251", "35", "11.2", "6.8", "0.0", "0.4", "0.0", "0.0", "0.8"],
    ["Female", "610", "20", "2.6", "1.1", "0.0", "0.0", "0.0", "0.0", "0.0"],
    ["Male", "679", "42", "4.6", "3.2", "0.0", "0.0", "0.1", "0.0", "0.3"],
]
CANONICAL = {
    "American Indian or Alaska Native": "Native American",
    "Black or African American": "African American/Black",
    "Hispanic or Latino": "Hispanic/Latino",
    "Multi-Race, Not Hispanic or Latino": "Multi-Race Non-Hispanic",
    "Native Hawaiian or Other Pacific Islander": "Native Hawaiian/Pacific Islander",
    "Afr. Amer./Black": "African American/Black",
    "Multi-race, Non-Hisp./Lat.": "Multi-Race Non-Hispanic",
    "Amer. Ind. or Alaska Nat.": "Native American",
    "Nat. Haw. or Pacif. Isl.": "Native Hawaiian/Pacific Islander",
    "Students w/disabilities": "Students with Disabilities",
    "Economically disadvantaged": "Economically Disadvantaged",
    "High needs": "High Needs",
    "English Learner": "English Learners",
}


def expected_ssdr(year: str, org: str, rows: list[list[str]]) -> list[tuple]:
    out = []
    for r in rows:
        cells = [*r, *[None] * (10 - len(r))]
        group = CANONICAL.get(cells[0], cells[0])
        out.append((year, org, group, count(cells[1]), count(cells[2]), *map(rate, cells[3:])))
    return sorted(out, key=lambda t: (t[0], t[1], t[2]))


def one_org_ssdr(year_title: str, rows, header=SSDR) -> list[list]:
    return padded(
        [[year_title], ["All Offenses"], header, *[[c or "" for c in r] for r in rows]], len(header)
    )


def test_one_organizations_ssdr_is_stored_as_the_file_says_with_blanks_not_published(db, tmp_path, capsys):
    data = csv_bytes(one_org_ssdr("2023-24 Student Discipline Data Report", SSDR_2023))
    out = imported(db, tmp_path, capsys, "student-discipline", data, "ssdr.csv", "--organization", "350000")
    assert "13 rows, 1 organizations, school years 2023-24" in out
    rows = stored(db, "student-discipline")
    assert rows == expected_ssdr("2023-24", BOSTON, SSDR_2023)
    by_group = {r[2]: r for r in rows}
    assert by_group["All Students"][3:6] == (1289, 62, 0.036)
    # Published counts with rates DESE left out (fewer than 6 disciplined): kept, the rates not published.
    assert by_group["Hispanic/Latino"][3:] == (95, 5, *[None] * 7)
    assert by_group["Native Hawaiian/Pacific Islander"][3:] == (0, *[None] * 8)


def test_a_one_organization_report_asks_for_its_organization_never_guesses_it(db, tmp_path, capsys):
    data = csv_bytes(one_org_ssdr("2023-24 Student Discipline Data Report", SSDR_2023))
    code, out, err = run_import(db, tmp_path, capsys, "student-discipline", data, "ssdr.csv")
    assert code == 1 and out == ""
    assert "Error: organization: the file does not say; give --organization CODE" in err.splitlines()
    checked = check_upload(None, "student-discipline", data, "ssdr.csv")
    assert [q.name for q in checked.questions] == ["organization"]


def test_a_report_without_a_year_asks_for_it_and_takes_the_answer(db, tmp_path, capsys):
    data = csv_bytes(padded([SSDR, *SSDR_2023], len(SSDR)))
    code, _, err = run_import(
        db, tmp_path, capsys, "student-discipline", data, "ssdr.csv", "--organization", BOSTON
    )
    assert code == 1
    assert "Error: school year: the file does not say; give --school-year 2023-24" in err.splitlines()
    imported(
        db,
        tmp_path,
        capsys,
        "student-discipline",
        data,
        "ssdr.csv",
        "--organization",
        BOSTON,
        "--school-year",
        "2022-23",
    )
    assert stored(db, "student-discipline") == expected_ssdr("2022-23", BOSTON, SSDR_2023)


def test_an_unknown_organization_chosen_for_the_file_is_refused(db, tmp_path, capsys):
    data = csv_bytes(one_org_ssdr("2023-24 Student Discipline Data Report", SSDR_2023))
    errors = refused(
        db, tmp_path, capsys, "student-discipline", data, "ssdr.csv", "--organization", "09990000"
    )
    assert any("09990000" in e and "organization the dashboard knows" in e for e in errors), errors
    assert (None, "organization you chose", "no-such-organization") in errors_of(
        "student-discipline", data, organization="09990000"
    )


# --- 2. a statewide report: a row per district, for one student group -------------------------------------

STATEWIDE = [
    ["State Totals", "00000000", "215,032", "9,890", "1.9", "4.8", "0.0", "0.1", "0.3", "0.1", "0.4"],
    ["Boston", "350000", "21,450", "1,412", "2.9", "4.5", "0.0", "0.1", "0.6", "0.0", "0.1"],
    ["Lawrence", "1490000", "11,290", "512", "—", "3.1", "0.0", "0.0", "0.2", "0.0", "0.1"],
    ["Springfield", "2810000", "15,320", "1,893", "4.2%", "8.8%", "0.1%", "0.4%", "1.0%", "0.1%", "0.5%"],
]
STATEWIDE_HEADER = ["District Name", "District Code", *SSDR[1:]]


def test_a_statewide_report_for_one_group_names_its_group_in_the_title(db, tmp_path, capsys):
    title = "2022-23 Student Discipline Data Report - All Offenses - Hispanic/Latino"
    data = csv_bytes([[title], STATEWIDE_HEADER, *STATEWIDE])
    out = imported(db, tmp_path, capsys, "student-discipline", data, "statewide.csv")
    assert "3 rows, 3 organizations" in out  # the State's row is the districts again: skipped
    expected = sorted(
        ("2022-23", code, "Hispanic/Latino", count(r[2]), count(r[3]), *map(rate, r[4:]))
        for r, code in zip(STATEWIDE[1:], (BOSTON, LAWRENCE, SPRINGFIELD), strict=True)
    )
    assert stored(db, "student-discipline") == expected
    assert expected[0][5:7] == (0.029, 0.045)  # Boston: "2.9" and "4.5"
    assert expected[2][5] == 0.042  # Springfield: "4.2%"


def test_a_statewide_report_whose_title_names_no_group_asks_for_it(db, tmp_path, capsys):
    data = csv_bytes([["2022-23 Student Discipline Data Report"], STATEWIDE_HEADER, *STATEWIDE[1:]])
    code, _, err = run_import(db, tmp_path, capsys, "student-discipline", data, "statewide.csv")
    assert code == 1
    assert "Error: student group: the file does not say; give --student-group NAME" in err.splitlines()
    imported(
        db,
        tmp_path,
        capsys,
        "student-discipline",
        data,
        "s.csv",
        "--student-group",
        "Black or African American",
    )
    assert {r[2] for r in stored(db, "student-discipline")} == {"African American/Black"}


# --- 3. attendance: End of Year and March tables ------------------------------------------------------------

END_OF_YEAR = [
    ["All Student", "92.0", "9.7", "34.7", "27.3", "7.4", "0.0"],
    ["Low Income", "90.1", "13.4", "44.2", "30.8", "15.4", "0.0"],
    ["LEP English language learner"],
    ["African American/Black", "91.1", "10.1", "45.5", "36.4", "18.2", "0.0"],
    ["Hispanic or Latino", "89.9", "11.3", "44.4", "22.2", "11.1", "0.0"],
    ["Multi-race, non-Hispanic or Latino"],
    ["White", "92.6", "9.1", "31.6", "25.6", "6.0", "0.0"],
]
MARCH = [
    ["All Student", "92.1", "6.4", "18.2", "24.0", "7.8", "0.0"],
    ["Low Income", "91.4", "7.9", "25.0", "30.0", "12.5", "0.0"],
    ["African American/Black", "93.5", "4.9", "11.1", "33.3", "11.1", "0.0"],
    ["Hispanic or Latino", "89.3", "8.3", "26.7", "26.7", "13.3", "0.0"],
    ["White", "92.6", "6.1", "16.9", "22.9", "6.8", "0.0"],
]
ATTENDANCE_GROUPS = {
    "All Student": "All Students",
    "LEP English language learner": "English Learners",
    "Hispanic or Latino": "Hispanic/Latino",
    "Multi-race, non-Hispanic or Latino": "Multi-Race Non-Hispanic",
}


def expected_attendance(year, org, rows) -> list[tuple]:
    out = []
    for r in rows:
        cells = [*r, *[None] * (7 - len(r))]
        figures = (rate(cells[1]), number(cells[2]), *map(rate, cells[3:]))
        out.append((year, org, ATTENDANCE_GROUPS.get(cells[0], cells[0]), *figures))
    return sorted(out, key=lambda t: (t[0], t[1], t[2]))


def attendance_report(*tables: tuple[str, list[list[str]]]) -> list[list]:
    """A 2023-24 Profiles attendance report: each table under its note and heading lines."""
    rows = [["Student Attendance (2023-24)"]]
    for period, body in tables:
        until = "the last day of school" if period == "End of Year" else "March 1,2024"
        rows += [
            [f"Please note that the attendance data in the report below reflects attendance until {until}."],
            [f"Student Attendance (2023-24) - {period}"],
            ATTENDANCE,
            *body,
            [""],
        ]
    return padded(rows[:1], 7)[:1] + padded(rows[1:], 7)


@pytest.mark.parametrize("order", ["end of year first", "march first"])
def test_attendance_with_end_of_year_and_march_tables_stores_the_end_of_year_one(db, tmp_path, capsys, order):
    tables = [("End of Year", END_OF_YEAR), ("March", MARCH)]
    rows = attendance_report(*(tables if order == "end of year first" else tables[::-1]))
    imported(
        db, tmp_path, capsys, "student-attendance", csv_bytes(rows), "att.csv", "--organization", LAWRENCE
    )
    assert stored(db, "student-attendance") == expected_attendance("2023-24", LAWRENCE, END_OF_YEAR)
    white = next(r for r in stored(db, "student-attendance") if r[2] == "White")
    assert white[3:] == (0.926, 9.1, 0.316, 0.256, 0.06, 0.0)  # the End of Year figures, not March's


def test_attendance_tables_on_two_sheets_are_read_from_the_end_of_year_sheet(db, tmp_path, capsys):
    sheets = {
        "March": [["Student Attendance (2023-24) - March"], ATTENDANCE, *MARCH],
        "End of Year": [["Student Attendance (2023-24) - End of Year"], ATTENDANCE, *END_OF_YEAR],
    }
    data = xlsx_bytes({k: [[c if c != "" else None for c in r] for r in v] for k, v in sheets.items()})
    code, _, err = run_import(
        db, tmp_path, capsys, "student-attendance", data, "att.xlsx", "--organization", LAWRENCE
    )
    assert code == 0, err
    assert "Warning" not in err  # the March sheet is known for what it is: not a sheet to choose between
    assert stored(db, "student-attendance") == expected_attendance("2023-24", LAWRENCE, END_OF_YEAR)


def test_an_attendance_file_with_only_the_march_table_is_refused_saying_why(db, tmp_path, capsys):
    data = csv_bytes(attendance_report(("March", MARCH)))
    errors = refused(
        db, tmp_path, capsys, "student-attendance", data, "march.csv", "--organization", LAWRENCE
    )
    assert any(
        "this file holds only the March attendance table; the dashboard measures the school year by its End of "
        "Year table: export the End of Year report" in e
        for e in errors
    ), errors
    assert errors_of("student-attendance", data, organization=LAWRENCE) == {(4, None, "march-table-only")}


def test_an_attendance_report_before_march_tables_is_one_table(db, tmp_path, capsys):
    rows = padded(
        [
            ["Student Attendance (2018-19)"],
            ATTENDANCE[:5] + ATTENDANCE[6:],
            *[r[:5] + r[6:] for r in END_OF_YEAR],
        ],
        6,
    )
    imported(
        db, tmp_path, capsys, "student-attendance", csv_bytes(rows), "att.csv", "--organization", SPRINGFIELD
    )
    got = {r[2]: r for r in stored(db, "student-attendance")}
    assert got["All Students"][:3] == ("2018-19", SPRINGFIELD, "All Students")
    assert got["All Students"][3:] == (0.92, 9.7, 0.347, 0.273, None, 0.0)  # no 20% column in 2018-19


# --- 4. an old-spelling report (2015-16) --------------------------------------------------------------------

SSDR_2016 = [
    ["All Students", "1,096", "29", "1.1", "1.8", "0.0", "0.0", "0.0"],
    ["English Learner", "12", "0"],
    ["Economically disadvantaged", "100", "5"],
    ["Students w/disabilities", "145", "6", "4.1", "0.7", "0.0", "0.0", "0.0"],
    ["High needs", "227", "9", "3.1", "1.8", "0.0", "0.0", "0.0"],
    ["Amer. Ind. or Alaska Nat.", "0"],
    ["Asian", "275", "4"],
    ["Afr. Amer./Black", "81", "7", "2.5", "6.2", "0.0", "0.0", "0.0"],
    ["Hispanic/Latino", "51", "0"],
    ["Multi-race, Non-Hisp./Lat.", "32", "2"],
    ["Nat. Haw. or Pacif. Isl.", "1"],
    ["White", "656", "21", "1.4", "2.1", "0.0", "0.0", "0.0"],
]


def test_a_2015_16_report_in_the_old_spellings_is_read_to_todays_groups(db, tmp_path, capsys):
    header = SSDR[:8]  # no arrests or referrals reported before 2020-21
    data = xlsx_bytes({"Report": one_org_ssdr("2015-16 Student Discipline Data Report", SSDR_2016, header)})
    imported(
        db, tmp_path, capsys, "student-discipline", data, "ssdr_2016.xlsx", "--organization", SPRINGFIELD
    )
    rows = stored(db, "student-discipline")
    expected = expected_ssdr("2015-16", SPRINGFIELD, [r + [""] * (8 - len(r)) + ["", ""] for r in SSDR_2016])
    assert rows == expected
    groups = {r[2] for r in rows}
    assert {"African American/Black", "Multi-Race Non-Hispanic", "Native American"} <= groups
    assert {
        "Native Hawaiian/Pacific Islander",
        "Students with Disabilities",
        "Economically Disadvantaged",
    } <= groups
    assert not groups & {"Afr. Amer./Black", "Multi-race, Non-Hisp./Lat."}


# --- 5. graduation ----------------------------------------------------------------------------------------

GRADUATION = [
    "Student Group",
    "# in Cohort",
    "% Graduated",
    "% Still in School",
    "% Non-Grad Completers",
    "% H.S. Equiv.",
    "% Dropped Out",
    "% Permanently Excluded",
]
GRAD_ROWS = [
    ["All Students", "3,654", "80.8", "8.6", "1.6", "0.6", "8.3", "0.0"],
    ["African American/Black", "1,192", "79.5", "9.9", "2.0", "0.4", "8.1", "0.0"],
    ["Asian", "343", "92.7", "3.2", "0.9", "0.3", "2.9", "0.0"],
    ["Hispanic/Latino", "1,581", "75.9", "10.2", "1.8", "0.8", "11.2", "0.1"],
    ["Native American", "4"],
    ["White", "420", "85.0", "6.2", "1.2", "0.5", "7.1", "0.0"],
]


def test_a_graduation_report_names_its_cohort_by_the_year_it_graduates(db, tmp_path, capsys):
    rows = padded([["2024 Four-Year Graduation Rate Report"], GRADUATION, *GRAD_ROWS], len(GRADUATION))
    imported(db, tmp_path, capsys, "graduation", csv_bytes(rows), "grad.csv", "--organization", BOSTON)
    expected = sorted(
        ("2023-24", BOSTON, r[0], count(r[1]), *map(rate, [*r[2:], *[None] * (8 - len(r))]))
        for r in GRAD_ROWS
    )
    assert stored(db, "graduation") == expected
    assert next(r for r in expected if r[2] == "All Students")[3:5] == (3654, 0.808)


# --- 6. the VOCAL climate survey, by grade, with respondents ---------------------------------------------

VOCAL_HEADER = [
    "School Year",
    "District Code",
    "District Name",
    "Student Group",
    "Grade",
    "Overall",
    "Engagement",
    "Safety",
    "Environment",
    "Number of Respondents",
]
VOCAL = [
    ["2023-24", "350000", "Boston", "All Students", "5", "52", "55", "49", "51", "2,310"],
    ["2023-24", "350000", "Boston", "All Students", "Grade 8", "47", "50", "45", "46", "2,102"],
    ["2023-24", "350000", "Boston", "All Students", "10", "45", "47", "44", "44", "1,874"],
    ["2023-24", "350000", "Boston", "White", "5", "55", "57", "53", "54", "301"],
    ["2023-24", "350000", "Boston", "Native American", "5", "", "", "", "", "7"],
    ["2023-24", "1490000", "Lawrence", "Hispanic/Latino", "08", "49", "51", "48", "48", "880"],
]


def test_a_vocal_file_with_grades_and_respondents(db, tmp_path, capsys):
    imported(db, tmp_path, capsys, "climate-survey", csv_bytes([VOCAL_HEADER, *VOCAL]), "vocal.csv")
    grade = {"Grade 8": "8", "08": "8"}
    expected = sorted(
        (r[0], r[1].zfill(8), r[3], grade.get(r[4], r[4]), *map(number, r[5:9]), count(r[9])) for r in VOCAL
    )
    assert sorted(stored(db, "climate-survey", "org_code, student_group, grade")) == expected
    unpublished = next(r for r in expected if r[2] == "Native American")
    assert unpublished[4:] == (None, None, None, None, 7)  # fewer than 10 answered: not published


def test_a_vocal_file_without_grades_is_every_grade_together(db, tmp_path, capsys):
    header = [
        "SY",
        "Org Code",
        "Student Group",
        "Overall Index",
        "Engagement Index",
        "Safety Index",
        "Environment Index",
    ]
    rows = [["2024", "2810000", "All Students", "48", "50", "46", "47"]]
    imported(db, tmp_path, capsys, "climate-survey", csv_bytes([header, *rows]), "vocal.csv")
    assert stored(db, "climate-survey") == [
        ("2023-24", SPRINGFIELD, "All Students", "All", 48.0, 50.0, 46.0, 47.0, None)
    ]


# --- 7. a long-form extract holding several school years ----------------------------------------------------

EXTRACT_HEADER = [
    "SY",
    "Org Code",
    "Org Name",
    "Org Type",
    "Student Group",
    "Attendance Rate",
    "Chronically Absent (10% or more)",
]
EXTRACT = [
    [2019, 0, "State", "State", "All Students", 0.946, 0.129],
    [2019, 350000, "Boston", "District", "All Students", 0.927, 0.246],
    [2019, 350000, "Boston", "District", "White", 0.951, 0.137],
    [2019, 1490000, "Lawrence", "District", "Hispanic/Latino", 0.915, 0.293],
    [2020, 350000, "Boston", "District", "All Students", 0.931, 0.211],
    [2024, 350000, "Boston", "District", "All Students", 0.889, 0.337],
    [2024, 350000, "Boston", "District", "White", 0.925, 0.2],
]


def test_a_long_extract_of_several_years_with_codes_that_lost_their_zeros(db, tmp_path, capsys):
    data = xlsx_bytes({"Attendance": [EXTRACT_HEADER, *EXTRACT]})  # typed numbers: rates as fractions 0-1
    out = imported(db, tmp_path, capsys, "student-attendance", data, "extract.xlsx")
    assert "school years 2018-19, 2019-20, 2023-24" in out
    years = {2019: "2018-19", 2020: "2019-20", 2024: "2023-24"}
    expected = sorted(
        (years[r[0]], f"{r[1]:08d}", r[4], r[5], None, None, r[6], None, None) for r in EXTRACT if r[1]
    )
    assert stored(db, "student-attendance") == expected


def test_a_later_upload_replaces_the_same_organization_year_and_group_only(db, tmp_path, capsys):
    data = csv_bytes(one_org_ssdr("2023-24 Student Discipline Data Report", SSDR_2023))
    imported(db, tmp_path, capsys, "student-discipline", data, "first.csv", "--organization", BOSTON)
    fix = [
        ["2023-24 Student Discipline Data Report"],
        SSDR,
        ["White", "974", "40", "3.5", "2.3", "0.0", "0.0", "0.1", "0.0", "0.2"],
    ]
    imported(db, tmp_path, capsys, "student-discipline", csv_bytes(fix), "fix.csv", "--organization", BOSTON)
    rows = {r[2]: r for r in stored(db, "student-discipline")}
    assert len(rows) == len(SSDR_2023)
    assert rows["White"][4:6] == (40, 0.035) and rows["All Students"][4] == 62


# --- 8. broken files: refused naming the row and column, nothing written -------------------------------------


@pytest.mark.parametrize(
    ("kind", "rows", "flags", "problem"),
    [
        (
            "student-discipline",
            [
                ["2023-24 Student Discipline Data Report"],
                SSDR[:5],
                ["All Students", "1,289", "62", "3.6", "104.2"],
            ],
            ("--organization", BOSTON),
            (3, "% Out-of-School Suspension", "out-of-range"),
        ),
        (
            "student-discipline",
            [["2023-24 Student Discipline Data Report"], SSDR[:5], ["All Students", "-12", "", "", ""]],
            ("--organization", BOSTON),
            (3, "Students", "below-minimum"),
        ),
        (
            "student-discipline",
            [["2023-24 Student Discipline Data Report"], SSDR[:5], ["White", "40", "41", "", ""]],
            ("--organization", BOSTON),
            (3, "Students Disciplined", "parts-over-total"),
        ),
        (
            "climate-survey",
            [VOCAL_HEADER, ["2023-24", "350000", "Boston", "White", "5", "120", "55", "0", "51", "40"]],
            (),
            (2, "Overall", "out-of-range"),
        ),
        (
            "student-attendance",
            [
                ["Student Attendance (2018-19)"],
                ATTENDANCE[:3],
                ["Hispanic/Latino", "91.0", "9.0"],
                ["Hispanic or Latino", "89.5", "11.2"],
            ],
            ("--organization", BOSTON),
            (4, None, "duplicate-key"),
        ),
        (
            "graduation",
            [["SY", "Org Code", "Student Group", "% Graduated"], ["2024", "9990000", "All Students", "80.1"]],
            (),
            (2, "Org Code", "no-such-organization"),
        ),
        (
            "graduation",
            [["School Year", "Org Code", "Student Group", "Notes"], ["2024", "350000", "All Students", "x"]],
            (),
            (1, None, "missing-column"),
        ),
    ],
    ids=[
        "rate-over-100",
        "negative-count",
        "more-disciplined-than-students",
        "index-outside-1-99",
        "group-twice",
        "unknown-organization",
        "none-of-the-kinds-columns",
    ],
)
def test_a_broken_report_is_refused_naming_its_row_and_column(
    db, tmp_path, capsys, kind, rows, flags, problem
):
    width = max(len(r) for r in rows)
    data = csv_bytes([r if len(r) == 1 else r + [""] * (width - len(r)) for r in rows])
    errors = refused(db, tmp_path, capsys, kind, data, "broken.csv", *flags)
    row, column, _ = problem
    assert any(f"Row {row}" in e and (column is None or f"“{column}”" in e) for e in errors), errors
    answers = {"organization": flags[1]} if flags else {}
    assert problem in errors_of(kind, data, **answers)


def test_a_school_row_of_an_extract_is_skipped_with_a_warning_not_added_into_its_district():
    header = ["School Year", "Org Code", "Org Name", "Student Group", "% Graduated"]
    rows = [
        ["2023-24", "00350000", "Boston", "All Students", "80.8"],
        ["2023-24", "00350505", "Boston - Latin", "All Students", "98.2"],
    ]
    checked = check_upload(new_warehouse(), "graduation", csv_bytes([header, *rows]), "grad.csv")
    assert checked.can_save, checked.problems
    assert [(p.row, p.code) for p in checked.warnings] == [(3, "school-row")]
    assert checked.facts[["org_code", "pct_graduated"]].values.tolist() == [[BOSTON, 0.808]]


def test_a_cell_dese_marks_not_published_is_null_and_a_note_row_is_skipped():
    rows = [
        ["2023-24 Student Discipline Data Report"],
        SSDR[:5],
        ["All Students", "1,289", "62", "*", "N/A"],
        ["Homeless", "20", "—", "-", ""],
        ["Data as of August 2024", "", "", "", ""],
    ]
    checked = check_upload(
        new_warehouse(), "student-discipline", csv_bytes(rows), "s.csv", Answers(organization=BOSTON)
    )
    assert checked.can_save, checked.problems
    assert [(p.row, p.code) for p in checked.warnings] == [(5, "note-row")]
    facts = checked.facts.set_index("student_group")
    assert facts.loc["All Students", "students"] == 1289
    assert facts[["pct_in_school_suspension", "pct_out_of_school_suspension"]].isna().all().all()
    assert facts.loc["Homeless", "students"] == 20 and facts["students_disciplined"].isna().loc["Homeless"]


# --- the preview, and who may upload ---------------------------------------------------------------------


def test_the_preview_says_the_rows_written_per_organization_and_year_and_nothing_statewide():
    con = new_warehouse()
    data = csv_bytes([VOCAL_HEADER, *VOCAL])
    checked = check_upload(con, "climate-survey", data, "vocal.csv")
    preview = preview_upload(con, checked)
    assert preview.changes == ()
    table = written_table(preview, "climate-survey")
    assert table.to_dict("records") == [
        {"Organization": "Boston", "Code": BOSTON, "School year": "2023-24", "Rows": 5},
        {"Organization": "Lawrence", "Code": LAWRENCE, "School year": "2023-24", "Rows": 1},
    ]
    save_checked(con, checked, actor=TESTS)
    again = preview_upload(con, check_upload(con, "climate-survey", data, "vocal.csv"))
    assert again.replaces["rows_replaced"].tolist() == [6]


def test_a_district_uploads_its_own_reports_and_no_other_organizations():
    con = new_warehouse()
    clerk = access.Actor("clerk@boston.example", access.UPLOADER, frozenset({BOSTON}))
    data = csv_bytes(one_org_ssdr("2023-24 Student Discipline Data Report", SSDR_2023))
    own = check_upload(con, "student-discipline", data, "ssdr.csv", Answers(organization=BOSTON), actor=clerk)
    assert own.can_save, own.problems
    other = check_upload(
        con, "student-discipline", data, "ssdr.csv", Answers(organization=LAWRENCE), actor=clerk
    )
    assert ("organization you chose", "not-your-organization") in {(p.column, p.code) for p in other.errors}
    statewide = check_upload(
        con,
        "graduation",
        csv_bytes(
            [
                ["SY", "Org Code", "Org Name", "Student Group", "% Graduated"],
                ["2024", "0", "State", "All Students", "88.2"],
                ["2024", "350000", "Boston", "All Students", "80.8"],
            ]
        ),
        "g.csv",
        actor=clerk,
    )
    assert "not-allowed" in {p.code for p in statewide.errors}  # the State's row: a statewide file is DESE's


def test_a_bad_organization_option_is_a_usage_error(db, tmp_path, capsys):
    data = csv_bytes(one_org_ssdr("2023-24 Student Discipline Data Report", SSDR_2023))
    with pytest.raises(SystemExit) as stopped:
        run_import(db, tmp_path, capsys, "student-discipline", data, "ssdr.csv", "--organization", "Boston")
    assert stopped.value.code == 2
    assert "not a DESE organization code" in capsys.readouterr().err


def test_an_attendance_table_whose_heading_was_lost_is_read_not_the_march_one(db, tmp_path, capsys):
    rows = padded(
        [["Student Attendance (2023-24) - March"], ATTENDANCE, *MARCH, [""], ATTENDANCE, *END_OF_YEAR], 7
    )
    imported(db, tmp_path, capsys, "student-attendance", csv_bytes(rows), "att.csv", "--organization", BOSTON)
    assert stored(db, "student-attendance") == expected_attendance("2023-24", BOSTON, END_OF_YEAR)


def test_rates_kept_as_excel_percentages_are_read_as_the_fractions_they_are(db, tmp_path, capsys):
    # A workbook whose rate cells are formatted as percentages holds 0.036 for a cell showing 3.6%.
    header = ["Student Group", "Students", "Students Disciplined", "% In-School Suspension", "% Expulsion"]
    body = [["All Students", 1289, 62, 0.036, 0.0], ["White", 974, 39, 0.034, 0.001]]
    data = xlsx_bytes({"SSDR": [["2023-24 Student Discipline Data Report"], header, *body]})
    imported(db, tmp_path, capsys, "student-discipline", data, "ssdr.xlsx", "--organization", BOSTON)
    got = [(r[2], r[3], r[4], r[5], r[7]) for r in stored(db, "student-discipline")]
    assert got == [("All Students", 1289, 62, 0.036, 0.0), ("White", 974, 39, 0.034, 0.001)]
