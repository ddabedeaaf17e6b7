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
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from analytics import definitions
from analytics.contracts import UploadKind
from analytics.ingest import problems
from analytics.ingest import values as cell_values
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
    label = _label(kind, table)
    if _refuse_missing_columns(kind, table, roles, log):
        return Normalised(None, "member list", [label])
    sheet = _Sheet(kind, table, roles, log, _data_rows(table, log))
    years, year_parts = _school_years(sheet, answers)
    if years is None:
        questions = [Question("school_year", "School year: not in the file — choose one")]
        return Normalised(
            None, "member list", [label, "school year: not in the file — choose one"], questions
        )
    names = _names(sheet)
    codes, outside = _organizations(sheet, organizations)
    starts = _start_dates(sheet)
    membership, mentor = _memberships(sheet), _mentors(sheet)
    meetings = _meetings(sheet)
    subcommittees = sheet.cells("subcommittees").map(subcommittee_count)
    people = pd.DataFrame(
        {
            "row": table.rows,
            "school_year": years.to_numpy(dtype=object),
            "name": names.map(lambda x: spelling(x) if isinstance(x, str) else None).to_numpy(dtype=object),
            "org_code": codes.to_numpy(dtype=object),
            "outside_school": outside.to_numpy(dtype=object),
            "start": starts.to_numpy(dtype=object),
            "membership": membership.to_numpy(dtype=object),
            "mentor": mentor.to_numpy(dtype=object),
            "attended": meetings.attended,
            "held": meetings.held,
            "subcommittees": subcommittees.to_numpy(dtype=object),
        }
    )[sheet.data]
    people = _people_once(sheet, people)
    if log.has_errors:
        return Normalised(None, "member list", [label, *year_parts], [])
    _say_outside_schools(people, log, sheet.heading("organization"))
    facts = _count_members(kind, people)
    dese = facts["org_code"].notna()
    parts = [
        label,
        f"{len(people):,} member{'s' if len(people) != 1 else ''} in {int(dese.sum()):,} of DESE's "
        f"organizations and {int((~dese).sum()):,} school{'s' if (~dese).sum() != 1 else ''} outside them",
        *year_parts,
    ]
    if meetings.default_held[sheet.data].any():
        parts.append(
            f"meetings held: {definitions.AMSEL_MEETINGS_A_YEAR} a year (monthly, September to June), as the "
            "file does not say; add a “Meetings Held” column if that is not right"
        )
    return Normalised(facts, "member list", parts, [])


def _label(kind: UploadKind, table: Table) -> str:
    """What the file is, in words: the list, or the dashboard's template of it."""
    template = {spelling(c.label) for c in kind.person_list}
    own = all(spelling(h) in template for h in table.header)
    return ("Dashboard template: " if own else "") + (
        "AMSEL membership list, counted by organization (names are not stored)"
    )


def _refuse_missing_columns(kind: UploadKind, table: Table, roles: dict[str, str], log: ProblemLog) -> bool:
    """Refuse a list without a required column (the school year may be asked for); True if one is missing."""
    missing = [c for c in kind.person_list if c.required and c.name not in roles and c.name != "school_year"]
    for col in missing:
        log.add(
            f"a column “{col.label}” ({col.description}); the header has {', '.join(table.header)}",
            row=table.header_row,
            column=col.label,
            code=problems.MISSING_COLUMN,
        )
    return bool(missing)


def _data_rows(table: Table, log: ProblemLog) -> np.ndarray:
    """The rows with anything in them, less the rows cut short (each refused)."""
    rows = table.rows
    data = ~table.frame.isna().all(axis=1).to_numpy()
    short = np.isin(rows, list(table.short_rows)) & data
    if short.any():
        log.add_rows(
            "as many values as the header has headings; this row has fewer",
            rows=rows[short],
            code=problems.MISSING_CELL,
        )
    return data & ~short


