"""Every goal is data: a goal added to the goals file appears everywhere a goal is shown — an Overview card, a
chart on its page, a slide in the deck, `metrics --json`, an exported CSV, the About page — with no code
change, and a goal taken out of the file leaves none of them. Goals are statewide: a region's view shows its
part of a count or organizations goal with no verdict, and a share beside the statewide target path."""

from __future__ import annotations

import io
import json

import pytest
from pptx import Presentation

from analytics import cli
from analytics.goals import GOALS_ENV, GOALS_FILE, GoalsFileError, load_goals

PRINCIPALS = """
[principals_of_color]
kind = "share"
title = "Principals of color"
job_class = "Principal"
baseline_year = "2019-20"
baseline_share = 0.10
target_year = "2029-30"
target_share = 0.20
"""


def run(argv: list) -> int:
    try:
        return cli.main([str(a) for a in argv])
    except SystemExit as stop:
        return stop.code


def without(table: str) -> str:
    """The shipped goals file with one goal's table taken out."""
    text = GOALS_FILE.read_text(encoding="utf-8")
    start = text.index(f"[{table}]")
    end = text.find("\n[", start + 1)
    return text[:start] + (text[end + 1 :] if end != -1 else "")


@pytest.fixture
def goals_file(tmp_path, monkeypatch):
    """Write a goals file and point the dashboard (app and command line) at it."""

    def write(text: str):
        path = tmp_path / "goals.toml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv(GOALS_ENV, str(path))
        return path

    return write


def slide_titles(deck_bytes: bytes) -> list[str]:
    deck = Presentation(io.BytesIO(deck_bytes))
    return [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]


def everything_shown(sample_db, tmp_path, open_app, capsys) -> dict:
    """What a goal reaches: the Overview's cards, the charts on the Workforce and Fellows pages, the About
    page's words, the export's CSVs and slide titles, and `metrics --json`'s goals."""
    overview = open_app(sample_db, "overview")
    workforce = open_app(sample_db, "workforce")
    fellows = open_app(sample_db, "fellows")
    about = open_app(sample_db, "about")
    out = tmp_path / "export"
    capsys.readouterr()
    assert run(["export", "--db", sample_db, "--out", out]) == 0
    capsys.readouterr()
    return {
        "cards": [m.label for m in overview.metric],
        "charts": [
            json.loads(c.proto.spec)["layout"]["title"]["text"]
            for page in (workforce, fellows)
            for c in page.get("plotly_chart")
        ],
        "about": " ".join(str(df.value.to_dict()) for df in about.dataframe),
        "csvs": sorted(p.name for p in out.glob("*.csv")),
        "slides": slide_titles((out / cli.DECK_FILE).read_bytes()),
    }


def metrics_goals(sample_db, capsys) -> list[dict]:
    capsys.readouterr()
    assert run(["metrics", "--db", sample_db, "--json"]) == 0
    return json.loads(capsys.readouterr().out)["goals"]


