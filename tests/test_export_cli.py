"""`python -m analytics export` and `metrics` from the command line: the files the Export page offers for a
view, exit codes, the filters, and JSON that a strict parser accepts."""

import errno
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from builders import ROOT_DIR, add, enrollment, new_warehouse, organizations, staffing
from pptx import Presentation
from unwritable import REFUSALS, read_only, run_command_line

from analytics import cli, definitions, export
from analytics.goals import load_goals
from analytics.metrics import Filters
from analytics.warehouse import connect

GOALS = load_goals()
DECK = "influence-100-goals.pptx"


def build(path, years=("2022-23", "2023-24")):
    """Two regions of 12 districts: enough people of color, and not, in each for region figures to show."""
    orgs = organizations({("Greater Boston", "district"): 12, ("Central", "district"): 12})
    con = new_warehouse(path, orgs)
    rows, pupils = [], []
    for year in years:
        for i, org in enumerate(orgs["org_code"]):
            boston = i < 12
            rows += staffing(
                year, org, definitions.SUPERINTENDENT, **({"Black": 1} if i % 2 else {"White": 1})
            )
            rows += staffing(
                year,
                org,
                definitions.TEACHER,
                **({"White": 100, "Black": 20, "Asian": 10} if boston else {"White": 150, "Hispanic": 12}),
            )
            pupils += enrollment(
                year, org, **({"White": 400, "Black": 300} if boston else {"White": 900, "Hispanic": 80})
            )
    add(con, "staffing", rows)
    add(con, "enrollment", pupils)
    con.close()
    return path


def run(argv: list[str]) -> int:
    """The exit code of one command, argparse's usage errors included."""
    try:
        return cli.main([str(a) for a in argv])
    except SystemExit as stop:
        return stop.code


def expected_csv(db, filters: Filters, key: str) -> bytes:
    con = connect(db, read_only=True)
    try:
        return export.chart_csv(con, GOALS, filters, key)
    finally:
        con.close()


