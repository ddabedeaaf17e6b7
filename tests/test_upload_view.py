"""What the Upload page shows, worked out without a page: the choices it offers, the problem summary and
the history with its short titles."""

import pandas as pd
import pytest
from upload_files import csv_bytes, profiles_header, profiles_title

from analytics.ingest import Answers, check_upload
from ui import upload_view as view

TEMPLATE = ["School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"]


def test_a_file_that_does_not_say_its_job_class_offers_that_choice_only():
    rows = [
        *profiles_title("2018-19", "School", None),
        profiles_header("School"),
        ["Boston - Adams Elementary", "00350005", 2.0, 1.0, 3.0, 14.0, 0, 0, 0, 15, 5, 20.0],
    ]
    checked = check_upload(None, "staffing", csv_bytes(rows), "schools.csv")
    offered = view.choices(checked, {}, organizations=lambda: pytest.fail("no district is asked"))
    assert [(c.key, c.label, c.index, c.placeholder) for c in offered] == [
        ("upload_job_class", "Job class (the file does not say)", None, "Choose the job class")
    ]


def test_an_answered_question_stays_offered_so_it_can_be_changed():
    data = csv_bytes([TEMPLATE[1:], ["350000", "Teacher", "Asian", "2"]])
    checked = check_upload(None, "staffing", data, "t.csv", Answers(school_year="2023-24"))
    assert not checked.questions
    offered = view.choices(checked, {"school_year": "2023-24"}, organizations=dict)
    assert [c.key for c in offered] == ["upload_school_year"]
    assert offered[0].options[0] == "2029-30"  # newest first


def test_the_district_choice_names_each_organization():
    rows = [
        ["Employee ID", "School Year", "Job Classification", "Race/Ethnicity", "FTE"],
        ["E1", "2023-24", "Teacher", "White", "1.0"],
    ]
    checked = check_upload(None, "staffing", csv_bytes(rows), "roster.csv")
    (district,) = view.choices(checked, {}, organizations=lambda: {"01490000": "Lawrence"})
    assert district.options == ["01490000"]
    assert district.format_func("01490000") == "Lawrence (01490000)"


@pytest.mark.parametrize(
    ("rows", "summary"),
    [
        (
            [["2023-24", "35x", "Teacher", "Purple", "-1"]],
            "3 errors (saving is blocked until they are fixed); 0 warnings (they do not block saving).",
        ),
        (
            [["2023-24", "350000", "Teacher", "Asian", "1"], ["2023-24", "350000", "Teacher", "Asian", "1"]],
            "No errors; 1 warning (they do not block saving).",
        ),
    ],
    ids=["errors", "a-warning"],
)
def test_problem_summary_and_table(rows, summary):
    checked = check_upload(None, "staffing", csv_bytes([TEMPLATE, *rows]), "t.csv")
    assert view.problem_summary(checked) == summary
    table = view.problem_table(checked)
    assert list(table.columns) == ["Severity", "Row", "Column", "Value", "Expected"]
    assert "" not in set(table["Row"])  # every problem here is about a row


def test_history_uses_short_titles_and_offers_only_uploads_of_facts():
    uploads = pd.DataFrame(
        {
            "upload_id": [3, 2, 1],
            "kind": ["staffing", "equity_leaders", "organizations"],
            "file_name": ["s.csv", "e.csv", "o.csv"],
            "rows": [7, 2, 412],
            "uploaded_by": ["clerk", "clerk", "sample"],
            "uploaded_at": pd.to_datetime(["2026-11-03", "2026-11-02", "2026-11-01"]),
            "status": ["active", "rolled back", "active"],
            "is_sample": [False, False, True],
            "description": ["", "", ""],
        }
    )
    shown = view.history(uploads)
    assert list(shown.table["kind"]) == ["Staffing", "Equity leaders and AMSEL", "Organizations"]
    assert "description" not in shown.table and "is_sample" not in shown.table
    assert shown.choices == {3: "3 · Staffing · s.csv", 2: "2 · Equity leaders and AMSEL · e.csv"}
    assert shown.statuses == {3: "active", 2: "rolled back"}


