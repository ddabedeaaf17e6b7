"""DESE's reports by student group (analytics/contracts.py: STUDENT_KINDS), read as DESE and districts have
them, into one row per school year, organization and student group (and grade, for the climate survey):

- one organization's Profiles report: a row per student group, the school year in a title line above the
  header; the organization is not in the file, so it is asked for (never guessed from a name);
- a statewide report: a row per district for ONE student group, named in the title line or asked for;
- DESE's statewide extracts in long form: a row per organization and student group, with a school-year column
  (one file may hold several years);
- the dashboard's own template.

Every figure may be blank: DESE leaves a rate out where fewer than 6 students were counted (VOCAL: fewer than
10 answered). A blank cell, or one DESE marks as not published ("—", "*", "N/A"), is kept as not published
(NaN here, NULL in the warehouse), never as 0; a group's row with nothing published is kept all the same.
Rates are written 0-100, 0-1 or with a %, and kept as fractions 0-1. Attendance reports from 2021-22 on hold
an End of Year table and a March one (in one sheet or two): the End of Year table is read, and a file with
only the March table is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics import definitions
from analytics.contracts import GRADUATION, STUDENT_ATTENDANCE, Column, UploadKind
from analytics.ingest import problems
from analytics.ingest import values as cell_values
from analytics.ingest.problems import WARNING, ProblemLog
from analytics.ingest.reading import Limits, Table, read_table
from analytics.ingest.roles import Roles, header_scorer, is_template
from analytics.ingest.steps import (
    STATE_NAME_KEYS,
    STATEWIDE_NAME_KEYS,
    Answers,
    Normalised,
    Question,
    Resolver,
    check_column_against_answer,
    drop_repeated_grain,
    number_problems,
    plain_values,
    school_years_of,
    short_rows,
    title_school_year,
)
from analytics.ingest.vocabulary import NOT_PUBLISHED_MARKS, spelling, student_group
from analytics.text import NAME_MAX, clean_name, shorten

END_OF_YEAR, MARCH = "End of Year", "March"
MARCH_ONLY = (
    "the End of Year attendance table — this file holds only the March attendance table; the dashboard "
    "measures the school year by its End of Year table: export the End of Year report"
)
# What separates the parts of a title line ("2023-24 Student Discipline Data Report - All Offenses - Asian").
_PARTS = re.compile(r"\s+[-–—|:]\s+|\s*,\s*")
_GRADE_WORDS = re.compile(r"^(?:grade|gr)\.?\s*", re.IGNORECASE)
_ALL_GRADES_KEYS = frozenset({"all", "all grades", "all grade", "total", "all students"})


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


# --- which table: an attendance report's End of Year table ---------------------------------------------------


def _typed(column: pd.Series) -> bool:
    """Whether a column came typed from an Excel sheet (numbers, yes/no): it holds no text."""
    return pd.api.types.is_float_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype)


def _period(lines: list[str]) -> str | None:
    """END_OF_YEAR or MARCH as the lines nearest a table (the last first) name its period; None if none do."""
    for line in reversed(lines):
        k = f" {spelling(line)} "
        if " end of year " in k:
            return END_OF_YEAR
        if " march " in k:
            return MARCH
    return None


def student_table(
    kind: UploadKind,
    data: bytes,
    file_name: str,
    answers: Answers,
    log: ProblemLog,
    limits: Limits,
) -> tuple[Table, bool]:
    """The table to read, and whether the other sheets holding data were dealt with (so are not worth a
    warning): an attendance workbook whose End of Year and March tables are on two sheets is read from its End
    of Year sheet, named so or titled so."""
    table = read_table(data, file_name, header_scorer(kind), log, sheet=answers.sheet, limits=limits)
    if kind is not STUDENT_ATTENDANCE or not table.other_sheets or answers.sheet is not None:
        return table, False
    periods = {table.sheet: _period([table.sheet or "", *table.title])}
    if periods[table.sheet] == END_OF_YEAR:
        return table, True
    for name in table.other_sheets:
        other = read_table(data, file_name, header_scorer(kind), ProblemLog(), sheet=name, limits=limits)
        periods[name] = _period([name, *other.title])
        if periods[name] == END_OF_YEAR:
            # The sheet read first only had its title looked at: read this one for real.
            return read_table(data, file_name, header_scorer(kind), log, sheet=name, limits=limits), True
    return table, all(p == MARCH for p in periods.values())


@dataclass
class _Tables:
    """Where an attendance report's tables are: the rows of the one to read, and what was said about it."""

    rows: np.ndarray  # rows of the table read
    said: list[str] = field(default_factory=list)
    march_only: bool = False


