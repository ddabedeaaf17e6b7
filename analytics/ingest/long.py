"""The long shapes: one row per fact (the dashboard's templates, DESE's lists) or, for a roster, one row
per person; each contract column read by its type and accepted values."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.contracts import Column, UploadKind
from analytics.ingest import problems
from analytics.ingest import values as cell_values
from analytics.ingest.problems import ProblemLog
from analytics.ingest.reading import Table
from analytics.ingest.roles import Roles, is_template
from analytics.ingest.roster import add_up_roster, unknown_race_for_blanks
from analytics.ingest.steps import (
    RACE_LIST,
    Answers,
    NameInFile,
    Normalised,
    Question,
    Resolver,
    cells_at,
    drop_repeated_grain,
    job_classes_of,
    number_problems,
    org_codes_of,
    plain_values,
    plural,
    rows_at,
    school_years_of,
    short_rows,
)
from analytics.ingest.vocabulary import spelling


def normalise_long(
    kind: UploadKind,
    table: Table,
    roles: Roles,
    answers: Answers,
    log: ProblemLog,
    *,
    roster: bool,
    allowed: frozenset[str] | None = None,
) -> Normalised:
    """One row per fact (the templates, DESE's lists) or, for a roster, one row per person."""
    questions: list[Question] = []
    resolver = Resolver(table, answers, log, questions, allowed)
    label = _long_label(kind, roles, roster)
    rows_with_data = ~table.frame.isna().all(axis=1).to_numpy()
    data = rows_with_data & ~short_rows(table, rows_with_data, log)
    _refuse_missing_columns(kind, table, roles, log)
    read = _read_long_columns(kind, table, roles, resolver, log, data, roster=roster)
    parts = read.parts
    if questions or any(c.name not in read.columns for c in kind.columns if c.required):
        return Normalised(
            None, "roster" if roster else "template", [p for p in [label, *parts] if p], questions
        )
    long = _long_frame(kind, table, read)
    org_names = _long_org_names(table, roles, read, long)
    if roster:
        facts, people = add_up_roster(kind, long)
        parts = [label, people, *parts]
        return Normalised(facts, "roster", [p for p in parts if p], [], org_names)
    long = drop_repeated_grain(kind, plain_values(long), table.rows[read.data], log)
    facts, schools = _sum_schools_into_districts(kind, long)
    parts = [label, *_long_scope(kind, facts), *parts, schools]
    return Normalised(facts, "template", [p for p in parts if p], [], org_names)


def _long_label(kind: UploadKind, roles: Roles, roster: bool) -> str:
    """What the file is, in words: a per-person roster, the dashboard's template, or a list."""
    if roster:
        return "Per-person staff roster, added up by organization, school year, job class and race" + (
            " (names and employee ids are not stored)" if roles.people else ""
        )
    return "Dashboard template" if is_template(kind, roles) else f"{kind.title} list"


# Columns the person uploading can give for the whole file, when it has none: asked for, not refused.
_ANSWERABLE = frozenset({"school_year", "job_class", "org_code"})


def _refuse_missing_columns(kind: UploadKind, table: Table, roles: Roles, log: ProblemLog) -> None:
    """Refuse a file without a required column that no answer can stand in for."""
    for col in kind.columns:
        if col.name in roles.contract or not col.required or col.name in _ANSWERABLE:
            continue
        also = [a for a in col.aliases if a not in (spelling(col.label),)][:4]
        log.add(
            f"a column “{col.label}”"
            + (f" (also read: {', '.join(also)})" if also else "")
            + f"; the header has {', '.join(table.header)}",
            row=table.header_row,
            column=col.label,
            code=problems.MISSING_COLUMN,
        )


@dataclass
class _LongColumns:
    """Each contract column read from a long file (or from the answers), and what was said on the way."""

    columns: dict[str, pd.Series]  # contract column name -> parsed values, one per table row
    parts: list[str]  # recognition phrases
    data: np.ndarray  # the rows that are data (rows totalling every job class are not)


def _read_long_columns(
    kind: UploadKind,
    table: Table,
    roles: Roles,
    resolver: Resolver,
    log: ProblemLog,
    data: np.ndarray,
    *,
    roster: bool,
) -> _LongColumns:
    """Each contract column parsed, its problems reported: the year, job class and organization from
    their columns or the answers, every other column from its own."""
    out: dict[str, pd.Series] = {}
    parts: list[str] = []
    data = data.copy()
    for col in kind.columns:
        header = roles.contract.get(col.name)
        if col.name == "school_year":
            years, phrase = school_years_of(table, header, resolver, log, data)
            if years is not None:
                out[col.name] = years
            parts.append(phrase)
        elif col.name == "job_class":
            job, phrase, all_rows = job_classes_of(table, header, resolver, log, data)
            data &= ~all_rows
            if job is not None:
                out[col.name] = job
            parts.append(phrase)
        elif col.name == "org_code":
            codes = org_codes_of(table, header, resolver, log, data)
            if codes is not None:
                out[col.name] = codes
            if header is None:
                chosen = resolver.answers.district
                parts.append(
                    f"district {chosen} (as you chose; the file has no organization code column)"
                    if chosen
                    else "district: not in the file — choose one"
                )
        elif header is not None:
            out[col.name] = _read_long_column(col, table, header, log, data, roster=roster)
    return _LongColumns(out, parts, data)


def _read_long_column(
    col: Column, table: Table, header: str, log: ProblemLog, data: np.ndarray, *, roster: bool
) -> pd.Series:
    """One column's values, parsed by its contract; each value that is not one it accepts, and each
    empty required cell, is reported."""
    raw = table.frame[header]
    blank = data & raw.isna().to_numpy()
    expected, code = "", ""
    if col.name == "race":
        parsed = cell_values.races(raw)
        if roster:
            parsed, blank = unknown_race_for_blanks(table, header, parsed, raw, blank, log)
        expected, code = RACE_LIST, problems.UNKNOWN_RACE
    elif col.name.endswith("org_code"):
        parsed, malformed = cell_values.org_codes(raw)
        bad = data & malformed
        log.add_rows(
            "DESE's 8-digit organization code such as 00350000 (leading zeros may be left out)",
            rows=rows_at(table, bad),
            values=cells_at(table, header, bad),
            column=header,
            code=problems.NOT_AN_ORG_CODE,
        )
    elif col.name.endswith("_year"):
        parsed, expected, code = (
            cell_values.school_years(raw),
            "a school year such as 2023-24",
            problems.NOT_A_SCHOOL_YEAR,
        )
    elif col.name in ("placement_role",):
        parsed, code = cell_values.job_classes(raw), problems.UNKNOWN_JOB_CLASS
        expected = "one of " + ", ".join(col.accepted or ())
    elif col.accepted:
        parsed, code = cell_values.accepted_values(raw, col.accepted), problems.NOT_ACCEPTED
        expected = "one of " + ", ".join(col.accepted)
    elif col.dtype == "BOOLEAN":
        parsed, expected, code = cell_values.yes_no(raw), "Yes or No", problems.NOT_YES_OR_NO
    elif col.dtype in ("DOUBLE", "INTEGER"):
        parsed = _read_long_numbers(col, table, header, log, data, roster=roster)
    else:
        parsed = raw
    if expected:
        bad = data & raw.notna().to_numpy() & parsed.isna().to_numpy()
        log.add_rows(
            expected, rows=rows_at(table, bad), values=cells_at(table, header, bad), column=header, code=code
        )
    if col.required:
        log.add_rows(
            f"a value for “{col.label}” (required); this cell is empty",
            rows=rows_at(table, blank),
            column=header,
            code=problems.MISSING_VALUE,
        )
    return parsed


def _read_long_numbers(
    col: Column, table: Table, header: str, log: ProblemLog, data: np.ndarray, *, roster: bool
) -> pd.Series:
    """A number column's values; cells that are no number, below the column's least, beyond any real
    figure or (for a count) not whole are reported."""
    nums = cell_values.numbers(table.frame[header], decimal_comma=table.delimiter == ";")
    values = nums.values
    floor = 1 if col.name == "cohort" else 0
    low = data & (values < floor)
    what = "a whole number" if col.dtype == "INTEGER" else "a number"
    what += f" ({floor} or more)"
    bound = cell_values.FTE_PER_PERSON if roster and col.name == "fte" else cell_values.BOUNDS.get(col.name)
    number_problems(table, header, nums, data, log, what, bound=bound)
    log.add_rows(
        f"{what}",
        rows=rows_at(table, low),
        values=cells_at(table, header, low),
        column=header,
        code=problems.BELOW_MINIMUM,
    )
    if col.dtype == "INTEGER":
        fractional = data & np.isfinite(values) & (np.abs(values - np.round(values)) > 1e-9)
        log.add_rows(
            what,
            rows=rows_at(table, fractional),
            values=cells_at(table, header, fractional),
            column=header,
            code=problems.NOT_A_WHOLE_NUMBER,
        )
    return pd.Series(values, index=table.frame.index)


def _long_frame(kind: UploadKind, table: Table, read: _LongColumns) -> pd.DataFrame:
    """The rows of data, one column per contract column (optional ones the file lacks left empty)."""
    index = table.frame.index
    long = pd.DataFrame(
        {c.name: read.columns.get(c.name, pd.Series(None, index=index)) for c in kind.columns}
    )
    return long[read.data]


def _long_org_names(
    table: Table, roles: Roles, read: _LongColumns, long: pd.DataFrame
) -> dict[str, NameInFile]:
    """Names for organizations the warehouse may not know yet: each district's first name in the file."""
    if not roles.org_name or "org_code" not in read.columns:
        return {}
    names = table.frame[roles.org_name][read.data]
    pairs = pd.DataFrame(
        {
            "code": long["org_code"].to_numpy(dtype=object),
            "name": names.to_numpy(dtype=object),
            "row": table.rows[read.data],
        }
    )
    # Only the distinct pairs are looked at, in the order they first appear: a roster repeats them per person.
    org_names: dict[str, NameInFile] = {}
    for c, nm, row in pairs.drop_duplicates(["code", "name"]).itertuples(index=False):
        if isinstance(c, str) and isinstance(nm, str):
            org_names.setdefault(
                c[:4] + "0000", NameInFile(nm.split(" - ")[0].strip(), int(row), roles.org_name)
            )
    return org_names


def _sum_schools_into_districts(kind: UploadKind, facts: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Staffing and enrollment count for districts: school rows are summed into theirs (and said so)."""
    measure = kind.row_total
    if measure is None:
        return facts, ""
    codes = facts["org_code"]
    schools = (codes.notna() & ~codes.str.endswith("0000").fillna(True)).sum()
    facts = facts.assign(org_code=codes.str[:4] + "0000")
    facts = facts.groupby([c for c in kind.column_names if c != measure.name], as_index=False, sort=True)[
        measure.name
    ].sum()
    if measure.dtype == "DOUBLE":  # FTE, kept to DESE's precision
        facts[measure.name] = facts[measure.name].round(3)
    return facts, f"{plural(int(schools), 'school row')} summed into their districts" if schools else ""


def _long_scope(kind: UploadKind, facts: pd.DataFrame) -> list[str]:
    """How many of what its rows are (fellows, where the contract counts them) and organizations the facts
    cover, in words."""
    scope = []
    if kind.counted_as:
        scope.append(plural(len(facts), kind.counted_as))
    if facts[kind.org_column].notna().any():
        scope.append(plural(facts[kind.org_column].nunique(), "organization"))
    return scope
