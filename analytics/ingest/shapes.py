"""Recognising what a table is (a DESE Profiles export, the open-data extract, a per-person roster, the
dashboard's own template) and turning it into the warehouse's long form, reporting each problem with the
row and column the user will find it at.

All work is column-at-a-time (pandas/numpy): problems are built only for offending rows.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics import definitions as d
from analytics.contracts import (
    DISTRICT_CODE,
    DISTRICT_NAME,
    ENROLLMENT,
    FELLOWS,
    ORG_CODE,
    ORG_NAME,
    ORG_TYPE,
    ORGANIZATION_CONTEXT,
    STAFFING,
    Column,
    UploadKind,
)
from analytics.ingest import problems as pr
from analytics.ingest import values as v
from analytics.ingest.problems import WARNING, ProblemLog
from analytics.ingest.reading import Table, column_letter, field_count_message
from analytics.ingest.vocabulary import (
    ALL_JOB_CLASSES_KEYS,
    IGNORED_KEYS,
    JOB_CLASS_SPELLINGS,
    PERSON_KEYS,
    race_column,
    spelling,
)

# Rows that total other rows (the state, or the file itself): the same people again, never added.
STATE_NAME_KEYS = frozenset(
    {
        "state",
        "state total",
        "state totals",
        "statewide",
        "statewide total",
        "massachusetts",
        "ma",
        "total",
        "totals",
        "grand total",
        "all districts",
    }
)
# Of those, the rows that total the whole state: a file carrying one is a statewide file, and the
# organizations it lists are what its years' coverage is measured against (analytics/coverage.py).
STATEWIDE_NAME_KEYS = frozenset(
    {"state", "state total", "state totals", "statewide", "statewide total", "massachusetts"}
)
RACE_LIST = (
    "one of DESE's categories: "
    + ", ".join(d.RACES)
    + " (HR spellings such as “Black or African American”, “Hispanic or Latino”, “Two or More Races” are read too)"
)
# DESE rounds each count to 0.1 FTE and each percentage to 0.1 point, so the seven parts of a row may add up
# to a little more than its (also rounded) total; totals built from many rounded parts (district or
# state rows summing schools) drift further, by up to half a percent.
HALF_ROUNDING_STEP = 0.05
RELATIVE_ROUNDING = 0.005


@dataclass(frozen=True)
class Answers:
    """What the person uploading says about what the file does not: the school year, the job class, the
    district of a one-district roster, which sheet to read, and for a report by student group the
    organization (of a one-organization report) and the student group (of a statewide one-group report)."""

    school_year: str | None = None
    job_class: str | None = None
    district: str | None = None
    sheet: str | None = None
    organization: str | None = None
    student_group: str | None = None


@dataclass(frozen=True)
class Question:
    """Something the file does not say, which the person uploading must choose."""

    name: str  # "school_year" | "job_class" | "district" | "sheet" | "organization" | "student_group"
    prompt: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameInFile:
    """An organization's name as the file writes it, and where: the row as the spreadsheet numbers it and the
    column's heading (so a name that cannot be kept is refused naming its cell)."""

    text: str
    row: int
    column: str


@dataclass
class Normalised:
    """The long-form facts a table holds, what was recognised on the way, and what must still be asked."""

    facts: pd.DataFrame | None
    shape: str  # "profiles" | "open data" | "roster" | "template"
    parts: list[str] = field(default_factory=list)  # recognition, phrase by phrase
    questions: list[Question] = field(default_factory=list)
    # Organization code -> its name in the file, where the file names it.
    org_names: dict[str, NameInFile] = field(default_factory=dict)
    covers_state: bool = False  # the file carries the State's own total row: it lists the whole state


# --- column roles ---------------------------------------------------------------------------------


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
            code=pr.SAME_ROLE,
        )


# --- shared steps ---------------------------------------------------------------------------------


def _rows(table: Table, mask: np.ndarray) -> np.ndarray:
    return table.rows[mask]


def _cells(table: Table, column: str, mask: np.ndarray) -> list:
    if not mask.any():
        return []
    return table.frame[column].iloc[np.flatnonzero(mask)].tolist()


def short_rows(table: Table, candidates: np.ndarray, log: ProblemLog) -> np.ndarray:
    """Rows among `candidates` with fewer values than the header (a CSV line cut short, or a separator
    missing): each is named and refused. Returns their mask."""
    short = np.isin(table.rows, list(table.short_rows)) & candidates
    if short.any():
        log.add_rows(
            field_count_message(len(table.header), 0, table.header_row, table.delimiter).replace(
                "this row has 0", "this row has fewer"
            ),
            rows=_rows(table, short),
            code=pr.MISSING_CELL,
        )
    return short


def title_school_year(title: list[str]) -> str | None:
    """A school year written in the title rows ('2023-24 Race/Ethnicity and Gender Staffing Report')."""
    for line in title:
        for m in re.finditer(
            r"(?:SY|FY)?\s?\d{2,4}\s?[-–/]\s?\d{2,4}|(?:SY|FY)\s?\d{4}", line, re.IGNORECASE
        ):
            year = d.parse_school_year(m.group(0).replace(" ", ""))
            if year:
                return year
    return None


_TITLE_JOB_CLASSES = sorted(
    ((k, jc) for jc, ks in JOB_CLASS_SPELLINGS.items() for k in ks if jc != "Other Staff" and len(k) > 4),
    key=lambda kv: -len(kv[0]),
)


def title_job_class(title: list[str]) -> str | None:
    """A job class named in the title rows ('... Staffing Report - District - Teachers')."""
    for line in title:
        k = f" {spelling(line)} "
        for written, job_class in _TITLE_JOB_CLASSES:
            if f" {written} " in k:
                return job_class
    return None


def title_level(title: list[str]) -> str | None:
    """'school' or 'district' when the title says which ('... Report - School - Teachers')."""
    for line in title:
        k = f" {spelling(line)} "
        if " school " in k and "report" in k:
            return "school"
        if " district " in k and "report" in k:
            return "district"
    return None


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _years_phrase(years: list[str]) -> str:
    years = sorted(years, key=d.spring_year)
    if len(years) == 1:
        return f"school year {years[0]}"
    return f"school years {years[0]} to {years[-1]}"


