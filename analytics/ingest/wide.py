"""The wide shapes: DESE's Profiles exports and the open-data extract, one column per race/ethnicity
(counts or percentages) and one row per organization, turned into the long form by district, school year,
job class (staffing) and race. This is the reader of the kinds counted by race (their contracts have a row
total: staffing and enrollment); where the words differ between the two, it says which it is reading."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics import definitions
from analytics.contracts import STAFFING, UploadKind
from analytics.ingest import problems
from analytics.ingest import values as cell_values
from analytics.ingest.problems import WARNING, ProblemLog
from analytics.ingest.reading import Table
from analytics.ingest.roles import Roles
from analytics.ingest.steps import (
    HALF_ROUNDING_STEP,
    RELATIVE_ROUNDING,
    STATE_NAME_KEYS,
    STATEWIDE_NAME_KEYS,
    Answers,
    NameInFile,
    Normalised,
    Question,
    Resolver,
    cells_at,
    job_classes_of,
    number_problems,
    org_codes_of,
    plural,
    rows_at,
    school_years_of,
    short_rows,
    title_level,
)
from analytics.ingest.vocabulary import spelling


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
    codes = org_codes_of(table, roles.org_code, resolver, log, data, parsed=totals.org_codes)
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

    parsed: dict[str, cell_values.Numbers]  # header -> its numbers, race columns first, the total last
    has_number: np.ndarray  # rows with a number written in any of them (a refused one counts)
    total: np.ndarray | None  # the row totals, when the file has them


def _read_measures(table: Table, roles: Roles) -> _Measures:
    """Numbers in every measure column."""
    columns = [*roles.race_counts.values(), *roles.race_percents.values()]
    if roles.total:
        columns.append(roles.total)
    decimal_comma = table.delimiter == ";"
    parsed = {c: cell_values.numbers(table.frame[c], decimal_comma=decimal_comma) for c in columns}
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
    org_codes: tuple[pd.Series, np.ndarray] | None  # cell_values.org_codes of the organization column


def _total_rows(table: Table, roles: Roles) -> _TotalRows:
    """State totals rows: the same people as the districts, never added."""
    frame, n = table.frame, len(table.frame)
    everything_blank = frame.isna().all(axis=1).to_numpy()
    state = np.zeros(n, dtype=bool)
    if roles.org_type:
        state |= (
            cell_values.by_unique(frame[roles.org_type], spelling).eq("state").fillna(False).to_numpy(bool)
        )
    org_codes = cell_values.org_codes(frame[roles.org_code]) if roles.org_code else None
    if org_codes is not None:
        state |= org_codes[0].eq(cell_values.STATE_CODE).fillna(False).to_numpy(bool)
    statewide = state.copy()  # the State's own row (not a "Total" at the foot of a district's export)
    if roles.org_name:
        name_keys = cell_values.by_unique(frame[roles.org_name], spelling)
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
            code=problems.NOTE_ROW,
        )
    if note.sum() > 200:
        log.add_rows(
            "numbers; this row has none, so it is skipped",
            rows=table.rows[note][200:],
            severity=WARNING,
            code=problems.NOTE_ROW,
        )


def _check_measures(
    kind: UploadKind, table: Table, roles: Roles, measures: _Measures, data: np.ndarray, log: ProblemLog
) -> None:
    """Refuse numbers that are not numbers, negative counts and figures beyond any real one; warn of
    empty race cells (read as 0)."""
    percent_cols = set(roles.race_percents.values())
    count_bound = cell_values.FTE_PER_CELL if kind is STAFFING else cell_values.STUDENTS_PER_CELL
    for col, nums in measures.parsed.items():
        bound = cell_values.PERCENT if col in percent_cols else count_bound
        negative = data & (nums.values < 0)
        number_problems(table, col, nums, data, log, "a number (0 or more)", negative=negative, bound=bound)
    blanks = np.zeros(len(table.frame), dtype=bool)
    for col, nums in measures.parsed.items():
        if col != roles.total:
            blanks |= data & nums.blank
    if blanks.any():
        log.add_rows(
            "a number in every race/ethnicity column; empty cells in these rows are read as 0",
            rows=rows_at(table, blanks),
            severity=WARNING,
            code=problems.BLANK_AS_ZERO,
        )


def _by_job_class(kind: UploadKind) -> bool:
    """Whether the kind's people are counted by job class (staff are; students are not)."""
    return "job_class" in kind.column_names