def test_a_goal_added_to_the_file_appears_everywhere_and_taken_out_leaves_nothing(
    sample_db, tmp_path, open_app, capsys, goals_file
):
    goals_file(GOALS_FILE.read_text(encoding="utf-8") + PRINCIPALS)
    shown = everything_shown(sample_db, tmp_path / "with", open_app, capsys)
    entry = next(g for g in metrics_goals(sample_db, capsys) if g["key"] == "principals_of_color")
    assert entry["kind"] == "share" and entry["unit"] == "share" and entry["title"] == "Principals of color"
    assert 0 < entry["value"] < 1 and entry["as_of"] == "2024-25"
    assert entry["target_now"] == pytest.approx(0.15)  # halfway from 10% in 2019-20 to 20% in 2029-30
    assert "Principals of color" in shown["cards"]
    assert any(t.startswith("Principals of color:") for t in shown["charts"]), shown["charts"]
    assert "Principals of color" in shown["about"] and "10% of principals in 2019-20" in shown["about"]
    assert any("principals" in name for name in shown["csvs"]), shown["csvs"]
    assert any("Principals" in title for title in shown["slides"]), shown["slides"]

    goals_file(without("fellows"))
    gone = everything_shown(sample_db, tmp_path / "without", open_app, capsys)
    assert (
        "Influence 100 Fellows" not in gone["cards"] and len(gone["cards"]) == len(load_goals(GOALS_FILE)) - 1
    )
    assert "principals_of_color" not in [g["key"] for g in metrics_goals(sample_db, capsys)]
    assert [g["key"] for g in metrics_goals(sample_db, capsys)] == [
        "superintendents_of_color",
        "capacity_building",
        "workforce_strategy",
        "students_experience",
    ]
    assert not any("Fellows so far" in t for t in gone["charts"])
    assert "influence-100-fellows.csv" not in gone["csvs"] and not any(
        "principals" in n for n in gone["csvs"]
    )
    assert not any("Fellows so far" in t for t in gone["slides"])
    assert "Influence 100 Fellows" not in gone["about"]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("target_share = 0.20", "[principals_of_color] 'target_share' must be a fraction between 0 and 1"),
        ('job_class = "Principal"', "[principals_of_color] 'job_class' must be one of"),
        ('kind = "share"', "[principals_of_color]: 'kind' must be one of share, count, per_year, cumulative"),
        ('baseline_year = "2019-20"', "[principals_of_color] 'baseline_year' must be a school year"),
    ],
)
def test_a_goal_that_makes_no_sense_is_refused_naming_the_goal_and_key(tmp_path, change, said):
    broken = {
        "target_share = 0.20": "target_share = 20",
        'job_class = "Principal"': 'job_class = "Principals"',
        'kind = "share"': 'kind = "ratio"',
        'baseline_year = "2019-20"': 'baseline_year = "fall 2019"',
    }[change]
    path = tmp_path / "goals.toml"
    path.write_text(PRINCIPALS.replace(change, broken), encoding="utf-8")
    with pytest.raises(GoalsFileError) as refused:
        load_goals(path)
    assert said in str(refused.value)


def test_a_goal_missing_a_key_says_which(tmp_path):
    path = tmp_path / "goals.toml"
    path.write_text(PRINCIPALS.replace('target_year = "2029-30"\n', ""), encoding="utf-8")
    with pytest.raises(GoalsFileError, match=r"\[principals_of_color\]: a share goal needs 'target_year'"):
        load_goals(path)


# --- a region is not judged against the state's goals ------------------------------------------------------

VERDICT_WORDS = ("to go", "behind", "ahead", "on track", "on the path")


def test_a_regions_overview_shows_its_part_of_each_statewide_goal_without_a_verdict(sample_db, open_app):
    at = open_app(sample_db, "overview", {"region": "Greater Boston"})
    cards = {m.label: m.value for m in at.metric}
    assert cards["Influence 100 Fellows"] == "87"
    words = " ".join(c.value for c in at.caption)
    assert "87 of the 155 Influence 100 Fellows statewide" in words
    badges = [m.value for m in at.markdown if "badge" in m.value]
    # Only the share goal carries a verdict, and it names the statewide path.
    assert badges and all("statewide path" in b for b in badges), badges
    charts = {
        json.loads(c.proto.spec)["layout"]["title"]["text"]: json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
    }
    fellows = next(f for t, f in charts.items() if "Influence 100 Fellows" in t)
    assert next(t for t in charts if "Influence 100 Fellows" in t) == (
        "Greater Boston: 87 of the 155 Influence 100 Fellows statewide"
    )
    assert not [t for t in fellows["data"] if t.get("name", "").startswith("Plan")]  # no pace
    assert not fellows["layout"].get("shapes")  # no goal line: the goal of 100 is statewide
    supers = next(f for t, f in charts.items() if t.startswith("Superintendents of color"))
    assert any(t.get("name", "").startswith("Statewide target path") for t in supers["data"])


def test_a_regions_export_carries_no_verdict_on_a_count_or_organizations_goal(sample_db, tmp_path):
    out = tmp_path / "boston"
    assert run(["export", "--db", sample_db, "--out", out, "--region", "Greater Boston"]) == 0
    deck = Presentation(io.BytesIO((out / cli.DECK_FILE).read_bytes()))
    goals = [g for g in load_goals() if g.kind in ("count", "per_year", "cumulative")]
    checked = 0
    for slide in deck.slides:
        title = slide.shapes.title.text if slide.shapes.title is not None else ""
        if not any(g.title in title or g.noun in title for g in goals):
            continue
        words = (
            " ".join(shape.text_frame.text.lower() for shape in slide.shapes if shape.has_text_frame)
            + slide.notes_slide.notes_text_frame.text.lower()
        )
        checked += 1
        assert "statewide" in words, title
        for word in VERDICT_WORDS:
            assert word not in words, (title, word)
    assert checked == len(goals)
