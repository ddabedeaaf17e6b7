"""What every shape of file shares: the answers the person uploading gives, the questions asked of them,
what a reader hands back (`Normalised`), and the steps all readers take (school years, job classes and
organization codes from a column, the title or an answer; numbers; repeated rows).

All work is column-at-a-time (pandas/numpy): problems are built only for offending rows.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics import definitions
from analytics.contracts import UploadKind
from analytics.ingest import problems
from analytics.ingest import values as cell_values
from analytics.ingest.problems import WARNING, ProblemLog
from analytics.ingest.reading import Table, field_count_message
from analytics.ingest.values import ARROW_TEXT
from analytics.ingest.vocabulary import ALL_JOB_CLASSES_KEYS, JOB_CLASS_SPELLINGS, spelling

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
    + ", ".join(definitions.RACES)
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


# --- shared steps ---------------------------------------------------------------------------------


def rows_at(table: Table, mask: np.ndarray) -> np.ndarray:
    return table.rows[mask]


def cells_at(table: Table, column: str, mask: np.ndarray) -> list:
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
            rows=rows_at(table, short),
            code=problems.MISSING_CELL,
        )
    return short


def title_school_year(title: list[str]) -> str | None:
    """A school year written in the title rows ('2023-24 Race/Ethnicity and Gender Staffing Report')."""
    for line in title:
        for m in re.finditer(
            r"(?:SY|FY)?\s?\d{2,4}\s?[-–/]\s?\d{2,4}|(?:SY|FY)\s?\d{4}", line, re.IGNORECASE
        ):
            year = definitions.parse_school_year(m.group(0).replace(" ", ""))
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


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def years_phrase(years: list[str]) -> str:
    years = sorted(years, key=definitions.spring_year)
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
                    code=problems.CONTRADICTS_ANSWER,
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
            rows=rows_at(table, differ),
            values=cells_at(table, column, differ),
            column=column,
            code=problems.CONTRADICTS_ANSWER,
        )


def school_years_of(table, roles_col, resolver, log, mask) -> tuple[pd.Series | None, str]:
    """Each row's school year: from its column, else the title, else the answer; None if asked."""
    if roles_col:
        parsed = cell_values.school_years(table.frame[roles_col])
        raw = table.frame[roles_col]
        bad = mask & raw.notna().to_numpy() & parsed.isna().to_numpy()
        log.add_rows(
            "a school year such as 2023-24 (also read: 2024 for 2023-24, 2023-2024, SY23-24, FY2024)",
            rows=rows_at(table, bad),
            values=cells_at(table, roles_col, bad),
            column=roles_col,
            code=problems.NOT_A_SCHOOL_YEAR,
        )
        blank = mask & raw.isna().to_numpy()
        log.add_rows(
            "a school year; this cell is empty",
            rows=rows_at(table, blank),
            column=roles_col,
            code=problems.MISSING_VALUE,
        )
        check_column_against_answer(
            log, table, roles_col, parsed, resolver.answers.school_year, "school year"
        )
        years = sorted(parsed[mask].dropna().unique().tolist(), key=definitions.spring_year)
        phrase = f"{years_phrase(years)} from the “{roles_col}” column" if years else ""
        return parsed, phrase
    year, phrase = resolver.constant(
        "school_year", "school year", title_school_year(table.title), resolver.answers.school_year, ()
    )
    return (None if year is None else pd.Series(year, index=table.frame.index, dtype=ARROW_TEXT)), phrase


def job_classes_of(table, column, resolver, log, mask) -> tuple[pd.Series | None, str, np.ndarray]:
    """Each row's job class, the phrase saying where it came from, and rows summing all classes."""
    all_rows = np.zeros(len(table.frame), dtype=bool)
    if column:
        raw = table.frame[column]
        parsed = cell_values.job_classes(raw)
        all_rows = mask & cell_values.by_unique(raw, lambda x: spelling(x) in ALL_JOB_CLASSES_KEYS).eq(
            True
        ).to_numpy(bool)
        if all_rows.any():
            log.add_rows(
                "one job class; rows totalling every job class are skipped (loading them beside the classes "
                "would count people twice)",
                rows=rows_at(table, all_rows),
                values=cells_at(table, column, all_rows),
                column=column,
                severity=WARNING,
                code=problems.TOTAL_ROW,
            )
        bad = mask & ~all_rows & raw.notna().to_numpy() & parsed.isna().to_numpy()
        log.add_rows(
            "one of the job classes " + ", ".join(definitions.JOB_CLASSES),
            rows=rows_at(table, bad),
            values=cells_at(table, column, bad),
            column=column,
            code=problems.UNKNOWN_JOB_CLASS,
        )
        blank = mask & raw.isna().to_numpy()
        log.add_rows(
            "a job class; this cell is empty",
            rows=rows_at(table, blank),
            column=column,
            code=problems.MISSING_VALUE,
        )
        check_column_against_answer(log, table, column, parsed, resolver.answers.job_class, "job class")
        present = set(parsed[mask & ~all_rows].dropna().unique())
        found = [jc for jc in definitions.JOB_CLASSES if jc in present]
        word = "job class" if len(found) == 1 else "job classes"
        phrase = f"{word} {', '.join(found)} from the “{column}” column" if found else ""
        return parsed, phrase, all_rows
    jc, phrase = resolver.constant(
        "job_class",
        "job class",
        title_job_class(table.title),
        resolver.answers.job_class,
        definitions.JOB_CLASSES,
    )
    return (
        (None if jc is None else pd.Series(jc, index=table.frame.index, dtype=ARROW_TEXT)),
        phrase,
        all_rows,
    )