def _repeated_headers(table: Table) -> np.ndarray:
    """Rows that repeat the header (a second table's header, in a report of two tables)."""
    frame = table.frame
    matches = np.zeros(len(frame), dtype=np.int64)
    wanted = 0
    for h in table.header:
        key = spelling(h)
        if not key or h.startswith("(column "):
            continue
        wanted += 1
        column = frame[h]
        if not _typed(column):
            matches += cell_values.by_unique(column, spelling).eq(key).fillna(False).to_numpy(bool)
    return (matches >= 2) & (matches * 5 >= wanted * 3)


def _layout_above(table: Table, at: int, floor: int) -> list[int]:
    """The rows just above a repeated header (down to `floor`) that are its table's heading and notes: one
    cell of text, no student group."""
    frame, rows = table.frame, []
    filled = frame.notna().sum(axis=1).to_numpy()
    i = at - 1
    while i >= floor and filled[i] <= 1:
        text = frame.iloc[i].dropna()
        if len(text) and student_group(text.iloc[0]) is not None:
            break
        rows.append(i)
        i -= 1
    return rows


def attendance_tables(table: Table) -> _Tables:
    """The End of Year table of an attendance report (rows of the frame), or, for a report of one table, that
    table; `march_only` when the report holds only a March table."""
    n = len(table.frame)
    starts = np.flatnonzero(_repeated_headers(table)).tolist()
    if not starts:
        period = _period([table.sheet or "", *table.title])
        return _Tables(np.ones(n, dtype=bool), [], march_only=period == MARCH)
    bounds = [-1, *starts, n]
    periods = [_period([table.sheet or "", *table.title])]  # each table's, as its heading lines name it
    layout = np.zeros(n, dtype=bool)  # the headings, notes and repeated headers between the tables
    for b, at in enumerate(starts):
        above = _layout_above(table, at, bounds[b] + 1)
        layout[above] = True
        layout[at] = True
        frame = table.frame
        lines = [str(frame.iloc[i].dropna().iloc[0]) for i in reversed(above) if frame.iloc[i].notna().any()]
        periods.append(_period(lines))
    spans = [(bounds[i] + 1, bounds[i + 1]) for i in range(len(bounds) - 1)]
    masks = []
    for start, stop in spans:
        mask = np.zeros(n, dtype=bool)
        mask[start:stop] = True
        masks.append(mask & ~layout)
    if all(p == MARCH for p in periods):
        return _Tables(np.zeros(n, dtype=bool), [], march_only=True)
    # The End of Year table; else the first that is not March's (its heading lost in the export).
    chosen = (
        periods.index(END_OF_YEAR)
        if END_OF_YEAR in periods
        else next(i for i, p in enumerate(periods) if p != MARCH)
    )
    said = [_rows_phrase(f"{periods[chosen] or 'first'} table read", table.rows[masks[chosen]])]
    for i, period in enumerate(periods):
        if i != chosen:
            said.append(_rows_phrase(f"the {period or 'next'} table is not read", table.rows[masks[i]]))
    return _Tables(masks[chosen], said)


def _rows_phrase(what: str, rows: np.ndarray) -> str:
    return f"{what} (rows {rows.min():,} to {rows.max():,})" if len(rows) else what


