"""Problems found in an upload, as data: where (row as the user numbers it, column), what was there, what
was expected, whether it blocks saving, and a stable code naming the kind of problem (tests and tools
match on the code, people read the words)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"

# A file with thousands of bad rows gets the first ones listed and a count of the rest: enough to find the
# pattern, never a list that swamps the page.
LISTED_PER_KIND = 50
LISTED_IN_ALL = 200

# Stable codes for the kinds of problem that have one (like frictionless' error types).
NOT_FINITE = "not-finite"  # inf, NaN, or a number too large to hold
OUT_OF_RANGE = "out-of-range"  # a number beyond any real figure for its column
DECIMAL_COMMA = "decimal-comma"  # a comma that is not a thousands separator, in a comma-separated file
AMBIGUOUS_NUMBER = "ambiguous-number"  # a semicolon file's 1.234: a thousands point or a decimal point
SAME_ROLE = "same-role"  # two columns that hold the same thing
MIXED_ENCODING = "mixed-encoding"  # rows written in different text encodings
HEADER_MISALIGNED = "header-misaligned"  # the rows under the header have more values than it has headings
NO_ROWS = "no-rows"  # a header and nothing under it (an untouched template)


@dataclass(frozen=True)
class UploadProblem:
    """One problem: row as numbered in the user's spreadsheet (header row counted, as Excel does),
    column as headed in the file, the value found, and what was expected there."""

    row: int | None
    column: str | None
    value: str | None
    expected: str
    severity: Severity = ERROR
    code: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def message(self) -> str:
        """The problem in one line, as the command line prints it."""
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column “{self.column}”")
        place = ", ".join(where)
        place = place[0].upper() + place[1:] if place else ""
        found = f"“{_shorten(self.value)}”" if self.value not in (None, "") else ""
        head = ": ".join(p for p in (place, found) if p)
        label = "Error" if self.is_error else "Warning"
        return f"{label}: {head} — {self.expected}" if head else f"{label}: {self.expected}"

    def __str__(self) -> str:
        return self.message


def _shorten(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class ProblemLog:
    """Collects problems; lists at most LISTED_PER_KIND of each kind and LISTED_IN_ALL in all, and counts
    the rest."""

    listed: list[UploadProblem] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    _unlisted: dict[tuple[Severity, str | None, str], int] = field(default_factory=dict)
    _per_kind: dict[tuple[Severity, str | None, str], int] = field(default_factory=dict)
    _codes: dict[tuple[Severity, str | None, str], str | None] = field(default_factory=dict)

    def add(
        self,
        expected: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        severity: Severity = ERROR,
        code: str | None = None,
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
        code: str | None = None,
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
                    None if value is None or value != value else str(value),  # NaN -> None
                    expected,
                    severity,
                    code,
                )
            )
        self._per_kind[kind] = already + n
        if n > room:
            self._unlisted[kind] = self._unlisted.get(kind, 0) + n - room

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0

    def problems(self) -> list[UploadProblem]:
        """Every listed problem, errors first, then by row; plus one line per kind counting the unlisted."""
        ordered = sorted(self.listed, key=lambda p: (not p.is_error, p.row is None, p.row or 0))
        for (severity, column, expected), n in self._unlisted.items():
            ordered.append(
                UploadProblem(
                    None,
                    column,
                    None,
                    f"{n:,} more rows like this: {expected}",
                    severity,
                    self._codes.get((severity, column, expected)),
                )
            )
        return ordered

    def extend(self, problems: Iterable[UploadProblem]) -> None:
        """Add problems found elsewhere."""
        for p in problems:
            self.add(p.expected, row=p.row, column=p.column, value=p.value, severity=p.severity, code=p.code)
