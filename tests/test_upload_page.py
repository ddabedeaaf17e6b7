"""The Upload page, driven by widget keys: empty state, templates, what was recognised, the problem table,
questions for what the file does not say, the preview, save, history, roll back and undo."""

import re
import time

import pytest
from builders import contents
from markdown_reading import as_read, live_text
from upload_files import csv_bytes, profiles_header, profiles_title

from analytics import access
from analytics.warehouse import connect

# An [auth] section as .streamlit/secrets.toml holds it (sign-in on); AppTest fakes who is signed in.
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test",
    "client_id": "dashboard",
    "client_secret": "test",
    "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
}
DESE_ADMIN = access.Actor("admin@doe.mass.edu", access.ADMINISTRATOR)

BAD = csv_bytes(
    [
        ["School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"],
        ["2023-24", "35x", "Teacher", "Purple", "-1"],
    ]
)
# School-level Profiles export for 2018-19 with no job class in its title: the page must ask for it.
GOOD = csv_bytes(
    [
        *profiles_title("2018-19", "School", None),
        profiles_header("School"),
        ["Boston - Adams Elementary", "00350005", 2.0, 1.0, 3.0, 14.0, 0, 0, 0, 15, 5, 20.0],
        ["Boston - Baker Middle", "350010", 1.5, 0.5, 1.0, 27.0, 0, 0, 0, 20, 10, 30.0],
        ["Nowhere - X", "01490030", "Failed to meet data reporting requirements"] + [None] * 9,
    ]
)


@pytest.fixture
def upload_page(sample_db, open_app):
    """The Upload page on its own, on a copy of the sample warehouse."""
    return open_app(sample_db, script="app_pages/upload.py")


def next_upload_id(db) -> int:
    """The id the next upload gets (the sample holds one upload per kind it seeds)."""
    with connect(db) as con:
        return con.execute("SELECT max(upload_id) FROM uploads").fetchall()[0][0] + 1


def frame_with(at, column: str):
    """The data frame on the page that has `column` (the history, the preview)."""
    return next(f.value for f in at.dataframe if column in f.value.columns)


def shown(table):
    """A table's cells as a reader sees them, as a DataFrame (st.table renders Markdown: user text in it
    is written as text by ui.text.plain())."""
    return table.value.map(lambda v: as_read(v) if isinstance(v, str) else v)


def texts(at) -> str:
    """Everything the page says, as a reader sees it (the Markdown that shows user text as text read)."""
    return as_read(_sources(at))


def _sources(at) -> str:
    return "\n".join(
        [m.value for m in at.markdown]
        + [c.value for c in at.caption]
        + [e.value for e in at.success]
        + [e.value for e in at.error]
        + [e.value for e in at.warning]
        + [e.value for e in at.info]
    )


def test_empty_state_templates_and_history(upload_page):
    assert upload_page.title[0].value == "Upload"
    assert upload_page.selectbox(key="upload_kind").value == "staffing"
    assert "No file chosen yet" in upload_page.info[0].value
    downloads = {b.key: b for b in upload_page.get("download_button")}
    assert set(downloads) == {"upload_template_xlsx", "upload_template_csv"}
    history = frame_with(upload_page, "upload_id")
    assert "sample/staffing.csv" in set(history["file_name"])
    assert not upload_page.button(key="upload_rollback").disabled
    assert upload_page.button(key="upload_restore").disabled


def test_a_bad_file_shows_the_problem_table_and_cannot_be_saved(upload_page, sample_db):
    before = contents(sample_db)
    upload_page.file_uploader(key="upload_file").set_value(("bad.csv", BAD, "text/csv")).run()
    assert not upload_page.exception
    assert "Dashboard template" in texts(upload_page)
    assert "3 errors (saving is blocked" in upload_page.error[0].value
    problems = shown(upload_page.table[0])
    assert list(problems.columns) == ["Severity", "Row", "Column", "Value", "Expected"]
    found = {(r.Row, r.Column, r.Value) for r in problems.itertuples()}
    assert {(2, "Org Code", "35x"), (2, "Race/Ethnicity", "Purple"), (2, "FTE", "-1")} <= found
    assert upload_page.button(key="upload_save").disabled
    assert contents(sample_db) == before