# --- the figures -------------------------------------------------------------------------------------------


@dataclass
class _Figures:
    """Each figure column's values as kept (rates as fractions), and how the rates were written."""

    values: dict[str, pd.Series]  # contract column name -> values (NaN: not published)
    present: np.ndarray  # rows with something in any figure cell (a not-published mark counts)
    scale_phrase: str = ""


def _figure_cells(table: Table, header: str) -> tuple[pd.Series, np.ndarray]:
    """A figure column's cells with DESE's not-published marks emptied, and where those marks were."""
    raw = table.frame[header]
    if _typed(raw):
        return raw, np.zeros(len(raw), dtype=bool)
    marked = cell_values.by_unique(
        raw, lambda x: spelling(x) == "" or str(x).strip().lower() in NOT_PUBLISHED_MARKS
    )
    marked = marked.eq(True).fillna(False).to_numpy(bool) & raw.notna().to_numpy()
    return raw.where(~marked, None), marked


def _rates_are_fractions(cells: list[tuple[pd.Series, cell_values.Numbers]], data: np.ndarray) -> bool:
    """Whether the rates without a % sign are written as fractions 0-1: every one is 1 or less and some have
    more than one decimal place (DESE writes percentages to one decimal, so 0.045 is 4.5%). A file whose rates
    are all 1 or less with one decimal at most (0.3, 0.0) is read as percentages, as DESE writes them."""
    found = []
    for raw, nums in cells:
        plain = data & np.isfinite(nums.values) & ~raw.astype(str).str.contains("%", regex=False).to_numpy()
        found.append(nums.values[plain])
    values = np.concatenate(found) if found else np.zeros(0)
    if not len(values) or values.max() > 1:
        return False
    tenths = values * 10
    return bool((np.abs(tenths - np.round(tenths)) > 1e-6).any())


@dataclass
class _FigureCells:
    """Every figure column the file has: its cells (not-published marks emptied) read as numbers."""

    columns: list[Column]
    cells: dict[str, tuple[pd.Series, cell_values.Numbers]]  # contract column name -> (cells, numbers)
    present: np.ndarray  # rows with something in any figure cell (a not-published mark counts)


def figure_cells(kind: UploadKind, table: Table, roles: Roles) -> _FigureCells:
    """The file's figure columns, read as numbers (nothing is reported yet: which rows are data depends on
    which rows have figures)."""
    figures = [c for c in kind.columns if c.measure and c.name in roles.contract]
    decimal_comma = table.delimiter == ";"
    cells = {}
    present = np.zeros(len(table.frame), dtype=bool)
    for col in figures:
        raw, marked = _figure_cells(table, roles.contract[col.name])
        cells[col.name] = (raw, cell_values.numbers(raw, decimal_comma=decimal_comma))
        present |= raw.notna().to_numpy() | marked
    return _FigureCells(figures, cells, present)


def read_figures(
    table: Table, roles: Roles, found: _FigureCells, data: np.ndarray, log: ProblemLog
) -> _Figures:
    """Each figure as the warehouse keeps it (rates as fractions); each cell among the rows of `data` that is
    no figure, or one beyond what its measure can be, is named."""
    rates = [found.cells[c.name] for c in found.columns if c.measure == "rate"]
    fractions = _rates_are_fractions(rates, data)
    values = {}
    for col in found.columns:
        raw, nums = found.cells[col.name]
        values[col.name] = _figure_values(
            col, table, roles.contract[col.name], raw, nums, data, log, fractions
        )
    phrase = ""
    if rates:
        phrase = "rates read as fractions 0-1" if fractions else "rates read as percentages (0-100)"
    return _Figures(values, found.present, phrase)


