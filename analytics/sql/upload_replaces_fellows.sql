-- Uploads whose fellows rows would stop counting if the upload registered as incoming_facts were saved
-- (a newer upload replaces the same cohort): how many of their current rows it replaces.
WITH covered AS (
    SELECT DISTINCT cohort FROM incoming_facts
),
replaced AS (
    SELECT c.upload_id, count(*) AS rows_replaced
    FROM current_fellows c JOIN covered USING (cohort)
    GROUP BY c.upload_id
),
final AS (
    SELECT r.upload_id, u.file_name, u.uploaded_by, u.uploaded_at, u.is_sample, r.rows_replaced
    FROM replaced r JOIN uploads u USING (upload_id)
)
SELECT * FROM final ORDER BY upload_id
