"""The differencing audit over time (tests/privacy_history.py): random histories of uploads, corrections,
rollbacks, restores, a district's upload approved and a cohort's statuses updated, released step by step;
every pair of releases a visitor could have seen is compared, figure by figure, nested figure by nested
figure, and as a district that knows its own. It must find nothing; and it must find the leak when the
release is weakened (mutation tests), or it would prove nothing."""

import os
import time

import pandas as pd
from builders import enrollment, organizations, staffing
from privacy_audit import facts_from, in_worker_processes
from privacy_facts import Facts
from privacy_history import SEED, Step, audit_history, play, summary

from analytics import privacy

# 4 histories, each releasing 6-12 times, every release read as a visitor reads it, in every view: what fits
# the whole suite in CI's 30 minutes beside everything else. The seed is fixed, so every run reads the same
# histories and a failure replays; PRIVACY_HISTORIES=30 for a longer hunt.
HISTORIES = int(os.environ.get("PRIVACY_HISTORIES", "4"))


def report(audit, *kinds: str) -> str:
    return "\n".join(
        f"[{kind}] {p}" for kind, found in audit.problems.items() if not kinds or kind in kinds for p in found
    )


def test_random_histories_show_no_change_a_visitor_could_single_out():
    started = time.monotonic()
    results = in_worker_processes(audit_history, range(HISTORIES))
    problems, checked = summary(results)
    print(
        f"history audit: {HISTORIES} histories (seed {SEED}) in {time.monotonic() - started:.0f} s; {checked}"
    )
    text = "\n".join(
        f"{kind}: {len(found)}, e.g.\n  " + "\n  ".join(found[:3]) for kind, found in problems.items()
    )
    assert not problems, text
    # Not vacuous: releases were compared, figures by the thousand, and districts subtracted themselves.
    assert checked["releases"] >= 4 * HISTORIES, checked
    assert checked["figures compared between releases"] >= 1000 * HISTORIES, checked
    assert checked["insider changes"] >= 1000 * HISTORIES, checked


# --- a weakened release is caught ------------------------------------------------------------------------


def empty_facts(orgs: pd.DataFrame, staff: list[tuple]) -> Facts:
    from analytics.contracts import FACT_KINDS

    def frame(kind: str, rows=()) -> pd.DataFrame:
        return pd.DataFrame(list(rows), columns=FACT_KINDS[kind].column_names)

    return Facts(
        orgs,
        frame("staffing", staff),
        frame("enrollment"),
        frame("fellows"),
        frame("participation"),
        tuple(orgs["region"].unique()),
        tuple(orgs["org_type"].unique()),
    )


def late_file_history():
    """Four Central districts (3 teachers of color and 9 others each) and Northeast's four, released; then
    a fifth Central district's late file of 3 and 20: too small a change to show."""
    orgs = organizations({("Central", "district"): 5, ("Northeast", "district"): 4})
    codes = orgs["org_code"].tolist()
    rows = [r for org in codes[:4] + codes[5:] for r in staffing("2022-23", org, "Teacher", Black=3, White=9)]
    late = staffing("2022-23", codes[4], "Teacher", Hispanic=3, White=20)
    return empty_facts(orgs, rows), [Step("late file", "upload", "staffing", late)]


def test_the_history_audit_catches_a_release_that_skips_the_check_over_time(monkeypatch):
    """Berlin's attack: with the check against earlier releases switched off, the late file shows as a
    change of 3 of color and 20 others in Central and in the state."""
    clean = play(-1, late_file_history())
    assert not clean.problems, report(clean)
    monkeypatch.setattr(privacy, "_change_ok", lambda family, fresh, history: (True, None))
    weakened = play(-1, late_file_history())
    found = report(weakened, "over time")
    assert "12 of 48, then 15 of 71" in found, report(weakened)  # Central, before and after


