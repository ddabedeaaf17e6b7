-- The kept frames named in $names of the data with stamp $data_stamp (analytics/kept.py).
SELECT name, payload FROM kept_frames WHERE data_stamp = $data_stamp AND list_contains($names, name)
