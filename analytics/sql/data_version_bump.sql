-- Mark the data as changed (inside the writing transaction): data_version counts up, data_stamp is drawn
-- anew (migration 006 says why both).
UPDATE warehouse_meta
SET value = CASE key WHEN 'data_version' THEN value + 1 ELSE (random() * 9.0e18)::BIGINT END
WHERE key IN ('data_version', 'data_stamp')
