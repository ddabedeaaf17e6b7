-- An upload's facts, registered as incoming_facts and already checked against the contract, into the
-- kind's table under its upload id. Template: {{facts}} and {{columns}} come from the contract
-- (analytics/warehouse.py: kind_sql).
INSERT INTO {{facts}} (upload_id, {{columns}})
SELECT $upload_id, {{columns}} FROM incoming_facts