def _figure_values(
    col: Column,
    table: Table,
    header: str,
    raw: pd.Series,
    nums: cell_values.Numbers,
    data: np.ndarray,
    log: ProblemLog,
    fractions: bool,
) -> pd.Series:
    """One figure column's values as the warehouse keeps them, its problems named."""
    values = nums.values.copy()
    negative = data & (values < 0)
    measure = col.measure
    if measure == "rate":
        percent_sign = raw.astype(str).str.contains("%", regex=False).to_numpy()
        hundred = np.where(percent_sign | (not fractions), 100.0, 1.0)
        what = "a percentage from 0 to 100 (4.5 for 4.5%)"
        bound = cell_values.Bound(100.0, what + "; a share of students cannot be more than all of them")
        scaled = cell_values.Numbers(
            values / hundred * 100.0, nums.blank, nums.bad, nums.not_finite, nums.comma, nums.ambiguous
        )
        number_problems(table, header, scaled, data, log, what, negative=negative, bound=bound)
        values = np.round(scaled.values / 100.0, 6)
    elif measure == "index":
        what = "an index score from 1 to 99 (VOCAL's scale)"
        number_problems(table, header, nums, data, log, what)
        outside = data & np.isfinite(values) & ((values < 1) | (values > 99))
        _name(log, table, header, outside, what, problems.OUT_OF_RANGE)
        values[outside] = np.nan
    else:
        counted = measure == "count"
        what = "a whole number of students (0 or more)" if counted else "a number of days (0 or more)"
        bound = cell_values.STUDENTS_PER_CELL if counted else cell_values.SCHOOL_DAYS
        number_problems(table, header, nums, data, log, what, negative=negative, bound=bound)
        values = nums.values
        if counted:
            fractional = data & np.isfinite(values) & (np.abs(values - np.round(values)) > 1e-9)
            _name(log, table, header, fractional, what, problems.NOT_A_WHOLE_NUMBER)
            whole = pd.array(np.where(np.isfinite(values), np.round(values), np.nan), dtype="Int64")
            return pd.Series(whole, index=table.frame.index)
    return pd.Series(values, index=table.frame.index, dtype="float64")


def _name(
    log: ProblemLog,
    table: Table,
    header: str,
    mask: np.ndarray,
    expected: str,
    code: str,
    *,
    severity: str = problems.ERROR,
) -> None:
    """Name each cell of `header` among `mask`'s rows with one problem."""
    if mask.any():
        cells = table.frame[header].to_numpy(dtype=object)[mask].tolist()
        log.add_rows(
            expected,
            rows=table.rows[mask].tolist(),
            values=cells,
            column=header,
            severity=severity,
            code=code,
        )


def _check_disciplined_within_students(table: Table, roles: Roles, figures: _Figures, data, log) -> None:
    """Refuse more students disciplined than students in the group."""
    if "students" not in figures.values or "students_disciplined" not in figures.values:
        return
    students = figures.values["students"].to_numpy(dtype="float64", na_value=np.nan)
    disciplined = figures.values["students_disciplined"].to_numpy(dtype="float64", na_value=np.nan)
    over = data & np.isfinite(students) & np.isfinite(disciplined) & (disciplined > students)
    header = roles.contract["students_disciplined"]
    _name(
        log,
        table,
        header,
        over,
        "no more students disciplined than students in the group",
        problems.PARTS_OVER_TOTAL,
    )


# --- who, when, which group --------------------------------------------------------------------------------


def title_student_group(title: list[str]) -> str | None:
    """The one student group a statewide report is of, as its title names it ('2023-24 Student Discipline
    Data Report - All Offenses - Hispanic/Latino'): a part of a title line that is a group's name."""
    for line in title:
        for part in _PARTS.split(line):
            found = student_group(part)
            if found is not None:
                return found
    return None


def title_graduation_year(title: list[str]) -> str | None:
    """A cohort's graduation year written as one year in a graduation report's title ('2024 Four-Year
    Graduation Rate', 'Class of 2024'): the school year ending then (2023-24)."""
    found = title_school_year(title)
    if found is not None:
        return found
    for line in title:
        k = spelling(line)
        if "grad" in k or "cohort" in k or "class of" in k:
            m = re.search(r"\b(20\d{2}|19\d{2})\b", line)
            if m:
                return definitions.school_year_from_spring(int(m.group(1)))
    return None


