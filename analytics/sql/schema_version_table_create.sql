-- The migrations log, created before the first migration runs (analytics/warehouse.py: migrate): one row
-- per migration applied. It is not itself a migration, since it records them.
CREATE TABLE IF NOT EXISTS schema_version (
    version     INTEGER PRIMARY KEY,
    name        VARCHAR NOT NULL,
    applied_at  TIMESTAMP NOT NULL
)
