"""The privacy audit catches a weakened privacy layer: each test weakens one safeguard of
analytics/privacy.py (monkeypatched for the test only), runs the audit of tests/privacy_audit.py (and the
privacy_* modules it reads with) on data where the weakness bites (a hand-made warehouse, and random ones) and requires it to report the leak, of
the kind expected; the same audit on the same data with the layer as it is reports nothing.

The safeguards (README, "Privacy"; analytics/privacy.py):
a. an organization is split off into a block of its own only where what remains of its block still passes
   (also with any one organization taken out);
b. a breakdown into categories (Fellows' statuses) hides enough categories besides the failing ones that
   no hidden one follows from the total shown;
c. a block of several organizations passes with any one of them taken out (the insider);
d. a view is shown only when it is exactly a union of blocks that pass.
And e: a title or caption states only figures its CSV shows.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from builders import fellow, organizations, staffing
from privacy_audit import facts_from, run_audit
from privacy_checks import Audit
from privacy_differencing import BARE, DIFFERENCING_KINDS, FROM_TOTAL, INSIDER, SMALL, TITLE
from privacy_facts import View, every_view, random_facts, views_for
from privacy_reading import read_csv
from privacy_truth import Truth

from analytics import definitions, equity, metrics, privacy
from analytics.privacy import BLOCK, BLOCK_PASSES
from analytics.sections import Section

# Random warehouses each weakening is also run on (the audit's own seed): a few, for time.
RANDOM = (1, 2, 4)


def report(audit, kinds=()) -> str:
    return "\n".join(
        f"[{kind}] {p}" for kind, found in audit.problems.items() if not kinds or kind in kinds for p in found
    )


def found(audit, kinds) -> list[str]:
    return [p for kind in kinds for p in audit.problems.get(kind, [])]


def random_audit(index: int, outputs: tuple[str, ...], label: str):
    """Random warehouse `index` of the randomized audit, read through `outputs` for its views and all 22."""
    facts = random_facts(index)
    return run_audit(
        facts,
        views_for(facts, index),
        f"{label}, warehouse {index}",
        outputs=outputs,
        every=every_view(facts),
    )


# --- a. the split-off made careless ------------------------------------------------------------------


def careless_split_off(out, count_list, unit):
    """Every organization that passes on its own is a block of its own, whatever remains of its block
    (which keeps the block's verdict)."""
    values = out[count_list].to_numpy(dtype=float)
    alone = privacy.passes(values)
    group = out["cell_block"].to_numpy()
    own = np.cumsum(alone) - 1 + int(group.max()) + 1
    out[BLOCK] = np.where(alone, own, group).astype(np.int64)
    out.loc[alone, BLOCK_PASSES] = True
    return out.drop(columns="cell_block")


def split_off_facts():
    """Central's districts: A (10 teachers of color, 10 others), B1 (1 and 1), B2 (1 and 2); its charter
    school C (10 and 10); Greater Boston's four districts (10 and 30 each). The Central district cell (12 of
    25) fails with A taken out, so it joins C's cell: Central is shown (22 of 45), neither A nor C alone
    (B1 and B2 would be left, 2 of 5). Careless, A's profile shows 10 of 20 and the cell 12 of 25: B1 and
    B2 are 2 of 5."""
    orgs = organizations(
        {("Central", "district"): 3, ("Central", "charter"): 1, ("Greater Boston", "district"): 4}
    )
    a, b1, b2, c, *boston = orgs["org_code"].tolist()
    rows = staffing("2022-23", a, definitions.TEACHER, Black=10, White=10)
    rows += staffing("2022-23", b1, definitions.TEACHER, Black=1, White=1)
    rows += staffing("2022-23", b2, definitions.TEACHER, Black=1, White=2)
    rows += staffing("2022-23", c, definitions.TEACHER, Asian=10, White=10)
    for org in boston:
        rows += staffing("2022-23", org, definitions.TEACHER, Hispanic=10, White=30)
    return facts_from(orgs, rows)


SPLIT_OFF_VIEWS = [View(), View(("Central",)), View(("Central",), ("district",)), View((), ("charter",))]


def test_a_the_audit_catches_a_careless_split_off(monkeypatch):
    facts = split_off_facts()
    outputs = ("shares", "profiles")
    clean = run_audit(facts, SPLIT_OFF_VIEWS, "split-off", outputs=outputs)
    assert not clean.problems, report(clean)
    assert clean.checked["visible shares"] >= 2  # the state and Central are shown

    monkeypatch.setattr(privacy, "_split_off", careless_split_off)
    weakened = run_audit(facts, SPLIT_OFF_VIEWS, "careless split-off", outputs=outputs)
    leaks = found(weakened, DIFFERENCING_KINDS)
    assert any("2 of 5" in p for p in leaks), report(weakened)
    # Nothing shown is itself about a small group: only arithmetic across figures finds it.
    assert not weakened.problems.get(SMALL), report(weakened, [SMALL])


@pytest.mark.parametrize("index", RANDOM)
def test_a_the_audit_catches_a_careless_split_off_in_random_warehouses(monkeypatch, index):
    outputs = ("shares", "profiles")
    monkeypatch.setattr(privacy, "_split_off", careless_split_off)
    weakened = random_audit(index, outputs, "careless split-off")
    assert found(weakened, (*DIFFERENCING_KINDS, INSIDER)), report(weakened)
    monkeypatch.undo()
    clean = random_audit(index, outputs, "split-off")
    assert not clean.problems, report(clean)


# --- b. complementary hiding removed ------------------------------------------------------------------


def only_the_failing(counts, totals=None, insiders=None):
    """Hide each category that fails, and nothing else."""
    values = counts.to_numpy(dtype=float)
    whole = values.sum(axis=1) if totals is None else np.asarray(totals, dtype=float)
    hide = (values < privacy.THRESHOLD) | (whole[:, None] - values < privacy.THRESHOLD)
    return counts.assign(**{c: hide[:, i] for i, c in enumerate(counts.columns)}).astype(bool)


def statuses_facts():
    """One district's cohort of 30 Fellows (15 of color): 12 active, 15 completed, 3 withdrew. Withdrew
    fails; with it alone hidden, it is 30 - 12 - 15 = 3."""
    orgs = organizations({("Central", "district"): 1, ("Greater Boston", "district"): 1})
    home = orgs["org_code"].iloc[0]
    fellows = [
        fellow(
            f"F{i}",
            1,
            "2019-20",
            home,
            "Black" if i % 2 else "White",
            status="active" if i < 12 else "completed" if i < 27 else "withdrawn",
            entry_role="Principal" if i < 15 else "Central Office",
        )
        for i in range(30)
    ]
    return facts_from(orgs, fellows=fellows)


def test_b_the_audit_catches_complementary_hiding_removed(monkeypatch):
    facts = statuses_facts()
    views = [View(), View(("Central",))]
    clean = run_audit(facts, views, "statuses", outputs=("csv", "fellows"))
    assert not clean.problems, report(clean)
    assert clean.checked["visible Fellows cells"] >= 2  # the entry roles are shown

    monkeypatch.setattr(privacy, "hidden_categories", only_the_failing)
    weakened = run_audit(facts, views, "only the failing hidden", outputs=("csv", "fellows"))
    leaks = found(weakened, (FROM_TOTAL,))
    assert any("withdrawn" in p and "3 of 30" in p for p in leaks), report(weakened)


@pytest.mark.parametrize("index", RANDOM)
def test_b_the_audit_catches_complementary_hiding_removed_in_random_warehouses(monkeypatch, index):
    monkeypatch.setattr(privacy, "hidden_categories", only_the_failing)
    weakened = random_audit(index, ("fellows",), "only the failing hidden")
    assert found(weakened, (FROM_TOTAL,)), report(weakened)
    monkeypatch.undo()
    clean = random_audit(index, ("fellows",), "statuses")
    assert not clean.problems, report(clean)


# --- c. the insider condition removed -----------------------------------------------------------------


def insider_facts():
    """The Virtual region's two schools: X has 2.7 teachers of color of 85.6, Y 3.4 of 149.2. Together,
    6.1 of 234.8, they pass; X, knowing its own, would find Y's 3.4 of 149.2."""
    orgs = organizations(
        {("Virtual (statewide)", "charter"): 2, ("Central", "district"): 3, ("Northeast", "district"): 3}
    )
    x, y, *others = orgs["org_code"].tolist()
    rows = staffing("2024-25", x, definitions.TEACHER, Black=2.7, White=82.9)
    rows += staffing("2024-25", y, definitions.TEACHER, Asian=3.4, White=145.8)
    for org in others:
        rows += staffing("2024-25", org, definitions.TEACHER, Hispanic=12, White=40)
    return facts_from(orgs, rows)


def test_c_the_audit_catches_the_insider_condition_removed(monkeypatch):
    facts = insider_facts()
    views = [View(), View(("Virtual (statewide)",)), View(("Central",))]
    clean = run_audit(facts, views, "insider", outputs=("csv", "shares", "profiles"))
    assert not clean.problems, report(clean)

    monkeypatch.setattr(privacy, "block_passes", lambda sums, tops=None, members=None: privacy.passes(sums))
    weakened = run_audit(facts, views, "no insider", outputs=("csv", "shares", "profiles"))
    leaks = found(weakened, (INSIDER,))
    assert any("3.4 of 149.2" in p for p in leaks), report(weakened)


@pytest.mark.parametrize("index", RANDOM)
def test_c_the_audit_catches_the_insider_condition_removed_in_random_warehouses(monkeypatch, index):
    outputs = ("shares", "profiles", "fellows", "network")
    monkeypatch.setattr(privacy, "block_passes", lambda sums, tops=None, members=None: privacy.passes(sums))
    weakened = random_audit(index, outputs, "no insider")
    assert found(weakened, (INSIDER,)), report(weakened)
    monkeypatch.undo()
    clean = random_audit(index, outputs, "insider")
    assert not clean.problems, report(clean)


# --- d. a view shown that is not a union of blocks ---------------------------------------------------


def careless_tabulate(original):
    """tabulate that shows a view wherever the blocks it touches pass, whether it takes them whole or not."""

    def tabulate(blocks, in_view, *, keys, figures):
        loose = blocks.assign(**{BLOCK: np.arange(len(blocks), dtype=np.int64)})
        return original(loose, in_view, keys=keys, figures=figures)

    return tabulate


def test_d_the_audit_catches_views_that_cut_blocks(monkeypatch):
    facts = split_off_facts()
    outputs = ("csv", "shares", "profiles")
    clean = run_audit(facts, SPLIT_OFF_VIEWS, "union of blocks", outputs=outputs)
    assert not clean.problems, report(clean)

    weak = careless_tabulate(privacy.tabulate)
    for module in (privacy, metrics, equity):
        monkeypatch.setattr(module, "tabulate", weak)
    weakened = run_audit(facts, SPLIT_OFF_VIEWS, "cut blocks shown", outputs=outputs)
    # B1's profile (1 of 2) is shown, and the Central district cell (12 of 25) less A's profile is 2 of 5.
    assert any("1 of 2" in p for p in found(weakened, (SMALL,))), report(weakened)
    assert any("2 of 5" in p for p in found(weakened, DIFFERENCING_KINDS)), report(weakened)


@pytest.mark.parametrize("index", RANDOM)
def test_d_the_audit_catches_views_that_cut_blocks_in_random_warehouses(monkeypatch, index):
    outputs = ("shares", "profiles")
    weak = careless_tabulate(privacy.tabulate)
    for module in (privacy, metrics, equity):
        monkeypatch.setattr(module, "tabulate", weak)
    weakened = random_audit(index, outputs, "cut blocks shown")
    assert found(weakened, (SMALL, *DIFFERENCING_KINDS, INSIDER)), report(weakened)
    monkeypatch.undo()
    clean = random_audit(index, outputs, "union of blocks")
    assert not clean.problems, report(clean)


# --- e. a title built from a hidden figure ------------------------------------------------------------


def test_e_the_audit_reads_the_numbers_titles_and_captions_state():
    """A title may state only figures its CSV shows: 'AMSEL had 5 members in 2024-25' beside a CSV whose
    2024-25 row is hidden gives the 5 away; 14 in 2023-24, shown, is fine (and so are organizations)."""
    frame = read_csv(
        b"school_year,measure,label,count,base,share,suppressed\n"
        b"2023-24,members,Members,14,,,False\n2024-25,members,Members,,,,True\n"
    )
    audit = Audit("titles", Truth(split_off_facts()))

    def section(title: str, caption: str = "") -> Section:
        return Section(go.Figure(layout={"title": {"text": title}}), frame, caption=caption)

    audit.titles("view", "amsel-members", section("AMSEL had 14 members in 2023-24"), frame)
    audit.titles("view", "amsel-members", section("Members", "From 12 organizations in 2023-24."), frame)
    assert not audit.problems, dict(audit.problems)
    audit.titles("view", "amsel-members", section("AMSEL had 5 members in 2024-25"), frame)
    assert any("says 5" in p for p in audit.problems[TITLE]), dict(audit.problems)


def test_the_kinds_asked_for_are_the_audits_own():
    """A kind misspelt here would make a mutation test pass vacuously."""
    assert {BARE, FROM_TOTAL, INSIDER, SMALL, *DIFFERENCING_KINDS} <= {
        "suppressed row keeps a figure",
        "recoverable from a total",
        "insider",
        "visible figure about a small group",
        "differencing",
        "differencing of several views",
        "linear combination",
        "group partition",
    }
