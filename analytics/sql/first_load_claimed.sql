-- Whether a server has already claimed the warehouse's first load (the organizations and the sample data).
SELECT count(*) > 0 AS claimed FROM warehouse_meta WHERE key = 'first_load'
