-- The uploads log's row for an upload being saved: 'active' (it counts from now on) or 'pending' (a
-- district's, waiting for review); the organizations it holds rows for; whether a district made it.
INSERT INTO uploads (
    upload_id, kind, file_name, sha256, row_count, uploaded_by, uploaded_at, status, is_sample, description,
    covers_state, org_codes, district_upload
)
VALUES (
    $upload_id, $kind, $file_name, $sha256, $row_count, $uploaded_by, $uploaded_at, $status, $is_sample,
    $description, $covers_state, $org_codes, $district_upload
)