def crossing_history():
    """One Central cell: A passes alone (20 of color, 60 others) and is shown alone; B, C and D (2 and 9, 4
    and 9, 4 and 9) pass together. Then C is corrected to 10 and 30: cut anew, C passes alone and A no
    longer can (B and D would be left alone together). Cutting across the blocks released before would show
    A (as before), C and the cell: B, knowing its own, would find D's 4 and 9."""
    orgs = organizations({("Central", "district"): 4, ("Northeast", "district"): 3})
    a, b, c, dd, *north = orgs["org_code"].tolist()
    rows = staffing("2022-23", a, "Teacher", Black=20, White=60)
    rows += staffing("2022-23", b, "Teacher", Black=2, White=9)
    rows += staffing("2022-23", c, "Teacher", Black=4, White=9)
    rows += staffing("2022-23", dd, "Teacher", Black=4, White=9)
    for org in north:
        rows += staffing("2022-23", org, "Teacher", Black=10, White=30)
    correction = staffing("2022-23", c, "Teacher", Black=10, White=30)
    return empty_facts(orgs, rows), [Step("correction", "upload", "staffing", correction)]


def test_the_history_audit_catches_blocks_cut_across_those_released_before(monkeypatch):
    """With blocks joined only within the new cut (not with those released before), A's profile stays,
    C's appears, and the cell less both, less B's own, is D: 4 of color and 9 others."""
    clean = play(-2, crossing_history())
    assert not clean.problems, report(clean)
    original = privacy._components

    def fresh_only(fresh_block, previous_block):
        return original(fresh_block, -abs(previous_block) - 1)  # forget the blocks released before

    monkeypatch.setattr(privacy, "_components", fresh_only)
    weakened = play(-2, crossing_history())
    assert "4 of 13" in report(weakened, "insider"), report(weakened)


# --- students' experience --------------------------------------------------------------------------------


def climate(year: str, org: str, index_all: float, index_white: float) -> list[tuple]:
    """A VOCAL file's all-grades rows for All Students and White students, without respondents (weighted by
    the warehouse's enrollment)."""
    return [
        (year, org, group, "All", value, None, None, None, None)
        for group, value in (("All Students", index_all), ("White", index_white))
    ]


def corrected_index_history():
    """Central's districts A (40 students of color, 40 White), B (3 and 30) and C (20 and 20) are one block
    of the climate index (A or C alone would leave B's 3 with the other); Northeast's three (30 and 30) are
    blocks of their own. Released; then B's All Students index is corrected from 60 to 61: no weight moves,
    but Central's index of color moves by 33 points of score over 63, all of them B's 3 students'."""
    orgs = organizations({("Central", "district"): 3, ("Northeast", "district"): 3})
    a, b, c, *north = orgs["org_code"].tolist()
    year = "2022-23"
    pupils = enrollment(year, a, Black=40, White=40) + enrollment(year, b, Black=3, White=30)
    pupils += enrollment(year, c, Asian=20, White=20)
    survey = climate(year, a, 55, 60) + climate(year, b, 60, 62) + climate(year, c, 50, 58)
    for org in north:
        pupils += enrollment(year, org, Hispanic=30, White=30)
        survey += climate(year, org, 65, 70)
    facts = facts_from(orgs, enrollment=pupils, climate=survey)
    return facts, [Step("correction of B's index", "upload", "climate-survey", climate(year, b, 61, 62))]


def test_a_corrected_index_of_a_few_students_is_held_back(monkeypatch):
    """A correction that moves no weight still moves an index: released as it was, B's correction would be
    Central's (and the state's) index of color from one day to the next, a figure about its 3 students of
    color. The release holds it back (privacy._averages_pass); with that check off, the audit finds it."""
    clean = play(-3, corrected_index_history())
    assert not clean.problems, report(clean)
    assert clean.checked["students' experience figures compared between releases"] >= 4, clean.checked
    monkeypatch.setattr(privacy, "_averages_pass", lambda moved, weight, owners: True)
    weakened = play(-3, corrected_index_history())
    found = report(weakened, "over time")
    assert "climate_index 2022-23 students of color" in found and "weighing 3" in found, report(weakened)