def _group_name(text: object) -> str | None:
    """The warehouse's name of a student group: DESE's of any year read to today's, any other kept as written
    (cleaned as names are); None for an empty cell."""
    found = student_group(text)
    return found if found is not None else (clean_name(str(text)) or None)


@dataclass
class _Groups:
    """Each row's student group, and what was said of them."""

    values: pd.Series | None  # None: still to be chosen
    phrase: str
    known: np.ndarray  # rows whose group is one of DESE's, in any year's spelling
    cell: np.ndarray  # rows with something in the group column (all, when one group is the file's)


def read_groups(table: Table, roles: Roles, resolver: Resolver, log: ProblemLog) -> _Groups:
    """Each row's student group: from its column, else the title, else the answer; asked otherwise."""
    n = len(table.frame)
    header = roles.contract.get("student_group")
    if header is None:
        group, phrase = resolver.constant(
            "student_group",
            "student group",
            title_student_group(table.title),
            resolver.answers.student_group,
            definitions.STUDENT_GROUPS,
        )
        values = None if group is None else pd.Series(group, index=table.frame.index, dtype=object)
        return _Groups(values, phrase, np.full(n, group is not None), np.ones(n, dtype=bool))
    raw = table.frame[header]
    values = cell_values.by_unique(raw, _group_name)
    known = (
        cell_values.by_unique(raw, lambda x: student_group(x) is not None)
        .eq(True)
        .fillna(False)
        .to_numpy(bool)
    )
    return _Groups(values, "", known, raw.notna().to_numpy())


def _group_problems(table: Table, roles: Roles, groups: _Groups, data: np.ndarray, log: ProblemLog) -> str:
    """Name empty and over-long group cells among the rows of data; say which groups were read."""
    header = roles.contract.get("student_group")
    if header is None or groups.values is None:
        return groups.phrase
    blank = data & ~groups.cell
    log.add_rows(
        "a student group (e.g. All Students, White); this cell is empty",
        rows=table.rows[blank].tolist(),
        column=header,
        code=problems.MISSING_VALUE,
    )
    long = data & groups.values.astype(object).map(
        lambda g: isinstance(g, str) and len(g) > NAME_MAX
    ).to_numpy(bool)
    if long.any():
        cells = [shorten(str(c)) for c in table.frame[header].to_numpy(dtype=object)[long]]
        log.add_rows(
            f"a student group's name of at most {NAME_MAX} characters",
            rows=table.rows[long].tolist(),
            values=cells,
            column=header,
            code=problems.NAME_TOO_LONG,
        )
    named = data & groups.values.notna().to_numpy()
    found = groups.values[named].astype(object)
    if not len(found):
        return ""
    others = sorted(set(groups.values[named & ~groups.known].astype(object)))
    phrase = f"{_plural(found.nunique(), 'student group')} from the “{header}” column"
    if others:
        phrase += " (" + ", ".join(others[:5]) + (" …" if len(others) > 5 else "") + " kept as written)"
    return phrase


def _grade_name(text: object) -> str | None:
    """A grade as the warehouse keeps it: '8' for 8, 8.0, 'Grade 8' or '08'; ALL_GRADES for every grade."""
    if isinstance(text, float) and np.isfinite(text) and text == int(text):
        text = int(text)
    words = _GRADE_WORDS.sub("", clean_name(str(text)))
    if spelling(words) in _ALL_GRADES_KEYS or not words:
        return definitions.ALL_GRADES
    return str(int(words)) if words.isdigit() else words