def _wide_job_classes(
    kind: UploadKind, table: Table, roles: Roles, resolver: Resolver, log: ProblemLog, data: np.ndarray
) -> tuple[pd.Series | None, str, np.ndarray]:
    """Each row's job class (staffing), the phrase saying where it came from, and the rows totalling all
    classes; enrollment has none, so every row's is ""."""
    if not _by_job_class(kind):
        blank = pd.Series("", index=table.frame.index, dtype=object)
        return blank, "", np.zeros(len(table.frame), dtype=bool)
    return job_classes_of(table, roles.contract.get("job_class"), resolver, log, data)


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
    races = [r for r in definitions.RACES if r in roles.race_counts or r in roles.race_percents]
    missing_races = [r for r in definitions.RACES if r not in races]
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
                code=problems.MISSING_COLUMN,
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
            code=problems.MISSING_RACE_COLUMN,
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
        log.add(expected, row=int(table.rows[i]), column=roles.total, code=problems.PARTS_OVER_TOTAL)
    if len(idx) > 50:
        log.add_rows(
            "race/ethnicity counts adding up to no more than the row's total",
            rows=table.rows[idx[50:]],
            column=roles.total,
            code=problems.PARTS_OVER_TOTAL,
        )


def _check_whole_students(
    kind: UploadKind, table: Table, roles: Roles, races: _RaceCounts, data: np.ndarray, log: ProblemLog
) -> None:
    """Refuse a fraction of a student in a count column."""
    if kind.row_total.dtype != "INTEGER" or races.view != "count":
        return
    for r in races.races:
        if r in roles.race_counts:
            col = roles.race_counts[r]
            fractional = data & (np.abs(races.counts[r] - np.round(races.counts[r])) > 1e-6)
            log.add_rows(
                "a whole number of students",
                rows=rows_at(table, fractional),
                values=cells_at(table, col, fractional),
                column=col,
                code=problems.NOT_A_WHOLE_NUMBER,
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
            f"{plural(n_schools, 'school')} in {plural(n_districts, 'district')}"
            if n_schools
            else plural(n_districts, "organization")
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
        level_key = cell_values.by_unique(frame[roles.org_type], spelling)
        is_school = level_key.eq("school").fillna(False).to_numpy(bool)
        if roles.district_code:
            dist_codes, _ = cell_values.org_codes(frame[roles.district_code])
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
    what = "organization, school year" + (" and job class" if _by_job_class(kind) else "")
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
                code=problems.DUPLICATE_ROW,
            )
        else:
            log.add(
                f"each {what} once; row {row0} has the same {what} with different numbers. Remove "
                "the row that is wrong",
                row=row,
                column=roles.org_code,
                value=rec["code"],
                code=problems.DUPLICATE_KEY,
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
    measure = kind.row_total
    if not _by_job_class(kind):
        facts = facts.drop(columns="job_class")
    facts = facts.rename(columns={"value": measure.name})
    if measure.dtype == "INTEGER":  # students: whole people
        facts[measure.name] = facts[measure.name].round().astype("int64")
    else:  # FTE, kept to DESE's precision
        facts[measure.name] = facts[measure.name].round(3)
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
        scope = f"{plural(schools, 'school')} in {plural(districts, 'district')}"
    else:
        scope = plural(districts, "organization")
    parts = [source.label, f"{level}, {source.view_phrase}", scope]
    if state.any():
        parts.append(
            f"{plural(int(state.sum()), 'total row')} skipped (State or whole-file totals: the same people again)"
        )
    if shadowed.any():
        parts.append(
            f"{plural(int(shadowed.sum()), 'School row')} not added again (their districts' own rows are used)"
        )
    parts += [p for p in said if p]
    if statewide.any():
        parts.append(
            "a statewide file (it carries the State row): its organizations are the list coverage counts against"
        )
    return parts
