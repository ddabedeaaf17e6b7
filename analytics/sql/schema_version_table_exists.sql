-- Whether the warehouse has its migrations log yet (an empty database has not): 1 or 0.
SELECT count(*) AS found
FROM information_schema.tables
WHERE table_catalog = current_database() AND table_name = 'schema_version'
