-- (key, value) for data_version and, from migration 006 on, data_stamp.
SELECT key, value FROM warehouse_meta WHERE key IN ('data_version', 'data_stamp')
