-- The uploads log's row for an upload being saved (it counts from now on: status 'active').
INSERT INTO uploads (
    upload_id, kind, file_name, sha256, row_count, uploaded_by, uploaded_at, status, is_sample, description,
    covers_state
)
VALUES (
    $upload_id, $kind, $file_name, $sha256, $row_count, $uploaded_by, $uploaded_at, 'active', $is_sample,
    $description, $covers_state
)
