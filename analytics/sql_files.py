"""The SQL-file loader: every query the code runs is a file in analytics/sql (one query per file), its values
passed as parameters and its table or column names filled into {{slots}} here, quoted."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from analytics.paths import SQL_DIR

if TYPE_CHECKING:
    from analytics.contracts import UploadKind

# A slot in a query template: {{name}}, filled by `sql()` with quoted identifiers only.
_SLOT = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def quote_identifier(name: str) -> str:
    """`name` as a DuckDB identifier: double-quoted, any quote inside doubled. Every table or column name
    that goes into a query from Python goes through here (values never do: they are parameters)."""
    return '"' + name.replace('"', '""') + '"'


def sql(name: str, **identifiers: str | Sequence[str]) -> str:
    """The text of analytics/sql/<name>.sql (one query per file), each {{slot}} in it filled with the
    identifier given for it (quoted), or with a sequence of them (quoted, comma-separated)."""
    return _filled(
        name, tuple((k, v if isinstance(v, str) else tuple(v)) for k, v in sorted(identifiers.items()))
    )


@cache
def _filled(name: str, identifiers: tuple[tuple[str, str | tuple[str, ...]], ...]) -> str:
    slots = dict(identifiers)

    def fill(slot: re.Match) -> str:
        if slot[1] not in slots:
            raise KeyError(f"{name}.sql needs an identifier for {{{{{slot[1]}}}}}")
        value = slots[slot[1]]
        return ", ".join(quote_identifier(v) for v in ([value] if isinstance(value, str) else value))

    return _SLOT.sub(fill, (SQL_DIR / f"{name}.sql").read_text())


def current_table(kind: UploadKind) -> str:
    """The table holding what counts now of `kind` (current_staffing, ...; kept by analytics/store.py)."""
    return f"current_{kind.table}"


def kind_sql(name: str, kind: UploadKind, **identifiers: str | Sequence[str]) -> str:
    """<name>.sql for one upload kind, its slots filled from the contract: {{facts}} (the kind's table),
    {{current}} (what counts now of it), {{key}} (what a newer upload replaces), {{columns}} (all of them),
    {{org}} (the column holding each row's organization), and any others given."""
    return sql(
        name,
        facts=kind.table,
        current=current_table(kind),
        key=kind.replacement_key,
        columns=kind.column_names,
        org=kind.org_column,
        **identifiers,
    )
