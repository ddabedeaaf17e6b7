"""Which header cell of a file plays which part: the contract's columns, the organization's code and name,
and (in a wide file) each race's count or percentage and the row total; and the cells that would play a part
another cell already has."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analytics.contracts import ORG_CODE, Column, UploadKind
from analytics.ingest import problems
from analytics.ingest.problems import ProblemLog
from analytics.ingest.reading import Table, column_letter
from analytics.ingest.vocabulary import IGNORED_KEYS, PERSON_KEYS, race_column, spelling

# Columns a file may carry beside its kind's own, naming and placing its organizations: names are read for
# organizations new to the dashboard, and the type and district tell a school row from its district's row.
# Never stored with the facts. (Their `name` is only what headers are matched on, preferred spelling first.)
ORG_NAME = Column(
    "org_name",
    "VARCHAR",
    "Org Name",
    required=False,
    aliases=(
        "school name",
        "district name",
        "organization name",
        "dist name",
        "organization",
        "district",
        "school",
    ),
)
ORG_TYPE = Column(
    "org_type", "VARCHAR", "Org Type", required=False, aliases=("organization type", "org level")
)
DISTRICT_CODE = Column("dist_code", "VARCHAR", "Dist Code", required=False, aliases=("district code",))
DISTRICT_NAME = Column("dist_name", "VARCHAR", "Dist Name", required=False, aliases=("district name",))
ORGANIZATION_CONTEXT = (ORG_NAME, ORG_TYPE, DISTRICT_CODE, DISTRICT_NAME)


def column_headers(col: Column) -> tuple[str, ...]:
    """Every normalised header that names a contract column, the preferred spelling first."""
    return (spelling(col.name), spelling(col.label), *col.aliases)


def column_keys(col: Column) -> set[str]:
    """Every normalised header that names a contract column."""
    return set(column_headers(col))


def row_total_headers(kind: UploadKind) -> tuple[str, ...]:
    """The headers of a wide file's row total for `kind` (none for kinds with no wide form)."""
    return kind.row_total.row_total_aliases if kind.row_total else ()


def header_vocabulary(kind: UploadKind) -> set[str]:
    """Every header key recognised for `kind` (wide race columns are recognised separately)."""
    columns = (*kind.columns, *kind.person_list, ORG_CODE, *ORGANIZATION_CONTEXT)
    words = set().union(*(column_keys(c) for c in columns))
    return words | IGNORED_KEYS | set(row_total_headers(kind))


def header_scorer(kind: UploadKind):
    """A function scoring how much a row looks like this kind's header: distinct recognised cells."""
    words = header_vocabulary(kind)
    wide = kind.row_total is not None

    def score(cells: list[str]) -> int:
        found = set()
        for c in cells:
            k = spelling(c)
            if k and (k in words or (wide and race_column(k))):
                found.add(k)
        return len(found)

    return score


@dataclass
class Roles:
    """Which header cell plays which part, and which cells would play a part another cell already has."""

    keys: dict[str, str]  # header as written -> normalised key
    race_counts: dict[str, str] = field(default_factory=dict)  # race -> header
    race_percents: dict[str, str] = field(default_factory=dict)
    total: str | None = None
    org_code: str | None = None
    district_code: str | None = None
    org_name: str | None = None
    district_name: str | None = None
    org_type: str | None = None
    contract: dict[str, str] = field(default_factory=dict)  # contract column name -> header
    people: list[str] = field(default_factory=list)
    # (what the columns hold, the header that has the part, another header that would have it)
    same_role: list[tuple[str, str, str]] = field(default_factory=list)


def _first(keys: dict[str, str], wanted: tuple[str, ...] | frozenset[str], taken: set[str]) -> str | None:
    for w in wanted:
        for header, k in keys.items():
            if k == w and header not in taken:
                return header
    return None


# How reading.py names the second of two cells headed alike: "FTE" and "FTE (2)".
_REPEATED_HEADER = re.compile(r"^(.*) \((\d+)\)$")