class Resolver:
    """Settles one thing every row shares (school year, job class, district): from a column, from the
    title, from the person's answer, or by asking. Never guesses."""

    def __init__(
        self,
        table: Table,
        answers: Answers,
        log: ProblemLog,
        questions: list[Question],
        allowed: frozenset[str] | None = None,
    ):
        self.table, self.answers, self.log, self.questions = table, answers, log, questions
        # The organizations the person may upload for (a district uploader's); None for any (DESE).
        self.allowed = allowed

    def constant(
        self, name: str, label: str, from_title: str | None, answer: str | None, options: tuple[str, ...]
    ) -> tuple[str | None, str]:
        """(value, phrase) for a value the file states at most once (in the title)."""
        if from_title is not None:
            if answer is not None and answer != from_title:
                self.log.add(
                    f"the {label} you gave ({answer}) to match the file's title row, which says {from_title}; "
                    "check that this is the file you meant",
                    row=None,
                    value=" ".join(self.table.title)[:80],
                    code=pr.CONTRADICTS_ANSWER,
                )
            return from_title, f"{label} {from_title} from the title row"
        if answer is not None:
            return answer, f"{label} {answer} (as you chose; the file does not say)"
        self.questions.append(Question(name, f"{label.capitalize()}: not in the file — choose one", options))
        return None, f"{label}: not in the file — choose one"


def check_column_against_answer(log, table, column, parsed, answer, label) -> None:
    """Name each row whose column says otherwise than the answer the person gave for the whole file."""
    if answer is None:
        return
    differ = parsed.notna().to_numpy() & (parsed != answer).to_numpy()
    if differ.any():
        log.add_rows(
            f"{answer}, the {label} you gave; the file's “{column}” column says otherwise",
            rows=_rows(table, differ),
            values=_cells(table, column, differ),
            column=column,
            code=pr.CONTRADICTS_ANSWER,
        )


def school_years_of(table, roles_col, resolver, log, mask) -> tuple[pd.Series | None, str]:
    """Each row's school year: from its column, else the title, else the answer; None if asked."""
    if roles_col:
        parsed = v.school_years(table.frame[roles_col])
        raw = table.frame[roles_col]
        bad = mask & raw.notna().to_numpy() & parsed.isna().to_numpy()
        log.add_rows(
            "a school year such as 2023-24 (also read: 2024 for 2023-24, 2023-2024, SY23-24, FY2024)",
            rows=_rows(table, bad),
            values=_cells(table, roles_col, bad),
            column=roles_col,
            code=pr.NOT_A_SCHOOL_YEAR,
        )
        blank = mask & raw.isna().to_numpy()
        log.add_rows(
            "a school year; this cell is empty",
            rows=_rows(table, blank),
            column=roles_col,
            code=pr.MISSING_VALUE,
        )
        check_column_against_answer(
            log, table, roles_col, parsed, resolver.answers.school_year, "school year"
        )
        years = sorted(parsed[mask].dropna().unique().tolist(), key=d.spring_year)
        phrase = f"{_years_phrase(years)} from the “{roles_col}” column" if years else ""
        return parsed, phrase
    year, phrase = resolver.constant(
        "school_year", "school year", title_school_year(table.title), resolver.answers.school_year, ()
    )
    return (None if year is None else pd.Series(year, index=table.frame.index, dtype="str")), phrase


def _job_classes(table, column, resolver, log, mask) -> tuple[pd.Series | None, str, np.ndarray]:
    """Each row's job class, the phrase saying where it came from, and rows summing all classes."""
    all_rows = np.zeros(len(table.frame), dtype=bool)
    if column:
        raw = table.frame[column]
        parsed = v.job_classes(raw)
        all_rows = mask & v.by_unique(raw, lambda x: spelling(x) in ALL_JOB_CLASSES_KEYS).eq(True).to_numpy(
            bool
        )
        if all_rows.any():
            log.add_rows(
                "one job class; rows totalling every job class are skipped (loading them beside the classes "
                "would count people twice)",
                rows=_rows(table, all_rows),
                values=_cells(table, column, all_rows),
                column=column,
                severity=WARNING,
                code=pr.TOTAL_ROW,
            )
        bad = mask & ~all_rows & raw.notna().to_numpy() & parsed.isna().to_numpy()
        log.add_rows(
            "one of the job classes " + ", ".join(d.JOB_CLASSES),
            rows=_rows(table, bad),
            values=_cells(table, column, bad),
            column=column,
            code=pr.UNKNOWN_JOB_CLASS,
        )
        blank = mask & raw.isna().to_numpy()
        log.add_rows(
            "a job class; this cell is empty", rows=_rows(table, blank), column=column, code=pr.MISSING_VALUE
        )
        check_column_against_answer(log, table, column, parsed, resolver.answers.job_class, "job class")
        present = set(parsed[mask & ~all_rows].dropna().unique())
        found = [jc for jc in d.JOB_CLASSES if jc in present]
        word = "job class" if len(found) == 1 else "job classes"
        phrase = f"{word} {', '.join(found)} from the “{column}” column" if found else ""
        return parsed, phrase, all_rows
    jc, phrase = resolver.constant(
        "job_class", "job class", title_job_class(table.title), resolver.answers.job_class, d.JOB_CLASSES
    )
    return (None if jc is None else pd.Series(jc, index=table.frame.index, dtype="str")), phrase, all_rows


def _org_codes(
    table, column, resolver, log, mask, label="an organization code", parsed=None
) -> pd.Series | None:
    """Each row's 8-digit organization code (from its column, or the district the person chose)."""
    answer = resolver.answers.district
    if column is None:
        if answer is None:
            resolver.questions.append(
                Question(
                    "district", "District: the file has no organization code column — choose the district"
                )
            )
            return None
        return pd.Series(answer, index=table.frame.index, dtype="str")
    codes, malformed = parsed if parsed is not None else v.org_codes(table.frame[column])
    bad = mask & malformed
    log.add_rows(
        f"{label}: DESE's 8-digit code such as 00350000 (Boston) or 350000 without the leading zeros",
        rows=_rows(table, bad),
        values=_cells(table, column, bad),
        column=column,
        code=pr.NOT_AN_ORG_CODE,
    )
    blank = mask & table.frame[column].isna().to_numpy()
    log.add_rows(
        f"{label}; this cell is empty", rows=_rows(table, blank), column=column, code=pr.MISSING_VALUE
    )
    if answer is not None:
        outside = mask & codes.notna().to_numpy() & (codes.str[:4] != answer[:4]).to_numpy()
        log.add_rows(
            f"an organization in the district you chose ({answer}); this row belongs to another one",
            rows=_rows(table, outside),
            values=_cells(table, column, outside),
            column=column,
            code=pr.OUTSIDE_DISTRICT,
        )
    if resolver.allowed is not None:
        theirs = mask & codes.notna().to_numpy() & ~codes.isin(resolver.allowed).to_numpy()
        yours = ", ".join(sorted(resolver.allowed))
        log.add_rows(
            f"one of the organizations your sign-in uploads for ({yours}); this row is for another "
            "organization, whose figures only it or DESE can upload",
            rows=_rows(table, theirs),
            values=_cells(table, column, theirs) if column is not None else None,
            column=column,
            code=pr.NOT_YOUR_ORGANIZATION,
        )
    return codes


