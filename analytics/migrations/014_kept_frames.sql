-- What the pages read worked out once per change of the data, kept beside it (analytics/kept.py): the privacy
-- layer's cut of the people family (analytics/metrics.py: every population's organizations in blocks, the
-- blocks summed per region x type cell, and who reported), current and as last released, for every server.
--
-- kept_frames   one row per frame: the data it was worked out from (data_version, and data_stamp, drawn anew
--               by every write: analytics/writes.py), its name, and the frame itself as Arrow IPC
--               (zstd-compressed). Read only for the data_stamp the warehouse has now: a frame of other
--               data is never read. Kept by the writer right after its write, for the newest data
--               and the one before (a page that began on it may still be reading); not a data change itself.

CREATE TABLE kept_frames (
    data_version  BIGINT NOT NULL,
    data_stamp    BIGINT NOT NULL,
    name          VARCHAR NOT NULL,
    payload       BLOB NOT NULL
);
