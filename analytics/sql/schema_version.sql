-- The highest migration applied (0 when none is).
SELECT coalesce(max(version), 0) AS version FROM schema_version
