-- Record a migration as applied (in the transaction that applied it).
INSERT INTO schema_version VALUES ($version, $name, now())
