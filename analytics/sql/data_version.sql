-- A number that changes whenever the warehouse's facts or uploads change.
SELECT value FROM warehouse_meta WHERE key = 'data_version'
