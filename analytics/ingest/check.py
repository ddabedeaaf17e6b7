"""Checking an upload end to end: read → recognise → normalise → validate → report. Nothing is written
here; `save_checked` writes a clean result in one transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pandas as pd

from analytics import definitions
from analytics.access import DISTRICT_KINDS, Actor
from analytics.contracts import FACT_KINDS, STUDENT_KINDS, UploadKind
from analytics.ingest import problems as problem_codes
from analytics.ingest.problems import ERROR, WARNING, ProblemLog, UploadProblem
from analytics.ingest.reading import DEFAULT_LIMITS, Limits, Unreadable, read_table
from analytics.ingest.roles import find_roles, header_scorer, report_same_role
from analytics.ingest.shapes import normalise
from analytics.ingest.steps import Answers, NameInFile, Question, guess_org_type
from analytics.ingest.student_reports import student_table
from analytics.ingest.vocabulary import student_group
from analytics.sql_files import sql
from analytics.store import SavedUpload, save_upload, sha256_of
from analytics.text import NAME_MAX, clean_file_name, clean_name, has_unseen, shorten, terminal_safe
from analytics.warehouse import cursor

log = logging.getLogger("analytics.ingest")

# A new organization has no region until DESE assigns one; it counts statewide, in no region's filter.
NEW_ORGANIZATION_REGION = "Not yet assigned"
UNEXPECTED = (
    "Something unexpected went wrong while reading this file, so nothing was saved. The problem has been "
    "logged for the dashboard's maintainers; if it happens again, send them the file."
)


@dataclass(frozen=True)
class Recognition:
    """What the reader found: the file's shape, where its table is, and what must still be chosen."""

    shape: str  # "profiles" | "open data" | "roster" | "template"
    description: str  # "DESE Profiles staffing export, school level, FTE view; 1,840 schools in ..."
    source: str  # "CSV (UTF-8, comma-separated)" | "Excel workbook, sheet “Report”"
    header_row: int
    sheet: str | None = None
    other_sheets: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class EarlierUpload:
    """An upload of exactly the same file (the same bytes) already in the warehouse."""

    upload_id: int
    table: str  # the table it filled (uploads.kind)
    file_name: str
    uploaded_by: str
    uploaded_at: datetime
    status: str  # pending | active | superseded | rolled back | rejected | withdrawn
    org_codes: tuple[str, ...] = ()
    district_upload: bool = False

    @property
    def message(self) -> str:
        """'This file is already saved as upload 10 on 2026-11-20 14:03 by clerk@x', and how it stands. The
        names in it (the uploader's, the file's) are shown escaped: a line, never a terminal command."""
        standing = {"rolled back": ", since rolled back", "superseded": ", since replaced by a newer upload"}
        return terminal_safe(
            f"This file is already saved as upload {self.upload_id} on {self.uploaded_at:%Y-%m-%d %H:%M} by "
            f"{self.uploaded_by} (the same bytes, “{self.file_name}”{standing.get(self.status, '')})"
        )


def earlier_upload_of(con: duckdb.DuckDBPyConnection | None, sha256: str) -> EarlierUpload | None:
    """The newest upload of exactly the file with this SHA-256, if the warehouse has one."""
    if con is None:
        return None
    with cursor(con) as cur:
        row = cur.execute(sql("uploads_of_the_same_file"), {"sha256": sha256}).fetchone()
    return None if row is None else EarlierUpload(*row[:6], tuple(row[6] or ()), bool(row[7]))


