-- Before keeping the frames of $data_version / $data_stamp: take out those of data older than the one before
-- it (no page reads them any more) and any kept for this data before.
DELETE FROM kept_frames WHERE data_version < $data_version - 1 OR data_stamp = $data_stamp
