"""What uploaded text may not do, replayed: names and cells that try to act on the people who read
them (a spreadsheet formula, a terminal escape or forged line, a Plotly link, a name too long or hiding
characters) arrive as text everywhere they are shown or downloaded."""

import csv
import io
import json
import random
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field

import pytest
from attack_names import ATTACK_ORGS, GOOD_STAFFING, MARKDOWN_ATTACKS, with_attack_names
from builders import ROOT_DIR, add, new_warehouse, staffing
from markdown_reading import as_read, live_text, read_text
from upload_files import csv_bytes, profiles_header, profiles_title, xlsx_bytes

from analytics import cli
from analytics import export as export_module
from analytics.chart_fit import unwrap
from analytics.goals import load_goals
from analytics.ingest import check_upload
from analytics.metrics import Filters
from analytics.text import FORMULA_LEADS, NAME_MAX, clean_name, figure_text
from analytics.warehouse import connect

FORMULA_NAMES = {
    "09990000": '=HYPERLINK("http://evil.example","x")',
    "09980000": "+cmd|' /C calc'!A0",
    "09970000": "@SUM(1)",
    "09960000": "-2+3",
}
LINK_NAME = '<a href="http://evil.example">Evil</a> <img src=x>'


def profiles_file(names: dict[str, str], *, excel: bool = False) -> bytes:
    """A DESE Profiles staffing export (teachers, 2023-24) with one row per organization named here, as CSV
    or as a workbook (which, unlike a CSV, can carry a NUL in a cell)."""
    rows = [[name, code.lstrip("0"), 1, 1, 8, 40, 0, 0, 0, 30, 20, 50] for code, name in names.items()]
    table = [*profiles_title(), profiles_header(), *rows]
    return xlsx_bytes({"Report": table}) if excel else csv_bytes(table)