def test_export_writes_a_csv_per_chart_and_the_deck(tmp_path, capsys, monkeypatch):
    db = build(tmp_path / "w.duckdb")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    out = tmp_path / "for the board"
    built, build_chart = [], export.chart_section
    monkeypatch.setattr(export, "chart_section", lambda *a: built.append(a[-1]) or build_chart(*a))
    assert run(["export", "--db", db, "--out", out]) == 0
    # Each chart is built once, for its CSV and its slide alike.
    assert sorted(built) == sorted(export.CHART_KEYS), built
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted([f"{k}.csv" for k in export.CHART_KEYS] + [DECK])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(written) and all(any(name in line for line in lines) for name in written)
    for key in export.CHART_KEYS:
        data = (out / f"{key}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), f"{key}.csv is not UTF-8 with a BOM"
        assert data == expected_csv(db, Filters(), key), f"{key}.csv is not what the Export page offers"
    deck = Presentation(io.BytesIO((out / DECK).read_bytes()))
    # The default deck: a slide per chart that says enough for this warehouse (staffing and enrollment
    # only, so no Fellows or equity leaders), and the title and sources.
    con = connect(db, read_only=True)
    try:
        plan = export.deck_plan(con, GOALS, Filters())
    finally:
        con.close()
    assert plan.left_out and len(deck.slides) == len(plan.keys) + 2
    titles = [s.shapes.title.text_frame.text for s in deck.slides]
    assert not any("nothing can be shown" in t for t in titles), titles
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before, "export changed the warehouse"


def test_export_refuses_a_missing_warehouse_and_creates_nothing(tmp_path, capsys):
    db, out = tmp_path / "nowhere" / "w.duckdb", tmp_path / "out"
    assert run(["export", "--db", db, "--out", out]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(db) in err[0]
    assert not db.exists() and not db.parent.exists() and not out.exists()


@pytest.mark.parametrize(
    "flags",
    [
        ["--region", "Atlantis"],
        ["--region", "Central,Atlantis"],
        ["--org-type", "pirate ships"],
        ["--from", "2019-2021"],
        ["--to", "next year"],
        ["--from", "2024-25", "--to", "2020-21"],
        ["--out"],
    ],
)
def test_export_usage_errors_exit_2_and_write_nothing(tmp_path, flags, capsys):
    db = build(tmp_path / "w.duckdb", years=("2023-24",))
    out = tmp_path / "out"
    argv = ["export", "--db", db, *flags] + ([] if flags == ["--out"] else ["--out", out])
    assert run(argv) == 2
    assert capsys.readouterr().err.strip()
    assert not out.exists()


def test_export_applies_the_filters(tmp_path, monkeypatch):
    db = build(tmp_path / "w.duckdb")
    decks = []

    def fake_deck(con, goals, filters, keys=export.CHART_KEYS, **_):
        decks.append((filters, tuple(keys)))
        return b"deck"

    monkeypatch.setattr(export, "build_deck", fake_deck)  # Kaleido is slow; the real deck is tested above
    views = {
        "state": ([], Filters()),
        "boston": (["--region", "greater boston"], Filters(regions=("Greater Boston",))),
        "mixed": (
            [
                "--region",
                "Greater Boston,CENTRAL",
                "--org-type",
                "Charter schools",
                "--org-type",
                "district",
                "--from",
                "2023",
                "--to",
                "SY23-24",
            ],
            Filters(
                "2022-23", "2023-24", regions=("Greater Boston", "Central"), org_types=("charter", "district")
            ),
        ),
    }
    for name, (flags, filters) in views.items():
        assert run(["export", "--db", db, "--out", tmp_path / name, *flags]) == 0
        assert decks[-1] == (filters, export.CHART_KEYS)
        for key in export.CHART_KEYS:
            assert (tmp_path / name / f"{key}.csv").read_bytes() == expected_csv(db, filters, key), (
                name,
                key,
            )
    differ = [
        k
        for k in export.CHART_KEYS
        if (tmp_path / "state" / f"{k}.csv").read_bytes() != (tmp_path / "boston" / f"{k}.csv").read_bytes()
    ]
    assert "workforce-of-color" in differ, "a region's figures are the statewide ones"


def strict_json(text: str):
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_metrics_json_is_strict_json(tmp_path):
    db = build(tmp_path / "w.duckdb")
    out = subprocess.run(
        [sys.executable, "-m", "analytics", "metrics", "--db", str(db), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT_DIR,
        check=True,
    ).stdout
    figures = strict_json(out)
    assert [y["school_year"] for y in figures["superintendents"]["by_year"]] == ["2022-23", "2023-24"]


def coverage_warehouse(path):
    """14 districts. 2019-20: all 14 superintendents White (0 of color: hidden); 2020-21: 7 of 14 of color
    (with any one district's own taken out, 6 and 7 or 7 and 6 remain: shown); 2021-22: one district's
    roster only (partial)."""
    orgs = organizations({("Greater Boston", "district"): 14})
    codes = orgs["org_code"].tolist()
    con = new_warehouse(path, orgs)
    rows, pupils = [], []
    for year, reporting in (("2019-20", codes), ("2020-21", codes), ("2021-22", codes[:1])):
        for i, org in enumerate(reporting):
            of_color = year == "2020-21" and i < 7
            rows += staffing(
                year, org, definitions.SUPERINTENDENT, **({"Asian": 1} if of_color else {"White": 1})
            )
            rows += staffing(year, org, definitions.TEACHER, White=60, Black=10)
            pupils += enrollment(year, org, White=300, Hispanic=200)
    add(con, "staffing", rows)
    add(con, "enrollment", pupils)
    con.close()
    return path


def test_metrics_say_which_years_are_complete_and_hide_small_ones(tmp_path, capsys):
    db = coverage_warehouse(tmp_path / "w.duckdb")
    assert run(["metrics", "--db", db, "--json"]) == 0
    figures = strict_json(capsys.readouterr().out)
    for group in ("superintendents", "teachers", "students"):
        years = {y["school_year"]: y for y in figures[group]["by_year"]}
        assert figures[group]["latest_complete_year"] == "2020-21", group
        for year in years.values():
            counts = (year["organizations_reported"], year["organizations_expected"])
            assert all(isinstance(n, int) and not isinstance(n, bool) for n in counts), (group, year)
            assert isinstance(year["complete"], bool), (group, year)
        partial = years["2021-22"]
        assert (
            partial["organizations_reported"],
            partial["organizations_expected"],
            partial["complete"],
            partial["share"],
        ) == (1, 14, False, None), (group, partial)
        assert years["2020-21"]["complete"] is True and years["2020-21"]["organizations_reported"] == 14
    supers = {y["school_year"]: y for y in figures["superintendents"]["by_year"]}
    assert supers["2019-20"]["share"] is None  # no superintendent of color: fewer than 6
    assert supers["2020-21"]["share"] == 0.5

    assert run(["metrics", "--db", db]) == 0
    text = capsys.readouterr().out
    assert "partial: 1 of 14 organizations reported" in text and "hidden (fewer than 6)" in text
    assert "50.0%" in text


def test_metrics_text_copes_with_hidden_and_partial_years(tmp_path, capsys, monkeypatch):
    """The text output, whatever the headline figures hold: a share, a hidden one, a partial year."""
    db = build(tmp_path / "w.duckdb", years=("2023-24",))
    figures = {
        "superintendents": {
            "target_share": 0.14,
            "target_year": "2029-30",
            "latest_complete_year": "2023-24",
            "by_year": [
                {
                    "school_year": "2022-23",
                    "fte": None,
                    "fte_of_color": None,
                    "share": None,
                    "target_share": 0.07,
                    "organizations_reported": 320,
                    "organizations_expected": 322,
                    "complete": True,
                },
                {
                    "school_year": "2023-24",
                    "fte": 302.0,
                    "fte_of_color": 25.0,
                    "share": 0.0828,
                    "target_share": 0.08,
                    "organizations_reported": 322,
                    "organizations_expected": 322,
                    "complete": True,
                },
                {
                    "school_year": "2024-25",
                    "fte": 1.0,
                    "fte_of_color": 0.0,
                    "share": None,
                    "target_share": None,
                    "organizations_reported": 1,
                    "organizations_expected": 322,
                    "complete": False,
                },
            ],
        },
        "fellows": {"goal": 100, "total": 0, "by_cohort": []},
        "districts": {"goal": 100, "participating_total": 0, "by_year": []},
    }
    monkeypatch.setattr(cli, "headline_metrics", lambda con, goals, filters: figures)
    assert run(["metrics", "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "latest complete year 2023-24" in lines[0]
    assert "2022-23" in lines[1] and "hidden (fewer than 6)" in lines[1]
    assert "8.3%" in lines[2] and "25 of 302 FTE" in lines[2]
    assert "2024-25" in lines[3] and "partial: 1 of 322 organizations reported" in lines[3]
    assert "1 FTE" not in lines[3] and "0.0%" not in lines[3]


# --- an export that fails writes nothing, and says so -------------------------------------------------------


def files_in(folder) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones too), by path: what a failed export must leave as it was."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def failing_at(monkeypatch, failing_key: str, error: Exception):
    """Make each chart's CSV as usual, but fail on `failing_key`'s (the deck is faked: Kaleido is slow)."""
    made = []
    real = export.chart_csv

    def chart_csv(con, goals, filters, key, **options):
        if key == failing_key:
            raise error
        made.append(key)
        return real(con, goals, filters, key, **options)

    monkeypatch.setattr(export, "chart_csv", chart_csv)
    monkeypatch.setattr(export, "build_deck", lambda *a, **k: b"deck")
    return made


def test_an_export_that_fails_part_way_writes_nothing_and_says_so(tmp_path, capsys, monkeypatch):
    db = build(tmp_path / "w.duckdb", years=("2023-24",))
    failing = export.CHART_KEYS[len(export.CHART_KEYS) // 2]
    made = failing_at(monkeypatch, failing, ValueError("merge on float64 and object"))
    before = files_in(tmp_path)
    out = tmp_path / "board" / "march"
    assert run(["export", "--db", db, "--out", out]) == 1
    assert len(made) == export.CHART_KEYS.index(failing)  # charts before it were made, then thrown away
    said = capsys.readouterr()
    assert said.out == ""  # no "wrote …" for a file that is not there
    lines = said.err.splitlines()
    assert lines[0] == f"Error: the export stopped while making {failing}.csv; nothing was written to {out}."
    assert lines[1].startswith("Error: something unexpected went wrong; nothing was saved.")
    assert not (tmp_path / "board").exists()
    assert files_in(tmp_path) == before  # not a file, not a hidden folder left behind


def test_a_failed_export_leaves_an_earlier_one_in_its_folder_as_it_was(tmp_path, capsys, monkeypatch):
    db = build(tmp_path / "w.duckdb", years=("2023-24",))
    out = tmp_path / "exports"
    monkeypatch.setattr(export, "build_deck", lambda *a, **k: b"deck")
    assert run(["export", "--db", db, "--out", out]) == 0
    capsys.readouterr()
    earlier = files_in(out)
    add_teachers = connect(db)
    add(add_teachers, "staffing", staffing("2023-24", "10000000", definitions.TEACHER, White=5, Black=7))
    add_teachers.close()
    failing_at(
        monkeypatch, export.CHART_KEYS[-1], duckdb.IOException("Could not read enough bytes from file")
    )
    assert run(["export", "--db", db, "--out", out]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].endswith(f"nothing was written to {out}.")
    assert lines[1].startswith(f"Error: The warehouse file {db} is damaged")  # why, as for any command
    assert files_in(out) == earlier  # the earlier export whole: no new CSV beside an old deck


def test_an_export_onto_a_full_disk_writes_nothing_and_names_the_folder(tmp_path, capsys, monkeypatch):
    db = build(tmp_path / "w.duckdb", years=("2023-24",))
    monkeypatch.setattr(export, "build_deck", lambda *a, **k: b"deck")
    real, written = Path.write_bytes, []

    def write_bytes(path, data):
        if len(written) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        written.append(path)
        return real(path, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    out = tmp_path / "out"
    assert run(["export", "--db", db, "--out", out]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(
        f"Error: cannot write {export.CHART_KEYS[3]}.csv in {tmp_path} (No space left on device)"
    )
    assert f"nothing was written to {out}" in line and "--out DIR" in line
    assert not out.exists() and not any(tmp_path.glob(".export-*"))


@pytest.mark.parametrize("existing", [False, True], ids=["new folder", "existing folder"])
def test_an_export_into_a_read_only_folder_writes_nothing_and_says_what_to_do(tmp_path, existing):
    db = build(tmp_path / "w.duckdb", years=("2023-24",))
    locked = read_only(tmp_path / "locked")
    out = locked if existing else locked / "board"
    done = run_command_line("export", "--db", db, "--out", out, read_only_folder=locked)
    assert done.returncode == 1, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"Error: cannot write to {locked} (") and any(r in line for r in REFUSALS), line
    assert line.endswith(
        "nothing was written. Give this account write access to that folder, or choose another with --out DIR."
    )
    assert done.stdout == "" and list(locked.iterdir()) == []