def read_grades(table: Table, roles: Roles, data: np.ndarray, log: ProblemLog) -> tuple[pd.Series, str]:
    """Each row's grade (climate survey): from its column (empty: every grade), else ALL_GRADES."""
    header = roles.contract.get("grade")
    index = table.frame.index
    if header is None:
        return pd.Series(definitions.ALL_GRADES, index=index, dtype=object), ""
    raw = table.frame[header]
    grades = cell_values.by_unique(raw, _grade_name).astype(object)
    grades = grades.where(raw.notna(), definitions.ALL_GRADES)
    long = data & grades.map(lambda g: len(str(g)) > 20).to_numpy(bool)
    _name(log, table, header, long, "a grade such as 5, 8 or 10 (or All)", problems.NOT_ACCEPTED)
    shown = sorted(set(grades[data]), key=lambda g: (not g.isdigit(), int(g) if g.isdigit() else 0, g))
    return grades, f"grades {', '.join(shown[:8])} from the “{header}” column" if shown else ""


@dataclass
class _Organizations:
    """Each row's organization, the rows that are not an organization's (the State's, a school's), and what was
    said of them."""

    codes: pd.Series | None  # None: still to be chosen
    state: np.ndarray
    schools: np.ndarray
    phrase: str = ""
    covers_state: bool = False


def read_organizations(
    table: Table,
    roles: Roles,
    resolver: Resolver,
    log: ProblemLog,
    data: np.ndarray,
    known: dict[str, str],
) -> _Organizations:
    """Each row's organization: from its code column, else the one the person chose (asked, never guessed
    from a name in the file). A code the dashboard does not know is refused (a report's rates cannot name a
    new organization); the State's row is skipped, and a school's row too (the figures are kept by
    organization, and a rate cannot be added up into its district's)."""
    n = len(table.frame)
    none = np.zeros(n, dtype=bool)
    answer, header = resolver.answers.organization, roles.contract.get("org_code")
    if header is None:
        if answer is None:
            resolver.questions.append(Question("organization", "Organization: not in the file — choose one"))
            return _Organizations(None, none, none, "organization: not in the file — choose one")
        _check_chosen(answer, resolver, log, known)
        name = known.get(answer, answer)
        codes = pd.Series(answer, index=table.frame.index, dtype=object)
        return _Organizations(
            codes, none, none, f"organization {name} ({answer}), as you chose (the file does not say)"
        )
    codes, malformed = cell_values.org_codes(table.frame[header])
    state = codes.eq(cell_values.STATE_CODE).fillna(False).to_numpy(bool)
    if roles.org_type:
        state = state | cell_values.by_unique(table.frame[roles.org_type], spelling).eq("state").fillna(
            False
        ).to_numpy(bool)
    statewide = state.copy()  # the State's own row (not a "Total" at the foot of a list): a statewide file
    if roles.org_name:
        names = cell_values.by_unique(table.frame[roles.org_name], spelling)
        statewide = statewide | names.isin(STATEWIDE_NAME_KEYS).to_numpy(bool)
        state = state | names.isin(STATE_NAME_KEYS).to_numpy(bool)
    state = state & data
    rows = data & ~state
    _name(
        log,
        table,
        header,
        rows & malformed,
        "DESE's 8-digit organization code such as 00350000 (leading zeros may be left out)",
        problems.NOT_AN_ORG_CODE,
    )
    blank = rows & table.frame[header].isna().to_numpy()
    log.add_rows(
        "an organization code; this cell is empty",
        rows=table.rows[blank].tolist(),
        column=header,
        code=problems.MISSING_VALUE,
    )
    unknown = rows & codes.notna().to_numpy() & ~codes.isin(list(known)).to_numpy()
    districts = (codes.str[:4] + "0000").isin(list(known)).to_numpy()
    schools = unknown & ~codes.str.endswith("0000").fillna(True).to_numpy(bool) & districts
    _name(
        log,
        table,
        header,
        schools,
        "an organization's row; this is a school's, and the dashboard keeps these figures by district, "
        "charter school or collaborative (a rate cannot be added into its district's), so it is skipped",
        problems.SCHOOL_ROW,
        severity=WARNING,
    )
    _name(
        log,
        table,
        header,
        unknown & ~schools,
        "an organization the dashboard knows (DESE's organizations list); load the organization first, or "
        "check the code",
        problems.NO_SUCH_ORGANIZATION,
    )
    if answer is not None:
        check_column_against_answer(log, table, header, codes.where(rows), answer, "organization")
    if resolver.allowed is not None:
        theirs = rows & ~schools & codes.notna().to_numpy() & ~codes.isin(list(resolver.allowed)).to_numpy()
        yours = ", ".join(sorted(resolver.allowed))
        _name(
            log,
            table,
            header,
            theirs,
            f"one of the organizations your sign-in uploads for ({yours}); this row is for another "
            "organization, whose figures only it or DESE can upload",
            problems.NOT_YOUR_ORGANIZATION,
        )
    said = (
        [
            f"{_plural(int(state.sum()), 'State row')} skipped (the statewide figure is worked out from the organizations)"
        ]
        if state.any()
        else []
    )
    if schools.any():
        said.append(f"{_plural(int(schools.sum()), 'school row')} skipped (figures are kept by organization)")
    return _Organizations(codes, state, schools, "; ".join(said), covers_state=bool((statewide & data).any()))


