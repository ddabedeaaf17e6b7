-- Upload and audit-event ids come from counters in warehouse_meta, not a sequence or max(id) + 1.
--
-- A shared warehouse (DuckLake, analytics/ducklake.py) has no sequences, and its writers meet only at
-- commit: two saves each computing max(upload_id) + 1 would both commit the same id. A counter row is
-- advanced by an UPDATE inside the writing transaction (analytics/warehouse.py: next_id), so two writers
-- taking ids at once conflict on it, on both backends, and the loser is tried again with nothing written
-- (warehouse.write_attempts). Each counter starts at the highest id given so far.
INSERT INTO warehouse_meta SELECT 'upload_id', coalesce(max(upload_id), 0) FROM uploads;
INSERT INTO warehouse_meta SELECT 'audit_event_id', coalesce(max(event_id), 0) FROM audit_log;
DROP SEQUENCE upload_id_seq;