def number_problems(
    table: Table,
    column: str,
    nums: v.Numbers,
    mask: np.ndarray,
    log: ProblemLog,
    what: str,
    *,
    negative: np.ndarray | None = None,
    bound: v.Bound | None = None,
) -> None:
    """Name each cell of `column` (among `mask`) that gave no number, or one beyond any real figure; the
    latter then count as empty, so no sum or check built on them reports the same cell again."""
    cells = table.frame[column].to_numpy(dtype=object)
    bad = mask & nums.bad
    formula_mask = np.zeros(len(cells), dtype=bool)
    if bad.any():
        idx = np.flatnonzero(bad)
        formula_mask[idx] = [v.looks_like_formula(c) for c in cells[idx]]

    def name(expected: str, rows: np.ndarray, code: str) -> None:
        if rows.any():
            log.add_rows(
                expected, rows=_rows(table, rows), values=cells[rows].tolist(), column=column, code=code
            )

    name(
        f"{what}; this looks like a spreadsheet formula, which is read as text and never calculated: type "
        "the number itself",
        formula_mask,
        pr.FORMULA,
    )
    name(what, bad & ~formula_mask, pr.NOT_A_NUMBER)
    name(
        f"{what}; this is not a finite number (infinity, “not a number”, or too large for a spreadsheet to "
        "hold)",
        mask & nums.not_finite,
        pr.NOT_FINITE,
    )
    name(
        f"{what}; write decimals with a point, e.g. 1234.5. A comma is read only between thousands (1,234 "
        "or 12,345.5), so this cell is not guessed at",
        mask & nums.comma,
        pr.DECIMAL_COMMA,
    )
    name(
        f"{what}; in a semicolon-separated file this may hold a thousands separator or a decimal point, so it "
        "is not guessed at. Write it without a thousands separator: 1234, or 1,234 for the decimal",
        mask & nums.ambiguous,
        pr.AMBIGUOUS_NUMBER,
    )
    if negative is not None:
        name(f"{what}; counts cannot be negative", negative, pr.BELOW_MINIMUM)
    if bound is not None:
        beyond = mask & (nums.values > bound.most)
        name(bound.expected, beyond, pr.OUT_OF_RANGE)
        nums.values[beyond] = np.nan


def guess_org_type(name: str) -> str:
    """The organization type a new organization's name suggests (the warning says so; DESE can correct)."""
    k = spelling(name)
    if "charter" in k:
        return "charter"
    if "collaborative" in k:
        return "collaborative"
    if "vocational" in k or "technical" in k or "agricultural" in k:
        return "vocational"
    return "district"


# --- wide shapes: DESE Profiles exports and the open-data extract -------------------------------------


def normalise_wide(
    kind: UploadKind,
    table: Table,
    roles: Roles,
    answers: Answers,
    log: ProblemLog,
    *,
    allowed: frozenset[str] | None = None,
) -> Normalised:
    """A table with one column per race/ethnicity (counts or percentages), one row per organization."""
    questions: list[Question] = []
    resolver = Resolver(table, answers, log, questions, allowed)
    measures = _read_measures(table, roles)
    totals = _total_rows(table, roles)
    _skip_note_rows(table, roles, measures, totals.state, log)
    data = measures.has_number & ~totals.state
    data &= ~short_rows(table, data, log)
    _check_measures(kind, table, roles, measures, data, log)
    codes = _org_codes(table, roles.org_code, resolver, log, data, parsed=totals.org_codes)
    years, year_phrase = school_years_of(table, roles.contract.get("school_year"), resolver, log, data)
    job, job_class_phrase, all_classes = _wide_job_classes(kind, table, roles, resolver, log, data)
    data &= ~all_classes
    races = _race_counts(kind, table, roles, measures, data, log)
    _check_parts_within_total(kind, table, roles, measures, races, data, log)
    _check_whole_students(kind, table, roles, races, data, log)
    source = _wide_source(kind, roles, races)
    said = (year_phrase, job_class_phrase)
    if codes is None or years is None or job is None:
        return _unsettled_wide(table, roles, source, codes, data, said, questions)
    levels = _levels(table, roles, codes, data)
    keys = _row_keys(levels, years, job)
    keep = _drop_repeated_rows(kind, table, roles, levels, keys, races, measures, log)
    keep &= keys.complete
    shadowed = _shadowed_school_rows(levels, keys, keep)
    use = keep & ~shadowed
    facts = _add_up_wide(kind, keys, races, use)
    org_names = _wide_org_names(table, roles, levels, keys)
    parts = _wide_description(source, levels, totals, keep, use, shadowed, said)
    return Normalised(
        facts, source.shape, parts, questions, org_names, covers_state=bool(totals.statewide.any())
    )


@dataclass
class _Measures:
    """The numbers in a wide file's measure columns (race counts, race percentages, the row total)."""

    parsed: dict[str, v.Numbers]  # header -> its numbers, race columns first, the total last
    has_number: np.ndarray  # rows with a number written in any of them (a refused one counts)
    total: np.ndarray | None  # the row totals, when the file has them


def _read_measures(table: Table, roles: Roles) -> _Measures:
    """Numbers in every measure column."""
    columns = [*roles.race_counts.values(), *roles.race_percents.values()]
    if roles.total:
        columns.append(roles.total)
    decimal_comma = table.delimiter == ";"
    parsed = {c: v.numbers(table.frame[c], decimal_comma=decimal_comma) for c in columns}
    has_number = np.zeros(len(table.frame), dtype=bool)
    for nums in parsed.values():
        has_number |= nums.written  # a refused number is still a number: the row is data, not a note
    total = parsed[roles.total].values if roles.total else None
    return _Measures(parsed, has_number, total)