def test_recognise_ask_preview_save_roll_back_and_undo(upload_page, sample_db):
    new = next_upload_id(sample_db)
    upload_page.file_uploader(key="upload_file").set_value(("schools.csv", GOOD, "text/csv")).run()
    said = texts(upload_page)
    assert "DESE Profiles staffing export; school level, FTE view" in said
    assert "school year 2018-19 from the title row" in said
    assert "job class: not in the file — choose one" in said
    assert upload_page.button(key="upload_save").disabled  # nothing is guessed
    assert (
        "Nowhere - X" in shown(upload_page.table[0])["Expected"].iloc[0]
    )  # the note row, skipped with a warning

    upload_page.selectbox(key="upload_job_class").set_value("Teacher").run()
    said = texts(upload_page)
    assert "job class Teacher (as you chose" in said
    assert "teachers of color, 2018-19:" in said and "→" in said
    preview = frame_with(upload_page, "FTE after")
    boston = preview[preview["Code"] == "00350000"].iloc[0]
    assert boston["FTE after"] == "50"  # 20 + 30, the two schools summed
    assert boston["Share of color after"] == "18.0%"  # 9 of 50
    assert not upload_page.button(key="upload_save").disabled

    upload_page.button(key="upload_save").click().run()
    assert not upload_page.exception
    assert f"was saved as upload {new}" in texts(upload_page)
    assert upload_page.button(key="upload_save").disabled  # not twice
    history = frame_with(upload_page, "upload_id")
    mine = history[history["upload_id"] == new].iloc[0]
    assert (mine.kind, mine.file_name, mine.rows, mine.uploaded_by, mine.status) == (
        "Staffing",
        "schools.csv",
        7,
        "anonymous (sign-in off)",
        "active",
    )
    con = connect(sample_db)
    fte = con.execute(
        "SELECT sum(fte) FROM current_staffing WHERE org_code = '00350000' AND school_year = '2018-19' "
        "AND job_class = 'Teacher'"
    ).fetchall()[0][0]
    con.close()
    assert fte == 50.0

    upload_page.selectbox(key="upload_history_choice").set_value(new).run()
    upload_page.button(key="upload_rollback").click().run()
    assert f"Upload {new} rolled back" in texts(upload_page)
    history = frame_with(upload_page, "upload_id")
    assert history[history["upload_id"] == new].iloc[0].status == "rolled back"
    assert not upload_page.button(key="upload_restore").disabled
    upload_page.button(key="upload_restore").click().run()
    assert f"Upload {new} counts again" in texts(upload_page)
    history = frame_with(upload_page, "upload_id")
    assert history[history["upload_id"] == new].iloc[0].status == "active"


def test_each_kind_offers_its_template(upload_page):
    kinds = ("enrollment", "fellows", "participation", "equity-leaders")
    for kind in (*kinds, "student-discipline", "student-attendance", "graduation", "climate-survey"):
        upload_page.selectbox(key="upload_kind").set_value(kind).run()
        assert not upload_page.exception
        assert {b.key for b in upload_page.get("download_button")} == {
            "upload_template_xlsx",
            "upload_template_csv",
        }


def test_a_one_district_roster_asks_for_its_district(upload_page):
    roster = csv_bytes(
        [
            ["Employee ID", "Last Name", "School Year", "Job Classification", "Race/Ethnicity", "FTE"],
            ["E1", "Núñez", "2023-24", "Teacher", "Hispanic or Latino", "1.0"],
            ["E2", "Smith", "2023-24", "Teacher", "White", "0.5"],
        ],
        encoding="cp1252",
    )
    upload_page.file_uploader(key="upload_file").set_value(("roster.csv", roster, "text/csv")).run()
    assert "Per-person staff roster" in texts(upload_page)
    assert upload_page.button(key="upload_save").disabled
    upload_page.selectbox(key="upload_district").set_value("01490000").run()
    assert not upload_page.exception
    said = texts(upload_page)
    assert "2 people in 1 district" in said and "teachers of color, 2023-24:" in said
    preview = frame_with(upload_page, "FTE after")
    assert list(preview["Organization"]) == ["Lawrence"]
    assert preview["Share of color after"].iloc[0] == "66.7%"  # 1 of 1.5
    assert not upload_page.button(key="upload_save").disabled