def imported(db, tmp_path, capsys, names: dict[str, str], file_name: str = "profiles.csv") -> str:
    """Import `names` as new organizations through the command line; its warnings (stderr)."""
    path = tmp_path / file_name
    path.write_bytes(profiles_file(names, excel=file_name.endswith(".xlsx")))
    code = cli.main(["import", "staffing", str(path), "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 0, err
    return err


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    new_warehouse(path).close()
    return path


def stored_names(db) -> dict[str, str]:
    with connect(db) as con:
        return dict(con.execute("SELECT org_code, name FROM organizations").fetchall())


# --- 1. spreadsheet formulas ----------------------------------------------------------------------


def test_formula_names_reach_every_csv_export_as_text(db, tmp_path, capsys):
    imported(db, tmp_path, capsys, FORMULA_NAMES)
    assert {c: stored_names(db)[c] for c in FORMULA_NAMES} == FORMULA_NAMES  # stored as written
    out = tmp_path / "export"
    assert cli.main(["export", "--db", str(db), "--out", str(out)]) == 0
    written = sorted(out.glob("*.csv"))
    assert written
    for path in written:
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
            for cell in row:
                if cell.startswith("-"):
                    float(cell)  # a negative number is a number; any other '-' text would be quoted
                else:
                    assert not cell.startswith(FORMULA_LEADS), (path.name, cell)


def test_the_csv_writer_quotes_formula_names_and_keeps_numbers():
    import pandas as pd

    from analytics.export import frame_csv

    frame = pd.DataFrame({"name": list(FORMULA_NAMES.values()), "gap_points": [-1.5, 0.0, 2.0, -0.25]})
    rows = list(csv.reader(io.StringIO(frame_csv(frame).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["'" + n for n in FORMULA_NAMES.values()]
    assert [r[1] for r in rows[1:]] == ["-1.5", "0.0", "2.0", "-0.25"]


def test_formula_names_reach_the_districts_grid_quoted(db, tmp_path, capsys, open_app):
    imported(db, tmp_path, capsys, FORMULA_NAMES)
    at = open_app(db, "districts")
    at.toggle(key="org_only_participating").set_value(False).run()
    grid = at.dataframe[0].value.set_index("Code")["Organization"]
    assert {c: grid[c] for c in FORMULA_NAMES} == {c: "'" + n for c, n in FORMULA_NAMES.items()}
    assert grid["00350000"] == "Boston"


# --- 2. the terminal --------------------------------------------------------------------------------


def test_uploads_prints_file_names_escaped_one_line_each(db, capsys):
    with connect(db) as con:
        add(
            con,
            "staffing",
            staffing("2023-24", "00350000", "Teacher", White=9, Asian=1),
            file_name="evil\x1b[2J.csv\n    99  2026-01-01 00:00  staffing        active  \u202e",
        )
    assert cli.main(["uploads", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 2  # the upload and the organizations: no forged third line
    assert "\x1b" not in out and "\u202e" not in out
    assert "evil\\x1b[2J.csv\\n    99  2026-01-01 00:00" in lines[0] and "\\u202e" in lines[0]


def test_problem_lines_quote_cells_escaped(db, tmp_path, capsys):
    data = csv_bytes(
        [
            ["School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"],
            ["2023-24", "350000", "Teacher", "Asian", "2\x1b[31m\nError: forged"],
        ]
    )
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    assert cli.main(["import", "staffing", str(path), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert not any(line.startswith("Error: forged") for line in err.splitlines())
    assert "\\x1b[31m\\nError: forged" in err


def test_uploads_into_a_closed_pipe_ends_quietly(db):
    """`uploads | head -1`: the reader stops after one line and closes the pipe; no error, no traceback.
    (Enough history to overflow the pipe's buffer, so the closed pipe is met while writing.)"""
    with connect(db) as con:
        for i in range(60):
            add(
                con, "staffing", staffing("2023-24", "00350000", "Teacher", White=i + 1), file_name="f" * 2000
            )
    python = subprocess.Popen(
        [sys.executable, "-m", "analytics", "uploads", "--db", str(db)],
        cwd=ROOT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    head = subprocess.run(["head", "-1"], stdin=python.stdout, capture_output=True, check=True)
    python.stdout.close()
    err = python.stderr.read()
    python.stderr.close()
    assert python.wait(timeout=60) == cli.EXIT_OUTPUT_CLOSED
    assert err == b""
    assert head.stdout.count(b"\n") == 1 and b"f" * 2000 in head.stdout


# --- 3. names at import --------------------------------------------------------------------------


def problems_of(data, name="profiles.csv", severity="error"):
    checked = check_upload(None, "staffing", data, name)
    return {(p.row, p.column, p.code) for p in checked.problems if p.severity == severity}


def test_an_organization_name_longer_than_any_is_refused_naming_its_cell(db, tmp_path, capsys):
    long = "A" * 20_000  # longer than any name, within what a spreadsheet cell holds
    data = profiles_file({"09990000": long, "09980000": "Fine Charter"})
    assert problems_of(data) == {(4, "District Name", "name-too-long")}  # title, blank, header: rows 1-3
    path = tmp_path / "long.csv"
    path.write_bytes(data)
    assert cli.main(["import", "staffing", str(path), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    line = next(e for e in err.splitlines() if "name-too-long" in e or "at most 120" in e)
    assert "Row 4" in line and "District Name" in line and "20,000" in line and len(line) < 400
    assert "09990000" not in stored_names(db)


def test_control_and_direction_characters_are_left_out_of_names_with_a_warning(db, tmp_path, capsys):
    names = {"09990000": "Evil\x00 \u202eCharter\u2069\u200b\x1b", "09980000": "Plain  Charter "}
    data = profiles_file(names, excel=True)
    assert problems_of(data, "profiles.xlsx") == set()
    warned = problems_of(data, "profiles.xlsx", severity="warning")
    assert (4, "District Name", "name-cleaned") in warned
    assert (5, "District Name", "name-cleaned") not in warned  # extra spaces are no reason to warn
    err = imported(db, tmp_path, capsys, names, "profiles.xlsx")
    assert "Row 4" in err and "\\u202e" in err and "\u202e" not in err
    stored = stored_names(db)
    assert (stored["09990000"], stored["09980000"]) == ("Evil Charter", "Plain Charter")


def test_the_file_name_is_kept_cleaned_and_cut_keeping_its_extension(db, tmp_path):
    data = profiles_file({"00350000": "Boston"})
    evil = "staff\x1b[2J\u202e" + "x" * 300 + ".csv"
    checked = check_upload(None, "staffing", data, evil)
    assert len(checked.file_name) == NAME_MAX and checked.file_name.endswith(".csv")
    assert "\x1b" not in checked.file_name and "\u202e" not in checked.file_name
    assert (None, "file name", "name-cleaned") in {
        (p.row, p.column, p.code) for p in checked.problems if not p.is_error
    }
    assert check_upload(None, "staffing", data, "profiles 2024.csv").warning_count == 0


# --- 4. Plotly ---------------------------------------------------------------------------------------


def test_markup_in_a_name_is_text_in_the_districts_profile_chart(db, tmp_path, capsys, open_app):
    imported(db, tmp_path, capsys, {"09990000": LINK_NAME})
    at = open_app(db, "districts", {"org": "09990000"})
    specs = [c.proto.spec for c in at.get("plotly_chart")]
    # (a title is wrapped to the chart's width at spaces: read it without those line breaks)
    profile = next(
        s
        for s in specs
        if "teachers and students of color" in unwrap(json.loads(s)["layout"]["title"]["text"])
    )
    assert "&lt;a href" in profile and "&lt;img" in profile
    assert all("<a href" not in s and "<img" not in s for s in specs)
    layout = json.loads(profile)["layout"]
    assert layout["title"]["text"].startswith("&lt;a href=")
    assert layout["title"]["subtitle"]["text"].startswith("&lt;a href=")


# --- 5. the shipped server configuration ---------------------------------------------------------


def test_the_server_listens_on_this_machine_only_and_keeps_its_protections():
    from streamlit import config

    server = tomllib.loads((ROOT_DIR / ".streamlit" / "config.toml").read_text())["server"]
    assert server["address"] == "127.0.0.1"
    assert server["enableXsrfProtection"] is True and server["enableCORS"] is True
    # Streamlit 1.67 cannot turn /_stcore/metrics off (the README says the proxy must block it); should a
    # later Streamlit offer a switch, this asks for it to be off.
    switches = [
        key
        for key in config._config_options_template
        if key.startswith("server.") and "metrics" in key.lower() and key.split(".")[1].startswith("enable")
    ]
    for key in switches:
        assert server.get(key.split(".")[1]) is False, key


# Characters clean_name removes or turns into a space, with plain letters and spaces between them.
_UNSEEN_POOL = [
    chr(c) for c in (*range(0x00, 0x21), *range(0x7F, 0xA1), 0x61C, 0x1680, 0x2000, 0x200A, 0x200B)
]
_UNSEEN_POOL += [
    chr(c) for c in (0x200E, 0x2028, 0x202A, 0x202E, 0x202F, 0x2060, 0x2066, 0x2069, 0x3000, 0xFEFF)
]
_UNSEEN_POOL += list("Ab é")


def test_names_stored_before_the_check_cleaned_them_are_cleaned_as_it_would(tmp_path):
    """Migration 008 cleans what earlier versions stored (organization, file and uploader names) exactly as
    clean_name does today, and caps it; names already clean are left alone."""
    rng = random.Random(11)
    dirty = ["".join(rng.choice(_UNSEEN_POOL) for _ in range(rng.randint(1, 24))) for _ in range(300)]
    dirty += ["x" * 100_000, "Ev\u202eil\x00 Co", "Boston"]
    db = tmp_path / "old.duckdb"
    with new_warehouse(db) as con:
        codes = [f"{9000 + i:04d}0000" for i in range(len(dirty))]
        con.executemany(
            "INSERT INTO organizations VALUES (?, ?, 'district', 'Central', 1)",
            list(zip(codes, dirty, strict=True)),
        )
        con.execute("UPDATE uploads SET file_name = ?, uploaded_by = ?", ["a\u202egpj.csv\n", "ops\x1b[2J"])
        con.execute("DELETE FROM schema_version WHERE version = 8")  # as it stood before migration 008
    with connect(db) as con:  # opening it migrates it
        names = dict(con.execute("SELECT org_code, name FROM organizations").fetchall())
        file_name, who = con.execute("SELECT file_name, uploaded_by FROM uploads").fetchone()
    assert [names[c] for c in codes] == [clean_name(n)[:NAME_MAX] for n in dirty]
    assert (file_name, who) == ("agpj.csv", "ops[2J")


# --- 6. Markdown, on every page ----------------------------------------------------------------------
# Streamlit renders Markdown in captions, alerts, headings, st.table's cells, labels and tooltips. Names that
# would act there (an outside image every visitor's browser fetches, a live link, coloured text, an icon,
# LaTeX, HTML), given to organizations, files, uploaders, a review note and a problem's cells; every page is
# drawn and every Markdown string on it must show them as text.

# What Markdown (GFM) links by itself, escaped or not: a scheme's URL, a www. address, an email address.
_AUTOLINK = re.compile(r"(?:https?://|www\.)[-.\w]+|[-.\w+]+@[-\w]+(?:\.[-\w]+)+", re.IGNORECASE)
# Drawn by Plotly as markup (a link, bold, an image) or, where MathJax is loaded, as LaTeX.
_FIGURE_ATTACKS = ("<b>x</b>", "<a href", "<img", "$x^2$")
# Fields that hold no Markdown: ids and keys, the raw values of widgets, and the options of a selectbox or
# multiselect (drawn as text).
_NOT_MARKDOWN = {"id", "form_id", "query_param_key", "raw_value", "raw_values", "icon", "default"}
_PLAIN_OPTIONS = {"selectbox", "multiselect", "select_slider"}


@dataclass
class Seen:
    """What a page showed of the attacks: where Markdown would act on one (trouble), and the text read of
    every Markdown string and figure (to show the names did reach the page)."""

    trouble: list[str] = field(default_factory=list)
    markdown: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)

    def read(self) -> str:
        return "\n".join(as_read(m) for m in self.markdown)


def _strings(message, path=""):
    """(field path, value) of every string in a protobuf message, nested messages and lists included."""
    for descriptor, value in message.ListFields():
        name = f"{path}.{descriptor.name}" if path else descriptor.name
        items = value if descriptor.is_repeated else [value]
        for item in items:
            if isinstance(item, str):
                yield name, item
            elif hasattr(item, "ListFields"):
                yield from _strings(item, name)


# The app's own Markdown that spells an attack: the Overview's badge for a goal behind its path.
APP_MARKDOWN = re.compile(r":(?:orange|green)-badge\[:material/\w+: ")


def _markdown_trouble(where: str, source: str, seen: Seen) -> None:
    seen.markdown.append(source)
    live, read = live_text(APP_MARKDOWN.sub("", source)), read_text(source)
    seen.trouble += [f"{where}: {a!r} as Markdown: {source!r}" for a in MARKDOWN_ATTACKS if a in live]
    seen.trouble += [
        f"{where}: {m.group()!r} would be a link: {source!r}"
        for m in _AUTOLINK.finditer(read)
        if "evil" in m.group().lower()
    ]


def _figure_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _figure_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _figure_strings(v)


def shown_attacks(at) -> Seen:
    """Every element on the page (main area and sidebar), checked for attacks Markdown, Plotly, HTML or a
    grid's CSV download would act on."""
    seen = Seen()
    for node in [*at.main, *at.sidebar]:
        kind, proto = getattr(node, "type", ""), getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ListFields"):
            continue
        if kind == "plotly_chart":
            for text in _figure_strings(json.loads(proto.spec)):
                seen.figures.append(text)
                seen.trouble += [f"figure: {a!r} in {text!r}" for a in _FIGURE_ATTACKS if a in text]
            continue
        if kind in ("arrow_data_frame", "dataframe"):
            cells = node.value.to_numpy().ravel().tolist()
            seen.trouble += [
                f"grid: formula {c!r}" for c in cells if isinstance(c, str) and c.startswith("=")
            ]
            continue
        if kind == "table":
            for cell in node.value.to_numpy().ravel().tolist():
                if isinstance(cell, str):
                    _markdown_trouble("table cell", cell, seen)
            continue
        if kind in ("html", "text", "code", "json"):
            if kind == "html":
                seen.trouble += [f"html: {a!r}" for a in ("<b>x</b>", "<a href", "<img") if a in proto.body]
            continue
        for name, text in _strings(proto):
            last = name.rsplit(".", 1)[-1]
            if last in _NOT_MARKDOWN or (kind in _PLAIN_OPTIONS and last == "options"):
                continue
            _markdown_trouble(f"{kind}.{name}", text, seen)
    return seen


@pytest.fixture(scope="module")
def attack_db(sample_db_template, tmp_path_factory):
    """The sample warehouse with the attacks for names (shared by the tests that only look)."""
    path = tmp_path_factory.mktemp("attacks") / "warehouse.duckdb"
    shutil.copy(sample_db_template, path)
    with_attack_names(path)
    return path


def assert_inert(at, *, reached: tuple[str, ...] = (), in_figures: tuple[str, ...] = ()) -> Seen:
    """No attack acts anywhere on the page; those in `reached` are read as written in its Markdown, those in
    `in_figures` in its charts (escaped as figure text)."""
    assert not at.exception, [e.value for e in at.exception]
    seen = shown_attacks(at)
    assert seen.trouble == []
    read = seen.read()
    assert [a for a in reached if a not in read] == []
    figures = "\n".join(seen.figures)
    assert [a for a in in_figures if figure_text(a) not in figures] == []
    return seen


@pytest.mark.parametrize(
    "page_name", ["overview", "superintendents", "fellows", "workforce", "export", "audit", "access", "about"]
)
def test_pages_show_attack_names_as_text(attack_db, open_app, page_name):
    assert_inert(open_app(attack_db, page_name))


def test_the_equity_leaders_page_names_founders_and_unplaced_organizations_as_text(attack_db, open_app):
    at = open_app(attack_db, "equity_leaders")
    founders_and_unplaced = tuple(ATTACK_ORGS.values())[:8]
    founders, unplaced = founders_and_unplaced[:6], founders_and_unplaced[6:]
    # Captions name them all (the map's caption eight of the unplaced at most: there are two); the figures
    # the founders (the growth chart's note) and the first unplaced (the map's subtitle: "… and 1 more").
    seen = assert_inert(at, reached=founders_and_unplaced, in_figures=founders)
    figures = "\n".join(seen.figures)
    assert [n for n in unplaced if figure_text(n) in figures], "the map's subtitle names no unplaced one"
    at.radio(key="equity_population").set_value("Principal").run()
    assert_inert(at)


@pytest.mark.parametrize("code", list(ATTACK_ORGS))
def test_the_districts_profile_names_the_organization_as_text(attack_db, open_app, code):
    name = ATTACK_ORGS[code]
    at = open_app(attack_db, "districts", {"org": code})
    assert_inert(at, reached=(f"{name} is in the",), in_figures=(name,))


def test_the_upload_page_quotes_files_cells_uploaders_and_notes_as_text(attack_db, open_app):
    at = open_app(attack_db, script="app_pages/upload.py")
    assert_inert(at)
    # A file of the attacks: its name, and its cells quoted in the problem table.
    bad = csv_bytes(
        [
            ["School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"],
            *(["2023-24", a, "Teacher", a, a] for a in MARKDOWN_ATTACKS),
        ]
    )
    at.file_uploader(key="upload_file").set_value((MARKDOWN_ATTACKS[0] + ".csv", bad, "text/csv")).run()
    problems = assert_inert(at, reached=MARKDOWN_ATTACKS[1:])
    assert len(at.table) == 1 and problems.markdown
    # The same bytes as an upload saved before: the warning names its file and uploader.
    at.file_uploader(key="upload_file").set_value(("again.csv", GOOD_STAFFING, "text/csv")).run()
    staffing_upload = MARKDOWN_ATTACKS[1]  # the sample's second upload is its staffing
    assert_inert(at, reached=(f"by {MARKDOWN_ATTACKS[4]} (the same bytes, “{staffing_upload}”",))


def test_the_access_page_says_what_it_granted_as_text(attack_db, tmp_path, open_app):
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(attack_db, db)
    at = open_app(db, "access")
    at.text_input(key="access_identity").set_value("someone@example.org")
    at.selectbox(key="access_role").set_value("uploader")
    at.multiselect(key="access_orgs").set_value(["39010000", "00490000"]).run()
    # Said before it is granted, each organization by its name and code.
    assert_inert(
        at, reached=(f"{ATTACK_ORGS['00490000']} (00490000)", f"{ATTACK_ORGS['39010000']} (39010000)")
    )
    at.button(key="access_grant").click().run()
    assert_inert(at)


def test_the_presentation_view_draws_attack_names_as_text(attack_db, open_app):
    con = connect(attack_db, read_only=True)
    try:  # the presentation view steps through the default deck's charts
        presented = export_module.deck_plan(con, load_goals(), Filters()).keys
    finally:
        con.close()
    map_chart = presented.index("equity-leaders-map") + 1
    at = open_app(attack_db, query={"present": "1", "chart": str(map_chart)})
    seen = assert_inert(at)
    # The map's subtitle names the first organization not placed ("… and 1 more"), as text.
    figures = "\n".join(seen.figures)
    assert [n for n in tuple(ATTACK_ORGS.values())[6:8] if figure_text(n) in figures]
