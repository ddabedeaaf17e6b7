"""What saving a checked upload would write and change, computed against the warehouse as it is now:
per organization and year, and the statewide figures it moves ("teachers of color, 2018-19: 8.1% → 8.3%")."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics import definitions as d
from analytics.contracts import ENROLLMENT, FELLOWS, PARTICIPATION, STAFFING
from analytics.ingest.check import CheckedUpload
from analytics.warehouse import cursor, registered, sql

# How each kind's preview names its two figures.
_FIGURES = {
    PARTICIPATION.name: ("organizations taking part", "with a workforce-diversity strategy"),
    "equity-leaders": ("organizations with an equity-leader position", "AMSEL members"),
    FELLOWS.name: ("fellows", "fellows of color"),
}


@dataclass(frozen=True)
class UploadPreview:
    """What a save would write (per organization and year), what it changes, and what it replaces."""

    written: pd.DataFrame  # one row per organization, school year (and job class) the upload covers
    statewide: pd.DataFrame  # one row per school year (and job class): now and after
    changes: tuple[str, ...]  # the statewide changes, in words
    replaces: pd.DataFrame  # uploads whose rows would stop counting: upload_id, file_name, rows_replaced


def _group_label(job_class: str | None, kind_name: str) -> str:
    if kind_name == ENROLLMENT.name:
        return "students of color"
    if job_class is None:
        return ""
    plural = {"Staff": "staff", "Other Staff": "other staff"}.get(job_class, job_class.lower() + "s")
    return f"{plural} of color"


def _pct(x) -> str:
    return "—" if x is None or pd.isna(x) else f"{x:.1%}"


def _count(x) -> str:
    return "0" if x is None or pd.isna(x) else f"{x:,.0f}"


def preview_upload(con: duckdb.DuckDBPyConnection, checked: CheckedUpload) -> UploadPreview | None:
    """Compare the warehouse now with the warehouse after saving `checked`; None if it has no facts."""
    if checked.facts is None or not len(checked.facts):
        return None
    kind = checked.kind
    cur = cursor(con)
    try:
        with registered(cur, "incoming_facts", checked.facts):
            params = {"people_of_color": list(d.PEOPLE_OF_COLOR), "known_races": list(d.RACES)}
            text = sql(f"upload_preview_{kind.table}")
            used = {k: val for k, val in params.items() if f"${k}" in text}
            frame = cur.execute(text, used).df()
            replaces = cur.execute(sql(f"upload_replaces_{kind.table}")).df()
    finally:
        cur.close()
    state = frame[frame["scope"] == "state"].drop(columns=["scope", "org_code"]).reset_index(drop=True)
    per_org = frame[frame["scope"] == "organization"].drop(columns="scope").reset_index(drop=True)
    if len(checked.new_organizations):
        named = dict(
            zip(checked.new_organizations["org_code"], checked.new_organizations["name"], strict=True)
        )
        per_org["name"] = per_org["name"].fillna(per_org["org_code"].map(named))
    changes = []
    for r in state.itertuples():
        if kind in (STAFFING, ENROLLMENT):
            label = _group_label(r.job_class, kind.name)
            changes.append(
                f"{label}, {r.school_year}: {_pct(r.share_now)} → {_pct(r.share_after)} (statewide)"
            )
        else:
            first, second = _FIGURES[kind.name]
            changes.append(
                f"{r.school_year}: {first} {_count(r.total_now)} → {_count(r.total_after)}; "
                f"{second} {_count(r.of_color_now)} → {_count(r.of_color_after)}"
            )
    if not len(per_org):
        per_org = _written_without_orgs(checked)
    return UploadPreview(per_org, state, tuple(changes), replaces)


def _written_without_orgs(checked: CheckedUpload) -> pd.DataFrame:
    """For lists previewed statewide only: rows written per organization and year."""
    facts = checked.facts
    org = "org_code" if "org_code" in facts else "home_org_code"
    year = "school_year" if "school_year" in facts else "start_year"
    return facts.groupby([org, year], as_index=False).size().rename(columns={"size": "rows"})


def written_table(preview: UploadPreview, kind_name: str) -> pd.DataFrame:
    """The per-organization preview with the headings the Upload page shows (numbers stay numbers)."""
    frame = preview.written
    if "scope" in frame or "total_now" not in frame:
        return frame
    unit = "students" if kind_name == ENROLLMENT.name else "FTE"
    out = pd.DataFrame(
        {
            "Organization": frame["name"],
            "Code": frame["org_code"],
            "School year": frame["school_year"],
            "Job class": frame["job_class"],
            f"{unit} now": frame["total_now"],
            f"{unit} after": frame["total_after"],
            "Share of color now": frame["share_now"],
            "Share of color after": frame["share_after"],
        }
    )
    return out.drop(columns="Job class") if kind_name == ENROLLMENT.name else out
