-- The id just taken from one of warehouse_meta's counters (after counter_advance.sql, in its transaction).
SELECT value FROM warehouse_meta WHERE key = $counter