@dataclass
class CheckedUpload:
    """An upload, checked: the facts it would write, the problems found, and what was recognised."""

    kind: UploadKind
    file_name: str
    sha256: str
    recognition: Recognition | None
    problems: list[UploadProblem]
    facts: pd.DataFrame | None
    new_organizations: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["org_code", "name", "org_type", "region"])
    )
    error_count: int = 0
    warning_count: int = 0
    covers_state: bool = False  # a statewide file (its State row): see analytics/coverage.py
    already_saved: EarlierUpload | None = None  # the same file, saved before: ask before saving it again

    @property
    def errors(self) -> list[UploadProblem]:
        """The problems that block saving."""
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[UploadProblem]:
        """The problems that do not block saving."""
        return [p for p in self.problems if not p.is_error]

    @property
    def questions(self) -> tuple[Question, ...]:
        """What the file does not say and the person uploading must choose."""
        return self.recognition.questions if self.recognition else ()

    @property
    def can_save(self) -> bool:
        """True when nothing blocks saving: no errors, nothing left to choose, and facts to write."""
        return self.facts is not None and not self.error_count and not self.questions and len(self.facts) > 0

    @property
    def organizations(self) -> int:
        """How many organizations the facts cover."""
        if self.facts is None:
            return 0
        return int(self.facts[self.kind.org_column].nunique())

    @property
    def school_years(self) -> tuple[str, ...]:
        """The school years the facts cover, oldest first."""
        if self.facts is None or self.kind.year_column is None:
            return ()
        return tuple(sorted(self.facts[self.kind.year_column].dropna().unique(), key=definitions.spring_year))

    def problem_table(self) -> pd.DataFrame:
        """The problems as a table: severity, row, column, value, expected. The file's own words in it (a
        heading, a value) have their control and direction-changing characters shown as escapes: a
        right-to-left override in a cell would otherwise reverse the words after it."""
        return pd.DataFrame(
            [
                {
                    "severity": p.severity.capitalize(),
                    "row": p.row,
                    "column": terminal_safe(p.column or ""),
                    "value": p.value or "",
                    "expected": terminal_safe(p.expected),
                }
                for p in self.problems
            ],
            columns=["severity", "row", "column", "value", "expected"],
        ).astype({"row": "Int64"})


def _answers_checked(kind: UploadKind, answers: Answers, problems: ProblemLog) -> Answers:
    """The person's answers in canonical form; a value that is not one is a problem, not a guess."""
    year = job = district = organization = group = None
    if answers.school_year:
        year = definitions.parse_school_year(answers.school_year)
        if year is None:
            problems.add(
                "a school year such as 2023-24",
                column="school year you chose",
                value=answers.school_year,
                code=problem_codes.NOT_A_SCHOOL_YEAR,
            )
    if answers.job_class:
        job = next(
            (jc for jc in definitions.JOB_CLASSES if jc.lower() == answers.job_class.strip().lower()), None
        )
        if job is None:
            problems.add(
                "one of the job classes " + ", ".join(definitions.JOB_CLASSES),
                column="job class you chose",
                value=answers.job_class,
                code=problem_codes.UNKNOWN_JOB_CLASS,
            )
    if answers.district:
        code = definitions.parse_org_code(answers.district)
        if code is None:
            problems.add(
                "an 8-digit DESE district code such as 00350000",
                column="district you chose",
                value=answers.district,
                code=problem_codes.NOT_AN_ORG_CODE,
            )
        else:
            district = code.district_code
    if answers.organization:
        code = definitions.parse_org_code(answers.organization)
        if code is None:
            problems.add(
                "an 8-digit DESE organization code such as 00350000",
                column="organization you chose",
                value=answers.organization,
                code=problem_codes.NOT_AN_ORG_CODE,
            )
        else:
            organization = code.code
    if answers.student_group and answers.student_group.strip():
        # One of DESE's groups in any year's spelling, else kept as written (DESE adds groups).
        group = student_group(answers.student_group) or clean_name(answers.student_group)
    return Answers(year, job, district, answers.sheet, organization, group)


def known_organizations(con: duckdb.DuckDBPyConnection | None) -> dict[str, str]:
    """Organization code -> name, from the warehouse, or the project's list when it has none yet."""
    if con is not None:
        with cursor(con) as cur:
            rows = cur.execute(sql("organization_codes")).fetchall()
        if rows:
            return dict(rows)
    from analytics.sample import load_organizations

    orgs = load_organizations()
    return dict(zip(orgs["org_code"], orgs["name"], strict=True))


