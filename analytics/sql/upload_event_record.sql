-- One change of an upload's standing ('saved', 'rolled back', 'restored'): who, and when.
INSERT INTO upload_events VALUES ($upload_id, $action, $who, now())