@dataclass
class _Sheet:
    """A membership list being read: its columns by role, its rows of data, and how problems are named."""

    kind: UploadKind
    table: Table
    roles: dict[str, str]  # person-list column name -> header ("First\u0000Last" for two name columns)
    log: ProblemLog
    data: np.ndarray  # the rows of data

    def cells(self, name: str) -> pd.Series:
        """The cells of a person-list column (empty where the file has none)."""
        frame = self.table.frame
        header = self.roles.get(name)
        if header is None:
            return pd.Series(None, index=frame.index, dtype=object)
        if "\u0000" in header:  # first and last name
            first, last = header.split("\u0000")
            joined = frame[first].fillna("").astype(str) + " " + frame[last].fillna("").astype(str)
            return joined.str.strip().replace("", None)
        return frame[header]

    def heading(self, name: str) -> str:
        """The column as the file heads it (or as the template does, where the file has none)."""
        person_list = self.kind.person_list
        header = self.roles.get(name, person_list[[c.name for c in person_list].index(name)].label)
        return header.replace("\u0000", " and ")

    def blank_error(self, name: str, what: str, mask: np.ndarray) -> None:
        """Each row of `mask`, whose cell of `name` is empty, refused."""
        self.log.add_rows(
            f"{what}; this cell is empty",
            rows=self.table.rows[mask],
            column=self.heading(name),
            code=problems.MISSING_VALUE,
        )

    def unread_error(self, name: str, raw: pd.Series, read: pd.Series, expected: str, code: str) -> None:
        """Each row whose cell holds something `read` could not make sense of, quoting the cell."""
        bad = self.data & raw.notna().to_numpy() & read.isna().to_numpy()
        self.log.add_rows(
            expected,
            rows=self.table.rows[bad],
            values=raw[bad].tolist(),
            column=self.heading(name),
            code=code,
        )


def _school_years(sheet: _Sheet, answers: Answers) -> tuple[pd.Series | None, list[str]]:
    """Each row's school year: a column, the title, or the person's answer; None when it must be asked
    for (never guessed). Also the phrase saying so, where it is one year for the whole file."""
    frame = sheet.table.frame
    if "school_year" in sheet.roles:
        raw = sheet.cells("school_year")
        years = cell_values.school_years(raw).astype(object)
        sheet.unread_error(
            "school_year", raw, years, "a school year such as 2023-24", problems.NOT_A_SCHOOL_YEAR
        )
        sheet.blank_error("school_year", "a school year", sheet.data & raw.isna().to_numpy())
        return years.where(years.notna(), answers.school_year), []
    year = title_school_year(sheet.table.title) or answers.school_year
    if year is None:
        return None, []
    return pd.Series(year, index=frame.index, dtype=object), [f"school year {year}"]


def _names(sheet: _Sheet) -> pd.Series:
    """Each member's name, cleaned; an empty one is refused."""
    names = sheet.cells("member").map(lambda x: clean_name(str(x)) if isinstance(x, str) else None)
    sheet.blank_error(
        "member",
        "the member's name (used to count each person once; not stored)",
        sheet.data & names.isna().to_numpy(),
    )
    return names


