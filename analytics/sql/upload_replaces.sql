-- Uploads whose rows would stop counting if the upload registered as incoming_facts were saved (by the
-- rule in current_rows_newest_live.sql: it would be the newest upload of every key it covers), and how many
-- of their current rows it replaces. Template: {{current}} and {{key}} come from the contract
-- (analytics/warehouse.py: kind_sql).
WITH covered AS (
    SELECT DISTINCT {{key}} FROM incoming_facts
),
replaced AS (
    SELECT c.upload_id, count(*) AS rows_replaced
    FROM {{current}} c JOIN covered USING ({{key}})
    GROUP BY c.upload_id
),
final AS (
    SELECT r.upload_id, u.file_name, u.uploaded_by, u.uploaded_at, u.is_sample, r.rows_replaced
    FROM replaced r JOIN uploads u USING (upload_id)
)
SELECT * FROM final ORDER BY upload_id
