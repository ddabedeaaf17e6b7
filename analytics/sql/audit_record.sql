-- One line of the audit log: who (in which role) did what, to which upload, now.
INSERT INTO audit_log
SELECT coalesce(max(event_id), 0) + 1, now(), $who, $role, $action, $upload_id, $detail FROM audit_log