def test_a_one_organization_discipline_report_asks_for_its_organization_then_saves(upload_page, sample_db):
    header = ["Student Group", "Students", "Students Disciplined", "% In-School Suspension"]
    report = csv_bytes(
        [
            ["2023-24 Student Discipline Data Report"],
            header,
            ["All Students", "1,289", "62", "3.6"],
            ["Afr. Amer./Black", "131", "15", "6.1"],
            ["Hispanic/Latino", "95", "5", ""],
        ]
    )
    upload_page.selectbox(key="upload_kind").set_value("student-discipline").run()
    upload_page.file_uploader(key="upload_file").set_value(("ssdr.csv", report, "text/csv")).run()
    said = texts(upload_page)
    assert "report for one organization" in said and "school year 2023-24 from the title row" in said
    assert "organization: not in the file — choose one" in said
    assert upload_page.button(key="upload_save").disabled  # the organization is never guessed
    upload_page.selectbox(key="upload_organization").set_value("01490000").run()
    assert not upload_page.exception
    preview = frame_with(upload_page, "Rows")
    assert preview.to_dict("records") == [
        {"Organization": "Lawrence", "Code": "01490000", "School year": "2023-24", "Rows": 3}
    ]
    assert "(statewide)" not in texts(upload_page)
    upload_page.button(key="upload_save").click().run()
    assert not upload_page.exception
    with connect(sample_db) as con:
        rows = con.execute(
            "SELECT student_group, students, pct_in_school_suspension FROM current_student_discipline "
            "WHERE org_code = '01490000' AND school_year = '2023-24' "
            "AND upload_id = (SELECT max(upload_id) FROM uploads) ORDER BY student_group"
        ).fetchall()
    assert rows == [
        ("African American/Black", 131, 0.061),
        ("All Students", 1289, 0.036),
        ("Hispanic/Latino", 95, None),
    ]


def test_the_signed_in_person_is_recorded_as_the_uploader(upload_page, sample_db):
    with connect(sample_db) as con:
        access.grant_role(con, "clerk@boston.example", access.UPLOADER, ["00350000"], actor=DESE_ADMIN)
    upload_page.secrets["auth"] = AUTH
    signed_in_at = int(time.time())  # an ID token's claims carry when it was issued and when it expires
    upload_page.user = {
        "is_logged_in": True,
        "email": "Clerk@Boston.example",
        "name": "Data Clerk",
        "sub": "clerk-boston",
        "iat": signed_in_at,
        "exp": signed_in_at + 3600,
    }
    upload_page.file_uploader(key="upload_file").set_value(
        (
            "bad.csv",
            BAD.replace(b"35x", b"350000").replace(b"Purple", b"Asian").replace(b"-1", b"2"),
            "text/csv",
        )
    )
    upload_page.run()
    assert not upload_page.button(key="upload_save").disabled, [
        p for p in shown(upload_page.table[0]).itertuples()
    ]
    upload_page.button(key="upload_save").click().run()
    history = frame_with(upload_page, "upload_id")
    assert history.iloc[0].uploaded_by == "clerk@boston.example"


def test_a_failure_on_the_page_is_a_message_not_a_traceback(upload_page, monkeypatch):
    from ui import upload_state

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(upload_state, "preview_upload", broken)
    monkeypatch.setattr(upload_state.store, "upload_history", broken)
    upload_state.st.cache_data.clear()
    upload_page.file_uploader(key="upload_file").set_value(("schools.csv", GOOD, "text/csv")).run()
    upload_page.selectbox(key="upload_job_class").set_value("Teacher").run()
    assert not upload_page.exception
    said = texts(upload_page)
    assert "database on fire" not in said
    assert "The preview could not be worked out" in said
    assert "The upload history could not be read just now" in said


def test_a_file_with_errors_shows_no_figures_only_its_problems(upload_page, sample_db):
    # Every row but one is fine: saving is blocked, so no preview may show figures that will never count.
    rows = [
        ["School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"],
        ["2023-24", "350000", "Teacher", "White", "40"],
        ["2023-24", "350000", "Teacher", "Asian", "12,5"],
    ]
    upload_page.file_uploader(key="upload_file").set_value(("comma.csv", csv_bytes(rows), "text/csv")).run()
    assert not upload_page.exception
    said = texts(upload_page)
    assert "1 error (saving is blocked" in upload_page.error[0].value
    found = {(r.Row, r.Column, r.Value) for r in shown(upload_page.table[0]).itertuples()}
    assert (3, "FTE", "12,5") in found
    assert "Preview: what saving will change" not in [h.value for h in upload_page.header]
    assert "→" not in said and "%" not in said  # no "teachers of color, 2023-24: — → 60.2%"
    assert not [f for f in upload_page.dataframe if "FTE after" in f.value.columns]
    assert "The preview of what saving would change appears once the file has no errors" in said
    assert upload_page.button(key="upload_save").disabled