def find_roles(kind: UploadKind, header: list[str]) -> Roles:
    """Assign each header cell its part, preferring the most specific spelling; two cells for one part
    (two FTE columns, two race columns, two codes, two school years) are listed in `same_role`, since
    reading either one would be a guess."""
    keys = {h: spelling(h) for h in header}
    roles = Roles(keys)
    wide_kind = kind.row_total is not None
    for h, k in keys.items():
        found = race_column(k)
        if found and wide_kind:
            race, measure = found
            target = roles.race_counts if measure == "count" else roles.race_percents
            if race in target:
                roles.same_role.append((_race_role(race, measure), target[race], h))
            else:
                target[race] = h
    wide_headers = set(roles.race_counts.values()) | set(roles.race_percents.values())
    taken = set(wide_headers)
    # The organization: ORG_CODE over SCHOOL/DISTRICT CODE; DIST_CODE names the district of school rows.
    roles.org_code = _first(keys, column_headers(ORG_CODE), taken)
    taken.add(roles.org_code or "")
    roles.district_code = _first(keys, column_headers(DISTRICT_CODE), taken)
    roles.org_name = _first(keys, column_headers(ORG_NAME), taken)
    taken.add(roles.org_name or "")
    roles.district_name = _first(keys, column_headers(DISTRICT_NAME), taken)
    roles.org_type = _first(keys, column_headers(ORG_TYPE), taken)
    if roles.org_code is None and roles.district_code is not None:
        roles.org_code, roles.district_code = roles.district_code, None
    taken |= {roles.district_code or "", roles.district_name or "", roles.org_type or ""}
    total_keys = row_total_headers(kind)
    if wide_kind and wide_headers:
        roles.total = _first(keys, total_keys, taken)
        taken.add(roles.total or "")
    for col in kind.columns:
        if col.name == "org_code" and roles.org_code:
            roles.contract[col.name] = roles.org_code
            continue
        found = _first(keys, column_headers(col), taken)
        if found:
            roles.contract[col.name] = found
            taken.add(found)
    roles.people = [h for h, k in keys.items() if k in PERSON_KEYS]
    _same_role(kind, roles, total_keys if roles.total else ())
    return roles


def _race_role(race: str, measure: str) -> str:
    return f"{race} {'count' if measure == 'count' else 'percentage'}"


def _same_role(kind: UploadKind, roles: Roles, total_keys: tuple[str, ...]) -> None:
    """List the header cells left over that would fill a part another cell has: which one to read would
    be a guess. (Names and the organization type only label things, so a second one is left alone.)"""
    measure = kind.row_total
    if roles.total and measure and measure.name in roles.contract:
        # A wide file's row total is its FTE (or students) column: "FTE Count" and "FTE" are two of them.
        roles.same_role.append((measure.label, roles.total, roles.contract.pop(measure.name)))
    used = set(roles.contract.values()) | set(roles.race_counts.values()) | set(roles.race_percents.values())
    used |= {roles.total, roles.org_code, roles.district_code, roles.org_name, roles.district_name}
    used |= {roles.org_type}
    district_keys = column_keys(DISTRICT_CODE)
    code_keys = column_keys(ORG_CODE) | district_keys
    uses_codes = "org_code" in kind.column_names
    already = {other for _, _, other in roles.same_role}
    for h, k in roles.keys.items():
        if h in used or h in already:
            continue
        repeated = _REPEATED_HEADER.match(h)
        if repeated and repeated.group(1) in roles.keys:
            k = roles.keys[repeated.group(1)]  # the same heading twice: the second plays the first's part
            found = race_column(k)
            if found and measure:
                race, measure_of = found
                target = roles.race_counts if measure_of == "count" else roles.race_percents
                if race in target:
                    roles.same_role.append((_race_role(race, measure_of), target[race], h))
                    continue
        holder, what = None, ""
        if total_keys and k in total_keys:
            holder, what = roles.total, measure.label
        elif uses_codes and k in code_keys and roles.org_code:
            in_district = k in district_keys and roles.district_code
            holder = roles.district_code if in_district else roles.org_code
            what = "district code" if in_district else "organization code"
        else:
            for col in kind.columns:
                if col.name in roles.contract and k in column_keys(col):
                    holder, what = roles.contract[col.name], col.label
                    break
        if holder is not None and holder != h:
            roles.same_role.append((what, holder, h))


def report_same_role(table: Table, roles: Roles, log: ProblemLog) -> None:
    """Refuse two columns for one part, naming both as headed and where they are."""
    where = {h: column_letter(i) for i, h in enumerate(table.header)}
    for what, kept, other in roles.same_role:
        log.add(
            f"one {what} column; “{kept}” (column {where.get(kept, '?')}) and “{other}” (column "
            f"{where.get(other, '?')}) both hold it, and reading either would be a guess. Keep one of them "
            "(delete or rename the other)",
            row=table.header_row,
            column=other,
            code=problems.SAME_ROLE,
        )


def is_template(kind: UploadKind, roles: Roles) -> bool:
    """Whether the file is the dashboard's own template: every column headed by its contract name or
    label, and no one's name in it."""
    labels = {spelling(c.label) for c in kind.columns} | {spelling(c.name) for c in kind.columns}
    return all(roles.keys[h] in labels for h in roles.contract.values()) and not roles.people
