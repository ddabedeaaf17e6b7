-- THE RULE for what counts now, written once: for each key (the contract's `key`: organization and school
-- year [and job class], or a fellows cohort), the rows of the newest upload of that key that is not rolled
-- back. Rolling the newest back brings the older rows back; nothing is ever copied over or updated.
--
-- It was first written as the views of migration 002; migration 004 made them the current_* tables, and
-- since then this query keeps them (analytics/store.py: refresh_current, in the transaction of every save,
-- rollback and restore), for the keys upload $upload_id covers only: other keys cannot have changed.
-- Run after current_rows_forget_covered.sql. Template: {{facts}}, {{current}} and {{key}} come from the
-- contract (analytics/warehouse.py: kind_sql); {{order}} is the order queries pick rows by (store.py).
INSERT INTO {{current}}
WITH covered AS (
    SELECT DISTINCT {{key}} FROM {{facts}} WHERE upload_id = $upload_id
),
live AS (
    SELECT f.* FROM {{facts}} f
    SEMI JOIN live_uploads u ON u.upload_id = f.upload_id
    SEMI JOIN covered USING ({{key}})
),
newest AS (
    SELECT {{key}}, max(upload_id) AS upload_id FROM live GROUP BY ALL
),
final AS (
    SELECT live.* FROM live JOIN newest USING ({{key}}, upload_id)
)
SELECT * FROM final ORDER BY {{order}}