def test_a_file_saved_before_says_so_and_is_saved_again_only_when_asked(upload_page, sample_db, open_app):
    new = next_upload_id(sample_db)
    upload_page.file_uploader(key="upload_file").set_value(("schools.csv", GOOD, "text/csv")).run()
    upload_page.selectbox(key="upload_job_class").set_value("Teacher").run()
    upload_page.button(key="upload_save").click().run()
    assert f"was saved as upload {new}" in texts(upload_page)

    # Another visit (a new session) drops the very same bytes, under another name.
    again = open_app(sample_db, script="app_pages/upload.py")
    again.file_uploader(key="upload_file").set_value(("schools-copy.csv", GOOD, "text/csv")).run()
    again.selectbox(key="upload_job_class").set_value("Teacher").run()
    assert not again.exception
    said = texts(again)
    assert re.search(
        rf"This file is already saved as upload {new} on \d{{4}}-\d\d-\d\d \d\d:\d\d by anonymous \(sign-in off\) "
        r"\(the same bytes, “schools.csv”\)\. Saving it again makes another upload of the same rows\.",
        said,
    ), said
    assert "teachers of color, 2018-19:" in said  # the file is clean: its preview shows
    assert again.button(key="upload_save").disabled  # not until asked
    before = contents(sample_db)
    again.checkbox(key="upload_save_again").check().run()
    assert not again.button(key="upload_save").disabled
    assert contents(sample_db) == before  # ticking the box saves nothing by itself
    again.button(key="upload_save").click().run()
    assert f"was saved as upload {new + 1}" in texts(again)
    history = frame_with(again, "upload_id")
    assert set(history[history["upload_id"].isin([new, new + 1])]["file_name"]) == {
        "schools.csv",
        "schools-copy.csv",
    }


def test_an_uploaded_file_name_is_shown_as_text_never_as_markdown(upload_page, sample_db, open_app):
    """A file name is user text: "[click](http://…)" must not become a live link, nor "**x**" bold."""
    name = "[click](http://evil.example) **x** :red[y].csv"
    upload_page.file_uploader(key="upload_file").set_value((name, GOOD, "text/csv")).run()
    upload_page.selectbox(key="upload_job_class").set_value("Teacher").run()
    upload_page.button(key="upload_save").click().run()
    again = open_app(sample_db, script="app_pages/upload.py")
    again.file_uploader(key="upload_file").set_value(("copy.csv", GOOD, "text/csv")).run()
    again.selectbox(key="upload_job_class").set_value("Teacher").run()
    warning = next(w.value for w in again.warning if "already saved" in w.value)
    notes = [c.value for c in again.caption if c.value.startswith("Replaces")]
    for source in (warning, *notes):
        live = live_text(source)  # what Markdown acts on: outside code spans, escapes masked
        assert "](" not in live and "**" not in live and ":red[" not in live, source
    assert name in texts(again)  # as written, once the escapes are read


NEW_YEAR = csv_bytes(
    [
        ["School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"],
        ["2025-26", "00350000", "Teacher", "Black", "12.5"],
        ["2025-26", "00350000", "Teacher", "White", "37.5"],
    ]
)


def test_the_preview_says_the_figures_are_the_files_own_and_never_shows_none(upload_page):
    upload_page.file_uploader(key="upload_file").set_value(("boston-2025.csv", NEW_YEAR, "text/csv")).run()
    assert not upload_page.exception
    said = texts(upload_page)
    assert "Your file, as you sent it: not published." in said
    preview = frame_with(upload_page, "FTE after")
    assert preview.to_dict("records") == [
        {
            "Organization": "Boston",
            "Code": "00350000",
            "School year": "2025-26",
            "Job class": "Teacher",
            "FTE now": "not reported",  # nothing counts for Boston's 2025-26 yet: said, not "None"
            "FTE after": "50",
            "Share of color now": "not reported",
            "Share of color after": "25.0%",
        }
    ]
    assert "“not reported”: nothing counts for that organization and year yet." in said
    assert not {"None", "nan", "NaN", "<NA>"} & set(preview.astype(str).to_numpy().ravel())
