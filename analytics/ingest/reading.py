"""Reading an uploaded file into one table of text cells: CSV (any of the encodings and delimiters Excel
and HR systems produce) or an Excel workbook, with the header row found wherever it starts.

Nothing here interprets numbers: every cell stays text (so codes keep their zeros and a cell that looks
like a formula is only ever text), and each row keeps its number as the user's spreadsheet shows it.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analytics.ingest import problems
from analytics.ingest.problems import HEADER_MISALIGNED, MIXED_ENCODING, WARNING, ProblemLog
from analytics.ingest.values import ARROW_TEXT

HEAD_ROWS = 40  # the header must start within the first 40 rows


@dataclass(frozen=True)
class Limits:
    """What one upload may be, so that no file can exhaust the server."""

    max_bytes: int = 50 * 1024 * 1024
    max_rows: int = 1_000_000  # rows of data under the header (blank rows are no data)
    # Excel's own limit for one cell: a longer one is a document or a whole file pasted into a cell.
    max_cell_chars: int = 32_767
    # An .xlsx is a zip: refuse one whose parts declare more than this once unpacked, or that unpack
    # to more than max_zip_ratio times their packed size (real workbooks: 5-20 times).
    max_unpacked_bytes: int = 300 * 1024 * 1024
    max_zip_ratio: int = 100
    max_zip_parts: int = 10_000


DEFAULT_LIMITS = Limits()


class Unreadable(Exception):
    """The file cannot be read as a spreadsheet; the message says why, for the person uploading it, and
    `code` names the kind of problem (one of analytics.ingest.problems' codes)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass
class Table:
    """The table found in the file: header cells as written, the rows under it as text, and each row's
    number in the user's spreadsheet."""

    header: list[str]
    frame: pd.DataFrame  # one column per header cell (same names), values str or None
    rows: np.ndarray  # spreadsheet row number of each frame row
    header_row: int
    title: list[str] = field(default_factory=list)  # text of the rows above the header
    sheet: str | None = None
    source: str = ""  # "CSV (Windows-1252, ';')", "Excel workbook, sheet “Report”"
    other_sheets: list[str] = field(default_factory=list)
    short_rows: dict[int, int] = field(default_factory=dict)  # CSV rows with fewer values than the header
    delimiter: str = ","
    misaligned: bool = False  # the rows have more values than the header has headings (said once)
    long_cells: bool = False  # a cell holds more than a spreadsheet cell can (each is named)


HeaderScore = Callable[[list[str]], int]


def read_table(
    data: bytes,
    file_name: str,
    header_score: HeaderScore,
    log: ProblemLog,
    *,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """The table in `data` whose header scores best; raises Unreadable when there is none."""
    if len(data) > limits.max_bytes:
        raise Unreadable(
            f"The file is {len(data) / 1_048_576:,.1f} MB; the limit is {limits.max_bytes / 1_048_576:,.0f} "
            "MB. Split it (for example by school year) and upload the parts.",
            problems.FILE_TOO_LARGE,
        )
    if not data.strip():
        raise Unreadable("The file is empty.", problems.EMPTY_FILE)
    if data[:4] == b"PK\x03\x04":
        return _check_cells(_read_workbook(data, header_score, log, sheet, limits, zipped=True), log, limits)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _check_cells(_read_workbook(data, header_score, log, sheet, limits, zipped=False), log, limits)
    if file_name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        text_start = data[:512].lstrip().lower()
        if text_start.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<")):
            raise Unreadable(
                "This file is named like an Excel workbook but is a web page (HTML) saved with an Excel "
                "name. Open it in Excel and use Save As → Excel Workbook (.xlsx) or CSV, then upload that.",
                problems.NOT_A_SPREADSHEET,
            )
    return _check_cells(_read_csv(data, header_score, log, limits), log, limits)


# --- CSV -----------------------------------------------------------------------------------------------


def _may_hold_utf8(data: bytes) -> bool:
    """Whether `data` holds what looks like a character written in UTF-8: a lead byte followed by a
    continuation byte. Text saved in Windows-1252 practically never does ("Ã±" is what UTF-8's "ñ" looks
    like read as Windows-1252), so in a file that is not UTF-8 throughout it means rows were written in
    different encodings. (One vectorised pass: the lines are then decoded one by one to be sure.)"""
    raw = np.frombuffer(data, dtype=np.uint8)
    lead = np.flatnonzero(raw[:-1] >= 0xC2)
    if not len(lead):
        return False
    return bool(((raw[lead] <= 0xF4) & ((raw[lead + 1] & 0xC0) == 0x80)).any())


_UTF8, _CP1252, _LATIN1 = "UTF-8", "Windows-1252", "Latin-1"


@dataclass(frozen=True)
class Decoded:
    """A CSV file's text, the encoding it was read in, and, for a file whose lines were written in
    different encodings, which (0-based) lines were read in which."""

    text: str
    encoding: str
    lines_by_encoding: dict[str, list[int]] = field(default_factory=dict)


def _decode(data: bytes) -> Decoded:
    """The text of a CSV file: UTF-8 (with or without a BOM), else Windows-1252 (Latin-1 for the bytes it
    lacks); a file mixing lines of UTF-8 and Windows-1252 is read line by line, each line in the encoding
    it was written in, so that no name becomes mojibake ("PeÃ±a")."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return Decoded(data.decode("utf-16"), "UTF-16")
    try:
        return Decoded(data.decode("utf-8-sig"), _UTF8)
    except UnicodeDecodeError:
        pass
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if _may_hold_utf8(body):
        mixed = _decode_by_line(body)
        if mixed is not None:
            return mixed
    try:
        return Decoded(data.decode("cp1252"), _CP1252)
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), _LATIN1)


def _decode_by_line(body: bytes) -> Decoded | None:
    """Each line in UTF-8 where it decodes so, else Windows-1252 (else Latin-1); None when no line with
    anything beyond ASCII is UTF-8 after all (the file is Windows-1252 throughout)."""
    lines = body.split(b"\n")
    text: list[str] = []
    found: dict[str, list[int]] = {_UTF8: [], _CP1252: [], _LATIN1: []}
    for i, line in enumerate(lines):
        if line.isascii():
            text.append(line.decode("ascii"))
            continue
        for codec, name in (("utf-8", _UTF8), ("cp1252", _CP1252), ("latin-1", _LATIN1)):
            try:
                text.append(line.decode(codec))
            except UnicodeDecodeError:
                continue
            found[name].append(i)
            break
    if not found[_UTF8]:
        return None
    used = {name: lines for name, lines in found.items() if lines}
    encoding = " and ".join(used) + " by row" if len(used) > 1 else _UTF8
    return Decoded("\n".join(text), encoding, used if len(used) > 1 else {})


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if "\x00" in sample:
        return True
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f")
    return control > max(2, len(sample) // 100)


_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}


def _refuse_what_is_no_csv(text: str) -> None:
    """Refuse binary data and web pages, saying what the file is and what to upload instead."""
    if _looks_binary(text):
        raise Unreadable(
            "This file is not a CSV or Excel file (it holds binary data). Save your spreadsheet as .xlsx or "
            "CSV and upload that.",
            problems.NOT_A_SPREADSHEET,
        )
    start = text.lstrip()[:200].lower()
    if start.startswith(("<!doctype html", "<html", "<table", "<?xml")):
        raise Unreadable(
            "This file is a web page (HTML), not a spreadsheet. Open it in Excel and use Save As → Excel "
            "Workbook (.xlsx) or CSV, then upload that.",
            problems.NOT_A_SPREADSHEET,
        )


def _find_header(text: str, header_score: HeaderScore) -> tuple[str, int, int, list[list[str]], list[str]]:
    """The delimiter and the header among the first rows: for each delimiter its first row recognised as a
    header, the best scoring of them (more cells breaking a tie). Returns (delimiter, the header's record
    index, its line index, the head's records, the head's lines)."""
    head_text = text[:262_144]  # the header is near the top: never split a whole large file into lines
    lines = head_text.splitlines(keepends=True)
    if len(head_text) < len(text) and len(lines) > 1:
        lines.pop()  # possibly cut short
    lines = lines[: HEAD_ROWS * 2]
    best = None  # (score, fields, delimiter, record index, line index, head records)
    for delimiter in _DELIMITERS:
        records, line_starts = _head_records(lines, delimiter)
        for i, rec in enumerate(records[:HEAD_ROWS]):
            score = header_score(rec)
            if score >= 2 and (best is None or (score, len(rec)) > (best[0], best[1])):
                best = (score, len(rec), delimiter, i, line_starts[i], records)
            if score >= 2:
                break  # the first recognised row under this delimiter is its header
    if best is None:
        raise Unreadable(_no_header_message(), problems.NO_HEADER)
    _, _, delimiter, rec_index, line_index, records = best
    return delimiter, rec_index, line_index, records, lines


def _read_csv(data: bytes, header_score: HeaderScore, log: ProblemLog, limits: Limits) -> Table:
    decoded = _decode(data)
    text, encoding = decoded.text, decoded.encoding
    _refuse_what_is_no_csv(text)
    delimiter, rec_index, line_index, records, lines = _find_header(text, header_score)
    header = _unique_names(records[rec_index])
    title = [" ".join(c for c in r if c.strip()) for r in records[:rec_index] if any(c.strip() for c in r)]
    offset = sum(len(line) for line in lines[:line_index])
    # The lines from the header on bound the rows under it: only a file with more lines than the limit
    # allows has its rows of data counted, exactly, once parsed (a quoted value may span lines; a blank
    # line is no row). A file of more blank lines than that is refused first: each would be parsed apart.
    may_be_too_long = text.count("\n", offset) > limits.max_rows
    if may_be_too_long:
        blank = sum(1 for _ in _BLANK_LINE.finditer(text, offset))
        if blank > limits.max_rows:
            raise Unreadable(
                f"The file has {blank:,} blank lines under its header (row {rec_index + 1}), more than the "
                f"{limits.max_rows:,} rows one upload may hold. Save it again without them.",
                problems.TOO_MANY_ROWS,
            )
    if encoding == "UTF-8":  # already what pyarrow reads: skip the head's bytes instead of re-encoding
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        body = memoryview(data)[bom + len(text[:offset].encode("utf-8")) :]
    else:
        body = text[offset:].encode("utf-8")

    invalid: list[tuple[int, int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append((row.number, row.actual_columns, row.text))
        return "skip"

    try:
        parsed = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(
                column_names=[f"c{i}" for i in range(len(header))],
                skip_rows=1,
                use_threads=False,
                # One block for the whole file: a row longer than a block is refused by pyarrow without
                # saying which ("straddles two block boundaries"); an over-long cell is named after.
                block_size=max(1 << 20, len(body) + 1),
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"c{i}": pa.string() for i in range(len(header))},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as problem:
        raise Unreadable(
            f"The file could not be read as CSV: {problem}", problems.NOT_A_SPREADSHEET
        ) from problem
    if may_be_too_long:
        rows_of_data = _rows_with_data(parsed) + sum(
            1
            for _, _, line in invalid
            if any(f.strip() for f in next(csv.reader([line], delimiter=delimiter), []))
        )
        if rows_of_data > limits.max_rows:
            raise Unreadable(
                too_many_rows_message(rows_of_data, rec_index + 1, limits), problems.TOO_MANY_ROWS
            )
    # pyarrow numbers records from the header (1); rows it skipped are taken out of the sequence.
    total = parsed.num_rows + len(invalid)
    skipped = np.array(sorted(n for n, _, _ in invalid if n is not None), dtype=np.int64)
    numbers = np.setdiff1d(np.arange(2, total + 2, dtype=np.int64), skipped)
    frame = _to_frame(parsed, header)
    rows = numbers + rec_index
    header_row = rec_index + 1
    short: dict[int, int] = {}
    misaligned = False
    if invalid:
        frame, rows, short, misaligned = _rescue_rows(
            frame, rows, invalid, delimiter, header, rec_index, total, log
        )
    if decoded.lines_by_encoding:
        _report_encodings(text, decoded.lines_by_encoding, delimiter, log)
    source = f"CSV ({encoding}, {_DELIMITERS[delimiter]}-separated)"
    return Table(
        header,
        frame,
        rows,
        header_row,
        title,
        None,
        source,
        short_rows=short,
        delimiter=delimiter,
        misaligned=misaligned,
    )


def _report_encodings(text: str, lines_by_encoding: dict[str, list[int]], delimiter: str, log) -> None:
    """Say which rows were written in which encoding (each was read in its own), with an example of each,
    so the person can check the names."""
    lines = text.split("\n")
    # Spreadsheet rows are records, and a quoted value may span lines: number each line by its record.
    row_of_line = np.zeros(len(lines), dtype=np.int64)
    reader = csv.reader(lines, delimiter=delimiter)
    record, start = 0, 0
    try:
        for _ in reader:
            record += 1
            row_of_line[start : reader.line_num] = record
            start = reader.line_num
    except csv.Error:
        row_of_line[start:] = np.arange(start + 1, len(lines) + 1)
    parts = []
    for encoding, numbers in lines_by_encoding.items():
        rows = sorted({int(row_of_line[i]) for i in numbers})
        listed = ", ".join(str(r) for r in rows[:8]) + (
            f" and {len(rows) - 8:,} more" if len(rows) > 8 else ""
        )
        example = _NON_ASCII_WORD.search(lines[numbers[0]])
        seen = f" (e.g. “{example.group(0)}”)" if example else ""
        parts.append(f"{'row' if len(rows) == 1 else 'rows'} {listed} in {encoding}{seen}")
    log.add(
        "one text encoding for the whole file; this file has "
        + " and ".join(parts)
        + ". Each row was read in its own encoding: check that the names look right, and save the file "
        "again as CSV UTF-8 to be sure",
        severity=WARNING,
        code=MIXED_ENCODING,
    )


_NON_ASCII_WORD = re.compile(r'[^\s,;\t|"]*[^\x00-\x7f][^\s,;\t|"]*')


def _head_records(lines: list[str], delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The first records, each with the index of the line it starts on."""
    reader = csv.reader(lines, delimiter=delimiter)
    records, starts = [], []
    consumed = 0
    try:
        for rec in reader:
            records.append(rec)
            starts.append(consumed)
            consumed = reader.line_num
    except csv.Error:
        pass
    return records, starts


def _rescue_rows(frame, rows, invalid, delimiter, header, rec_index, total, log):
    """Rows whose field count differs from the header's. Trailing empty fields are harmless; a short row
    is kept, padded, and remembered (it may be a note row, which is skipped, or a row that lost values,
    which is refused once its columns' roles are known); a long row with values past the header is
    refused here, naming the row. When most rows are long (or most are short), the header is what is wrong
    (a heading missing or one too many, or the header shifted): that is said once, about the header, not
    once per row."""
    width = len(header)
    parsed = []  # (row, fields) of each row that is not empty
    long_widths: list[int] = []
    short_widths: list[int] = []
    for number, _actual, line in invalid:
        fields = next(csv.reader([line], delimiter=delimiter), [])
        if not any(f.strip() for f in fields):
            total -= 1  # an empty line is no row
            continue
        parsed.append(((number or 0) + rec_index, fields, line))
        if len(fields) > width and any(f.strip() for f in fields[width:]):
            long_widths.append(len(fields))
        elif len(fields) < width:
            short_widths.append(len(fields))
    header_row = rec_index + 1
    misaligned = False
    for widths in (long_widths, short_widths):
        if len(widths) >= 2 and len(widths) * 2 > total:
            misaligned = True
            found = max(set(widths), key=widths.count)
            log.add(
                misaligned_header_message(header_row, width, found, len(widths), total),
                row=header_row,
                code=HEADER_MISALIGNED,
            )
            break
    kept_rows, kept_values, short = [], [], {}
    for row, fields, line in parsed:
        if len(fields) > width and any(f.strip() for f in fields[width:]):
            if not misaligned:
                log.add(
                    field_count_message(width, len(fields), header_row, delimiter),
                    row=row,
                    value=_clip(line),
                    code=problems.EXTRA_CELL,
                )
            continue
        if len(fields) < width:
            short[row] = len(fields)
        values = [f.strip() or None for f in fields[:width]]
        kept_rows.append(row)
        kept_values.append(values + [None] * (width - len(values)))
    if kept_rows:
        extra = pd.DataFrame(kept_values, columns=header).astype(frame.dtypes.to_dict())
        frame = pd.concat([frame, extra], ignore_index=True)
        rows = np.concatenate([rows, np.array(kept_rows, dtype=np.int64)])
        order = np.argsort(rows, kind="stable")
        frame, rows = frame.iloc[order].reset_index(drop=True), rows[order]
    return frame, rows, short, misaligned


def misaligned_header_message(header_row: int, headings: int, values: int, rows: int, total: int) -> str:
    """What a header whose headings do not match the values of most rows under it should have."""
    share = f"all {rows:,} rows" if rows >= total else f"{rows:,} of the {total:,} rows"
    why = (
        "a heading is missing or a column is shifted"
        if values > headings
        else "there is a heading too many, or the rows lost values at their ends"
    )
    return (
        f"one heading per column: row {header_row} has {headings} headings but the rows under it have "
        f"{values} values: {why} ({share}). Fix the header row and upload the file again"
    )


def field_count_message(width: int, found: int, header_row: int, delimiter: str = ",") -> str:
    """What a row with the wrong number of values should have had."""
    return (
        f"{width} values, one per column of the header (row {header_row}); this row has {found}. Check for "
        f"an extra or missing separator (“{delimiter}”), or a value with a separator in it that should be "
        "in quotes"
    )


def _clip(text: str, limit: int = 80) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Excel -----------------------------------------------------------------------------------------------


def _check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a zip bomb from the sizes its directory declares, before anything is unpacked."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as problem:
        raise Unreadable(
            "This file is not a readable Excel workbook (the .xlsx container is damaged). Open it in Excel, "
            "save it again as .xlsx, and upload that.",
            problems.NOT_A_SPREADSHEET,
        ) from problem
    names = {p.filename for p in parts}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise Unreadable(
            "This file is a zip archive but not an Excel workbook. Upload the .xlsx or .csv file itself.",
            problems.NOT_A_SPREADSHEET,
        )
    if len(parts) > limits.max_zip_parts:
        raise Unreadable(
            f"This workbook has {len(parts):,} internal parts; it is not a normal Excel file.",
            problems.FILE_TOO_LARGE,
        )
    unpacked = sum(p.file_size for p in parts)
    packed = max(1, sum(p.compress_size for p in parts))
    if unpacked > limits.max_unpacked_bytes or unpacked > limits.max_zip_ratio * max(packed, 1_048_576):
        raise Unreadable(
            f"This workbook would unpack to {unpacked / 1_048_576:,.0f} MB from {len(data) / 1_048_576:,.1f} "
            "MB, more than a spreadsheet of staff or students needs; it is refused to protect the server. "
            "Save only the sheet with the data, or upload it as CSV.",
            problems.FILE_TOO_LARGE,
        )


def _read_workbook(
    data: bytes,
    header_score: HeaderScore,
    log: ProblemLog,
    sheet: str | None,
    limits: Limits,
    *,
    zipped: bool,
) -> Table:
    import fastexcel  # imported here: only Excel uploads need it

    if zipped:
        _check_zip(data, limits)
    try:
        book = fastexcel.read_excel(data)
        names = list(book.sheet_names)
    except Exception as problem:  # fastexcel raises its own error types for every kind of damage
        raise Unreadable(
            "This file could not be opened as an Excel workbook. Open it in Excel, save it as .xlsx, and "
            "upload that.",
            problems.NOT_A_SPREADSHEET,
        ) from problem
    if sheet is not None and sheet not in names:
        raise Unreadable(
            f"The workbook has no sheet named “{sheet}”; its sheets are {_list(names)}.",
            problems.NO_SUCH_SHEET,
        )
    if zipped and (sheet is not None or len(names) == 1):
        typed = _typed_sheet(book, data, sheet or names[0], header_score, limits)
        if typed is not None:
            return typed
    found: list[tuple[int, int, str, pa.Table, int]] = []  # (score, -order, name, table, header index)
    for order, name in enumerate(names):
        if sheet is not None and name != sheet:
            continue
        try:
            loaded = book.load_sheet(
                name, header_row=None, skip_rows=0, dtypes="string", n_rows=limits.max_rows + HEAD_ROWS + 1
            ).to_arrow()
        except Exception as problem:
            if sheet is not None:
                raise Unreadable(
                    f"The sheet “{name}” could not be read.", problems.NOT_A_SPREADSHEET
                ) from problem
            continue
        head = _arrow_head(loaded)
        for i, rec in enumerate(head):
            score = header_score(rec)
            if score >= 2:
                found.append((score, -order, name, loaded, i))
                break
    if not found:
        raise Unreadable(_no_header_message(names if sheet is None else None), problems.NO_HEADER)
    found.sort(key=lambda f: (f[0], f[1]), reverse=True)
    score, _, name, loaded, header_index = found[0]
    others = [f[2] for f in found[1:]]
    if loaded.num_rows - header_index - 1 > limits.max_rows:
        if loaded.num_rows >= limits.max_rows + HEAD_ROWS + 1:  # cut short where it was loaded: load it all
            loaded = book.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_arrow()
        rows_of_data = _rows_with_data(loaded.slice(header_index + 1))
        if rows_of_data > limits.max_rows:
            raise Unreadable(
                too_many_rows_message(rows_of_data, header_index + 1, limits), problems.TOO_MANY_ROWS
            )
    head = _arrow_head(loaded)
    header = _unique_names(head[header_index])
    title = [" ".join(c for c in r if c.strip()) for r in head[:header_index] if any(c.strip() for c in r)]
    body = loaded.slice(header_index + 1)
    misaligned = _check_alignment(body, len(header), header_index + 1, log)
    columns = body.columns[: len(header)]
    columns += [pa.nulls(body.num_rows, pa.string())] * (len(header) - len(columns))
    frame = _to_frame(pa.table(columns, names=[f"c{i}" for i in range(len(header))]), header)
    rows = np.arange(header_index + 2, header_index + 2 + len(frame), dtype=np.int64)
    # Cells to the right of the header's last column hold notes at most; they are not read.
    return Table(
        header,
        frame,
        rows,
        header_index + 1,
        title,
        name,
        f"Excel workbook, sheet “{name}”",
        others,
        misaligned=misaligned,
    )


def _filled(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """True for each cell with something in it."""
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return pc.is_valid(column)
    return pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(column), ""), False)


def _check_alignment(body: pa.Table, width: int, header_row: int, log: ProblemLog) -> bool:
    """Most rows holding values to the right of the header's last heading: the header lost a heading or
    was shifted, so every column would be read under the wrong heading. Said once, about the header."""
    if body.num_columns <= width or body.num_rows == 0:
        return False
    filled = [_filled(c) for c in body.columns]
    past = functools.reduce(pc.or_, filled[width:])
    rows = pc.sum(past).as_py() or 0
    total = pc.sum(functools.reduce(pc.or_, filled)).as_py() or 0
    if rows >= 2 and rows * 2 > total:
        # The rows' width: up to the last column past the header that most of them fill.
        counts = [pc.sum(f).as_py() or 0 for f in filled[width:]]
        values = width + max((i + 1 for i, n in enumerate(counts) if n * 2 > total), default=1)
        log.add(
            misaligned_header_message(header_row, width, values, rows, total),
            row=header_row,
            code=HEADER_MISALIGNED,
        )
        return True
    return False


def _typed_sheet(book, data: bytes, name: str, header_score: HeaderScore, limits: Limits) -> Table | None:
    """The quick way for the common big file: header on the sheet's first row, every column of one type.
    The sheet is read once with its own types (numbers stay numbers); None means take the general way
    (title rows, mixed columns, anything unusual), which reads every cell as text."""
    try:
        sheet = book.load_sheet(name, header_row=0, schema_sample_rows=None, n_rows=limits.max_rows + 1)
        loaded, errors = sheet.to_arrow_with_errors()
        names = list(loaded.column_names)
        if header_score(names) < 2:
            return None
        if names and names[-1].startswith("__UNNAMED__"):
            return None  # values right of the last heading: the general way checks the header's alignment
        if errors is not None and len(errors.errors):
            return None  # a cell that does not fit its column's type: read as text, so it can be named
        header_row = _first_filled_row(data, name)
        if header_row is None:
            return None
    except Exception:
        return None
    if loaded.num_rows > limits.max_rows:
        return None  # blank rows among them are no data: the general way counts the rows of data exactly
    header = _unique_names([("" if n.startswith("__UNNAMED__") else n) for n in names])
    columns = []
    for column in loaded.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            columns.append(column)
        elif pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
            columns.append(column.cast(pa.float64()))
        elif pa.types.is_boolean(column.type):
            columns.append(column)
        else:  # dates, durations: as text, like the general way
            columns.append(column.cast(pa.string()))
    frame = _to_frame(pa.table(columns, names=[f"c{i}" for i in range(len(columns))]), header)
    rows = np.arange(header_row + 1, header_row + 1 + len(frame), dtype=np.int64)
    return Table(header, frame, rows, header_row, [], name, f"Excel workbook, sheet “{name}”")


_SHEET_TARGET = re.compile(
    r'<Relationship\b[^>]*\bId="([^"]+)"[^>]*\bTarget="([^"]+)"|<Relationship\b[^>]*\bTarget="([^"]+)"[^>]*\bId="([^"]+)"'
)
_SHEET_ENTRY = re.compile(r'<sheet\b[^>]*\bname="([^"]*)"[^>]*\br:id="([^"]+)"')
_FIRST_CELL = re.compile(r'<c\b[^>]*\br="[A-Z]+(\d+)"[^>]*?(/?)>')


def _first_filled_row(data: bytes, sheet_name: str) -> int | None:
    """The row number of a sheet's first cell with a value, read from the start of its XML only."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        ids = {}
        for m in _SHEET_TARGET.finditer(rels):
            rel_id, target = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
            ids[rel_id] = target
        escaped = (
            sheet_name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        )
        target = next(
            (ids.get(r) for n, r in _SHEET_ENTRY.findall(workbook) if n in (sheet_name, escaped)), None
        )
        if target is None:
            return None
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        with archive.open(path) as sheet_xml:
            head = sheet_xml.read(256 * 1024).decode("utf-8", "replace")
    for m in _FIRST_CELL.finditer(head):
        if not m.group(2):  # a self-closing cell is empty (formatting only)
            return int(m.group(1))
    return None


def _arrow_head(table: pa.Table) -> list[list[str]]:
    head = table.slice(0, HEAD_ROWS).to_pydict()
    columns = list(head.values())
    n = len(columns[0]) if columns else 0
    rows = [[("" if col[i] is None else str(col[i])) for col in columns] for i in range(n)]
    # Trailing empty cells are not part of a header.
    for r in rows:
        while r and not r[-1].strip():
            r.pop()
    return rows


# --- shared ------------------------------------------------------------------------------------------

_BLANK_LINE = re.compile(r'^[ \t\r,;|"]*$', re.MULTILINE)


def _rows_with_data(table: pa.Table) -> int:
    """How many rows of `table` hold anything (a blank row is no row of data)."""
    if not table.num_columns or not table.num_rows:
        return 0
    return int(pc.sum(functools.reduce(pc.or_, [_filled(c) for c in table.columns])).as_py() or 0)


def too_many_rows_message(rows: int, header_row: int, limits: Limits) -> str:
    """What a file with more rows of data than one upload may hold should be."""
    return (
        f"The file has {rows:,} rows of data under its header (row {header_row}), more than the "
        f"{limits.max_rows:,} one upload may hold. Split it (for example by school year) and upload the parts."
    )


def _check_cells(table: Table, log: ProblemLog, limits: Limits) -> Table:
    """Refuse each cell longer than a spreadsheet cell can be, naming its row and column (what the file goes
    on to be checked for would be about a cell no one meant to write)."""
    for column in table.header:
        values = table.frame[column]
        if not (values.dtype == object or isinstance(values.dtype, pd.StringDtype)):
            continue  # numbers and yes/no from a typed Excel column
        lengths = values.astype(pd.StringDtype("pyarrow")).str.len()
        over = (lengths > limits.max_cell_chars).fillna(False).to_numpy(dtype=bool)
        if not over.any():
            continue
        table.long_cells = True
        log.add_rows(
            f"at most {limits.max_cell_chars:,} characters in one cell (the most an Excel cell holds); this "
            "one holds more: a document or a whole file pasted into one cell? Shorten it and upload the file "
            "again",
            rows=table.rows[over].tolist(),
            values=[
                f"{n:,} characters: {str(v)[:20]}…" for v, n in zip(values[over], lengths[over], strict=True)
            ],
            column=column,
            code=problems.CELL_TOO_LONG,
        )
    return table


def _to_frame(table: pa.Table, header: list[str]) -> pd.DataFrame:
    """Text cells, trimmed, with empty cells missing (NaN), as a DataFrame headed like the file."""
    cleaned = []
    for column in table.columns:
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            cleaned.append(column)  # numbers and yes/no from a typed Excel column stay as they are
            continue
        text = pc.utf8_trim_whitespace(column.cast(pa.string()))
        cleaned.append(pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text))
    frame = pa.table(cleaned, names=[f"c{i}" for i in range(len(cleaned))]).to_pandas(
        types_mapper={pa.string(): ARROW_TEXT}.get
    )
    frame.columns = header
    return frame


def _unique_names(cells: list[str]) -> list[str]:
    names, seen = [], {}
    for i, cell in enumerate(cells):
        name = cell.strip() or f"(column {column_letter(i)})"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        names.append(name)
    return names


def column_letter(i: int) -> str:
    """The spreadsheet letter of the i-th column (0 -> A, 26 -> AA)."""
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _list(names: list[str]) -> str:
    return ", ".join(f"“{n}”" for n in names)


def _no_header_message(sheets: list[str] | None = None) -> str:
    where = f" (looked in the sheets {_list(sheets)})" if sheets and len(sheets) > 1 else ""
    return (
        f"No header row was found in the first {HEAD_ROWS} rows{where}. The header names the columns, e.g. "
        "“School Year, Org Code, Job Class, Race/Ethnicity, FTE”, or a DESE report's “District Name, "
        "District Code, African American (#), …, FTE Count”. Download the template to see one."
    )
