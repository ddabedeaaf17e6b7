-- Every migration recorded as applied, by number.
SELECT version FROM schema_version
