-- One upload's facts, in the contract's columns (a pending upload's, for the reviewer's preview). Template:
-- {{facts}} and {{columns}} come from the contract (analytics/warehouse.py: kind_sql).
SELECT {{columns}} FROM {{facts}} WHERE upload_id = $upload_id
