-- Uploads of exactly the same file (the same bytes, so the same SHA-256), newest first: to say so before
-- the file is saved again.
WITH same_file AS (
    SELECT upload_id, kind, file_name, uploaded_by, uploaded_at, status, org_codes, district_upload
    FROM uploads
    WHERE sha256 = $sha256
),
final AS (
    SELECT * FROM same_file
)
SELECT * FROM final ORDER BY uploaded_at DESC, upload_id DESC
