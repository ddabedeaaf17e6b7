-- Detach the warehouse ({{catalog}}) from this DuckDB instance, to attach it again read-only or for writing.
DETACH {{catalog}}
