-- Uploads whose staffing rows would stop counting if the upload registered as incoming_facts were saved
-- (a newer upload replaces the same school_year, org_code, job_class): how many of their current rows it replaces.
WITH covered AS (
    SELECT DISTINCT school_year, org_code, job_class FROM incoming_facts
),
replaced AS (
    SELECT c.upload_id, count(*) AS rows_replaced
    FROM current_staffing c JOIN covered USING (school_year, org_code, job_class)
    GROUP BY c.upload_id
),
final AS (
    SELECT r.upload_id, u.file_name, u.uploaded_by, u.uploaded_at, u.is_sample, r.rows_replaced
    FROM replaced r JOIN uploads u USING (upload_id)
)
SELECT * FROM final ORDER BY upload_id
