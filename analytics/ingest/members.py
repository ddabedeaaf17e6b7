"""The AMSEL network's membership list, as its coordinators keep it (one row per member: name, organization
or school, role title, start date, individual or district membership, mentor, meetings attended,
subcommittees), counted into the warehouse's form (analytics/contracts.py: AMSEL_MEMBERS).

Names are used to count each person once and then dropped, as a staffing roster's are: nothing about a
member is kept but the counts of their organization and school year. A member's organization is keyed by
its DESE code where the row gives one, else by its name where that is one of DESE's organizations; any other
school (an independent school) is counted apart, under its name, with a warning naming it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from analytics import definitions as d
from analytics.contracts import UploadKind
from analytics.ingest import problems as pr
from analytics.ingest import values as v
from analytics.ingest.problems import WARNING, ProblemLog
from analytics.ingest.reading import Table
from analytics.ingest.roles import column_headers
from analytics.ingest.steps import Answers, Normalised, Question, title_school_year
from analytics.ingest.vocabulary import spelling
from analytics.text import NAME_MAX, clean_name, shorten

# "7 of 10", "7/10", "7 out of 10": meetings attended, and held.
_OF = re.compile(r"^\s*(\d+)\s*(?:of|/|out of)\s*(\d+)\s*$", re.IGNORECASE)
_NONE_WORDS = frozenset({"", "none", "no", "n a", "na", "0", "not yet", "nil"})
_SPLIT = re.compile(r"[;,\n/|]+|\band\b")
# The endings an organization's name carries in lists ("Newton Public Schools"): dropped to match DESE's
# name ("Newton").
_NAME_ENDINGS = re.compile(
    r"\b(?:public schools?|school district|school department|schools|school system|district|ps)$"
)
_MEMBERSHIP = {"individual": "Individual", "district": "District"}
_EXCEL_EPOCH = date(1899, 12, 30)


def _membership(value: object) -> str | None:
    """'Individual' or 'District' for the ways lists write them ("individual member", "District
    membership", "Dist."); None otherwise."""
    k = spelling(value)
    for start, kind in (("indiv", "Individual"), ("personal", "Individual"), ("dist", "District")):
        if k.startswith(start):
            return kind
    return _MEMBERSHIP.get(k)


def parse_date(value: object) -> date | None:
    """A date as spreadsheets write it: 2023-08-15 (with or without a time), 8/15/2023, 8/15/23, or an
    Excel day number; None if it is none of these."""
    text = str(value).strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{5}(?:\.0+)?", text):
        serial = int(float(text))
        if 20_000 <= serial <= 80_000:  # 1954 to 2119
            return _EXCEL_EPOCH + timedelta(days=serial)
    return None


def subcommittee_count(value: object) -> int | None:
    """How many subcommittees a cell names: 0 for empty or "None", a number as written, else the names
    separated by ; , / or "and"."""
    if value is None or value != value:
        return 0
    k = spelling(value)
    if k in _NONE_WORDS:
        return 0
    if re.fullmatch(r"\d+", k):
        return int(k)
    return len([p for p in _SPLIT.split(str(value)) if p.strip()])


def organization_key(name: str) -> str:
    """An organization's name as matched against DESE's: spelling, without "Public Schools" and the like."""
    return _NAME_ENDINGS.sub("", spelling(name)).strip()


def _roles(kind: UploadKind, header: list[str]) -> dict[str, str]:
    """Person-list column name -> the header that holds it (the first header each spelling matches)."""
    keys = {h: spelling(h) for h in header}
    found: dict[str, str] = {}
    taken: set[str] = set()
    for col in kind.person_list:
        for wanted in column_headers(col):
            match = next((h for h, k in keys.items() if k == wanted and h not in taken), None)
            if match:
                found[col.name] = match
                taken.add(match)
                break
    # First and last names in two columns: together they are the member.
    if "member" not in found:
        first = next((h for h, k in keys.items() if k == "first name"), None)
        last = next((h for h, k in keys.items() if k == "last name"), None)
        if first and last:
            found["member"] = f"{first}\u0000{last}"
    return found


def normalise_member_list(
    kind: UploadKind,
    table: Table,
    answers: Answers,
    log: ProblemLog,
    organizations: dict[str, str],
) -> Normalised:
    """Count the members of a membership list by school year and organization (or outside school)."""
    roles = _roles(kind, table.header)
    frame, rows = table.frame, table.rows
    template = {spelling(c.label) for c in kind.person_list}
    own = all(spelling(h) in template for h in table.header)
    label = ("Dashboard template: " if own else "") + (
        "AMSEL membership list, counted by organization (names are not stored)"
    )
    missing = [c for c in kind.person_list if c.required and c.name not in roles and c.name != "school_year"]
    for col in missing:
        log.add(
            f"a column “{col.label}” ({col.description}); the header has {', '.join(table.header)}",
            row=table.header_row,
            column=col.label,
            code=pr.MISSING_COLUMN,
        )
    if missing:
        return Normalised(None, "member list", [label])
    data = ~frame.isna().all(axis=1).to_numpy()
    short = np.isin(rows, list(table.short_rows)) & data
    if short.any():
        log.add_rows(
            "as many values as the header has headings; this row has fewer",
            rows=rows[short],
            code=pr.MISSING_CELL,
        )
    data &= ~short

    def cells(name: str) -> pd.Series:
        header = roles.get(name)
        if header is None:
            return pd.Series(None, index=frame.index, dtype=object)
        if "\u0000" in header:  # first and last name
            first, last = header.split("\u0000")
            joined = frame[first].fillna("").astype(str) + " " + frame[last].fillna("").astype(str)
            return joined.str.strip().replace("", None)
        return frame[header]

    def heading(name: str) -> str:
        header = roles.get(name, kind.person_list[[c.name for c in kind.person_list].index(name)].label)
        return header.replace("\u0000", " and ")

    def blank_error(name: str, what: str, mask: np.ndarray) -> None:
        log.add_rows(
            f"{what}; this cell is empty", rows=rows[mask], column=heading(name), code=pr.MISSING_VALUE
        )

    def unread_error(name: str, raw: pd.Series, read: pd.Series, expected: str, code: str) -> None:
        """Each row whose cell holds something `read` could not make sense of, quoting the cell."""
        bad = data & raw.notna().to_numpy() & read.isna().to_numpy()
        log.add_rows(expected, rows=rows[bad], values=raw[bad].tolist(), column=heading(name), code=code)

    # The school year: a column, the title, or the person's answer; asked for, never guessed.
    questions: list[Question] = []
    year_parts: list[str] = []
    if "school_year" in roles:
        raw = cells("school_year")
        years = v.school_years(raw).astype(object)
        unread_error("school_year", raw, years, "a school year such as 2023-24", pr.NOT_A_SCHOOL_YEAR)
        blank_error("school_year", "a school year", data & raw.isna().to_numpy())
        years = years.where(years.notna(), answers.school_year)
    else:
        year = title_school_year(table.title) or answers.school_year
        if year is None:
            questions.append(Question("school_year", "School year: not in the file — choose one"))
            return Normalised(
                None, "member list", [label, "school year: not in the file — choose one"], questions
            )
        years = pd.Series(year, index=frame.index, dtype=object)
        year_parts.append(f"school year {year}")

    names = cells("member").map(lambda x: clean_name(str(x)) if isinstance(x, str) else None)
    blank_error(
        "member",
        "the member's name (used to count each person once; not stored)",
        data & names.isna().to_numpy(),
    )

    # Organizations: a DESE code where the row has one, else DESE's name, else a school outside DESE.
    org_names = cells("organization")
    code_cells = cells("org_code")
    codes, malformed = v.org_codes(code_cells)
    bad = data & malformed
    log.add_rows(
        "DESE's 8-digit organization code such as 00350000, or nothing for an independent school",
        rows=rows[bad],
        values=code_cells[bad].tolist(),
        column=heading("org_code"),
        code=pr.NOT_AN_ORG_CODE,
    )
    # An organization cell holding a code (lists sometimes put it there) is read as one.
    in_name, _ = v.org_codes(
        org_names.where(org_names.map(lambda x: isinstance(x, str) and x.strip().isdigit()))
    )
    codes = codes.where(codes.notna(), in_name)
    codes = codes.where(codes.isna(), codes.str[:4] + "0000")  # a school counts for its district
    by_name = {organization_key(n): c for c, n in organizations.items()}
    named = org_names.map(lambda x: by_name.get(organization_key(x)) if isinstance(x, str) else None)
    codes = codes.where(codes.notna(), named)
    outside = org_names.map(lambda x: clean_name(x) if isinstance(x, str) else None).where(codes.isna())
    no_org = data & codes.isna().to_numpy() & outside.isna().to_numpy() & ~malformed
    blank_error("organization", "the member's organization or school", no_org)
    too_long = data & outside.map(lambda x: isinstance(x, str) and len(x) > NAME_MAX).to_numpy(bool)
    log.add_rows(
        f"a school's name of at most {NAME_MAX} characters",
        rows=rows[too_long],
        values=[shorten(x) for x in outside[too_long]],
        column=heading("organization"),
        code=pr.NAME_TOO_LONG,
    )

    # Start date, membership, mentor, meetings, subcommittees.
    starts_raw = cells("start_date")
    starts = starts_raw.map(lambda x: parse_date(x) if isinstance(x, str) else None)
    unread_error(
        "start_date",
        starts_raw,
        starts,
        "a date such as 2023-08-15 or 8/15/2023: when the member started in their role",
        pr.NOT_A_DATE,
    )
    blank_error("start_date", "when the member started in their role", data & starts_raw.isna().to_numpy())

    membership_raw = cells("membership")
    membership = v.by_unique(membership_raw, _membership).astype(object)
    unread_error("membership", membership_raw, membership, "Individual or District", pr.NOT_ACCEPTED)
    blank_error("membership", "Individual or District", data & membership_raw.isna().to_numpy())

    mentor_raw = cells("mentor_assigned")
    mentor = v.yes_no(mentor_raw).astype(object)
    unread_error("mentor_assigned", mentor_raw, mentor, "Yes or No", pr.NOT_YES_OR_NO)

    attended_raw = cells("meetings_attended")
    held_raw = cells("meetings_held")
    pairs = attended_raw.map(lambda x: _OF.match(x) if isinstance(x, str) else None)
    in_pairs = pairs.notna().to_numpy()
    plain_attended = v.numbers(attended_raw.where(~in_pairs, None))
    attended = np.where(in_pairs, [float(m.group(1)) if m else np.nan for m in pairs], plain_attended.values)
    held_numbers = v.numbers(held_raw)
    held = np.where(in_pairs, [float(m.group(2)) if m else np.nan for m in pairs], held_numbers.values)
    default_held = np.isnan(held) & ~held_numbers.refused
    held = np.where(default_held, float(d.AMSEL_MEETINGS_A_YEAR), held)
    for name, numbers, values in (
        ("meetings_attended", plain_attended, attended),
        ("meetings_held", held_numbers, held),
    ):
        source = attended_raw if name == "meetings_attended" else held_raw
        wrong = data & (
            numbers.refused
            | (
                np.isfinite(values)
                & ((values < 0) | (np.abs(values - np.round(values)) > 1e-9) | (values > 31))
            )
        )
        if name == "meetings_attended":
            wrong &= ~in_pairs
            wrong |= data & in_pairs & np.isfinite(values) & (values > 31)
        log.add_rows(
            "a whole number of meetings from 0 to 31 (or attended as “7 of 10”)",
            rows=rows[wrong],
            values=source[wrong].tolist(),
            column=heading(name),
            code=pr.NOT_A_NUMBER if name != "meetings_held" else pr.OUT_OF_RANGE,
        )
    blank_error("meetings_attended", "meetings attended (0 or more)", data & attended_raw.isna().to_numpy())
    over = data & np.isfinite(attended) & np.isfinite(held) & (attended > held)
    log.add_rows(
        "no more meetings attended than were held"
        + (f" ({d.AMSEL_MEETINGS_A_YEAR} a year, September to June, where the file does not say)"),
        rows=rows[over],
        values=attended_raw[over].tolist(),
        column=heading("meetings_attended"),
        code=pr.OUT_OF_RANGE,
    )

    subcommittees = cells("subcommittees").map(subcommittee_count)

    people = pd.DataFrame(
        {
            "row": rows,
            "school_year": years.to_numpy(dtype=object),
            "name": names.map(lambda x: spelling(x) if isinstance(x, str) else None).to_numpy(dtype=object),
            "org_code": codes.to_numpy(dtype=object),
            "outside_school": outside.to_numpy(dtype=object),
            "start": starts.to_numpy(dtype=object),
            "membership": membership.to_numpy(dtype=object),
            "mentor": mentor.to_numpy(dtype=object),
            "attended": attended,
            "held": held,
            "subcommittees": subcommittees.to_numpy(dtype=object),
        }
    )[data]
    people["org_key"] = people["org_code"].where(
        people["org_code"].notna(), "outside:" + people["outside_school"].fillna("").map(spelling)
    )
    people["new"] = [
        isinstance(s, date) and isinstance(y, str) and d.new_to_role(s.isoformat(), y)
        for s, y in zip(people["start"], people["school_year"], strict=True)
    ]
    needs_mentor = people["new"].to_numpy(bool) & people["mentor"].isna().to_numpy()
    log.add_rows(
        "Yes or No for a member new to their role (who should have a mentor); this cell is empty",
        rows=people["row"].to_numpy()[needs_mentor],
        column=heading("mentor_assigned"),
        code=pr.MISSING_VALUE,
    )
    _repeated_members(people, log)
    people = people.drop_duplicates(["school_year", "org_key", "name"], keep="first")
    if log.has_errors or questions:
        return Normalised(None, "member list", [label, *year_parts], questions)

    _say_outside_schools(people, log, heading("organization"))
    people["district"] = people["membership"] == "District"
    people["with_mentor"] = people["new"] & people["mentor"].eq(True)
    people["every"] = people["attended"] >= people["held"]
    people["in_sub"] = people["subcommittees"].astype(int) > 0
    grouped = people.groupby(["school_year", "org_key"], sort=True, dropna=False)
    facts = grouped.agg(
        org_code=("org_code", "first"),
        outside_school=("outside_school", "first"),
        members=("name", "size"),
        district_members=("district", "sum"),
        new_to_role=("new", "sum"),
        new_with_mentor=("with_mentor", "sum"),
        every_meeting=("every", "sum"),
        in_subcommittee=("in_sub", "sum"),
    ).reset_index()
    facts["org_code"] = facts["org_code"].where(facts["org_code"].notna(), None)
    facts["outside_school"] = facts["outside_school"].where(facts["org_code"].isna(), None)
    for col in (
        "members",
        "district_members",
        "new_to_role",
        "new_with_mentor",
        "every_meeting",
        "in_subcommittee",
    ):
        facts[col] = facts[col].astype(int)
    facts = facts[kind.column_names]
    dese = facts["org_code"].notna()
    parts = [
        label,
        f"{len(people):,} member{'s' if len(people) != 1 else ''} in {int(dese.sum()):,} of DESE's "
        f"organizations and {int((~dese).sum()):,} school{'s' if (~dese).sum() != 1 else ''} outside them",
        *year_parts,
    ]
    if default_held[data].any():
        parts.append(
            f"meetings held: {d.AMSEL_MEETINGS_A_YEAR} a year (monthly, September to June), as the file does "
            "not say; add a “Meetings Held” column if that is not right"
        )
    return Normalised(facts, "member list", parts, [])


def _repeated_members(people: pd.DataFrame, log: ProblemLog) -> None:
    """The same member (name and organization) twice in a year's list: counted once; said as a warning when
    the rows agree, refused when they do not (which one is right would be a guess)."""
    key = ["school_year", "org_key", "name"]
    repeated = people[people.duplicated(key, keep=False) & people["name"].notna()]
    facts = ["start", "membership", "mentor", "attended", "held", "subcommittees"]
    for _, group in repeated.groupby(key, sort=False):
        first = group.iloc[0]
        for _, again in group.iloc[1:].iterrows():
            same = all(
                (a == b) or (a != a and b != b) for a, b in zip(first[facts], again[facts], strict=True)
            )
            log.add(
                f"each member once a year; this row lists the member of row {int(first['row'])} again, so "
                "it is counted once"
                if same
                else f"each member once a year; row {int(first['row'])} lists the same member with "
                "different details. Remove the row that is wrong",
                row=int(again["row"]),
                severity=WARNING if same else "error",
                code=pr.DUPLICATE_ROW if same else pr.DUPLICATE_KEY,
            )


def _say_outside_schools(people: pd.DataFrame, log: ProblemLog, column: str) -> None:
    """One warning per school outside DESE's organizations: counted apart, under its name."""
    outside = people[people["org_code"].isna()]
    for school, group in outside.groupby("outside_school", sort=True):
        n = len(group)
        log.add(
            f"one of DESE's organizations, or an independent school; “{shorten(school)}” is not one of DESE's, "
            f"so its {n} member{'s are' if n != 1 else ' is'} counted apart as a school outside DESE's "
            "organizations (give its Org Code if it is a DESE school under another name)",
            row=int(group["row"].iloc[0]),
            column=column,
            value=school,
            severity=WARNING,
            code=pr.OUTSIDE_DESE,
        )
