-- How many frames are kept for the data with stamp $data_stamp by this code ($prefix: analytics/kept.py).
SELECT count(*) AS found FROM kept_frames WHERE data_stamp = $data_stamp AND starts_with(name, $prefix)