@dataclass
class _TotalRows:
    """Rows totalling other rows, and the organization codes read on the way."""

    state: np.ndarray  # the State's row or a whole-file "Total": the same people again, never added
    statewide: np.ndarray  # the State's own row: the file lists the whole state
    org_codes: tuple[pd.Series, np.ndarray] | None  # v.org_codes of the organization column


def _total_rows(table: Table, roles: Roles) -> _TotalRows:
    """State totals rows: the same people as the districts, never added."""
    frame, n = table.frame, len(table.frame)
    everything_blank = frame.isna().all(axis=1).to_numpy()
    state = np.zeros(n, dtype=bool)
    if roles.org_type:
        state |= v.by_unique(frame[roles.org_type], spelling).eq("state").fillna(False).to_numpy(bool)
    org_codes = v.org_codes(frame[roles.org_code]) if roles.org_code else None
    if org_codes is not None:
        state |= org_codes[0].eq(v.STATE_CODE).fillna(False).to_numpy(bool)
    statewide = state.copy()  # the State's own row (not a "Total" at the foot of a district's export)
    if roles.org_name:
        name_keys = v.by_unique(frame[roles.org_name], spelling)
        state |= name_keys.isin(STATE_NAME_KEYS).to_numpy(bool)
        statewide |= name_keys.isin(STATEWIDE_NAME_KEYS).to_numpy(bool)
    return _TotalRows(state & ~everything_blank, statewide & ~everything_blank, org_codes)


def _skip_note_rows(
    table: Table, roles: Roles, measures: _Measures, state: np.ndarray, log: ProblemLog
) -> None:
    """Warn of rows with no numbers, which carry DESE's notes ("Failed to meet data reporting
    requirements"): they are skipped."""
    frame = table.frame
    note = ~measures.has_number & ~frame.isna().all(axis=1).to_numpy() & ~state
    if not note.any():
        return
    # The note is usually in the first number column; else any cell but the name and code.
    measure_cols = list(measures.parsed)
    identity = {roles.org_name, roles.org_code, roles.district_code, roles.district_name}
    ordered = measure_cols + [c for c in frame.columns if c not in identity and c not in measure_cols]
    text = frame.loc[note, ordered].bfill(axis=1).iloc[:, 0].reindex(frame.index)
    if roles.org_name:
        label = frame[roles.org_name]
    elif roles.org_code:
        label = frame[roles.org_code]
    else:
        label = pd.Series(None, index=frame.index, dtype="str")
    for row, name, said in zip(
        table.rows[note][:200], label.to_numpy()[note][:200], text.to_numpy()[note][:200], strict=False
    ):
        who = f"“{name}”" if isinstance(name, str) else "this row"
        log.add(
            f"a row with numbers; {who} has none"
            + (", only DESE's note" if isinstance(said, str) else "")
            + ", so it is skipped",
            row=int(row),
            value=said if isinstance(said, str) else None,
            severity=WARNING,
            code=pr.NOTE_ROW,
        )
    if note.sum() > 200:
        log.add_rows(
            "numbers; this row has none, so it is skipped",
            rows=table.rows[note][200:],
            severity=WARNING,
            code=pr.NOTE_ROW,
        )


def _check_measures(
    kind: UploadKind, table: Table, roles: Roles, measures: _Measures, data: np.ndarray, log: ProblemLog
) -> None:
    """Refuse numbers that are not numbers, negative counts and figures beyond any real one; warn of
    empty race cells (read as 0)."""
    percent_cols = set(roles.race_percents.values())
    count_bound = v.FTE_PER_CELL if kind is STAFFING else v.STUDENTS_PER_CELL
    for col, nums in measures.parsed.items():
        bound = v.PERCENT if col in percent_cols else count_bound
        negative = data & (nums.values < 0)
        number_problems(table, col, nums, data, log, "a number (0 or more)", negative=negative, bound=bound)
    blanks = np.zeros(len(table.frame), dtype=bool)
    for col, nums in measures.parsed.items():
        if col != roles.total:
            blanks |= data & nums.blank
    if blanks.any():
        log.add_rows(
            "a number in every race/ethnicity column; empty cells in these rows are read as 0",
            rows=_rows(table, blanks),
            severity=WARNING,
            code=pr.BLANK_AS_ZERO,
        )


def _wide_job_classes(
    kind: UploadKind, table: Table, roles: Roles, resolver: Resolver, log: ProblemLog, data: np.ndarray
) -> tuple[pd.Series | None, str, np.ndarray]:
    """Each row's job class (staffing), the phrase saying where it came from, and the rows totalling all
    classes; enrollment has none, so every row's is ""."""
    if kind is not STAFFING:
        blank = pd.Series("", index=table.frame.index, dtype=object)
        return blank, "", np.zeros(len(table.frame), dtype=bool)
    return _job_classes(table, roles.contract.get("job_class"), resolver, log, data)


@dataclass
class _RaceCounts:
    """Each race's count per row, and how the file gave them."""

    races: list[str]  # the races the file has a column for, in DESE's order
    counts: dict[str, np.ndarray]  # race -> count per row
    uses_percent: list[str]  # races given as percentages only
    view: str  # "count" | "percentage"
    scale: float  # 100 for percentages, 1 for fractions 0-1


