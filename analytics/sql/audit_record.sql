-- One line of the audit log: who (in which role) did what, to which upload, now; $event_id comes from the
-- audit_event_id counter (analytics/warehouse.py: next_id).
INSERT INTO audit_log VALUES ($event_id, now(), $who, $role, $action, $upload_id, $detail)
