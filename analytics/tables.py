"""The tables the pages show, as shown: words for hidden cells, percentages and yes/no as text, and the
Districts page's search."""

from __future__ import annotations

import pandas as pd

from analytics import charts, formats
from analytics.definitions import SMALL_CELL_THRESHOLD

FEWER_THAN_6 = charts.HIDDEN  # what a hidden count says in a table


def _count_text(value: float) -> str:
    return FEWER_THAN_6 if pd.isna(value) else f"{int(value):,}"


def fellows_cohort_display(table: pd.DataFrame) -> pd.DataFrame:
    """The per-cohort table as shown: words for hidden cells, percentages as text."""
    if table.empty:
        return pd.DataFrame()
    out = pd.DataFrame(
        {
            "Cohort": table["cohort"].astype(int),
            "Began": table["start_year"],
            "Fellows": table["fellows"].astype(int),
            "Organizations": table["organizations"].astype(int),
            "Active": table["active"].map(_count_text),
            "Completed": table["completed"].map(_count_text),
            "Withdrew": table["withdrawn"].map(_count_text),
            "Principals at entry": table["entered_as_principal"].map(_count_text),
            "Central office at entry": table["entered_from_central_office"].map(_count_text),
            "Superintendent within 5 years": table["superintendent_within_5"].map(_count_text),
            "Assistant superintendent within 5 years": table["assistant_within_5"].map(_count_text),
            "People of color": table["share_of_color"].map(
                lambda v: FEWER_THAN_6 if pd.isna(v) else f"{v:.0%}"
            ),
        }
    )
    return out


def fellows_cohort_view(table: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The per-cohort table as the page shows it, without the columns hidden in every cohort, and a
    caption that says which those are and why."""
    shown = fellows_cohort_display(table)
    always_hidden = [c for c in shown.columns if len(shown) and (shown[c] == FEWER_THAN_6).all()]
    caption = (
        f"A figure is hidden where it, or what the cohort's total would leave of it, describes fewer than {SMALL_CELL_THRESHOLD} "
        f"Fellows (or fewer than {SMALL_CELL_THRESHOLD} of color, or {SMALL_CELL_THRESHOLD} others)."
    )
    if always_hidden:
        caption += (
            f" Not shown for any cohort, so left out: {', '.join(c.lower() for c in always_hidden)}. "
            "The totals across cohorts are above."
        )
    return shown.drop(columns=always_hidden), caption


def organizations_display(frame: pd.DataFrame) -> pd.DataFrame:
    """The organizations table as shown (one row per organization)."""
    # Column at a time: the page builds this table on every run, for up to 13,000 organizations.
    taking_part = frame["years_participating"].fillna(0).astype(int)
    first = frame["first_year"].astype(object).fillna("").astype(str)
    last = frame["last_year"].astype(object).fillna("").astype(str)
    span = first.where(first == last, first + " to " + last)
    years = (span + " (" + taking_part.astype(str) + ")").where(taking_part > 0, "")
    return pd.DataFrame(
        {
            "Code": frame["org_code"],
            "Organization": frame["name"],
            "Type": frame["org_type"],
            "Region": frame["region"],
            "Years taking part": years.astype(str),
            "Fellows sent": frame["fellows_sent"].astype(int),
            "Strategy adopted": formats.yes_no_column(frame["strategy_adopted"]),
            "Equity-leader position": formats.yes_no_column(frame["equity_leader"]),
            "AMSEL member": formats.yes_no_column(frame["amsel_member"]),
        }
    )


def participation_display(participation: pd.DataFrame) -> pd.DataFrame:
    """One organization's participation years as shown ("Yes" where it took part that way)."""
    return pd.DataFrame(
        {
            "School year": participation["school_year"],
            "Fellowship": formats.yes_no_column(participation["fellowship"], no=""),
            "Capacity building": formats.yes_no_column(participation["capacity_building"], no=""),
            "Strategy adopted": formats.yes_no_column(participation["strategy_adopted"], no=""),
            "Climate assessment done": formats.yes_no_column(participation["climate_assessment_done"], no=""),
        }
    )


def find_organizations(
    orgs: pd.DataFrame, search: str = "", *, taking_part_only: bool = False
) -> pd.DataFrame:
    """The organizations table narrowed as the Districts page's search box and toggle ask: by name or code
    (any part, any case), and to those taking part."""
    shown = orgs
    if taking_part_only:
        shown = shown[shown["years_participating"] > 0]
    needle = search.strip().lower()
    if needle:
        shown = shown[
            shown["name"].str.lower().str.contains(needle, regex=False)
            | shown["org_code"].str.contains(needle, regex=False)
        ]
    return shown


def equity_gaps_display(gaps: pd.DataFrame) -> pd.DataFrame:
    """The gaps table as shown."""
    return pd.DataFrame(
        {
            "Code": gaps["org_code"],
            "Organization": gaps["name"],
            "Type": gaps["org_type"],
            "Region": gaps["region"],
            "Latest report": gaps["latest_year"],
            "In Influence 100": formats.yes_no_column(gaps["in_influence_100"], no=""),
            "Students of color": gaps["students_of_color"].map(lambda v: "" if pd.isna(v) else f"{v:.0%}"),
            "Why listed": gaps["why"],
        }
    )
