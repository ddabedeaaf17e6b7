-- Roll an upload back ('rolled back') or restore it ('active'; refresh_upload_statuses may then mark it
-- superseded).
UPDATE uploads SET status = $status WHERE upload_id = $upload_id
