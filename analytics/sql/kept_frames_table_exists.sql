-- Whether the warehouse has the table of kept frames yet (migration 014): 1 or 0.
SELECT count(*) AS found
FROM information_schema.tables
WHERE table_catalog = current_database() AND table_name = 'kept_frames'
