-- Every upload, newest first: id, kind (the table it filled), file, rows, who, when, status, sample or not,
-- the organizations it holds rows for, whether a district made it, and the review's note.
WITH final AS (
    SELECT upload_id, kind, file_name, row_count AS rows, uploaded_by, uploaded_at, status, is_sample,
           description, org_codes, district_upload, review_note, reviewed_by, reviewed_at
    FROM uploads
)
SELECT * FROM final ORDER BY upload_id DESC
