-- Whether the warehouse ($catalog) is attached read-only in this DuckDB instance.
SELECT readonly FROM duckdb_databases() WHERE database_name = $catalog