def check_upload(
    con: duckdb.DuckDBPyConnection | None,
    kind: str | UploadKind,
    data: bytes,
    file_name: str,
    answers: Answers | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    actor: Actor | None = None,
) -> CheckedUpload:
    """Read and check a file for `kind` without writing anything; every problem comes back as data.

    With `actor`, also what that person may upload (analytics/access.py): a district uploader's file may
    hold rows for its own organizations only, each other row is named; None checks the file alone."""
    kind = FACT_KINDS[kind] if isinstance(kind, str) else kind
    answers = answers or Answers()
    problems = ProblemLog()
    checked = CheckedUpload(kind, _file_name_kept(file_name, problems), sha256_of(data), None, [], None)
    allowed = None if actor is None or actor.is_dese else frozenset(actor.org_codes)
    try:
        if actor is not None:
            earlier = earlier_upload_of(con, checked.sha256)
            # A district hears only of its own uploads of the same file, never who else loaded it.
            mine = earlier is not None and actor.owns(earlier.org_codes, earlier.district_upload)
            checked.already_saved = earlier if actor.is_dese or mine else None
        else:
            checked.already_saved = earlier_upload_of(con, checked.sha256)
        answers = _answers_checked(kind, answers, problems)
        _may_upload(actor, kind, problems)
        if problems.has_errors:
            return _finish(checked, problems)
        sheets_settled = False
        if kind.name in STUDENT_KINDS:  # an attendance workbook's End of Year sheet, where it has two
            table, sheets_settled = student_table(kind, data, checked.file_name, answers, problems, limits)
        else:
            table = read_table(
                data, checked.file_name, header_scorer(kind), problems, sheet=answers.sheet, limits=limits
            )
        questions: list[Question] = []
        if table.other_sheets and answers.sheet is None and not sheets_settled:
            others = ", ".join(f"“{s}”" for s in table.other_sheets)
            problems.add(
                f"one table; sheet “{table.sheet}” is read, and {others} also look like data. Choose the sheet "
                "if that is not the right one",
                severity=WARNING,
                code=problem_codes.OTHER_SHEETS,
            )
        if table.misaligned:  # every column would be read under the wrong heading: said once, and no more
            said = f"The header (row {table.header_row}) does not line up with the rows under it"
            checked.recognition = Recognition("", said, table.source, table.header_row, table.sheet)
            return _finish(checked, problems)
        if table.long_cells:  # each over-long cell is named; the rest would be checked for nothing
            said = "A cell holds more than a spreadsheet cell can"
            checked.recognition = Recognition("", said, table.source, table.header_row, table.sheet)
            return _finish(checked, problems)
        if not len(table.frame):
            if not problems.has_errors:
                problems.add(
                    "rows of data under the header; the file has a header and no rows. Type or paste your rows "
                    "under the header (a template comes with none: its examples are on its Instructions sheet)",
                    row=table.header_row,
                    code=problem_codes.NO_ROWS,
                )
            checked.recognition = Recognition("", "header only", table.source, table.header_row, table.sheet)
            return _finish(checked, problems)
        roles = find_roles(kind, table.header)
        if not kind.person_list:
            report_same_role(table, roles, problems)
        result = normalise(
            kind, table, roles, answers, problems, known=lambda: known_organizations(con), allowed=allowed
        )
        questions += result.questions
        description = "; ".join(result.parts)
        checked.recognition = Recognition(
            result.shape,
            description,
            table.source,
            table.header_row,
            table.sheet,
            tuple(table.other_sheets),
            tuple(questions),
        )
        checked.covers_state = result.covers_state
        if result.covers_state and allowed is not None:
            problems.add(
                "your own organizations' rows only; this file carries the State's total row, so it is a "
                "statewide file, which DESE uploads",
                column="District Name",
                value="State",
                code=problem_codes.NOT_ALLOWED,
            )
        if result.facts is not None:
            checked.facts = result.facts[kind.column_names].reset_index(drop=True)
            if kind.name not in STUDENT_KINDS:  # a report's codes must be known: never added from it
                checked.new_organizations = _new_organizations(
                    con, kind, checked.facts, result.org_names, problems, checked.file_name
                )
            if not len(checked.facts) and not problems.has_errors:
                problems.add(
                    "at least one row with numbers; every row was skipped",
                    row=table.header_row,
                    code=problem_codes.ALL_ROWS_SKIPPED,
                )
    except Unreadable as problem:
        problems.add(str(problem), code=problem.code)
    except Exception:
        log.exception("unexpected failure checking %s upload %r", kind.name, checked.file_name)
        problems.add(UNEXPECTED, code=problem_codes.UNEXPECTED)
    return _finish(checked, problems)


def _may_upload(actor: Actor | None, kind: UploadKind, problems: ProblemLog) -> None:
    """Refuse, before reading, a file the person's role may not upload at all."""
    if actor is None or actor.is_dese:
        return
    if not actor.may_upload:
        problems.add(
            f"a district uploader's or DESE's sign-in; you are signed in as a {actor.role_label}, who can view "
            "but not upload. Ask DESE for a district uploader's role",
            code=problem_codes.NOT_ALLOWED,
        )
    elif not kind.district_upload:
        problems.add(
            f"a kind of file districts upload ({', '.join(DISTRICT_KINDS)}); {kind.name} files are "
            "uploaded by DESE",
            code=problem_codes.NOT_ALLOWED,
        )


