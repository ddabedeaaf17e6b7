-- What the warehouse ($catalog) is: 'duckdb' (the embedded file) or 'ducklake' (shared; analytics/ducklake.py).
SELECT type FROM duckdb_databases() WHERE database_name = $catalog
