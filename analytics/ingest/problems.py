"""Problems found in an upload, as data: where (row as the user numbers it, column), what was there, what
was expected, whether it blocks saving, and a stable code naming the kind of problem (tests and tools
match on the code, people read the words)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
# code, people read the words, which may change.
# The file as a whole.
FILE_TOO_LARGE = "file-too-large"  # over the size cap, or a workbook that would unpack to too much
TOO_MANY_ROWS = "too-many-rows"  # more rows of data than one upload may hold
EMPTY_FILE = "empty-file"  # no bytes, or only blank lines
NOT_A_SPREADSHEET = (
    "not-a-spreadsheet"  # a web page, binary data, a damaged workbook, a zip of something else
)
NO_SUCH_SHEET = "no-such-sheet"  # the sheet chosen is not in the workbook
NO_HEADER = "no-header"  # no row looks like the header of this kind
OTHER_SHEETS = "other-sheets"  # more than one sheet looks like data (one is read)
MIXED_ENCODING = "mixed-encoding"  # rows written in different text encodings
HEADER_MISALIGNED = "header-misaligned"  # the rows under the header have more values than it has headings
NO_ROWS = "no-rows"  # a header and nothing under it (an untouched template)
ALL_ROWS_SKIPPED = "all-rows-skipped"  # rows, but none with figures to save
UNEXPECTED = "unexpected-failure"  # a fault in the dashboard, logged for its maintainers
# The header.
MISSING_COLUMN = "missing-column"  # a required column (or the total that percentages need) is not there
MISSING_RACE_COLUMN = "missing-race-column"  # a wide file without a column for some race/ethnicity
SAME_ROLE = "same-role"  # two columns that hold the same thing
# A row.
EXTRA_CELL = "extra-cell"  # more values than the header has headings
MISSING_CELL = "missing-cell"  # fewer values than the header has headings, in a row with figures
NOTE_ROW = "note-row"  # a row with no figures, only a note (skipped)
TOTAL_ROW = "total-row"  # a row totalling every job class (skipped: the same people again)
DUPLICATE_ROW = "duplicate-row"  # the same key as an earlier row, and the same figures (skipped)
DUPLICATE_KEY = "duplicate-key"  # the same key as an earlier row, with different figures
PARTS_OVER_TOTAL = "parts-over-total"  # race/ethnicity counts adding up to more than the row's total
# A cell.
CELL_TOO_LONG = "cell-too-long"  # more characters than a spreadsheet cell holds (Limits.max_cell_chars)
MISSING_VALUE = "missing-value"  # a required cell left empty
BLANK_AS_ZERO = "blank-as-zero"  # an empty race/ethnicity cell in a row with figures, read as 0
RACE_NOT_GIVEN = "race-not-given"  # a roster's person with no race/ethnicity, counted as Unknown
NOT_A_NUMBER = "not-a-number"  # text where a number belongs
FORMULA = "formula"  # a spreadsheet formula, read as text and never calculated
NOT_FINITE = "not-finite"  # inf, NaN, or a number too large to hold
OUT_OF_RANGE = "out-of-range"  # a number beyond any real figure for its column
BELOW_MINIMUM = "below-minimum"  # a number below the least its column takes (a negative count, cohort 0)
NOT_A_WHOLE_NUMBER = "not-a-whole-number"  # a fraction where a count of people belongs
DECIMAL_COMMA = "decimal-comma"  # a comma that is not a thousands separator, in a comma-separated file
AMBIGUOUS_NUMBER = "ambiguous-number"  # a semicolon file's 1.234: a thousands point or a decimal point
NOT_A_SCHOOL_YEAR = "not-a-school-year"  # a year that reads as no school year
NOT_A_DATE = "not-a-date"  # a date that reads as no date (a member's start in their role)
UNKNOWN_JOB_CLASS = "unknown-job-class"  # a job class the dashboard does not track
UNKNOWN_RACE = "unknown-race"  # a race/ethnicity spelling that is none of DESE's categories
NOT_ACCEPTED = "not-accepted"  # a value outside a column's accepted list (status, component, ...)
NOT_YES_OR_NO = "not-yes-or-no"  # a yes/no column holding something else
NOT_AN_ORG_CODE = "not-an-org-code"  # not an 8-digit DESE organization code
UNKNOWN_ORGANIZATION = "unknown-organization"  # a well-formed code new to the dashboard (added, warned)
OUTSIDE_DESE = (
    "outside-dese"  # a member's school that is none of DESE's organizations (counted apart, warned)
)
OUTSIDE_DISTRICT = "outside-district"  # an organization outside the district chosen for the file
NO_SUCH_ORGANIZATION = "no-such-organization"  # a code the dashboard does not know, where none may be added
SCHOOL_ROW = "school-row"  # a school's row of a report by student group (kept by organization: skipped)
MARCH_TABLE_ONLY = "march-table-only"  # an attendance report holding only its March table, not End of Year
CONTRADICTS_ANSWER = "contradicts-answer"  # the file says otherwise than the answer given for it
NAME_TOO_LONG = "name-too-long"  # a name longer than any real one (analytics/text.py's NAME_MAX)
NAME_CLEANED = "name-cleaned"  # a name kept without its control or invisible characters (or shortened)
# Who is uploading (analytics/access.py).
NOT_ALLOWED = "not-allowed"  # the person's role may not upload this file at all
NOT_YOUR_ORGANIZATION = "not-your-organization"  # a district uploader's row for another organization


@dataclass(frozen=True)
class UploadProblem:
    """One problem: row as numbered in the user's spreadsheet (header row counted, as Excel does),
    column as headed in the file, the value found, and what was expected there."""

    row: int | None
    column: str | None
    value: str | None
    expected: str
    severity: Severity = ERROR
    code: str = field(kw_only=True)  # one of the codes above

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
