-- Every upload, newest first: id, kind (the table it filled), file, rows, who, when, status, sample or not.
WITH final AS (
    SELECT upload_id, kind, file_name, row_count AS rows, uploaded_by, uploaded_at, status, is_sample,
           description
    FROM uploads
)
SELECT * FROM final ORDER BY upload_id DESC