def _race_counts(
    kind: UploadKind, table: Table, roles: Roles, measures: _Measures, data: np.ndarray, log: ProblemLog
) -> _RaceCounts:
    """Race counts: counts where given, else percentage x the row's total."""
    parsed, total = measures.parsed, measures.total
    races = [r for r in d.RACES if r in roles.race_counts or r in roles.race_percents]
    missing_races = [r for r in d.RACES if r not in races]
    counts = {}
    uses_percent = [r for r in races if r not in roles.race_counts]
    scale, view = 100.0, "count"
    if uses_percent:
        view = "percentage"
        pct = np.column_stack([np.nan_to_num(parsed[roles.race_percents[r]].values) for r in uses_percent])
        sums = pct.sum(axis=1)[data] if data.any() else np.array([])
        if len(sums) and np.nanmax(sums) <= 1.5:
            scale = 1.0
        if total is None:
            log.add(
                f"a total column ({'FTE Count' if kind is STAFFING else 'Total'}) to turn the percentages into "
                "counts; the file has percentages only",
                row=table.header_row,
                column=roles.race_percents[uses_percent[0]],
                code=pr.MISSING_COLUMN,
            )
    for r in races:
        if r in roles.race_counts:
            counts[r] = np.nan_to_num(parsed[roles.race_counts[r]].values)
        elif total is not None:
            counts[r] = np.nan_to_num(parsed[roles.race_percents[r]].values) * np.nan_to_num(total) / scale
    if missing_races:
        log.add(
            "a column for each of DESE's seven race/ethnicity categories; the file has none for "
            + ", ".join(missing_races)
            + ", so none are counted there",
            row=table.header_row,
            severity=WARNING,
            code=pr.MISSING_RACE_COLUMN,
        )
    return _RaceCounts(races, counts, uses_percent, view, scale)


def _check_parts_within_total(
    kind: UploadKind,
    table: Table,
    roles: Roles,
    measures: _Measures,
    races: _RaceCounts,
    data: np.ndarray,
    log: ProblemLog,
) -> None:
    """Refuse race counts adding up to more than the row's total, beyond DESE's rounding."""
    total = measures.total
    if total is None or not races.counts:
        return
    if races.view == "count":
        parts = np.column_stack([races.counts[r] for r in races.races]).sum(axis=1)
        allowed = (
            np.nan_to_num(total)
            + HALF_ROUNDING_STEP * (len(races.races) + 1)
            + RELATIVE_ROUNDING * np.nan_to_num(total)
        )
        over = data & np.isfinite(total) & (parts > allowed + 1e-9)
        shown = parts
    else:
        pct_sum = np.column_stack(
            [np.nan_to_num(measures.parsed[roles.race_percents[r]].values) for r in races.uses_percent]
        ).sum(axis=1)
        pct_sum = pct_sum * (100.0 / races.scale)
        allowed_pct = 100.0 + HALF_ROUNDING_STEP * (len(races.uses_percent) + 1) + RELATIVE_ROUNDING * 100
        over = data & (pct_sum > allowed_pct + 1e-9)
        shown = pct_sum
    if not over.any():
        return
    unit = "FTE" if kind is STAFFING else "students"
    idx = np.flatnonzero(over)
    for i in idx[:50]:
        if races.view == "count":
            expected = (
                f"race/ethnicity counts adding up to no more than the row's total ({total[i]:,.1f} "
                f"{unit}); they add up to {shown[i]:,.1f}, more than rounding explains"
            )
        else:
            expected = (
                f"race/ethnicity percentages adding up to about 100%; they add up to {shown[i]:,.1f}%, "
                "more than rounding explains"
            )
        log.add(expected, row=int(table.rows[i]), column=roles.total, code=pr.PARTS_OVER_TOTAL)
    if len(idx) > 50:
        log.add_rows(
            "race/ethnicity counts adding up to no more than the row's total",
            rows=table.rows[idx[50:]],
            column=roles.total,
            code=pr.PARTS_OVER_TOTAL,
        )


def _check_whole_students(
    kind: UploadKind, table: Table, roles: Roles, races: _RaceCounts, data: np.ndarray, log: ProblemLog
) -> None:
    """Refuse a fraction of a student in a count column."""
    if kind is not ENROLLMENT or races.view != "count":
        return
    for r in races.races:
        if r in roles.race_counts:
            col = roles.race_counts[r]
            fractional = data & (np.abs(races.counts[r] - np.round(races.counts[r])) > 1e-6)
            log.add_rows(
                "a whole number of students",
                rows=_rows(table, fractional),
                values=_cells(table, col, fractional),
                column=col,
                code=pr.NOT_A_WHOLE_NUMBER,
            )


@dataclass(frozen=True)
class _WideSource:
    """Which wide shape the file is, in words."""

    shape: str  # "profiles" | "open data"
    label: str  # "DESE Profiles staffing export"
    view_phrase: str  # "FTE view", "percentage view with the row totals"


def _wide_source(kind: UploadKind, roles: Roles, races: _RaceCounts) -> _WideSource:
    """The file's shape, told from its headers: a Profiles export or the open-data extract (new or old
    column names), in counts or percentages."""
    staff = kind is STAFFING
    keys = set(roles.keys.values())
    open_data = roles.org_type is not None or any(k.endswith((" cnt", " pct")) for k in keys) or "sy" in keys
    old_names = any(k in ("aframe pct", "natame pct", "nathpi pct", "multinh pct") for k in keys)
    if open_data:
        label = f"DESE open-data extract ({'Staffing' if staff else 'Enrollment'}: Race/Ethnicity and Gender)"
        if old_names:
            label += ", older column names (AFRAME_PCT …)"
        elif roles.race_counts:
            label += ", column names BAA_CNT …"
    else:
        label = f"DESE Profiles {'staffing' if staff else 'enrollment'} export"
    if races.view == "count":
        view_phrase = "FTE view" if staff else "student counts"
    else:
        view_phrase = (
            "percentage view" + (" (fractions 0-1)" if races.scale == 1.0 else "") + " with the row totals"
        )
    return _WideSource("open data" if open_data else "profiles", label, view_phrase)


def _unsettled_wide(
    table: Table,
    roles: Roles,
    source: _WideSource,
    codes: pd.Series | None,
    data: np.ndarray,
    said: tuple[str, str],
    questions: list[Question],
) -> Normalised:
    """What was recognised of a file whose organizations, year or job class are still to be settled."""
    level = title_level(table.title) or (
        "school" if spelling(roles.org_code or "").startswith("school") else ""
    )
    level = f"{level} level, " if level else ""
    scope = ""
    if codes is not None:
        found = codes[data].dropna()
        n_districts = found.str[:4].nunique()
        n_schools = found[~found.str.endswith("0000")].nunique()
        scope = (
            f"{_plural(n_schools, 'school')} in {_plural(n_districts, 'district')}"
            if n_schools
            else _plural(n_districts, "organization")
        )
    parts = [source.label, f"{level}{source.view_phrase}", scope, *said]
    return Normalised(None, source.shape, [p for p in parts if p], questions)


