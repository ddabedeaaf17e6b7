-- A reviewer's decision on a pending upload (or a district withdrawing it): its new status, and who decided,
-- when, with what note.
UPDATE uploads SET status = $status, review_note = $note, reviewed_by = $who, reviewed_at = now()
WHERE upload_id = $upload_id
