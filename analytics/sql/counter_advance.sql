-- Advance one of warehouse_meta's id counters ($counter: upload_id, audit_event_id; migration 010) inside a
-- writing transaction; counter_value.sql then reads the id taken. Two writers advancing it at once conflict.
UPDATE warehouse_meta SET value = value + 1 WHERE key = $counter
