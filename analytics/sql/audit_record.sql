-- One line of the audit log: who (in which role, with the sign-in provider's subject and issuer where they
-- signed in) did what, to which upload, now; $event_id comes from the audit_event_id counter
-- (analytics/warehouse.py: next_id).
INSERT INTO audit_log (event_id, happened_at, who, role, action, upload_id, detail, subject, issuer)
VALUES ($event_id, now(), $who, $role, $action, $upload_id, $detail, $subject, $issuer)
