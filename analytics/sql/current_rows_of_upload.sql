-- The rule (current_rows_newest_live.sql) for an upload just saved: it is the newest of all, so every key
-- it covers is its own and its rows count as they are. Run after current_rows_forget_covered.sql.
-- Template: filled from the contract (analytics/warehouse.py: kind_sql); {{order}} as in the rule.
INSERT INTO {{current}}
SELECT * FROM {{facts}} WHERE upload_id = $upload_id ORDER BY {{order}}
