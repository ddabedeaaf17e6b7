-- A random number drawn again with every write (beside data_version, which counts them): two copies of a
-- warehouse that were written differently never share it, so results cached by it are never another
-- warehouse's (analytics/metrics.py caches the blocks privacy.py cuts, keyed by it).
INSERT INTO warehouse_meta VALUES ('data_stamp', (random() * 9.0e18)::BIGINT);
