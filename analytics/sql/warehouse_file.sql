-- The file the warehouse is attached from ('' for an in-memory one).
SELECT coalesce(path, '') AS path FROM duckdb_databases() WHERE database_name = current_database()