def _check_chosen(answer: str, resolver: Resolver, log: ProblemLog, known: dict[str, str]) -> None:
    """Refuse an organization chosen for the file that the dashboard does not know, or that the person's
    sign-in does not upload for."""
    if answer not in known:
        log.add(
            "an organization the dashboard knows (DESE's organizations list: a district, charter school, "
            "vocational school or collaborative)",
            column="organization you chose",
            value=answer,
            code=problems.NO_SUCH_ORGANIZATION,
        )
    if resolver.allowed is not None and answer not in resolver.allowed:
        log.add(
            f"one of the organizations your sign-in uploads for ({', '.join(sorted(resolver.allowed))})",
            column="organization you chose",
            value=answer,
            code=problems.NOT_YOUR_ORGANIZATION,
        )


def read_years(
    kind: UploadKind, table: Table, roles: Roles, resolver: Resolver, log: ProblemLog, data: np.ndarray
):
    """Each row's school year: its column, else the title line, else the answer (a graduation report's title
    may name the cohort by one year: 'Class of 2024' is 2023-24)."""
    header = roles.contract.get("school_year")
    if kind is GRADUATION and header is None and title_school_year(table.title) is None:
        year = title_graduation_year(table.title)
        if year is not None:
            chosen, phrase = resolver.constant(
                "school_year", "school year", year, resolver.answers.school_year, ()
            )
            return pd.Series(chosen, index=table.frame.index, dtype=object), phrase
    return school_years_of(table, header, resolver, log, data)


# --- the report as a whole ---------------------------------------------------------------------------------


def _shape(kind: UploadKind, roles: Roles) -> tuple[str, str]:
    """(shape, what the file is in words), told from which of organization and group it has columns for."""
    what = kind.short_title.lower()
    by_org, by_group = "org_code" in roles.contract, "student_group" in roles.contract
    keys = [c for c in kind.grain if c != "grade"]
    if is_template(kind, roles) and all(c in roles.contract for c in keys):
        return "template", "Dashboard template"
    if by_org and by_group:
        return "open data", f"DESE statewide extract ({what}): a row per organization and student group"
    if by_org:
        return (
            "statewide report",
            f"DESE statewide {what} report for one student group: a row per organization",
        )
    if by_group:
        return "profiles", f"DESE Profiles {what} report for one organization: a row per student group"
    return "report", f"DESE {what} report"


def _missing_figures(kind: UploadKind, table: Table, log: ProblemLog) -> None:
    """Refuse a file with none of the kind's own columns (its figures)."""
    labels = [c.label for c in kind.columns if c.measure]
    log.add(
        f"the report's own columns ({', '.join(labels)}); the header (row {table.header_row}) has none of "
        f"them: {', '.join(table.header)}",
        row=table.header_row,
        code=problems.MISSING_COLUMN,
    )