@dataclass
class _Levels:
    """Each row's organization, the district it counts for, and whether it is a school's row."""

    code: np.ndarray  # the row's own organization code (object)
    valid: np.ndarray  # rows of data with a well-formed code
    district: np.ndarray  # the district it counts for (object; None where not valid)
    is_school: np.ndarray


def _levels(table: Table, roles: Roles, codes: pd.Series, data: np.ndarray) -> _Levels:
    """Which rows are schools' and which district each counts for: from the organization type and the
    district code where the file has them, else from the code (a district's ends in 0000)."""
    frame = table.frame
    valid = data & codes.notna().to_numpy()
    district = np.where(valid, (codes.str[:4] + "0000").to_numpy(dtype=object), None)
    if roles.org_type:
        level_key = v.by_unique(frame[roles.org_type], spelling)
        is_school = level_key.eq("school").fillna(False).to_numpy(bool)
        if roles.district_code:
            dist_codes, _ = v.org_codes(frame[roles.district_code])
            district = np.where(
                valid & dist_codes.notna().to_numpy(), dist_codes.to_numpy(dtype=object), district
            )
    else:
        is_school = valid & ~codes.str.endswith("0000").fillna(False).to_numpy(bool)
    return _Levels(codes.to_numpy(dtype=object), valid, district, is_school)


@dataclass
class _RowKeys:
    """Organization, district, school year and job class of each row as small integers (-1: none), so
    that finding repeats, choosing levels and summing stay in numpy."""

    year: np.ndarray  # each row's school year (object)
    job: np.ndarray  # each row's job class (object; "" for enrollment)
    d_codes: np.ndarray
    d_values: np.ndarray
    y_codes: np.ndarray
    y_values: np.ndarray
    j_codes: np.ndarray
    j_values: np.ndarray
    c_codes: np.ndarray
    n_y: int
    n_j: int

    @property
    def source(self) -> np.ndarray:
        """One integer per row for its own organization, year and job class."""
        return (self.c_codes.astype(np.int64) * self.n_y + self.y_codes) * self.n_j + self.j_codes

    @property
    def group(self) -> np.ndarray:
        """One integer per row for the district it counts for, its year and job class."""
        return (self.d_codes.astype(np.int64) * self.n_y + self.y_codes) * self.n_j + self.j_codes

    @property
    def complete(self) -> np.ndarray:
        """Rows with a district, a year and a job class."""
        return (self.d_codes >= 0) & (self.y_codes >= 0) & (self.j_codes >= 0)


def _row_keys(levels: _Levels, years: pd.Series, job: pd.Series) -> _RowKeys:
    """Each row's keys, factorized once."""
    year = years.to_numpy(dtype=object)
    job_arr = job.to_numpy(dtype=object)
    d_codes, d_values = pd.factorize(levels.district)
    y_codes, y_values = pd.factorize(year)
    j_codes, j_values = pd.factorize(job_arr)
    c_codes, _ = pd.factorize(levels.code)
    n_y, n_j = max(len(y_values), 1), max(len(j_values), 1)
    return _RowKeys(year, job_arr, d_codes, d_values, y_codes, y_values, j_codes, j_values, c_codes, n_y, n_j)


def _drop_repeated_rows(
    kind: UploadKind,
    table: Table,
    roles: Roles,
    levels: _Levels,
    keys: _RowKeys,
    races: _RaceCounts,
    measures: _Measures,
    log: ProblemLog,
) -> np.ndarray:
    """The rows to keep: the same organization, year and job class twice is harmless when identical (the
    second is skipped, with a warning), refused when the numbers differ."""
    valid, code, n = levels.valid, levels.code, len(table.frame)
    keep = valid.copy()
    repeated = np.zeros(n, dtype=bool)
    keyed = (
        valid & (keys.y_codes >= 0) & (keys.j_codes >= 0)
    )  # rows missing a year or class are refused anyway
    if keyed.any():
        repeated[keyed] = pd.Series(keys.source[keyed]).duplicated(keep=False).to_numpy()
    if not repeated.any():
        return keep
    ident = pd.DataFrame({"code": code, "year": keys.year, "job": keys.job}, dtype=object)[valid]
    dup = pd.Series(repeated[valid], index=ident.index)
    if not dup.any():
        return keep
    numbers = pd.DataFrame({r: np.round(races.counts[r], 4) for r in races.races}, index=table.frame.index)[
        valid
    ]
    if measures.total is not None:
        numbers["__total"] = np.round(np.nan_to_num(measures.total), 4)[valid]
    both = pd.concat([ident, numbers], axis=1)[dup]
    what = "organization, school year" + (" and job class" if kind is STAFFING else "")
    first_row = {}
    for idx, rec in both.iterrows():
        k = (rec["code"], rec["year"], rec["job"])
        row = int(table.rows[idx])
        if k not in first_row:
            first_row[k] = (row, rec.drop(["code", "year", "job"]).to_numpy())
            continue
        row0, nums0 = first_row[k]
        keep[idx] = False
        if np.allclose(nums0.astype(float), rec.drop(["code", "year", "job"]).to_numpy(dtype=float)):
            log.add(
                f"each {what} once; this row repeats row {row0} exactly, so it is skipped",
                row=row,
                column=roles.org_code,
                value=rec["code"],
                severity=WARNING,
                code=pr.DUPLICATE_ROW,
            )
        else:
            log.add(
                f"each {what} once; row {row0} has the same {what} with different numbers. Remove "
                "the row that is wrong",
                row=row,
                column=roles.org_code,
                value=rec["code"],
                code=pr.DUPLICATE_KEY,
            )
    return keep


def _shadowed_school_rows(levels: _Levels, keys: _RowKeys, keep: np.ndarray) -> np.ndarray:
    """Count each person once: school rows whose district's own row is there are not added again (where
    only school rows are, they are summed into their district)."""
    group = keys.group
    return keep & levels.is_school & np.isin(group, group[keep & ~levels.is_school])


