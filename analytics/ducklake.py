"""The shared warehouse: DuckLake, its catalog in PostgreSQL and its data files in a folder every server
reaches, for several app servers and the command line at once.

Chosen by the warehouse setting: `DASHBOARD_DB=ducklake:postgres:dbname=dashboard host=db.example.org`
(or `--db` on the command line) instead of a file; the data folder is `DASHBOARD_DATA_PATH` (or `[warehouse]
data_path` in data/settings.toml), recorded in the catalog when it is created. The same SQL runs on it as on
the embedded file; what DuckLake lacks (sequences, PRIMARY KEY/UNIQUE and CHECK constraints, a list column's
default) is taken out of the migrations here (`for_ducklake`), and a migration it cannot run at all has a
variant in migrations/ducklake/ (see migrations/README.md).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
from functools import cache
from pathlib import Path

import duckdb

from analytics.paths import CATALOG
from analytics.settings import load_settings
from analytics.sql_files import sql

PREFIX = "ducklake:"
# The extensions come from PyPI packages pinned in requirements.txt (built for the pinned DuckDB); DuckDB
# checks their signatures when they load, and nothing is fetched from the internet.
EXTENSIONS = (
    ("duckdb_extension_postgres_scanner", "postgres_scanner"),
    ("duckdb_extension_ducklake", "ducklake"),
)
DATA_PATH_ENV = "DASHBOARD_DATA_PATH"


def is_ducklake(location: str | Path | None) -> bool:
    """Whether the warehouse setting names a DuckLake catalog (`ducklake:postgres:…`) rather than a file."""
    return location is not None and str(location).startswith(PREFIX)


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `con`'s warehouse is a shared DuckLake one (else the embedded DuckDB file)."""
    return con.execute(sql("warehouse_type"), {"catalog": CATALOG}).fetchall()[0][0] == "ducklake"


def data_path() -> str | None:
    """Where the lake's data files go: $DASHBOARD_DATA_PATH, else [warehouse] data_path in
    data/settings.toml; None leaves it to the catalog (it records the folder it was created with)."""
    found = os.environ.get(DATA_PATH_ENV) or load_settings().data_path
    if not found:
        return None
    if "://" in found:  # object storage (s3://…) is passed on as written
        return found
    return str(Path(found).resolve()) + "/"


@cache
def extension_file(package: str, name: str) -> str:
    """The .duckdb_extension file inside an installed extension package, for this DuckDB version."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"The DuckLake warehouse needs the {package} package: pip install -r requirements.txt"
        )
    root = Path(next(iter(spec.submodule_search_locations)))
    found = sorted(root.glob(f"extensions/v{duckdb.__version__}/*/{name}.duckdb_extension")) or sorted(
        root.glob(f"extensions/v{duckdb.__version__}/{name}.duckdb_extension")
    )
    if not found:
        raise FileNotFoundError(
            f"{package} has no {name} extension for DuckDB {duckdb.__version__}: install the versions "
            "pinned in requirements.txt"
        )
    return str(found[0])


def _literal(text: str) -> str:
    """`text` as a SQL string literal (ATTACH and LOAD take no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def connect(location: str, catalog: str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection with the lake at `location` attached as `catalog` and in use (not yet migrated).

    As for the embedded file, every connection to one lake in a process shares one DuckDB instance, so the
    extension's catalog cache and its PostgreSQL connections are shared too."""
    where = data_path()
    instance = hashlib.sha1(f"{location}\0{where}".encode()).hexdigest()[:16]
    con = duckdb.connect(f":memory:lake{instance}")
    try:
        for package, name in EXTENSIONS:
            con.execute(f"LOAD {_literal(extension_file(package, name))}")
        options = [f"DATA_PATH {_literal(where)}"] if where else []
        if read_only:
            options.append("READ_ONLY")
        con.execute(
            f"ATTACH IF NOT EXISTS {_literal(location)} AS {catalog}"
            + (f" ({', '.join(options)})" if options else "")
        )
        con.execute(sql("use_catalog", catalog=catalog))
    except BaseException:
        con.close()
        raise
    return con


# --- migrations ---------------------------------------------------------------------------------------------

VARIANTS_DIR = Path(__file__).resolve().parent / "migrations" / "ducklake"

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SEQUENCE_STATEMENT = re.compile(
    r"^\s*(CREATE|DROP)\s+SEQUENCE\b[^;]*;[ \t]*\n?", re.IGNORECASE | re.MULTILINE
)


def migration_text(name: str, text: str) -> str:
    """A migration as DuckLake runs it: its variant in migrations/ducklake/ if it has one, else its text
    with what DuckLake lacks taken out (`for_ducklake`)."""
    variant = VARIANTS_DIR / f"{name}.sql"
    return variant.read_text() if variant.exists() else for_ducklake(text)


def for_ducklake(text: str) -> str:
    """`text` without what DuckLake cannot store: CREATE/DROP SEQUENCE statements, PRIMARY KEY, UNIQUE and
    CHECK constraints (on a column or on the table; a column's PRIMARY KEY leaves NOT NULL behind), and a
    list column's `DEFAULT []`. Comments and string literals are left alone. What those constraints checked, ingest checks (analytics/contracts.py) before
    anything is written, on both backends."""
    text = _SEQUENCE_STATEMENT.sub("", text)
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if text.startswith("--", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(text[i:end])
            i = end
        elif ch in "'\"":
            end = _string_end(text, i)
            out.append(text[i:end])
            i = end
        elif _WORD.match(text, i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            word = _WORD.match(text, i)[0]
            end = _constraint_end(text, i, word)
            if end is None:
                out.append(word)
                i += len(word)
                continue
            rest = text[end:].lstrip()
            before = "".join(out).rstrip()
            if before.endswith(",") and (not rest or rest[0] in "),"):
                # A table's own constraint is a list element of its own: drop the comma that led to it.
                out = [before[:-1]]
            elif word.upper() == "PRIMARY" and not before.endswith(","):
                out.append("NOT NULL")  # a column's primary key is never null; that much DuckLake keeps
            i = end
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _string_end(text: str, start: int) -> int:
    """The index just past the quoted string or identifier starting at `start` (a doubled quote escapes)."""
    quote, i = text[start], start + 1
    while i < len(text):
        if text[i] == quote:
            if text.startswith(quote * 2, i):
                i += 2
                continue
            return i + 1
        i += 1
    return len(text)


def _group_end(text: str, start: int) -> int | None:
    """The index just past the parenthesised group opening at `start` (after whitespace), else None."""
    i = start
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text) or text[i] != "(":
        return None
    depth = 0
    while i < len(text):
        if text[i] in "'\"":
            i = _string_end(text, i)
            continue
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        i += 1
        if depth == 0:
            return i
    return None


def _constraint_end(text: str, start: int, word: str) -> int | None:
    """If a constraint DuckLake lacks starts at `start` (the word `word`), the index just past it."""
    upper = word.upper()
    after = start + len(word)
    if upper == "CHECK":
        return _group_end(text, after)
    if upper == "UNIQUE":
        return _group_end(text, after) or after
    if upper == "PRIMARY":
        key = re.compile(r"\s+KEY\b", re.IGNORECASE).match(text, after)
        if key:
            return _group_end(text, key.end()) or key.end()
    if upper == "DEFAULT":
        empty_list = re.compile(r"\s+\[\s*\]").match(text, after)
        if empty_list:
            return empty_list.end()
    return None
