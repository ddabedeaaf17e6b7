-- Each live upload of one kind ($kind: the table it filled) is 'active' while any of its rows still count
-- in {{current}}, else 'superseded'; uploads that are not live (rolled back, pending review, rejected,
-- withdrawn) keep their status. Template: {{current}} comes
-- from the contract (analytics/warehouse.py: kind_sql).
UPDATE uploads SET status = CASE
    WHEN upload_id IN (SELECT DISTINCT upload_id FROM {{current}}) THEN 'active'
    ELSE 'superseded' END
WHERE kind = $kind AND status IN ('active', 'superseded')
