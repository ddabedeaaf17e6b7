"""The privacy audit's eyes: what the dashboard shows and exports, read the way someone out to learn a hidden
figure would — a CSV's cells as numbers, the numbers a chart or its words carry, what a row is about — and
the rule's threshold written out (so the tests do not follow a change to the code's constant)."""

from __future__ import annotations

import base64
import io
import math
import re

import numpy as np
import pandas as pd

from analytics import definitions

MIN = 6  # the rule's threshold, written out here so the tests do not follow a change to the code's constant
TOL = 1e-6
POC = tuple(r for r in definitions.RACES if r != "White")
KEY_COLUMNS = {"school_year", "suppressed", "cohort", "start_year"}
GROUP_COLUMNS = ("group", "group_name", "region", "org_type", "job_class", "population")
SHARE_CONTRACT = ("school_year", "of_color", "total", "share", "suppressed")
NON_FINITE = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "+nan", "-nan"}


# --- reading an export as an attacker does ---------------------------------------------------------


def read_csv(data: bytes) -> pd.DataFrame:
    """An export CSV with every cell as text ('' where empty), as a spreadsheet shows it."""
    text = data.decode("utf-8-sig")
    if not text.strip():
        return pd.DataFrame()
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def number(text: object) -> float | None:
    """The number a cell holds, or None (empty, words, a school year, or not finite)."""
    try:
        value = float(str(text).replace(",", "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def is_true(text: object) -> bool:
    return str(text).strip().lower() in {"true", "1", "1.0", "yes"}


def figure_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that hold figures: every column but the key ones (school year, cohort, suppressed) whose
    cells are numbers somewhere. Textual columns (group, region, ...) are keys."""
    return [
        c
        for c in frame.columns
        if c not in KEY_COLUMNS
        and any(number(v) is not None or str(v).strip().lower() in NON_FINITE for v in frame[c])
    ]


def row_label(frame: pd.DataFrame, i: int) -> str:
    row = frame.iloc[i]
    keys = [f"{c}={row[c]}" for c in frame.columns if c in KEY_COLUMNS - {"suppressed"} or c in GROUP_COLUMNS]
    return f"row {i + 1} ({', '.join(keys)})"


def hidden_row_leaks(key: str, frame: pd.DataFrame) -> list[str]:
    """A row marked suppressed that still holds a figure (gap, FTE, ratio, target...): only its key columns
    and `suppressed` may be filled."""
    if "suppressed" not in frame.columns:
        return []
    figures = figure_columns(frame)
    found = []
    for i, row in enumerate(frame.itertuples(index=False)):
        cells = dict(zip(frame.columns, row, strict=True))
        if not is_true(cells["suppressed"]):
            continue
        filled = {c: cells[c] for c in figures if str(cells[c]).strip()}
        if filled:
            shown = ", ".join(f"{c}={v}" for c, v in filled.items())
            found.append(f"{key} {row_label(frame, i)} is suppressed but still shows {shown}")
    return found


# The Equity leaders page's charts (analytics/export.py): members of the network and staff with an equity
# leader and without, checked by Audit._equity; organization counts need no hiding.
EQUITY_KEYS = frozenset(
    {
        "equity-leader-positions",
        "equity-leaders-by-region",
        "amsel-by-type",
        "amsel-members",
        "amsel-expectations",
        "equity-leaders-map",
        "teachers-of-color-with-equity-leaders",
    }
)


def share_contract_problems(key: str, frame: pd.DataFrame) -> list[str]:
    """A CSV of a share has school_year, of_color, total, share, suppressed; a CSV of ratios says which
    rows are suppressed."""
    columns = set(frame.columns)
    if "share" in columns:
        missing = [c for c in SHARE_CONTRACT if c not in columns]
        if missing:
            return [
                f"{key}: a CSV of a share lacks {', '.join(missing)} (columns: {', '.join(frame.columns)})"
            ]
    elif any("share" in c or "parity" in c for c in columns) and "suppressed" not in columns:
        return [
            f"{key}: shares or ratios ({', '.join(frame.columns)}) but no suppressed column: never hidden"
        ]
    return []


def non_finite_cells(key: str, frame: pd.DataFrame) -> list[str]:
    found = []
    for c in frame.columns:
        for i, v in enumerate(frame[c]):
            if str(v).strip().lower() in NON_FINITE:
                found.append(f"{key} {row_label(frame, i)}: {c}={v!r}")
    return found


# --- numbers a chart carries -----------------------------------------------------------------------

_SCHOOL_YEAR = re.compile(r"\d{4}-\d{2}")
_NUMBER = re.compile(r"(?<![\w.])(-?\d[\d,]*(?:\.(\d+))?)(%?)")


def text_numbers(text: str) -> list[tuple[float, float]]:
    """Numbers written in a label, each with the tolerance its rounding allows ('9.1%' -> 0.091 ± 0.0005)."""
    text = _SCHOOL_YEAR.sub(" ", str(text).replace("<br>", " "))
    found = []
    for m in _NUMBER.finditer(text):
        value = float(m.group(1).replace(",", ""))
        tol = 0.5 * 10 ** -len(m.group(2) or "")
        if m.group(3):
            value, tol = value / 100, tol / 100
        found.append((value, tol))
    return found


def figure_numbers(fig) -> list[tuple[float, float, str]]:
    """(value, tolerance, where) for every number a figure carries: trace data, custom data, text and
    hover text, annotations and titles."""
    spec = fig.to_dict()
    found: list[tuple[float, float, str]] = []

    def walk(value, where: str, exact: bool = True) -> None:
        if hasattr(value, "tolist"):
            value = value.tolist()
        if isinstance(value, dict):
            for k, v in value.items():
                if k not in ("hovertemplate", "texttemplate", "bdata", "dtype", "shape"):
                    walk(v, f"{where}.{k}")
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v, where)
        elif isinstance(value, bool) or value is None:
            return
        elif isinstance(value, int | float):
            if math.isfinite(value):
                found.append((float(value), 1e-9, where))
        elif isinstance(value, str):
            found.extend((v, tol, where) for v, tol in text_numbers(value))

    for i, trace in enumerate(spec.get("data", [])):
        for part in ("x", "y", "z", "customdata", "text", "hovertext", "values", "base"):
            if part in trace:
                walk(decode_array(trace[part]), f"trace {i} ({trace.get('name', '')}).{part}")
    layout = spec.get("layout", {})
    for j, note in enumerate(layout.get("annotations", [])):
        walk(note.get("text", ""), f"annotation {j}")
    title = layout.get("title", {})
    walk(title.get("text", ""), "title")
    walk(title.get("subtitle", {}).get("text", ""), "subtitle")
    return found


def decode_array(value):
    """Plotly may store arrays as {'dtype': ..., 'bdata': base64}: decode them to lists."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        if "shape" in value:
            array = array.reshape([int(s) for s in str(value["shape"]).split(",")])
        return array.tolist()
    if isinstance(value, list):
        return [decode_array(v) for v in value]
    return value


def figure_leaks(fig, secrets: dict[str, float]) -> list[str]:
    """Each secret value the figure carries (within the rounding of the label that shows it)."""
    numbers = figure_numbers(fig)
    found = []
    for name, secret in secrets.items():
        for value, tol, where in numbers:
            if abs(value - secret) <= tol:
                found.append(f"{name} = {secret:.6g} is in the chart's {where} (as {value:g})")
                break
    return found


# --- what a row is about ---------------------------------------------------------------------------

_POPULATIONS = {
    **{jc.lower(): jc for jc in definitions.JOB_CLASSES},
    **{f"{jc}s".lower(): jc for jc in definitions.JOB_CLASSES},
    "students": "Students",
    "student": "Students",
}
_REGIONS = {r.lower(): r for r in definitions.REGIONS}
_TYPES = {
    n.lower(): code
    for code in definitions.ORG_TYPES
    for n in (code, definitions.ORG_TYPE_LABELS[code], definitions.ORG_TYPE_NAMES[code])
}
_EVERYONE = {"statewide", "all", "total", "everyone"}


def row_scope(key: str, cells: dict[str, str]) -> tuple[str | None, str | None, str | None, list[str]]:
    """(population, region, org_type, values not understood) of one share row, from its group columns;
    the population defaults to superintendents for the superintendent charts."""
    population = definitions.SUPERINTENDENT if key.startswith("superintendent") else None
    region = org_type = None
    unknown = []
    for c in GROUP_COLUMNS:
        value = str(cells.get(c, "")).strip()
        if not value:
            continue
        low = value.lower()
        if low in _POPULATIONS:
            population = _POPULATIONS[low]
        elif low in _REGIONS:
            region = _REGIONS[low]
        elif low in _TYPES:
            org_type = _TYPES[low]
        elif low not in _EVERYONE:
            unknown.append(f"{c}={value}")
    return population, region, org_type, unknown


def edition_name(released: bool) -> str:
    return "released" if released else "current"


# Sections whose titles and captions state figures about people (organizations' counts are public: they
# are taken out of the words before checking, as are school years, slopes and the goal's own numbers).
TITLE_KEYS = frozenset(
    {
        "superintendents-target-path",
        "representation-gap",
        "workforce-of-color",
        "teacher-student-parity",
        "amsel-members",
        "amsel-expectations",
        "teachers-of-color-with-equity-leaders",
    }
)
TITLE_WORDS = re.compile(
    r"\d[\d,]* (of \d[\d,]* )?organizations"
    r"|\([+-]?\d+\.\d points a year\)"
    r"|(does not )?reach(es)? \d+% (in|by)"
    r"|the \d\.\d\d benchmark"
    r"|\d{4}-\d{2}"
)


def visible_numbers(frame: pd.DataFrame) -> np.ndarray:
    """Every number a CSV shows on a row that is not hidden, those rounded up (people short of a path),
    and the differences of two shares in points (a change since a year)."""
    if frame.empty:
        return np.array([0.0, float(MIN)])
    rows = frame
    if "suppressed" in frame.columns:
        rows = frame[~frame["suppressed"].map(is_true)]
    values = [number(v) for c in rows.columns if c not in KEY_COLUMNS for v in rows[c]]
    values = np.array([v for v in values if v is not None], dtype=float)
    shares = [number(v) for v in rows["share"]] if "share" in rows.columns else []
    shares = np.array([v for v in shares if v is not None], dtype=float)
    points = (shares[:, None] - shares[None, :]).ravel() * 100
    values = np.concatenate([values, np.ceil(values - 1e-9), points])
    return np.concatenate([values, -values, [0.0, float(MIN)]])  # "0.4 points above" is a gap of -0.4