def test_a_report_of_one_organization_offers_the_organization_and_one_of_one_group_the_group():
    one_org = csv_bytes(
        [["2023-24 Student Discipline Data Report"], ["Student Group", "Students"], ["All Students", "120"]]
    )
    checked = check_upload(None, "student-discipline", one_org, "ssdr.csv")
    (organization,) = view.choices(checked, {}, organizations=lambda: {"01490000": "Lawrence"})
    assert (organization.key, organization.options) == ("upload_organization", ["01490000"])
    assert organization.format_func("01490000") == "Lawrence (01490000)"
    statewide = csv_bytes(
        [
            ["2023-24 Student Discipline Data Report"],
            ["District Name", "District Code", "Students"],
            ["Lawrence", "1490000", "120"],
        ]
    )
    checked = check_upload(None, "student-discipline", statewide, "state.csv")
    (group,) = view.choices(checked, {}, organizations=lambda: pytest.fail("no organization is asked"))
    assert group.key == "upload_student_group"
    assert group.options[:3] == ["All Students", "African American/Black", "Asian"]


def test_history_cells_are_never_none():
    uploads = pd.DataFrame(
        {
            "upload_id": [2, 1],
            "kind": ["staffing", "staffing"],
            "file_name": ["s.csv", None],
            "rows": [7, 3],
            "uploaded_by": [None, "clerk"],
            "uploaded_at": pd.to_datetime(["2026-11-03", "2026-11-02"]),
            "status": ["active", "rejected"],
            "review_note": [None, None],
            "reviewed_by": [None, "reviewer"],
        }
    )
    table = view.history(uploads).table
    cells = set(table.drop(columns=["uploaded_at"]).astype(str).to_numpy().ravel())
    assert not {"None", "nan", "NaT"} & cells, cells
    assert list(table["review"]) == ["", "rejected"]


def test_the_figures_note_says_whose_figures_and_what_each_word_means():
    table = pd.DataFrame(
        {
            "Organization": ["Boston"],
            "FTE now": ["not shown"],
            "FTE after": ["1"],
            "Share of color now": ["—"],
        }
    )
    assert view.figures_note(table) == (
        "Your file, as you sent it: not published.",
        "“not shown”: the pages show that figure only within a larger group, so the preview does not either.",
    )
    headline, _ = view.figures_note(table, reviewing=True)
    assert headline.startswith("The district's file, as it sent it: not published.")
    assert view.figures_note(pd.DataFrame({"Organization": ["Boston"], "Rows": [3]})) is None


def test_the_preview_table_writes_words_where_a_figure_is_none():
    from analytics.ingest import UploadPreview, written_table

    nan = float("nan")
    written = pd.DataFrame(
        {
            "org_code": ["00350000", "01490000", "01600000"],
            "name": ["Boston", "Lawrence", "Lowell"],
            "school_year": ["2024-25"] * 3,
            "job_class": ["Superintendent"] * 3,
            "total_now": [nan, nan, 0.0],
            "of_color_now": [nan, nan, 0.0],
            "total_after": [1.0, 2.5, 1.0],
            "of_color_after": [1.0, 1.0, 0.0],
            "share_now": [nan, nan, nan],
            "share_after": [1.0, 0.4, 0.0],
            "now_hidden": [True, False, False],  # Boston's now is there, but the pages do not show it alone
        }
    )
    table = written_table(UploadPreview(written, pd.DataFrame(), (), pd.DataFrame()), "staffing")
    assert table[["FTE now", "FTE after", "Share of color now", "Share of color after"]].values.tolist() == [
        ["not shown", "1", "not shown", "100.0%"],
        ["not reported", "2.5", "not reported", "40.0%"],
        ["0", "1", "—", "0.0%"],  # a share of no one is no share
    ]