def _file_name_kept(file_name: str, problems: ProblemLog) -> str:
    """The file's name as the upload history keeps it (analytics/text.py: cleaned, at most NAME_MAX
    characters, its extension kept); a warning says so where that changed more than its spacing."""
    kept = clean_file_name(file_name)
    if has_unseen(file_name) or len(clean_name(file_name)) > NAME_MAX:
        problems.add(
            f"a file name of at most {NAME_MAX} characters, without control or direction-changing "
            f"characters; it is kept as “{kept}”",
            column="file name",
            value=shorten(file_name),
            severity=WARNING,
            code=problem_codes.NAME_CLEANED,
        )
    return kept


def _finish(checked: CheckedUpload, problems: ProblemLog) -> CheckedUpload:
    checked.problems = problems.problems()
    checked.error_count = problems.error_count
    checked.warning_count = problems.warning_count
    return checked


def _new_organizations(
    con,
    kind: UploadKind,
    facts: pd.DataFrame,
    names: dict[str, NameInFile],
    problems: ProblemLog,
    file_name: str,
) -> pd.DataFrame:
    """Well-formed codes the warehouse does not know yet: added, named from the file, with a warning."""
    known = known_organizations(con)
    codes = sorted({c for col in kind.org_code_columns for c in facts[col].dropna().unique()} - set(known))
    rows = []
    for code in codes:
        name = _name_kept(names.get(code), problems)
        if name is None:
            continue  # refused: too long to keep
        name = name or shorten(f"Organization {code} (from {file_name})", NAME_MAX)
        org_type = guess_org_type(name)
        rows.append((code, name, org_type, NEW_ORGANIZATION_REGION))
        problems.add(
            f"an organization the dashboard knows; {code} is new to it, so it will be added as “{name}” "
            f"(type {org_type}, from its name; region not yet assigned)",
            column="Org Code",
            value=code,
            severity=WARNING,
            code=problem_codes.UNKNOWN_ORGANIZATION,
        )
    return pd.DataFrame(rows, columns=["org_code", "name", "org_type", "region"])


def _name_kept(found: NameInFile | None, problems: ProblemLog) -> str | None:
    """A new organization's name as the warehouse keeps it (analytics/text.py's clean_name): "" when the
    file gives none, None (and an error naming the cell) when it is longer than anyone's name. A name that
    held control, direction-changing or zero-width characters is kept without them, with a warning."""
    if found is None:
        return ""
    name = clean_name(found.text)
    if len(name) > NAME_MAX:
        problems.add(
            f"an organization's name of at most {NAME_MAX} characters; this one has {len(name):,}",
            row=found.row,
            column=found.column,
            value=shorten(name),
            code=problem_codes.NAME_TOO_LONG,
        )
        return None
    if name and has_unseen(found.text):  # (a name of nothing but such characters is no name: see the caller)
        problems.add(
            "a name without control, direction-changing or invisible characters; they are left out, and "
            f"the organization is added as “{name}”",
            row=found.row,
            column=found.column,
            value=shorten(found.text),
            severity=WARNING,
            code=problem_codes.NAME_CLEANED,
        )
    return name


def save_checked(con: duckdb.DuckDBPyConnection, checked: CheckedUpload, *, actor: Actor) -> SavedUpload:
    """Write a clean upload (facts, new organizations, log row) in one transaction, as `actor` (who must be
    allowed to: analytics/access.py)."""
    if not checked.can_save:
        raise ValueError("This upload has problems or open questions; it cannot be saved.")
    description = checked.recognition.description if checked.recognition else ""
    return save_upload(
        con,
        checked.kind,
        checked.facts,
        file_name=checked.file_name,
        sha256=checked.sha256,
        actor=actor,
        new_organizations=checked.new_organizations,
        description=description,
        covers_state=checked.covers_state,
    )


__all__ = [
    "ERROR",
    "WARNING",
    "Answers",
    "CheckedUpload",
    "EarlierUpload",
    "Recognition",
    "check_upload",
    "earlier_upload_of",
    "save_checked",
]