def _skip_notes(table: Table, note: np.ndarray, log: ProblemLog) -> None:
    """Warn of rows with neither figures nor a student group (a note, a footnote): they are skipped."""
    if not note.any():
        return
    first = table.frame[note].bfill(axis=1).iloc[:, 0].tolist()
    log.add_rows(
        "a student group's row; this row has no figures and names no student group (a note?), so it is skipped",
        rows=table.rows[note].tolist(),
        values=[shorten(str(t)) for t in first],
        severity=WARNING,
        code=problems.NOTE_ROW,
    )


def normalise_student_report(
    kind: UploadKind,
    table: Table,
    roles: Roles,
    answers: Answers,
    log: ProblemLog,
    *,
    known: dict[str, str],
    allowed: frozenset[str] | None = None,
) -> Normalised:
    """A report by student group, in any of its shapes, as one row per school year, organization and group
    (and grade): what it holds, what was recognised, and what must still be asked."""
    questions: list = []
    resolver = Resolver(table, answers, log, questions, allowed)
    shape, label = _shape(kind, roles)
    filled = ~table.frame.isna().all(axis=1).to_numpy()
    said: list[str] = []
    if kind is STUDENT_ATTENDANCE:
        tables = attendance_tables(table)
        if tables.march_only:
            log.add(MARCH_ONLY, row=table.header_row, code=problems.MARCH_TABLE_ONLY)
            return Normalised(None, shape, [label, "the March table only"])
        filled = filled & tables.rows
        said += tables.said
    found = figure_cells(kind, table, roles)
    if not found.columns:
        _missing_figures(kind, table, log)
        return Normalised(None, shape, [label])
    groups = read_groups(table, roles, resolver, log)
    code_cell = (
        table.frame[roles.contract["org_code"]].notna().to_numpy() if "org_code" in roles.contract else None
    )
    identified = groups.known.copy()
    if code_cell is not None:
        identified = identified | code_cell & (groups.cell if "student_group" in roles.contract else True)
    note = filled & ~found.present & ~identified
    _skip_notes(table, note, log)
    data = filled & ~note
    data = data & ~short_rows(table, data, log)
    orgs = read_organizations(table, roles, resolver, log, data, known)
    data = data & ~orgs.state & ~orgs.schools
    years, year_phrase = read_years(kind, table, roles, resolver, log, data)
    group_phrase = _group_problems(table, roles, groups, data, log)
    figures = read_figures(table, roles, found, data, log)
    _check_disciplined_within_students(table, roles, figures, data, log)
    grades, grade_phrase = (
        read_grades(table, roles, data, log) if "grade" in kind.column_names else (None, "")
    )
    parts = [label, *said, year_phrase, orgs.phrase, group_phrase, grade_phrase, figures.scale_phrase]
    if questions or orgs.codes is None or years is None or groups.values is None:
        return Normalised(None, shape, [p for p in parts if p], questions)
    columns = {"school_year": years, "org_code": orgs.codes, "student_group": groups.values}
    if grades is not None:
        columns["grade"] = grades
    columns |= figures.values
    index = table.frame.index
    long = pd.DataFrame({c.name: columns.get(c.name, pd.Series(np.nan, index=index)) for c in kind.columns})
    long = drop_repeated_grain(kind, plain_values(long[data]), table.rows[data], log)
    orgs_phrase = orgs.phrase
    if "org_code" in roles.contract:
        orgs_phrase = "; ".join(
            p for p in (_plural(long["org_code"].nunique(), "organization"), orgs.phrase) if p
        )
    rows = _plural(len(long), "row") + " to save"
    parts = [label, *said, year_phrase, orgs_phrase, group_phrase, grade_phrase, figures.scale_phrase, rows]
    return Normalised(long, shape, [p for p in parts if p], [], {}, covers_state=orgs.covers_state)
