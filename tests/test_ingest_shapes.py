"""Every real shape of file imports, found by its headers wherever they start, and gives the figures
worked out by hand."""

import pytest
from builders import TESTS, new_warehouse, table_contents
from upload_files import (
    OLD_OPEN_DATA_HEADER,
    OPEN_DATA_HEADER,
    csv_bytes,
    open_data_row,
    profiles_header,
    profiles_title,
    xlsx_bytes,
)

from analytics.ingest import Answers, check_upload, save_checked


def fte(checked, org: str, race: str, job: str = "Teacher", year: str | None = None) -> float:
    f = checked.facts
    sel = (f.org_code == org) & (f.race == race) & (f.job_class == job)
    if year:
        sel &= f.school_year == year
    return float(f[sel].fte.sum())


def of_color(checked, org: str, job: str = "Teacher") -> float:
    f = checked.facts
    sel = (f.org_code == org) & (f.job_class == job) & (f.race != "White") & (f.race != "Unknown")
    return round(float(f[sel].fte.sum()), 3)


# Boston: 10 + 5 + 5 + 78 + 0.5 + 0 + 1.5 = 100 FTE, 22 of color. Lawrence: 50 FTE, 10 of color.
DISTRICT_ROWS = [
    ["Boston", "00350000", 10.0, 5.0, 5.0, 78.0, 0.5, 0.0, 1.5, 70.0, 30.0, 100.0],
    ["Lawrence", "1490000", 1.0, 1.0, 8.0, 40.0, 0.0, 0.0, 0.0, 30.0, 20.0, 50.0],
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_profiles_district_fte_view_with_title_rows(fmt):
    rows = [*profiles_title("2023-24", "District", "Teachers"), profiles_header(), *DISTRICT_ROWS]
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes({"Report": rows})
    checked = check_upload(new_warehouse(), "staffing", data, f"profiles.{fmt}")
    assert checked.can_save, checked.problems
    assert checked.recognition.header_row == 3
    text = checked.recognition.description
    assert "DESE Profiles staffing export" in text and "district level, FTE view" in text
    assert "school year 2023-24 from the title row" in text and "job class Teacher from the title row" in text
    assert of_color(checked, "00350000") == 22.0
    assert of_color(checked, "01490000") == 10.0  # the lost leading zero is restored
    assert fte(checked, "00350000", "Asian") == 5.0
    assert set(checked.facts.school_year) == {"2023-24"}
    assert len(checked.facts) == 14  # 2 districts x 7 categories


def test_profiles_school_level_xlsx_rolls_schools_up_into_their_district():
    rows = [
        *profiles_title("2018-19", "School", None),
        profiles_header("School"),
        ["Boston - Adams Elementary", "00350005", 2.0, 1.0, 3.0, 14.0, 0, 0, 0, 15, 5, 20.0],
        ["Boston - Baker Middle", "350010", 1.5, 0.5, 1.0, 27.0, 0, 0, 0, 20, 10, 30.0],
        ["Lawrence - Arlington", "01490020", 0, 0, 6.0, 4.0, 0, 0, 0, 7, 3, 10.0],
    ]
    data = xlsx_bytes({"Report": rows}, start_row=2)  # the sheet starts on row 3
    checked = check_upload(new_warehouse(), "staffing", data, "schools.xlsx", Answers(job_class="Teacher"))
    assert checked.can_save, checked.problems
    assert checked.recognition.header_row == 5
    text = checked.recognition.description
    assert "school level, FTE view" in text and "3 schools in 2 districts" in text
    assert "school year 2018-19 from the title row" in text
    assert "job class Teacher (as you chose" in text
    assert fte(checked, "00350000", "African American/Black") == 3.5
    assert fte(checked, "00350000", "White") == 41.0
    assert of_color(checked, "00350000") == 9.0  # (2+1+3) + (1.5+0.5+1)
    assert of_color(checked, "01490000") == 6.0
    assert set(checked.facts.org_code) == {"00350000", "01490000"}


def test_profiles_school_level_asks_for_the_job_class_when_the_file_does_not_say():
    rows = [
        *profiles_title("2018-19", "School", None),
        profiles_header("School"),
        ["Boston - Adams Elementary", "00350005", 2.0, 1.0, 3.0, 14.0, 0, 0, 0, 15, 5, 20.0],
    ]
    checked = check_upload(new_warehouse(), "staffing", csv_bytes(rows), "schools.csv")
    assert not checked.can_save and not checked.error_count
    assert [q.name for q in checked.questions] == ["job_class"]
    assert checked.recognition.description == (
        "DESE Profiles staffing export; school level, FTE view; 1 school in 1 district; school year 2018-19 "
        "from the title row; job class: not in the file — choose one"
    )


@pytest.mark.parametrize(
    ("scale", "view"), [(100, "percentage view with the row totals"), (1, "percentage view (fractions 0-1)")]
)
def test_profiles_percentage_view_is_turned_into_counts_with_the_row_total(scale, view):
    # Boston 200 FTE: 10% Black = 20, 5% Asian = 10, 7.5% Hispanic = 15, 76% White = 152, 1.5% Multi = 3.
    pct = [10.0, 5.0, 7.5, 76.0, 0.0, 0.0, 1.5]
    rows = [
        *profiles_title("2021-22", "District", "Principals"),
        profiles_header(measure="%"),
        ["Boston", "350000", *[p * scale / 100 for p in pct], 60 * scale / 100, 40 * scale / 100, 200.0],
    ]
    checked = check_upload(new_warehouse(), "staffing", csv_bytes(rows), "pct.csv")
    assert checked.can_save, checked.problems
    assert view in checked.recognition.description
    assert fte(checked, "00350000", "African American/Black", "Principal") == 20.0
    assert fte(checked, "00350000", "Hispanic/Latino", "Principal") == 15.0
    assert of_color(checked, "00350000", "Principal") == 48.0


OPEN_DATA = [
    OPEN_DATA_HEADER,
    # The state row, Boston's district row and Boston's two schools hold the same people.
    open_data_row(2024, 0, "State", 0, "State", "State", "Teacher", [30, 20, 40, 300, 0, 0, 10]),
    open_data_row(
        2024, 350000, "Boston", 350000, "Boston", "District", "Teacher", [20, 10, 20, 140, 0, 0, 10]
    ),
    open_data_row(
        2024, 350000, "Boston", 350005, "Boston - Adams", "School", "Teacher", [12, 6, 10, 70, 0, 0, 5]
    ),
    open_data_row(
        2024, 350000, "Boston", 350010, "Boston - Baker", "School", "Teacher", [8, 4, 10, 70, 0, 0, 5]
    ),
    # Lawrence only as schools: they are summed.
    open_data_row(
        2024, 1490000, "Lawrence", 1490005, "Lawrence - A", "School", "Teacher", [5, 5, 10, 50, 0, 0, 0]
    ),
    open_data_row(
        2024, 1490000, "Lawrence", 1490010, "Lawrence - B", "School", "Teacher", [5, 5, 10, 110, 0, 0, 0]
    ),
    open_data_row(2024, 350000, "Boston", 350000, "Boston", "District", "Principal", [1, 0, 1, 3, 0, 0, 0]),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_open_data_extract_counts_each_person_once(fmt):
    data = csv_bytes(OPEN_DATA) if fmt == "csv" else xlsx_bytes({"Staffing": OPEN_DATA})
    checked = check_upload(new_warehouse(), "staffing", data, f"open.{fmt}")
    assert checked.can_save, checked.problems
    text = checked.recognition.description
    assert "DESE open-data extract" in text and "column names BAA_CNT" in text
    assert "1 total row skipped (State" in text and "2 School rows not added again" in text
    assert "school year 2023-24 from the “SY” column" in text
    assert "job classes Principal, Teacher from the “JOBCLASS” column" in text
    assert of_color(checked, "00350000") == 60.0  # the district row, not district + schools (120)
    assert fte(checked, "00350000", "White") == 140.0
    assert of_color(checked, "01490000") == 40.0  # the two schools, summed
    assert fte(checked, "01490000", "White") == 160.0
    assert of_color(checked, "00350000", "Principal") == 2.0
    assert "00000000" not in set(checked.facts.org_code)
    # The State row makes it a statewide file: its organizations are what 2023-24's coverage counts against.
    assert checked.covers_state and "a statewide file (it carries the State row)" in text


def test_a_district_export_with_a_total_row_is_not_a_statewide_file():
    rows = [row for row in OPEN_DATA if row[5] != "State"] + [
        open_data_row(2024, "", "Total", "", "Total", "District", "Teacher", [30, 20, 40, 300, 0, 0, 10])
    ]
    checked = check_upload(new_warehouse(), "staffing", csv_bytes(rows), "boston.csv")
    assert checked.can_save, checked.problems
    assert not checked.covers_state


def test_open_data_older_names_with_fraction_percentages():
    rows = [
        OLD_OPEN_DATA_HEADER,
        [
            "2019",
            "350000",
            "Boston",
            "350000",
            "Boston",
            "District",
            "Superintendent",
            "1.0",
            "1.0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
        ],
        [
            "2019",
            "1490000",
            "Lawrence",
            "1490000",
            "Lawrence",
            "District",
            "Teacher",
            "400.0",
            "0.05",
            "0.025",
            "0.3",
            "0.6",
            "0.0",
            "0.0",
            "0.025",
        ],
    ]
    checked = check_upload(new_warehouse(), "staffing", csv_bytes(rows), "old.csv")
    assert checked.can_save, checked.problems
    assert "older column names" in checked.recognition.description
    assert "fractions 0-1" in checked.recognition.description
    assert set(checked.facts.school_year) == {"2018-19"}
    assert fte(checked, "00350000", "African American/Black", "Superintendent") == 1.0
    assert fte(checked, "01490000", "Hispanic/Latino") == 120.0  # 0.3 x 400
    assert of_color(checked, "01490000") == 160.0  # (0.05 + 0.025 + 0.3 + 0.025) x 400


ROSTER = [
    [
        "Employee ID",
        "Last Name",
        "First Name",
        "District Code",
        "School Year",
        "Job Classification",
        "Race/Ethnicity",
        "FTE",
    ],
    ["E001", "Núñez", "José", "00350505", "2023-2024", "Teacher", "Hispanic or Latino", "1.0"],
    ["E002", "O’Brien", "Siobhán", "350000", "2023-2024", "Teacher", "White", "1.0"],
    ["E003", "Okafor", "Chidi", "350505", "2023-2024", "Teacher", "Black or African American", "0.5"],
    ["E004", "Smith", "Ann", "350000", "2023-2024", "Teachers", "Two or More Races", "1.0"],
    ["E005", "Lee", "Min", "350000", "2023-2024", "Principal", "Asian", "1.0"],
    ["E006", "Doe", "Pat", "350000", "2023-2024", "Teacher", "American Indian or Alaska Native", "0.8"],
    ["E007", "Roe", "Sam", "350000", "2023-2024", "Teacher", "", "1.0"],
]


def test_cp1252_crlf_roster_is_added_up_and_stores_no_names():
    data = csv_bytes(ROSTER, encoding="cp1252")
    assert b"\r\n" in data and "José".encode("cp1252") in data
    con = new_warehouse()
    checked = check_upload(con, "staffing", data, "roster.csv")
    assert checked.can_save, checked.problems
    text = checked.recognition.description
    assert "Per-person staff roster" in text and "names and employee ids are not stored" in text
    assert "7 people in 1 district" in text
    assert fte(checked, "00350000", "Hispanic/Latino") == 1.0  # a school code counts for its district
    assert fte(checked, "00350000", "African American/Black") == 0.5
    assert fte(checked, "00350000", "Multi-Race Non-Hispanic") == 1.0
    assert fte(checked, "00350000", "Native American") == 0.8
    assert fte(checked, "00350000", "Unknown") == 1.0  # no race given: Unknown, with a warning
    assert fte(checked, "00350000", "Asian", "Principal") == 1.0
    assert of_color(checked, "00350000") == 3.3
    assert (8, "Race/Ethnicity", "race-not-given") in {(p.row, p.column, p.code) for p in checked.warnings}
    save_checked(con, checked, actor=TESTS)
    stored = repr(table_contents(con))
    for private in ("José", "Núñez", "O’Brien", "E001", "Okafor"):
        assert private not in stored


def test_roster_without_an_organization_column_asks_for_the_district():
    rows = [[c for i, c in enumerate(r) if i != 3] for r in ROSTER]
    checked = check_upload(new_warehouse(), "staffing", csv_bytes(rows), "roster.csv")
    assert [q.name for q in checked.questions] == ["district"]
    checked = check_upload(
        new_warehouse(), "staffing", csv_bytes(rows), "roster.csv", Answers(district="1490000")
    )
    assert checked.can_save, checked.problems
    assert set(checked.facts.org_code) == {"01490000"}


@pytest.mark.parametrize(
    ("delimiter", "decimal"), [(";", ","), ("\t", "."), (",", ".")], ids=["semicolon", "tab", "comma"]
)
def test_delimiters_and_decimal_commas(delimiter, decimal):
    rows = [
        ["School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"],
        ["2022-23", "350000", "Teacher", "Asian", f"2{decimal}5"],
        ["2022-23", "350000", "Teacher", "White", "7"],
    ]
    checked = check_upload(new_warehouse(), "staffing", csv_bytes(rows, delimiter=delimiter), "t.csv")
    assert checked.can_save, checked.problems
    assert fte(checked, "00350000", "Asian") == 2.5
    assert "Dashboard template" in checked.recognition.description


def test_utf8_bom_and_latin1():
    rows = [
        ["School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"],
        ["2022-23", "350000", "Teacher", "Asian", "2"],
    ]
    for data in (b"\xef\xbb\xbf" + csv_bytes(rows), csv_bytes(rows, encoding="latin-1")):
        assert check_upload(new_warehouse(), "staffing", data, "t.csv").can_save


def test_enrollment_profiles_export():
    rows = [
        ["2022-23 Enrollment by Race/Gender Report - District"],
        [],
        [
            "District Name",
            "District Code",
            "African American (#)",
            "Asian (#)",
            "Hispanic (#)",
            "White (#)",
            "Native American (#)",
            "Native Hawaiian, Pacific Islander (#)",
            "Multi-Race, Non-Hispanic (#)",
            "Total",
        ],
        ["Boston", "00350000", "13000", "4500", "21000", "7000", "100", "50", "1500", "47150"],
    ]
    checked = check_upload(new_warehouse(), "enrollment", csv_bytes(rows), "enrollment.csv")
    assert checked.can_save, checked.problems
    f = checked.facts
    assert int(f[f.race == "Hispanic/Latino"].students.iloc[0]) == 21000
    assert int(f[f.race != "White"].students.sum()) == 40150


def test_the_sheet_with_the_data_is_found_among_several():
    rows = [
        ["School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"],
        ["2022-23", 350000, "Teacher", "Asian", 3],
    ]
    data = xlsx_bytes({"Read me": [["This workbook holds our staff"], ["by race"]], "Data": rows})
    checked = check_upload(new_warehouse(), "staffing", data, "book.xlsx")
    assert checked.can_save, checked.problems
    assert checked.recognition.sheet == "Data"
    assert fte(checked, "00350000", "Asian") == 3.0


def test_lists_fellows_participation_equity_leaders():
    con = new_warehouse()
    fellows = [
        ["Fellow ID", "Cohort", "Start Year", "Home Org Code", "Role at Entry", "Race/Ethnicity", "Status"],
        ["I100-8-01", "8", "2026", "350000", "principal", "Black or African American", "Active"],
    ]
    checked = check_upload(con, "fellows", csv_bytes(fellows), "fellows.csv")
    assert checked.can_save, checked.problems
    row = checked.facts.iloc[0]
    assert (row.cohort, row.start_year, row.home_org_code, row.entry_role, row.race, row.status) == (
        8,
        "2025-26",
        "00350000",
        "Principal",
        "African American/Black",
        "active",
    )
    part = [
        ["Org Code", "Component", "Strategy Adopted", "Climate Assessment Done"],
        ["350000", "Capacity Building", "Yes", "no"],
        ["1490000", "fellowship", "Y", "N"],
    ]
    checked = check_upload(con, "participation", csv_bytes(part), "p.csv")
    assert [q.name for q in checked.questions] == ["school_year"]
    checked = check_upload(con, "participation", csv_bytes(part), "p.csv", Answers(school_year="2025-26"))
    assert checked.can_save, checked.problems
    assert list(checked.facts.strategy_adopted) == [True, True]
    assert list(checked.facts.climate_assessment_done) == [False, False]
    eq = [
        ["Org Code", "School Year", "Equity Leader Position", "AMSEL Member"],
        ["350000", "SY25-26", "Yes", "Yes"],
    ]
    checked = check_upload(con, "equity-leaders", csv_bytes(eq), "e.csv")
    assert checked.can_save, checked.problems
    assert checked.facts.iloc[0].school_year == "2025-26"


def test_a_totals_row_at_the_bottom_is_not_added_again():
    rows = [
        *profiles_title(),
        profiles_header(),
        *DISTRICT_ROWS,
        ["Total", None, 11.0, 6.0, 13.0, 118.0, 0.5, 0.0, 1.5, 100.0, 50.0, 150.0],
    ]
    checked = check_upload(new_warehouse(), "staffing", csv_bytes(rows), "profiles.csv")
    assert checked.can_save, checked.problems
    assert "1 total row skipped" in checked.recognition.description
    assert of_color(checked, "00350000") == 22.0 and len(checked.facts) == 14


def test_a_file_whose_rows_change_encoding_reads_each_row_in_its_own():
    # Rows pasted together from two tools: "Peña" saved in UTF-8, "Muñoz" by Excel on Windows (cp1252).
    head = csv_bytes([*profiles_title(), profiles_header()])
    utf8 = csv_bytes([["Peña Regional", "9990000", 1, 1, 1, 1, 0, 0, 0, 2, 2, 4.0]])
    cp1252 = csv_bytes([["Muñoz Charter", "9980000", 1, 1, 1, 1, 0, 0, 0, 2, 2, 4.0]], encoding="cp1252")
    plain = csv_bytes([["Lawrence", "1490000", 1, 1, 8, 40, 0, 0, 0, 30, 20, 50.0]])
    con = new_warehouse()
    checked = check_upload(con, "staffing", head + utf8 + cp1252 + plain, "mixed.csv")
    assert checked.can_save, checked.problems
    assert "UTF-8 and Windows-1252 by row" in checked.recognition.source
    said = [p for p in checked.warnings if p.code == "mixed-encoding"]
    assert len(said) == 1
    assert "row 4 in UTF-8 (e.g. “Peña”)" in said[0].expected
    assert "row 5 in Windows-1252 (e.g. “Muñoz”)" in said[0].expected
    save_checked(con, checked, actor=TESTS)
    names = dict(con.execute("SELECT org_code, name FROM organizations").fetchall())
    assert names["09990000"] == "Peña Regional" and names["09980000"] == "Muñoz Charter"
    assert "Ã" not in repr(table_contents(con))  # no mojibake anywhere


def test_a_windows_1252_file_throughout_is_read_as_one():
    rows = [
        *profiles_title(),
        profiles_header(),
        ["Muñoz Charter", "9980000", 1, 1, 1, 1, 0, 0, 0, 2, 2, 4.0],
    ]
    checked = check_upload(new_warehouse(), "staffing", csv_bytes(rows, encoding="cp1252"), "w.csv")
    assert checked.can_save, checked.problems
    assert "Windows-1252, comma" in checked.recognition.source
    assert not [p for p in checked.problems if p.code == "mixed-encoding"]
    assert checked.new_organizations["name"].tolist() == ["Muñoz Charter"]
