-- Keep the frames of incoming_kept_frames (name, payload) for the data $data_version / $data_stamp
-- (kept_frames_forget first took out any kept for it before).
INSERT INTO kept_frames (data_version, data_stamp, name, payload)
SELECT $data_version, $data_stamp, name, payload FROM incoming_kept_frames
