"""Text that came from a file or a person (organization and file names, uploaders, cell values) made harmless
where it ends up: a spreadsheet, a terminal, a Plotly figure, the warehouse. One function for each; the
Markdown of the pages is ui/text.py's plain().

Uploads are written by anyone who can reach the Upload page or the command line, and read by everyone: a
name is never allowed to act (run a formula, move the cursor, draw a link, reverse the text after it)."""

from __future__ import annotations

import html
import re

import pandas as pd

# A spreadsheet treats a cell starting with one of these as a formula (OWASP, "CSV Injection"): =HYPERLINK(…)
# sends the reader to a site, +cmd|… once ran programs. A leading quote makes Excel, LibreOffice and Sheets
# show the cell as text, the quote hidden.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")

# Characters that change how the text around them is shown without being seen themselves: bidirectional
# embeddings, overrides and isolates ("\u202egpj.csv" reads as "vsc.jpg"), the marks (LRM, RLM, ALM), and the
# zero-width ones (a name that looks like another but is not).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_ZERO_WIDTH = "\u200b-\u200d\u2060\ufeff"
# Controls: C0, DEL and C1. Line and paragraph separators break a line as a newline does.
_CONTROL = "\x00-\x1f\x7f-\x9f\u2028\u2029"
_UNSEEN = re.compile(f"[{_CONTROL}{_BIDI}{_ZERO_WIDTH}]")
# In a name they go, except those that are whitespace (a tab, a line break): those become a space.
_UNSEEN_NOT_SPACE = re.compile(f"(?!\\s)[{_CONTROL}{_BIDI}{_ZERO_WIDTH}]")
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# The longest name the dashboard keeps (an organization's, a file's): Massachusetts' longest district name
# is under 70 characters; a name of 100,000 characters was once stored.
NAME_MAX = 120
# How much of a long value a message quotes.
QUOTED_MAX = 60


def spreadsheet_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, with a leading quote; anything else as it is
    (a number, a negative one included, stays a number)."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every formula-leading text cell quoted, for anything people can download (a CSV, a
    data grid's own download); numeric, boolean and date columns untouched. The same frame if nothing
    needs it."""
    changed = {}
    for name, column in frame.items():
        if not (
            pd.api.types.is_object_dtype(column)
            or pd.api.types.is_string_dtype(column)
            or isinstance(column.dtype, pd.CategoricalDtype)
        ):
            continue
        risky = column.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_LEADS)).astype(bool)
        if risky.any():
            changed[name] = column.astype(object).map(spreadsheet_cell)
    if not changed:
        return frame
    out = frame.copy()
    for name, column in changed.items():
        out[name] = column
    return out


def terminal_safe(text: object) -> str:
    """`text` on one line with its control, direction-changing and zero-width characters written as
    visible escapes (\\x1b, \\n, \\u202e): printed to a terminal, it can neither move the cursor, clear
    the screen, start a new (forged) line nor reverse what follows. Backslashes are left as they are."""
    return _UNSEEN.sub(_escape, str(text))


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def figure_text(text: object) -> str:
    """`text` for a Plotly title, tick label, hover or annotation. Plotly draws a subset of HTML there (an
    <a href> becomes a live link, <b> and <span style> restyle the text) and reads &entities;, so &, < and
    > are written as entities; and it typesets text between two $ as LaTeX wherever MathJax is loaded
    (Kaleido loads it for every PNG), so $ is written as one too: the text reads exactly as written, and
    nothing in it acts."""
    return html.escape(str(text), quote=False).replace("$", "&#36;")


def clean_name(text: str) -> str:
    """A name as the dashboard keeps it: without control, direction-changing and zero-width characters,
    its whitespace (tabs and line breaks too) collapsed to single spaces and trimmed."""
    return " ".join(_UNSEEN_NOT_SPACE.sub("", text).split())


def has_unseen(text: str) -> bool:
    """Whether `text` holds a control, direction-changing or zero-width character: cleaning it changes
    more than its spacing, which is worth a warning (extra spaces are not: spreadsheets are full of them)."""
    return _UNSEEN.search(text) is not None


def shorten(text: str, limit: int = QUOTED_MAX) -> str:
    """`text` cut to `limit` characters, the cut shown by an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clean_file_name(name: str) -> str:
    """An uploaded file's name as the upload history keeps it: cleaned as names are, and cut to NAME_MAX
    characters keeping its extension ('….csv'), so the history still says what kind of file it was."""
    cleaned = clean_name(name) or "unnamed file"
    if len(cleaned) <= NAME_MAX:
        return cleaned
    stem, dot, extension = cleaned.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        return shorten(cleaned, NAME_MAX)
    return shorten(stem, NAME_MAX - len(extension) - 1) + "." + extension