def _organizations(sheet: _Sheet, organizations: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """Each member's organization: a DESE code where the row has one, else DESE's name, else a school
    outside DESE (by its name). Returns (codes, outside school names)."""
    rows, data = sheet.table.rows, sheet.data
    org_names = sheet.cells("organization")
    code_cells = sheet.cells("org_code")
    codes, malformed = cell_values.org_codes(code_cells)
    bad = data & malformed
    sheet.log.add_rows(
        "DESE's 8-digit organization code such as 00350000, or nothing for an independent school",
        rows=rows[bad],
        values=code_cells[bad].tolist(),
        column=sheet.heading("org_code"),
        code=problems.NOT_AN_ORG_CODE,
    )
    # An organization cell holding a code (lists sometimes put it there) is read as one.
    in_name, _ = cell_values.org_codes(
        org_names.where(org_names.map(lambda x: isinstance(x, str) and x.strip().isdigit()))
    )
    codes = codes.where(codes.notna(), in_name)
    codes = codes.where(codes.isna(), codes.str[:4] + "0000")  # a school counts for its district
    by_name = {organization_key(n): c for c, n in organizations.items()}
    named = org_names.map(lambda x: by_name.get(organization_key(x)) if isinstance(x, str) else None)
    codes = codes.where(codes.notna(), named)
    outside = org_names.map(lambda x: clean_name(x) if isinstance(x, str) else None).where(codes.isna())
    no_org = data & codes.isna().to_numpy() & outside.isna().to_numpy() & ~malformed
    sheet.blank_error("organization", "the member's organization or school", no_org)
    too_long = data & outside.map(lambda x: isinstance(x, str) and len(x) > NAME_MAX).to_numpy(bool)
    sheet.log.add_rows(
        f"a school's name of at most {NAME_MAX} characters",
        rows=rows[too_long],
        values=[shorten(x) for x in outside[too_long]],
        column=sheet.heading("organization"),
        code=problems.NAME_TOO_LONG,
    )
    return codes, outside


def _start_dates(sheet: _Sheet) -> pd.Series:
    """When each member started in their role."""
    raw = sheet.cells("start_date")
    starts = raw.map(lambda x: parse_date(x) if isinstance(x, str) else None)
    sheet.unread_error(
        "start_date",
        raw,
        starts,
        "a date such as 2023-08-15 or 8/15/2023: when the member started in their role",
        problems.NOT_A_DATE,
    )
    sheet.blank_error(
        "start_date", "when the member started in their role", sheet.data & raw.isna().to_numpy()
    )
    return starts


def _memberships(sheet: _Sheet) -> pd.Series:
    """Each member's membership: Individual or District."""
    raw = sheet.cells("membership")
    membership = cell_values.by_unique(raw, _membership).astype(object)
    sheet.unread_error("membership", raw, membership, "Individual or District", problems.NOT_ACCEPTED)
    sheet.blank_error("membership", "Individual or District", sheet.data & raw.isna().to_numpy())
    return membership


def _mentors(sheet: _Sheet) -> pd.Series:
    """Whether each member has a mentor (empty where the list does not say)."""
    raw = sheet.cells("mentor_assigned")
    mentor = cell_values.yes_no(raw).astype(object)
    sheet.unread_error("mentor_assigned", raw, mentor, "Yes or No", problems.NOT_YES_OR_NO)
    return mentor


@dataclass
class _Meetings:
    """Monthly meetings attended and held, per row."""

    attended: np.ndarray
    held: np.ndarray
    default_held: np.ndarray  # rows where the file does not say how many were held (a year's are assumed)


def _meetings(sheet: _Sheet) -> _Meetings:
    """Meetings attended ("7", or "7 of 10") and held (a column, the "of 10", else a year's meetings);
    numbers no list could hold, and more attended than held, are refused."""
    rows, data = sheet.table.rows, sheet.data
    attended_raw = sheet.cells("meetings_attended")
    held_raw = sheet.cells("meetings_held")
    pairs = attended_raw.map(lambda x: _OF.match(x) if isinstance(x, str) else None)
    in_pairs = pairs.notna().to_numpy()
    plain_attended = cell_values.numbers(attended_raw.where(~in_pairs, None))
    attended = np.where(in_pairs, [float(m.group(1)) if m else np.nan for m in pairs], plain_attended.values)
    held_numbers = cell_values.numbers(held_raw)
    held = np.where(in_pairs, [float(m.group(2)) if m else np.nan for m in pairs], held_numbers.values)
    default_held = np.isnan(held) & ~held_numbers.refused
    held = np.where(default_held, float(definitions.AMSEL_MEETINGS_A_YEAR), held)
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
        sheet.log.add_rows(
            "a whole number of meetings from 0 to 31 (or attended as “7 of 10”)",
            rows=rows[wrong],
            values=source[wrong].tolist(),
            column=sheet.heading(name),
            code=problems.NOT_A_NUMBER if name != "meetings_held" else problems.OUT_OF_RANGE,
        )
    sheet.blank_error(
        "meetings_attended", "meetings attended (0 or more)", data & attended_raw.isna().to_numpy()
    )
    over = data & np.isfinite(attended) & np.isfinite(held) & (attended > held)
    sheet.log.add_rows(
        "no more meetings attended than were held"
        + (f" ({definitions.AMSEL_MEETINGS_A_YEAR} a year, September to June, where the file does not say)"),
        rows=rows[over],
        values=attended_raw[over].tolist(),
        column=sheet.heading("meetings_attended"),
        code=problems.OUT_OF_RANGE,
    )
    return _Meetings(attended, held, default_held)


def _people_once(sheet: _Sheet, people: pd.DataFrame) -> pd.DataFrame:
    """The members, each once a year and organization, with whether they are new to their role (those
    need a mentor said Yes or No)."""
    people["org_key"] = people["org_code"].where(
        people["org_code"].notna(), "outside:" + people["outside_school"].fillna("").map(spelling)
    )
    people["new"] = [
        isinstance(s, date) and isinstance(y, str) and definitions.new_to_role(s.isoformat(), y)
        for s, y in zip(people["start"], people["school_year"], strict=True)
    ]
    needs_mentor = people["new"].to_numpy(bool) & people["mentor"].isna().to_numpy()
    sheet.log.add_rows(
        "Yes or No for a member new to their role (who should have a mentor); this cell is empty",
        rows=people["row"].to_numpy()[needs_mentor],
        column=sheet.heading("mentor_assigned"),
        code=problems.MISSING_VALUE,
    )
    _repeated_members(people, sheet.log)
    return people.drop_duplicates(["school_year", "org_key", "name"], keep="first")


_COUNTS = (
    "members",
    "district_members",
    "new_to_role",
    "new_with_mentor",
    "every_meeting",
    "in_subcommittee",
)


def _count_members(kind: UploadKind, people: pd.DataFrame) -> pd.DataFrame:
    """The contract's counts, by school year and organization (or school outside DESE)."""
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
    for col in _COUNTS:
        facts[col] = facts[col].astype(int)
    return facts[kind.column_names]


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
                code=problems.DUPLICATE_ROW if same else problems.DUPLICATE_KEY,
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
            code=problems.OUTSIDE_DESE,
        )
