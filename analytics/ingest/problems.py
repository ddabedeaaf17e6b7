"""Problems found in an upload, as data: where (row as the user numbers it, column), what was there, what
was expected, whether it blocks saving, and a stable code naming the kind of problem (tests and tools
match on the code, people read the words)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from analytics.text import NAME_MAX, shorten, terminal_safe

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"

# A file with thousands of bad rows gets the first ones listed and a count of the rest: enough to find the
# pattern, never a list that swamps the page.
LISTED_PER_KIND = 50
LISTED_IN_ALL = 200

# Stable codes naming each kind of problem (like frictionless' error types): tests and tools match on the
# code, people read the words, which may change. Each is declared with where it is found and what it means;
# `reference()` lists them; docs/problems.md is written from it (`python -m analytics.ingest.problem_reference`).


@dataclass(frozen=True)
class ProblemCode:
    """One kind of problem: its code, where in the upload it is found, and what it means."""

    code: str
    where: str
    meaning: str


CODES: list[ProblemCode] = []


def _code(code: str, where: str, meaning: str) -> str:
    CODES.append(ProblemCode(code, where, meaning))
    return code


_FILE = "The file as a whole"
_HEADER = "The header"
_ROW = "A row"
_CELL = "A cell"
_WHO = "Who is uploading"

FILE_TOO_LARGE = _code(
    "file-too-large", _FILE, "The file is over the size cap, or a workbook would unpack to too much."
)
TOO_MANY_ROWS = _code("too-many-rows", _FILE, "The file has more rows of data than one upload may hold.")
EMPTY_FILE = _code("empty-file", _FILE, "The file has no bytes, or only blank lines.")
NOT_A_SPREADSHEET = _code(
    "not-a-spreadsheet",
    _FILE,
    "The file is no CSV or Excel workbook: a web page, binary data, a damaged workbook, a zip of something "
    "else.",
)
NO_SUCH_SHEET = _code("no-such-sheet", _FILE, "The sheet chosen is not in the workbook.")
NO_HEADER = _code("no-header", _FILE, "No row near the top looks like the header of the kind of file chosen.")
OTHER_SHEETS = _code(
    "other-sheets", _FILE, "More than one sheet looks like data; one is read, and it may be chosen."
)
MIXED_ENCODING = _code("mixed-encoding", _FILE, "Rows are written in different text encodings.")
HEADER_MISALIGNED = _code(
    "header-misaligned", _FILE, "The rows under the header have more values than it has headings."
)
NO_ROWS = _code("no-rows", _FILE, "A header and nothing under it (an untouched template).")
ALL_ROWS_SKIPPED = _code("all-rows-skipped", _FILE, "The file has rows, but none with figures to save.")
UNEXPECTED = _code(
    "unexpected-failure", _FILE, "A fault in the dashboard, logged for its maintainers; nothing was saved."
)
MISSING_COLUMN = _code(
    "missing-column", _HEADER, "A required column (or the total that percentages need) is not there."
)
MISSING_RACE_COLUMN = _code(
    "missing-race-column",
    _HEADER,
    "A file with one column per race/ethnicity lacks a column for some of them.",
)
SAME_ROLE = _code("same-role", _HEADER, "Two columns hold the same thing; reading either would be a guess.")
EXTRA_CELL = _code("extra-cell", _ROW, "The row has more values than the header has headings.")
MISSING_CELL = _code(
    "missing-cell", _ROW, "The row has fewer values than the header has headings, in a row with figures."
)
NOTE_ROW = _code("note-row", _ROW, "The row has no figures, only a note; it is skipped.")
TOTAL_ROW = _code("total-row", _ROW, "The row totals every job class; it is skipped (the same people again).")
DUPLICATE_ROW = _code(
    "duplicate-row", _ROW, "The row has the same key as an earlier row, and the same figures; it is skipped."
)
DUPLICATE_KEY = _code(
    "duplicate-key", _ROW, "The row has the same key as an earlier row, with different figures."
)
PARTS_OVER_TOTAL = _code(
    "parts-over-total", _ROW, "The race/ethnicity counts add up to more than the row's total."
)
CELL_TOO_LONG = _code("cell-too-long", _CELL, "The cell holds more characters than a spreadsheet cell can.")
MISSING_VALUE = _code("missing-value", _CELL, "A required cell is left empty.")
BLANK_AS_ZERO = _code(
    "blank-as-zero", _CELL, "An empty race/ethnicity cell in a row with figures; it is read as 0."
)
RACE_NOT_GIVEN = _code(
    "race-not-given", _CELL, "A roster's person with no race/ethnicity; they are counted as Unknown."
)
NOT_A_NUMBER = _code("not-a-number", _CELL, "Text where a number belongs.")
FORMULA = _code("formula", _CELL, "A spreadsheet formula, which is read as text and never calculated.")
NOT_FINITE = _code("not-finite", _CELL, "Infinity, “not a number”, or a number too large to hold.")
OUT_OF_RANGE = _code("out-of-range", _CELL, "A number beyond any real figure for its column.")
BELOW_MINIMUM = _code(
    "below-minimum", _CELL, "A number below the least its column takes (a negative count, cohort 0)."
)
NOT_A_WHOLE_NUMBER = _code("not-a-whole-number", _CELL, "A fraction where a count of people belongs.")
DECIMAL_COMMA = _code(
    "decimal-comma", _CELL, "A comma that is not a thousands separator, in a comma-separated file."
)
AMBIGUOUS_NUMBER = _code(
    "ambiguous-number",
    _CELL,
    "A number such as 1.234 in a semicolon-separated file: a thousands point or a decimal point.",
)
NOT_A_SCHOOL_YEAR = _code("not-a-school-year", _CELL, "A year that reads as no school year.")
NOT_A_DATE = _code("not-a-date", _CELL, "A date that reads as no date (a member's start in their role).")
UNKNOWN_JOB_CLASS = _code("unknown-job-class", _CELL, "A job class the dashboard does not track.")
UNKNOWN_RACE = _code("unknown-race", _CELL, "A race/ethnicity spelling that is none of DESE's categories.")
NOT_ACCEPTED = _code(
    "not-accepted", _CELL, "A value outside its column's accepted list (a status, a component, ...)."
)
NOT_YES_OR_NO = _code("not-yes-or-no", _CELL, "A Yes/No column holding something else.")
NOT_AN_ORG_CODE = _code("not-an-org-code", _CELL, "Not an 8-digit DESE organization code.")
UNKNOWN_ORGANIZATION = _code(
    "unknown-organization", _CELL, "A well-formed code new to the dashboard; it is added, with a warning."
)
OUTSIDE_DESE = _code(
    "outside-dese",
    _CELL,
    "A member's school that is none of DESE's organizations; it is counted apart, with a warning.",
)
OUTSIDE_DISTRICT = _code(
    "outside-district", _CELL, "An organization outside the district chosen for the file."
)
NO_SUCH_ORGANIZATION = _code(
    "no-such-organization", _CELL, "A code the dashboard does not know, where none may be added."
)
SCHOOL_ROW = _code(
    "school-row",
    _ROW,
    "A school's row of a report by student group; figures are kept by organization, so it is skipped.",
)
MARCH_TABLE_ONLY = _code(
    "march-table-only", _FILE, "An attendance report holding only its March table, not its End of Year one."
)
CONTRADICTS_ANSWER = _code(
    "contradicts-answer", _CELL, "The file says otherwise than the answer given for it."
)
NAME_TOO_LONG = _code(
    "name-too-long", _CELL, f"A name longer than any real one (more than {NAME_MAX} characters)."
)
NAME_CLEANED = _code(
    "name-cleaned", _CELL, "A name kept without its control or invisible characters (or shortened)."
)
NOT_ALLOWED = _code("not-allowed", _WHO, "The person's role may not upload this file at all.")
NOT_YOUR_ORGANIZATION = _code(
    "not-your-organization", _WHO, "A district uploader's row for an organization that is not theirs."
)


@dataclass(frozen=True)
class UploadProblem:
    """One problem: row as numbered in the user's spreadsheet (header row counted, as Excel does),
    column as headed in the file, the value found, and what was expected there."""

    row: int | None
    column: str | None
    value: str | None
    expected: str
    severity: Severity = ERROR
    code: str = field(kw_only=True)  # one of the codes above (CODES)

    @property
    def is_error(self) -> bool:
        """Whether the problem blocks saving."""
        return self.severity == ERROR

    @property
    def message(self) -> str:
        """The problem in one line, as the command line prints it: the file's words in it (headings, names,
        values) cannot break the line or send the terminal a command (analytics/text.py)."""
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column “{self.column}”")
        place = ", ".join(where)
        place = place[0].upper() + place[1:] if place else ""
        found = f"“{shorten(self.value)}”" if self.value not in (None, "") else ""
        head = ": ".join(p for p in (place, found) if p)
        label = "Error" if self.is_error else "Warning"
        return terminal_safe(f"{label}: {head} — {self.expected}" if head else f"{label}: {self.expected}")

    def __str__(self) -> str:
        return self.message


@dataclass
class ProblemLog:
    """Collects problems; lists at most LISTED_PER_KIND of each kind and LISTED_IN_ALL in all, and counts
    the rest."""

    listed: list[UploadProblem] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    _unlisted: dict[tuple[Severity, str | None, str], int] = field(default_factory=dict)
    _unlisted_span: dict[tuple[Severity, str | None, str], tuple[int, int]] = field(default_factory=dict)
    _per_kind: dict[tuple[Severity, str | None, str], int] = field(default_factory=dict)
    _codes: dict[tuple[Severity, str | None, str], str] = field(default_factory=dict)

    def add(
        self,
        expected: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        severity: Severity = ERROR,
        code: str,
    ) -> None:
        """Record one problem."""
        self.add_rows(expected, rows=[row], values=[value], column=column, severity=severity, code=code)

    def add_rows(
        self,
        expected: str,
        *,
        rows: Sequence[int | None],
        values: Sequence[object] | None = None,
        column: str | None = None,
        severity: Severity = ERROR,
        code: str,
    ) -> None:
        """Record the same problem on many rows (only the first few are listed; all are counted)."""
        n = len(rows)
        if not n:
            return
        if severity == ERROR:
            self.error_count += n
        else:
            self.warning_count += n
        kind = (severity, column, expected)
        self._codes[kind] = code
        already = self._per_kind.get(kind, 0)
        room = max(0, min(LISTED_PER_KIND - already, LISTED_IN_ALL - len(self.listed)))
        for i in range(min(room, n)):
            row = rows[i]
            value = None if values is None else values[i]
            self.listed.append(
                UploadProblem(
                    None if row is None else int(row),
                    column,
                    _quoted(value),
                    expected,
                    severity,
                    code=code,
                )
            )
        self._per_kind[kind] = already + n
        if n > room:
            self._unlisted[kind] = self._unlisted.get(kind, 0) + n - room
            numbered = [int(r) for r in rows[room:] if r is not None]
            if numbered:
                low, high = self._unlisted_span.get(kind, (min(numbered), max(numbered)))
                self._unlisted_span[kind] = (min(low, *numbered), max(high, *numbered))

    @property
    def has_errors(self) -> bool:
        """Whether any problem so far blocks saving."""
        return self.error_count > 0

    def problems(self) -> list[UploadProblem]:
        """Every listed problem, errors first, then by row; plus one line counting the unlisted of each kind
        (code and column): a million copies of one mistake are a count and the rows they span, never a
        million lines, even where each names another row."""
        ordered = sorted(self.listed, key=lambda p: (not p.is_error, p.row is None, p.row or 0))
        grouped: dict[tuple[Severity, str | None, str], list[tuple[Severity, str | None, str]]] = {}
        for kind in self._unlisted:
            severity, column, _ = kind
            grouped.setdefault((severity, column, self._codes[kind]), []).append(kind)
        for (severity, column, code), kinds in grouped.items():
            n = sum(self._unlisted[k] for k in kinds)
            spans = [self._unlisted_span[k] for k in kinds if k in self._unlisted_span]
            span = f" (rows {min(s[0] for s in spans):,} to {max(s[1] for s in spans):,})" if spans else ""
            said = (
                f"{n:,} more rows like this{span}: {kinds[0][2]}"
                if len(kinds) == 1
                else f"{n:,} more rows{span} with a problem of the same kind as listed above ({code}), not "
                "listed one by one"
            )
            ordered.append(UploadProblem(None, column, None, said, severity, code=code))
        return ordered

    def extend(self, problems: Iterable[UploadProblem]) -> None:
        """Add problems found elsewhere."""
        for p in problems:
            self.add(p.expected, row=p.row, column=p.column, value=p.value, severity=p.severity, code=p.code)


def _quoted(value: object) -> str | None:
    """A cell's value as a problem quotes it: at most NAME_MAX characters (a cell of 100,000 is quoted by its
    start), its control and direction-changing characters as visible escapes; None for NaN."""
    if value is None or value != value:
        return None
    return terminal_safe(shorten(str(value), NAME_MAX))


def reference() -> Iterator[tuple[str, str, str]]:
    """(code, where it is found, what it means) for every problem code, in the order declared."""
    for problem in CODES:
        yield problem.code, problem.where, problem.meaning