def org_codes_of(
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
        return pd.Series(answer, index=table.frame.index, dtype=ARROW_TEXT)
    codes, malformed = parsed if parsed is not None else cell_values.org_codes(table.frame[column])
    bad = mask & malformed
    log.add_rows(
        f"{label}: DESE's 8-digit code such as 00350000 (Boston) or 350000 without the leading zeros",
        rows=rows_at(table, bad),
        values=cells_at(table, column, bad),
        column=column,
        code=problems.NOT_AN_ORG_CODE,
    )
    blank = mask & table.frame[column].isna().to_numpy()
    log.add_rows(
        f"{label}; this cell is empty", rows=rows_at(table, blank), column=column, code=problems.MISSING_VALUE
    )
    if answer is not None:
        outside = mask & codes.notna().to_numpy() & (codes.str[:4] != answer[:4]).to_numpy()
        log.add_rows(
            f"an organization in the district you chose ({answer}); this row belongs to another one",
            rows=rows_at(table, outside),
            values=cells_at(table, column, outside),
            column=column,
            code=problems.OUTSIDE_DISTRICT,
        )
    if resolver.allowed is not None:
        theirs = mask & codes.notna().to_numpy() & ~codes.isin(resolver.allowed).to_numpy()
        yours = ", ".join(sorted(resolver.allowed))
        log.add_rows(
            f"one of the organizations your sign-in uploads for ({yours}); this row is for another "
            "organization, whose figures only it or DESE can upload",
            rows=rows_at(table, theirs),
            values=cells_at(table, column, theirs) if column is not None else None,
            column=column,
            code=problems.NOT_YOUR_ORGANIZATION,
        )
    return codes


def number_problems(
    table: Table,
    column: str,
    nums: cell_values.Numbers,
    mask: np.ndarray,
    log: ProblemLog,
    what: str,
    *,
    negative: np.ndarray | None = None,
    bound: cell_values.Bound | None = None,
) -> None:
    """Name each cell of `column` (among `mask`) that gave no number, or one beyond any real figure; the
    latter then count as empty, so no sum or check built on them reports the same cell again."""
    cells = table.frame[column].to_numpy(dtype=object)
    bad = mask & nums.bad
    formula_mask = np.zeros(len(cells), dtype=bool)
    if bad.any():
        idx = np.flatnonzero(bad)
        formula_mask[idx] = [cell_values.looks_like_formula(c) for c in cells[idx]]

    def name(expected: str, rows: np.ndarray, code: str) -> None:
        if rows.any():
            log.add_rows(
                expected, rows=rows_at(table, rows), values=cells[rows].tolist(), column=column, code=code
            )

    name(
        f"{what}; this looks like a spreadsheet formula, which is read as text and never calculated: type "
        "the number itself",
        formula_mask,
        problems.FORMULA,
    )
    name(what, bad & ~formula_mask, problems.NOT_A_NUMBER)
    name(
        f"{what}; this is not a finite number (infinity, “not a number”, or too large for a spreadsheet to "
        "hold)",
        mask & nums.not_finite,
        problems.NOT_FINITE,
    )
    name(
        f"{what}; write decimals with a point, e.g. 1234.5. A comma is read only between thousands (1,234 "
        "or 12,345.5), so this cell is not guessed at",
        mask & nums.comma,
        problems.DECIMAL_COMMA,
    )
    name(
        f"{what}; in a semicolon-separated file this may hold a thousands separator or a decimal point, so it "
        "is not guessed at. Write it without a thousands separator: 1234, or 1,234 for the decimal",
        mask & nums.ambiguous,
        problems.AMBIGUOUS_NUMBER,
    )
    if negative is not None:
        name(f"{what}; counts cannot be negative", negative, problems.BELOW_MINIMUM)
    if bound is not None:
        beyond = mask & (nums.values > bound.most)
        name(bound.expected, beyond, problems.OUT_OF_RANGE)
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
            code=problems.DUPLICATE_ROW if identical else problems.DUPLICATE_KEY,
        )
    drop = np.zeros(len(long), dtype=bool)
    drop[later] = True
    return long[~drop]


def plain_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns (from parsing) back to plain values, as the warehouse takes them."""
    for c in frame.columns:
        if isinstance(frame[c].dtype, pd.CategoricalDtype):
            frame[c] = frame[c].astype(object).where(frame[c].notna(), None)
    return frame
