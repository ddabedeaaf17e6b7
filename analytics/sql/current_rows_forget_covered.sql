-- First step of bringing {{current}} up to date after upload $upload_id was saved, rolled back or restored:
-- forget what counts now for every key the upload covers (current_rows_newest_live.sql, the rule, or
-- current_rows_of_upload.sql then puts back what counts). Template: filled from the contract
-- (analytics/warehouse.py: kind_sql).
DELETE FROM {{current}}
WHERE ({{key}}) IN (SELECT DISTINCT {{key}} FROM {{facts}} WHERE upload_id = $upload_id)