def _add_up_wide(kind: UploadKind, keys: _RowKeys, races: _RaceCounts, use: np.ndarray) -> pd.DataFrame:
    """The long-form facts: each race's count summed by district, year and job class."""
    n_y, n_j = keys.n_y, keys.n_j
    n_races = len(races.races)
    cells = np.repeat(keys.group[use], n_races) * n_races + np.tile(np.arange(n_races), int(use.sum()))
    values = (
        np.column_stack([races.counts[r][use] for r in races.races]).reshape(-1)
        if races.races
        else np.zeros(0)
    )
    found, inverse = np.unique(cells, return_inverse=True)
    sums = np.bincount(inverse, weights=values, minlength=len(found))
    race_i, rest = found % n_races, found // n_races
    # Built in arrow (take from the few distinct labels): no per-row Python strings.
    facts = pa.table(
        {
            "school_year": pa.array(list(keys.y_values), pa.string()).take(pa.array((rest // n_j) % n_y)),
            "org_code": pa.array(list(keys.d_values), pa.string()).take(pa.array(rest // (n_j * n_y))),
            "job_class": pa.array(list(keys.j_values) or [""], pa.string()).take(pa.array(rest % n_j)),
            "race": pa.array(list(races.races), pa.string()).take(pa.array(race_i)),
            "value": pa.array(sums, pa.float64()),
        }
    ).to_pandas()
    if kind is STAFFING:
        facts = facts.rename(columns={"value": "fte"})
        facts["fte"] = facts["fte"].round(3)
    else:
        facts = facts.drop(columns="job_class").rename(columns={"value": "students"})
        facts["students"] = facts["students"].round().astype("int64")
    return facts


def _wide_org_names(table: Table, roles: Roles, levels: _Levels, keys: _RowKeys) -> dict[str, NameInFile]:
    """Names for organizations the warehouse may not know yet, from the district's own row first."""
    frame, is_school = table.frame, levels.is_school
    org_names: dict[str, NameInFile] = {}
    # One row per organization, its own (district) row first; only those few names are looked at.
    rows_valid = np.flatnonzero(levels.valid & (keys.d_codes >= 0))
    order = rows_valid[np.lexsort((is_school[rows_valid], keys.d_codes[rows_valid]))]
    _, first = np.unique(keys.d_codes[order], return_index=True)
    district_names = frame[roles.district_name] if roles.district_name else None
    org_name_cells = frame[roles.org_name] if roles.org_name else None
    for i in order[first]:
        name = district_names.iat[i] if district_names is not None else None
        column = roles.district_name
        if not isinstance(name, str) and org_name_cells is not None:
            name, column = org_name_cells.iat[i], roles.org_name
            # School rows are named "District - School": the district's name is the part before the dash.
            if isinstance(name, str) and is_school[i]:
                name = name.split(" - ")[0].strip()
        if isinstance(name, str):
            org_names[levels.district[i]] = NameInFile(name, int(table.rows[i]), column)
    return org_names


def _wide_description(
    source: _WideSource,
    levels: _Levels,
    totals: _TotalRows,
    keep: np.ndarray,
    use: np.ndarray,
    shadowed: np.ndarray,
    said: tuple[str, str],
) -> list[str]:
    """What was recognised, in words, phrase by phrase."""
    is_school, state, statewide = levels.is_school, totals.state, totals.statewide
    n_district_rows = int((keep & ~is_school).sum())
    n_school_rows = int((keep & is_school).sum())
    level = "school level" if n_school_rows and not n_district_rows else "district level"
    if n_school_rows and n_district_rows:
        level = "district and school rows"
    districts = len(set(levels.district[use]))
    if n_school_rows and not n_district_rows:
        schools = len(set(levels.code[keep & is_school]))
        scope = f"{_plural(schools, 'school')} in {_plural(districts, 'district')}"
    else:
        scope = _plural(districts, "organization")
    parts = [source.label, f"{level}, {source.view_phrase}", scope]
    if state.any():
        parts.append(
            f"{_plural(int(state.sum()), 'total row')} skipped (State or whole-file totals: the same people again)"
        )
    if shadowed.any():
        parts.append(
            f"{_plural(int(shadowed.sum()), 'School row')} not added again (their districts' own rows are used)"
        )
    parts += [p for p in said if p]
    if statewide.any():
        parts.append(
            "a statewide file (it carries the State row): its organizations are the list coverage counts against"
        )
    return parts


# --- long shapes: per-person rosters and the dashboard's templates -----------------------------------


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
        facts, people = _add_up_roster(kind, long)
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
            code=pr.MISSING_COLUMN,
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
            job, phrase, all_rows = _job_classes(table, header, resolver, log, data)
            data &= ~all_rows
            if job is not None:
                out[col.name] = job
            parts.append(phrase)
        elif col.name == "org_code":
            codes = _org_codes(table, header, resolver, log, data)
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
        parsed = v.races(raw)
        if roster:
            parsed, blank = _unknown_race_for_blanks(table, header, parsed, raw, blank, log)
        expected, code = RACE_LIST, pr.UNKNOWN_RACE
    elif col.name.endswith("org_code"):
        parsed, malformed = v.org_codes(raw)
        bad = data & malformed
        log.add_rows(
            "DESE's 8-digit organization code such as 00350000 (leading zeros may be left out)",
            rows=_rows(table, bad),
            values=_cells(table, header, bad),
            column=header,
            code=pr.NOT_AN_ORG_CODE,
        )
    elif col.name.endswith("_year"):
        parsed, expected, code = v.school_years(raw), "a school year such as 2023-24", pr.NOT_A_SCHOOL_YEAR
    elif col.name in ("placement_role",):
        parsed, code = v.job_classes(raw), pr.UNKNOWN_JOB_CLASS
        expected = "one of " + ", ".join(col.accepted or ())
    elif col.accepted:
        parsed, code = v.accepted_values(raw, col.accepted), pr.NOT_ACCEPTED
        expected = "one of " + ", ".join(col.accepted)
    elif col.dtype == "BOOLEAN":
        parsed, expected, code = v.yes_no(raw), "Yes or No", pr.NOT_YES_OR_NO
    elif col.dtype in ("DOUBLE", "INTEGER"):
        parsed = _read_long_numbers(col, table, header, log, data, roster=roster)
    else:
        parsed = raw
    if expected:
        bad = data & raw.notna().to_numpy() & parsed.isna().to_numpy()
        log.add_rows(
            expected, rows=_rows(table, bad), values=_cells(table, header, bad), column=header, code=code
        )
    if col.required:
        log.add_rows(
            f"a value for “{col.label}” (required); this cell is empty",
            rows=_rows(table, blank),
            column=header,
            code=pr.MISSING_VALUE,
        )
    return parsed


def _unknown_race_for_blanks(
    table: Table, header: str, parsed: pd.Series, raw: pd.Series, blank: np.ndarray, log: ProblemLog
) -> tuple[pd.Series, np.ndarray]:
    """A roster's people with no race/ethnicity are counted as Unknown (with a warning), so their cells
    are no longer empty."""
    if d.UNKNOWN_RACE not in parsed.cat.categories:
        parsed = parsed.cat.add_categories([d.UNKNOWN_RACE])
    parsed = parsed.where(raw.notna(), d.UNKNOWN_RACE)
    if blank.any():
        log.add_rows(
            "a race/ethnicity; people with none are counted as Unknown (in no share)",
            rows=_rows(table, blank),
            column=header,
            severity=WARNING,
            code=pr.RACE_NOT_GIVEN,
        )
    return parsed, np.zeros(len(table.frame), dtype=bool)


def _read_long_numbers(
    col: Column, table: Table, header: str, log: ProblemLog, data: np.ndarray, *, roster: bool
) -> pd.Series:
    """A number column's values; cells that are no number, below the column's least, beyond any real
    figure or (for a count) not whole are reported."""
    nums = v.numbers(table.frame[header], decimal_comma=table.delimiter == ";")
    values = nums.values
    floor = 1 if col.name == "cohort" else 0
    low = data & (values < floor)
    what = "a whole number" if col.dtype == "INTEGER" else "a number"
    what += f" ({floor} or more)"
    bound = v.FTE_PER_PERSON if roster and col.name == "fte" else v.BOUNDS.get(col.name)
    number_problems(table, header, nums, data, log, what, bound=bound)
    log.add_rows(
        f"{what}",
        rows=_rows(table, low),
        values=_cells(table, header, low),
        column=header,
        code=pr.BELOW_MINIMUM,
    )
    if col.dtype == "INTEGER":
        fractional = data & np.isfinite(values) & (np.abs(values - np.round(values)) > 1e-9)
        log.add_rows(
            what,
            rows=_rows(table, fractional),
            values=_cells(table, header, fractional),
            column=header,
            code=pr.NOT_A_WHOLE_NUMBER,
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


def _add_up_roster(kind: UploadKind, long: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """A roster's people added up by district, school year, job class and race; and how many there were."""
    measure = kind.row_total.name
    people = len(long)
    long["org_code"] = long["org_code"].str[:4] + "0000"
    facts = long.groupby(
        [c for c in kind.column_names if c != measure], as_index=False, sort=True, observed=True
    )[measure].sum()
    facts = plain_values(facts)
    facts[measure] = facts[measure].round(3)
    said = f"{_plural(people, 'person', 'people')} in {_plural(facts['org_code'].nunique(), 'district')}"
    return facts, said


def drop_repeated_grain(
    kind: UploadKind, long: pd.DataFrame, rows: np.ndarray, log: ProblemLog
) -> pd.DataFrame:
    """One row per grain: a repeated grain is harmless when identical (skipped, with a warning), refused
    when its values differ. (Compared all at once: a file of a million copies of one row takes a second.)"""
    grain = list(kind.grain)
    ident = long[grain]
    dup = ident.duplicated(keep=False).to_numpy() & ident.notna().all(axis=1).to_numpy()
    if not dup.any():
        return long
    at = np.flatnonzero(dup)  # positions of the rows whose grain repeats, in file order
    group = ident.iloc[at].groupby(grain, sort=False, observed=True).ngroup().to_numpy()
    first = pd.Series(at).groupby(group).transform("first").to_numpy()  # each one's first occurrence
    later, first = at[at != first], first[at != first]
    others = [c for c in kind.column_names if c not in grain]
    mine = long[others].iloc[later].reset_index(drop=True)
    theirs = long[others].iloc[first].reset_index(drop=True)
    same = (
        ((mine == theirs).fillna(False).astype(bool) | (mine.isna() & theirs.isna())).all(axis=1).to_numpy()
    )
    shown = functools.reduce(
        lambda left, right: left + " / " + right,
        (ident[c].iloc[later].astype(str).to_numpy(dtype=object) for c in grain),
    )
    what = ", ".join(kind.column(c).label for c in grain)
    row_of, first_row = rows[later].astype(np.int64), rows[first].astype(np.int64)
    order = np.lexsort((row_of, ~same, first_row))  # by the row repeated, then by row
    bounds = np.flatnonzero(np.diff(first_row[order]) | np.diff(same[order])) + 1
    for part in np.split(order, bounds):
        row0, identical = int(first_row[part[0]]), bool(same[part[0]])
        log.add_rows(
            f"each {what} once; this row repeats row {row0} exactly, so it is skipped"
            if identical
            else f"each {what} once; row {row0} has the same {what} with different values. Remove the row that "
            "is wrong",
            rows=row_of[part].tolist(),
            values=shown[part].tolist(),
            severity=WARNING if identical else "error",
            code=pr.DUPLICATE_ROW if identical else pr.DUPLICATE_KEY,
        )
    drop = np.zeros(len(long), dtype=bool)
    drop[later] = True
    return long[~drop]


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
    if kind is STAFFING:
        facts["fte"] = facts["fte"].round(3)
    return facts, f"{_plural(int(schools), 'school row')} summed into their districts" if schools else ""


def _long_scope(kind: UploadKind, facts: pd.DataFrame) -> list[str]:
    """How many fellows (for the fellows list) and organizations the facts cover, in words."""
    scope = []
    if kind is FELLOWS:
        scope.append(_plural(len(facts), "fellow"))
    if facts[kind.org_column].notna().any():
        scope.append(_plural(facts[kind.org_column].nunique(), "organization"))
    return scope


def plain_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns (from parsing) back to plain values, as the warehouse takes them."""
    for c in frame.columns:
        if isinstance(frame[c].dtype, pd.CategoricalDtype):
            frame[c] = frame[c].astype(object).where(frame[c].notna(), None)
    return frame


def is_template(kind: UploadKind, roles: Roles) -> bool:
    """Whether the file is the dashboard's own template: every column headed by its contract name or
    label, and no one's name in it."""
    labels = {spelling(c.label) for c in kind.columns} | {spelling(c.name) for c in kind.columns}
    return all(roles.keys[h] in labels for h in roles.contract.values()) and not roles.people
